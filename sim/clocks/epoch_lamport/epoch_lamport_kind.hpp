// The epoch Lamport clock as a clock kind module: trace field `epoch_lamport` ([epoch, c]), options
// `bits` and `start` (recorded in the trace's header, which a reader needs to judge c against its
// bound), invariants epoch_lamport.clock_condition, .monotonic, .in_range and .rule, variants
// old-epoch-ignored, raw-wrap and bound-on-tick-only.
#pragma once

#include <memory>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

std::shared_ptr<const clock_kind> epoch_lamport_kind();

}  // namespace hbsim
