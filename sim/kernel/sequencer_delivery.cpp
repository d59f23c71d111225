#include "kernel/sequencer_delivery.hpp"

#include <algorithm>

#include "core/concat.hpp"

namespace hbsim {

sequencer_delivery::sequencer_delivery(const delivery_group& g) : group_(g) {
  for (process_id q : g.members)
    if (q != g.sequencer) members_[q];
}

void sequencer_delivery::on_send(const send_notice& s, std::vector<process_id>& to) {
  if (relaying_ != 0) {  // the sequencer's relay, sent from on_receive
    relays_[s.send_event] = relaying_;
    relaying_ = 0;
    return;
  }
  if (!addresses_group(group_, s.from, to)) return;
  original_sends_.insert(s.send_event);
  to.assign(1, group_.sequencer);
}

std::uint64_t sequencer_delivery::numbered(event_id send) const {
  const auto relay = relays_.find(send);
  return relay == relays_.end() ? 0 : relay->second;
}

sim_time sequencer_delivery::on_sent(const arrived_copy& c) {
  if (c.to == group_.sequencer && original_sends_.count(c.send_event)) originals_.insert(c.message);
  return c.arrival;
}

void sequencer_delivery::on_arrival(delivery_context& ctx, const arrived_copy& c) {
  if (c.to == group_.sequencer && originals_.count(c.message)) {
    // The sequencer's receive of an original: a delivery when it is a member.
    ctx.deliver(c, is_member(group_, c.to));
    return;
  }
  const auto relay = relays_.find(c.send_event);
  const auto q = members_.find(c.to);
  if (relay == relays_.end() || q == members_.end()) {
    ctx.deliver(c);
    return;
  }
  member& m = q->second;
  const std::uint64_t k = relay->second;
  if (group_.total == total_variant::arrival_order || k < m.next) {  // k < next: the network's duplicate
    m.next = std::max(m.next, k + 1);
    ctx.deliver(c, true);
    return;
  }
  m.waiting.push_back(c);
  drain(ctx, m);
  if (k > m.next)
    ctx.hold(c, [k, &m](std::span<const std::string>) { return concat("#", k, " waits for #", m.next); });
}

// Delivers the waiting relays that are next in number, as long as there are.
void sequencer_delivery::drain(delivery_context& ctx, member& q) {
  for (bool moved = true; moved;) {
    moved = false;
    for (auto it = q.waiting.begin(); it != q.waiting.end(); ++it) {
      const std::uint64_t k = relays_.at(it->send_event);
      if (k > q.next) continue;
      const arrived_copy next = *it;
      q.waiting.erase(it);
      q.next = std::max(q.next, k + 1);
      ctx.deliver(next, true);
      moved = true;
      break;
    }
  }
}

void sequencer_delivery::on_receive(process_context& ctx, const delivered_message& m) {
  if (!originals_.erase(m.id)) return;
  std::vector<process_id> to;
  for (process_id q : group_.members)
    if (q != group_.sequencer) to.push_back(q);
  relaying_ = ++numbered_;
  if (ctx.send(to, concat("seq:", m.label)) == 0) relaying_ = 0;
}

void sequencer_delivery::on_dropped(delivery_context& /*ctx*/, const arrived_copy& c) {
  if (c.to == group_.sequencer && originals_.erase(c.message)) ++lost_at_sequencer_;
}

void sequencer_delivery::held(std::vector<arrived_copy>& out) const {
  for (const auto& [q, m] : members_) out.insert(out.end(), m.waiting.begin(), m.waiting.end());
}

std::string sequencer_delivery::remark(std::span<const std::string> names) const {
  if (lost_at_sequencer_ == 0) return {};
  return concat("total order via ", names[group_.sequencer], ": stalled, ", lost_at_sequencer_,
                lost_at_sequencer_ == 1 ? " message" : " messages", " reached the sequencer while it was down");
}

}  // namespace hbsim
