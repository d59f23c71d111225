#include "kernel/commit_wait.hpp"

#include <algorithm>

namespace hbsim {

std::optional<sim_time> commit_wait_end(sim_time from, sim_time s, const std::function<sim_time(sim_time)>& earliest) {
  sim_time lo = from, at_lo = earliest(from), step = 0;
  while (lo < time_max) {
    // At least the wait left at true time's rate; doubled after each miss, so that a clock reading in coarse
    // ticks, or a slow one, is passed in a few probes rather than one nanosecond at a time.
    step = std::max(add_sat(sub_sat(s, at_lo), 1), add_sat(step, step));
    sim_time hi = add_sat(lo, step);
    const sim_time at_hi = earliest(hi);
    if (at_hi <= s) {
      lo = hi;
      at_lo = at_hi;
      continue;
    }
    while (hi - lo > 1) {  // earliest(lo) ≤ s < earliest(hi)
      const sim_time mid = lo + (hi - lo) / 2;
      (earliest(mid) > s ? hi : lo) = mid;
    }
    return hi;
  }
  return std::nullopt;
}

}  // namespace hbsim
