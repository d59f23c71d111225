// A vector stamp as an event's record carries it (event_record::stamps), read in place. Its words are
// dense, one per process (entry j in word j), or, from a clock that keeps sparse rows, sparse: a first
// word sparse_stamp_tag | processes, then one word per non-zero entry, process << 32 | count, by
// process. A dense first word is a counter below 2^32, so the tag tells them apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace hbsim {

inline constexpr std::uint64_t sparse_stamp_tag = std::uint64_t{1} << 63;

/// One word of a sparse stamp.
inline constexpr std::uint64_t sparse_entry(std::size_t process, std::uint32_t count) {
  return static_cast<std::uint64_t>(process) << 32 | count;
}

class vector_stamp {
 public:
  vector_stamp() = default;
  /// A stamp's words, as above.
  vector_stamp(std::span<const std::uint64_t> words)  // NOLINT(google-explicit-constructor): a decoding
      : words_(words.data()), n_(words.size()) {
    if (!words.empty() && (words[0] & sparse_stamp_tag) != 0) {
      n_ = static_cast<std::size_t>(words[0] & ~sparse_stamp_tag);
      entries_ = words.size() - 1;
      sparse_ = true;
      ++words_;
    }
  }

  /// Entries, one per process (0 for a run without vectors).
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  bool sparse() const { return sparse_; }
  /// Entry j; a binary search in a sparse stamp.
  std::uint64_t operator[](std::size_t j) const {
    if (!sparse_) return words_[j];
    std::size_t lo = 0, hi = entries_;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      const std::size_t at = words_[mid] >> 32;
      if (at == j) return words_[mid] & 0xffffffffu;
      if (at < j) lo = mid + 1; else hi = mid;
    }
    return 0;
  }
  /// f(j, count) for each non-zero entry, by process: what a sparse stamp holds, without reading the
  /// zeros of a dense one one by one more than once.
  template <class F>
  void for_each(F&& f) const {
    if (sparse_) {
      for (std::size_t i = 0; i < entries_; ++i) {
        const auto [j, count] = entry(i);
        f(j, count);
      }
      return;
    }
    for (std::size_t j = 0; j < n_; ++j)
      if (words_[j] != 0) f(j, words_[j]);
  }
  /// Its non-zero entries.
  std::size_t nonzero() const;
  /// A dense stamp's words.
  std::span<const std::uint64_t> dense_words() const { return {words_, sparse_ ? 0 : n_}; }
  /// A sparse stamp's i-th entry (process, count), i < nonzero().
  std::pair<std::size_t, std::uint64_t> entry(std::size_t i) const {
    return {static_cast<std::size_t>(words_[i] >> 32), words_[i] & 0xffffffffu};
  }

 private:
  const std::uint64_t* words_ = nullptr;  // dense: the entries; sparse: the entries' words past the tag
  std::size_t n_ = 0;
  std::size_t entries_ = 0;  // sparse only
  bool sparse_ = false;
};

inline vector_stamp vector_of(std::span<const std::uint64_t> words) { return words; }
/// The stamp as one counter per process.
std::vector<std::uint32_t> dense_row(vector_stamp v);
/// The stamp as one word per process: a dense stamp's own words, a sparse one's spread into `scratch`.
std::span<const std::uint64_t> dense_words(vector_stamp v, std::vector<std::uint64_t>& scratch);
/// f(j, count) for each non-zero entry of a row of uint32 counters, by process, as vector_stamp::for_each.
template <class F>
void for_each(std::span<const std::uint32_t> row, F&& f) {
  for (std::size_t j = 0; j < row.size(); ++j)
    if (row[j] != 0) f(j, std::uint64_t{row[j]});
}
inline void for_each(vector_stamp v, auto&& f) { v.for_each(f); }

/// Appends to `out` the sparse stamp of `row`, a row of `n` processes that for_each(row, f) visits by
/// process (a span of counters, a counter_row).
template <class Row>
void append_sparse_stamp(std::vector<std::uint64_t>& out, std::size_t n, const Row& row) {
  out.push_back(sparse_stamp_tag | n);
  for_each(row, [&](std::size_t j, std::uint64_t count) { out.push_back(sparse_entry(j, static_cast<std::uint32_t>(count))); });
}

enum class vector_order { equal, before, after, concurrent };
/// Compares two vector stamps of one run entrywise, dense or sparse.
vector_order compare(vector_stamp a, vector_stamp b);
/// The same of two rows of uint32 counters (the ground truth's).
vector_order compare(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);

/// "{A:1, C:2}": the non-zero entries by process name; past `shown` of them, ", ... N more".
std::string vector_text(vector_stamp v, std::span<const std::string> names,
                        std::size_t shown = std::numeric_limits<std::size_t>::max());
/// The same of a row of uint32 counters.
std::string vector_text(std::span<const std::uint32_t> v, std::span<const std::string> names,
                        std::size_t shown = std::numeric_limits<std::size_t>::max());

}  // namespace hbsim
