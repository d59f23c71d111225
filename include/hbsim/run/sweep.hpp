// hbsim sweep (SPEC §11): one scenario run for every seed of a range and every combination of overridden field
// values, on threads, each run exactly the one `hbsim run --seed S --set ...` makes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/run/field_override.hpp"

namespace hbsim {

/// One --set PATH=V1,V2,...: a field and the values it takes in turn.
struct sweep_axis {
  std::string path;
  std::vector<nlohmann::json> values;
};

/// Parses "PATH=V1,V2,...": values split at the commas outside JSON strings, arrays and objects, each JSON or else
/// a string. Throws input_error naming --set.
sweep_axis parse_sweep_axis(std::string_view assignment);

/// One run of a sweep: the overrides of one combination of values (one per axis), and a seed.
struct sweep_cell {
  std::size_t combination = 0;  // index in sweep::combinations
  std::uint64_t seed = 0;
};

struct sweep_result {
  bool ok = false;
  int exit = 0;  // what `hbsim run` exits with: 0, 1, 2 for a run refused as invalid, 3 for an internal error
  std::map<std::string, std::uint64_t> violations;  // invariant -> count
  std::uint64_t unmet = 0;
  std::uint64_t events = 0;
  std::optional<std::int64_t> epsilon_ns;  // HLC's largest l - pt, when the run has HLC
  std::optional<std::uint64_t> lost_updates;  // writes lost (data.no_lost_update), when the run has replicated data
  std::optional<std::int64_t> held_back_ns;   // the longest a delivery group held a message, when the run has groups
  std::string trace_sha256;
  double wall_seconds = 0;
  std::vector<std::string> failures;  // why it failed: "invariant NAME", "expectation {...}", "cut short", an error
};

/// The runs of one combination of values, as the summary's row for it gives them.
struct sweep_value_summary {
  std::vector<field_override> set;  // the combination's overrides
  std::string values;               // the same as text, "PATH=VALUE" separated by spaces
  std::uint64_t runs = 0;  // done
  std::uint64_t failed = 0;
  std::map<std::string, std::uint64_t> violations;  // invariant -> count, over the runs
  std::optional<std::int64_t> max_epsilon_ns;  // HLC's largest l - pt over the runs, when they have HLC
  std::optional<std::uint64_t> lost_updates;  // over the runs, when they have replicated data
  std::optional<std::int64_t> max_held_back_ns;  // the longest hold-back over the runs, when they have delivery groups

  std::uint64_t violations_total() const;
};

/// The cells one process of several runs (an MPI rank): those whose index is `rank` modulo `ranks`.
struct sweep_share {
  std::size_t rank = 0;
  std::size_t ranks = 1;
};

class sweep {
 public:
  /// Reads and validates the scenario for every combination of the axes' values (throws input_error when one is
  /// invalid); seeds first..last.
  sweep(std::string file, std::vector<sweep_axis> axes, std::uint64_t first_seed, std::uint64_t last_seed);

  std::size_t size() const { return combinations_.size() * seeds_; }
  /// Cells in (values, seed) order: the first axis's values vary slowest, the seed fastest.
  sweep_cell cell(std::size_t i) const { return {i / seeds_, first_seed_ + i % seeds_}; }
  const std::vector<field_override>& overrides(const sweep_cell& c) const { return combinations_[c.combination]; }
  std::size_t combinations() const { return combinations_.size(); }
  const std::string& file() const { return file_; }

  /// Runs one cell, in this thread; `budget`: the memory the process may grow by before the run is
  /// stopped (runs whose sparse vectors could outgrow it), none for no bound.
  sweep_result run(const sweep_cell& c, std::optional<std::uint64_t> budget = std::nullopt) const;
  /// Runs every cell of `share` on `jobs` threads until done or `stop` is set (after a failure too, when
  /// stop_on_failure); `done` is told each finished cell's index and result (from any thread, one at a time).
  void run_cells(unsigned jobs, std::atomic<bool>& stop, bool stop_on_failure,
                 const std::function<void(std::size_t, sweep_result)>& done, sweep_share share = {}) const;
  /// run_cells over every cell, keeping the results: in cell order, empty where a cell was not run.
  std::vector<std::optional<sweep_result>> run_all(unsigned jobs, std::atomic<bool>& stop, bool stop_on_failure,
                                                   const std::function<void(std::size_t, const sweep_result&)>& done) const;

  /// Per combination of values, in order: its runs done (those with a result), failed, violations, HLC epsilon,
  /// lost updates, held-back time.
  std::vector<sweep_value_summary> by_value(const std::vector<std::optional<sweep_result>>& results) const;

  /// The JSON line of a result (SPEC §11), its fields in the specification's order.
  nlohmann::ordered_json line(const sweep_cell& c, const sweep_result& r) const;
  /// The command line that makes the cell's run again, shell-quoted.
  std::string reproduce(const sweep_cell& c) const;

 private:
  std::string file_;
  std::vector<std::vector<field_override>> combinations_;
  std::vector<scenario> scenarios_;
  std::uint64_t first_seed_, seeds_;
};

/// The CPUs this process may run on (its affinity), at least 1.
unsigned usable_cpus();

}  // namespace hbsim
