// The messages in flight during a trace's replay, by id, for the links between records.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "hbsim/kernel/observer.hpp"

namespace hbsim::trace_internal {

// A message sent and not yet received or dropped as often as it was sent.
struct flight {
  message_id id;
  event_id send;
  process_id from, to;
  std::uint8_t copies;  // as sent: 2 when the network duplicated it
  std::uint8_t left;    // copies neither received nor dropped yet
  bool original_dropped = false, duplicate_dropped = false;
};

// The messages in flight by id: memory follows them, not the trace's length. Open addressing with
// linear probing, at most half full, removal by shifting back the entries after (no tombstones): a
// replay adds and removes one per message, which a node per message (std::unordered_map) made a
// tenth of the replaying thread's time.
class flight_table {
 public:
  flight_table() { grow(); }
  flight* find(message_id id) {
    for (std::size_t i = home(id);; i = (i + 1) & mask_) {
      if (slots_[i].left == 0) return nullptr;
      if (slots_[i].id == id) return &slots_[i];
    }
  }
  /// The flight now under m.id, and whether it is m (false: another one had that id).
  std::pair<flight*, bool> add(const flight& m) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    std::size_t i = home(m.id);
    for (; slots_[i].left != 0; i = (i + 1) & mask_)
      if (slots_[i].id == m.id) return {&slots_[i], false};
    slots_[i] = m;
    ++size_;
    return {&slots_[i], true};
  }
  void remove(flight& m) {
    std::size_t hole = static_cast<std::size_t>(&m - slots_.data());
    for (std::size_t i = (hole + 1) & mask_; slots_[i].left != 0; i = (i + 1) & mask_) {
      // An entry moves back into the hole unless its home lies cyclically in (hole, i].
      if (((i - home(slots_[i].id)) & mask_) >= ((i - hole) & mask_)) {
        slots_[hole] = slots_[i];
        hole = i;
      }
    }
    slots_[hole].left = 0;
    --size_;
  }

 private:
  std::size_t home(message_id id) const { return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15u) >> shift_); }
  void grow() {
    std::vector<flight> old(std::max<std::size_t>(16, 2 * slots_.size()), flight{});
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    shift_ = 64 - std::countr_zero(slots_.size());
    size_ = 0;
    for (const flight& m : old)
      if (m.left != 0) add(m);
  }
  std::vector<flight> slots_;  // a free slot has left == 0
  std::size_t mask_ = 0;
  int shift_ = 0;
  std::size_t size_ = 0;
};

}  // namespace hbsim::trace_internal
