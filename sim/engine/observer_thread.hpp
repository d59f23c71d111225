// Watching a run on a thread of its own. The simulation (or a trace replay) puts each record into a
// bounded ring and goes on; a worker thread hands the records, in order, to the observers it holds.
// Each record is copied into the ring, its stamps included. Observers receive exactly the calls, in exactly
// the order, they would receive on the caller's thread, so every result is the same: only the wall time changes. On a machine with a core to
// spare, judging a run (ground-truth vectors, invariants, expectations, the clock comparison)
// overlaps the run instead of adding to it.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "hbsim/kernel/observer.hpp"

namespace hbsim {

class observer_thread final : public event_observer {
 public:
  /// The ring holds about ring_bytes of records (at least 16 records): records carry their stamps, so the
  /// ring stays small enough for the cache whatever the number of processes.
  static constexpr std::size_t default_ring_bytes = std::size_t{1} << 20;

  /// `observers` see on_start and every record in this order, on the worker thread; on_finish is called
  /// on the caller's thread after the last record has been handled. An exception thrown by an observer's
  /// on_start is rethrown on the caller's thread when the first record comes (none is handed over), one
  /// thrown on a record by on_finish.
  explicit observer_thread(std::vector<event_observer*> observers, std::size_t ring_bytes = default_ring_bytes);
  ~observer_thread() override;  // stops the worker if the run ended without on_finish (an exception)
  observer_thread(const observer_thread&) = delete;
  observer_thread& operator=(const observer_thread&) = delete;

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  void on_route(const route_record& r) override;
  void on_drop(const drop_record& d) override;
  void on_fault(const fault_record& f) override;
  void on_finish(const run_end& end) override;

  /// Whether watching on a thread of its own helps: this process may run on more than one CPU, and
  /// judging an event costs far more than handing it over: its stamps grow with the processes
  /// (vectors), or the processes are so many (more than many_processes) that the judges' tables miss
  /// the cache on every event. Otherwise, measured on PHOLD with Lamport + HLC (64 to 16,384
  /// processes), the hand-over cost as much as the second thread saved, or more.
  static bool worthwhile(bool vector_sized, std::size_t processes);
  static constexpr std::size_t many_processes = 65'536;
  /// Whether this process may run on more than one CPU (taskset, a container's cpuset).
  static bool second_cpu();

 private:
  struct ring;
  void started();
  std::vector<event_observer*> observers_;
  bool started_ = false;  // the first record has seen the observers started
  std::size_t ring_bytes_;
  std::unique_ptr<ring> ring_;
};

}  // namespace hbsim
