#include "hbsim/kernel/event_queue.hpp"

namespace hbsim {

// A 4-ary heap: half the levels of a binary heap, and a node's four children side by side, so that
// with many pending entries (a PHOLD of 10^5 processes has as many) a pop misses the cache about half
// as often. Entries are moved into the hole, not swapped.
namespace {
constexpr std::size_t arity = 4;
}

void event_queue::insert(const queue_entry& e) {
  std::size_t hole = heap_.size();
  heap_.push_back(e);
  queue_entry* h = heap_.data();
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / arity;
    if (!runs_before(e, h[parent])) break;
    h[hole] = h[parent];
    hole = parent;
  }
  h[hole] = e;
}

std::uint64_t event_queue::push(sim_time time, std::uint8_t type, std::uint32_t payload) {
  insert({time, next_order_, payload, type});
  return next_order_++;
}

void event_queue::push_again(sim_time time, std::uint64_t order, std::uint8_t type, std::uint32_t payload) {
  insert({time, order, payload, type});
}

queue_entry event_queue::pop() {
  const queue_entry top = heap_.front();
  const queue_entry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return top;
  queue_entry* h = heap_.data();
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first = arity * hole + 1;
    if (first >= n) break;
    const std::size_t end = first + arity < n ? first + arity : n;
    std::size_t least = first;
    for (std::size_t c = first + 1; c < end; ++c) least = runs_before(h[c], h[least]) ? c : least;
    if (!runs_before(h[least], last)) break;
    h[hole] = h[least];
    hole = least;
  }
  h[hole] = last;
  return top;
}

const queue_entry* event_queue::second() const {
  // The least of the root's children.
  const std::size_t n = heap_.size();
  if (n < 2) return nullptr;
  const std::size_t end = n < arity + 1 ? n : arity + 1;
  std::size_t least = 1;
  for (std::size_t c = 2; c < end; ++c) least = runs_before(heap_[c], heap_[least]) ? c : least;
  return &heap_[least];
}

}  // namespace hbsim
