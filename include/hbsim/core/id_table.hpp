// Entries looked up by a 64-bit id (messages in flight, by message id): memory follows the entries,
// not the run's length. Open addressing with linear probing, at most half full, removal by shifting
// back the entries after (no tombstones). An entry adds and removes itself once per message, which a
// node per message (std::unordered_map) made a tenth of a replay's time and of the ground truth's.
// Never iterated: its order cannot reach an output.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

namespace hbsim {

/// Entry: a field `id`, a member `bool live() const`, and a default value that is not live.
template <class Entry>
class id_table {
 public:
  id_table() { clear(); }
  void clear() {
    slots_.assign(16, Entry{});
    resized();
  }
  /// Room for `entries` without growing: one table of the size it would reach, instead of each size
  /// on the way (and their copies).
  void reserve(std::size_t entries) {
    if (2 * entries > slots_.size()) rehash(std::bit_ceil(2 * entries));
  }
  Entry* find(std::uint64_t id) {
    for (std::size_t i = home(id);; i = (i + 1) & mask_) {
      if (!slots_[i].live()) return nullptr;
      if (slots_[i].id == id) return &slots_[i];
    }
  }
  /// A hint: find() or add() of id will come soon; fetch where its search starts.
  void prefetch(std::uint64_t id) const { __builtin_prefetch(&slots_[home(id)], 1); }
  /// The entry now under e.id, and whether it is e (false: one with that id was there, and stays).
  std::pair<Entry*, bool> add(const Entry& e) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    std::size_t i = home(e.id);
    for (; slots_[i].live(); i = (i + 1) & mask_)
      if (slots_[i].id == e.id) return {&slots_[i], false};
    slots_[i] = e;
    ++size_;
    return {&slots_[i], true};
  }
  /// e, which find() or add() gave.
  void remove(Entry& e) {
    std::size_t hole = static_cast<std::size_t>(&e - slots_.data());
    for (std::size_t i = (hole + 1) & mask_; slots_[i].live(); i = (i + 1) & mask_) {
      // An entry moves back into the hole unless its home lies cyclically in (hole, i].
      if (((i - home(slots_[i].id)) & mask_) >= ((i - hole) & mask_)) {
        slots_[hole] = slots_[i];
        hole = i;
      }
    }
    slots_[hole] = Entry{};
    --size_;
  }

 private:
  std::size_t home(std::uint64_t id) const { return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15u) >> shift_); }
  void resized() {
    mask_ = slots_.size() - 1;
    shift_ = 64 - std::countr_zero(slots_.size());
    size_ = 0;
  }
  void grow() { rehash(2 * slots_.size()); }
  void rehash(std::size_t slots) {
    std::vector<Entry> old(slots, Entry{});
    old.swap(slots_);
    resized();
    for (const Entry& e : old)
      if (e.live()) add(e);
  }
  std::vector<Entry> slots_;
  std::size_t mask_ = 0;
  int shift_ = 0;
  std::size_t size_ = 0;
};

}  // namespace hbsim
