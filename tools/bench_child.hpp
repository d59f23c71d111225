// hbsim_bench: what a measured run is given and reports, and running it in a fresh child process, so
// that peak RSS figures never mix.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

// ---------------------------------------------------------------------------------------------
// The workload, shared by both engines.

struct phold_params {
  std::uint32_t processes = 1000;
  std::uint64_t messages = 2'000'000;  // sends in all, the initial ones included (= deliveries)
  std::int64_t think_mean_ns = 1'000'000;
  std::int64_t delay_mean_ns = 1'000'000;
  double remote = 0.9;
  std::uint64_t seed = 1;
  bool vector_clock = true;  // false: Lamport and HLC only (scenario clocks ["lamport", "hlc"])
};

// What a child process reports back through its pipe (plain bytes: no pointers).
struct result {
  bool ok = false;
  char error[240] = {};
  double setup_seconds = 0;  // building the engine (processes, clocks, network tables)
  double run_seconds = 0;    // the event loop only
  std::uint64_t events = 0;
  std::uint64_t deliveries = 0;
  std::uint64_t sends = 0;
  long rss_start_kb = 0;  // before building anything
  long rss_built_kb = 0;  // after building, before the run
  long peak_kb = 0;       // VmHWM after the run (reset to the current RSS at the child's start)
  std::uint64_t written = 0;     // trace bytes, as the trace writer counts them (also when only hashed)
  double hash_seconds = 0;       // SHA-256 alone over that many bytes (the fingerprint's hashing)
  std::uint64_t io_written = 0;  // bytes the process wrote during the run, as /proc/self/io counts them
  std::uint64_t edges = 0;              // HB graph: its edges,
  std::uint64_t graph_bytes = 0;        // the CSR structure's bytes
  std::uint64_t graph_total_bytes = 0;  // and everything the graph holds
  int runs = 0;               // filled in by the parent: how many runs this is the fastest of
  double slowest_seconds = 0;  // and the slowest of them
};

// ---------------------------------------------------------------------------------------------
// Measuring inside a child.

inline long status_kb(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, field.size(), field) != 0 || line.size() <= field.size() || line[field.size()] != ':')
      continue;
    return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return -1;
}

inline long rss_kb() { return status_kb("VmRSS"); }

inline long peak_rss_kb() {
  const long hwm = status_kb("VmHWM");
  if (hwm >= 0) return hwm;
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;  // kilobytes on Linux
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so a forked child's peak starts from its own baseline.
inline void reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

// Bytes passed to write() and friends so far; what a trace writer sends to /dev/null shows here.
inline std::uint64_t bytes_written_so_far() {
  std::ifstream in("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (in >> key >> value)
    if (key == "wchar:") return value;
  return 0;
}

using clock_type = std::chrono::steady_clock;
inline double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

inline void set_error(result& r, std::string_view what) {
  r.ok = false;
  const std::size_t n = std::min(what.size(), sizeof r.error - 1);
  std::memcpy(r.error, what.data(), n);
  r.error[n] = '\0';
}

// Runs `body` in a fresh child process and returns what it reported.
inline result in_child(const std::function<void(result&)>& body) {
  std::fflush(stdout);
  std::fflush(stderr);
  int fds[2];
  result r;
  if (pipe(fds) != 0) {
    set_error(r, "pipe() failed");
    return r;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    set_error(r, "fork() failed");
    return r;
  }
  if (pid == 0) {
    close(fds[0]);
    result mine;
    try {
      reset_peak_rss();
      mine.rss_start_kb = rss_kb();
      body(mine);
      mine.peak_kb = peak_rss_kb();
    } catch (const std::exception& e) {
      set_error(mine, e.what());
    } catch (...) {
      set_error(mine, "unknown exception");
    }
    const char* p = reinterpret_cast<const char*>(&mine);
    std::size_t left = sizeof mine;
    while (left > 0) {
      const ssize_t n = write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    _exit(0);  // no destructors: the parent has what it needs
  }
  close(fds[1]);
  char* p = reinterpret_cast<char*>(&r);
  std::size_t got = 0;
  while (got < sizeof r) {
    const ssize_t n = read(fds[0], p + got, sizeof r - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof r) {
    r = result{};
    set_error(r, WIFSIGNALED(status) ? "child killed by signal " + std::to_string(WTERMSIG(status))
                                     : std::string("child exited without a result"));
  }
  return r;
}

// Runs each body `times` times in fresh children, interleaved (a, b, a, b, ...) so that a change in
// the machine's load hits all of them alike, and keeps each body's fastest run. A failed run wins.
inline std::vector<result> best_of(int times, const std::vector<std::function<void(result&)>>& bodies) {
  std::vector<result> best(bodies.size());
  for (int k = 0; k < times; ++k)
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      result r = in_child(bodies[i]);
      result& b = best[i];
      const double slowest = std::max(b.slowest_seconds, r.run_seconds);
      if (k == 0 || !r.ok || (b.ok && r.run_seconds < b.run_seconds)) b = r;
      b.runs = k + 1;
      b.slowest_seconds = slowest;
    }
  return best;
}

}  // namespace bench
