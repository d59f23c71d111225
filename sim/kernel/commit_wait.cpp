#include "kernel/commit_wait.hpp"

namespace hbsim {

namespace {
// Probes per search: beyond them a wait that made progress is checked again later, one that did not is stalled
// (ε growing as fast as the clock, with no sync to bring it down).
constexpr int probes = 1000;
}  // namespace

std::optional<sim_time> commit_wait_end(sim_time from, sim_time s, const std::function<sim_time(sim_time)>& earliest) {
  sim_time lo = from;
  const sim_time first = earliest(from);
  sim_time at_lo = first;
  for (int k = 0; k < probes; ++k) {
    if (lo == time_max) return std::nullopt;
    sim_time hi = add_sat(lo, sub_sat(s, at_lo) + 1);
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
  if (at_lo <= first) return std::nullopt;
  return lo;
}

}  // namespace hbsim
