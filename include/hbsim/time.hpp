// Simulated time: an int64 count of nanoseconds, and the duration strings of scenario files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hbsim {

/// True simulated time and physical clock readings, in nanoseconds.
using sim_time = std::int64_t;

inline constexpr sim_time ns_per_us = 1'000;
inline constexpr sim_time ns_per_ms = 1'000'000;
inline constexpr sim_time ns_per_s = 1'000'000'000;

/// Parses "5ms", "1.5ms", "-20ms", "2s", "250us", "7ns". Returns nullopt and sets `why` on failure
/// (bad form, fraction finer than a nanosecond, or a value past the int64 range).
std::optional<sim_time> parse_duration(std::string_view text, std::string* why = nullptr);

/// The shortest exact duration string for `t` ("1.5ms", "-20ms", "7ns"); parse_duration reads it back.
std::string format_duration(sim_time t);

}  // namespace hbsim
