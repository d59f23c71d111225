// The values one process's events took (pt or Lamport), in seq order, answering "how many of the
// first k are above x, how many equal to x": the clock report's pair counts (clock_report.cpp) sum
// these over the processes of an event's causal past instead of visiting its pairs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hbsim {

struct value_counts {
  std::uint64_t greater = 0;
  std::uint64_t equal = 0;
};

// The values before the first decrease (all of them, usually) are sorted: the ones at or above x are
// the latest of them, found by a search from the end that touches only recent values (a binary
// search from the start would miss the cache on every probe of a long history). Past the first
// decrease, the tail is cut in blocks of block_size values with their min and max, and the running
// max of the tail up to each block's end, so that the blocks wholly below x (all but a few recent
// ones, unless the clock went back far) are skipped by one binary search, and those wholly above x
// counted without a look inside. The running max starts at the tail so that one large step back (a
// clock stepped by hours) costs nothing once passed; a second one makes queries below its peak walk
// the blocks since then, O(1) each.
template <class T>
class value_history {
 public:
  static constexpr std::size_t block_size = 32;

  // Reads nothing but this object: with many processes a history's end is rarely in the cache, and a
  // load there would stall on every event, where stores do not.
  void push(T v) {
    const std::size_t i = values_.size();
    if (sorted_until_ == i && (i == 0 || !(v < last_))) {
      ++sorted_until_;
    } else {
      tail_max_ = sorted_until_ == i ? v : std::max(tail_max_, v);
    }
    if (i % block_size == 0) {
      open_ = {v, v, tail_max_};
      blocks_.push_back(open_);
    } else {
      open_ = {std::min(open_.min, v), std::max(open_.max, v), tail_max_};
      blocks_.back() = open_;
    }
    values_.push_back(v);
    last_ = v;
  }

  value_counts count(std::size_t k, T x) const {
    const std::size_t s = std::min(k, sorted_until_);
    value_counts c;
    const T* v = values_.data();
    if (s > 0 && !(v[s - 1] < x)) {
      const T* lo = v + first_not_below(s, x);
      const T* hi = std::upper_bound(lo, v + s, x);
      c = {static_cast<std::uint64_t>(v + s - hi), static_cast<std::uint64_t>(hi - lo)};
    }
    if (k <= sorted_until_ || blocks_[(k - 1) / block_size].tail_max < x) return c;
    // The tail's part [s, k): the rest of the block holding s, whole blocks, the start of the block holding k.
    const std::size_t first_whole = (s + block_size - 1) / block_size;
    const std::size_t end_whole = k / block_size;
    if (first_whole > end_whole) {
      add_range(s, k, x, c);
      return c;
    }
    if (s < first_whole * block_size) add_range(s, first_whole * block_size, x, c);
    const auto reaching = std::partition_point(
        blocks_.begin() + static_cast<std::ptrdiff_t>(first_whole), blocks_.begin() + static_cast<std::ptrdiff_t>(end_whole),
        [x](const block& b) { return b.tail_max < x; });
    for (auto b = static_cast<std::size_t>(reaching - blocks_.begin()); b < end_whole; ++b)
      add_range(b * block_size, (b + 1) * block_size, x, c);
    if (end_whole * block_size < k) add_range(end_whole * block_size, k, x, c);
    return c;
  }

 private:
  struct block {
    T min, max;
    T tail_max;  // the largest value past the sorted prefix, up to this block's end
  };

  // The first index in the sorted [0, s) whose value is not below x, by steps doubling back from s.
  std::size_t first_not_below(std::size_t s, T x) const {
    const T* v = values_.data();
    std::size_t hi = s, step = 1;  // [hi, s) is at or above x
    while (hi > 0) {
      const std::size_t probe = hi > step ? hi - step : 0;
      if (v[probe] < x) return static_cast<std::size_t>(std::lower_bound(v + probe + 1, v + hi, x) - v);
      hi = probe;
      step *= 2;
    }
    return 0;
  }

  // Values [from, to), all in one block, whose min and max (of the whole block) settle most ranges unseen.
  void add_range(std::size_t from, std::size_t to, T x, value_counts& c) const {
    const block& b = blocks_[from / block_size];
    if (b.max < x) return;
    if (b.min > x) {
      c.greater += to - from;
      return;
    }
    for (std::size_t i = from; i < to; ++i) {  // branch-free
      c.greater += values_[i] > x;
      c.equal += values_[i] == x;
    }
  }

  std::vector<T> values_;
  std::vector<block> blocks_;
  std::size_t sorted_until_ = 0;  // length of the sorted prefix
  T tail_max_{};                  // the largest value past it
  T last_{};                      // the latest value
  block open_{};                  // the latest block, as blocks_.back()
};

}  // namespace hbsim
