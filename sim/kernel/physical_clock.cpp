#include "hbsim/kernel/physical_clock.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hbsim {

namespace {

__extension__ typedef __int128 wide;  // GCC/Clang builtin; __extension__ keeps -Wpedantic quiet

constexpr wide ppt_per_unit = 1'000'000'000'000;  // drift is in parts per 10^12

sim_time saturate(wide v) { return static_cast<sim_time>(v > time_max ? time_max : v < time_min ? time_min : v); }

// Floor division for a positive divisor (C++ division truncates toward zero).
wide floor_div(wide n, wide d) {
  const wide q = n / d;
  return (n % d != 0 && n < 0) ? q - 1 : q;
}

wide magnitude(sim_time v) { return v < 0 ? -static_cast<wide>(v) : static_cast<wide>(v); }

std::int64_t to_ppt(double drift_ppm) {
  // |drift| ≤ 10^6 ppm: at −10^6 the clock stands still, below it would run backwards, and the bound
  // keeps drift·elapsed far inside __int128.
  if (!std::isfinite(drift_ppm) || std::fabs(drift_ppm) > 1e6)
    throw std::invalid_argument("physical clock: drift_ppm must be finite and within ±1000000");
  return std::llround(drift_ppm * 1e6);
}

}  // namespace

physical_clock::physical_clock(const physical_clock_config& config, const random_source& source, std::uint32_t process)
    : resolution_(config.resolution), sync_(config.sync), source_(source), process_(process), drift_ppt_(to_ppt(config.drift_ppm)), base_(config.offset) {
  if (resolution_ <= 0) throw std::invalid_argument("physical clock: resolution must be positive");
  if (sync_ && sync_->every <= 0) throw std::invalid_argument("physical clock: sync.every must be positive");
}

// Applies the last sync at or before t, if newer than the one applied. Only the newest epoch matters
// (each sync overrides everything before it), and its error comes from that epoch's own stream, so
// skipped epochs draw nothing and a long quiet interval costs O(1).
void physical_clock::advance(sim_time t) {
  if (t < last_t_) throw std::invalid_argument("physical clock: true time went backwards");
  last_t_ = t;
  if (slew_by_ != 0 && static_cast<wide>(t) - slew_from_ >= magnitude(slew_by_) * ntp_slew_period) {
    base_ = saturate(static_cast<wide>(base_) + slew_by_);  // absorbed: a plain offset from now on
    slew_by_ = 0;
  }
  if (!sync_) return;
  const sim_time every = sync_->every;
  const std::int64_t k = t / every;
  if (k <= epoch_) return;
  random_stream rng = source_.indexed_stream(process_, stream_purpose::clock, static_cast<std::uint64_t>(k));
  base_ = sync_->error.sample(rng);  // the steps so far are absorbed: the sync sets the offset
  slew_by_ = 0;
  anchor_ = k * every;
  epoch_ = k;
}

// offset + steps + t + drift·(t − anchor). The drift term is floor(drift_ppt·(t − anchor) / 10^12) in
// __int128: this is how drift is rounded, always down, so a negative drift loses its partial
// nanosecond too, and the result does not depend on how t is split into readings.
sim_time physical_clock::raw(sim_time t) const {
  if (frozen_) return frozen_raw_;
  const wide drift = floor_div(static_cast<wide>(drift_ppt_) * (static_cast<wide>(t) - anchor_), ppt_per_unit);
  return saturate(static_cast<wide>(base_) + t + drift + slewed(t));
}

// What the slew in progress has added by t: one nanosecond per ntp_slew_period since it started.
sim_time physical_clock::slewed(sim_time t) const {
  if (slew_by_ == 0) return 0;
  const sim_time done = (t - slew_from_) / ntp_slew_period;
  return slew_by_ > 0 ? std::min(slew_by_, done) : std::max(slew_by_, -done);
}

sim_time physical_clock::read(sim_time t) {
  advance(t);
  // The common case (no drift, running, no overflow) in 64-bit arithmetic: the 128-bit divisions of
  // the general path are a measurable share of a run.
  sim_time r;
  if (drift_ppt_ == 0 && !frozen_ && slew_by_ == 0 && !__builtin_add_overflow(base_, t, &r) &&
      r > time_min + resolution_) {
    sim_time rem = r % resolution_;
    if (rem < 0) rem += resolution_;  // floor, not truncation toward zero
    return r - rem;
  }
  const wide resolution = resolution_;
  return saturate(floor_div(raw(t), resolution) * resolution);
}

sim_time physical_clock::offset_at(sim_time t) {
  advance(t);
  return saturate(static_cast<wide>(raw(t)) - t);
}

void physical_clock::step(sim_time t, sim_time by) {
  advance(t);
  sim_time& target = frozen_ ? frozen_raw_ : base_;  // a frozen clock resumes from the stepped value
  target = saturate(static_cast<wide>(target) + by);
}

void physical_clock::slew(sim_time t, sim_time by) {
  advance(t);
  base_ = saturate(static_cast<wide>(base_) + slewed(t));
  slew_by_ = by;
  slew_from_ = t;
}

std::optional<sim_time> physical_clock::slew_end() const {
  if (slew_by_ == 0) return std::nullopt;
  return saturate(static_cast<wide>(slew_from_) + magnitude(slew_by_) * ntp_slew_period);
}

void physical_clock::freeze(sim_time t) {
  advance(t);
  if (frozen_) return;
  frozen_raw_ = raw(t);
  frozen_ = true;
}

// The clock resumes from the value it froze at: thawing is a step back by what the running clock
// counted meanwhile, so the anchor stays the last sync and the drift formula keeps holding. A sync
// epoch that fell inside the freeze is missed (a paused machine's sync daemon does not run either);
// the next one corrects the clock.
void physical_clock::thaw(sim_time t) {
  advance(t);
  if (!frozen_) return;
  frozen_ = false;
  base_ = saturate(static_cast<wide>(base_) + frozen_raw_ - raw(t));
}

}  // namespace hbsim
