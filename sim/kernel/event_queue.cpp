#include "hbsim/kernel/event_queue.hpp"

#include <algorithm>

namespace hbsim {

namespace {
// std heap functions build a max-heap; inverting the order puts the earliest entry on top. A function
// object, not a function pointer, so the comparison is inlined into the heap operations.
struct later_than {
  bool operator()(const queue_entry& a, const queue_entry& b) const { return runs_before(b, a); }
};
constexpr later_than later{};

void insert(std::vector<queue_entry>& heap, const queue_entry& e) {
  heap.push_back(e);
  std::push_heap(heap.begin(), heap.end(), later);
}
}  // namespace

std::uint64_t event_queue::push(sim_time time, std::uint8_t type, std::uint32_t payload) {
  insert(heap_, {time, next_order_, payload, type});
  return next_order_++;
}

void event_queue::push_again(sim_time time, std::uint64_t order, std::uint8_t type, std::uint32_t payload) {
  insert(heap_, {time, order, payload, type});
}

queue_entry event_queue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const queue_entry e = heap_.back();
  heap_.pop_back();
  return e;
}

}  // namespace hbsim
