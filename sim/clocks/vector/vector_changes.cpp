#include "hbsim/clocks/vector/vector_changes.hpp"

#include <algorithm>

namespace hbsim {

vector_changes::vector_changes(std::size_t processes)
    : n_(processes),
      events_(processes, 0),
      last_(processes * processes, 0),
      changed_at_(processes * processes, 0),
      changed_time_(processes * processes, 0),
      link_(processes * processes, 0) {}

template <class Counter>
void vector_changes::record(process_id p, std::span<const Counter> row, sim_time t) {
  const std::uint32_t now = ++events_[p];
  const std::size_t base = p * n_;
  for (std::size_t k = 0; k < n_; ++k) {
    if (row[k] == last_[base + k]) continue;
    last_[base + k] = row[k];
    changed_at_[base + k] = now;
    changed_time_[base + k] = t;
  }
}

template void vector_changes::record(process_id, std::span<const std::uint32_t>, sim_time);
template void vector_changes::record(process_id, std::span<const std::uint64_t>, sim_time);

void vector_changes::prune(process_id p, std::span<std::uint32_t> row, sim_time t, const vector_options& o,
                           std::vector<process_id>& dropped) {
  const std::size_t base = p * n_;
  const std::size_t first = dropped.size();
  const auto drop = [&](std::size_t k) {
    row[k] = 0;
    last_[base + k] = 0;
    dropped.push_back(static_cast<process_id>(k));
  };
  std::vector<process_id>& kept = kept_;  // the other non-zero entries that idleness leaves
  kept.clear();
  for (std::size_t k = 0; k < n_; ++k) {
    if (k == p || row[k] == 0) continue;
    if (o.idle && sub_sat(t, changed_time_[base + k]) > *o.idle)
      drop(k);
    else
      kept.push_back(static_cast<process_id>(k));
  }
  const std::size_t own = row[p] != 0 ? 1 : 0;
  if (o.max_entries != 0 && kept.size() + own > o.max_entries) {
    // Oldest change first; among changes at the same event, the later process first.
    std::sort(kept.begin(), kept.end(), [&](process_id a, process_id b) {
      const std::uint32_t x = changed_at_[base + a], y = changed_at_[base + b];
      return x != y ? x < y : a > b;
    });
    const std::size_t over = kept.size() + own - o.max_entries;  // max_entries >= 1 >= own
    for (std::size_t i = 0; i < over; ++i) drop(kept[i]);
  }
  std::sort(dropped.begin() + static_cast<std::ptrdiff_t>(first), dropped.end());
}

namespace {
template <class Counter>
void carry(std::span<const Counter> row, std::span<const std::uint32_t> changed_at, std::uint32_t since,
           std::span<Counter> out) {
  for (std::size_t k = 0; k < row.size(); ++k) out[k] = changed_at[k] > since ? row[k] : 0;
}
}  // namespace

void carried_entries(std::span<const std::uint32_t> row, std::span<const std::uint32_t> changed_at,
                     std::uint32_t since, std::span<std::uint32_t> out) {
  carry(row, changed_at, since, out);
}
void carried_entries(std::span<const std::uint64_t> row, std::span<const std::uint32_t> changed_at,
                     std::uint32_t since, std::span<std::uint64_t> out) {
  carry(row, changed_at, since, out);
}

}  // namespace hbsim
