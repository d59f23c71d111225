// Lamport's clock as a clock kind module. Its stamp is one word, L; the trace field `lamport` is that
// number. Invariants lamport.clock_condition and lamport.rule, judged natively by the invariant checker
// (make_judge gives none). Its variants are lamport_variant's, in that order.
#pragma once

#include <memory>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

std::shared_ptr<const clock_kind> lamport_kind();

}  // namespace hbsim
