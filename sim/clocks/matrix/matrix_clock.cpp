#include "hbsim/clocks/matrix/matrix_clock.hpp"

#include <algorithm>
#include <array>

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 2> names = {"canonical", "row-not-merged"};
}

std::span<const std::string_view> matrix_variant_names() { return names; }

void matrix_merge(std::span<std::uint64_t> m, std::span<const std::uint64_t> w, std::size_t n, process_id self,
                  process_id from, bool merge_sender_row) {
  for (std::size_t i = 0; i < n * n; ++i) m[i] = std::max(m[i], w[i]);
  if (!merge_sender_row) return;
  for (std::size_t k = 0; k < n; ++k) m[self * n + k] = std::max(m[self * n + k], w[from * n + k]);
}

std::vector<std::uint64_t> matrix_watermark(std::span<const std::uint64_t> m, std::size_t n) {
  std::vector<std::uint64_t> out(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(n));
  for (std::size_t row = 1; row < n; ++row)
    for (std::size_t k = 0; k < n; ++k) out[k] = std::min(out[k], m[row * n + k]);
  return out;
}

matrix_clock::matrix_clock(std::size_t processes, matrix_variant variant)
    : n_(processes), n2_(processes * processes), variant_(variant), cells_(n_ * n2_, 0) {}

void matrix_clock::tick(process_id p, event_kind, sim_time) { ++cells_[p * n2_ + p * n_ + p]; }

void matrix_clock::receive(process_id p, message_slot slot, sim_time pt) {
  const std::uint64_t* w = &slots_[slot * (n2_ + 1)];
  matrix_merge(cells(p), {w, n2_}, n_, p, static_cast<process_id>(w[n2_]), variant_ == matrix_variant::canonical);
  tick(p, event_kind::receive, pt);
}

void matrix_clock::capture(process_id p, message_slot slot) {
  const auto m = cells(p);
  std::uint64_t* w = &slots_[slot * (n2_ + 1)];
  std::copy(m.begin(), m.end(), w);
  w[n2_] = p;
}

void matrix_clock::reserve_slots(std::size_t count) { slots_.resize(count * (n2_ + 1)); }

void matrix_clock::checkpoint(process_id p) {
  if (saved_.empty()) saved_.assign(cells_.size(), 0);
  const auto m = cells(p);
  std::copy(m.begin(), m.end(), saved_.begin() + static_cast<std::ptrdiff_t>(p * n2_));
}
void matrix_clock::restore(process_id p) {
  const auto m = cells(p);
  if (saved_.empty()) std::fill(m.begin(), m.end(), 0);
  else std::copy_n(saved_.begin() + static_cast<std::ptrdiff_t>(p * n2_), n2_, m.begin());
}
void matrix_clock::reset(process_id p) {
  const auto m = cells(p);
  std::fill(m.begin(), m.end(), 0);
}

}  // namespace hbsim
