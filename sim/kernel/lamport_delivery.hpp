// A `total` delivery group via Lamport stamps (SPEC §10), over FIFO links. A member's broadcast to the
// group goes to every member, itself included, stamped (L, sender) with the layer's own counter L.
// Each member, when a copy arrives, sets L = max(L, L_m) + 1 and acknowledges it to every other member
// (a send labelled `ack:LABEL`, stamped too); it delivers the message that heads its queue (the least
// stamp) once every other member has acknowledged it. FIFO links make that safe: a member's earlier
// message arrives before its acknowledgement. One layer serves the whole group.
#pragma once

#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "hbsim/kernel/delivery_group.hpp"
#include "hbsim/kernel/delivery_policy.hpp"

namespace hbsim {

class lamport_delivery final : public delivery_policy {
 public:
  explicit lamport_delivery(const delivery_group& g);

  void on_send(const send_notice& s, std::vector<process_id>& to) override;
  void on_arrival(delivery_context& ctx, const arrived_copy& c) override;
  void held(std::vector<arrived_copy>& out) const override;
  bool orders() const override { return true; }

 private:
  using stamp = std::pair<std::uint64_t, std::uint32_t>;  // (L, sender's member index)
  struct member {
    std::uint64_t clock = 0;
    std::map<stamp, std::vector<arrived_copy>> queue;  // arrived (a duplicate too), not yet delivered
    std::map<stamp, std::set<std::uint32_t>> acks;    // who has acknowledged which message
    std::set<stamp> delivered;                        // for the network's duplicates
  };
  std::uint32_t index(process_id p) const;
  void acknowledge(delivery_context& ctx, const stamp& m, std::string_view label);
  void deliver_ready(delivery_context& ctx, member& q);

  delivery_group group_;
  std::vector<member> members_;
  std::map<event_id, stamp> messages_;                  // group broadcasts by send event
  std::map<event_id, std::pair<stamp, std::uint64_t>> acks_;  // ack sends: the message acknowledged, the ack's L
  const stamp* acking_ = nullptr;                        // the message whose ack is being sent
};

}  // namespace hbsim
