// hbsim_bench's first parts: what users run ([A], [B]: the default pipeline and its parts against the
// minimal engine) and hbsim's sequential PHOLD beside ROSS's ([C]).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "bench_child.hpp"
#include "bench_minimal.hpp"
#include "bench_options.hpp"
#include "bench_pipeline.hpp"
#include "bench_report.hpp"

namespace bench {

// ROSS's sequential PHOLD (splay-tree queue, --synch=1), measured on this machine class, as issue 11
// gives them. A ROSS PHOLD event is a message's arrival, which sends the next one: events/s there are
// deliveries/s here.
inline constexpr double ross_small_rate = 1.94e6;  // 1,024 LPs
inline constexpr double ross_large_rate = 0.165e6;  // 1,048,576 LPs
inline constexpr const char* ross_source = "ROSS sequential PHOLD, splay-tree queue, --synch=1, measured on this "
                                           "machine class (issue 11)";

inline void print_pipeline_preamble() {
  std::printf("\n[A]-[C] issue 11's PHOLD: population 1, think 0, delay exponential(mean 1us), remote 0.25,\n"
              "with fewer messages than the issue's 2.5M (see each title). The scenario is JSON text read by\n"
              "hbsim's loader (parse_scenario), as `hbsim run` reads a file; the default pipeline is\n"
              "hbsim::run_scenario, the call `hbsim run` makes; every row is a fresh child, the best of the runs.\n");
}

// Each variant of the pipeline, in the order the table prints them.
struct pipeline_row {
  const char* name;
  pipeline_part part;
};
inline constexpr pipeline_row pipeline_rows[] = {
    {"hbsim run (default)", pipeline_part::full},
    {"  --no-compare", pipeline_part::no_compare},
    {"  --one-thread", pipeline_part::one_thread},
    {"  --one-thread --no-compare", pipeline_part::one_thread_no_compare},
    {"simulation + fingerprint", pipeline_part::fingerprint},
    {"simulation alone", pipeline_part::bare},
};

inline double ns_per_delivery(const result& r) {
  return r.deliveries ? r.run_seconds * 1e9 / static_cast<double>(r.deliveries) : 0;
}

inline void pipeline_line(const char* name, const result& r, const result& minimal) {
  const double dps = per_second(r.deliveries, r.run_seconds);
  row(name, {fixed(r.run_seconds, 3), group(dps), fixed(ns_per_delivery(r), 0),
             fixed(dps / per_second(minimal.deliveries, minimal.run_seconds), 3), mib(r.peak_kb)});
}

// What each part costs, from the differences between runs on one thread (ns per delivery; a delivery is
// two events, its send and its receive); rs holds the minimal engine, then pipeline_rows' runs in their
// order. The fingerprint splits into SHA-256, timed alone over as many bytes as the trace has, and the
// formatting of the trace's lines.
inline void pipeline_costs(const std::vector<result>& rs) {
  const double full = ns_per_delivery(rs[1]), own = ns_per_delivery(rs[3]), own_nc = ns_per_delivery(rs[4]);
  const double fp = ns_per_delivery(rs[5]), bare = ns_per_delivery(rs[6]);
  const double deliveries = static_cast<double>(rs[5].deliveries);
  const double sha = deliveries > 0 ? rs[5].hash_seconds * 1e9 / deliveries : 0;
  const auto line = [&](const char* what, double ns) {
    std::printf("  %-52s%8.0f ns/delivery (%5.1f%% of --one-thread)\n", what, ns, own > 0 ? 100 * ns / own : 0);
  };
  std::printf("  what each part costs (one thread: differences between the rows above):\n");
  line("the simulation alone", bare);
  line("the trace's fingerprint: formatting its lines", fp - bare - sha);
  line("  and SHA-256 (timed alone over as many bytes)", sha);
  line("the judges without the clock comparison", own_nc - fp);
  line("the clock comparison", own - own_nc);
  line("saved by the judges' own thread (< 0: lost)", own - full);
  std::printf("  the trace, formatted and hashed but not written: %s bytes/event, SHA-256 at %s MB/s\n",
              fixed(static_cast<double>(rs[5].written) / static_cast<double>(rs[5].events), 0).c_str(),
              fixed(per_second(rs[5].written, rs[5].hash_seconds) / 1e6, 0).c_str());
}

// [A], [B]: the default pipeline and its parts, against the minimal engine on the same workload and clocks.
inline void pipeline_cost(const options& o, const phold_params& p, const char* label, double target,
                          verdicts& v) {
  std::vector<std::function<void(result&)>> bodies{[&](result& r) { run_minimal(r, p); }};
  for (const pipeline_row& pr : pipeline_rows) bodies.push_back([&p, &pr](result& r) { run_pipeline(r, p, pr.part); });
  const std::vector<result> rs = best_of(o.repeat, bodies);
  header_row(std::string(label) + " what users run: PHOLD, " + group(p.processes) + " processes, " +
                 short_count(p.messages) + " messages, Lamport + vector + HLC, against the minimal engine",
             {"run wall (s)", "deliveries/s", "ns/delivery", "/ minimal", "peak RSS (MiB)"});
  bool ok = v.check(rs[0], "minimal engine");
  for (std::size_t i = 0; i < std::size(pipeline_rows); ++i) ok = v.check(rs[i + 1], pipeline_rows[i].name) && ok;
  if (!ok) return;
  pipeline_line("minimal engine (same clocks)", rs[0], rs[0]);
  for (std::size_t i = 0; i < std::size(pipeline_rows); ++i) pipeline_line(pipeline_rows[i].name, rs[i + 1], rs[0]);
  pipeline_costs(rs);
  const double ratio = per_second(rs[1].deliveries, rs[1].run_seconds) / per_second(rs[0].deliveries, rs[0].run_seconds);
  v.target(ratio >= target, "hbsim run (default) / minimal engine deliveries per second >= " + fixed(target, 1) +
                                " (aim 1.0) at " + group(p.processes) + " processes: measured " + fixed(ratio, 3));
}

// [C] at one size: the default pipeline with Lamport + HLC against the minimal engine doing the same, and
// ROSS. A run too large for this build (the loader's cap on processes) or this machine is told, not failed.
inline void ross_case(const options& o, const phold_params& p, double ross_rate, bool may_be_refused, verdicts& v) {
  const std::uint64_t memory_cap = std::uint64_t{4} << 30;  // 4 GiB: the machine is shared
  const std::vector<result> rs = best_of(o.repeat, {[&](result& r) {
                                                      limit_memory(memory_cap);
                                                      run_minimal(r, p);
                                                    },
                                                    [&](result& r) {
                                                      limit_memory(memory_cap);
                                                      run_pipeline(r, p, pipeline_part::full);
                                                    }});
  header_row("[C] PHOLD, " + group(p.processes) + " processes, " + short_count(p.messages) +
                 " messages, Lamport + HLC: hbsim run (default) beside ROSS",
             {"run wall (s)", "deliveries/s", "ns/delivery", "/ ROSS", "peak RSS (MiB)"});
  if (!v.check(rs[0], "minimal engine")) return;
  const auto line = [&](const char* name, const result& r) {
    const double dps = per_second(r.deliveries, r.run_seconds);
    row(name, {fixed(r.run_seconds, 3), group(dps), fixed(ns_per_delivery(r), 0), fixed(dps / ross_rate, 3),
               mib(r.peak_kb)});
  };
  line("minimal engine (Lamport + HLC)", rs[0]);
  row("ROSS (constant, see below)", {"", group(ross_rate), fixed(1e9 / ross_rate, 0), "1.000"});
  if (!rs[1].ok && may_be_refused) {
    std::printf("  hbsim run (default): not supported by this build: %s\n", rs[1].error);
    return;
  }
  if (!v.check(rs[1], "hbsim run (default)")) return;
  line("hbsim run (default)", rs[1]);
  const double dps = per_second(rs[1].deliveries, rs[1].run_seconds);
  row("hbsim / minimal", {"", fixed(dps / per_second(rs[0].deliveries, rs[0].run_seconds), 3)});
  v.target(dps >= 3 * ross_rate, "hbsim run (default, all clocks judged) >= 3x ROSS at " + group(p.processes) +
                                     " processes: measured " + fixed(dps / ross_rate, 3) + "x");
  if (p.processes < 1'000'000) return;
  // Issue 11's million processes: half the minimal engine's rate, and 1.2 KB of memory per process.
  const double ratio = dps / per_second(rs[0].deliveries, rs[0].run_seconds);
  v.target(ratio >= 0.5, "hbsim run (default) >= 0.5x the minimal engine at " + group(p.processes) +
                             " processes: measured " + fixed(ratio, 3) + "x");
  const double bytes = static_cast<double>(rs[1].peak_kb) * 1024 / static_cast<double>(p.processes);
  v.target(bytes <= 1200, "hbsim run (default) peak memory <= 1.2 KB per process at " + group(p.processes) +
                              " processes: measured " + fixed(bytes, 0) + " bytes");
}

inline void ross_compare(const options& o, verdicts& v) {
  ross_case(o, pipeline_phold(o.ross_processes, o.ross_messages, o.seed, false), ross_small_rate, false, v);
  ross_case(o, pipeline_phold(o.ross_large_processes, o.ross_large_messages, o.seed, false), ross_large_rate, true, v);
  std::printf("  ROSS: %s: %s deliveries/s at 1,024 LPs, %s at 1,048,576 LPs%s.\n", ross_source,
              group(ross_small_rate).c_str(), group(ross_large_rate).c_str(),
              o.quick ? " (--quick runs smaller sizes: compare with care)" : "");
}

// [A], [B], [C].
inline void what_users_run(const options& o, verdicts& v) {
  print_pipeline_preamble();
  if (o.only.empty() || o.only == "default") {
    pipeline_cost(o, pipeline_phold(o.pipeline_processes, o.pipeline_messages, o.seed), "[A]", 0.5, v);
    pipeline_cost(o, pipeline_phold(o.pipeline_small_processes, o.pipeline_small_messages, o.seed), "[B]", 0.8, v);
  }
  if (o.only.empty() || o.only == "ross") ross_compare(o, v);
}

}  // namespace bench
