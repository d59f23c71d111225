// A row of counters, one per process: a vector clock's vectors (a process's, a message's in flight, a
// checkpoint's) and the ground truth's causal pasts. Kept dense (one uint32 counter per process) or
// sparse (its non-zero entries as (process, count) pairs, by process). A sparse row turns dense once its
// pairs would take more room than that, so memory follows what the rows hold and never passes dense
// rows'. Counters are uint32: a run has fewer than 2^32 events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace hbsim {

class counter_row {
 public:
  counter_row() = default;
  /// n zeros, dense or sparse.
  counter_row(std::size_t n, bool dense) : n_(static_cast<std::uint32_t>(n)), form_(dense ? form::dense : form::sparse) {
    if (dense) data_.assign(n, 0);
  }

  std::size_t size() const { return n_; }
  /// Whether it holds counters now (made dense, or made sparse and crowded since).
  bool dense() const { return form_ != form::sparse; }
  /// Whether it was made sparse.
  bool made_sparse() const { return form_ != form::dense; }
  std::uint32_t at(std::size_t j) const;
  /// The counters, when dense().
  std::span<const std::uint32_t> counters() const { return data_; }
  std::span<std::uint32_t> counters() { return data_; }

  void increment(std::size_t j);
  /// Entry j = value.
  void set(std::size_t j, std::uint32_t value);
  /// Entrywise max with `other` (of the same size); `scratch` serves two sparse rows' merge.
  void merge(const counter_row& other, std::vector<std::uint32_t>& scratch);
  /// Entrywise max with dense counters.
  void merge(std::span<const std::uint32_t> other);
  /// Every entry 0: a row made sparse is sparse again.
  void clear();
  /// A copy of `other`, in its form (the rows of one clock are all made dense or all sparse).
  void assign(const counter_row& other) {
    data_ = other.data_;
    form_ = other.form_;
  }
  /// f(j, count) for each non-zero entry, by process.
  template <class F>
  void for_each(F&& f) const {
    if (dense()) {
      for (std::size_t j = 0; j < data_.size(); ++j)
        if (data_[j] != 0) f(j, data_[j]);
      return;
    }
    for (std::size_t i = 0; i < data_.size(); i += 2) f(std::size_t{data_[i]}, data_[i + 1]);
  }
  /// The row as one counter per process, into `out` (of size()).
  void write(std::span<std::uint32_t> out) const;
  /// The entries of `counters` (one per process), in this row's form (a sparse one turning dense if crowded).
  void assign(std::span<const std::uint32_t> counters);
  /// The sum of its entries, and how many are not 0.
  std::pair<std::uint64_t, std::uint32_t> totals() const;
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

/// f(j, count) for each non-zero entry of `r`, by process: as for_each of a vector stamp or a span of counters.
inline void for_each(const counter_row& r, auto&& f) { r.for_each(f); }

/// Writes `row` (anything for_each visits by process: a counter_row, a sparse vector stamp) into an `out`
/// that is 0 but at the entries `written` lists, which then lists row's: what a sparse row holds, not its
/// size, is what this costs.
template <class Row>
void write_over(std::span<std::uint32_t> out, std::vector<std::uint32_t>& written, const Row& row) {
  for (const std::uint32_t j : written) out[j] = 0;
  written.clear();
  for_each(row, [&](std::size_t j, std::uint64_t count) {
    out[j] = static_cast<std::uint32_t>(count);
    written.push_back(static_cast<std::uint32_t>(j));
  });
}

/// Entrywise max of two vectors of the same length, into `into`.
void merge_max(std::span<std::uint32_t> into, std::span<const std::uint32_t> other);

}  // namespace hbsim
