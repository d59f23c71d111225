#include "hbsim/kernel/event_queue.hpp"

#include <bit>

namespace hbsim {

namespace {
constexpr std::size_t arity = 4;
}  // namespace

int event_queue::bucket_of(sim_time t) const {
  const std::uint64_t differs = key(t) ^ base_;
  return differs == 0 ? 0 : 64 - std::countl_zero(differs);
}

void event_queue::append(int b, const queue_entry& e) {
  bucket& x = buckets_[static_cast<std::size_t>(b)];
  const auto pos = static_cast<std::uint32_t>(x.items.size());
  x.items.push_back(e);
  if (b == 0) return;  // all of one time, in order: the first is the least
  if (pos == 0) {
    x.least = 0;
    x.least_copy = e;
    x.next = none;
    filled_ |= std::uint64_t{1} << (b - 1);
  } else if (runs_before(e, x.least_copy)) {
    x.next = x.least;
    x.next_copy = x.least_copy;
    x.least = pos;
    x.least_copy = e;
  } else if (x.next == none || runs_before(e, x.next_copy)) {
    x.next = pos;
    x.next_copy = e;
  }
}

// Called with bucket 0 empty. The buckets below the first non-empty one are empty too, and every
// entry of it lands below it: their times agree with the new base above the bit that put them there.
// Those of the base's own time stay where they are, packed at the front, and the bucket's storage
// becomes bucket 0's (bucket 0's empty one takes its place), so that storage passes from bucket to
// bucket instead of each keeping the most it ever held: PHOLD's million initial entries all move to
// bucket 0 at the first pop.
void event_queue::spread() {
  const int b = std::countr_zero(filled_) + 1;
  bucket& from = buckets_[static_cast<std::size_t>(b)];
  std::vector<queue_entry>& now = buckets_[0].items;
  now.swap(from.items);
  base_ = key(from.least_copy.time);
  filled_ &= filled_ - 1;
  std::size_t kept = 0;
  for (const queue_entry& e : now) {
    const int to = bucket_of(e.time);
    if (to == 0)
      now[kept++] = e;
    else
      append(to, e);
  }
  now.resize(kept);
}

std::uint64_t event_queue::push(sim_time time, std::uint8_t type, std::uint32_t payload) {
  const queue_entry e{time, next_order_, payload, type};
  if (key(time) < base_)
    insert_other(e);
  else
    append(bucket_of(time), e);
  ++size_;
  return next_order_++;
}

void event_queue::push_again(sim_time time, std::uint64_t order, std::uint8_t type, std::uint32_t payload) {
  insert_other({time, order, payload, type});
  ++size_;
}

const queue_entry* event_queue::radix_first() const {
  const std::vector<queue_entry>& now = buckets_[0].items;
  if (head_ < now.size()) return &now[head_];
  if (filled_ == 0) return nullptr;
  const bucket& x = buckets_[static_cast<std::size_t>(std::countr_zero(filled_) + 1)];
  return &x.items[x.least];
}

std::array<const queue_entry*, 2> event_queue::radix_first_two() const {
  std::array<const queue_entry*, 2> out{};
  std::size_t k = 0;
  const std::vector<queue_entry>& now = buckets_[0].items;
  for (std::size_t i = head_; i < now.size() && k < 2; ++i) out[k++] = &now[i];
  for (std::uint64_t left = filled_; left != 0 && k < 2; left &= left - 1) {
    const bucket& x = buckets_[static_cast<std::size_t>(std::countr_zero(left) + 1)];
    out[k++] = &x.items[x.least];
    if (k < 2 && x.next != none) out[k++] = &x.items[x.next];
  }
  return out;
}

const queue_entry& event_queue::top() const {
  const queue_entry* r = radix_first();
  if (others_.empty() || (r && runs_before(*r, others_.front()))) return *r;
  return others_.front();
}

queue_entry event_queue::pop() {
  --size_;
  const queue_entry* r = radix_first();
  if (!others_.empty() && (!r || runs_before(others_.front(), *r))) return pop_other();
  std::vector<queue_entry>& now = buckets_[0].items;
  if (head_ == now.size()) spread();
  const queue_entry e = now[head_++];
  if (head_ == now.size()) {
    now.clear();
    head_ = 0;
  }
  return e;
}

const queue_entry* event_queue::second() const {
  // The two firsts of each part hold the two firsts of all; the heap's second is one of the root's children.
  const std::array<const queue_entry*, 2> radix = radix_first_two();
  if (others_.empty()) return radix[1];
  std::array<const queue_entry*, 2 + 1 + arity> candidates{radix[0], radix[1]};
  std::size_t count = 2;
  for (std::size_t c = 0; c < others_.size() && c <= arity; ++c) candidates[count++] = &others_[c];
  const queue_entry* first = nullptr;
  const queue_entry* next = nullptr;
  for (const queue_entry* c : candidates) {
    if (!c) continue;
    if (!first || runs_before(*c, *first)) {
      next = first;
      first = c;
    } else if (!next || runs_before(*c, *next)) {
      next = c;
    }
  }
  return next;
}

std::vector<queue_entry> event_queue::pending() const {
  std::vector<queue_entry> all(others_);
  const std::vector<queue_entry>& now = buckets_[0].items;
  all.insert(all.end(), now.begin() + static_cast<std::ptrdiff_t>(head_), now.end());
  for (std::size_t b = 1; b < buckets_.size(); ++b)
    all.insert(all.end(), buckets_[b].items.begin(), buckets_[b].items.end());
  return all;
}

// The 4-ary heap beside the buckets: entries are moved into the hole, not swapped.
void event_queue::insert_other(const queue_entry& e) {
  std::size_t hole = others_.size();
  others_.push_back(e);
  queue_entry* h = others_.data();
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / arity;
    if (!runs_before(e, h[parent])) break;
    h[hole] = h[parent];
    hole = parent;
  }
  h[hole] = e;
}

queue_entry event_queue::pop_other() {
  const queue_entry top = others_.front();
  const queue_entry last = others_.back();
  others_.pop_back();
  const std::size_t n = others_.size();
  if (n == 0) return top;
  queue_entry* h = others_.data();
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

}  // namespace hbsim
