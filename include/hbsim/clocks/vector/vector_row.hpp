// One vector of a vector clock (a process's, a message's in flight, a checkpoint's), kept dense (one
// uint32 counter per process) or sparse (its non-zero entries as (process, count) pairs, by process).
// A sparse row turns dense once its pairs would take more room than that, so memory follows what the
// vectors hold and never passes dense rows'. Counters are uint32: a run has fewer than 2^32 events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hbsim/clocks/vector/vector_stamp.hpp"

namespace hbsim {

class vector_row {
 public:
  vector_row() = default;
  /// n zeros, dense or sparse.
  vector_row(std::size_t n, bool dense) : n_(static_cast<std::uint32_t>(n)), form_(dense ? form::dense : form::sparse) {
    if (dense) data_.assign(n, 0);
  }

  std::size_t size() const { return n_; }
  bool dense() const { return form_ != form::sparse; }
  std::uint32_t at(std::size_t j) const;
  /// The counters, when dense().
  std::span<const std::uint32_t> counters() const { return data_; }
  std::span<std::uint32_t> counters() { return data_; }

  void increment(std::size_t j);
  /// Entrywise max with `other` (of the same size); `scratch` serves two sparse rows' merge.
  void merge(const vector_row& other, std::vector<std::uint32_t>& scratch);
  /// Entrywise max with dense counters.
  void merge(std::span<const std::uint32_t> other);
  /// Every entry 0: a row made sparse is sparse again.
  void clear();
  /// A copy of `other`, in its form (the rows of one clock are all made dense or all sparse).
  void assign(const vector_row& other) {
    data_ = other.data_;
    form_ = other.form_;
  }
  /// The row as stamp words (vector_stamp.hpp), into `words`.
  void write(std::vector<std::uint64_t>& words) const;
  /// Bytes it holds (its counters or pairs).
  std::size_t bytes() const { return data_.capacity() * sizeof(std::uint32_t); }

 private:
  /// Whether pairs for `entries` non-zero entries would take more room than dense counters.
  bool crowded(std::size_t entries) const { return 2 * entries > n_; }
  void make_dense();
  enum class form : std::uint8_t { dense, sparse, crowded };  // crowded: made sparse, dense since
  std::vector<std::uint32_t> data_;  // dense: n counters; sparse: process, count, process, count...
  std::uint32_t n_ = 0;
  form form_ = form::dense;
};

/// Entrywise max of two vectors of the same length, into `into`.
void merge_max(std::span<std::uint32_t> into, std::span<const std::uint32_t> other);

}  // namespace hbsim
