// The hbsim command line (SPEC §7). Exit codes: 0 every check holds, 1 a check failed, 2 invalid
// input, 3 internal error.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "hbsim/explain.hpp"
#include "hbsim/hb_graph.hpp"
#include "hbsim/input_error.hpp"
#include "hbsim/invariant_checker.hpp"
#include "hbsim/runner.hpp"
#include "hbsim/scenario.hpp"
#include "hbsim/shiviz_log.hpp"
#include "hbsim/trace_reader.hpp"
#include "schema_text.hpp"

namespace {

enum exit_code { ok = 0, failed = 1, invalid = 2, internal = 3 };

int run_command(const std::string& file, const std::optional<std::uint64_t>& seed, const std::string& trace,
                const std::vector<std::string>& variants, bool json, bool check_determinism) {
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
  if (json && trace == "-")
    throw hbsim::input_error("--trace", "", "a file when --json prints the summary on stdout", "\"-\"");
  hbsim::run_options options;
  options.seed = seed;
  options.trace_path = trace;
  options.progress = ::isatty(STDERR_FILENO) != 0;
  const hbsim::run_outcome out = hbsim::run_scenario(s, options);
  const hbsim::run_report report = out.report();
  if (json) {
    std::cout << hbsim::summary_json(report).dump(2) << "\n";
  } else {
    // With the trace on stdout, the summary goes to stderr so the trace stays clean JSON Lines.
    hbsim::print_summary(trace == "-" ? std::cerr : std::cout, report);
  }
  if (out.sim->stats().hit_max_events)
    std::cerr << "hbsim: the run reached max_events (" << s.max_events
              << ") and was cut short; raise max_events in the scenario if that many events are expected\n";
  return out.ok() ? ok : failed;
}

// Re-judges a recorded run from the file alone: an hbsim trace against every invariant, or a ShiViz /
// GoVector log against what vector clocks alone can prove.
int check_command(const std::string& file, const std::string& format, bool json) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const hbsim::trace_format f = format == "hbsim"    ? hbsim::trace_format::hbsim
                                : format == "shiviz" ? hbsim::trace_format::shiviz
                                                     : hbsim::detect_trace_format(file);
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
      std::cout << nlohmann::json{{"ok", r.ok()}, {"format", "shiviz"}, {"executions", r.executions},
                                  {"events", r.events}, {"problems", problems}, {"counts", counts},
                                  {"wall_seconds", wall}}.dump(2)
                << "\n";
    } else {
      std::cout << "hbsim check: " << file << " (ShiViz/GoVector log)\n  " << r.executions << " executions, "
                << r.events << " events\n";
      std::cout << "checks: own entries start at 1 and rise by one; no entry claims an event the log lacks; no "
                   "entry decreases along a host\n";
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
  hbsim::invariant_checker checker;
  hbsim::event_observer* observers[] = {&checker};
  reader.replay(observers);
  const double wall = std::chrono::duration<double>(clock::now() - start).count();
  std::uint64_t events = 0;
  for (hbsim::process_id p = 0; p < checker.process_names().size(); ++p) events += checker.truth(p)[p];
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

int explain_command(const std::string& file, const std::string& a, const std::string& b) {
  hbsim::trace_reader reader(file);
  hbsim::hb_graph_builder builder(file);
  hbsim::event_observer* observers[] = {&builder};
  reader.replay(observers);
  const hbsim::hb_graph graph = builder.build();
  std::cout << hbsim::explain(graph, a, b, file);
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

int main(int argc, char** argv) {
  CLI::App app{"hbsim: a deterministic simulator of logical time in distributed systems"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hbsim 0.1.0");

  std::string scenario_file;
  std::optional<std::uint64_t> seed;
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
  explain->add_option("trace", trace_file, "hbsim trace file")->required();
  explain->add_option("a", ref_a, "event reference: proc:label, proc:label#k or proc#n")->required();
  explain->add_option("b", ref_b, "event reference")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? ok : invalid;
  }
  try {
    if (*run) return run_command(scenario_file, seed, trace, variants, json, check_determinism);
    if (*validate) return validate_command(files);
    if (*check) return check_command(trace_file, format, check_json);
    if (*explain) return explain_command(trace_file, ref_a, ref_b);
    if (*schema) {
      std::cout << hbsim_schema_text;
      return ok;
    }
  } catch (const hbsim::input_error& e) {
    std::cerr << "hbsim: " << e.what() << "\n";
    return invalid;
  } catch (const std::exception& e) {
    std::cerr << "hbsim: internal error: " << e.what() << "\n";
    return internal;
  }
  return internal;
}
