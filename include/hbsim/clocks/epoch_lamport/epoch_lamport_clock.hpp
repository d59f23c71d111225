// A Lamport clock with a bounded counter (SPEC §8): the stamp is (epoch, c), compared lexicographically,
// with c ≤ MAX = 2^bits − 1. A tick at c == MAX opens the next epoch from c = 0; then c + 1. A receive
// takes the lexicographic maximum of the own and the message's stamps, then ticks. Every process starts
// at (0, start). Words: epoch, then c.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/clocks/logical_clock.hpp"

namespace hbsim {

enum class epoch_lamport_variant { canonical, old_epoch_ignored, raw_wrap, bound_on_tick_only };
/// Every variant's name, canonical first.
std::span<const std::string_view> epoch_lamport_variant_names();

struct epoch_stamp {
  std::uint64_t epoch = 0;
  std::uint64_t c = 0;
  auto operator<=>(const epoch_stamp&) const = default;  // lexicographic: epoch, then c
};

/// The `logical.epoch_lamport` options.
struct epoch_lamport_settings {
  unsigned bits = 32;        // 1 to 63
  std::uint64_t start = 0;   // every process's initial c, at most max()
  std::uint64_t max() const { return (std::uint64_t{1} << bits) - 1; }
};

/// One event's stamp under `variant` from the process's stamp before it, and for a receive the
/// message's (null otherwise). The clocks, their narration and the judge of epoch_lamport.rule all
/// take their numbers from here.
epoch_stamp epoch_lamport_step(epoch_lamport_variant variant, std::uint64_t max, epoch_stamp before,
                               const epoch_stamp* message);

class epoch_lamport_clock final : public logical_clock {
 public:
  epoch_lamport_clock(std::size_t processes, epoch_lamport_settings settings,
                      epoch_lamport_variant variant = epoch_lamport_variant::canonical);

  std::string_view name() const override { return "epoch_lamport"; }
  std::string_view variant() const override {
    return epoch_lamport_variant_names()[static_cast<std::size_t>(variant_)];
  }
  void tick(process_id p, event_kind kind, sim_time pt) override;
  void receive(process_id p, message_slot slot, sim_time pt) override;
  void capture(process_id p, message_slot slot) override;
  void reserve_slots(std::size_t count) override;
  void checkpoint(process_id p) override;
  void restore(process_id p) override;
  void reset(process_id p) override;
  stamp_words stamp(process_id p) const override { return {&words_[2 * p], 2}; }
  std::string summary(std::span<const std::string> names) const override;

  epoch_stamp value(process_id p) const { return {words_[2 * p], words_[2 * p + 1]}; }

 private:
  void step(process_id p, const epoch_stamp* message);  // a tick, or a receive of `message`

  epoch_lamport_settings settings_;
  epoch_lamport_variant variant_;
  std::vector<std::uint64_t> words_;  // per process: epoch, c
  std::vector<std::uint64_t> slots_;  // per message slot: epoch, c
  std::vector<std::uint64_t> saved_;  // checkpoints, allocated on first use
  // For the summary: per process, the largest c and epoch its stamps reached, and how many of its
  // ticks found c at the bound.
  // Per process, over its stamps: the largest c, the least and largest epoch (no_stamp before its first), the overflows.
  static constexpr std::uint64_t no_stamp = ~std::uint64_t{0};
  std::vector<std::uint64_t> peak_c_, low_epoch_, peak_epoch_, overflows_;
};

}  // namespace hbsim
