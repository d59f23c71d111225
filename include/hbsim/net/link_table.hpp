// A value per directed link. Up to dense_processes processes, a processes² array allocated up front, so
// memory never grows during a run; beyond that (a run without vector clocks may have a million
// processes) a hash table of the links that carried a message, which grows with them, and a value per
// process for its link to itself (kept apart because workloads such as PHOLD send mostly to themselves:
// one array read instead of a hash table's chain of misses).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "hbsim/core/ids.hpp"

namespace hbsim {

template <class T>
class link_table {
 public:
  static constexpr std::size_t dense_processes = 4096;

  link_table() = default;
  link_table(std::size_t processes, T initial, std::size_t dense_most = dense_processes)
      : n_(processes), initial_(initial), dense_(processes <= dense_most) {
    if (dense_) values_.assign(processes * processes, initial);
    else self_.assign(processes, initial);
  }

  T& operator()(process_id from, process_id to) {
    const std::uint64_t link = std::uint64_t{from} * n_ + to;
    if (dense_) return values_[link];
    if (from == to) return self_[from];
    return sparse_.try_emplace(link, initial_).first->second;
  }

 private:
  std::uint64_t n_ = 0;
  T initial_{};
  bool dense_ = true;
  std::vector<T> values_;
  std::vector<T> self_;
  // Looked up by link, never iterated, so its order cannot reach the output.
  std::unordered_map<std::uint64_t, T> sparse_;
};

}  // namespace hbsim
