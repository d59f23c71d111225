// TrueTime commit wait (Spanner): after a commit takes s = TT.now().latest, its process waits until
// TT.now().earliest > s. A run keeps each commit's wait; this finds when it ends, from a function that reads
// earliest at a true time. The run's side (the commit event, its checks, its `-done` event) is in
// commit_wait.cpp too.
#pragma once

#include <functional>
#include <optional>

#include "hbsim/core/ids.hpp"
#include "hbsim/core/time.hpp"

namespace hbsim {

/// A TrueTime commit of the run: waiting (open) until its `-done` event, a crash or a stall closes it.
struct commit_wait {
  process_id process;
  label_id done_label;
  sim_time start;  // the commit event's true time
  sim_time s;      // its TT.now().latest
  bool open = true;
};

/// The first true time t > from at which earliest(t) > s, given earliest(from) ≤ s. Probes go forward by
/// s − earliest + 1 (the wait left if the clock ran at true time's rate and ε stayed put), the step doubled after
/// each probe that is still not past s, then bisect back to the first nanosecond past s: exact while earliest
/// only grows between the last two probes. nullopt: earliest never passes s before the end of time.
std::optional<sim_time> commit_wait_end(sim_time from, sim_time s, const std::function<sim_time(sim_time)>& earliest);

}  // namespace hbsim
