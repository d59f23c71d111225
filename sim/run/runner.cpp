#include "hbsim/data/data_policy.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/run/memory_estimate.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/core/output_file.hpp"
#include "engine/observer_thread.hpp"
#include "run/memory_guard.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "hbsim/truth/row_limit.hpp"

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

// A variant name that `clock` does not have: the mistake is on the command line, not in the file.
[[noreturn]] void refuse_variant(std::string_view clock, std::string_view name, std::span<const std::string_view> names) {
  std::string valid;
  for (std::string_view n : names) valid += (valid.empty() ? "" : ", ") + std::string(n);
  throw input_error("--variant " + std::string(clock) + "=" + std::string(name), "",
                    "a " + std::string(clock) + " variant: one of " + valid, quoted_excerpt(name),
                    did_you_mean(name, names));
}

template <class Parse, class Names>
void set_variant(std::string_view clock, std::string_view name, Parse parse, Names names,
                 auto& field) {
  if (auto v = parse(name)) {
    field = *v;
    return;
  }
  refuse_variant(clock, name, names());
}

// --variant causal=no-hold, total=arrival-order: the layers of the scenario's groups of that order.
void set_delivery_variant(scenario& s, std::string_view order, std::string_view name) {
  const bool has = std::any_of(s.delivery.groups.begin(), s.delivery.groups.end(),
                               [&](const delivery_group& g) { return to_string(g.order) == order; });
  if (!has)
    throw input_error("--variant", "", "a delivery group of order \"" + std::string(order) + "\" in the scenario",
                      "\"" + std::string(order) + "\"");
  const auto causal = find_variant<causal_variant>(causal_variant_names(), name);
  const auto total = find_variant<total_variant>(total_variant_names(), name);
  if (order == "causal" && !causal) refuse_variant(order, name, causal_variant_names());
  if (order == "total" && !total) refuse_variant(order, name, total_variant_names());
  for (delivery_group& g : s.delivery.groups) {
    if (g.order == delivery_order::causal && causal) g.causal = *causal;
    if (g.order == delivery_order::total && total) g.total = *total;
  }
}

}  // namespace

std::string determinism_difference(const scenario& s, const run_options& options) {
  namespace fs = std::filesystem;
  const std::string base = (fs::temp_directory_path() / ("hbsim-determinism-" + std::to_string(::getpid()))).string();
  const temporary_path first(base + "-1.jsonl"), second(base + "-2.jsonl");
  run_options o = options;
  o.progress = false;
  o.trace_path = first.str();
  run_scenario(s, o);
  o.trace_path = second.str();
  run_scenario(s, o);
  std::ifstream a(first.str()), b(second.str());
  std::string la, lb;
  for (std::uint64_t line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) return "";
    if (more_a && more_b && la == lb) continue;
    return std::string("trace line ").append(std::to_string(line)).append(" differs:\n  first run:  ")
        .append(more_a ? la : "(end of trace)").append("\n  second run: ").append(more_b ? lb : "(end of trace)");
  }
}

void apply_variant(scenario& s, std::string_view assignment) {
  const auto eq = assignment.find('=');
  const std::string_view clock = assignment.substr(0, eq);
  const std::string_view name = eq == std::string_view::npos ? std::string_view{} : assignment.substr(eq + 1);
  if (eq == std::string_view::npos)
    throw input_error("--variant", "", "CLOCK=NAME, e.g. lamport=no-tick-local", "\"" + std::string(assignment) + "\"");
  if (clock == "causal" || clock == "total") {
    set_delivery_variant(s, clock, name);
    return;
  }
  const auto other = std::find_if(s.logical.extra.begin(), s.logical.extra.end(),
                                  [&](const chosen_clock& c) { return c.kind->name() == clock; });
  if (s.data && clock == s.data->policy) {  // the data policy's variants: lww=no-tie-break
    const auto policy = make_policy(*s.data);
    set_variant(clock, name, [&](std::string_view n) { return find_variant<std::size_t>(policy->variants(), n); },
                [&] { return policy->variants(); }, s.data->variant);
    return;
  }
  if (!s.logical.has(clock)) {
    // What may take a variant in this scenario: its clocks, its data policy, its causal and total groups.
    std::string chosen;
    for (const std::string& c : s.logical.clocks) chosen.append(chosen.empty() ? "" : ", ").append(c);
    if (s.data) chosen.append(", ").append(s.data->policy).append(" (its data policy)");
    if (!s.delivery.empty()) chosen.append(", causal, total (its delivery groups)");
    throw input_error("--variant", "", "a clock of the scenario, or what else takes a variant: " + chosen,
                      "\"" + std::string(clock) + "\"");
  }
  if (clock == "lamport")
    set_variant(clock, name, parse_lamport_variant, lamport_variant_names, s.logical.lamport);
  else if (clock == "vector")
    set_variant(clock, name, parse_vector_variant, vector_variant_names, s.logical.vector);
  else if (clock == "hlc")
    set_variant(clock, name, parse_hlc_variant, hlc_variant_names, s.logical.hlc);
  else
    set_variant(clock, name, [&](std::string_view n) { return find_variant<std::size_t>(other->kind->variants(), n); },
                [&] { return other->kind->variants(); }, other->variant);
}

run_outcome run_scenario(const scenario& s, const run_options& options) {
  run_outcome out;
  const compare_mode mode = options.compare.mode;
  std::optional<std::uint64_t> budget = options.memory_budget;
  if (options.check_memory)
    budget = check_memory(s, options.compare_clocks, available_memory(),
                          mode == compare_mode::exact      ? ~std::uint64_t{0}
                          : mode == compare_mode::estimate ? 0
                                                           : exact_events(options.compare, s.processes.size()));
  out.sim = std::make_unique<simulation>(s, options.seed);
  // Sparse vectors that could outgrow the memory: stopped, with an input error, if they do.
  std::optional<memory_guard> guard;
  if (budget) {
    guard.emplace(s.source(), *budget);
    out.sim->observe(*guard);
  }
  // Formatted even when not written: its fingerprint is part of every summary. Only hashed, it goes with the judges
  // (on their thread when they have one), which see the same calls in the same order. With a second CPU the
  // hashing (a third of a default run, more with vectors) goes on a thread of its own whatever the judges do:
  // it is handed a megabyte of lines at a time, so it costs the run almost nothing (measured: 1,024
  // processes with Lamport + HLC, the judges on the run's thread, 1.12 s to 1.02 s; 64 processes 1.73 s to 1.45 s).
  const bool threads =
      options.judge_thread.value_or(observer_thread::worthwhile(s.logical.vector_sized(), s.processes.size()));
  trace_writer trace(options.trace_path, options.judge_thread.value_or(observer_thread::second_cpu()));
  if (!options.trace_path.empty()) out.sim->observe(trace);
  // The judges: the ground truth first, then the invariants, the expectations, the clock comparison
  // and the exports, which read it; on a thread of their own unless told otherwise.
  out.truth = std::make_unique<causality>();
  out.invariants = std::make_unique<invariant_checker>(*out.truth);
  expectation_checker checker(s, *out.truth, *out.invariants);
  std::vector<event_observer*> judges = {out.truth.get(), out.invariants.get(), &checker};
  if (options.trace_path.empty()) judges.push_back(&trace);
  if (options.compare_clocks && truth_keeps_rows(s.processes.size(), s.logical.has("vector"))) {  // it needs them
    out.clocks = std::make_unique<clock_report>(*out.truth, options.compare);
    judges.push_back(out.clocks.get());
  }
  for (exporter* x : options.exports) {
    x->read(*out.truth);
    judges.push_back(x);
  }
  std::optional<observer_thread> judge_thread;
  if (threads) {
    judge_thread.emplace(judges);
    out.sim->observe(*judge_thread);
  } else {
    for (event_observer* o : judges) out.sim->observe(*o);
  }
  for (event_observer* o : options.observers) out.sim->observe(*o);
  progress_line progress;
  if (options.progress) out.sim->observe(progress);
  const auto start = std::chrono::steady_clock::now();
  out.sim->run();
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  trace.commit();
  out.trace_sha256 = trace.trace_sha256();
  out.expectations = checker.results();
  return out;
}

}  // namespace hbsim
