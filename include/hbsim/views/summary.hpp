// What a run tells its user: the human summary, and the --json object (scenarios/FORMAT.md §12).
#pragma once

#include <ostream>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hbsim/engine/simulation.hpp"
#include "hbsim/judge/expectation_checker.hpp"

namespace hbsim {

class invariant_checker;
class clock_report;
class data_judge;

struct run_report {
  const simulation* sim;
  const invariant_checker* invariants;
  std::span<const expectation_result> expectations;
  double wall_seconds = 0;
  const clock_report* clocks = nullptr;  // the "clocks compared" section, when the run kept one
  std::string_view trace_sha256;         // the trace's fingerprint, "" when there is none (a trace checked alone)
};

/// True when every expectation is met, every violated invariant is expected by a `violates`
/// expectation, and the run was not cut by max_events or max_pending.
bool run_ok(const run_report& r);
/// Human-readable summary. Long lists (processes, vector entries) are cut, saying how much was left out.
void print_summary(std::ostream& out, const run_report& r);
nlohmann::json summary_json(const run_report& r);

/// The invariants part of a summary, for a run or for a trace checked on its own; `expected` holds
/// the invariants a `violates` expectation names (their violations do not fail the run).
void print_invariants(std::ostream& out, const invariant_checker& c, std::span<const std::string> expected = {});
nlohmann::json violations_json(const invariant_checker& c, std::span<const std::string> expected = {});

/// The replicated data's part, per key: writes, lost updates, the most siblings, the versions' bytes.
void print_data(std::ostream& out, const data_judge& d);
nlohmann::json data_json(const data_judge& d);

}  // namespace hbsim
