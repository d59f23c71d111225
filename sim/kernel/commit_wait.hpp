// TrueTime commit wait (Spanner): after a commit takes s = TT.now().latest, its process waits until
// TT.now().earliest > s. This finds when, from a function that reads earliest at a true time.
#pragma once

#include <functional>
#include <optional>

#include "hbsim/core/time.hpp"

namespace hbsim {

/// The first true time t > from at which earliest(t) > s, given earliest(from) ≤ s. Probes go forward by
/// s − earliest + 1 (the wait left if the clock ran at true time's rate and ε stayed put), the step doubled after
/// each probe that is still not past s, then bisect back to the first nanosecond past s: exact while earliest
/// only grows between the last two probes. nullopt: earliest never passes s before the end of time.
std::optional<sim_time> commit_wait_end(sim_time from, sim_time s, const std::function<sim_time(sim_time)>& earliest);

}  // namespace hbsim
