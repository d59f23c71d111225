// Checks a scenario's `expect` block against a run, as an observer: it keeps only the values of the
// events the expectations name, so memory does not grow with the run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/truth/causality.hpp"
#include "hbsim/scenario/expectation.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/scenario/ref_tracker.hpp"

namespace hbsim {

struct scenario;
class invariant_checker;

/// An event's clocks, as an expectation found them: those of the run's kinds.
struct event_clocks {
  std::uint64_t lamport = 0;
  std::vector<std::uint32_t> vector;  // dense, indexed by process id
  hlc_stamp hlc;
  standard_clocks shown;
  std::vector<kept_stamp> stamps;  // the other kinds', in logical_config::extra order
};

struct expectation_result {
  enum class status : std::uint8_t { met, unmet };
  const expectation* spec;
  status outcome;
  /// What the run had: the event's clocks (event values), or in words (before, concurrent: how the
  /// two events are related; violates: how many violations).
  std::optional<event_clocks> clocks;
  std::string relation;
};

/// What the run had, in the summary's words: "lamport 3, vector {A:1, B:2}, hlc (5ms, 1)" or the relation.
std::string found_text(const expectation_result& r, std::span<const std::string> names);
/// The same as JSON: the clocks as clocks_json gives them, or the relation as a string.
nlohmann::json found_json(const expectation_result& r, std::span<const std::string> names);

/// Event values are compared with the event's clocks; `before` and `concurrent` are decided from the
/// ground truth when the later of the two events happens (observe the run with `truth` first);
/// `violates` from the invariant checker's counts at the end.
class expectation_checker final : public event_observer {
 public:
  expectation_checker(const scenario& s, const causality& truth, const invariant_checker& invariants);
  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  /// Throws input_error when a reference did not name exactly one event (with the candidates).
  void on_finish(const run_end& end) override;
  const std::vector<expectation_result>& results() const { return results_; }

 private:
  // One reference of an expectation, and the event it named.
  struct watched {
    watched(std::size_t x, int s, const event_ref& r) : expectation(x), side(s), tracker(r) {}
    std::size_t expectation;
    int side;  // 0: the first reference (a), 1: the second (b)
    ref_tracker tracker;
    bool seen = false;
    process_id process = 0;
    std::uint64_t seq = 0;
    event_id id = 0;
    event_clocks values;
  };
  enum class relation : std::uint8_t { unknown, same, before, after, concurrent };

  const scenario* scenario_;
  standard_clocks shown_;  // the run's standard clocks
  stamp_index places_;
  const causality* truth_;
  const invariant_checker* invariants_;
  std::span<const std::string> names_;  // the run header's: read only until on_finish returns
  std::vector<watched> watched_;             // event_values: one; before/concurrent: two, a then b
  std::vector<relation> relations_;          // per expectation
  std::vector<expectation_result> results_;
};

/// The clocks of an event as JSON: {"lamport": n, "vector": {name: n}, "hlc": {"l": "5ms", "l_ns": 5000000, "c": n}},
/// then each other kind's field as in the trace.
nlohmann::json clocks_json(const event_clocks& c, std::span<const std::string> names);
/// Keeps the clocks of a record (the run's `shown` standard ones and its other kinds'), reusing `into`'s room.
void keep_clocks(const event_record& e, const logical_config& clocks, const stamp_index& places, standard_clocks shown,
                 event_clocks& into);

}  // namespace hbsim
