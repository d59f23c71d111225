// Unordered pairs of events with equal values (the Lamport ties of the clock report), counted as the
// values come, with no history: a count per value, in a table that grows to the largest value seen
// below dense_most (a correct Lamport clock's values stay below the number of events); the larger
// values of a wrong clock are kept apart and counted at the end.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hbsim {

class equal_value_pairs {
 public:
  static constexpr std::uint64_t dense_most = std::uint64_t{1} << 22;  // a 16 MiB table at most

  void add(std::uint64_t v) {
    if (v >= dense_most) {
      sparse_.push_back(v);
      return;
    }
    if (v >= counts_.size())
      counts_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(std::max<std::uint64_t>(v + 1, 2 * counts_.size()), dense_most)));
    pairs_ += counts_[v]++;
  }

  std::uint64_t pairs() const {
    std::vector<std::uint64_t> sparse = sparse_;
    std::sort(sparse.begin(), sparse.end());
    std::uint64_t out = pairs_;
    for (std::size_t i = 0, j = 0; i < sparse.size(); i = j) {
      while (j < sparse.size() && sparse[j] == sparse[i]) ++j;
      out += (j - i) * (j - i - 1) / 2;
    }
    return out;
  }

 private:
  std::vector<std::uint32_t> counts_;
  std::vector<std::uint64_t> sparse_;
  std::uint64_t pairs_ = 0;
};

}  // namespace hbsim
