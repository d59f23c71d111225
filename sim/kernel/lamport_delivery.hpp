// A `total` delivery group via Lamport stamps (SPEC §10), over FIFO links. A member's broadcast to the
// group goes to every member, itself included, stamped (L, sender) with the layer's own counter L, and
// joins its sender's queue at once. Every other member, when it arrives, sets L = max(L, L_m) + 1 and
// acknowledges it to every member but itself (a send labelled `ack:LABEL`, which ticks L and carries it;
// an arriving acknowledgement sets L = max(L, L_a) + 1 as well). A member delivers the message of least
// stamp in its queue once it has arrived there and every member but itself and the sender has
// acknowledged it. FIFO links make that safe: a member's messages and acknowledgements arrive in the
// order it sent them, and what it sends after acknowledging m is stamped above m, so once every
// acknowledgement of m is in, nothing stamped below m can still come. One layer serves the whole group.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
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
  std::string remark(std::span<const std::string> names) const override;

 private:
  using stamp = std::pair<std::uint64_t, std::uint32_t>;  // (L, the sender's index among the members)
  struct member {
    std::uint64_t clock = 0;
    // Messages known, not yet delivered, by stamp: its own from their send, the others' from their
    // arrival; with the copies that have arrived (the network's duplicate too).
    std::map<stamp, std::vector<arrived_copy>> queue;
    std::map<stamp, std::set<std::uint32_t>> acks;  // who has acknowledged which message
    std::set<stamp> delivered;                      // for the network's duplicates
  };
  std::uint32_t index(process_id p) const;
  void acknowledge(delivery_context& ctx, const stamp& m, std::string_view label);
  /// The members whose acknowledgement of m member q still lacks.
  std::vector<std::uint32_t> unacknowledged(const member& q, std::uint32_t qi, const stamp& m) const;
  void deliver_ready(delivery_context& ctx, member& q, std::uint32_t qi);
  /// Why member q keeps the copy of m back: a message ahead of it, or acknowledgements missing.
  std::string why_held(std::uint32_t qi, const stamp& m, std::span<const std::string> names) const;
  std::string stamp_text(const stamp& m, std::span<const std::string> names) const;

  delivery_group group_;
  std::vector<member> members_;
  std::map<event_id, stamp> messages_;                        // group broadcasts by send event
  std::map<event_id, std::pair<stamp, std::uint64_t>> acks_;  // acknowledgements: the message, the ack's L
  std::optional<stamp> acking_;                               // the message whose acknowledgement is being sent
  std::uint64_t unacknowledged_ = 0;  // arrivals at a member that was down and could not acknowledge
};

}  // namespace hbsim
