// Narration of a run for teachers and students: every event in execution order with the clock rule
// it applied and its numbers, what the network did with every message, and the faults as they strike.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hbsim/kernel/observer.hpp"

namespace hbsim {

class clock_kind;
class vector_changes;
class data_judge;

/// Writes one line per happening, in execution order, each starting with the true time in brackets.
/// An event line names the event (process#seq, kind, label, the message and its send for a receive,
/// the physical reading pt) and then each clock's rule with its numbers, before-values in the formula
/// and the after-value at its end:
///
///   [2ms] B#2 receive "hello" (m1 from A#2), pt 2ms: L = max(1, 2) + 1 = 3;
///     V = max([0,1,0], [2,0,0]) then tick = [2,2,0];
///     HLC l = max(1.5ms, 3ms, pt 2ms) = 3ms, c = c_m + 1 = 0 + 1 (l from the message) = (3ms, 1)
///
/// (one line in the output). Before-values are the process's clocks after its previous event (zero, a
/// checkpoint or the kept clocks for a restart, as its crash's `persist` says) and, for a receive,
/// what the message carries. "tick" adds 1 to the process's own entry. HLC follows Kulkarni: local and
/// send l = max(l, pt), c = c + 1 if l did not move, else 0; receive l = max(l, l_m, pt), c = max(c, c_m)
/// + 1, c + 1, c_m + 1 or 0 as l came from both, the process, the message or pt. A wrong variant of
/// the scenario is named before the clause it changes, with its own formula and what it gets wrong:
///
///   lamport variant ignore-message: L = 1 + 1 = 2 (ignores the message's 3)
///
/// When the recorded value is not what the narrated formula gives (an edited trace, a clock these
/// rules cannot reproduce), the clause reads "... would give 1, but the run recorded L = 5, which this
/// rule does not give". A reject says why the HLC max-offset guard refused the message; a crash says
/// until when the process is down. Vectors are written in process order, the first 16 entries then
/// "…(N more)"; times are format_duration strings ("1.5ms", "-20ms").
///
/// Each message of a send gets an indented line after it: "m3 A→D: held by partition fault #0 (from
/// 0ns, heals at 10ms) until 10ms, then delay 1ms, arrives at 11ms", or its loss, its drop by a
/// partition or cut, its duplication (both copies' delays and arrivals). Later lines tell copies that
/// reach a crashed process and copies still in flight at the end. Partitions, cuts, pauses and clock
/// steps get a line when they take effect ("[8ms] fault #2 takes effect: A's physical clock steps by
/// -8ms"); the run ends with "[t] end of the run", and why when `until`, `max_events` or `max_pending`
/// stopped it.
///
/// Vector options (logical.vector) show in the vector's clause: a differential message's vector is
/// what it carried on its link (the entries changed since the sender's last message there, the others
/// 0), and an event that pruned ends its formula with ", then prune C, D".
/// A delivery group's layer that keeps a copy back says why, on a line of its own at the arrival ("[3ms]
/// m2 A→C held: needs A's 1st broadcast first"; "#2 waits for #1" for a sequencer's relay; "(2, C) waits
/// for acks from B" or "(2, C) behind (1, A)" for Lamport stamps), and a sequencer's relay ends with
/// the number it gives ("; Seq numbers deposit-100 as #1").
/// A data event (scenarios/FORMAT.md, Replicated data) gets an indented "data:" line: the write with its
/// context and version, what a get returns, what a sync carries, and each write's fate at the replica
/// (kept, a sibling, giving way to a write whose causal past holds it, or lost and why); a broken data
/// invariant gets a "violates" line with its witness, as hbsim check words it.
///
/// Every clause comes from the clock kind module's rule (clock_kind::rule), the standard kinds' as the
/// others'. Memory: the clocks of each process's last event, and those of each message until its every
/// copy is received, rejected or dropped.
class narrator final : public event_observer {
 public:
  explicit narrator(std::ostream& out);
  ~narrator() override;

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  void on_route(const route_record& r) override;
  void on_drop(const drop_record& d) override;
  void on_hold(const hold_record& h) override;
  void on_fault(const fault_record& f) override;
  void on_finish(const run_end& end) override;

  /// Messages whose clocks are kept because a copy is still travelling (memory follows what is in flight).
  std::size_t in_flight() const { return messages_.size(); }

 private:
  /// A kind the run chose, with its variant; `extra` indexes an event's stamps, none for a standard kind.
  struct chosen {
    std::shared_ptr<const clock_kind> kind;
    std::size_t variant = 0;
    std::size_t stamp = 0;  // its index in event_record::stamps
  };
  /// The stamps of the chosen kinds, in kinds_ order.
  using clocks = std::vector<std::vector<std::uint64_t>>;
  std::string commit_text(const event_record& e, const clocks& after) const;
  struct message {
    std::shared_ptr<const clocks> carried;  // shared by the messages of one send
    std::uint64_t send_seq;                 // the send's index on its process
    int copies;                             // copies not yet received or dropped
    int sent_copies;
    bool routed = false;                    // its fate was told by on_route
    sim_time arrival[2] = {0, 0};
  };

  std::string name(process_id p) const;
  std::string fault_name(std::size_t index) const;
  std::string message_name(message_id id, process_id from, process_id to) const;
  std::string title(const event_record& e) const;
  clocks stamps_of(const event_record& e) const;
  std::string rules(const event_record& e, const clocks& before, const clocks* carried, const clocks& after) const;
  /// What a restart starts from, and why, as its crash fault's `persist` says.
  std::pair<const clocks*, std::string> restart_from(const event_record& e) const;
  void copy_done(message_id id);
  void differential(const event_record& e, const clocks& sent);

  std::ostream& out_;
  const scenario* source_ = nullptr;
  std::vector<std::string> names_;
  std::vector<chosen> kinds_;  // lamport, vector, hlc if chosen, then logical_config::extra
  std::size_t hlc_ = 0;        // hlc's index in kinds_, ~0 when not chosen
  std::size_t vector_ = 0;     // vector's index in kinds_, ~0 when not chosen
  std::unique_ptr<vector_changes> links_;      // differential vector clocks: what each link's message carries
  std::vector<clocks> last_;                   // per process: clocks after its previous event
  std::vector<clocks> checkpoint_;             // per process: the clocks a checkpoint restart returns to
  std::vector<std::uint64_t> checkpoint_taken_;  // per process: seq of the event checkpointed, 0 for none
  std::vector<clocks> initial_;                // per process: its clocks before its first event
  std::unordered_map<message_id, message> messages_;  // looked up by id, never iterated
  std::map<std::size_t, fault_record> faults_;  // those that took effect, by index: what held a route
  std::unique_ptr<data_judge> data_;            // the writes' ground truth, from the first data event on
};

}  // namespace hbsim
