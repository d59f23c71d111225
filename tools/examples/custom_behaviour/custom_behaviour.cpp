// A behaviour written in C++ by a library user: a token passed around a ring. The scenario file
// gives the processes, their clocks, the network and the expectations; the code gives the workload.
// The run is traced and judged as `hbsim run` judges one: invariants, expectations, clock comparison.
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>

#include <hbsim/core/input_error.hpp>
#include <hbsim/judge/clock_report.hpp>
#include <hbsim/judge/expectation_checker.hpp>
#include <hbsim/judge/invariant_checker.hpp>
#include <hbsim/engine/simulation.hpp>
#include <hbsim/scenario/scenario.hpp>
#include <hbsim/trace/trace_writer.hpp>
#include <hbsim/views/summary.hpp>

namespace {

// The first process sends the token to the next one at time 0; whoever receives it holds it for
// `hold` (a timer), then passes it on in the scenario's process order. When the token has gone round
// `laps` times, the first process keeps it and records a local event "done".
class token_ring final : public hbsim::behaviour {
 public:
  token_ring(int laps, hbsim::sim_time hold) : laps_(laps), hold_(hold) {}

  void on_start(hbsim::process_context& ctx) override {
    if (ctx.self() == 0) pass_on(ctx);
  }
  void on_receive(hbsim::process_context& ctx, const hbsim::delivered_message& m) override {
    if (m.label != "token") return;
    if (ctx.self() == 0 && ++laps_done_ == laps_) {
      ctx.local("done");
      return;
    }
    ctx.set_timer(hold_, 0);
  }
  void on_timer(hbsim::process_context& ctx, std::uint64_t) override { pass_on(ctx); }

 private:
  static void pass_on(hbsim::process_context& ctx) {
    ctx.send(static_cast<hbsim::process_id>((ctx.self() + 1) % ctx.process_count()), "token");
  }

  int laps_;
  hbsim::sim_time hold_;
  int laps_done_ = 0;  // only the first process counts
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: custom_behaviour SCENARIO [TRACE]\n";
    return 2;
  }
  try {
    const hbsim::scenario s = hbsim::load_scenario(argv[1]);
    hbsim::simulation sim(s);
    sim.attach(std::make_shared<token_ring>(2, 2 * hbsim::ns_per_ms));
    // Without a file the trace is only hashed: its SHA-256 ends the summary either way.
    hbsim::trace_writer trace(argc == 3 ? argv[2] : "");
    sim.observe(trace);
    // The ground truth first: the judges read it about each event.
    hbsim::causality truth;
    hbsim::invariant_checker invariants(truth);
    hbsim::expectation_checker expectations(s, truth, invariants);
    hbsim::clock_report clocks(truth);
    sim.observe(truth);
    sim.observe(invariants);
    sim.observe(expectations);
    sim.observe(clocks);
    const auto start = std::chrono::steady_clock::now();
    sim.run();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    trace.commit();
    const hbsim::run_report report{&sim, &invariants, expectations.results(), wall, &clocks, trace.trace_sha256()};
    hbsim::print_summary(std::cout, report);
    return hbsim::run_ok(report) ? 0 : 1;
  } catch (const hbsim::input_error& e) {
    std::cerr << "custom_behaviour: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "custom_behaviour: internal error: " << e.what() << "\n";
    return 3;
  }
}
