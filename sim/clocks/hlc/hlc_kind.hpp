// Hybrid logical clocks as a clock kind module. A stamp is two words, l (event_record's hlc.l, a signed
// duration, as its two's complement) then c; the trace field `hlc` is [l, c]. Option `max_offset` (a
// duration: the receive guard). Invariants hlc.clock_condition, hlc.monotonic, hlc.not_behind_physical,
// hlc.rule and hlc.bounded_drift, judged natively by the invariant checker (make_judge gives none). Its
// variants are hlc_variant's, in that order.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "hbsim/clocks/clock_kind.hpp"
#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"  // hlc_words, hlc_of

namespace hbsim {

std::shared_ptr<const clock_kind> hlc_kind();

}  // namespace hbsim
