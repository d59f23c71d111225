// The hbsim command line (SPEC §7). Exit codes: 0 every check holds, 1 a check failed, 2 invalid
// input, 3 internal error, 4 an output could not be written.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/output_file.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/trace/shiviz_log.hpp"
#include "hbsim/trace/shiviz_replay.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/views/explain.hpp"
#include "hbsim/views/exporter.hpp"
#include "hbsim/views/narrator.hpp"
#include "schema_text.hpp"

namespace {

// 4: the command was sound and so was the run, but an output could not be written (a full disk, a
// closed pipe): neither invalid input nor a bug.
enum exit_code { ok = 0, failed = 1, invalid = 2, internal = 3, unwritable = 4 };

// What every export accepts on the command line: which clocks label events, a window, a subset.
struct export_selection {
  std::string clocks = "all";
  std::string from, until;
  std::vector<std::string> processes;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--clocks", clocks, "clocks that label events: lamport, vector, hlc, comma-separated, or all");
    cmd.add_option("--from", from, "export only events at or after this true time (e.g. 5ms)");
    cmd.add_option("--until", until, "export only events at or before this true time");
    cmd.add_option("--processes", processes, "export only these processes (names, repeatable or comma-separated)")
        ->delimiter(',');
  }
  hbsim::export_options options() const {
    hbsim::export_options o;
    o.clocks = hbsim::parse_clocks(clocks);
    o.from = time_option("--from", from);
    o.to = time_option("--until", until);
    o.processes = processes;
    return o;
  }
  static std::optional<hbsim::sim_time> time_option(const std::string& name, const std::string& text) {
    if (text.empty()) return std::nullopt;
    std::string why;
    const auto t = hbsim::parse_duration(text, &why);
    if (!t) throw hbsim::input_error(name, "", "a true time such as 5ms, 1.5s or 250us", "\"" + text + "\"", why);
    return t;
  }
};

// --seed takes what a scenario's "seed" takes.
std::optional<std::uint64_t> seed_option(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::uint64_t seed = 0;
  const char* end = text->data() + text->size();
  const auto [stop, error] = std::from_chars(text->data(), end, seed);
  if (text->empty() || error != std::errc() || stop != end)
    throw hbsim::input_error("--seed", "", "an unsigned 64-bit integer (0 to 18446744073709551615)",
                             "\"" + *text + "\"");
  return seed;
}

// --export FORMAT=FILE, as given on the command line: the format and the file.
std::pair<std::string, std::string> export_request(const std::string& request) {
  const std::size_t eq = request.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == request.size())
    throw hbsim::input_error("--export", "", "FORMAT=FILE, e.g. svg=run.svg", "\"" + request + "\"");
  return {request.substr(0, eq), request.substr(eq + 1)};
}

int run_command(const std::string& file, const std::optional<std::uint64_t>& seed, const std::string& trace,
                const std::vector<std::string>& variants, bool json, bool check_determinism,
                const std::vector<std::string>& exports, const export_selection& selection, bool narrate,
                bool compare_clocks, bool one_thread) {
  std::vector<std::pair<std::string, std::string>> requests;
  for (const std::string& e : exports) requests.push_back(export_request(e));
  std::vector<hbsim::output_request> outputs;
  if (!trace.empty()) outputs.push_back({"--trace", trace});
  for (const auto& r : requests) outputs.push_back({"--export", r.second});
  hbsim::check_output_paths(std::span(&file, 1), outputs);
  // Standard output holds one output at most (checked above); the summary then goes to stderr.
  const auto piped = std::find_if(outputs.begin(), outputs.end(), [](const auto& o) { return o.path == "-"; });
  const bool summary_on_stderr = piped != outputs.end();
  if (json && summary_on_stderr)
    throw hbsim::input_error(std::string(piped->option), "", "a file when --json prints the summary on stdout", "\"-\"");
  if (narrate && (json || summary_on_stderr))
    throw hbsim::input_error("--narrate", "", "standard output to itself (without --json or an output to -)",
                             json ? "--json" : std::string(piped->option) + " -");
  std::vector<std::unique_ptr<hbsim::exporter>> exporters;
  for (const auto& [format, path] : requests)
    exporters.push_back(hbsim::make_exporter(format, path, selection.options()));
  hbsim::scenario s = hbsim::load_scenario(file);
  for (const std::string& v : variants) hbsim::apply_variant(s, v);
  if (check_determinism) {
    hbsim::run_options o;
    o.seed = seed;
    const std::string difference = hbsim::determinism_difference(s, o);
    if (!difference.empty()) {
      std::cerr << "hbsim: " << file << " is not deterministic: two runs with the same seed differ.\n" << difference << "\n";
      return failed;
    }
    std::cerr << "determinism: two runs wrote byte-identical traces\n";
  }
  hbsim::run_options options;
  options.seed = seed;
  options.trace_path = trace;
  options.progress = ::isatty(STDERR_FILENO) != 0;
  for (const auto& e : exporters) options.observers.push_back(e.get());
  options.compare_clocks = compare_clocks;
  if (one_thread) options.judge_thread = false;
  std::optional<hbsim::narrator> narration;
  if (narrate) options.observers.push_back(&narration.emplace(std::cout));
  const hbsim::run_outcome out = hbsim::run_scenario(s, options);
  // An export that cannot be made (a diagram of too many events, a full disk) does not cost the run
  // its summary and verdict: it is told after them, and in the exit code.
  int code = out.ok() ? ok : failed;
  std::vector<std::string> unwritten;
  for (const auto& e : exporters) {
    try {
      e->commit();
    } catch (const hbsim::input_error& x) {
      unwritten.push_back(std::string("export not written: ") + x.what());
      if (code != unwritable) code = invalid;
    } catch (const hbsim::output_error& x) {
      unwritten.push_back(x.what());
      code = unwritable;
    }
  }
  const hbsim::run_report report = out.report();
  if (json) {
    std::cout << hbsim::summary_json(report).dump(2) << "\n";
  } else {
    // With the trace or an export on stdout, the summary goes to stderr so that output stays clean.
    hbsim::print_summary(summary_on_stderr ? std::cerr : std::cout, report);
  }
  if (out.sim->stats().hit_max_events)
    std::cerr << "hbsim: the run reached max_events (" << s.max_events
              << ") and was cut short; raise max_events in the scenario if that many events are expected\n";
  for (const std::string& u : unwritten) std::cerr << "hbsim: " << u << "\n";
  return code;
}

bool regular_file(const std::string& file) {
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec);
}

// The format of a file: detect_trace_format's answer from the first line, or, when that recognizes
// neither, a ShiViz log if one reads from a later line (ShiViz skips what comes before the first
// event). Only a regular file is read further.
hbsim::trace_format input_format(const std::string& file) {
  try {
    return hbsim::detect_trace_format(file);
  } catch (const hbsim::input_error&) {
    if (regular_file(file) && hbsim::has_shiviz_events(file)) return hbsim::trace_format::shiviz;
    throw;
  }
}

// Whether `file` is a ShiViz/GoVector log rather than an hbsim trace. Only a regular file is looked
// at first, so that a trace in a pipe is read once; what is neither is left to the trace reader,
// whose errors say what is wrong.
bool shiviz_log(const std::string& file) {
  if (!regular_file(file)) return false;
  try {
    return input_format(file) == hbsim::trace_format::shiviz;
  } catch (const hbsim::input_error&) {
    return false;
  }
}

// Re-judges a recorded run from the file alone: an hbsim trace against every invariant, or a ShiViz /
// GoVector log against what vector clocks alone can prove.
int check_command(const std::string& file, const std::string& format, bool json) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const hbsim::trace_format f = format == "hbsim"    ? hbsim::trace_format::hbsim
                                : format == "shiviz" ? hbsim::trace_format::shiviz
                                                     : input_format(file);
  if (f == hbsim::trace_format::shiviz) {
    const hbsim::shiviz_report r = hbsim::check_shiviz_log(file);
    const double wall = std::chrono::duration<double>(clock::now() - start).count();
    if (json) {
      nlohmann::json problems = nlohmann::json::array();
      for (const hbsim::shiviz_problem& p : r.problems)
        problems.push_back({{"rule", hbsim::to_string(p.rule)}, {"execution", p.execution}, {"line", p.line},
                            {"host", p.host}, {"detail", p.detail}});
      nlohmann::json counts = nlohmann::json::object();
      for (std::size_t i = 0; i < hbsim::shiviz_rule_count; ++i)
        counts[std::string(hbsim::to_string(static_cast<hbsim::shiviz_rule>(i)))] = r.counts[i];
      std::cout << nlohmann::json{{"ok", r.ok()},
                                  {"format", "shiviz"},
                                  {"executions", r.executions},
                                  {"events", r.events},
                                  {"skipped_lines", r.skipped_lines},
                                  {"dropped_line", r.dropped_line},
                                  {"problems", problems},
                                  {"counts", counts},
                                  {"wall_seconds", wall}}
                       .dump(2)
                << "\n";
    } else {
      std::cout << "hbsim check: " << file << " (ShiViz/GoVector log)\n  " << r.executions << " executions, "
                << r.events << " events\n";
      if (r.skipped_lines)
        std::cout << "  " << r.skipped_lines
                  << " non-blank lines before an execution's first event, skipped as ShiViz skips them\n";
      if (r.dropped_line)
        std::cout << "  line " << r.dropped_line
                  << ": an event line with no line after it ends the log; ShiViz does not read it, nor does hbsim "
                     "(a log written description first, for ShiViz's default regular expression, reads so)\n";
      std::cout << "checks, each host's events in order of their own entry: own entries go 1, 2, 3, ...; an entry "
                   "that rises names an event the log has, which knew nothing this one does not; no entry falls\n";
      for (std::size_t i = 0; i < hbsim::shiviz_rule_count; ++i)
        if (r.counts[i])
          std::cout << "  VIOLATED  " << hbsim::to_string(static_cast<hbsim::shiviz_rule>(i)) << ": " << r.counts[i]
                    << (r.counts[i] == 1 ? " problem\n" : " problems\n");
      for (const hbsim::shiviz_problem& p : r.problems)
        std::cout << "    line " << p.line << (p.execution.empty() ? "" : " (" + p.execution + ")") << ", " << p.host
                  << ": " << p.detail << "\n";
      std::cout << "result     " << (r.ok() ? "ok" : "FAILED") << "\n";
    }
    return r.ok() ? ok : failed;
  }
  hbsim::trace_reader reader(file);
  hbsim::causality truth;
  hbsim::invariant_checker checker(truth);
  hbsim::event_observer* observers[] = {&truth, &checker};
  reader.replay(observers);
  const double wall = std::chrono::duration<double>(clock::now() - start).count();
  std::uint64_t events = 0;
  for (hbsim::process_id p = 0; p < truth.processes(); ++p) events += truth.count(p);
  const bool clean = checker.violations().empty();
  if (json) {
    std::cout << nlohmann::json{{"ok", clean},
                                {"format", "hbsim"},
                                {"scenario", reader.header().name},
                                {"events", events},
                                {"violations", hbsim::violations_json(checker)},
                                {"epsilon_ns", checker.epsilon() ? nlohmann::json(*checker.epsilon()) : nlohmann::json()},
                                {"wall_seconds", wall}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "hbsim check: " << file << " (hbsim trace of \"" << reader.header().name << "\", seed "
              << reader.seed() << ")\n  " << checker.process_names().size() << " processes, " << events
              << " events, re-judged from the file alone\n";
    hbsim::print_invariants(std::cout, checker);
    std::cout << "\nwall       " << std::fixed << std::setprecision(3) << wall << " s\nresult     " << (clean ? "ok" : "FAILED") << "\n";
  }
  return clean ? ok : failed;
}

// Replays an hbsim trace into the clock comparison report: what each clock got right and wrong on it.
int report_command(const std::string& file, bool json) {
  if (shiviz_log(file))
    throw hbsim::input_error(file, "",
                             "an hbsim trace: report compares physical time and the Lamport, vector and hybrid "
                             "logical clocks with the true order of events",
                             "a ShiViz/GoVector log, which holds vector clocks only, the true order being rebuilt "
                             "from them",
                             "hbsim check judges such a log's clocks; explain and export --to shiviz read it");
  const auto start = std::chrono::steady_clock::now();
  hbsim::trace_reader reader(file);
  hbsim::causality truth;
  hbsim::clock_report report(truth);
  hbsim::event_observer* observers[] = {&truth, &report};
  reader.replay(observers);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const hbsim::clock_comparison& r = report.result();
  if (json) {
    std::cout << nlohmann::json{{"scenario", reader.header().name},
                                {"seed", reader.seed()},
                                {"clock_report", hbsim::clock_report_json(r, report.process_names())},
                                {"wall_seconds", wall}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "hbsim report: " << file << " (hbsim trace of \"" << reader.header().name << "\", seed "
              << reader.seed() << ")\n  " << r.processes << " processes, " << r.events << " events\n";
    hbsim::print_clock_report(std::cout, r, report.process_names());
    std::cout << "\nwall       " << std::fixed << std::setprecision(3) << wall << " s\n";
  }
  return ok;
}

// A ShiViz log has vector clocks only, and must hold one execution (the references name events of one
// run).
int explain_command(const std::string& file, const std::string& a, const std::string& b) {
  hbsim::hb_graph_builder builder(file);
  hbsim::event_observer* observers[] = {&builder};
  const bool shiviz = shiviz_log(file);
  if (shiviz)
    hbsim::replay_shiviz_log(file, observers, {.one_execution = true});
  else
    hbsim::trace_reader(file).replay(observers);
  const hbsim::hb_graph graph = builder.build();
  std::cout << hbsim::explain(graph, a, b, file,
                              shiviz ? hbsim::explained_clocks::vectors_only : hbsim::explained_clocks::all);
  return ok;
}

// A ShiViz log goes only where vector clocks alone make sense: into another ShiViz log, whole in time.
void check_shiviz_export(const std::string& file, const std::string& format, const export_selection& selection) {
  if (format != "shiviz")
    throw hbsim::input_error(file, "",
                             "an hbsim trace for --to " + format +
                                 " (it shows true time, physical clocks, Lamport and HLC values)",
                             "a ShiViz/GoVector log, which holds vector clocks only",
                             "from such a log hbsim exports --to shiviz; explain reads it too");
  if (!selection.from.empty() || !selection.until.empty())
    throw hbsim::input_error(selection.from.empty() ? "--until" : "--from", "",
                             "hbsim traces only: a window of true time",
                             file + ", a ShiViz/GoVector log, which has no time");
}

// Several traces (seeds or runs of one scenario) go into one file only where the format holds several
// executions: ShiViz.
int export_command(const std::vector<std::string>& files, const std::string& format, const std::string& output,
                   const export_selection& selection) {
  if (files.size() > 1 && format != "shiviz")
    throw hbsim::input_error("export", "", "one trace file (only --to shiviz takes several, as executions)",
                             std::to_string(files.size()) + " files");
  const hbsim::output_request out[] = {{"-o", output}};
  hbsim::check_output_paths(files, out);
  std::vector<bool> shiviz;
  for (const std::string& file : files) {
    shiviz.push_back(shiviz_log(file));
    if (shiviz.back()) check_shiviz_export(file, format, selection);
  }
  const std::unique_ptr<hbsim::exporter> e = hbsim::make_exporter(format, output, selection.options());
  hbsim::event_observer* observers[] = {e.get()};
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (shiviz[i])
      hbsim::replay_shiviz_log(files[i], observers);
    else
      hbsim::trace_reader(files[i]).replay(observers);
  }
  e->commit();
  return ok;
}

int validate_command(const std::vector<std::string>& files) {
  int code = ok;
  for (const std::string& f : files) {
    try {
      const hbsim::scenario s = hbsim::load_scenario(f);
      std::cout << "ok  " << f << ": \"" << s.name << "\", " << s.processes.size() << " processes, "
                << s.script.size() << " scripted actions, " << s.on_receive.size() << " rules, "
                << s.generate.size() << " generators, " << s.faults.size() << " faults, " << s.expect.size()
                << " expectations\n";
    } catch (const hbsim::input_error& e) {
      std::cerr << "hbsim: " << e.what() << "\n";
      code = invalid;
    }
  }
  return code;
}

}  // namespace

std::string format_list() {
  std::string out;
  for (std::string_view f : hbsim::export_formats()) out.append(out.empty() ? "" : ", ").append(f);
  return out;
}

// Reports an error that ends the command. std::cerr flushes std::cout before it writes, and that
// flush must not throw again.
int report_error(int code, std::string_view what) {
  std::cout.exceptions(std::ios::goodbit);
  std::cerr << "hbsim: " << what << "\n";
  return code;
}

// Standard output that cannot be written (a full disk, a closed pipe) must not end in exit 0.
// std::cout throws at the first write that fails, while errno still says why.
int standard_output_failed(int error) {
  const std::string why = error ? std::strerror(error) : "a write failed";
  return report_error(unwritable, "cannot write to standard output: " + why);
}

// What is still buffered shows its failure at the last flush.
bool standard_output_flushed() {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return true;
  standard_output_failed(errno);
  return false;
}

int command_line(int argc, char** argv) {
  CLI::App app{"hbsim: a deterministic simulator of logical time in distributed systems"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hbsim 0.1.0");

  std::string scenario_file;
  std::optional<std::string> seed;
  std::string trace;
  std::vector<std::string> variants;
  bool json = false;
  bool check_determinism = false;
  auto* run = app.add_subcommand("run", "run a scenario and check it");
  run->add_option("scenario", scenario_file, "scenario file (JSON)")->required();
  run->add_option("--seed", seed, "seed for every random choice (overrides the scenario's)");
  run->add_option("--trace", trace, "write the trace (JSON Lines) to FILE, or - for stdout");
  run->add_option("--variant", variants, "use a wrong clock variant, e.g. lamport=no-tick-local (repeatable)");
  run->add_flag("--json", json, "print the summary as one JSON object");
  run->add_flag("--check-determinism", check_determinism,
                "run twice first and compare the traces; on a difference, show the first line that differs");
  std::vector<std::string> exports;
  run->add_option("--export", exports, "also write FORMAT=FILE (repeatable); formats: " + format_list());
  export_selection run_selection;
  run_selection.add_to(*run);
  bool narrate = false;
  run->add_flag("--narrate", narrate,
                "print each event as it happens, with the clock rules applied (before -> after) and each message's fate");
  bool no_compare = false;
  run->add_flag("--no-compare", no_compare,
                "leave out the clock comparison (it keeps about 20 bytes per event until the end of the run)");
  bool one_thread = false;
  run->add_flag("--one-thread", one_thread,
                "judge the run (invariants, expectations, clock comparison) on the simulation's thread instead of a "
                "second one: the same results, slower where a second core is free");

  std::vector<std::string> files;
  auto* validate = app.add_subcommand("validate", "check scenario files without running them");
  validate->add_option("scenarios", files, "scenario files")->required();

  auto* schema = app.add_subcommand("schema", "print the JSON Schema of scenario files");

  std::string trace_file;
  std::string format = "auto";
  bool check_json = false;
  auto* check = app.add_subcommand("check", "re-judge a trace file: an hbsim trace, or a ShiViz/GoVector log");
  check->add_option("trace", trace_file, "trace file")->required();
  check->add_option("--format", format, "auto (default), hbsim or shiviz")
      ->check(CLI::IsMember({"auto", "hbsim", "shiviz"}));
  check->add_flag("--json", check_json, "print the result as one JSON object");

  std::string ref_a, ref_b;
  auto* explain = app.add_subcommand("explain", "how two events of a trace are related, hop by hop");
  explain->add_option("trace", trace_file, "hbsim trace file, or a ShiViz/GoVector log of one execution")->required();
  explain->add_option("a", ref_a, "event reference: proc:label, proc:label#k or proc#n")->required();
  explain->add_option("b", ref_b, "event reference")->required();

  bool report_json = false;
  auto* report = app.add_subcommand("report", "compare the clocks on a trace: physical time, Lamport, vectors, HLC");
  report->add_option("trace", trace_file, "hbsim trace file")->required();
  report->add_flag("--json", report_json, "print the report as one JSON object");

  std::string export_format, export_output = "-";
  export_selection export_options;
  auto* exp = app.add_subcommand("export", "write a trace in a format other tools read, or draw it");
  std::vector<std::string> export_traces;
  exp->add_option("trace", export_traces,
                  "hbsim trace file (several for --to shiviz: one execution each; ShiViz/GoVector logs too for --to "
                  "shiviz)")
      ->required();
  exp->add_option("--to", export_format, "format: " + format_list())->required();
  exp->add_option("-o,--output", export_output, "output file (default: standard output)");
  export_options.add_to(*exp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? ok : invalid;
  }
  std::cout.exceptions(std::ios::badbit);
  try {
    if (*run)
      return run_command(scenario_file, seed_option(seed), trace, variants, json, check_determinism, exports,
                         run_selection, narrate, !no_compare, one_thread);
    if (*exp) return export_command(export_traces, export_format, export_output, export_options);
    if (*validate) return validate_command(files);
    if (*check) return check_command(trace_file, format, check_json);
    if (*explain) return explain_command(trace_file, ref_a, ref_b);
    if (*report) return report_command(trace_file, report_json);
    if (*schema) {
      std::cout << hbsim_schema_text;
      return ok;
    }
  } catch (const hbsim::input_error& e) {
    return report_error(invalid, e.what());
  } catch (const hbsim::output_error& e) {
    return report_error(unwritable, e.what());
  } catch (const std::ios_base::failure&) {
    return standard_output_failed(errno);
  } catch (const std::exception& e) {
    return report_error(internal, std::string("internal error: ") + e.what());
  }
  return internal;
}

int main(int argc, char** argv) {
  hbsim::remove_temporaries_on_signals();
  const int code = command_line(argc, argv);
  std::cout.exceptions(std::ios::goodbit);  // the flush at exit must not throw
  // An error already reported keeps its code; standard output failing is then said besides.
  if (code == unwritable || standard_output_flushed()) return code;
  return code == ok || code == failed ? unwritable : code;
}
