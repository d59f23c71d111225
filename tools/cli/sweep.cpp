// hbsim sweep: a scenario run for every seed of a range and every combination of --set values, on threads
// (SPEC §11); results as JSON Lines, failures grouped with the command line that makes each again.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/output_file.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/run/sweep.hpp"
#include "hbsim/views/sweep_plot.hpp"
#include "json_output.hpp"
#include "subcommand.hpp"
#include "sweep_mpi.hpp"

namespace hbsim::cli {

namespace {

struct sweep_args {
  std::string file;
  std::string seeds;
  std::vector<std::string> sets;
  unsigned jobs = 0;
  std::string out;
  std::string csv;
  std::string plot;
  bool json = false;
  bool stop_on_failure = false;
  bool mpi = false;

  void add_to(CLI::App& cmd);
};

// At most this many runs in one sweep: each result is kept until the end, in order.
constexpr std::uint64_t max_runs = 10'000'000;

std::pair<std::uint64_t, std::uint64_t> seed_range(const std::string& text) {
  const auto wrong = [&] {
    return input_error("--seeds", "", "A..B, two unsigned integers with A <= B, e.g. 1..100", "\"" + text + "\"");
  };
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos) throw wrong();
  std::uint64_t a = 0, b = 0;
  const char* mid = text.data() + dots;
  const char* end = text.data() + text.size();
  const auto [stop_a, error_a] = std::from_chars(text.data(), mid, a);
  const auto [stop_b, error_b] = std::from_chars(mid + 2, end, b);
  if (dots == 0 || error_a != std::errc() || stop_a != mid || error_b != std::errc() || stop_b != end || mid + 2 == end ||
      a > b)
    throw wrong();
  return {a, b};
}

// Ctrl-C, or SIGTERM (kill, timeout, a CI job cancelled, mpirun passing on a Ctrl-C), ends the sweep after
// the runs under way, keeping what is done; hbsim then exits 128 + that signal, as if it had ended by it.
std::atomic<bool> interrupted{false};
std::atomic<int> interrupted_by{0};
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler may only store lock-free atomics");
extern "C" void on_interrupt(int sig) {
  interrupted_by.store(sig);
  interrupted.store(true);
}

struct failure_group {
  std::uint64_t runs = 0;
  std::size_t first = 0;  // the first failing cell, in (values, seed) order
};

void write_lines(const sweep& sw, const std::vector<std::optional<sweep_result>>& results, const std::string& path) {
  output_file out(path, "sweep results");
  for (std::size_t i = 0; i < results.size(); ++i)
    if (results[i]) out.write(sw.line(sw.cell(i), *results[i]).dump() + "\n");
  out.commit();
}

// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out.append(c == '"' ? "\"\"" : std::string(1, c));
  return out + "\"";
}

// The runs as a table: the seed, a column per --set path (its value as JSON), the verdict, a column per invariant
// violated in any run (its count), the writes lost and the longest hold-back when the runs have replicated data or
// delivery groups, then the rest of each line.
void write_csv(const sweep& sw, const std::vector<std::optional<sweep_result>>& results, const std::string& path) {
  std::vector<nlohmann::ordered_json> lines;
  std::set<std::string> invariants;
  for (std::size_t i = 0; i < results.size(); ++i)
    if (results[i]) {
      lines.push_back(sw.line(sw.cell(i), *results[i]));
      for (const auto& v : lines.back().at("violations").items()) invariants.insert(v.key());
    }
  std::vector<std::string> paths;
  for (const field_override& o : sw.overrides(sw.cell(0))) paths.push_back(o.path);
  const auto row = [](const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) out.append(i ? "," : "").append(csv_field(fields[i]));
    return out + "\n";
  };
  std::vector<std::string> header{"seed"};
  header.insert(header.end(), paths.begin(), paths.end());
  header.insert(header.end(), {"ok", "exit", "unmet"});
  header.insert(header.end(), invariants.begin(), invariants.end());
  const bool data = std::any_of(lines.begin(), lines.end(), [](const auto& l) { return l.contains("lost_updates"); });
  if (data) header.push_back("lost_updates");
  const bool held = std::any_of(lines.begin(), lines.end(), [](const auto& l) { return l.contains("held_back_ns"); });
  if (held) header.push_back("held_back_ns");
  header.insert(header.end(), {"events", "trace_sha256", "wall_seconds"});
  output_file out(path, "sweep results as CSV");
  out.write(row(header));
  for (const nlohmann::ordered_json& l : lines) {
    std::vector<std::string> fields{l.at("seed").dump()};
    for (const std::string& p : paths) fields.push_back(l.at("set").at(p).dump());
    fields.insert(fields.end(), {l.at("ok").dump(), l.at("exit").dump(), l.at("unmet").dump()});
    for (const std::string& name : invariants)
      fields.push_back(l.at("violations").contains(name) ? l.at("violations").at(name).dump() : "0");
    if (data) fields.push_back(l.contains("lost_updates") ? l.at("lost_updates").dump() : "");
    if (held) fields.push_back(l.contains("held_back_ns") ? l.at("held_back_ns").dump() : "");
    fields.insert(fields.end(), {l.at("events").dump(), l.at("trace_sha256").get<std::string>(), l.at("wall_seconds").dump()});
    out.write(row(fields));
  }
  out.commit();
}

// Per combination of values: how many runs failed, the violations they counted, HLC's largest epsilon, the writes
// lost when the runs have replicated data, the longest hold-back when they have delivery groups.
void print_by_value(std::ostream& out, const sweep& sw, const std::vector<std::optional<sweep_result>>& results) {
  if (sw.combinations() < 2) return;
  const std::vector<sweep_value_summary> rows = sw.by_value(results);
  const bool data = std::any_of(rows.begin(), rows.end(), [](const auto& r) { return r.lost_updates.has_value(); });
  const bool held = std::any_of(rows.begin(), rows.end(), [](const auto& r) { return r.max_held_back_ns.has_value(); });
  out << "by value   runs  failed  violations  max HLC epsilon  " << (data ? "lost updates  " : "")
            << (held ? "max held back  " : "") << "values\n";
  const auto cell = [](int width, const std::string& text) {
    char padded[64];
    std::snprintf(padded, sizeof padded, "%*s  ", width, text.c_str());
    return std::string(padded);
  };
  for (const sweep_value_summary& v : rows) {
    out << "           " << cell(4, std::to_string(v.runs)) << cell(6, std::to_string(v.failed))
              << cell(10, std::to_string(v.violations_total()))
              << cell(15, v.max_epsilon_ns ? format_duration(*v.max_epsilon_ns) : "-");
    if (data) out << cell(12, v.lost_updates ? std::to_string(*v.lost_updates) : "-");
    if (held) out << cell(13, v.max_held_back_ns ? format_duration(*v.max_held_back_ns) : "-");
    out << v.values << "\n";
  }
}

// The by-value table's rows in --json: the same columns, a field left out where the runs have no such thing.
nlohmann::json by_value_json(const std::vector<sweep_value_summary>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const sweep_value_summary& v : rows) {
    nlohmann::json set = nlohmann::json::object();  // as each --out line's "set"
    for (const field_override& o : v.set) set[o.path] = o.value;
    nlohmann::json r = {{"set", set}, {"values", v.values}, {"runs", v.runs}, {"failed", v.failed},
                        {"violations", v.violations},
                        {"max_hlc_epsilon_ns", v.max_epsilon_ns ? nlohmann::json(*v.max_epsilon_ns) : nlohmann::json()}};
    if (v.lost_updates) r["lost_updates"] = *v.lost_updates;
    if (v.max_held_back_ns) r["max_held_back_ns"] = *v.max_held_back_ns;
    out.push_back(std::move(r));
  }
  return out;
}

// The rows of the by-value table as a plot, each in its own panel: failed runs, violations by invariant, HLC's largest
// epsilon, lost updates and the longest hold-back when the runs have them.
void write_plot(const sweep_args& a, const sweep& sw, const std::vector<std::optional<sweep_result>>& results) {
  const std::vector<sweep_value_summary> rows = sw.by_value(results);
  sweep_plot plot;
  plot.title = "hbsim sweep: " + sw.file() + ", seeds " + a.seeds;
  for (const field_override& o : sw.overrides(sw.cell(0))) plot.x_label += (plot.x_label.empty() ? "" : ", ") + o.path;
  std::set<std::string> invariants;
  for (const sweep_value_summary& r : rows) {
    plot.x_values.push_back(r.values);
    for (const auto& v : r.violations) invariants.insert(v.first);
  }
  const auto measure = [&](std::string name, const auto& of) {
    plot_series s{std::move(name), {}};
    for (const sweep_value_summary& r : rows) s.points.push_back(r.runs ? of(r) : std::nullopt);
    return s;
  };
  plot.panels.push_back({"failed runs", {measure("failed runs", [](const sweep_value_summary& r) {
                                          return std::optional<double>(static_cast<double>(r.failed));
                                        })}});
  plot_panel violations{"violations", {}};
  for (const std::string& name : invariants)
    violations.series.push_back(measure(name, [&name](const sweep_value_summary& r) {
      const auto at = r.violations.find(name);
      return std::optional<double>(at == r.violations.end() ? 0 : static_cast<double>(at->second));
    }));
  if (!violations.series.empty()) plot.panels.push_back(std::move(violations));
  const plot_series epsilon = measure("max HLC epsilon", [](const sweep_value_summary& r) {
    return r.max_epsilon_ns ? std::optional<double>(static_cast<double>(*r.max_epsilon_ns)) : std::nullopt;
  });
  const auto any = [](const plot_series& s) {
    return std::any_of(s.points.begin(), s.points.end(), [](const auto& p) { return p.has_value(); });
  };
  if (any(epsilon)) plot.panels.push_back({"max HLC epsilon (ns)", {epsilon}});
  const plot_series lost = measure("lost updates", [](const sweep_value_summary& r) {
    return r.lost_updates ? std::optional<double>(static_cast<double>(*r.lost_updates)) : std::nullopt;
  });
  if (any(lost)) plot.panels.push_back({"lost updates", {lost}});
  const plot_series held = measure("max held back", [](const sweep_value_summary& r) {
    return r.max_held_back_ns ? std::optional<double>(static_cast<double>(*r.max_held_back_ns)) : std::nullopt;
  });
  if (any(held)) plot.panels.push_back({"max held back (ns)", {held}});
  output_file out(a.plot, "sweep plot");
  out.write(render_svg(plot));
  out.commit();
}

// The summary goes to `out`: standard error when an output (--out -) takes standard output.
int report(std::ostream& out, const sweep_args& a, const sweep& sw, const std::vector<std::optional<sweep_result>>& results) {
  std::map<std::string, failure_group> groups;
  std::uint64_t done = 0, failed = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]) continue;
    ++done;
    if (results[i]->ok) continue;
    ++failed;
    for (const std::string& why : results[i]->failures) {
      failure_group& g = groups.try_emplace(why, failure_group{0, i}).first->second;
      ++g.runs;
    }
  }
  if (a.json) {
    nlohmann::json j = {{"ok", failed == 0 && done == sw.size()}, {"runs", sw.size()}, {"done", done},
                        {"stopped_early", done < sw.size()}, {"failed", failed},
                        {"failures", nlohmann::json::array()}};
    for (const auto& [why, g] : groups)
      j["failures"].push_back({{"failure", why}, {"runs", g.runs}, {"first", sw.reproduce(sw.cell(g.first))}});
    if (sw.combinations() >= 2) j["by_value"] = by_value_json(sw.by_value(results));
    out << printed(j) << "\n";
  } else {
    out << "hbsim sweep: " << sw.file() << ", " << sw.size() << (sw.size() == 1 ? " run\n" : " runs\n");
    out << "runs       " << done << " done" << (done < sw.size() ? " (stopped early)" : "") << ", " << failed
              << " failed\n";
    for (const auto& [why, g] : groups)
      out << "  " << why << ": " << g.runs << (g.runs == 1 ? " run" : " runs") << "; first:\n    "
                << sw.reproduce(sw.cell(g.first)) << "\n";
    print_by_value(out, sw, results);
    out << "result     " << (failed ? "FAILED" : done < sw.size() ? "stopped" : "ok") << "\n";
  }
  if (failed) return cli::failed;
  return done < sw.size() && interrupted.load() ? 128 + interrupted_by.load() : ok;
}

int sweep_command(const sweep_args& a) {
  std::optional<mpi_job> job;
  if (a.mpi) job.emplace();
  const bool root = !job || job->root();
  const auto [first, last] = seed_range(a.seeds);
  std::vector<sweep_axis> axes;
  for (const std::string& s : a.sets) axes.push_back(parse_sweep_axis(s));
  const input_error too_many("--seeds", "", "at most " + std::to_string(max_runs) + " runs (seeds × values)", "more");
  if (last - first >= max_runs) throw too_many;
  std::uint64_t runs = last - first + 1;
  for (const sweep_axis& x : axes)
    if ((runs *= x.values.size()) > max_runs) throw too_many;
  std::vector<output_request> outputs;
  if (!a.out.empty()) outputs.push_back({"--out", a.out});
  if (!a.csv.empty()) outputs.push_back({"--csv", a.csv});
  if (!a.plot.empty()) outputs.push_back({"--plot", a.plot});
  if (!outputs.empty() && root) check_output_paths(std::span(&a.file, 1), outputs);
  const output_request* const piped = stdout_output(outputs, a.json);
  const auto make = [&, from = first, to = last] { return sweep(a.file, axes, from, to); };
  const std::optional<sweep> made = job ? job->make_sweep(make) : std::optional<sweep>(make());
  if (!made) return ok;  // another rank could not make it: rank 0 says so
  const sweep& sw = *made;
  const bool progress = root && ::isatty(STDERR_FILENO) != 0;
  std::uint64_t finished = 0;
  const auto done = [&](std::size_t, const sweep_result&) {
    if (progress) std::fprintf(stderr, "\r  %llu of %zu runs ", static_cast<unsigned long long>(++finished), sw.size());
  };
  interrupted.store(false);
  // A signal ignored when hbsim started (nohup) stays so. mpirun turns a Ctrl-C into SIGTERM to every rank,
  // then SIGKILL a second later (odls_base_sigkill_timeout).
  const auto previous = std::signal(SIGINT, on_interrupt);
  if (previous == SIG_IGN) std::signal(SIGINT, SIG_IGN);
  const auto previous_term = std::signal(SIGTERM, on_interrupt);
  if (previous_term == SIG_IGN) std::signal(SIGTERM, SIG_IGN);
  const unsigned jobs = a.jobs ? a.jobs : usable_cpus();
  const auto results = job ? job->run_all(sw, jobs, interrupted, a.stop_on_failure, done)
                           : sw.run_all(jobs, interrupted, a.stop_on_failure, done);
  std::signal(SIGINT, previous);
  std::signal(SIGTERM, previous_term);
  if (!root) return ok;
  if (progress) std::fprintf(stderr, "\r\033[K");
  if (!a.out.empty()) write_lines(sw, results, a.out);
  if (!a.csv.empty()) write_csv(sw, results, a.csv);
  if (!a.plot.empty()) write_plot(a, sw, results);
  return report(piped ? std::cerr : std::cout, a, sw, results);
}

void sweep_args::add_to(CLI::App& cmd) {
  cmd.add_option("scenario", file, "scenario file (JSON)")->required();
  cmd.add_option("--seeds", seeds, "the seeds, A..B (both included)")->required();
  CLI::Option* set = cmd.add_option("--set", sets,
                 "PATH=V1,V2,...: run each value of a scenario field (JSON pointer; values JSON or else strings, "
                 "split at the commas outside them); repeatable, every combination is run");
  cmd.add_option("--jobs", jobs, "runs at a time (default: the CPUs this process may use)")
      ->check(CLI::Range(1u, 1024u));
  cmd.add_option("--out", out, "write one JSON line per run to FILE, in (values, seed) order")->check(output_path);
  cmd.add_option("--csv", csv, "write the runs as a CSV table to FILE, in the same order: seed, the --set values, "
                               "verdict, a column per invariant violated, events, trace_sha256, wall time")
      ->check(output_path);
  cmd.add_option("--plot", plot, "write an SVG plot of the by-value table to FILE: failed runs, violations by "
                                 "invariant, HLC's largest epsilon, per combination of --set values")
      ->check(output_path)
      ->needs(set);
  cmd.add_flag("--json", json, "print the summary as one JSON object");
  cmd.add_flag("--stop-on-failure", stop_on_failure, "stop after the first run that fails");
  cmd.add_flag("--mpi", mpi, "spread the runs over the ranks of an MPI job (mpirun -np K hbsim sweep ... --mpi); "
                             "rank 0 prints and writes, the same files as without --mpi");
}

}  // namespace

subcommand add_sweep(CLI::App& app) {
  return make_subcommand(app, "sweep", "run a scenario over seeds and field values, in parallel", sweep_command);
}

}  // namespace hbsim::cli
