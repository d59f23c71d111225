#include "kernel/lamport_delivery.hpp"

#include <algorithm>

#include "core/concat.hpp"

namespace hbsim {

namespace {
constexpr std::uint32_t none = ~std::uint32_t{0};
}  // namespace

lamport_delivery::lamport_delivery(const delivery_group& g) : group_(g), members_(g.members.size()) {}

std::uint32_t lamport_delivery::index(process_id p) const {
  const std::vector<process_id>& ids = group_.members;
  const auto it = std::lower_bound(ids.begin(), ids.end(), p);
  return it != ids.end() && *it == p ? static_cast<std::uint32_t>(it - ids.begin()) : none;
}

// A send of the layer ticks its counter: an acknowledgement records what it acknowledges; a broadcast
// to the group takes its stamp, joins its sender's queue and goes to its sender too.
void lamport_delivery::on_send(const send_notice& s, std::vector<process_id>& to) {
  const std::uint32_t i = index(s.from);
  if (acking_) {
    acks_[s.send_event] = {*acking_, ++members_[i].clock};
    acking_.reset();
    return;
  }
  if (i == none || !addresses_group(group_, s.from, to)) return;
  const stamp m{++members_[i].clock, i};
  messages_[s.send_event] = m;
  members_[i].queue[m];
  if (std::find(to.begin(), to.end(), s.from) == to.end()) to.push_back(s.from);
}

void lamport_delivery::on_arrival(delivery_context& ctx, const arrived_copy& c) {
  const std::uint32_t qi = index(c.to);
  const auto ack = acks_.find(c.send_event);
  const auto message = messages_.find(c.send_event);
  if (qi == none || (ack == acks_.end() && message == messages_.end())) {
    ctx.deliver(c);
    return;
  }
  member& q = members_[qi];
  if (ack != acks_.end()) {
    const stamp m = ack->second.first;
    q.clock = std::max(q.clock, ack->second.second) + 1;
    if (!q.delivered.count(m)) q.acks[m].insert(index(c.from));
    ctx.deliver(c);
    deliver_ready(ctx, q, qi);
    return;
  }
  const stamp m = message->second;
  if (q.delivered.count(m)) {  // the network's duplicate of a message delivered (perhaps just now: after it)
    ctx.deliver_in_turn(c);
    return;
  }
  std::vector<arrived_copy>& copies = q.queue[m];
  copies.push_back(c);
  // Its own message was stamped at its send; another's is taken in and acknowledged once.
  if (m.second != qi && copies.size() == 1) {
    q.clock = std::max(q.clock, m.first) + 1;
    acknowledge(ctx, m, c.label);
  }
  if (group_.total == total_variant::arrival_order) {  // the variant: no waiting for the queue
    for (const arrived_copy& k : copies) ctx.deliver(k, true);
    q.queue.erase(m);
    q.acks.erase(m);
    q.delivered.insert(m);
    return;
  }
  deliver_ready(ctx, q, qi);
  if (q.queue.count(m))
    ctx.hold(c, [this, qi, m](std::span<const std::string> names) { return why_held(qi, m, names); });
}

void lamport_delivery::acknowledge(delivery_context& ctx, const stamp& m, std::string_view label) {
  std::vector<process_id> others;
  for (process_id p : group_.members)
    if (p != ctx.self()) others.push_back(p);
  acking_ = m;
  if (ctx.send(others, concat("ack:", label)) == 0) {  // the member is down: its acknowledgement never comes
    acking_.reset();
    ++unacknowledged_;
  }
}

std::vector<std::uint32_t> lamport_delivery::unacknowledged(const member& q, std::uint32_t qi, const stamp& m) const {
  const auto acked = q.acks.find(m);
  std::vector<std::uint32_t> out;
  for (std::uint32_t k = 0; k < members_.size(); ++k)
    if (k != qi && k != m.second && (acked == q.acks.end() || !acked->second.count(k))) out.push_back(k);
  return out;
}

// The head of the queue goes once it has arrived and every member but this one and its sender has
// acknowledged it; then the next may.
void lamport_delivery::deliver_ready(delivery_context& ctx, member& q, std::uint32_t qi) {
  while (!q.queue.empty()) {
    const auto head = q.queue.begin();
    if (head->second.empty() || !unacknowledged(q, qi, head->first).empty()) return;
    for (const arrived_copy& c : head->second) ctx.deliver_in_turn(c);
    q.delivered.insert(head->first);
    q.acks.erase(head->first);
    q.queue.erase(head);
  }
}

std::string lamport_delivery::stamp_text(const stamp& m, std::span<const std::string> names) const {
  return concat("(", m.first, ", ", names[group_.members[m.second]], ")");
}

std::string lamport_delivery::why_held(std::uint32_t qi, const stamp& m, std::span<const std::string> names) const {
  const member& q = members_[qi];
  const stamp head = q.queue.begin()->first;
  if (head != m) return concat(stamp_text(m, names), " behind ", stamp_text(head, names));
  std::string who;
  for (std::uint32_t k : unacknowledged(q, qi, m)) who.append(who.empty() ? "" : ", ").append(names[group_.members[k]]);
  return concat(stamp_text(m, names), " waits for acks from ", who);
}

void lamport_delivery::held(std::vector<arrived_copy>& out) const {
  for (const member& m : members_)
    for (const auto& [s, copies] : m.queue) out.insert(out.end(), copies.begin(), copies.end());
}

std::string lamport_delivery::remark(std::span<const std::string> /*names*/) const {
  if (unacknowledged_ == 0) return {};
  return concat("total order via Lamport stamps: stalled, ", unacknowledged_,
                unacknowledged_ == 1 ? " message" : " messages",
                " reached a member while it was down and will never be acknowledged by it");
}

}  // namespace hbsim
