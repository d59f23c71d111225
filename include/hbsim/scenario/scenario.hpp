// A scenario (scenarios/FORMAT.md): the processes, their clocks, the network, faults, workload and
// expectations, with every name resolved. Built by load_scenario from JSON, or directly in C++.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/data/data_config.hpp"
#include "hbsim/scenario/expectation.hpp"
#include "hbsim/kernel/delivery_group.hpp"
#include "hbsim/kernel/physical_clock.hpp"
#include "hbsim/net/faults.hpp"
#include "hbsim/net/network.hpp"
#include "hbsim/scenario/workload.hpp"

namespace hbsim {

struct process_spec {
  std::string name;
  physical_clock_config clock;
};

struct scenario {
  std::string file;   // where it was read from ("" when built in C++)
  std::string edits;  // the command line's edits of it ("--set /until=\"1ms\""), "" when none
  /// The file as errors found after loading name it: with its edits, which may be their cause.
  std::string source() const { return edits.empty() ? file : file + " (with " + edits + ")"; }
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::optional<sim_time> until;
  std::uint64_t max_events = 10'000'000;
  std::optional<std::uint64_t> max_pending;  // nullopt: default_max_pending(processes, vectors chosen)
  std::vector<process_spec> processes;
  network_config network;
  logical_config logical;
  std::vector<fault> faults;
  std::vector<script_action> script;
  std::vector<reactive_rule> on_receive;
  std::vector<generator> generate;
  delivery_config delivery;
  std::vector<expectation> expect;
  std::optional<data_config> data;  // replicated data (data/replica_set.hpp)

  /// Index of the process with this name.
  std::optional<process_id> find_process(std::string_view name) const;
  /// At most this many message copies in flight and timers pending at once: max_pending or its default.
  std::uint64_t pending_limit() const;
  /// Messages pending at the start: PHOLD's population times the processes, over its PHOLD generators.
  std::uint64_t pending_at_start() const;
  /// Other timers pending at the start: one per scripted action with `at`, one per process and random
  /// generator. max_pending counts them too, so its default leaves room for them.
  std::uint64_t timers_at_start() const;
  /// Whether some process runs NTP exchanges: a scripted `ntp` or a clock's `sync.ntp`.
  bool has_ntp() const;
};

/// Limits that keep hostile input from exhausting the machine; larger inputs are refused (exit 2).
namespace limits {
inline constexpr std::size_t file_bytes = 64u << 20;
inline constexpr int nesting_depth = 64;
inline constexpr std::size_t processes = 1u << 24;      // and what fits: memory is estimated at load
inline constexpr std::uint64_t max_events = 4'000'000'000;  // vector entries are uint32
inline constexpr std::uint64_t max_pending = 100'000'000;   // each costs a few hundred bytes, and a vector
inline constexpr std::size_t list_entries = 1'000'000;  // script, rules, faults, links, expect
inline constexpr std::size_t name_length = 256;
}  // namespace limits

/// max_pending when a scenario leaves it out; `at_start`: PHOLD's initial messages. With vector clocks: a
/// million, or 2^24 / processes when that is smaller. A message in flight holds its vector clock in
/// several places (the clocks' slot, the checker's rows, each with room to grow): about 20 bytes per
/// process, so what waits stays within about 330 MB; but room for twice PHOLD's initial messages (them
/// and their timers), which the memory estimate counts. Without vector clocks: a million, or twice the
/// processes when more (a few hundred bytes each), so that a PHOLD of a million processes has room for
/// its population and its timers.
constexpr std::uint64_t default_max_pending(std::size_t processes, bool vectors = true, std::uint64_t at_start = 0) {
  if (!vectors) return std::max<std::uint64_t>(1'000'000, 2 * std::uint64_t{processes});
  return std::min<std::uint64_t>(
      1'000'000, std::max(2 * at_start, (std::uint64_t{1} << 24) / std::max<std::size_t>(processes, 1)));
}

/// Reads and validates a scenario file; its `clocks` may name the kinds of `registry`. Throws
/// input_error naming the file, the JSON path, what was expected and what was found (with line and
/// column for syntax errors).
scenario load_scenario(const std::string& path, const clock_registry& registry = clock_registry::standard());
/// The same with `edit` applied to the file's JSON before it is read and validated (hbsim run --set).
scenario load_scenario(const std::string& path, const std::function<void(nlohmann::json&)>& edit,
                       const clock_registry& registry = clock_registry::standard());
/// The same for text already in memory; `file` names it in messages.
scenario parse_scenario(std::string_view text, const std::string& file,
                        const clock_registry& registry = clock_registry::standard());

/// Delivery groups as a scenario's "delivery" writes them, for a trace's header: members by name, the
/// variant left out (the judges check what happened, whatever the layers did).
nlohmann::json delivery_groups_json(const delivery_config& c, std::span<const std::string> process_names);
/// A trace header's "delivery", read as a scenario's is, with `process_names` the trace's processes.
/// The FIFO links a "lamport" group asks of its scenario's network are not asked of a trace. Throws
/// input_error naming `file` and the JSON path from /delivery.
delivery_config read_delivery_groups(const nlohmann::json& v, const std::string& file,
                                     std::span<const std::string> process_names);

}  // namespace hbsim
