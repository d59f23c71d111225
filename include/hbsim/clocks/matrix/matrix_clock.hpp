// Matrix clocks (Wuu and Bernstein 1984): process i keeps an n × n matrix whose row i is its vector
// clock and whose row j is what i knows of j's vector clock, so that min over rows of column k tells
// which of k's events every process has seen (the garbage-collection watermark). Words row by row;
// at most 256 processes (a run holds n³ counters, and n² per message in flight).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "hbsim/clocks/logical_clock.hpp"

namespace hbsim {

enum class matrix_variant { canonical, row_not_merged };
std::span<const std::string_view> matrix_variant_names();

inline constexpr std::size_t matrix_max_processes = 256;

/// The canonical receive at `self` of a message from `from` carrying `w`, before the tick: every row
/// takes the entrywise max with the message's same row, and row `self` also with row `from` of `w`.
/// `merge_sender_row` false is the variant row-not-merged.
void matrix_merge(std::span<std::uint64_t> m, std::span<const std::uint64_t> w, std::size_t n, process_id self,
                  process_id from, bool merge_sender_row = true);
/// The garbage-collection watermark: for each k, the minimum of column k over the rows, the number of
/// k's first events that, as far as this matrix knows, every process has seen.
std::vector<std::uint64_t> matrix_watermark(std::span<const std::uint64_t> m, std::size_t n);

class matrix_clock final : public logical_clock {
 public:
  matrix_clock(std::size_t processes, matrix_variant variant = matrix_variant::canonical);

  std::string_view name() const override { return "matrix"; }
  std::string_view variant() const override { return matrix_variant_names()[static_cast<std::size_t>(variant_)]; }
  void tick(process_id p, event_kind kind, sim_time pt) override;
  void receive(process_id p, message_slot slot, sim_time pt) override;
  void capture(process_id p, message_slot slot) override;
  void reserve_slots(std::size_t count) override;
  void checkpoint(process_id p) override;
  void restore(process_id p) override;
  void reset(process_id p) override;
  stamp_words stamp(process_id p) const override { return {&cells_[p * n2_], n2_}; }

 private:
  std::span<std::uint64_t> cells(process_id p) { return {&cells_[p * n2_], n2_}; }
  std::size_t n_, n2_;
  matrix_variant variant_;
  std::vector<std::uint64_t> cells_;  // per process, n² words
  std::vector<std::uint64_t> slots_;  // per message slot: the sender's matrix, then its process id
  std::vector<std::uint64_t> saved_;  // checkpoints, allocated on first use
};

}  // namespace hbsim
