#include "hbsim/core/distribution.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/det_math.hpp"

namespace hbsim {

namespace {

// Nearest integer, halves away from zero, saturated to the int64 range. The factories reject
// non-finite parameters, so x is never NaN here (an infinity saturates like any large value).
sim_time round_saturate(double x) {
  if (x >= 0x1p63) return time_max;
  if (x < -0x1p63) return time_min;  // −2^63 itself converts exactly below
  const auto whole = static_cast<sim_time>(x);          // truncation toward zero: exact
  const double fraction = x - static_cast<double>(whole);  // exact (Sterbenz, or whole == 0)
  if (fraction >= 0.5) return whole + 1;
  if (fraction <= -0.5) return whole - 1;
  return whole;
}

// One standard normal by Marsaglia's polar method. The second value of the pair is dropped, so a
// sample depends only on the numbers it draws, never on an earlier call.
double standard_normal(random_stream& rng) {
  double u = 0;
  double s = 0;
  do {
    u = 2 * rng.next_unit() - 1;
    const double v = 2 * rng.next_unit() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  return u * std::sqrt(-2 * det_log(s) / s);
}

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(what);
}

std::string number(double x) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);  // shortest round-trip form
  return std::string(buffer, result.ptr);
}

// Parameters that are durations are held as doubles (the header's representation): exact up to
// 2^53 ns (104 days), which covers any delay or error a scenario means.
std::string duration(double ns) { return format_duration(round_saturate(ns)); }

}  // namespace

distribution distribution::constant(sim_time value) { return {kind::constant, static_cast<double>(value), 0}; }

distribution distribution::uniform(sim_time min, sim_time max) {
  require(min <= max, "uniform distribution: min must not exceed max");
  return {kind::uniform, static_cast<double>(min), static_cast<double>(max)};
}

distribution distribution::normal(sim_time mean, sim_time stddev) {
  require(stddev >= 0, "normal distribution: stddev must not be negative");
  return {kind::normal, static_cast<double>(mean), static_cast<double>(stddev)};
}

distribution distribution::exponential(sim_time mean) {
  require(mean >= 0, "exponential distribution: mean must not be negative");
  return {kind::exponential, static_cast<double>(mean), 0};
}

distribution distribution::lognormal(sim_time median, double sigma) {
  require(median > 0, "lognormal distribution: median must be positive");
  require(std::isfinite(sigma) && sigma >= 0, "lognormal distribution: sigma must be finite and not negative");
  return {kind::lognormal, static_cast<double>(median), sigma};
}

distribution distribution::pareto(sim_time min, double alpha) {
  require(min > 0, "pareto distribution: min must be positive");
  require(std::isfinite(alpha) && alpha > 0, "pareto distribution: alpha must be finite and positive");
  return {kind::pareto, static_cast<double>(min), alpha};
}

sim_time distribution::sample(random_stream& rng) const {
  switch (kind_) {
    case kind::constant:
      return round_saturate(a_);
    case kind::uniform: {
      // Unsigned offsets from min: max − min + 1 wraps to 0 only for the full int64 range, where
      // every 64-bit value is a valid offset. Converting back to int64 is modular (C++20).
      const auto lo = static_cast<std::uint64_t>(round_saturate(a_));
      const std::uint64_t span = static_cast<std::uint64_t>(round_saturate(b_)) - lo;
      const std::uint64_t offset =
          span == std::numeric_limits<std::uint64_t>::max() ? rng.next_u64() : rng.below(span + 1);
      return static_cast<sim_time>(lo + offset);
    }
    case kind::normal:
      return round_saturate(a_ + b_ * standard_normal(rng));
    case kind::exponential:
      return round_saturate(-a_ * det_log(rng.next_open_unit()));
    case kind::lognormal:
      return round_saturate(a_ * det_exp(b_ * standard_normal(rng)));
    case kind::pareto:
      return round_saturate(a_ * det_exp(-det_log(rng.next_open_unit()) / b_));
  }
  throw std::logic_error("distribution: unknown kind");
}

sim_time distribution::sample_delay(random_stream& rng) const {
  const sim_time value = sample(rng);
  return value < 0 ? 0 : value;
}

double distribution::mean() const {
  switch (kind_) {
    case kind::constant:
    case kind::normal:
    case kind::exponential:
      return a_;
    case kind::uniform:
      return (a_ + b_) / 2;
    case kind::lognormal:
      return a_ * det_exp(b_ * b_ / 2);
    case kind::pareto:
      return b_ <= 1 ? std::numeric_limits<double>::infinity() : a_ * b_ / (b_ - 1);
  }
  throw std::logic_error("distribution: unknown kind");
}

std::string distribution::describe() const {
  switch (kind_) {
    case kind::constant:
      return "constant(" + duration(a_) + ")";
    case kind::uniform:
      return "uniform(min " + duration(a_) + ", max " + duration(b_) + ")";
    case kind::normal:
      return "normal(mean " + duration(a_) + ", stddev " + duration(b_) + ")";
    case kind::exponential:
      return "exponential(mean " + duration(a_) + ")";
    case kind::lognormal:
      return "lognormal(median " + duration(a_) + ", sigma " + number(b_) + ")";
    case kind::pareto:
      return "pareto(min " + duration(a_) + ", alpha " + number(b_) + ")";
  }
  throw std::logic_error("distribution: unknown kind");
}

}  // namespace hbsim
