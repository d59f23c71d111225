#include "engine/commit_wait.hpp"

#include <algorithm>
#include <stdexcept>

#include "engine/simulation_state.hpp"

namespace hbsim {

std::optional<sim_time> commit_wait_end(sim_time from, sim_time s, const std::function<sim_time(sim_time)>& earliest) {
  sim_time lo = from, at_lo = earliest(from), step = 0;
  while (lo < time_max) {
    // At least the wait left at true time's rate; doubled after each miss, so that a clock reading in coarse
    // ticks, or a slow one, is passed in a few probes rather than one nanosecond at a time.
    step = std::max(add_sat(sub_sat(s, at_lo), 1), add_sat(step, step));
    sim_time hi = add_sat(lo, step);
    const sim_time at_hi = earliest(hi);
    if (at_hi <= s) {
      lo = hi;
      at_lo = at_hi;
      continue;
    }
    while (hi - lo > 1) {  // earliest(lo) ≤ s < earliest(hi)
      const sim_time mid = lo + (hi - lo) / 2;
      (earliest(mid) > s ? hi : lo) = mid;
    }
    return hi;
  }
  return std::nullopt;
}

// The commit event takes s = TT.now().latest = pt + ε, as its interval says; its wait starts.
event_id simulation::state::commit(process_id p, std::string_view label) {
  const truetime_options* tt = clocks.truetime();
  if (!tt) throw std::logic_error("hbsim: a commit in a run without the truetime clock");
  if (!can_act(p)) return 0;
  const sim_time pt = reading(p);
  clocks.tick(p, event_kind::local, pt);
  const commit_note note{add_sat(pt, tt->epsilon(now, procs[p].clock.last_sync()))};
  const event_id id = emit(p, event_kind::local, intern(label), pt, nullptr, {}, &note);
  ++stats.commits;
  commits.push_back({p, intern(std::string(label).append("-done")), now, note.s});
  wait(static_cast<std::uint32_t>(commits.size() - 1));
  return id;
}

// TT.now().earliest at true time t ≥ now, as p would read it if no fault touched its clock before t:
// read on a copy of the clock, whose syncs are drawn from their own streams, as the real clock's will be.
sim_time simulation::state::earliest_at(process_id p, sim_time t) {
  physical_clock c = procs[p].clock;
  const sim_time pt = c.read(t);
  return sub_sat(pt, clocks.truetime()->epsilon(t, c.last_sync()));
}

// Schedules the commit's next check, or closes it if its earliest will never pass s.
void simulation::state::wait(std::uint32_t k) {
  commit_wait& w = commits[k];
  const auto at = commit_wait_end(now, w.s, [this, p = w.process](sim_time t) { return earliest_at(p, t); });
  if (at) {
    queue.push(*at, commit_check, k);
    return;
  }
  w.open = false;
  ++stats.commits_stalled;
}

// At the check's time the real clock decides: a step since the search may have moved it back (search
// again) or forward (a step checks its commits at once, so `-done` comes at the first time it may).
// A paused process checks when it resumes, like its timers. Stale checks of a closed commit do nothing.
void simulation::state::on_commit_check(const queue_entry& e) {
  commit_wait& w = commits[e.payload];
  if (!w.open) return;
  process_state& ps = procs[w.process];
  if (ps.pauses > 0) {
    ps.deferred.push_back(e);
    return;
  }
  if (earliest_at(w.process, now) <= w.s) {
    wait(e.payload);
    return;
  }
  w.open = false;
  stats.commit_waits.push_back(now - w.start);
  const commit_note note{w.s, now - w.start};
  local(w.process, w.done_label, &note);
}

}  // namespace hbsim
