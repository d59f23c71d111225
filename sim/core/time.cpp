#include "hbsim/core/time.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace hbsim {

namespace {

struct unit {
  std::string_view suffix;
  sim_time scale;  // ns per unit
  int digits;      // decimal digits of the scale: the finest fraction that is a whole ns
};

// Largest first: format_duration picks the first unit that fits.
constexpr std::array<unit, 4> units{{{"s", ns_per_s, 9}, {"ms", ns_per_ms, 6}, {"us", ns_per_us, 3}, {"ns", 1, 0}}};

void fail(std::string* why, std::string_view message) {
  if (why) *why = message;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// value = value * 10 + d, refusing to pass `limit`.
bool accumulate(std::uint64_t& value, int d, std::uint64_t limit) {
  if (value > (limit - static_cast<std::uint64_t>(d)) / 10) return false;
  value = value * 10 + static_cast<std::uint64_t>(d);
  return true;
}

}  // namespace

std::optional<sim_time> parse_duration(std::string_view text, std::string* why) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);

  // The unit is whatever follows the last digit or '.', and must be one of the units exactly.
  std::size_t letters = 0;
  while (letters < text.size() && !is_digit(text[text.size() - 1 - letters]) && text[text.size() - 1 - letters] != '.')
    ++letters;
  const std::string_view suffix = text.substr(text.size() - letters);
  const unit* u = nullptr;
  for (const unit& candidate : units)
    if (candidate.suffix == suffix) u = &candidate;
  if (u == nullptr) {
    const std::size_t space = text.find(' ');
    fail(why, space != std::string_view::npos ? "no spaces: write the number and its unit together, as in \"5ms\""
              : letters == 0                  ? "no unit: write ns, us, ms or s after the number"
                                              : "unknown unit: the units are ns, us, ms and s");
    return std::nullopt;
  }
  const std::string_view number = text.substr(0, text.size() - letters);
  const std::size_t dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    for (char c : s)
      if (!is_digit(c)) return false;
    return true;
  };
  if (whole.empty() || !all_digits(whole) ||
      (dot != std::string_view::npos && (fraction.empty() || !all_digits(fraction)))) {
    fail(why, "malformed number: digits, optionally '.' and more digits, then the unit");
    return std::nullopt;
  }

  // Magnitude in ns, bounded by int64: 2^63 itself is allowed only for a negative value.
  const std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<sim_time>::max()) + (negative ? 1u : 0u);
  std::uint64_t ns = 0;
  bool fits = true;
  for (char c : whole) fits = fits && accumulate(ns, c - '0', limit);
  for (std::size_t i = 0; i < static_cast<std::size_t>(u->digits); ++i)
    fits = fits && accumulate(ns, i < fraction.size() ? fraction[i] - '0' : 0, limit);
  if (!fits) {
    fail(why, "out of range: a duration must fit in int64 nanoseconds, about 292 years either way");
    return std::nullopt;
  }
  for (std::size_t i = static_cast<std::size_t>(u->digits); i < fraction.size(); ++i) {
    if (fraction[i] != '0') {
      fail(why, "finer than a nanosecond: a duration must be a whole number of nanoseconds");
      return std::nullopt;
    }
  }
  if (negative) return ns == 0 ? 0 : -static_cast<sim_time>(ns - 1) - 1;
  return static_cast<sim_time>(ns);
}

std::string format_duration(sim_time t) {
  if (t == 0) return "0ns";
  // Magnitude as unsigned so that the int64 minimum has one too.
  const std::uint64_t magnitude =
      t < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(t) : static_cast<std::uint64_t>(t);
  const unit* u = &units.back();
  for (const unit& candidate : units) {
    if (magnitude >= static_cast<std::uint64_t>(candidate.scale)) {
      u = &candidate;
      break;
    }
  }
  const auto scale = static_cast<std::uint64_t>(u->scale);
  std::string out = t < 0 ? "-" : "";
  out += std::to_string(magnitude / scale);
  std::uint64_t rest = magnitude % scale;
  if (rest != 0) {
    std::string fraction = std::to_string(rest);
    fraction.insert(0, static_cast<std::size_t>(u->digits) - fraction.size(), '0');
    fraction.erase(fraction.find_last_not_of('0') + 1);
    out += '.';
    out += fraction;
  }
  out += u->suffix;
  return out;
}

}  // namespace hbsim
