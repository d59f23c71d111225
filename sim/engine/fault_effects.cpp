// Faults taking effect in a run (scenarios/FORMAT.md §5): each is scheduled at its time, and at its end for those
// that end (a crash's restart, a pause's resume). Partitions and cuts act in the network, through its link blocks,
// and are only reported here; a crash and a restart are events of their process; the others change the process's
// physical clock or hold its work back.
#include <optional>

#include "engine/simulation_state.hpp"

namespace hbsim {

template <class Fault>
void simulation::state::fault_mark(const Fault& what, std::size_t index, sim_time end) {
  const fault_record r{now, end, index, what};
  notify([&](event_observer& o) { o.on_fault(r); });
}

void simulation::state::start_fault(std::size_t index) {
  const fault& f = sc.faults[index];
  if (const auto* p = std::get_if<partition_fault>(&f.what)) {
    fault_mark(*p, index, p->heal.value_or(-1));
  } else if (const auto* c = std::get_if<cut_fault>(&f.what)) {
    fault_mark(*c, index, c->heal.value_or(-1));
  } else if (const auto* crash = std::get_if<crash_fault>(&f.what)) {
    process_state& ps = procs[crash->process];
    if (!ps.up) return;
    const sim_time pt = reading(crash->process);
    clocks.tick(crash->process, event_kind::crash, pt);
    emit(crash->process, event_kind::crash, intern("crash"), pt, nullptr, {}, nullptr, crash);
    ps.up = false;
    // A crash ends the wait: the commit never completes (its `-done` event never happens).
    each_open_commit(crash->process, [this](std::uint32_t k) {
      commits[k].open = false;
      ++stats.commits_crashed;
    });
  } else if (const auto* step = std::get_if<clock_step_fault>(&f.what)) {
    procs[step->process].clock.step(now, step->by);
    each_open_commit(step->process, [this](std::uint32_t k) { queue.push(now, commit_check, k); });
    fault_mark(*step, index, -1);
  } else if (const auto* pause = std::get_if<pause_fault>(&f.what)) {
    process_state& ps = procs[pause->process];
    ++ps.pauses;
    if (!pause->clock_running && !ps.clock.frozen()) {
      ps.clock.freeze(now);
      ps.frozen_by_pause = true;
    }
    fault_mark(*pause, index, add_sat(now, pause->duration));
  }
}

void simulation::state::end_fault(std::size_t index) {
  const fault& f = sc.faults[index];
  if (const auto* crash = std::get_if<crash_fault>(&f.what)) {
    process_state& ps = procs[crash->process];
    if (ps.up) return;
    if (crash->persist == persist_mode::none) clocks.reset(crash->process);
    if (crash->persist == persist_mode::checkpoint) clocks.restore(crash->process);
    ps.up = true;
    const sim_time pt = reading(crash->process);
    clocks.tick(crash->process, event_kind::restart, pt);
    emit(crash->process, event_kind::restart, intern("restart"), pt, nullptr, {}, nullptr, crash);
  } else if (const auto* pause = std::get_if<pause_fault>(&f.what)) {
    process_state& ps = procs[pause->process];
    if (--ps.pauses > 0) return;
    if (ps.frozen_by_pause) {
      ps.clock.thaw(now);
      ps.frozen_by_pause = false;
    }
    // What waited runs now, in the order it would have run.
    for (const queue_entry& e : ps.deferred) queue.push(now, e.type, e.payload);
    ps.deferred.clear();
  }
}

void simulation::state::schedule_faults() {
  for (std::size_t i = 0; i < sc.faults.size(); ++i) {
    const fault& f = sc.faults[i];
    queue.push(f.at, fault_start, static_cast<std::uint32_t>(i));
    std::optional<sim_time> end;
    if (const auto* c = std::get_if<crash_fault>(&f.what)) end = c->restart;
    if (const auto* p = std::get_if<pause_fault>(&f.what)) end = add_sat(f.at, p->duration);
    if (end) queue.push(*end, fault_end, static_cast<std::uint32_t>(i));
  }
}

}  // namespace hbsim
