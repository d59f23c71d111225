// Lamport's scalar clock (1978) and its common wrong variants.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hbsim/clocks/logical_clock.hpp"

namespace hbsim {

enum class lamport_variant { canonical, no_tick_local, ignore_message, double_tick_receive, fresh_per_event };
std::optional<lamport_variant> parse_lamport_variant(std::string_view name);
std::string_view to_string(lamport_variant v);
/// Every variant's name, canonical first.
std::span<const std::string_view> lamport_variant_names();

/// L of a Lamport stamp (event_record::stamps: one word).
inline std::uint64_t lamport_of(stamp_words words) { return words[0]; }

class lamport_clock final : public logical_clock {
 public:
  lamport_clock(std::size_t processes, lamport_variant variant = lamport_variant::canonical);

  std::string_view name() const override { return "lamport"; }
  std::string_view variant() const override { return to_string(variant_); }
  void tick(process_id p, event_kind kind, sim_time pt) override;
  void receive(process_id p, message_slot slot, sim_time pt) override;
  void prefetch(process_id p, message_slot slot) const override;
  void capture(process_id p, message_slot slot) override;
  void reserve_slots(std::size_t count) override;
  void checkpoint(process_id p) override;
  void restore(process_id p) override;
  void reset(process_id p) override;
  stamp_words stamp(process_id p) const override { return {&value_[p], 1}; }

  std::uint64_t value(process_id p) const { return value_[p]; }
  std::uint64_t carried(message_slot slot) const { return slots_[slot]; }

 private:
  lamport_variant variant_;
  std::vector<std::uint64_t> value_;
  std::vector<std::uint64_t> saved_;
  std::vector<std::uint64_t> slots_;
};

}  // namespace hbsim
