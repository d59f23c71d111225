// Timed faults of a scenario (scenarios/FORMAT.md §5). Partitions and cuts become link_blocks for the network;
// the others are applied by the kernel at their time. A fault taking effect is reported as a fault_record that
// carries the fault itself, so that observers and traces need no scenario.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hbsim/core/time.hpp"
#include "hbsim/core/ids.hpp"
#include "hbsim/net/network.hpp"

namespace hbsim {

struct partition_fault {
  std::vector<std::vector<process_id>> groups;  // as written; unnamed processes form one more group
  std::vector<std::uint32_t> group_of;          // group index per process
  std::optional<sim_time> heal;
  hold_mode mode = hold_mode::drop;

  /// The groups as the network applies them: by group index, each in process order, empty ones left out
  /// (so the unnamed processes, when there are any, come last).
  std::vector<std::vector<process_id>> applied_groups() const;
};

struct cut_fault {
  std::vector<process_id> from;
  std::vector<process_id> to;
  std::optional<sim_time> heal;
  hold_mode mode = hold_mode::drop;
};

enum class persist_mode : std::uint8_t { all, none, checkpoint };

struct crash_fault {
  process_id process = 0;
  std::optional<sim_time> restart;
  persist_mode persist = persist_mode::all;
  std::uint64_t checkpoint_every = 0;  // events, for persist checkpoint
};

struct clock_step_fault {
  process_id process = 0;
  sim_time by = 0;
};

struct pause_fault {
  process_id process = 0;
  sim_time duration = 0;
  bool clock_running = false;  // default: the clock is frozen during the pause
};

struct fault {
  sim_time at = 0;
  std::variant<partition_fault, cut_fault, crash_fault, clock_step_fault, pause_fault> what;
  std::string path;  // JSON path in the scenario, for messages
};

/// A fault taking effect, for traces, narration and diagrams (an hbsim extension of the trace format). Crashes
/// and restarts are events, never marks.
struct fault_record {
  enum class kind : std::uint8_t { partition, cut, pause, clock_step };  // the alternatives of `what`, in order
  sim_time time = 0;
  sim_time end = -1;      // heal or resume time; -1 when it never ends
  std::size_t index = 0;  // its position, as narration numbers it: among the scenario's `faults` in a run,
                          // among the fault lines of a trace replayed
  std::variant<partition_fault, cut_fault, pause_fault, clock_step_fault> what;

  kind type() const { return static_cast<kind>(what.index()); }
};

/// The link blocks that the partitions and cuts among `faults` put on the network.
std::vector<link_block> link_blocks(const std::vector<fault>& faults, std::size_t processes);

}  // namespace hbsim
