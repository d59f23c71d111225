#include "kernel/fifo_delivery.hpp"

#include <algorithm>

namespace hbsim {

fifo_delivery::link& fifo_delivery::of(process_id from) {
  auto [it, added] = links_.try_emplace(from);
  if (added) it->second.fifo = is_fifo_(from);
  return it->second;
}

// A copy is delivered when the last of the copies sent before it is: at the latest of their arrivals.
sim_time fifo_delivery::on_sent(const arrived_copy& c) {
  link& l = of(c.from);
  if (!l.fifo) return c.arrival;
  l.expected.push_back(c.handle);
  l.last_due = std::max(l.last_due, c.arrival);
  return l.last_due;
}

void fifo_delivery::on_arrival(delivery_context& ctx, const arrived_copy& c) {
  link& l = of(c.from);
  if (!l.fifo) {
    ctx.deliver(c);
    return;
  }
  if (l.expected.front() != c.handle) {
    l.held.push_back(c);
    return;
  }
  ctx.deliver(c, group_);
  l.expected.pop_front();
  // Release the run of held copies that were waiting only for this one.
  for (auto it = l.held.begin(); !l.expected.empty() && it != l.held.end();) {
    if (it->handle != l.expected.front()) {
      ++it;
      continue;
    }
    ctx.deliver(*it, group_);
    l.expected.pop_front();
    l.held.erase(it);
    it = l.held.begin();
  }
}

void fifo_delivery::held(std::vector<arrived_copy>& out) const {
  for (const auto& [from, l] : links_) out.insert(out.end(), l.held.begin(), l.held.end());
}

}  // namespace hbsim
