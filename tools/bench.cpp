// hbsim_bench: throughput and memory of hbsim on the PHOLD workload, each figure printed next to a
// baseline measured in the same run. First what users run (bench_users.hpp):
//   [A] hbsim run's default pipeline (run_scenario: judges on their own thread, invariants, expectations,
//       the clock comparison, the trace's fingerprint), 1000 processes, and each of its parts, against
//       the minimal engine doing the same clock work (target: >= 0.5x the minimal engine; aim 1.0x);
//   [B] the same at 64 processes (target: >= 0.8x);
//   [C] Lamport + HLC at 1,024 and 1,048,576 processes beside ROSS's sequential PHOLD (aim: 3x ROSS).
// Then the kernel and each tool on their own:
//   [1] hbsim, 1000 processes, Lamport + vector + HLC, no trace, against [2] a minimal hand-written
//       engine doing the same clock work on the same workload (target: hbsim/minimal >= 0.5);
//   [3] hbsim, 64 processes, trace written to /dev/null, against the same run without a trace
//       (target: >= 1,000,000 events/s with the trace);
//   [4] peak memory at two run lengths (target: the longer run's peak RSS about equals the shorter's);
//   [5] hbsim with the online invariant checker on a thread of its own (as hbsim run does) and on
//       the run's thread, against the same run without (target: at most 1.5x, on its own thread);
//   [6] hbsim, 64 processes, 1M events, with the clock comparison report, against the same run
//       without (target: the run with its report within 10 s);
//   [7] the same run exported to GraphML and to node-link JSON while it proceeds, against the run
//       alone (target: each within 20 s), with the bytes written per second;
//   [8] a 10M-event trace of 64 processes read back by hbsim check's invariant checker and into the
//       HB graph, against the reader alone (targets: >= 1M events/s checked; <= 16 bytes per edge).
// Every engine runs in a fresh child process (fork), so that peak RSS figures never mix.
// This is a benchmark, not a test: the numbers depend on the machine and on its load.
// The child processes, the minimal engine, the options and the report's formatting are in bench_*.hpp.

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench_callgrind.hpp"
#include "bench_child.hpp"
#include "bench_minimal.hpp"
#include "bench_options.hpp"
#include "bench_report.hpp"
#include "bench_sweep.hpp"
#include "bench_users.hpp"
#include "hbsim/core/distribution.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "engine/observer_thread.hpp"
#include "hbsim/engine/simulation.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/scenario/workload.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "hbsim/views/exporter.hpp"

namespace bench {
namespace {

// ---------------------------------------------------------------------------------------------
// hbsim.

hbsim::scenario make_phold(const phold_params& p) {
  hbsim::scenario s;
  s.name = "bench-phold";
  s.seed = p.seed;
  s.max_events = hbsim::limits::max_events;
  s.processes.reserve(p.processes);
  for (std::uint32_t i = 0; i < p.processes; ++i) {
    hbsim::process_spec spec;
    spec.name = "p";
    spec.name += std::to_string(i);  // not "p" + ...: GCC 12 at -O3 warns falsely (-Wrestrict) on that
    s.processes.push_back(std::move(spec));
  }
  s.network.defaults.delay = hbsim::distribution::exponential(p.delay_mean_ns);
  hbsim::phold_generator g;
  g.population = 1;
  g.messages = p.messages;
  g.think = hbsim::distribution::exponential(p.think_mean_ns);
  g.remote = p.remote;
  s.generate.push_back(g);
  return s;
}

// Clock sanity after a canonical run without faults: every event ticks its own vector entry once,
// so the diagonal adds up to the number of events, and Lamport values are at least each process's count.
bool hbsim_clocks_consistent(const hbsim::simulation& sim, std::uint64_t events) {
  const auto& clocks = sim.clocks();
  std::uint64_t diagonal = 0;
  const std::size_t n = sim.process_names().size();
  for (hbsim::process_id p = 0; p < n; ++p) {
    const std::uint32_t own = clocks.vector()->value(p).at(p);
    diagonal += own;
    if (clocks.lamport()->value(p) < own) return false;
  }
  return diagonal == events;
}

// What watches an hbsim run besides the kernel's own counting.
struct watchers {
  std::string trace_path;     // "": no trace
  bool check = false;         // the online invariant checker
  bool judge_thread = true;   // on a thread of its own, as hbsim run does; else on the run's thread
  bool report = false;        // the clock comparison report
  std::string export_format;  // "": no export; else written to export_path
  std::string export_path;

  static watchers traced(std::string path) {
    watchers w;
    w.trace_path = std::move(path);
    return w;
  }
  static watchers checked(bool judge_thread) {
    watchers w;
    w.check = true;
    w.judge_thread = judge_thread;
    return w;
  }
  static watchers reported() {
    watchers w;
    w.report = true;
    w.judge_thread = false;  // on the run's thread: the report's own cost
    return w;
  }
  static watchers exported(std::string format, std::string path) {
    watchers w;
    w.export_format = std::move(format);
    w.export_path = std::move(path);
    return w;
  }
};

void run_hbsim(result& r, const phold_params& p, const watchers& w = {}) {
  const auto t0 = clock_type::now();
  const hbsim::scenario sc = make_phold(p);
  hbsim::simulation sim(sc);
  std::unique_ptr<hbsim::trace_writer> writer;
  if (!w.trace_path.empty()) {
    writer = std::make_unique<hbsim::trace_writer>(w.trace_path);
    sim.observe(*writer);
  }
  hbsim::causality truth;
  hbsim::invariant_checker checker(truth);
  hbsim::clock_report clocks(truth);
  std::unique_ptr<hbsim::exporter> exporter;
  if (!w.export_format.empty()) {
    exporter = hbsim::make_exporter(w.export_format, w.export_path);
    exporter->read(truth);
  }
  // The exporter reads the ground truth too, after it.
  std::vector<hbsim::event_observer*> judges;
  if (w.check || w.report || exporter) judges.push_back(&truth);
  if (w.check) judges.push_back(&checker);
  if (w.report) judges.push_back(&clocks);
  if (exporter) judges.push_back(exporter.get());
  hbsim::observer_thread judge(judges);
  if (w.judge_thread)
    sim.observe(judge);
  else
    for (hbsim::event_observer* o : judges) sim.observe(*o);
  r.setup_seconds = seconds_since(t0);
  r.rss_built_kb = rss_kb();
  const std::uint64_t written0 = bytes_written_so_far();
  const auto t1 = clock_type::now();
  const hbsim::run_stats& st = sim.run();
  if (writer) writer->commit();  // the last flush is part of the run
  if (exporter) exporter->commit();
  r.run_seconds = seconds_since(t1);
  r.io_written = bytes_written_so_far() - written0;
  r.written = writer ? writer->bytes_written() : 0;
  if (exporter) r.written = std::filesystem::file_size(w.export_path);
  r.events = st.events;
  r.deliveries = st.delivered;
  r.sends = st.by_kind[static_cast<int>(hbsim::event_kind::send)];
  if (r.deliveries != p.messages || r.sends != p.messages || r.events != 2 * p.messages) {
    set_error(r, "unexpected counts: " + std::to_string(r.sends) + " sends, " + std::to_string(r.deliveries) +
                     " deliveries, " + std::to_string(r.events) + " events");
    return;
  }
  if (!hbsim_clocks_consistent(sim, st.events)) {
    set_error(r, "hbsim clocks inconsistent after the run");
    return;
  }
  if (w.check && !checker.violations().empty()) {
    set_error(r, "the invariant checker reported violations on canonical clocks");
    return;
  }
  // Physical clocks are exact and canonical Lamport holds its clock condition: a → b never has
  // pt(a) > pt(b) nor L(a) >= L(b) here.
  const hbsim::clock_comparison& c = clocks.result();
  if (w.report && (c.events != st.events || c.related + c.concurrent != c.pairs || c.related == 0 || c.pt_inverted != 0 ||
                 c.lamport_related_not_below != 0)) {
    set_error(r, "the clock report's counts are inconsistent with exact clocks");
    return;
  }
  r.ok = true;
}

// Counts what a replay delivers, so that every replay reports its events whatever else watches it.
struct event_counter final : hbsim::event_observer {
  void on_event(const hbsim::event_record&) override { ++events; }
  std::uint64_t events = 0;
};

enum class replay_with { nothing, checker, graph };

// Reads a trace back (hbsim check and the HB graph do the same) into the checker or the graph builder.
void replay_trace(result& r, const std::string& path, replay_with what) {
  const auto t0 = clock_type::now();
  hbsim::trace_reader reader(path);
  event_counter counter;
  hbsim::causality truth;
  hbsim::invariant_checker checker(truth);
  hbsim::hb_graph_builder builder(path);
  std::vector<hbsim::event_observer*> observers{&counter};
  if (what == replay_with::checker) observers.insert(observers.end(), {&truth, &checker});
  if (what == replay_with::graph) observers.push_back(&builder);
  r.setup_seconds = seconds_since(t0);
  r.rss_built_kb = rss_kb();
  const auto t1 = clock_type::now();
  reader.replay(observers);
  if (what == replay_with::graph) {
    const hbsim::hb_graph g = builder.build();
    r.run_seconds = seconds_since(t1);
    r.edges = g.edge_count();
    r.graph_bytes = g.memory().graph;
    r.graph_total_bytes = g.memory().total();
  } else {
    r.run_seconds = seconds_since(t1);
  }
  r.events = counter.events;
  if (what == replay_with::checker && !checker.violations().empty()) {
    set_error(r, "the invariant checker reported violations in a trace of canonical clocks");
    return;
  }
  r.ok = true;
}

// The baseline of [8]: `wc -l` over the same file, as fast as its lines can be counted at all. Its
// lines go to r.events.
void count_lines(result& r, const std::string& path) {
  const auto t0 = clock_type::now();
  std::FILE* out = ::popen(("wc -l < " + quoted(path)).c_str(), "r");
  unsigned long long lines = 0;
  const bool counted = out && std::fscanf(out, "%llu", &lines) == 1;
  const int status = out ? ::pclose(out) : -1;
  r.run_seconds = seconds_since(t0);
  if (!counted || status != 0) {
    set_error(r, "wc -l did not count the lines");
    return;
  }
  r.events = lines;
  r.ok = true;
}

// `hbsim check FILE` itself, the command users run (the binary built beside this one), timed whole as
// `wc -l` is: start, reading, judging, the summary. Its result is the exit code.
void check_command(result& r, const std::string& path) {
  const auto t0 = clock_type::now();
  const int status = std::system((quoted(hbsim_beside_bench()) + " check " + quoted(path) + " > /dev/null").c_str());
  r.run_seconds = seconds_since(t0);
  if (status != 0) {
    set_error(r, "hbsim check did not pass the trace");
    return;
  }
  r.ok = true;
}

// ---------------------------------------------------------------------------------------------
// The parts of the report, each its runs, its table and its targets.

// The workloads of the parts, from the options.
struct workloads {
  phold_params big;        // [1,2], [4], [5]: 1000 processes
  phold_params traced;     // [3], and with their own lengths [6], [7], [8]: 64 processes
  phold_params short_run;  // [4]: half and twice the big run
  phold_params long_run;

  explicit workloads(const options& o) {
    big.processes = o.processes;
    big.messages = o.messages;
    big.seed = o.seed;
    traced = big;
    traced.processes = o.trace_processes;
    traced.messages = o.trace_messages;
    short_run = big;
    short_run.messages = std::max<std::uint64_t>(1, o.messages / 2);
    long_run = big;
    long_run.messages = 2 * o.messages;
  }
  phold_params traced_with(std::uint64_t messages) const {
    phold_params p = traced;
    p.messages = messages;
    return p;
  }
};

std::string size_text(const phold_params& p) {
  return group(p.processes) + " processes, " + short_count(p.messages) + " messages";
}

void print_preamble(const options& o) {
  std::printf("hbsim bench%s\n"
              "[1]-[8] PHOLD: population 1 per process, think exponential(mean 1ms), network delay\n"
              "exponential(mean 1ms), remote 0.9, seed %llu; Lamport + vector + HLC on every event. Each run is a\n"
              "fresh forked child; wall times cover the event loop only; timed comparisons keep the best of %d\n"
              "interleaved runs.\n"
              "CPUs online: %ld, load average before: %s\n",
              o.quick ? " --quick (small sizes: the figures are only indicative)" : "",
              static_cast<unsigned long long>(o.seed), o.repeat, sysconf(_SC_NPROCESSORS_ONLN),
              load_average().c_str());
}

// [1] + [2]: hbsim against the minimal engine, on the same workload.
void compare_engines(const options& o, const workloads& w, verdicts& v) {
  const auto rs = best_of(o.repeat, {[&](result& r) { run_hbsim(r, w.big); },
                                     [&](result& r) { run_minimal(r, w.big); }});
  const result& h = rs[0];
  const result& m = rs[1];
  header_row("[1,2] PHOLD, " + size_text(w.big) + ", three clocks, no trace: hbsim against the minimal engine",
             {"hbsim", "minimal", "hbsim/minimal"});
  const bool h_ok = v.check(h, "hbsim run");
  const bool m_ok = v.check(m, "minimal run");
  if (!h_ok || !m_ok) return;
  engine_rows({&h, &m});
  const double hd = per_second(h.deliveries, h.run_seconds);
  const double md = per_second(m.deliveries, m.run_seconds);
  row("deliveries/s ratio", {"", "", fixed(hd / md, 3)});
  v.target(hd / md >= 0.5, "hbsim/minimal deliveries per second >= 0.5: measured " + fixed(hd / md, 3) + " (" +
                               group(hd) + " vs " + group(md) + " deliveries/s)");
}

// --only hbsim, --only minimal: one engine alone, for profiling.
void one_engine(const options& o, const workloads& w, verdicts& v) {
  const bool hbsim = o.only == "hbsim";
  const auto rs = best_of(o.repeat, {[&](result& r) {
                            if (hbsim)
                              run_hbsim(r, w.big);
                            else
                              run_minimal(r, w.big);
                          }});
  header_row("[" + std::string(hbsim ? "1" : "2") + "] PHOLD, " + size_text(w.big) + ", three clocks, no trace",
             {o.only});
  if (v.check(rs[0], o.only.c_str())) engine_rows({&rs[0]});
}

// [3]: the trace to /dev/null, against the same run without it.
void trace_cost(const options& o, const workloads& w, verdicts& v) {
  const auto rs = best_of(o.repeat, {[&](result& r) { run_hbsim(r, w.traced, watchers::traced(o.trace_path)); },
                                     [&](result& r) { run_hbsim(r, w.traced); }});
  const result& with = rs[0];
  const result& plain = rs[1];
  header_row("[3] PHOLD, " + size_text(w.traced) + ", hbsim with the trace to " + o.trace_path + " against no trace",
             {"with trace", "no trace", "with/without"});
  const bool with_ok = v.check(with, "traced run");
  const bool plain_ok = v.check(plain, "untraced run");
  if (!with_ok || !plain_ok) return;
  engine_rows({&with, &plain});
  const double eps = per_second(with.events, with.run_seconds);
  const double per_event = with.events ? static_cast<double>(with.written) / static_cast<double>(with.events) : 0;
  row("events/s ratio", {"", "", fixed(eps / per_second(plain.events, plain.run_seconds), 3)});
  row("trace bytes written", {group(static_cast<double>(with.written)), group(static_cast<double>(plain.written))});
  row("bytes written, /proc/self/io", {group(static_cast<double>(with.io_written)),
                                       group(static_cast<double>(plain.io_written))});
  row("trace bytes/event", {fixed(per_event, 1)});
  row("trace MB/s", {fixed(per_second(with.written, with.run_seconds) / 1e6, 1)});
  v.target(eps >= 1e6, "events/s with the trace to " + o.trace_path + " >= 1,000,000: measured " + group(eps) +
                           " (" + fixed(per_event, 1) + " bytes/event; " +
                           group(per_second(plain.events, plain.run_seconds)) + " events/s without the trace)");
}

// [4]: memory must follow the processes and the messages in flight, not the run's length.
void memory_growth(const workloads& w, verdicts& v) {
  const result hs = in_child([&](result& r) { run_hbsim(r, w.short_run); });
  const result hl = in_child([&](result& r) { run_hbsim(r, w.long_run); });
  const result ms = in_child([&](result& r) { run_minimal(r, w.short_run); });
  const result ml = in_child([&](result& r) { run_minimal(r, w.long_run); });
  const std::string short_size = short_count(w.short_run.messages), long_size = short_count(w.long_run.messages);
  header_row("[4] memory against run length, " + group(w.big.processes) + " processes, one run each",
             {"hbsim " + short_size, "hbsim " + long_size, "minimal " + short_size, "minimal " + long_size});
  const bool oks[] = {v.check(hs, "hbsim short run"), v.check(hl, "hbsim long run"),
                      v.check(ms, "minimal short run"), v.check(ml, "minimal long run")};
  if (!std::all_of(std::begin(oks), std::end(oks), [](bool b) { return b; })) return;
  engine_rows({&hs, &hl, &ms, &ml});
  const double ratio = static_cast<double>(hl.peak_kb) / static_cast<double>(hs.peak_kb);
  row("peak RSS ratio, long/short", {"", fixed(ratio, 3), "",
                                     fixed(static_cast<double>(ml.peak_kb) / static_cast<double>(ms.peak_kb), 3)});
  // "About equal": within 10% of the shorter run's peak, or 4 MiB for small runs.
  const bool ok = hl.peak_kb <= std::max<long>(hs.peak_kb + hs.peak_kb / 10, hs.peak_kb + 4096);
  v.target(ok, "hbsim peak RSS does not grow with run length: " + mib(hl.peak_kb) + " MiB at " + long_size +
                   " messages vs " + mib(hs.peak_kb) + " MiB at " + short_size + " (ratio " + fixed(ratio, 3) +
                   "; allowed 1.10 or +4 MiB)");
}

// [5]: online checking of every invariant, against the same run without it: on a thread of its own
// (as hbsim run does), and on the run's thread (the work it takes, whatever the cores).
void checking_cost(const options& o, const workloads& w, verdicts& v) {
  const auto rs = best_of(o.repeat, {[&](result& r) { run_hbsim(r, w.big, watchers::checked(true)); },
                                     [&](result& r) { run_hbsim(r, w.big, watchers::checked(false)); },
                                     [&](result& r) { run_hbsim(r, w.big); }});
  header_row("[5] PHOLD, " + size_text(w.big) + ": hbsim with the online invariant checker against without",
             {"own thread", "run's thread", "unchecked"});
  if (!v.check(rs[0], "checked run") || !v.check(rs[1], "checked run, one thread") || !v.check(rs[2], "unchecked run"))
    return;
  engine_rows({&rs[0], &rs[1], &rs[2]});
  const double cost = rs[0].run_seconds / rs[2].run_seconds;
  const double one_thread = rs[1].run_seconds / rs[2].run_seconds;
  row("wall time / unchecked", {fixed(cost, 3), fixed(one_thread, 3), ""});
  v.target(cost <= 1.5, "online checking costs at most 1.5x the run: measured " + fixed(cost, 3) +
                            "x (checker on its own thread; " + fixed(one_thread, 3) + "x on the run's thread)");
}

// [6]: the clock comparison report, against the same run without it.
void report_cost(const options& o, const workloads& w, verdicts& v) {
  const phold_params reported = w.traced_with(o.report_messages);
  const auto rs = best_of(o.repeat, {[&](result& r) { run_hbsim(r, reported, watchers::reported()); },
                                     [&](result& r) { run_hbsim(r, reported); }});
  header_row("[6] PHOLD, " + group(reported.processes) + " processes, " + short_count(2 * reported.messages) +
                 " events: hbsim with the clock comparison report against without",
             {"report", "no report", "report/none"});
  if (!v.check(rs[0], "run with the report") || !v.check(rs[1], "run without the report")) return;
  engine_rows({&rs[0], &rs[1]});
  row("wall time ratio", {"", "", fixed(rs[0].run_seconds / rs[1].run_seconds, 3)});
  row("the report's own time (s)", {fixed(rs[0].run_seconds - rs[1].run_seconds, 3)});
  v.target(rs[0].run_seconds < 10.0, "the run with its clock report within 10 s: measured " +
                                         fixed(rs[0].run_seconds, 3) + " s for " + group(static_cast<double>(rs[0].events)) +
                                         " events (" + fixed(rs[1].run_seconds, 3) + " s without the report)");
}

// [7]: GraphML and node-link JSON exports written while the run proceeds, against the run alone.
void export_cost(const options& o, const workloads& w, verdicts& v) {
  const phold_params exported = w.traced_with(o.export_messages);
  const std::string graphml = o.export_dir + "/hbsim-bench-" + std::to_string(::getpid()) + ".graphml";
  const std::string json = o.export_dir + "/hbsim-bench-" + std::to_string(::getpid()) + ".json";
  const auto rs = best_of(o.repeat, {[&](result& r) { run_hbsim(r, exported, watchers::exported("graphml", graphml)); },
                                     [&](result& r) { run_hbsim(r, exported, watchers::exported("json", json)); },
                                     [&](result& r) { run_hbsim(r, exported); }});
  std::filesystem::remove(graphml);
  std::filesystem::remove(json);
  header_row("[7] PHOLD, " + group(exported.processes) + " processes, " + short_count(2 * exported.messages) +
                 " events exported to " + o.export_dir + ", against the run alone",
             {"graphml", "json", "run alone"});
  if (!v.check(rs[0], "graphml export") || !v.check(rs[1], "json export") || !v.check(rs[2], "run alone")) return;
  engine_rows({&rs[0], &rs[1], &rs[2]});
  row("bytes written", {group(static_cast<double>(rs[0].written)), group(static_cast<double>(rs[1].written))});
  row("MB/s written", {fixed(per_second(rs[0].written, rs[0].run_seconds) / 1e6, 1),
                       fixed(per_second(rs[1].written, rs[1].run_seconds) / 1e6, 1)});
  row("bytes/event", {fixed(static_cast<double>(rs[0].written) / static_cast<double>(rs[0].events), 1),
                      fixed(static_cast<double>(rs[1].written) / static_cast<double>(rs[1].events), 1)});
  for (int i = 0; i < 2; ++i)
    v.target(rs[i].run_seconds < 20.0, std::string(i == 0 ? "GraphML" : "node-link JSON") +
                                           " export of the run within 20 s: measured " + fixed(rs[i].run_seconds, 3) +
                                           " s, run included (" + fixed(rs[2].run_seconds, 3) + " s alone)");
}

// [8]: a trace read back: hbsim check's invariant checker and the HB graph, against the reader alone.
void replay_cost(const options& o, const workloads& w, verdicts& v) {
  const phold_params replayed = w.traced_with(o.replay_messages);
  const result written = in_child([&](result& r) { run_hbsim(r, replayed, watchers::traced(o.replay_path)); });
  std::vector<result> rs;
  if (v.check(written, "writing the trace"))
    rs = best_of(o.repeat, {[&](result& r) { replay_trace(r, o.replay_path, replay_with::checker); },
                            [&](result& r) { replay_trace(r, o.replay_path, replay_with::graph); },
                            [&](result& r) { replay_trace(r, o.replay_path, replay_with::nothing); },
                            [&](result& r) { count_lines(r, o.replay_path); },
                            [&](result& r) { check_command(r, o.replay_path); }});
  std::filesystem::remove(o.replay_path);
  header_row("[8] a trace of PHOLD, " + group(replayed.processes) + " processes, " +
                 short_count(2 * replayed.messages) + " events (" + group(static_cast<double>(written.written)) +
                 " bytes), read back: hbsim check, the HB graph, against the reader alone",
             {"check", "HB graph", "reader alone"});
  if (rs.empty() || !v.check(rs[0], "check") || !v.check(rs[1], "HB graph") || !v.check(rs[2], "reader alone") ||
      !v.check(rs[3], "wc -l") || !v.check(rs[4], "hbsim check, the command"))
    return;
  engine_rows({&rs[0], &rs[1], &rs[2]});
  // Lines per second, against `wc -l` on the same file in the same run: the same lines, so the ratio of
  // the speeds is that of the times.
  const auto lines = static_cast<double>(rs[3].events);
  row("lines/s (wc -l: " + group(lines / rs[3].run_seconds) + ")",
      {group(lines / rs[0].run_seconds), group(lines / rs[1].run_seconds), group(lines / rs[2].run_seconds)});
  row("speed against wc -l", {fixed(rs[3].run_seconds / rs[0].run_seconds, 2) + "x",
                              fixed(rs[3].run_seconds / rs[1].run_seconds, 2) + "x",
                              fixed(rs[3].run_seconds / rs[2].run_seconds, 2) + "x"});
  row("`hbsim check FILE`, the command: lines/s", {group(lines / rs[4].run_seconds)});
  row("the command against wc -l", {fixed(rs[3].run_seconds / rs[4].run_seconds, 2) + "x"});
  const double per_edge = static_cast<double>(rs[1].graph_bytes) / static_cast<double>(rs[1].edges);
  row("HB graph edges", {"", group(static_cast<double>(rs[1].edges))});
  row("CSR bytes/edge", {"", fixed(per_edge, 2)});
  row("graph, all it holds, bytes/event",
      {"", fixed(static_cast<double>(rs[1].graph_total_bytes) / static_cast<double>(rs[1].events), 1)});
  const double eps = per_second(rs[0].events, rs[0].run_seconds);
  v.target(eps >= 1e6, "hbsim check reads and judges >= 1,000,000 events/s: measured " + group(eps) +
                           " (the reader alone: " + group(per_second(rs[2].events, rs[2].run_seconds)) + ")");
  v.target(rs[3].run_seconds / rs[4].run_seconds >= 0.5,
           "hbsim check FILE reads lines >= 0.5x as fast as wc -l on the same file: measured " +
               fixed(rs[3].run_seconds / rs[4].run_seconds, 2) + "x (its replay in this process: " +
               fixed(rs[3].run_seconds / rs[0].run_seconds, 2) + "x; the reader alone, which report and export share: " +
               fixed(rs[3].run_seconds / rs[2].run_seconds, 2) + "x)");
  v.target(per_edge <= 16.0, "the HB graph takes <= 16 bytes per edge: measured " + fixed(per_edge, 2));
}

// The last line and the exit code: 3 when a run failed, 1 under --strict when a target is not met.
int conclude(const verdicts& v, bool strict) {
  std::printf("\n");
  if (v.failed > 0) {
    std::printf("bench: FAILED (%d run(s) did not complete)\n", v.failed);
    return 3;
  }
  if (v.not_met > 0) {
    std::printf("bench: NOT MET (%d of %d targets)\n", v.not_met, v.met + v.not_met);
    return strict ? 1 : 0;
  }
  std::printf("bench: ok (%d target%s met)\n", v.met, v.met == 1 ? "" : "s");
  return 0;
}

}  // namespace

// Every part, or the one --only names.
int run(const options& o) {
  const workloads w(o);
  print_preamble(o);
  verdicts v;
  const bool all = o.only.empty();
  if (all || o.only == "default" || o.only == "ross") what_users_run(o, v);
  if (all)
    compare_engines(o, w, v);
  else if (o.only == "hbsim" || o.only == "minimal")
    one_engine(o, w, v);
  if (all || o.only == "trace") trace_cost(o, w, v);
  if (all || o.only == "memory") memory_growth(w, v);
  if (all || o.only == "check") checking_cost(o, w, v);
  if (all || o.only == "report") report_cost(o, w, v);
  if (all || o.only == "export") export_cost(o, w, v);
  if (all || o.only == "replay") replay_cost(o, w, v);
  if (all || o.only == "sweep") sweep_cost(o, v);
  return conclude(v, o.strict);
}

}  // namespace bench

int main(int argc, char** argv) {
  bench::options o;
  if (!bench::parse_options(argc, argv, o)) return 2;
  if (o.callgrind) return bench::callgrind_counts(o);
  return bench::run(o);
}
