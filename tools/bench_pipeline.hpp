// hbsim_bench: what users run. The default pipeline is hbsim::run_scenario, the call `hbsim run` makes
// (the judges on a thread of their own, every invariant, the expectations, the clock comparison and the
// trace's fingerprint, formatted and hashed though not written), on the PHOLD of issue 11. Its scenario
// is JSON text read by hbsim's loader (parse_scenario), as `hbsim run` reads a file. Each part of the
// pipeline is measured on its own, against the minimal engine doing the same clock work.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "bench_child.hpp"
#include "core/sha256.hpp"
#include "hbsim/engine/simulation.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/trace/trace_writer.hpp"

namespace bench {

// Issue 11's PHOLD: population 1, think 0, delay exponential(mean 1 us), remote 0.25.
inline phold_params pipeline_phold(std::uint32_t processes, std::uint64_t messages, std::uint64_t seed,
                                   bool vector_clock = true) {
  phold_params p;
  p.processes = processes;
  p.messages = messages;
  p.think_mean_ns = 0;
  p.delay_mean_ns = 1'000;
  p.remote = 0.25;
  p.seed = seed;
  p.vector_clock = vector_clock;
  return p;
}

// A delay: none, or exponential with this mean (the minimal engine samples the same).
inline std::string delay_json(std::int64_t mean_ns) {
  if (mean_ns == 0) return "\"0ns\"";
  return "{\"dist\": \"exponential\", \"mean\": \"" + std::to_string(mean_ns) + "ns\"}";
}

// The scenario as a user writes it. max_pending and max_events are raised only where the defaults would
// stop this PHOLD (a million processes, more than 5M messages).
inline std::string phold_json(const phold_params& p) {
  char remote[32];
  std::snprintf(remote, sizeof remote, "%.17g", p.remote);
  std::string s = "{\"name\": \"bench-phold\", \"seed\": " + std::to_string(p.seed);
  if (!p.vector_clock) s += ", \"clocks\": [\"lamport\", \"hlc\"]";
  const std::uint64_t pending = 2 * std::uint64_t{p.processes} + 16;
  if (pending > hbsim::default_max_pending(p.processes, p.vector_clock))
    s += ", \"max_pending\": " + std::to_string(pending);
  if (2 * p.messages >= 10'000'000) s += ", \"max_events\": " + std::to_string(2 * p.messages + 16);
  s += ", \"network\": {\"delay\": " + delay_json(p.delay_mean_ns) + "}";
  s += ", \"generate\": {\"kind\": \"phold\", \"population\": 1, \"messages\": " + std::to_string(p.messages) +
       ", \"think\": " + delay_json(p.think_mean_ns) + ", \"remote\": " + remote + "}";
  return s + ", \"processes\": {\"count\": " + std::to_string(p.processes) + "}}";
}

// What of the pipeline a run keeps.
enum class pipeline_part {
  full,                   // hbsim run
  no_compare,             // hbsim run --no-compare
  one_thread,             // hbsim run --one-thread
  one_thread_no_compare,  // hbsim run --one-thread --no-compare
  fingerprint,            // the simulation and the trace's fingerprint, on the run's thread, no judges
  bare,                   // the simulation alone (what [1] measures on its own workload)
};

// Caps the child's address space, so that a run too large for the machine fails (std::bad_alloc)
// instead of taking the memory other work on the machine needs.
inline void limit_memory(std::uint64_t bytes) {
  const rlimit l{bytes, bytes};
  setrlimit(RLIMIT_AS, &l);
}

inline bool counts_ok(result& r, const hbsim::run_stats& st, const phold_params& p) {
  r.events = st.events;
  r.deliveries = st.delivered;
  r.sends = st.by_kind[static_cast<int>(hbsim::event_kind::send)];
  if (r.deliveries == p.messages && r.sends == p.messages && r.events == 2 * p.messages) return true;
  set_error(r, "unexpected counts: " + std::to_string(r.sends) + " sends, " + std::to_string(r.deliveries) +
                   " deliveries, " + std::to_string(r.events) + " events");
  return false;
}

// SHA-256 alone over `bytes` bytes, fed in the 1 MiB pieces the trace hands its hash: the fingerprint's
// hashing, apart from the formatting of the trace's lines.
inline double sha256_seconds(std::uint64_t bytes) {
  const std::string piece(std::size_t{1} << 20, '7');
  hbsim::sha256 hash;
  const auto t0 = clock_type::now();
  for (std::uint64_t left = bytes; left > 0;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size()));
    hash.update(std::string_view(piece.data(), n));
    left -= n;
  }
  const std::string digest = hash.hex_digest();
  return digest.size() == 64 ? seconds_since(t0) : 0;
}

// The simulation alone, or with the trace's fingerprint (a trace_writer to nowhere, as run_scenario makes).
inline void run_simulation(result& r, const hbsim::scenario& s, const phold_params& p, bool fingerprint) {
  const auto t0 = clock_type::now();
  hbsim::simulation sim(s);
  hbsim::trace_writer trace("");
  if (fingerprint) sim.observe(trace);
  r.setup_seconds += seconds_since(t0);
  r.rss_built_kb = rss_kb();
  const auto t1 = clock_type::now();
  const hbsim::run_stats& st = sim.run();
  if (fingerprint) trace.commit();
  r.run_seconds = seconds_since(t1);
  if (!counts_ok(r, st, p)) return;
  if (fingerprint && trace.trace_sha256().size() != 64) {
    set_error(r, "no trace fingerprint");
    return;
  }
  if (fingerprint) {
    r.written = trace.bytes_written();
    r.hash_seconds = sha256_seconds(r.written);
  }
  r.ok = true;
}

// One run of the pipeline, or of a part of it. Setup is the loader's, plus run_scenario's outside its
// own wall time (building the simulation, the judges); the run is run_scenario's wall time, the judges'
// thread joined.
inline void run_pipeline(result& r, const phold_params& p, pipeline_part part) {
  const auto t0 = clock_type::now();
  const hbsim::scenario s = hbsim::parse_scenario(phold_json(p), "bench-phold.json");
  r.setup_seconds = seconds_since(t0);
  r.rss_built_kb = rss_kb();
  if (part == pipeline_part::fingerprint || part == pipeline_part::bare) {
    run_simulation(r, s, p, part == pipeline_part::fingerprint);
    return;
  }
  hbsim::run_options o;
  o.compare_clocks = part == pipeline_part::full || part == pipeline_part::one_thread;
  if (part == pipeline_part::one_thread || part == pipeline_part::one_thread_no_compare) o.judge_thread = false;
  const auto t1 = clock_type::now();
  const hbsim::run_outcome out = hbsim::run_scenario(s, o);
  r.run_seconds = out.wall_seconds;
  r.setup_seconds += seconds_since(t1) - out.wall_seconds;
  if (!counts_ok(r, out.sim->stats(), p)) return;
  if (!out.ok()) {
    set_error(r, "the run failed its judges (an invariant or an expectation) on canonical clocks");
    return;
  }
  if (out.trace_sha256.size() != 64) {
    set_error(r, "no trace fingerprint");
    return;
  }
  r.ok = true;
}

}  // namespace bench
