// A value per directed link. Up to dense_processes processes, a processes² array allocated up front, so
// memory never grows during a run; beyond that (a run without vector clocks may have a million
// processes) a hash table of the links that carried a message, which grows with them (open addressing,
// id_table: one cache miss per message where a node per link took two or three), and a value per
// process for its link to itself (kept apart because workloads such as PHOLD send mostly to themselves:
// an array read, and a table half the size).
#pragma once

#include <cstdint>
#include <vector>

#include "hbsim/core/id_table.hpp"
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

  /// Valid until the next call (beyond dense_processes a call may move the values).
  T& operator()(process_id from, process_id to) {
    const std::uint64_t link = std::uint64_t{from} * n_ + to;
    if (dense_) return values_[link];
    if (from == to) return self_[from];
    if (entry* e = sparse_.find(link + 1)) return e->value;
    return sparse_.add({link + 1, initial_}).first->value;
  }

 private:
  struct entry {
    std::uint64_t id = 0;  // the link + 1: 0 is a free slot
    T value{};
    bool live() const { return id != 0; }
  };
  std::uint64_t n_ = 0;
  T initial_{};
  bool dense_ = true;
  std::vector<T> values_;
  std::vector<T> self_;
  id_table<entry> sparse_;
};

}  // namespace hbsim
