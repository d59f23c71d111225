// A slab: storage that follows what is pending, not what has happened (a free list of indices).
#pragma once

#include <cstdint>
#include <vector>

namespace hbsim {

template <class T>
class slab {
 public:
  std::uint32_t add(const T& v) {
    if (free_.empty()) {
      items_.push_back(v);
      return static_cast<std::uint32_t>(items_.size() - 1);
    }
    const std::uint32_t i = free_.back();
    free_.pop_back();
    items_[i] = v;
    return i;
  }
  void remove(std::uint32_t i) { free_.push_back(i); }
  void reserve(std::size_t n) {
    items_.reserve(n);
    free_.reserve(n);
  }
  T& operator[](std::uint32_t i) { return items_[i]; }
  std::size_t live() const { return items_.size() - free_.size(); }

 private:
  std::vector<T> items_;
  std::vector<std::uint32_t> free_;
};

}  // namespace hbsim
