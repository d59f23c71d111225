// The interval tree clock as a clock kind module: trace field `itc` ({"id": ID, "event": EV}, ID = 0,
// 1 or [ID, ID], EV = n or [n, EV, EV], in normal form), invariant `itc.strong_clock_condition`,
// variant `no-join`.
#pragma once

#include <memory>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

std::shared_ptr<const clock_kind> itc_kind();

}  // namespace hbsim
