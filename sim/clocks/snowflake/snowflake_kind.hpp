// Snowflake ids as a clock kind module: trace field `snowflake` (the id, or null when refused),
// options epoch_ms, start_unix_ms and on_backward, invariants `snowflake.monotonic` and
// `snowflake.unique`, variants `no-backward-check` and `seq-wrap`.
#pragma once

#include <memory>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

std::shared_ptr<const clock_kind> snowflake_kind();

}  // namespace hbsim
