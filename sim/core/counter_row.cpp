#include "hbsim/core/counter_row.hpp"

#include <algorithm>

namespace hbsim {

void merge_max(std::span<std::uint32_t> into, std::span<const std::uint32_t> other) {
  // A plain loop over raw pointers: compilers vectorise it, and it is the hot path of receives.
  std::uint32_t* a = into.data();
  const std::uint32_t* b = other.data();
  const std::size_t n = into.size();
  for (std::size_t i = 0; i < n; ++i) a[i] = a[i] < b[i] ? b[i] : a[i];
}

namespace {
// The pair of process j in a sparse row's data, or where it would go.
std::vector<std::uint32_t>::const_iterator find_pair(const std::vector<std::uint32_t>& data, std::size_t j) {
  std::size_t lo = 0, hi = data.size() / 2;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (data[2 * mid] < j) lo = mid + 1; else hi = mid;
  }
  return data.begin() + static_cast<std::ptrdiff_t>(2 * lo);
}
}  // namespace

std::uint32_t counter_row::at(std::size_t j) const {
  if (dense()) return data_[j];
  const auto it = find_pair(data_, j);
  return it != data_.end() && *it == j ? it[1] : 0;
}

void counter_row::make_dense() {
  std::vector<std::uint32_t> counters(n_, 0);
  for (std::size_t i = 0; i < data_.size(); i += 2) counters[data_[i]] = data_[i + 1];
  data_.swap(counters);
  form_ = form::crowded;
}

void counter_row::increment(std::size_t j) {
  if (dense()) {
    ++data_[j];
    return;
  }
  const auto it = find_pair(data_, j);
  if (it != data_.end() && *it == j) {
    ++data_[static_cast<std::size_t>(it - data_.begin()) + 1];
    return;
  }
  if (crowded(data_.size() / 2 + 1)) {
    make_dense();
    ++data_[j];
    return;
  }
  const std::uint32_t pair[2] = {static_cast<std::uint32_t>(j), 1};
  data_.insert(it, pair, pair + 2);
}

void counter_row::set(std::size_t j, std::uint32_t value) {
  if (dense()) {
    data_[j] = value;
    return;
  }
  const auto it = find_pair(data_, j);
  const auto at = static_cast<std::size_t>(it - data_.begin());
  if (it != data_.end() && *it == j) {
    if (value != 0)
      data_[at + 1] = value;
    else
      data_.erase(it, it + 2);
    return;
  }
  if (value == 0) return;
  if (crowded(data_.size() / 2 + 1)) {
    make_dense();
    data_[j] = value;
    return;
  }
  const std::uint32_t pair[2] = {static_cast<std::uint32_t>(j), value};
  data_.insert(it, pair, pair + 2);
}

void counter_row::write(std::span<std::uint32_t> out) const {
  if (dense()) {
    std::copy(data_.begin(), data_.end(), out.begin());
    return;
  }
  std::fill(out.begin(), out.end(), 0);
  for (std::size_t i = 0; i < data_.size(); i += 2) out[data_[i]] = data_[i + 1];
}

void counter_row::assign(std::span<const std::uint32_t> counters) {
  if (form_ == form::dense) {
    data_.assign(counters.begin(), counters.end());
    return;
  }
  const auto nonzero = static_cast<std::size_t>(std::count_if(counters.begin(), counters.end(), [](std::uint32_t x) { return x != 0; }));
  if (crowded(nonzero)) {
    data_.assign(counters.begin(), counters.end());
    form_ = form::crowded;
    return;
  }
  data_.clear();
  form_ = form::sparse;
  for (std::size_t j = 0; j < counters.size(); ++j)
    if (counters[j] != 0) data_.insert(data_.end(), {static_cast<std::uint32_t>(j), counters[j]});
}

std::pair<std::uint64_t, std::uint32_t> counter_row::totals() const {
  std::uint64_t sum = 0;
  std::uint32_t nonzero = 0;
  const std::size_t step = dense() ? 1 : 2;
  for (std::size_t i = dense() ? 0 : 1; i < data_.size(); i += step) {
    sum += data_[i];
    nonzero += data_[i] != 0;
  }
  return {sum, nonzero};
}

void counter_row::merge(std::span<const std::uint32_t> other) {
  if (!dense()) make_dense();
  merge_max(data_, other);
}

void counter_row::merge(const counter_row& other, std::vector<std::uint32_t>& scratch) {
  if (other.dense()) {
    merge(other.data_);
    return;
  }
  const std::vector<std::uint32_t>& b = other.data_;
  if (dense()) {
    for (std::size_t i = 0; i < b.size(); i += 2) data_[b[i]] = std::max(data_[b[i]], b[i + 1]);
    return;
  }
  // Two sparse rows: the union of their pairs, the larger count where both have one.
  scratch.clear();
  std::size_t i = 0, k = 0;
  while (i < data_.size() || k < b.size()) {
    if (k == b.size() || (i < data_.size() && data_[i] < b[k])) {
      scratch.insert(scratch.end(), {data_[i], data_[i + 1]});
      i += 2;
    } else if (i == data_.size() || b[k] < data_[i]) {
      scratch.insert(scratch.end(), {b[k], b[k + 1]});
      k += 2;
    } else {
      scratch.insert(scratch.end(), {data_[i], std::max(data_[i + 1], b[k + 1])});
      i += 2;
      k += 2;
    }
  }
  data_.swap(scratch);
  if (crowded(data_.size() / 2)) make_dense();
}

void counter_row::clear() {
  if (form_ == form::dense) {
    std::fill(data_.begin(), data_.end(), 0);
    return;
  }
  data_.clear();
  form_ = form::sparse;
}

}  // namespace hbsim
