// Hybrid logical clocks (Kulkarni, Demirbas et al. 2014), the max-offset guard, and wrong variants.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "hbsim/clocks/logical_clock.hpp"

namespace hbsim {

enum class hlc_variant { canonical, no_counter_reset, reset_on_receive, ignore_message };
std::optional<hlc_variant> parse_hlc_variant(std::string_view name);
std::string_view to_string(hlc_variant v);
std::span<const std::string_view> hlc_variant_names();

/// An HLC stamp as its kind's words (event_record::stamps): l (its two's complement), then c; and back.
inline std::array<std::uint64_t, 2> hlc_words(hlc_stamp h) { return {static_cast<std::uint64_t>(h.l), h.c}; }
inline hlc_stamp hlc_of(stamp_words words) { return {static_cast<sim_time>(words[0]), words[1]}; }

/// The canonical rules, shared by the clock and by anything that re-derives stamps (the checker).
hlc_stamp hlc_tick(hlc_stamp current, sim_time pt);
hlc_stamp hlc_receive(hlc_stamp current, hlc_stamp message, sim_time pt);

class hybrid_logical_clock final : public logical_clock {
 public:
  /// max_offset: refuse a message whose l is more than this ahead of the receiver's pt.
  hybrid_logical_clock(std::size_t processes, hlc_variant variant = hlc_variant::canonical,
                       std::optional<sim_time> max_offset = std::nullopt);

  std::string_view name() const override { return "hlc"; }
  std::string_view variant() const override { return to_string(variant_); }
  void tick(process_id p, event_kind kind, sim_time pt) override;
  void receive(process_id p, message_slot slot, sim_time pt) override;
  void prefetch(process_id p, message_slot slot) const override;
  void capture(process_id p, message_slot slot) override;
  bool accepts(process_id p, message_slot slot, sim_time pt) const override;
  void reserve_slots(std::size_t count) override;
  void checkpoint(process_id p) override;
  void restore(process_id p) override;
  void reset(process_id p) override;
  /// l (its two's complement) then c; valid until the next call.
  stamp_words stamp(process_id p) const override;

  hlc_stamp value(process_id p) const { return value_[p]; }
  hlc_stamp carried(message_slot slot) const { return slots_[slot]; }
  std::optional<sim_time> max_offset() const { return max_offset_; }

 private:
  hlc_variant variant_;
  std::optional<sim_time> max_offset_;
  std::vector<hlc_stamp> value_;
  std::vector<hlc_stamp> saved_;
  std::vector<hlc_stamp> slots_;
  mutable std::array<std::uint64_t, 2> words_{};  // the latest stamp()
};

}  // namespace hbsim
