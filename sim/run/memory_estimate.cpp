#include "hbsim/run/memory_estimate.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <variant>

#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/truth/row_limit.hpp"

namespace hbsim {

namespace {

// Measured with PHOLD (population 1): 10^5 and 10^6 processes with Lamport and HLC peak at 128 MB and
// 1.16 GB. With vectors (PHOLD at 2,000 and 4,000 processes, populations 1 and 4) a process costs about
// 3.5 rows of 4-byte counters (the clock's, the truth's, the checker's, the latest events'), a send in
// flight about 1.5 (its slot in a table that doubles, the truth's row it holds).
constexpr std::uint64_t base_bytes = 16u << 20;
constexpr std::uint64_t process_bytes = 750;
constexpr std::uint64_t waiting_bytes = 400;
constexpr std::uint64_t process_rows = 4;
constexpr std::uint64_t message_rows = 2;
// Beyond those at the start, the rows of messages in flight are counted up to 2^24 counters, what the
// default max_pending allows with vectors; a max_pending raised beyond is the user's call.
constexpr std::uint64_t spare_counters = std::uint64_t{1} << 24;
constexpr std::uint64_t compared_event_bytes = 20;
// A sparse row as it starts, holding one entry (its object and the allocation of its pair), and the
// buffers of one counter per process that the judges write sparse rows out into.
constexpr std::uint64_t sparse_row_bytes = 64;
constexpr std::uint64_t written_out_bytes = 48;

// Events the generators will make, as far as the scenario says (scripts and rules add a few).
std::uint64_t generated_events(const scenario& s) {
  std::uint64_t events = 0;
  for (const generator& g : s.generate) {
    if (const auto* p = std::get_if<phold_generator>(&g))
      events += 2 * p->messages;  // a send and its receive
    else if (const auto* r = std::get_if<random_generator>(&g))
      events += static_cast<std::uint64_t>(static_cast<double>(r->events * s.processes.size()) * (1 + r->send_ratio));
  }
  return std::min(events, s.max_events);
}

std::optional<std::uint64_t> read_number(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::istringstream fields(line.substr(key.size()));
    std::uint64_t value = 0;
    if (fields >> value) return value;
  }
  return std::nullopt;
}

// The processes' part, with which every estimate starts; `row`: what a vector row takes.
memory_estimate for_processes(std::uint64_t n, std::uint64_t row, std::uint64_t per_process = 0) {
  const std::uint64_t each = process_bytes + process_rows * row + per_process;
  memory_estimate e;
  e.bytes = base_bytes + n * each;
  e.parts = concat(n, " processes x ", each, " B");
  return e;
}

// A dense vector row: 4-byte counters, one per process; 0 without vector-sized clocks.
std::uint64_t row_bytes(const scenario& s) { return s.logical.vector_sized() ? 4 * s.processes.size() : 0; }
bool sparse_rows(const scenario& s) {
  return s.logical.has("vector") && s.logical.vector_opts.sparse_rows(s.processes.size());
}

// The estimate with rows of `row` bytes each.
memory_estimate estimate_with(const scenario& s, bool compare_clocks, std::uint64_t compared_most, std::uint64_t row,
                              std::uint64_t per_process) {
  const std::uint64_t n = s.processes.size();
  const std::uint64_t at_start = s.pending_at_start();  // PHOLD's initial messages
  const std::uint64_t with_rows =
      row ? std::min(s.pending_limit(), std::max(at_start, spare_counters / std::max<std::uint64_t>(n, 1))) : 0;
  const std::uint64_t compared =
      compare_clocks && truth_keeps_rows(n, s.logical.has("vector")) ? std::min(generated_events(s), compared_most) : 0;
  memory_estimate e = for_processes(n, row, per_process);
  e.bytes += at_start * waiting_bytes + with_rows * message_rows * row + compared * compared_event_bytes;
  if (at_start) e.parts += concat(" + ", at_start, " messages in flight x ", waiting_bytes, " B");
  if (with_rows) e.parts += concat(" + ", with_rows, " messages' vector clocks x ", message_rows * row, " B");
  if (compared) e.parts += concat(" + ", compared, " events compared x ", compared_event_bytes, " B");
  e.parts += concat(" + ", size_text(base_bytes));
  return e;
}

}  // namespace

std::string size_text(std::uint64_t bytes) {
  return bytes < (std::uint64_t{10} << 30) ? concat((bytes + (1u << 19)) >> 20, " MiB")
                                           : concat((bytes + (1u << 29)) >> 30, " GiB");
}

memory_estimate estimate_memory(const scenario& s, bool compare_clocks, std::uint64_t compared_most) {
  memory_estimate e = estimate_with(s, compare_clocks, compared_most, row_bytes(s), 0);
  if (!sparse_rows(s)) {
    e.most = e.bytes;
    return e;
  }
  memory_estimate start = estimate_with(s, compare_clocks, compared_most, sparse_row_bytes, written_out_bytes);
  start.most = e.bytes;
  start.most_parts = std::move(e.parts);
  return start;
}

std::optional<std::uint64_t> available_memory() {
  std::optional<std::uint64_t> out;
  if (const auto kb = read_number("/proc/meminfo", "MemAvailable:")) out = *kb * 1024;
  // cgroup v2: the limit less what the group already uses ("max" when unlimited, which reads as nothing).
  const auto limit = read_number("/sys/fs/cgroup/memory.max", "");
  const auto used = read_number("/sys/fs/cgroup/memory.current", "");
  if (limit && used) {
    const std::uint64_t left = *limit > *used ? *limit - *used : 0;
    out = out ? std::min(*out, left) : left;
  }
  // A limit on the address space (ulimit -v, prlimit --as), less what the process has mapped already.
  rlimit as{};
  if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    const auto pages = read_number("/proc/self/statm", "");
    const std::uint64_t mapped = pages ? *pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) : 0;
    const std::uint64_t left = as.rlim_cur > mapped ? as.rlim_cur - mapped : 0;
    out = out ? std::min(*out, left) : left;
  }
  return out;
}

namespace {

// `fitting`: "a run that" fits...; `what`: "a run" estimated at...
void refuse_beyond(const memory_estimate& e, std::optional<std::uint64_t> available, const std::string& file,
                   const std::string& fitting, const std::string& what, const std::string& hint) {
  if (!available || e.bytes <= *available) return;
  throw input_error(file, "/processes", concat(fitting, " fits in the memory available, ", size_text(*available)),
                    concat(what, " estimated at ", size_text(e.bytes), " (", e.parts, ")"), hint);
}

}  // namespace

std::optional<std::uint64_t> check_memory(const scenario& s, bool compare_clocks, std::optional<std::uint64_t> available,
                                          std::uint64_t compared_most) {
  const memory_estimate e = estimate_memory(s, compare_clocks, compared_most);
  refuse_beyond(e, available, s.source(), "a run that", "a run",
                s.logical.vector_sized()
                    ? R"(fewer processes, or vector clocks left out ("clocks": ["lamport", "hlc"]), which cost processes² counters)"
                    : "fewer processes or a smaller PHOLD population");
  if (!available || e.most <= *available) return std::nullopt;
  return *available;
}

std::optional<std::uint64_t> check_trace_memory(const scenario& header, std::optional<std::uint64_t> available) {
  // A trace does not say how many messages are in flight at once: only its processes are counted, and
  // sparse rows as they start (what they grow to is counted against what is left, as they grow).
  memory_estimate e = sparse_rows(header) ? for_processes(header.processes.size(), sparse_row_bytes, written_out_bytes)
                                          : for_processes(header.processes.size(), row_bytes(header));
  e.parts += concat(" + ", size_text(base_bytes), "; the messages in flight, which a trace does not count, come on top");
  refuse_beyond(e, available, header.file, "a trace whose judging", "its judging",
                "a machine with more memory: the trace's vector clocks cost processes² counters to judge");
  if (!available) return std::nullopt;
  return std::max<std::uint64_t>(*available - e.bytes, 1);
}

}  // namespace hbsim
