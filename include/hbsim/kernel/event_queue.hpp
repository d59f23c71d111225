// The pending-event set, ordered by (true time, insertion counter) as in ns-3's scheduler: equal
// times run in the order they were scheduled, which makes every run reproducible.
//
// A radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990), since simulated time never goes back: what is
// pushed is due no earlier than the latest time popped. Bucket b holds the entries whose time first
// differs from that base in bit b - 1 (bucket 0: the base itself), so every bucket's times come before
// the next one's. A push appends to its bucket; a pop takes bucket 0's first entry, and when bucket 0
// is empty, makes the least time of the first non-empty bucket the base and spreads that bucket over
// the ones below it. Each entry moves a few times, each time in a sequential pass, where a 4-ary heap of
// a million entries misses the cache at most of its ten levels on every pop (at 2^20 processes PHOLD's
// pops were a fifth of the run). Equal times share a bucket in the order they were pushed, so they come
// out by insertion counter.
//
// Entries put back (push_again, which keep an old counter) and any pushed before the base go to a
// small 4-ary heap beside it; a pop takes the lesser of the two firsts. Since no two entries are equal
// in the order, another structure behind this interface would run the same entries in the same sequence.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "hbsim/core/time.hpp"

namespace hbsim {

struct queue_entry {
  sim_time time;
  std::uint64_t order;     // insertion counter: the tie-break
  std::uint32_t payload;   // index into the owner's tables
  std::uint8_t type;       // what the payload is, for the owner
};

class event_queue {
 public:
  /// Returns the entry's insertion counter.
  std::uint64_t push(sim_time time, std::uint8_t type, std::uint32_t payload);
  /// Puts back an entry popped earlier, at a time not before it, in its old place among equal times.
  void push_again(sim_time time, std::uint64_t order, std::uint8_t type, std::uint32_t payload);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const queue_entry& top() const;
  queue_entry pop();
  /// The entry that runs after top() as the queue stands now (nullptr when there is none): a hint, for
  /// fetching its data ahead; an entry pushed meanwhile may still come between.
  const queue_entry* second() const;
  /// Every pending entry, in no particular order.
  std::vector<queue_entry> pending() const;

 private:
  static constexpr std::uint32_t none = ~std::uint32_t{0};
  static constexpr int bucket_count = 65;  // the base itself, and one per bit of a time
  struct bucket {
    std::vector<queue_entry> items;
    // The places of its least entry and of the one after (none when it has one entry), and copies of
    // them, so that a push compares without reading the bucket.
    std::uint32_t least = 0, next = none;
    queue_entry least_copy{}, next_copy{};
  };

  /// Time as an unsigned key of the same order.
  static std::uint64_t key(sim_time t) { return static_cast<std::uint64_t>(t) ^ (std::uint64_t{1} << 63); }
  int bucket_of(sim_time t) const;
  void append(int b, const queue_entry& e);
  /// Makes the first non-empty bucket's least time the base, and spreads the bucket below.
  void spread();
  /// The radix part's first two entries, in order (nullptr where it has fewer).
  std::array<const queue_entry*, 2> radix_first_two() const;
  const queue_entry* radix_first() const;
  void insert_other(const queue_entry& e);
  queue_entry pop_other();

  std::array<bucket, bucket_count> buckets_;
  std::size_t head_ = 0;           // bucket 0's first pending entry
  std::uint64_t filled_ = 0;       // bit b - 1 set when bucket b (b >= 1) holds entries
  std::uint64_t base_ = 0;         // key of the base time: the least possible at the start
  std::vector<queue_entry> others_;  // 4-ary heap: entries put back, or pushed before the base
  std::size_t size_ = 0;
  std::uint64_t next_order_ = 0;
};

/// Whether a runs before b. Without branches: in the queue, which of four children is least is a coin
/// toss to the branch predictor (2.5 M mispredicted branches against 3.9 M in callgrind's simulation).
inline bool runs_before(const queue_entry& a, const queue_entry& b) {
  return (a.time < b.time) | ((a.time == b.time) & (a.order < b.order));
}

}  // namespace hbsim
