// The step tables of the happens-before graph: per process and entry, a step function of the seq
// (the causal past, or the recorded vector's deviation from it) kept as the points where it changes,
// in varint-coded blocks. See hb_graph.cpp for the measurements.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hbsim/kernel/event.hpp"

namespace hbsim::judge_internal {

// LEB128: 7 bits a byte. Deltas along a list are small, so most take one byte.
inline void put_varint(std::vector<std::uint8_t>& out, std::uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}
inline std::uint32_t get_varint(const std::uint8_t*& p) {
  std::uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    const std::uint8_t byte = *p++;
    v |= static_cast<std::uint32_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return v;
  }
}
// A difference mod 2^32 as a signed one, small either way: recorded vectors can be behind or ahead.
inline std::uint32_t zigzag(std::uint32_t diff) {
  const auto d = static_cast<std::int32_t>(diff);
  return (diff << 1) ^ static_cast<std::uint32_t>(d >> 31);
}
inline std::uint32_t unzigzag(std::uint32_t z) { return (z >> 1) ^ (0u - (z & 1u)); }

// The changes of one process's row (the causal past, or the recorded vector's deviation from it),
// event by event, as varints: for each event that changed something, its seq and where its bytes
// begin; for each change, the gap from the previous entry changed by the event (entries come in
// increasing order) and new − old (mod 2^32, zigzag). About 3 bytes a change on PHOLD. Knowing the
// row after the changes, they can be undone (roll_back); from zeros, replayed (in step_table).
struct change_log {
  struct group {
    std::uint32_t seq;
    std::uint32_t count;
    std::uint64_t begin;
  };
  std::vector<group> groups;
  std::vector<std::uint8_t> bytes;
  process_id last_entry = 0;

  void add(std::uint32_t seq, process_id entry, std::uint32_t old, std::uint32_t now) {
    if (groups.empty() || groups.back().seq != seq) {
      groups.push_back({seq, 0, bytes.size()});
      last_entry = 0;
    }
    put_varint(bytes, entry - last_entry);
    put_varint(bytes, zigzag(now - old));
    last_entry = entry;
    ++groups.back().count;
  }
  /// Calls f(entry, new − old) for each change of g.
  template <class F>
  void decode(const group& g, F&& f) const {
    const std::uint8_t* p = bytes.data() + g.begin;
    process_id entry = 0;
    for (std::uint32_t k = 0; k < g.count; ++k) {
      entry += get_varint(p);
      f(entry, unzigzag(get_varint(p)));
    }
  }
  /// Undoes, in `row`, the changes made by events after `seq`.
  void roll_back(std::span<std::uint32_t> row, std::uint32_t seq) const {
    for (auto g = groups.rbegin(); g != groups.rend() && g->seq > seq; ++g)
      decode(*g, [&](process_id j, std::uint32_t d) { row[j] -= d; });
  }
};

// Per process q and entry j, the value of j after each event of q, as a step function of q's seq
// starting at 0: the points (seq, value) where it changes, grouped into one list per (q, j) in seq
// order. A list is cut into blocks of `block` points: the first point of a block is kept whole in
// a head (for the binary search), the others as varint deltas from their predecessor. On PHOLD
// that is under 4 bytes a point, against 8 for plain (seq, value) pairs; at worst 11.
class step_table {
 public:
  static constexpr std::size_t block = 16;
  struct point {
    std::uint32_t seq;
    std::uint32_t value;
  };

  // Appends the next process (processes come in order) from its change log, replayed from zeros.
  // `start`, `cursor`, `row` and `sorted` are scratch.
  void add_process(const change_log& log, std::size_t n, std::vector<std::uint64_t>& start,
                   std::vector<std::uint64_t>& cursor, std::vector<std::uint32_t>& row, std::vector<point>& sorted) {
    start.assign(n + 1, 0);
    for (const auto& g : log.groups) log.decode(g, [&](process_id j, std::uint32_t) { ++start[j + 1]; });
    for (std::size_t j = 0; j < n; ++j) start[j + 1] += start[j];
    // A counting sort by entry keeps each list in seq order.
    sorted.resize(start[n]);
    cursor.assign(start.begin(), start.end() - 1);
    row.assign(n, 0);
    for (const auto& g : log.groups)
      log.decode(g, [&](process_id j, std::uint32_t d) { sorted[cursor[j]++] = {g.seq, row[j] += d}; });
    for (process_id j = 0; j < n; ++j) {
      if (start[j + 1] == start[j]) continue;
      entry_.push_back(j);
      list_head_.push_back(heads_.size());
      for (std::uint64_t k = start[j]; k < start[j + 1]; ++k) {
        if ((k - start[j]) % block == 0) {
          heads_.push_back({sorted[k].seq, sorted[k].value, bytes_.size()});
        } else {
          put_varint(bytes_, sorted[k].seq - sorted[k - 1].seq);
          put_varint(bytes_, zigzag(sorted[k].value - sorted[k - 1].value));
        }
      }
    }
    first_.push_back(entry_.size());
  }
  void finish() {
    list_head_.push_back(heads_.size());
    heads_.push_back({0, 0, bytes_.size()});  // ends the last block's bytes
    first_.shrink_to_fit();
    entry_.shrink_to_fit();
    list_head_.shrink_to_fit();
    heads_.shrink_to_fit();
    bytes_.shrink_to_fit();
  }

  std::uint32_t at(process_id q, std::uint32_t seq, process_id j) const {
    const auto first = entry_.begin() + static_cast<std::ptrdiff_t>(first_[q]);
    const auto last = entry_.begin() + static_cast<std::ptrdiff_t>(first_[q + 1]);
    const auto it = std::lower_bound(first, last, j);
    if (it == last || *it != j) return 0;
    return value_in(static_cast<std::size_t>(it - entry_.begin()), seq);
  }
  void row(process_id q, std::uint32_t seq, std::span<std::uint32_t> out) const {
    std::fill(out.begin(), out.end(), 0u);
    for (std::uint64_t i = first_[q]; i < first_[q + 1]; ++i) out[entry_[i]] = value_in(i, seq);
  }
  std::size_t bytes() const {
    return first_.capacity() * sizeof(std::uint64_t) + entry_.capacity() * sizeof(process_id) +
           list_head_.capacity() * sizeof(std::uint64_t) + heads_.capacity() * sizeof(head) + bytes_.capacity();
  }

 private:
  struct head {
    std::uint32_t seq;
    std::uint32_t value;
    std::uint64_t offset;  // the block's other points: bytes_[offset, next head's offset)
  };
  std::uint32_t value_in(std::size_t list, std::uint32_t seq) const {
    const head* b = heads_.data() + list_head_[list];
    const head* e = heads_.data() + list_head_[list + 1];
    const head* h = std::upper_bound(b, e, seq, [](std::uint32_t s, const head& x) { return s < x.seq; });
    if (h == b) return 0;
    --h;
    std::uint32_t at = h->seq;
    std::uint32_t value = h->value;
    const std::uint8_t* p = bytes_.data() + h->offset;
    const std::uint8_t* end = bytes_.data() + (h + 1)->offset;
    while (p < end) {
      const std::uint32_t next = at + get_varint(p);
      if (next > seq) break;
      at = next;
      value += unzigzag(get_varint(p));
    }
    return value;
  }

  std::vector<std::uint64_t> first_{0};  // lists of process q: [first_[q], first_[q + 1])
  std::vector<process_id> entry_;        // j of each list, increasing within a process
  std::vector<std::uint64_t> list_head_;  // heads of list i: [list_head_[i], list_head_[i + 1])
  std::vector<head> heads_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace hbsim::judge_internal
