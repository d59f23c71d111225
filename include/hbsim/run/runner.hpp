// Running a scenario the way the command line does: simulation, trace, expectations, timing. Tests
// and tools share it, so `hbsim run` and the test suite judge a scenario identically.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/engine/simulation.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/judge/expectation_checker.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/views/exporter.hpp"
#include "hbsim/views/summary.hpp"

namespace hbsim {

struct run_options {
  std::optional<std::uint64_t> seed;  // overrides the scenario's
  std::string trace_path;             // "" no trace (only its SHA-256), "-" standard output
  bool progress = false;              // progress line on stderr for runs longer than a second
  std::vector<event_observer*> observers;  // also watch the run (narration)
  // Exports, which read the run's ground truth: they watch with the judges, after it.
  std::vector<exporter*> exports;
  // The clock comparison keeps each event's pt and Lamport value (about 20 bytes per event) up to
  // exact_events(compare, processes) events (then estimates, in a fixed memory), or to the end with
  // compare_mode::exact; it can be left out.
  bool compare_clocks = true;
  compare_options compare;
  // Judge the run (invariants, expectations, the clock comparison) on a thread of its own, beside
  // the simulation: the same results, sooner when a second core is free.
  // Unset: when this process may run on more than one CPU and vector or matrix clocks are chosen, or
  // more than 65,536 processes (observer_thread::worthwhile). The trace's SHA-256 goes on a thread of
  // its own when this is true, and when it is unset and a second CPU is there; false keeps the whole run on
  // one thread.
  std::optional<bool> judge_thread;
  // Whether to refuse a run whose memory estimate passes the memory available (a sweep checks its runs
  // at a time together, once, instead), and to stop one whose sparse vectors could outgrow it if they do.
  bool check_memory = true;
  // Without check_memory: the memory the run may grow by before it is stopped (memory_guard); none: no bound.
  std::optional<std::uint64_t> memory_budget;
};

struct run_outcome {
  std::unique_ptr<simulation> sim;
  std::unique_ptr<causality> truth;  // the run's ground truth, which the judges read
  std::unique_ptr<invariant_checker> invariants;
  std::unique_ptr<clock_report> clocks;  // null when run_options::compare_clocks is off
  std::vector<expectation_result> expectations;
  double wall_seconds = 0;
  std::string trace_sha256;  // of the trace's bytes, whether or not it was written
  run_report report() const {
    return {sim.get(), invariants.get(), expectations, wall_seconds, clocks.get(), trace_sha256};
  }
  bool ok() const { return run_ok(report()); }
  /// Writes of the replicated data that some replica lost (0 without data).
  std::uint64_t lost_updates() const {
    return invariants && invariants->data() ? invariants->data()->lost_updates() : 0;
  }
};

/// Runs s (which must outlive the outcome). Throws input_error for references that name no event or
/// several, output_error when the trace cannot be written; the trace file is only put in place when
/// the run completes.
run_outcome run_scenario(const scenario& s, const run_options& options = {});

/// Runs s twice with traces and compares them; returns "" when byte-identical, else a description of
/// the first line that differs (both versions).
std::string determinism_difference(const scenario& s, const run_options& options);

/// Applies "lamport=no-tick-local" (from --variant) to the scenario; throws input_error listing the
/// valid names when the clock or the variant is unknown.
void apply_variant(scenario& s, std::string_view assignment);

}  // namespace hbsim
