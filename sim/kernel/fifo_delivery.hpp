// FIFO links as a delivery policy: on a FIFO link (sender -> this process) a copy that arrives ahead of
// an earlier-sent one waits until that one is delivered, then follows it at once. Copies are ordered by
// send, a duplicate right after its original; lost copies never count. The same order is a delivery
// group's `fifo` order (sequence numbers per sender and receiver), which holds over links that are not FIFO.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <vector>

#include "hbsim/kernel/delivery_policy.hpp"

namespace hbsim {

class fifo_delivery final : public delivery_policy {
 public:
  /// `is_fifo(from)`: whether the link from `from` to this process is FIFO (asked once per sender).
  /// `group`: the layer of a `fifo` delivery group, whose copies' receives say when they arrived.
  explicit fifo_delivery(std::function<bool(process_id)> is_fifo, bool group = false)
      : is_fifo_(std::move(is_fifo)), group_(group) {}

  sim_time on_sent(const arrived_copy& c) override;
  void on_arrival(delivery_context& ctx, const arrived_copy& c) override;
  void held(std::vector<arrived_copy>& out) const override;
  bool orders() const override { return group_; }

 private:
  struct link {
    bool fifo = false;
    std::deque<std::uint32_t> expected;  // handles of the copies not yet delivered, in send order
    std::vector<arrived_copy> held;      // arrived ahead of expected.front()
    sim_time last_due = time_min;        // when the latest copy sent is expected to be delivered
  };
  link& of(process_id from);

  std::function<bool(process_id)> is_fifo_;
  bool group_;
  std::map<process_id, link> links_;  // only the senders seen: a process may have thousands of peers
};

}  // namespace hbsim
