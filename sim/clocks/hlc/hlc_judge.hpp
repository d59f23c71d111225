// The HLC invariants of one event, from the stamps at the ends of its edges and its physical reading:
// what holds is plain comparisons and the canonical rules (hybrid_logical_clock.hpp), inline in the
// invariant checker's hot path (judge/invariant_checker.cpp); here, the broken rules with their numbers,
// for its witnesses.
#pragma once

#include <string>
#include <string_view>

#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"

namespace hbsim::hlc_judge {

inline constexpr std::string_view invariants[] = {"hlc.clock_condition", "hlc.monotonic", "hlc.not_behind_physical",
                                                  "hlc.rule", "hlc.bounded_drift"};

/// hlc.rule: the receive rule at a receive that merged a message (`message`), the tick at any other event.
[[gnu::always_inline]] inline hlc_stamp canonical(hlc_stamp previous, const hlc_stamp* message, sim_time pt) {
  return message ? hlc_receive(previous, *message, pt) : hlc_tick(previous, pt);
}
std::string rule_broken(hlc_stamp recorded, hlc_stamp previous, const hlc_stamp* message, sim_time pt);
/// hlc.clock_condition on an edge a → b, and hlc.monotonic on process order: hlc(a) < hlc(b).
std::string edge_broken(hlc_stamp a, hlc_stamp b);
/// hlc.not_behind_physical: l ≥ pt.
std::string behind_physical(hlc_stamp h, sim_time pt);
/// hlc.bounded_drift: l never above every physical reading taken so far (`max_reading`).
std::string drifted(hlc_stamp h, sim_time max_reading);

}  // namespace hbsim::hlc_judge
