#include "kernel/causal_delivery.hpp"

#include <algorithm>

#include "core/concat.hpp"

namespace hbsim {

causal_delivery::causal_delivery(const delivery_group& g)
    : group_(g), members_(g.members.size(), member{vec(g.members.size(), 0), {}}) {}

std::uint32_t causal_delivery::index(process_id p) const {
  const std::vector<process_id>& ids = group_.members;
  const auto it = std::lower_bound(ids.begin(), ids.end(), p);
  return it != ids.end() && *it == p ? static_cast<std::uint32_t>(it - ids.begin()) : none;
}

// A broadcast to the group stamps the sender's vector, its own entry counting it (count-all-events:
// counting every event of the sender, which other members never see).
void causal_delivery::on_send(const send_notice& s, std::vector<process_id>& to) {
  // The previous broadcast, when none of its copies reached a member, is forgotten here.
  if (const auto it = stamps_.find(last_send_); it != stamps_.end() && it->second.copies == 0) stamps_.erase(it);
  const std::uint32_t i = index(s.from);
  if (i == none || !addresses_group(group_, s.from, to)) return;
  vec& v = members_[i].v;
  v[i] = group_.causal == causal_variant::count_all_events ? static_cast<std::uint32_t>(s.seq) : v[i] + 1;
  stamps_[s.send_event] = {v, 0};
  last_send_ = s.send_event;
}

sim_time causal_delivery::on_sent(const arrived_copy& c) {
  if (const auto it = stamps_.find(c.send_event); it != stamps_.end()) ++it->second.copies;
  return c.arrival;
}

bool causal_delivery::deliverable(const vec& v, const vec& w, std::uint32_t j) const {
  if (w[j] != v[j] + 1) return false;
  for (std::size_t k = 0; k < v.size(); ++k)
    if (k != j && w[k] > v[k]) return false;
  return true;
}

// The broadcasts W needs that V lacks: for each member k, those after V[k] up to W[k] (for the sender,
// up to the one before this).
std::string causal_delivery::missing(const vec& v, const vec& w, std::uint32_t j,
                                     std::span<const std::string> names) const {
  std::string out;
  for (std::uint32_t k = 0; k < v.size(); ++k) {
    const std::uint32_t last = k == j ? w[k] - 1 : w[k];
    if (last <= v[k]) continue;
    const std::string& who = names[group_.members[k]];
    out.append(out.empty() ? "needs " : ", ");
    out.append(last == v[k] + 1 ? concat(who, "'s ", ordinal(last), " broadcast")
                                : concat(who, "'s ", ordinal(v[k] + 1), " to ", ordinal(last), " broadcasts"));
  }
  return out.append(" first");
}

void causal_delivery::consume(event_id send) {
  const auto it = stamps_.find(send);
  if (--it->second.copies == 0 && send != last_send_) stamps_.erase(it);
}

void causal_delivery::on_arrival(delivery_context& ctx, const arrived_copy& c) {
  const auto it = stamps_.find(c.send_event);
  const std::uint32_t q = index(c.to);
  if (it == stamps_.end() || q == none) {  // not a broadcast to the group
    ctx.deliver(c);
    return;
  }
  member& m = members_[q];
  const std::uint32_t j = index(c.from);
  const vec& w = it->second.w;
  // no-hold delivers at once; a copy of a broadcast already delivered (the network's duplicate) too.
  if (group_.causal == causal_variant::no_hold || w[j] <= m.v[j]) {
    m.v[j] = std::max(m.v[j], w[j]);
    ctx.deliver(c, true);
    consume(c.send_event);
    return;
  }
  if (!deliverable(m.v, w, j)) {
    m.waiting.push_back(c);
    ctx.hold(c, [&](std::span<const std::string> names) { return missing(m.v, w, j, names); });
    return;
  }
  deliver(ctx, m, c);
}

void causal_delivery::deliver(delivery_context& ctx, member& q, const arrived_copy& c) {
  q.v[index(c.from)] += 1;
  ctx.deliver(c, true);
  consume(c.send_event);
  // Each delivery may release others: walk the queue again from its start until nothing moves.
  for (bool moved = true; moved;) {
    moved = false;
    for (auto it = q.waiting.begin(); it != q.waiting.end(); ++it) {
      const std::uint32_t j = index(it->from);
      const vec& w = stamps_.at(it->send_event).w;
      const bool duplicate = w[j] <= q.v[j];
      if (!duplicate && !deliverable(q.v, w, j)) continue;
      if (!duplicate) q.v[j] += 1;
      const arrived_copy next = *it;
      q.waiting.erase(it);
      ctx.deliver(next, true);
      consume(next.send_event);
      moved = true;
      break;
    }
  }
}

void causal_delivery::held(std::vector<arrived_copy>& out) const {
  for (const member& m : members_) out.insert(out.end(), m.waiting.begin(), m.waiting.end());
}

}  // namespace hbsim
