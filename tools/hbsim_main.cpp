// The hbsim command line (SPEC §7). Exit codes: 0 every check holds, 1 a check failed, 2 invalid
// input, 3 internal error.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "hbsim/input_error.hpp"
#include "hbsim/runner.hpp"
#include "hbsim/scenario.hpp"
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? ok : invalid;
  }
  try {
    if (*run) return run_command(scenario_file, seed, trace, variants, json, check_determinism);
    if (*validate) return validate_command(files);
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
