// The matrix clock as a clock kind module: trace field `matrix` ({row: {column: n}}, non-zero entries,
// all-zero rows left out), invariant `matrix.exact`, variant `row-not-merged`.
#pragma once

#include <memory>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

std::shared_ptr<const clock_kind> matrix_kind();

}  // namespace hbsim
