// A kind of logical clock as one module: its name (the scenario's `clocks` entry, the trace field and
// the `logical.KIND` block), its variants and options, its clocks, how its stamps are written to and
// read from a trace and shown to people, and its invariants judged against the ground truth.
// clock_registry.hpp lists the kinds a scenario may choose.
//
// Stamps are words only the kind interprets (a matrix clock: n × n counters, row by row); an event's
// record holds one per chosen kind, in the scenario's `clocks` order (stamp_index.hpp). The standard
// kinds lamport, vector and hlc are modules too (sim/clocks/KIND/KIND_kind.hpp): lamport [L], hlc [l, c]
// (l's two's complement), vector one word per process; their decoders (lamport_of, hlc_of, vector_of)
// are in their clocks' headers, and stamp_index decodes an event's. A kind added here is kept, written,
// read back and shown through the same stamps.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/clocks/logical_clock.hpp"

namespace hbsim {

class causality;

/// Where a kind's judge reports a broken invariant at the event it is judging.
class clock_findings {
 public:
  virtual ~clock_findings() = default;
  /// Counts a violation of the kind's invariant number `which` (in invariants() order); `rule`, the
  /// broken rule with its numbers, is called only for the first few, which become witnesses.
  virtual void violated(std::size_t which, const std::function<std::string()>& rule) = 0;
};

/// Judges one kind's stamps, event after event, against the ground truth.
class clock_judge {
 public:
  virtual ~clock_judge() = default;
  /// `truth` has just seen e: its causal past, the merge of a receive, the slot of a send.
  virtual void judge(const event_record& e, stamp_words stamp, const causality& truth, clock_findings& out) = 0;
};

/// What one event did to one clock, for narration and explanations: the stamps before and after, and
/// the message's.
struct clock_step {
  event_kind kind;
  process_id process;
  process_id from;      // a receive's sender
  stamp_words before;
  stamp_words message;  // a receive's message stamp; empty otherwise
  stamp_words after;
  sim_time pt = 0;           // the process's physical clock reading at the event (HLC's rules read it)
  std::size_t variant = 0;   // in variants(): the rule the run's clocks follow
  std::span<const process_id> pruned;  // the vector entries the event pruned (event_record::pruned)
};

/// A rule as `hbsim explain` words it, and whether the recorded stamp is what the canonical rule gives.
struct explained_rule {
  std::string text;
  bool canonical = true;
};

/// How a kind orders two events by their stamps alone: what its users would conclude.
enum class stamp_order {
  before,      // a happened before b
  after,       // b happened before a
  equal,       // the same stamp: no order
  concurrent,  // the kind says neither happened before the other
  undecided,   // the kind cannot tell from these stamps (an interval overlap, a missing stamp...)
};

/// A stamp with the process of its event (a matrix clock compares its own row, that process's).
struct stamped {
  process_id process;
  stamp_words words;
};

class clock_kind;

class clock_kind {
 public:
  virtual ~clock_kind() = default;

  virtual std::string_view name() const = 0;
  /// Its variants, canonical first.
  virtual std::span<const std::string_view> variants() const = 0;
  /// The fields its `logical.KIND` block may have besides `variant`.
  virtual std::span<const std::string_view> options() const { return {}; }
  /// The most processes a run with this kind may have.
  virtual std::size_t max_processes() const { return ~std::size_t{0}; }
  /// The clocks of a run: `variant` indexes variants(); `block` is the scenario's `logical.KIND` ({}
  /// when absent), its fields limited to `variant` and options().
  virtual std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t variant,
                                              const nlohmann::json& block) const = 0;
  /// The one place a kind checks its options: itself with `block`'s options bound, which a
  /// chosen_clock then holds and whose make() builds the run's clocks (`block`'s fields are limited to
  /// `variant` and options()). Throws input_error for an option it refuses, its path relative to the
  /// block ("/bits"). By default (null) the kind itself serves every block and refuses none.
  virtual std::shared_ptr<const clock_kind> configure(const nlohmann::json& /*block*/) const { return nullptr; }
  /// The options a trace's header records for it, `"logical": {KIND: options}`, which a reader of the
  /// trace gives configure(); null (the default) for none: the header leaves the kind out.
  virtual nlohmann::json recorded_options() const { return nullptr; }

  /// The stamp as the trace's JSON value.
  virtual nlohmann::json write(stamp_words stamp, std::span<const std::string> names) const = 0;
  /// A trace's (or an expectation's) JSON value back into words; returns what was expected when it
  /// cannot, "" when it can.
  virtual std::string read(const nlohmann::json& value, std::span<const std::string> names,
                           std::vector<std::uint64_t>& words) const = 0;
  /// For people: summaries, witnesses, narration.
  virtual std::string text(stamp_words stamp, std::span<const std::string> names) const = 0;

  // Its rules, for narration (views/narrator.hpp) and explanations (views/explain.hpp): the one place
  // where the kind's rules are written out with their numbers.
  /// The rule of step.variant applied at one event, with its numbers: a wrong variant is named where
  /// it applies, and a recorded `after` the rule does not give is pointed out.
  virtual std::string rule(const clock_step& step, std::span<const std::string> names) const = 0;
  /// Narration of a receive whose message stamp is unknown (its send is not in the run): the stamp
  /// recorded; by default "NAME text".
  virtual std::string stated(stamp_words stamp, std::span<const std::string> names) const;
  /// What the messages of a send carry under step.variant; by default the send's own stamp.
  virtual std::vector<std::uint64_t> sent(const clock_step& step) const;
  /// The stamp the canonical rule gives at the step (its `after` is not read); by default `after`, for a
  /// kind that does not re-derive its stamps.
  virtual std::vector<std::uint64_t> canonical(const clock_step& step) const;
  /// The canonical rule as `hbsim explain` words it, `note` after its numbers; by default rule() of the
  /// canonical variant, then `note`.
  virtual explained_rule explain(const clock_step& step, std::span<const std::string> names,
                                 std::string_view note) const;
  /// A restart from a checkpoint the trace does not show: only step.after and step.pt are known; by
  /// default the stamp, unchecked.
  virtual explained_rule restored(const clock_step& step, std::span<const std::string> names) const;

  /// Its invariants' full names ("matrix.exact"), and a judge of them for a run of these processes.
  virtual std::span<const std::string_view> invariants() const = 0;
  /// Null for the standard kinds: the invariant checker judges lamport, vector and hlc on their stamps
  /// fields, its fast path, with their families' checks and texts from their folders
  /// (sim/clocks/KIND/KIND_judge.hpp), and asks only the kinds of logical_config::extra for a judge.
  virtual std::unique_ptr<clock_judge> make_judge(std::span<const std::string> processes) const = 0;

  // Its share of the clock comparison report (judge/clock_report.hpp).
  /// The stamp's size on the wire, in bytes; by default its words as they are, 8 bytes each.
  virtual std::uint64_t bytes(stamp_words stamp) const { return 8 * stamp.size(); }
  /// The size on the wire of what a send's messages carry, given the send's stamp; by default bytes().
  virtual std::uint64_t message_bytes(stamp_words send) const { return bytes(send); }
  /// How bytes() counts, for people, in a run of that many processes.
  virtual std::string encoding(std::size_t /*processes*/) const { return "8 bytes per stamp word"; }
  /// The order the kind gives the events of a and b; undecided unless the kind says how it orders.
  virtual stamp_order order(stamped /*a*/, stamped /*b*/) const { return stamp_order::undecided; }
};

/// A stamp kept beyond its event (a witness, an expectation's finding), with its kind.
struct kept_stamp {
  std::shared_ptr<const clock_kind> kind;
  std::vector<std::uint64_t> words;
};

}  // namespace hbsim
