// The delivery groups' invariants (SPEC §10), judged on the receive events against the ground truth of
// the run (causality.hpp), whatever the layers believed: delivery.fifo in `fifo` groups (per sender and
// receiver, in send order), delivery.causal in `causal` groups (send(m1) → send(m2): no member
// delivers m2 before m1), delivery.total_order in `total` groups. A copy of a message already
// delivered (the network's duplicate) is no new delivery.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "hbsim/kernel/delivery_group.hpp"
#include "hbsim/truth/causality.hpp"

namespace hbsim {

class delivery_judge {
 public:
  /// `violated(which, rule)`: which = the index in delivery_invariant_names; rule builds the text.
  using findings = std::function<void(std::size_t, const std::function<std::string()>&)>;

  delivery_judge(const delivery_config& c, std::span<const std::string> names);
  /// Each event in execution order, after the ground truth has seen it.
  void judge(const event_record& e, const causality& truth, const findings& violated);

 private:
  // What a member has delivered of one sender's broadcasts: 1..contiguous, and some beyond.
  struct received {
    std::uint32_t contiguous = 0;
    std::set<std::uint32_t> ahead;
    bool has(std::uint32_t k) const { return k <= contiguous || ahead.count(k); }
    void add(std::uint32_t k);
  };
  struct broadcast {
    std::uint32_t sender;  // member index
    std::uint32_t number;  // among the sender's broadcasts, from 1
  };
  struct group {
    delivery_group g;
    std::vector<std::vector<std::uint64_t>> sent_seqs;     // per member: the seq of each of its broadcasts
    std::map<event_id, broadcast> broadcasts;              // by send event
    std::vector<std::vector<received>> got;                // [receiver][sender]
    std::map<std::pair<process_id, process_id>, message_id> last;  // fifo: (sender, receiver) → latest delivered
    // total via a sequencer: its relays' numbers by send event, and per member the number due next
    // and the relays it has delivered.
    std::map<event_id, std::uint64_t> relays;
    std::map<process_id, std::pair<std::uint64_t, std::set<message_id>>> due;
    // total via Lamport stamps: the group's messages (send events), the order the first members to
    // deliver them agreed on, and per member how many it has delivered and which.
    std::set<event_id> stamped;
    std::vector<event_id> agreed;
    std::map<process_id, std::pair<std::size_t, std::set<event_id>>> delivered;
  };
  std::uint32_t index(const group& x, process_id p) const;
  void on_send(group& x, const event_record& e);
  void check_fifo(group& x, const event_record& e, const findings& violated);
  void check_causal(group& x, const event_record& e, const causality& truth, const findings& violated);
  void on_relay(group& x, const event_record& e);
  void check_total(group& x, const event_record& e, const findings& violated);
  void on_stamped(group& x, const event_record& e);
  void check_agreement(group& x, const event_record& e, const findings& violated);

  std::vector<group> groups_;
  std::span<const std::string> names_;
  std::vector<process_id> to_;  // scratch
};

}  // namespace hbsim
