// A `total` delivery group via a sequencer (SPEC §10). A member's broadcast to the group goes to the
// sequencer only; the sequencer receives it, numbers it and relays it (a send labelled `seq:LABEL`)
// to every member; members deliver the relays in number order, holding back those that arrive early.
// When the sequencer is a member, its receive of the original is its delivery. One object serves the
// group: the layer of every member and of the sequencer, and the sequencer's behaviour that relays.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "hbsim/kernel/behaviour.hpp"
#include "hbsim/kernel/delivery_group.hpp"
#include "hbsim/kernel/delivery_policy.hpp"

namespace hbsim {

class sequencer_delivery final : public delivery_policy, public behaviour {
 public:
  explicit sequencer_delivery(const delivery_group& g);

  // The layer.
  void on_send(const send_notice& s, std::vector<process_id>& to) override;
  std::uint64_t numbered(event_id send) const override;
  sim_time on_sent(const arrived_copy& c) override;
  void on_arrival(delivery_context& ctx, const arrived_copy& c) override;
  void on_dropped(delivery_context& ctx, const arrived_copy& c) override;
  void held(std::vector<arrived_copy>& out) const override;
  bool orders() const override { return true; }
  std::string remark(std::span<const std::string> names) const override;
  // The sequencer's relay, after its receive of an original.
  void on_receive(process_context& ctx, const delivered_message& m) override;

 private:
  struct member {
    std::uint64_t next = 1;             // the number it delivers next
    std::vector<arrived_copy> waiting;  // relays ahead of it
  };
  void drain(delivery_context& ctx, member& q);

  delivery_group group_;
  std::map<process_id, member> members_;
  std::set<event_id> original_sends_;        // members' broadcasts, sent to the sequencer
  std::set<message_id> originals_;           // their messages, until the sequencer receives them
  std::map<event_id, std::uint64_t> relays_; // the sequencer's relays: send event → number
  std::uint64_t numbered_ = 0;
  std::uint64_t relaying_ = 0;               // the number of the relay being sent, 0 otherwise
  std::uint64_t lost_at_sequencer_ = 0;      // originals that reached it while it was down
};

}  // namespace hbsim
