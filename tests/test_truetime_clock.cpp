// TrueTime intervals: ε constant or a sawtooth since the clock's last sync, derived by hand; the
// invariant truetime.contains_true_time broken exactly when a clock's error exceeds ε (against a brute
// force from the trace on many faulty random runs); the kind everywhere a kind goes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/clocks/truetime/truetime_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/run/runner.hpp"
#include "cli_fixture.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"
#include "truetime_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using json = nlohmann::json;

namespace {

constexpr sim_time us = ns_per_us;

// The trace's events, and how many violations of truetime.contains_true_time the run counted.
struct traced {
  std::vector<json> events;
  std::uint64_t outside = 0;
};
traced trace_events(const scenario& s, std::uint64_t seed = 1) {
  const temp_file trace("truetime.jsonl");
  run_options o;
  o.seed = seed;
  o.trace_path = trace.str();
  traced out;
  out.outside = run_scenario(s, o).invariants->count("truetime.contains_true_time");
  std::istringstream in(read_file(trace.path));
  for (std::string line; std::getline(in, line);)
    if (json l = json::parse(line); l["type"] == "event") out.events.push_back(std::move(l));
  return out;
}

}  // namespace

TEST_CASE("TrueTime's epsilon: a constant, or base + floor(drift_ppm * 1e-6 * (t - t_sync)) ns") {
  const truetime_options saw{100 * us, 200};
  CHECK(saw.epsilon(50 * ms, 0) == 110 * us);         // 200e-6 * 50ms = 10us
  CHECK(saw.epsilon(250 * ms, 200 * ms) == 110 * us);  // counted from the sync at 200ms
  CHECK(saw.epsilon(199 * ms, 0) == 139'800);           // 200e-6 * 199ms = 39.8us
  CHECK(saw.epsilon(7, 0) == 100 * us);                 // 0.0014 ns, floored
  const truetime_options half{0, 0.5};
  CHECK(half.epsilon(3 * ms, 0) == 1);  // 0.5e-6 * 3e6 ns = 1.5 ns, floored
  const truetime_options fixed = truetime_options::read({{"epsilon", "5ms"}});
  CHECK(fixed.epsilon(0, 0) == 5 * ms);
  CHECK(fixed.epsilon(1'000 * ms, 0) == 5 * ms);
  // The default is Spanner's: 1 ms after a sync, 200 ppm.
  const truetime_options spanner = truetime_options::read(json::object());
  CHECK(spanner.epsilon(30'000 * ms, 0) == 7 * ms);  // 1ms + 200e-6 * 30s = 7ms
}

TEST_CASE("a TrueTime interval holds the true time exactly while the clock's error is within epsilon") {
  // ε = 1 ms constant, clocks exact to the ns (resolution 1 ns) with offsets around ±ε; one local at 1 ms.
  // pt = 1ms + offset; the interval [pt − 1ms, pt + 1ms] holds 1 ms iff |offset| ≤ 1 ms.
  const std::vector<sim_time> offsets = {ms - 1, ms, ms + 1, -ms, -ms - 1};
  scenario s = make_scenario({"A", "B", "C", "D", "E"});
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    s.processes[i].clock.offset = offsets[i];
    s.processes[i].clock.resolution = 1;
    s.script.push_back(at(ms, static_cast<process_id>(i), action_kind::local, "x"));
  }
  const traced r = trace_events(with_truetime(s, "1ms"));
  REQUIRE(r.events.size() == 5);
  CHECK(r.events[1]["truetime"] == json::array({ms, 3 * ms}));  // offset +1ms: pt = 2ms, [1ms, 3ms] holds 1ms
  CHECK(r.events[2]["truetime"] == json::array({ms + 1, 3 * ms + 1}));  // 1ns too far
  CHECK(r.events[3]["truetime"] == json::array({-ms, ms}));  // offset −1ms: pt = 0
  CHECK(r.events[4]["truetime"] == json::array({-ms - 1, ms - 1}));  // pt = −1ns
  // Offsets ms + 1 and −ms − 1: two violations.
  CHECK(r.outside == 2);
}

TEST_CASE("truetime.contains_true_time counts exactly the events whose clock error exceeds epsilon, on 1000 faulty runs") {
  // Brute force from the trace: |pt − time| > ε(time, t_sync), t_sync the last multiple of C's sync
  // period (5 ms, the only clock with a sync), 0 for the others. Constant ε and a sawtooth.
  std::uint64_t violated = 0, held = 0, off_formula = 0;
  for (const json& epsilon : {json("2ms"), json{{"base", "1ms"}, {"drift_ppm", 150}}}) {
    const truetime_options o = truetime_options::read({{"epsilon", epsilon}});
    const scenario s = with_truetime(faulty_random_scenario(), epsilon);
    for (std::uint64_t seed = 1; seed <= 500; ++seed) {
      CAPTURE(seed);
      std::uint64_t expected = 0, events = 0;
      const traced r = trace_events(s, seed);
      for (const json& e : r.events) {
        const sim_time t = e["time"], pt = e["pt"];
        const sim_time t_sync = e["process"] == "C" ? t / (5 * ms) * (5 * ms) : 0;
        const sim_time eps = o.epsilon(t, t_sync);
        off_formula += e["truetime"] != json::array({pt - eps, pt + eps});
        expected += pt - t > eps || t - pt > eps;
        ++events;
      }
      REQUIRE(r.outside == expected);
      violated += expected;
      held += events - expected;
    }
  }
  CHECK(off_formula == 0);
  CHECK(violated > 0);
  CHECK(held > 0);
}

TEST_CASE("only a kind that reads true time makes the clocks ask for it") {
  logical_config standard;
  CHECK_FALSE(clock_set(3, standard).reads_true_time());
  logical_config with = standard;
  with.clocks.push_back("truetime");
  with.extra.push_back({clock_registry::standard().find("truetime")});
  CHECK(clock_set(3, with).reads_true_time());
}

TEST_CASE("the clock comparison: TrueTime orders an edge only when the intervals do not overlap") {
  // Lesson 27: B's 7 events make 6 process-order edges, A's 2 one, the message one: 8. Only A's send
  // [99.88ms, 100.12ms] and its local 100us later [99.97998ms, 100.22002ms] overlap.
  const scenario s = load_scenario(source_path("scenarios/teaching/27_truetime_outside_epsilon.json"));
  const run_outcome r = run_scenario(s);
  const clock_comparison::kind_share& k = r.clocks->result().kinds.at(0);
  CHECK(k.name == "truetime");
  CHECK(k.edges == 8);
  CHECK(k.edges_broken == 0);
  CHECK(k.edges_undecided == 1);
  CHECK(k.event_bytes == 9 * 16);
  CHECK(k.message_bytes == 16);
  CHECK(k.unstamped == 0);
  CHECK(r.invariants->count("truetime.contains_true_time") == 2);
}

TEST_CASE("truetime on the command line: narration, check, explain and exports") {
  const scratch tmp;
  const std::string lesson = source_path("scenarios/teaching/27_truetime_outside_epsilon.json");
  const std::string trace = (tmp.dir / "t.jsonl").string();
  const cli_result run = run_cli("run '" + lesson + "' --trace '" + trace + "' --narrate");
  REQUIRE(run.code == 0);
  // B at 50ms: pt 50.05ms, ε 110us.
  CHECK(run.out.find("TT.now() = [pt - e, pt + e], e = 110us: [50.05ms - 110us, 50.05ms + 110us] = [49.94ms, "
                     "50.16ms]") != std::string::npos);
  CHECK(run.out.find("TT.now() = [150.02ms, 150.28ms] does not contain the true time 150ms: the clock is off by pt - "
                     "time = 150us, more than epsilon 130us") != std::string::npos);
  const cli_result check = run_cli("check '" + trace + "'");
  CHECK(check.code == 1);  // no expectation to excuse them: the two violations fail the check
  CHECK(check.out.find("truetime.contains_true_time: 2 violations") != std::string::npos);
  const cli_result explain = run_cli("explain '" + trace + "' A:m B:m");
  CHECK(explain.code == 0);
  CHECK(explain.out.find("[100.9808ms, 101.2212ms]") != std::string::npos);
  const auto exported = [&](const std::string& format, const std::string& more = "") {
    return export_trace(tmp, trace, format, more);
  };
  const json graph = json::parse(exported("json"));
  CHECK(graph["graph"]["clocks"] == json::array({"truetime"}));
  CHECK(graph["nodes"][0]["truetime"] == json::array({49'940'000, 50'160'000}));
  CHECK(exported("dot", "--clocks truetime").find("truetime [49.94ms, 50.16ms]") != std::string::npos);
  CHECK(exported("html").find("truetime") != std::string::npos);
}

TEST_CASE("truetime options are checked when the scenario loads") {
  const auto load = [](const std::string& logical) {
    const json s = {{"name", "x"}, {"processes", {"A"}}, {"clocks", {"truetime"}}, {"logical", json::parse(logical)}};
    return parse_scenario(s.dump(), "s.json");
  };
  CHECK_NOTHROW(load(R"({"truetime": {"epsilon": "3ms"}})"));
  CHECK_NOTHROW(load(R"({"truetime": {"epsilon": {"base": "1ms", "drift_ppm": 0.5}}})"));
  const auto path_of = [&](const std::string& logical) {
    try {
      load(logical);
    } catch (const input_error& e) {
      return e.path();
    }
    return std::string("accepted");
  };
  CHECK(path_of(R"({"truetime": {"epsilon": "-1ms"}})") == "/logical/truetime/epsilon");
  CHECK(path_of(R"({"truetime": {"epsilon": 5}})") == "/logical/truetime/epsilon");
  CHECK(path_of(R"({"truetime": {"epsilon": {"base": "1ms", "drift": 5}}})") == "/logical/truetime/epsilon/drift");
  CHECK(path_of(R"({"truetime": {"epsilon": {"drift_ppm": -1}}})") == "/logical/truetime/epsilon/drift_ppm");
  CHECK(path_of(R"({"truetime": {"bound": "1ms"}})") == "/logical/truetime/bound");
}
