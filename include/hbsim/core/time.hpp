// Simulated time: an int64 count of nanoseconds, and the duration strings of scenario files.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace hbsim {

/// True simulated time and physical clock readings, in nanoseconds.
using sim_time = std::int64_t;

inline constexpr sim_time ns_per_us = 1'000;
inline constexpr sim_time ns_per_ms = 1'000'000;
inline constexpr sim_time ns_per_s = 1'000'000'000;

/// The ends of time. Computed times (sums, differences) saturate here instead of overflowing:
/// offsets, steps, delays and trace values may lie anywhere in the int64 range.
inline constexpr sim_time time_max = std::numeric_limits<sim_time>::max();
inline constexpr sim_time time_min = std::numeric_limits<sim_time>::min();

/// a + b, clamped to [time_min, time_max].
constexpr sim_time add_sat(sim_time a, sim_time b) {
  sim_time r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? time_max : time_min;
  return r;
}

/// a − b, clamped to [time_min, time_max].
constexpr sim_time sub_sat(sim_time a, sim_time b) {
  sim_time r = 0;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? time_max : time_min;
  return r;
}

/// Parses "5ms", "1.5ms", "-20ms", "2s", "250us", "7ns". Returns nullopt and sets `why` on failure
/// (bad form, fraction finer than a nanosecond, or a value past the int64 range).
std::optional<sim_time> parse_duration(std::string_view text, std::string* why = nullptr);

/// The shortest exact duration string for `t` ("1.5ms", "-20ms", "7ns"); parse_duration reads it back.
std::string format_duration(sim_time t);

}  // namespace hbsim
