// A process's physical clock: offset, drift, resolution, periodic NTP-style sync, steps and pauses.
#pragma once

#include <cstdint>
#include <optional>

#include "hbsim/core/distribution.hpp"
#include "hbsim/core/random.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/kernel/ntp_config.hpp"

namespace hbsim {

struct clock_sync {
  sim_time every = 0;          // > 0; syncs happen at every positive multiple of it (true time)
  distribution error;          // the offset from true time right after a sync
};

struct physical_clock_config {
  sim_time offset = 0;
  double drift_ppm = 0;
  sim_time resolution = ns_per_us;  // > 0
  std::optional<clock_sync> sync;
  std::optional<ntp_sync> ntp;  // periodic NTP exchanges instead of `sync` (the kernel runs them)
};

/// Reading at true time t: offset + t + drift_ppm·1e-6·(t − t_last_sync) + steps, truncated down to a
/// multiple of the resolution. Readings must be taken at non-decreasing true times (the kernel does).
class physical_clock {
 public:
  /// Sync errors come from `source`'s indexed stream for (process, clock, epoch k), so skipped epochs cost nothing.
  physical_clock(const physical_clock_config& config, const random_source& source, std::uint32_t process);

  sim_time read(sim_time t);
  /// Offset of the (untruncated) clock from true time at t: what a reading would be minus t.
  sim_time offset_at(sim_time t);
  /// The clock jumps by `by` (either way) at true time t.
  void step(sim_time t, sim_time by);
  /// From true time t the clock runs 500 ppm faster (by > 0) or slower until it has gained `by`, one
  /// nanosecond per ntp_slew_period: |by|·ntp_slew_period later. A new slew replaces the remainder of
  /// the one in progress (what it absorbed stays), as adjtime does; a sync cancels it.
  void slew(sim_time t, sim_time by);
  /// True time at which the slew in progress will be absorbed (nullopt: none).
  std::optional<sim_time> slew_end() const;
  /// A frozen clock stops counting from t until thaw; on thaw it resumes from where it stopped, so it
  /// stays behind true time by the length of the freeze (until a sync or a step corrects it).
  void freeze(sim_time t);
  void thaw(sim_time t);
  bool frozen() const { return frozen_; }
  /// True time of the last sync applied by a reading (0 before any): where drift counts from.
  sim_time last_sync() const { return anchor_; }
  /// Drift in parts per 10^12, the integer the arithmetic uses.
  std::int64_t drift_ppt() const { return drift_ppt_; }

 private:
  void advance(sim_time t);
  sim_time raw(sim_time t) const;
  sim_time slewed(sim_time t) const;

  // Only what readings need of the configuration: a million processes each keep one.
  sim_time resolution_;
  std::optional<clock_sync> sync_;
  random_source source_;
  std::uint32_t process_;
  std::int64_t drift_ppt_;
  sim_time base_;            // offset + steps since the last sync
  sim_time anchor_ = 0;      // true time of the last sync (drift counts from here)
  std::int64_t epoch_ = 0;   // number of the last sync applied
  bool frozen_ = false;
  sim_time frozen_raw_ = 0;
  sim_time last_t_ = 0;
  sim_time slew_by_ = 0;     // the slew in progress (0: none)
  sim_time slew_from_ = 0;
};

}  // namespace hbsim
