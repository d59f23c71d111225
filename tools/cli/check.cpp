// hbsim check: re-judges a recorded run from the file alone: an hbsim trace against every invariant,
// or a ShiViz/GoVector log against what vector clocks alone can prove.
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/trace/shiviz_log.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/views/summary.hpp"
#include "json_output.hpp"
#include "subcommand.hpp"
#include "trace_input.hpp"
#include "wall_time.hpp"

namespace hbsim::cli {

namespace {

struct check_args {
  std::string file;
  std::string format = "auto";
  bool json = false;

  void add_to(CLI::App& cmd) {
    cmd.add_option("trace", file, "trace file")->required();
    cmd.add_option("--format", format, "auto (default), hbsim or shiviz")
        ->check(CLI::IsMember({"auto", "hbsim", "shiviz"}));
    cmd.add_flag("--json", json, "print the result as one JSON object");
  }
};

nlohmann::json shiviz_json(const shiviz_report& r, double wall) {
  nlohmann::json problems = nlohmann::json::array();
  for (const shiviz_problem& p : r.problems)
    problems.push_back({{"rule", to_string(p.rule)}, {"execution", p.execution}, {"line", p.line},
                        {"host", p.host}, {"detail", p.detail}});
  nlohmann::json counts = nlohmann::json::object();
  for (std::size_t i = 0; i < shiviz_rule_count; ++i)
    counts[std::string(to_string(static_cast<shiviz_rule>(i)))] = r.counts[i];
  return {{"ok", r.ok()},
          {"format", "shiviz"},
          {"executions", r.executions},
          {"events", r.events},
          {"skipped_lines", r.skipped_lines},
          {"dropped_line", r.dropped_line},
          {"problems", problems},
          {"counts", counts},
          {"wall_seconds", wall}};
}

void print_shiviz(const std::string& file, const shiviz_report& r) {
  std::cout << "hbsim check: " << file << " (ShiViz/GoVector log)\n  " << counted(r.executions, "execution") << ", "
            << counted(r.events, "event") << "\n";
  if (r.skipped_lines)
    std::cout << "  " << counted(r.skipped_lines, "non-blank line")
              << " before an execution's first event, skipped as ShiViz skips them\n";
  if (r.dropped_line)
    std::cout << "  line " << r.dropped_line
              << ": an event line with no line after it ends the log; ShiViz does not read it, nor does hbsim "
                 "(a log written description first, for ShiViz's default regular expression, reads so)\n";
  std::cout << "checks, each host's events in order of their own entry: own entries go 1, 2, 3, ...; an entry "
               "that rises names an event the log has, which knew nothing this one does not; no entry falls\n";
  for (std::size_t i = 0; i < shiviz_rule_count; ++i)
    if (r.counts[i])
      std::cout << "  VIOLATED  " << to_string(static_cast<shiviz_rule>(i)) << ": " << r.counts[i]
                << (r.counts[i] == 1 ? " problem\n" : " problems\n");
  for (const shiviz_problem& p : r.problems)
    std::cout << "    line " << p.line << (p.execution.empty() ? "" : " (" + p.execution + ")") << ", " << p.host
              << ": " << p.detail << "\n";
  std::cout << "result     " << (r.ok() ? "ok" : "FAILED") << "\n";
}

int check_shiviz(const std::string& file, bool json, const stopwatch& watch) {
  const shiviz_report r = check_shiviz_log(file);
  const double wall = watch.seconds();
  if (json)
    std::cout << printed(shiviz_json(r, wall)) << "\n";
  else
    print_shiviz(file, r);
  return r.ok() ? ok : failed;
}

int check_trace(const std::string& file, bool json, const stopwatch& watch) {
  const std::unique_ptr<trace_reader> opened = open_trace(file);
  trace_reader& reader = *opened;
  causality truth;
  invariant_checker checker(truth);
  event_observer* observers[] = {&truth, &checker};
  reader.replay(observers);
  const double wall = watch.seconds();
  std::uint64_t events = 0;
  for (process_id p = 0; p < truth.processes(); ++p) events += truth.count(p);
  const bool clean = checker.violations().empty();
  if (json) {
    nlohmann::json out{{"ok", clean},
                       {"format", "hbsim"},
                       {"scenario", reader.header().name},
                       {"events", events},
                       {"violations", violations_json(checker)},
                       {"epsilon_ns", checker.epsilon() ? nlohmann::json(*checker.epsilon()) : nlohmann::json()},
                       {"wall_seconds", wall}};
    if (checker.data()) out["data"] = data_json(*checker.data());
    std::cout << printed(out) << "\n";
  } else {
    print_trace_title(std::cout, "check", file, reader);
    std::cout << counted(checker.process_names().size(), "process", "processes") << ", " << counted(events, "event")
              << ", re-judged from the file alone\n";
    print_invariants(std::cout, checker);
    if (checker.data()) print_data(std::cout, *checker.data());
    print_wall(std::cout, wall);
    std::cout << "result     " << (clean ? "ok" : "FAILED") << "\n";
  }
  return clean ? ok : failed;
}

int check_command(const check_args& a) {
  const stopwatch watch;
  const trace_format f = a.format == "hbsim"    ? trace_format::hbsim
                         : a.format == "shiviz" ? trace_format::shiviz
                                                : input_format(a.file);
  return f == trace_format::shiviz ? check_shiviz(a.file, a.json, watch) : check_trace(a.file, a.json, watch);
}

}  // namespace

subcommand add_check(CLI::App& app) {
  return make_subcommand(app, "check", "re-judge a trace file: an hbsim trace, or a ShiViz/GoVector log",
                         check_command);
}

}  // namespace hbsim::cli
