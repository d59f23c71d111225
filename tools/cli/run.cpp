// hbsim run: runs a scenario and checks it, with its trace, exports, narration and summary.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compare_option.hpp"
#include "export_selection.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/output_file.hpp"
#include "hbsim/run/field_override.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/truth/row_limit.hpp"
#include "hbsim/views/exporter.hpp"
#include "hbsim/views/narrator.hpp"
#include "json_output.hpp"
#include "subcommand.hpp"

namespace hbsim::cli {

namespace {

struct run_args {
  std::string file;
  std::optional<std::string> seed;
  std::string trace;
  std::vector<std::string> variants;
  std::vector<std::string> sets;
  bool json = false;
  bool check_determinism = false;
  std::vector<std::string> exports;
  export_selection selection;
  bool narrate = false;
  bool no_compare = false;
  std::string compare = "auto";
  bool one_thread = false;
  bool judge_thread = false;

  void add_to(CLI::App& cmd);
};

// --seed takes what a scenario's "seed" takes.
std::optional<std::uint64_t> seed_option(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::uint64_t seed = 0;
  const char* end = text->data() + text->size();
  const auto [stop, error] = std::from_chars(text->data(), end, seed);
  if (text->empty() || error != std::errc() || stop != end)
    throw input_error("--seed", "", "an unsigned 64-bit integer (0 to 18446744073709551615)", "\"" + *text + "\"");
  return seed;
}

// --export FORMAT=FILE, as given on the command line: the format and the file.
std::pair<std::string, std::string> export_request(const std::string& request) {
  const std::size_t eq = request.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == request.size())
    throw input_error("--export", "", "FORMAT=FILE, e.g. svg=run.svg", "\"" + request + "\"");
  return {request.substr(0, eq), request.substr(eq + 1)};
}

// The trace and the exports, checked before the scenario is even read.
struct run_outputs {
  std::vector<std::unique_ptr<exporter>> exporters;
  bool summary_on_stderr = false;  // the trace or an export goes to stdout
};

run_outputs open_outputs(const run_args& a) {
  std::vector<std::pair<std::string, std::string>> requests;
  for (const std::string& e : a.exports) requests.push_back(export_request(e));
  std::vector<output_request> outputs;
  if (!a.trace.empty()) outputs.push_back({"--trace", a.trace});
  for (const auto& r : requests) outputs.push_back({"--export", r.second});
  check_output_paths(std::span(&a.file, 1), outputs);
  const output_request* const piped = stdout_output(outputs, a.json);
  run_outputs out;
  out.summary_on_stderr = piped != nullptr;
  if (a.narrate && (a.json || out.summary_on_stderr))
    throw input_error("--narrate", "", "standard output to itself (without --json or an output to -)",
                      a.json ? "--json" : std::string(piped->option) + " " + std::string(piped->path));
  // The selection options shape the exports only: without one they would change nothing, silently.
  if (requests.empty() && !a.selection.given().empty())
    throw input_error(a.selection.given(), "", "an --export FORMAT=FILE, whose events it selects or labels",
                      "no --export");
  for (const auto& [format, path] : requests)
    out.exporters.push_back(make_exporter(format, path, a.selection.options(), "--export " + format + "=" + path));
  return out;
}

// Runs the scenario twice first, on the threads the run will have; false (told on stderr, and with
// --json on stdout) when the traces differ.
bool deterministic(const scenario& s, const run_args& a, const run_options& options) {
  run_options o;
  o.seed = options.seed;
  o.judge_thread = options.judge_thread;
  const std::string difference = determinism_difference(s, o);
  if (!difference.empty()) {
    const std::string what = a.file + " is not deterministic: two runs with the same seed differ.\n" + difference;
    std::cerr << "hbsim: " << what << "\n";
    if (a.json) print_json_error(std::cout, failed, what);
    return false;
  }
  std::cerr << "determinism: two runs wrote byte-identical traces\n";
  return true;
}

run_options options_for(const run_args& a, const std::optional<std::uint64_t>& seed, const run_outputs& outputs) {
  run_options options;
  options.seed = seed;
  options.trace_path = a.trace;
  options.progress = ::isatty(STDERR_FILENO) != 0;
  for (const auto& e : outputs.exporters) options.exports.push_back(e.get());
  options.compare_clocks = !a.no_compare && a.compare != "off";
  options.compare.mode = parse_compare_mode(a.compare).value_or(compare_mode::automatic);
  if (a.one_thread) options.judge_thread = false;
  if (a.judge_thread) options.judge_thread = true;
  return options;
}

// An export that cannot be made (a diagram of too many events, a full disk) does not cost the run
// its summary and verdict: it is told after them (added to `unwritten`), and in the exit code.
int commit_exports(const run_outputs& outputs, int code, std::vector<std::string>& unwritten) {
  for (const auto& e : outputs.exporters) {
    try {
      e->commit();
    } catch (const input_error& x) {
      unwritten.push_back(std::string("export not written: ") + x.what());
      if (code != unwritable) code = invalid;
    } catch (const output_error& x) {
      unwritten.push_back(x.what());
      code = unwritable;
    }
  }
  return code;
}

void print_results(const run_args& a, const scenario& s, const run_outcome& out, bool summary_on_stderr) {
  const run_report report = out.report();
  if (a.json) {
    std::cout << printed(summary_json(report)) << "\n";
  } else {
    // With the trace or an export on stdout, the summary goes to stderr so that output stays clean.
    print_summary(summary_on_stderr ? std::cerr : std::cout, report);
  }
  if (out.sim->stats().hit_max_events)
    std::cerr << "hbsim: the run reached max_events (" << s.max_events
              << ") and was cut short; raise max_events in the scenario if that many events are expected\n";
}

int run_command(const run_args& a) {
  const std::optional<std::uint64_t> seed = seed_option(a.seed);
  std::vector<field_override> overrides;
  for (const std::string& o : a.sets) overrides.push_back(parse_override(o));
  const run_outputs outputs = open_outputs(a);
  scenario s = load_scenario(a.file, overrides);
  for (const std::string& v : a.variants) apply_variant(s, v);
  // A way of counting asked for by name must be the one used: not left out without a word.
  if ((a.compare == "exact" || a.compare == "estimate") && !truth_keeps_rows(s.processes.size(), s.logical.has("vector")))
    throw input_error("--compare " + a.compare, "",
                      std::string("a run whose clocks can be compared: at most ")
                          .append(std::to_string(row_max_processes))
                          .append(" processes without vector clocks"),
                      std::to_string(s.processes.size()).append(" processes without vector clocks in ").append(a.file),
                      "leave --compare out, or choose vector clocks, whose ground truth the comparison needs");
  run_options options = options_for(a, seed, outputs);
  if (a.check_determinism && !deterministic(s, a, options)) return failed;
  std::optional<narrator> narration;
  if (a.narrate) options.observers.push_back(&narration.emplace(std::cout));
  const run_outcome out = run_scenario(s, options);
  std::vector<std::string> unwritten;
  const int code = commit_exports(outputs, out.ok() ? ok : failed, unwritten);
  print_results(a, s, out, outputs.summary_on_stderr);
  for (const std::string& u : unwritten) std::cerr << "hbsim: " << u << "\n";
  return code;
}

void run_args::add_to(CLI::App& cmd) {
  cmd.add_option("scenario", file, "scenario file (JSON)")->required();
  cmd.add_option("--seed", seed, "seed for every random choice (overrides the scenario's)");
  cmd.add_option("--trace", trace, "write the trace (JSON Lines) to FILE, or - for stdout")->check(output_path);
  cmd.add_option("--set", sets,
                 "set a scenario field: PATH=VALUE, PATH a JSON pointer, VALUE JSON or else a string, e.g. "
                 "/network/delay=\"5ms\" (repeatable)");
  cmd.add_option("--variant", variants, "use a wrong clock variant, e.g. lamport=no-tick-local (repeatable)");
  cmd.add_flag("--json", json, "print the summary as one JSON object");
  cmd.add_flag("--check-determinism", check_determinism,
               "run twice first and compare the traces; on a difference, show the first line that differs");
  cmd.add_option("--export", exports, "also write FORMAT=FILE (repeatable); formats: " + format_list());
  selection.add_to(cmd);
  cmd.add_flag("--narrate", narrate,
               "print each event as it happens, with the clock rules applied (before -> after) and each message's fate");
  CLI::Option* const mode = add_compare_option(cmd, compare, true);
  cmd.add_flag("--no-compare", no_compare, "leave out the clock comparison: --compare off")->excludes(mode);
  auto* one = cmd.add_flag("--one-thread", one_thread,
                           "judge the run (invariants, expectations, clock comparison) and hash its trace on the simulation's "
                           "thread instead of a second and third one (by default the hashing has its own with a second "
                           "CPU, the judges with vector or matrix clocks, or more than 65536 processes, too): the "
                           "same results, slower where a second core is free");
  cmd.add_flag("--judge-thread", judge_thread,
               "judge the run on a second thread whatever its clocks: the same results, sooner where judging costs "
               "more than handing each event over (many processes) and a second core is free")
      ->excludes(one);
}

}  // namespace

subcommand add_run(CLI::App& app) {
  return make_subcommand(app, "run", "run a scenario and check it", run_command);
}

}  // namespace hbsim::cli
