// hbsim_bench's [9]: hbsim sweep's rate on every CPU against one, and its cost per run against the call `hbsim run`
// makes, on many seeds of a small scenario.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_child.hpp"
#include "bench_options.hpp"
#include "bench_report.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/run/sweep.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace bench {

// Eight processes, 500 random events: a run of a few hundred microseconds, as in a night of seeds.
inline constexpr const char* sweep_scenario = R"({"hbsim": 1, "name": "bench-sweep",
  "processes": ["a", "b", "c", "d", "e", "f", "g", "h"], "network": {"delay": {"dist": "exponential", "mean": "1ms"}},
  "generate": {"kind": "random", "events": 500, "send_ratio": 0.5, "interval": "1ms"}})";

// `hbsim run --seed S` for each seed, in this process: the default pipeline, judges on their own thread.
inline void run_each(result& r, const std::string& file, std::uint64_t seeds) {
  const hbsim::scenario s = hbsim::load_scenario(file);
  const auto t0 = clock_type::now();
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    hbsim::run_options o;
    o.seed = seed;
    const hbsim::run_outcome out = hbsim::run_scenario(s, o);
    r.events += out.ok() ? 1 : 0;
  }
  r.run_seconds = seconds_since(t0);
  r.ok = r.events == seeds;
  if (!r.ok) set_error(r, "a run of the bench's sweep scenario failed");
}

inline void sweep_on(result& r, const std::string& file, std::uint64_t seeds, unsigned jobs) {
  const hbsim::sweep sw(file, {}, 1, seeds);
  std::atomic<bool> stop{false};
  const auto t0 = clock_type::now();
  const auto results = sw.run_all(jobs, stop, false, [](std::size_t, const hbsim::sweep_result&) {});
  r.run_seconds = seconds_since(t0);
  for (const auto& x : results) r.events += x && x->ok ? 1 : 0;
  r.ok = r.events == seeds;
  if (!r.ok) set_error(r, "a run of the bench's sweep failed");
}

inline void sweep_cost(const options& o, verdicts& v) {
  const std::string file = "/tmp/hbsim-bench-sweep-" + std::to_string(::getpid()) + ".json";
  std::ofstream(file) << sweep_scenario;
  const unsigned cpus = hbsim::usable_cpus();
  const std::uint64_t n = o.sweep_seeds;
  const auto rs = best_of(o.repeat, {[&](result& r) { run_each(r, file, n); },
                                     [&](result& r) { sweep_on(r, file, n, 1); },
                                     [&](result& r) { sweep_on(r, file, n, cpus); }});
  std::filesystem::remove(file);
  header_row("[9] hbsim sweep, " + group(static_cast<double>(n)) +
                 " seeds of 8 processes x 500 random events: on " + std::to_string(cpus) + " CPUs, on one, and " +
                 "run_scenario once per seed (what hbsim run calls)",
             {"sweep, all CPUs", "sweep --jobs 1", "run per seed"});
  if (!v.check(rs[0], "runs one by one") || !v.check(rs[1], "sweep --jobs 1") || !v.check(rs[2], "sweep")) return;
  const auto runs_per_second = [](const result& r) { return per_second(r.events, r.run_seconds); };
  row("runs/s", {group(runs_per_second(rs[2])), group(runs_per_second(rs[1])), group(runs_per_second(rs[0]))});
  row("us/run", {fixed(1e6 / runs_per_second(rs[2]), 1), fixed(1e6 / runs_per_second(rs[1]), 1),
                 fixed(1e6 / runs_per_second(rs[0]), 1)});
  const double speedup = runs_per_second(rs[2]) / runs_per_second(rs[1]);
  const double cost = runs_per_second(rs[0]) / runs_per_second(rs[1]);
  row("all CPUs / one", {fixed(speedup, 2)});
  if (cpus >= 2)
    v.target(speedup >= 1.7, "hbsim sweep on " + std::to_string(cpus) + " CPUs >= 1.7x the rate on one: measured " +
                                 fixed(speedup, 2) + "x");
  v.target(cost <= 1.1, "hbsim sweep --jobs 1 costs no more per run than run_scenario (within 10%): measured " +
                            fixed(cost, 3) + "x");
}

}  // namespace bench
