// Timed faults of a scenario (scenarios/FORMAT.md §5). Partitions and cuts become link_blocks for the network;
// the others are applied by the kernel at their time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hbsim/core/time.hpp"
#include "hbsim/kernel/event.hpp"
#include "hbsim/net/network.hpp"

namespace hbsim {

struct partition_fault {
  std::vector<std::vector<process_id>> groups;  // as written; unnamed processes form one more group
  std::vector<std::uint32_t> group_of;          // group index per process
  std::optional<sim_time> heal;
  hold_mode mode = hold_mode::drop;
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

/// The link blocks that the partitions and cuts among `faults` put on the network.
std::vector<link_block> link_blocks(const std::vector<fault>& faults, std::size_t processes);

}  // namespace hbsim
