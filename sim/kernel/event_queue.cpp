#include "hbsim/kernel/event_queue.hpp"

namespace hbsim {

// A 4-ary heap: half the levels of a binary heap, and a node's four children side by side, so that
// with many pending entries (a PHOLD of 10^5 processes has as many) a pop misses the cache about half
// as often. Entries are moved into the hole, not swapped.
namespace {
constexpr std::size_t arity = 4;
}

bool event_queue::from_line() const {
  return head_ < now_.size() && (heap_.empty() || runs_before(now_[head_], heap_.front()));
}

// The line holds entries of one time in order, the time of the latest pop when it starts: entries of
// that time pushed since run after every entry pushed before them at that time, so they take their
// turn from the line, ahead of any later time in the heap.
void event_queue::insert(const queue_entry& e) {
  const bool joins = head_ == now_.size() ? e.time == last_
                                          : e.time == now_.back().time && e.order > now_.back().order;
  if (!joins) return insert_heap(e);
  if (head_ == now_.size()) {
    now_.clear();
    head_ = 0;
  }
  now_.push_back(e);
}

void event_queue::insert_heap(const queue_entry& e) {
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
  const queue_entry e = from_line() ? now_[head_++] : pop_heap();
  last_ = e.time;
  return e;
}

queue_entry event_queue::pop_heap() {
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
  // The least of what may follow top(): the line's first two, the heap's root and its children.
  const queue_entry* top_entry = empty() ? nullptr : &top();
  const queue_entry* best = nullptr;
  const auto consider = [&](const queue_entry& c) {
    if (&c != top_entry && (!best || runs_before(c, *best))) best = &c;
  };
  for (std::size_t k = head_; k < now_.size() && k < head_ + 2; ++k) consider(now_[k]);
  for (std::size_t c = 0; c < heap_.size() && c <= arity; ++c) consider(heap_[c]);
  return best;
}

std::vector<queue_entry> event_queue::pending() const {
  std::vector<queue_entry> all(heap_);
  all.insert(all.end(), now_.begin() + static_cast<std::ptrdiff_t>(head_), now_.end());
  return all;
}

}  // namespace hbsim
