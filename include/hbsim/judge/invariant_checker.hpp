// The invariants of the chosen clocks, checked online while a run (or a trace replay) proceeds,
// against the ground truth of the records themselves (process order plus send → receive:
// causality.hpp), whatever the clocks under test say: the nine of lamport, vector and hlc here, those
// of the other kinds by their modules' judges (clock_kind.hpp). Memory follows the processes and the
// messages in flight, never the length of the run.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/data/data_judge.hpp"
#include "hbsim/kernel/ntp_note.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/truth/causality.hpp"

namespace hbsim {

class delivery_judge;

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
  standard_clocks shown;  // the run's standard clocks, which the witness shows
  std::vector<std::pair<process_id, std::uint32_t>> vector;  // non-zero entries
  /// The other kinds' stamps, for a witness of their invariants.
  std::vector<kept_stamp> stamps;
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
  std::string name;  // "lamport.rule", "matrix.exact"
  std::uint64_t count = 0;
  std::vector<violation_example> examples;  // the first few
};

/// Observe the run with `truth` (the ground truth) first: every event is judged against it.
class invariant_checker final : public event_observer {
 public:
  static constexpr std::size_t examples_kept = 3;
  /// Recent events kept per process for the strong clock condition's "only if" half (see the .cpp):
  /// up to 32, fewer when their vectors (processes² × 32 counters) would pass ring_budget bytes.
  static constexpr std::size_t recent_most = 32;
  static constexpr std::size_t ring_budget = 8u << 20;

  explicit invariant_checker(causality& truth);
  ~invariant_checker() override;

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  void ahead(const event_record& next) const override;
  void on_finish(const run_end& end) override;

  /// Invariants with at least one violation: the standard ones in the order of invariant_names(), then
  /// the other kinds'.
  std::vector<violation_report> violations() const;
  std::uint64_t count(invariant i) const { return reports_[static_cast<std::size_t>(i)].count; }
  /// Violations of the invariant of that name (0 for a name the run's clocks do not have).
  std::uint64_t count(std::string_view name) const;
  /// How many invariants the run's clocks have (all are checked).
  std::size_t judged() const { return judged_; }
  /// The largest l − pt seen (the run's ε); nullopt before any event.
  std::optional<sim_time> epsilon() const { return epsilon_; }
  std::span<const std::string> process_names() const { return names_; }
  /// The replicated data's judge; null in a run without data events.
  const data_judge* data() const { return data_.get(); }
  /// The NTP exchanges that ended, the first ntp_kept of them, and how many in all.
  static constexpr std::size_t ntp_kept = 1000;
  std::span<const ntp_outcome> ntp_exchanges() const { return ntp_; }
  std::uint64_t ntp_exchange_count() const { return ntp_count_; }
  /// Candidate pairs of the strong clock condition's "only if" half older than the recent window.
  std::uint64_t unverified_pairs() const { return unverified_pairs_; }

 private:
  using row_ref = causality::row_ref;
  using row = causality::row;
  // A send whose messages are travelling, in its slot of the ground truth: its stamp and its recorded
  // vector (its truth row, shared, when exact; a copy otherwise).
  struct send_info {
    event_head send;
    row_ref vector;
    bool exact = false;  // V(send) = its ground truth
    bool held = false;   // `vector` holds a row, released when the slot is taken again
  };
  struct event_view;
  event_snapshot snapshot(const event_head& h, row v) const;
  // The checks of one event, in on_event's order.
  void watch(const event_view& x);
  void check_exact(const event_view& x);
  void check_rules(const event_view& x);
  void check_edges(const event_view& x);
  void check_edge(const event_view& x, bool message, bool vector_ok);
  void check_physical(const event_view& x);
  /// The recorded vectors of the previous event of e's process and of e's send (views of rows).
  row prev_row(const event_view& x);
  row sent_row(const event_view& x);
  /// Counts a violation; builds the witness (calling `va` for a's vector and `rule` for the text)
  /// only for the first few.
  template <class Vector, class Rule, class Path>
  void report(invariant i, const event_head* a, Vector va, const event_head& b, row vb, Rule rule, Path path);
  /// The other kinds' judges on e, the stamps of e shown in their witnesses.
  void judge_others(const event_record& e, const event_head& b, row v);
  /// The data judge on e, which has a data note; made at the first such event.
  void judge_data(const event_record& e, const event_head& b, row v);
  /// The delivery groups' judge on e.
  void judge_delivery(const event_record& e, const event_head& b, row v);
  void judge_ntp(const event_record& e, const event_head& b, row v);
  class findings;
  class data_findings;
  void check_strong_against_recent(const event_head& b, row v);
  void check_strong_against_latest(const event_head& a, row v);
  /// p's event number `seq` when it is the latest the checker has remembered (the newest of its ring);
  /// null for 0.
  const event_head* remembered(process_id p, std::uint64_t seq) const {
    return seq ? &recent_[p * recent_kept_ + seq % recent_kept_] : nullptr;
  }
  /// The latest event of a process other than the one being judged; null when it has none yet.
  const event_head* latest(process_id p) const { return remembered(p, truth_->count(p)); }
  /// Recorded vector of p's latest event (its ground truth, p's current row, when it was exact).
  row latest_vector(process_id p) { return truth_->values(latest_row_[p], scratch_e_); }
  /// The first inexact vector: from here on, the "only if" half of the strong condition needs the
  /// recent events and who knows whose latest event, which exact runs never pay for.
  void start_watching(const event_head& b, row v);
  /// Keeps what later events need: e as its process's most recent event, and its stamp when it sent
  /// messages. Takes b, which on_event no longer needs.
  void remember(const event_record& e, event_head&& b, row v, bool exact);

  causality* truth_;
  std::size_t n_ = 0;
  std::vector<std::string> names_;
  std::vector<violation_report> reports_;  // the standard nine, then the other kinds' invariants
  standard_clocks chosen_;
  stamp_index places_;
  std::vector<std::uint32_t> recorded_;  // the event's vector stamp as a row of the truth's width
  std::vector<std::uint32_t> recorded_entries_;  // those a sparse stamp set in it (the others are 0)
  std::size_t judged_ = 0;
  struct other {
    std::shared_ptr<const clock_kind> kind;
    std::unique_ptr<clock_judge> judge;
    std::size_t first_report;
    std::size_t stamp;  // its index in event_record::stamps
  };
  std::vector<other> others_;
  std::unique_ptr<data_judge> data_;
  std::size_t first_data_report_ = 0;
  std::optional<event_snapshot> last_data_;  // the witness of convergence, judged at the end
  std::unique_ptr<delivery_judge> delivery_;  // when the run has delivery groups
  std::size_t delivery_first_ = 0;            // its first report
  std::optional<std::size_t> ntp_report_;     // ntp.offset_bound, once an exchange has ended
  std::vector<ntp_outcome> ntp_;
  std::uint64_t ntp_count_ = 0;
  std::optional<sim_time> epsilon_;
  sim_time max_reading_ = 0;  // the initial HLC (0, 0) counts as a reading of 0
  // Whether the truth keeps rows. Without (no vector clocks, more than 4,096 processes) every vector
  // is the truth and none is kept: the per-process tables of rows below stay empty.
  bool rows_ = true;
  std::vector<std::uint8_t> last_exact_; // whether its vector equalled its ground truth
  std::vector<std::uint32_t> latest_row_;  // the row of its recorded vector (its truth row when exact)
  std::vector<std::uint32_t> scratch_a_, scratch_b_, scratch_c_, scratch_d_, scratch_e_;  // for views of rows
  std::vector<std::uint64_t> own_inexact_;  // per process: seq of its latest event whose own entry ≠ seq
  bool watching_ = false;                // an inexact vector has been seen
  // Recent events per process, a ring of recent_kept_ (the newest is its latest): the event and its
  // recorded vector.
  std::size_t recent_kept_ = recent_most;
  std::vector<event_head> recent_;
  std::vector<row_ref> recent_row_;
  // Per process j: the processes whose ground truth holds exactly j's events so far, so j's next
  // event is concurrent with their latest events (kept up to date by the ground-truth merges).
  std::vector<std::vector<process_id>> knows_latest_;
  std::uint64_t unverified_pairs_ = 0;
  std::vector<send_info> sends_;  // per slot of the ground truth
};

/// A violation report as JSON: {"invariant", "count", "witness": {...}, "more": [...]}.
nlohmann::json violation_json(const violation_report& r, std::span<const std::string> names);
/// An event in one line: "B#3 receive "ping" t=1ms pt=1ms L=2 V={A:1, B:1} HLC=(1ms, 0)".
std::string describe(const event_snapshot& e, std::span<const std::string> names);

}  // namespace hbsim
