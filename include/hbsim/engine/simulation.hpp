// The simulation engine: a value holding one run's processes, clocks, network and event queue.
// Events are ordered by (true time, insertion counter). Two simulations never share state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/kernel/behaviour.hpp"
#include "hbsim/kernel/delivery_policy.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

/// Counts of one run, for summaries.
struct run_stats {
  std::uint64_t events = 0;
  std::uint64_t by_kind[event_kind_count] = {};
  std::uint64_t messages_sent = 0;       // messages, one per destination of a send
  std::uint64_t duplicates = 0;          // extra copies the network made
  std::uint64_t delivered = 0;           // receive events
  std::uint64_t rejected = 0;            // reject events
  std::uint64_t held = 0;                // messages a partition held until its heal
  std::uint64_t dropped[drop_reason_count] = {};
  std::uint64_t skipped_actions = 0;     // actions of a crashed process
  std::vector<sim_time> held_back;       // per receive a delivery group ordered: from its arrival to it
  std::uint64_t commits = 0;             // TrueTime commits started
  std::vector<sim_time> commit_waits;    // per commit done: true time from the commit to its `-done` event
  std::uint64_t commits_crashed = 0;     // commits whose process crashed while they waited
  std::uint64_t commits_stalled = 0;     // commits whose earliest never passes s: they would wait forever
  sim_time end_time = 0;
  bool hit_max_events = false;
  bool hit_until = false;
  bool hit_max_pending = false;          // more than max_pending messages and timers at once
};

class simulation {
 public:
  /// Builds the run: processes, clocks, network, and the built-in behaviours the scenario describes.
  /// The scenario must outlive the simulation.
  explicit simulation(const scenario& s, std::optional<std::uint64_t> seed = std::nullopt);
  ~simulation();
  simulation(const simulation&) = delete;
  simulation& operator=(const simulation&) = delete;

  /// Attaches a behaviour to some processes (all when `processes` is empty).
  void attach(std::shared_ptr<behaviour> b, std::span<const process_id> processes = {});
  /// Adds `p` as the top delivery layer of these processes: it decides when the copies that the layers
  /// below deliver (FIFO links where the network's links are `fifo`, then those added before) are
  /// received. At most max_delivery_layers per process.
  void deliver_through(std::shared_ptr<delivery_policy> p, std::span<const process_id> processes);
  /// Observers see the run in execution order; they must outlive run().
  void observe(event_observer& o);

  /// Runs to the end (no event left, `until`, `max_events` or `max_pending`). Once.
  const run_stats& run();

  const scenario& source() const;
  std::uint64_t seed() const;
  const clock_set& clocks() const;
  const run_stats& stats() const;
  std::span<const std::string> process_names() const;
  /// What the delivery groups' layers say of the run at its end (a group that stalled), in process order.
  std::vector<std::string> delivery_remarks() const;

 private:
  friend class process_context;
  friend class delivery_context;
  struct state;
  std::unique_ptr<state> s_;
};

}  // namespace hbsim
