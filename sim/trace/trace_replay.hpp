// The replay of a trace: records to the observers in file order, with the checks that need the lines
// before (ids, seq, and the links between records).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/kernel/observer.hpp"
#include "trace/flight_table.hpp"
#include "trace/line_codec.hpp"
#include "trace/read_ahead.hpp"

namespace hbsim::trace_internal {

// The replaying thread's side: checks what needs the lines before (ids, seq, references), reads the
// lines the fast path left through the general path, and calls the observers.
class trace_replay {
 public:
  trace_replay(const std::string& file, const process_table& table, std::span<event_observer* const> observers)
      : file_(file), table_(table), observers_(observers), codec_(file, table), stamps_(table.clocks), last_seq_(table.n) {}

  void replay_batch(const batch& b);
  /// The latest time seen so far.
  sim_time latest() const { return latest_; }

 private:
  [[noreturn]] void fail(std::string path, std::string expected, std::string found) const {
    codec_.fail(std::move(path), std::move(expected), std::move(found));
  }
  void replay_lines(const batch& b);
  void general(std::string_view text);
  void finish_event(event_record& r, present has);
  void finish_drop(const drop_record& d);
  void in_order(sim_time t);  // refuses a time below the previous line's

  // The links between records.
  std::string message_text(const flight& m, bool with_send = true) const;
  void take_off(const event_record& r);
  void arrive(const event_record& r);
  void drop(const drop_record& d);
  void settle(flight& m) {
    if (--m.left == 0) in_flight_.remove(m);
  }

  const std::string& file_;
  const process_table& table_;
  std::span<event_observer* const> observers_;
  json_line_codec codec_;
  record_stamps stamps_;  // of the fast path's events
  std::vector<std::uint64_t> last_seq_;
  event_id next_id_ = 1;
  std::size_t faults_ = 0;  // fault lines so far
  sim_time latest_ = 0;
  sim_time last_time_ = std::numeric_limits<sim_time>::min();  // lines, of every type, come in execution order
  flight_table in_flight_;
};

}  // namespace hbsim::trace_internal
