// When each entry of each process's vector last changed (at which of that process's events, at what
// true time), and which of its events last sent on each link: the bookkeeping of differential encoding
// (Singhal–Kshemkalyani: a message carries the entries changed since the sender's last message on the
// link) and of pruning (the entries that changed longest ago go first). The vector clock keeps one
// while it runs; the clock report and the narration keep their own from the recorded vectors. Both
// give the same carried entries: an entry differs from the previous recorded value exactly when it
// changed, unless pruning left it 0, and an entry at 0 is never carried.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hbsim/clocks/vector/vector_options.hpp"
#include "hbsim/core/ids.hpp"
#include "hbsim/core/time.hpp"

namespace hbsim {

class vector_changes {
 public:
  explicit vector_changes(std::size_t processes);

  /// p's next event (they count from 1) at true time t left p's vector at `row` (the clock's uint32 row,
  /// or a recorded vector_stamp): each entry whose value differs from p's previous event's changed now.
  void event(process_id p, std::span<const std::uint32_t> row, sim_time t) { record(p, row, t); }
  void event(process_id p, std::span<const std::uint64_t> row, sim_time t) { record(p, row, t); }
  /// After event(): drops entries of p's `row` as `o` says (see vector_options), the own entry never,
  /// and appends the dropped ones to `dropped` in process order.
  void prune(process_id p, std::span<std::uint32_t> row, sim_time t, const vector_options& o,
             std::vector<process_id>& dropped);

  /// The number of p's event that last sent on p → to (0: none yet), and p's latest event now does.
  std::uint32_t link(process_id p, process_id to) const { return link_[p * n_ + to]; }
  void sent(process_id p, process_id to) { link_[p * n_ + to] = events_[p]; }
  /// Per entry of p's vector: the number of p's event that last changed it (0: never).
  std::span<const std::uint32_t> changed_at(process_id p) const { return {&changed_at_[p * n_], n_}; }

 private:
  std::size_t n_;
  std::vector<std::uint32_t> events_;      // per process: its events so far
  std::vector<std::uint64_t> last_;        // per process: its vector after its latest event
  std::vector<std::uint32_t> changed_at_;  // per process and entry
  std::vector<sim_time> changed_time_;     // likewise, in true time
  std::vector<std::uint32_t> link_;        // per link p → to
  std::vector<process_id> kept_;           // prune's scratch

  template <class Counter>
  void record(process_id p, std::span<const Counter> row, sim_time t);
};

/// What a message carries when its send had vector `row`, with `changed_at` the sender's marks, on a
/// link last used by the sender's event `since`: the non-zero entries changed after it, the others 0.
void carried_entries(std::span<const std::uint32_t> row, std::span<const std::uint32_t> changed_at,
                     std::uint32_t since, std::span<std::uint32_t> out);
/// The same of a recorded vector (a vector_stamp).
void carried_entries(std::span<const std::uint64_t> row, std::span<const std::uint32_t> changed_at,
                     std::uint32_t since, std::span<std::uint64_t> out);

}  // namespace hbsim
