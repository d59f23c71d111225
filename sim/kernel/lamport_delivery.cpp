#include "kernel/lamport_delivery.hpp"

#include <algorithm>

#include "core/concat.hpp"

namespace hbsim {

lamport_delivery::lamport_delivery(const delivery_group& g) : group_(g), members_(g.members.size()) {}

std::uint32_t lamport_delivery::index(process_id p) const {
  const std::vector<process_id>& ids = group_.members;
  const auto it = std::lower_bound(ids.begin(), ids.end(), p);
  return it != ids.end() && *it == p ? static_cast<std::uint32_t>(it - ids.begin()) : ~std::uint32_t{0};
}

// A send ticks the layer's counter: an acknowledgement records what it acknowledges; a broadcast to the
// group takes its stamp and goes to its sender too.
void lamport_delivery::on_send(const send_notice& s, std::vector<process_id>& to) {
  const std::uint32_t i = index(s.from);
  if (acking_) {
    acks_[s.send_event] = {*acking_, ++members_[i].clock};
    acking_ = nullptr;
    return;
  }
  if (!addresses_group(group_, s.from, to)) return;
  messages_[s.send_event] = {++members_[i].clock, i};
  if (std::find(to.begin(), to.end(), s.from) == to.end()) to.push_back(s.from);
}

void lamport_delivery::on_arrival(delivery_context& ctx, const arrived_copy& c) {
  const std::uint32_t qi = index(c.to);
  const auto ack = acks_.find(c.send_event);
  const auto message = messages_.find(c.send_event);
  if (qi == ~std::uint32_t{0} || (ack == acks_.end() && message == messages_.end())) {
    ctx.deliver(c);
    return;
  }
  member& q = members_[qi];
  if (ack != acks_.end()) {
    q.clock = std::max(q.clock, ack->second.second) + 1;
    q.acks[ack->second.first].insert(index(c.from));
    ctx.deliver(c);
    deliver_ready(ctx, q);
    return;
  }
  const stamp m = message->second;
  if (q.delivered.count(m)) {  // the network's duplicate of a message delivered
    ctx.deliver(c, true);
    return;
  }
  auto& copies = q.queue[m];
  copies.push_back(c);
  if (copies.size() > 1) return;  // the duplicate of a message already acknowledged
  q.clock = std::max(q.clock, m.first) + 1;
  acknowledge(ctx, m, c.label);
  if (group_.total == total_variant::arrival_order) {  // the variant: no waiting for the queue
    for (const arrived_copy& k : q.queue[m]) ctx.deliver(k, true);
    q.queue.erase(m);
    q.delivered.insert(m);
    return;
  }
  deliver_ready(ctx, q);
}

void lamport_delivery::acknowledge(delivery_context& ctx, const stamp& m, std::string_view label) {
  std::vector<process_id> others;
  for (process_id p : group_.members)
    if (p != ctx.self()) others.push_back(p);
  acking_ = &m;
  ctx.send(others, concat("ack:", label));
  acking_ = nullptr;
}

// The head of the queue goes once every other member has acknowledged it; then the next may.
void lamport_delivery::deliver_ready(delivery_context& ctx, member& q) {
  while (!q.queue.empty()) {
    const auto head = q.queue.begin();
    const auto acked = q.acks.find(head->first);
    if (acked == q.acks.end() || acked->second.size() < group_.members.size() - 1) return;
    for (const arrived_copy& c : head->second) ctx.deliver(c, true);
    q.delivered.insert(head->first);
    q.acks.erase(acked);
    q.queue.erase(head);
  }
}

void lamport_delivery::held(std::vector<arrived_copy>& out) const {
  for (const member& m : members_)
    for (const auto& [s, copies] : m.queue) out.insert(out.end(), copies.begin(), copies.end());
}

}  // namespace hbsim
