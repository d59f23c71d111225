// The invariants of SPEC §5, checked online while a run (or a trace replay) proceeds. Ground truth
// is the happens-before relation of the records themselves (process order plus send → receive),
// computed here independently of the clocks under test. Memory follows the processes and the
// messages in flight, never the length of the run.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/kernel/observer.hpp"

namespace hbsim {

enum class invariant : std::uint8_t {
  lamport_clock_condition,
  lamport_rule,
  vector_exact,
  vector_strong_clock_condition,
  hlc_clock_condition,
  hlc_monotonic,
  hlc_not_behind_physical,
  hlc_rule,
  hlc_bounded_drift,
};
inline constexpr std::size_t invariant_count = 9;
std::string_view to_string(invariant i);
std::optional<invariant> parse_invariant(std::string_view name);
std::span<const std::string_view> invariant_names();

/// An event without its vector: what the checker keeps of past events (their vectors sit in rows).
struct event_head {
  event_id id = 0;
  process_id process = 0;
  std::uint64_t seq = 0;
  event_kind kind = event_kind::local;
  std::string label;
  sim_time time = 0;
  sim_time pt = 0;
  std::uint64_t lamport = 0;
  hlc_stamp hlc;
};

/// An event as a witness shows it: everything the trace says of it.
struct event_snapshot : event_head {
  std::vector<std::pair<process_id, std::uint32_t>> vector;  // non-zero entries
};

/// One hop of a happens-before path.
struct hb_hop {
  event_id from;
  event_id to;
  bool message;  // a send → receive edge; otherwise process order
};

struct violation_example {
  std::optional<event_snapshot> a;  // the earlier event, when the invariant is about a pair
  event_snapshot b;
  std::string rule;                 // what was broken, with the numbers
  std::vector<hb_hop> path;         // from a to b; empty for one event or a concurrent pair
};

struct violation_report {
  invariant which;
  std::uint64_t count = 0;
  std::vector<violation_example> examples;  // the first few
};

class invariant_checker final : public event_observer {
 public:
  static constexpr std::size_t examples_kept = 3;
  /// Recent events kept per process for the strong clock condition's "only if" half (see the .cpp):
  /// up to 32, fewer when their vectors (processes² × 32 counters) would pass ring_budget bytes.
  static constexpr std::size_t recent_most = 32;
  static constexpr std::size_t ring_budget = 8u << 20;

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  void on_drop(const drop_record& d) override;

  /// Invariants with at least one violation, in SPEC order.
  std::vector<violation_report> violations() const;
  std::uint64_t count(invariant i) const { return reports_[static_cast<std::size_t>(i)].count; }
  /// The largest l − pt seen (the run's ε); nullopt before any event.
  std::optional<sim_time> epsilon() const { return epsilon_; }
  /// Ground truth after the latest event of p: entry j = events of j in its causal past.
  std::span<const std::uint32_t> truth(process_id p) const { return {row_data(truth_row_[p]), n_}; }
  std::span<const std::string> process_names() const { return names_; }
  /// Candidate pairs of the strong clock condition's "only if" half older than the recent window.
  std::uint64_t unverified_pairs() const { return unverified_pairs_; }

 private:
  // A row as some holder captured it. Rows are shared, not copied: a process's ground truth is a row
  // that its own events after a merge add themselves to in place (only its own entry changes), so a
  // holder records what the owner's entry was for it and reads that instead (see view()).
  struct row_ref {
    std::uint32_t row = 0;
    process_id owner = 0;
    std::uint32_t own = 0;  // what entry `owner` reads for this holder
  };
  // A send whose messages are still travelling: its stamp and its rows, released when the last copy
  // of its last message is resolved.
  struct send_info {
    event_head send;
    row_ref truth;   // its ground truth: its process's row, shared
    row_ref vector;  // its recorded vector: the same row when exact, else a copy
    std::uint32_t copies_left;
    bool exact;  // V(send) = its ground truth
  };
  struct message_info {
    std::uint32_t send;         // index of its send in sends_
    std::uint32_t copies_left;  // 2 for a message the network duplicated
  };
  using row = std::span<const std::uint32_t>;
  /// The row as `r`'s holder saw it, written into `scratch` (witnesses and rare comparisons only).
  row view(const row_ref& r, std::vector<std::uint32_t>& scratch) const;
  event_snapshot snapshot(const event_head& h, row v) const;
  /// Counts a violation; builds the witness (calling `va` for a's vector and `rule` for the text)
  /// only for the first few.
  template <class Vector, class Rule>
  void report(invariant i, const event_head* a, Vector va, const event_head& b, row vb, Rule rule,
              std::vector<hb_hop> path = {});
  void check_strong_against_recent(const event_head& b, row v);
  void check_strong_against_latest(const event_head& a, row v);
  /// Recorded vector of p's latest event (its ground truth, p's current row, when it was exact).
  row latest_vector(process_id p) const;
  /// The first inexact vector: from here on, the "only if" half of the strong condition needs the
  /// recent events and who knows whose latest event, which exact runs never pay for.
  void start_watching(const event_head& b, row v);
  /// One copy of message m has been received, rejected or dropped.
  void resolve(message_id m);
  // Rows of n counters in one pool, reference-counted. take_row() may move the pool: take rows
  // before holding pointers into it.
  std::uint32_t take_row();
  void release_row(std::uint32_t r);
  std::uint32_t* row_data(std::uint32_t r) { return pool_.data() + std::size_t{r} * n_; }
  const std::uint32_t* row_data(std::uint32_t r) const { return pool_.data() + std::size_t{r} * n_; }
  row_ref share(row_ref r) {
    ++row_refs_[r.row];
    return r;
  }

  std::size_t n_ = 0;
  std::vector<std::string> names_;
  std::array<violation_report, invariant_count> reports_{};
  std::optional<sim_time> epsilon_;
  sim_time max_reading_ = 0;  // the initial HLC (0, 0) counts as a reading of 0
  std::vector<std::uint32_t> pool_;
  std::vector<std::uint32_t> row_refs_;
  std::vector<std::uint32_t> free_rows_;
  std::vector<std::uint32_t> truth_row_;  // per process: its ground truth's row, owned by it
  std::vector<event_head> last_;         // each process's latest event (id 0: none yet)
  std::vector<std::uint8_t> last_exact_; // whether its vector equalled its ground truth
  std::vector<std::uint32_t> latest_row_;  // the row of its recorded vector (its truth row when exact)
  std::vector<std::uint32_t> scratch_a_, scratch_b_;  // for view()
  std::vector<std::uint64_t> own_inexact_;  // per process: seq of its latest event whose own entry ≠ seq
  bool watching_ = false;                // an inexact vector has been seen
  std::vector<std::uint64_t> count_;     // events per process so far
  // Recent events per process, a ring of recent_kept_: the event and its recorded vector (its truth
  // row, shared, when exact; a copy otherwise).
  std::size_t recent_kept_ = recent_most;
  std::vector<event_head> recent_;
  std::vector<row_ref> recent_row_;
  // Per process j: the processes whose ground truth holds exactly j's events so far, so j's next
  // event is concurrent with their latest events (kept up to date by the ground-truth merges).
  std::vector<std::vector<process_id>> knows_latest_;
  std::uint64_t unverified_pairs_ = 0;
  std::vector<send_info> sends_;  // sends whose messages are travelling, and free slots
  std::vector<std::uint32_t> free_sends_;
  // Looked up by id, never iterated, so its order cannot reach the output.
  std::unordered_map<message_id, message_info> messages_;
};

/// A violation report as JSON: {"invariant", "count", "witness": {...}, "more": [...]}.
nlohmann::json violation_json(const violation_report& r, std::span<const std::string> names);
/// An event in one line: "B#3 receive "ping" t=1ms pt=1ms L=2 V={A:1, B:1} HLC=(1ms, 0)".
std::string describe(const event_snapshot& e, std::span<const std::string> names);

}  // namespace hbsim
