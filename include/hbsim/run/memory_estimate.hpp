// What a run will take in memory, estimated when the scenario is loaded, so that a run that cannot fit
// is refused with a message (exit code 2) instead of running the machine out of memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hbsim/judge/clock_report.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

struct memory_estimate {
  std::uint64_t bytes = 0;
  std::string parts;  // "1000000 processes x 750 B + ...": how it adds up
  // With sparse vector rows (logical.vector.representation), `bytes` counts each vector as it starts,
  // holding its own entry, and `most` as it may end, full, as dense rows would be; `most` == `bytes`
  // otherwise.
  std::uint64_t most = 0;
  std::string most_parts;
};

/// Peak memory of `hbsim run` on s, from the measured costs of a process, a message in flight (PHOLD's
/// initial ones; with vector clocks, whose rows each message in flight holds, those or as many as 2^24
/// counters make, whichever is more, up to max_pending) and an event kept by the clock comparison (when
/// `compare_clocks`: up to `compared_most` events, where it goes from exact counts to estimates).
memory_estimate estimate_memory(const scenario& s, bool compare_clocks, std::uint64_t compared_most = exact_events_most);

/// "12 MiB", or "224 GiB" from 10 GiB on.
std::string size_text(std::uint64_t bytes);

/// The memory this process may still take: the smallest of the machine's available memory, its
/// cgroup's limit and what its address-space limit (ulimit -v) leaves; nullopt where none is known.
std::optional<std::uint64_t> available_memory();

/// Throws input_error (naming s's file and /processes) when the estimate passes `available`. When only
/// its `most` does (sparse vectors that could fill up), returns the memory the run may grow by, for a
/// memory_guard to stop it there.
std::optional<std::uint64_t> check_memory(const scenario& s, bool compare_clocks,
                                          std::optional<std::uint64_t> available = available_memory(),
                                          std::uint64_t compared_most = exact_events_most);
/// The same for judging a trace whose header (trace_reader::header(), without generators) is `header`,
/// from its processes alone: a trace does not say how many sends are in flight at once. Returns the
/// memory left for them (trace_reader::limit_in_flight_memory), nothing when none is known.
std::optional<std::uint64_t> check_trace_memory(const scenario& header,
                                                std::optional<std::uint64_t> available = available_memory());

}  // namespace hbsim
