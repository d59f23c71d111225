// TrueTime as a clock kind module: trace field `truetime` ([earliest, latest] in ns), option
// `epsilon`, invariant `truetime.contains_true_time`; no wrong variant.
#pragma once

#include <memory>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

std::shared_ptr<const clock_kind> truetime_kind();

}  // namespace hbsim
