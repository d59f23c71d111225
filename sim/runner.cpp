#include "hbsim/runner.hpp"

#include <chrono>
#include <cstdio>

#include "hbsim/input_error.hpp"
#include "hbsim/trace_writer.hpp"

namespace hbsim {

namespace {

// A one-line progress report on stderr, refreshed at most a few times a second once a run has
// lasted a second; it reads the wall clock only every few thousand events.
class progress_line final : public event_observer {
 public:
  void on_start(const run_header&) override { start_ = std::chrono::steady_clock::now(); }
  void on_event(const event_record& e) override {
    if ((++events_ & 0x3fff) != 0) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (elapsed < 1.0 || now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    shown_ = true;
    std::fprintf(stderr, "\r  %llu events, simulated time %s, %.1f s ",
                 static_cast<unsigned long long>(events_), format_duration(e.time).c_str(), elapsed);
    std::fflush(stderr);
  }
  void on_finish(const run_end&) override {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::chrono::steady_clock::time_point start_, last_;
  std::uint64_t events_ = 0;
  bool shown_ = false;
};

template <class Parse, class Names>
void set_variant(const scenario& s, std::string_view clock, std::string_view name, Parse parse, Names names,
                 auto& field) {
  if (auto v = parse(name)) {
    field = *v;
    return;
  }
  std::string valid;
  for (std::string_view n : names()) valid += (valid.empty() ? "" : ", ") + std::string(n);
  throw input_error(s.file.empty() ? "--variant" : s.file, "/logical/" + std::string(clock) + "/variant",
                    "one of " + valid, "\"" + std::string(name) + "\"");
}

}  // namespace

void apply_variant(scenario& s, std::string_view assignment) {
  const auto eq = assignment.find('=');
  const std::string_view clock = assignment.substr(0, eq);
  const std::string_view name = eq == std::string_view::npos ? std::string_view{} : assignment.substr(eq + 1);
  if (eq == std::string_view::npos)
    throw input_error("--variant", "", "CLOCK=NAME, e.g. lamport=no-tick-local", "\"" + std::string(assignment) + "\"");
  if (clock == "lamport")
    set_variant(s, clock, name, parse_lamport_variant, lamport_variant_names, s.logical.lamport);
  else if (clock == "vector")
    set_variant(s, clock, name, parse_vector_variant, vector_variant_names, s.logical.vector);
  else if (clock == "hlc")
    set_variant(s, clock, name, parse_hlc_variant, hlc_variant_names, s.logical.hlc);
  else
    throw input_error("--variant", "", "a clock among lamport, vector, hlc", "\"" + std::string(clock) + "\"");
}

run_outcome run_scenario(const scenario& s, const run_options& options) {
  run_outcome out;
  out.sim = std::make_unique<simulation>(s, options.seed);
  std::optional<trace_writer> trace;
  if (!options.trace_path.empty()) {
    trace.emplace(options.trace_path);
    out.sim->observe(*trace);
  }
  expectation_checker checker(s);
  out.sim->observe(checker);
  progress_line progress;
  if (options.progress) out.sim->observe(progress);
  const auto start = std::chrono::steady_clock::now();
  out.sim->run();
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (trace) trace->commit();
  out.expectations = checker.results();
  return out;
}

}  // namespace hbsim
