// TrueTime commit wait (Spanner): after a commit takes s = TT.now().latest, its process waits until
// TT.now().earliest > s. This finds when, from a function that reads earliest at a true time.
#pragma once

#include <functional>
#include <optional>

#include "hbsim/core/time.hpp"

namespace hbsim {

/// The true time at which to check the wait for a commit of timestamp s again, given earliest(from) ≤ s:
/// the first t > from with earliest(t) > s when the search finds it, else a later t where the search
/// stopped (check again there). Probes go forward by s − earliest + 1, the wait left if the clock ran
/// at true time's rate and ε stayed put, then bisect back to the first time past s (exact while
/// earliest only grows between the two probes). nullopt: earliest stopped growing, the wait never ends.
std::optional<sim_time> commit_wait_end(sim_time from, sim_time s, const std::function<sim_time(sim_time)>& earliest);

}  // namespace hbsim
