// Watching a run: the trace writer, the summary, expectation and invariant checkers and exporters
// all see the run through this interface, in execution order, while it proceeds.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "hbsim/kernel/event.hpp"
#include "hbsim/net/faults.hpp"  // fault_record

namespace hbsim {

struct scenario;

/// What is known before the first event. What it points to stays valid until on_finish has returned.
struct run_header {
  const scenario* source;   // the scenario being run
  std::uint64_t seed;       // the seed in effect (scenario's, or --seed)
  std::span<const std::string> process_names;
  // Whether the source records vector clocks only (a ShiViz/GoVector log): its events carry no
  // true time, physical clock reading, Lamport or HLC value (those fields are 0).
  bool vectors_only = false;
  // Whether its events carry vector clocks (process_names.size() entries each); without them a run
  // may have a million processes.
  bool vectors = true;
  // Sends pending at the start (PHOLD's population), for observers to size their tables of sends in
  // flight once instead of growing them; a hint, 0 when nothing is known.
  std::uint64_t pending_at_start = 0;
  // Bytes the observers' records of sends in flight may take, beyond what the processes' own take; 0 for
  // no bound. A trace's replay sets it from the memory available, since a trace does not say how many
  // sends are in flight at once (a run's max_pending bounds them already); an observer past it throws
  // input_error with no file, which the replay completes with the trace's file and line.
  std::uint64_t in_flight_memory_most = 0;
  // Whether the ground truth keeps sparse rows (logical.vector.representation; by default beyond 4,096
  // processes), as the vector clock does.
  bool sparse_rows = false;
};

/// How the run ended.
struct run_end {
  sim_time time = 0;              // true time of the last thing that happened
  bool hit_max_events = false;
  bool hit_until = false;
  bool hit_max_pending = false;
};

class event_observer {
 public:
  virtual ~event_observer() = default;
  virtual void on_start(const run_header&) {}
  virtual void on_event(const event_record&) {}
  /// A hint, where the next event is known before it comes (the judges' thread reads it from its
  /// queue): `next` will be seen after the coming on_event. With many processes an observer's entries
  /// for it are seldom in the cache, and it may ask for them now; nothing it reports may change.
  virtual void ahead(const event_record& /*next*/) const {}
  virtual void on_route(const route_record&) {}
  virtual void on_drop(const drop_record&) {}
  /// Only from a live run, to observers it calls itself (not the judges' thread): narration.
  virtual void on_hold(const hold_record&) {}
  virtual void on_fault(const fault_record&) {}
  virtual void on_finish(const run_end&) {}
};

}  // namespace hbsim
