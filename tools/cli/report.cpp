// hbsim report: replays an hbsim trace into the clock comparison report: what each clock got right
// and wrong on it.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/truth/row_limit.hpp"
#include "compare_option.hpp"
#include "json_output.hpp"
#include "subcommand.hpp"
#include "trace_input.hpp"
#include "wall_time.hpp"

namespace hbsim::cli {

namespace {

void refuse_shiviz_log(const std::string& file) {
  if (shiviz_log(file))
    throw input_error(file, "",
                      "an hbsim trace: report compares physical time and the Lamport, vector and hybrid "
                      "logical clocks with the true order of events",
                      "a ShiViz/GoVector log, which holds vector clocks only, the true order being rebuilt "
                      "from them",
                      "hbsim check judges such a log's clocks; explain and export --to shiviz read it");
}

struct report_args {
  std::string file;
  bool json = false;
  std::string compare = "auto";

  void add_to(CLI::App& cmd) {
    cmd.add_option("trace", file, "hbsim trace file")->required();
    cmd.add_flag("--json", json, "print the report as one JSON object");
    add_compare_option(cmd, compare, false);
  }
};

int report_command(const report_args& a) {
  refuse_shiviz_log(a.file);
  const stopwatch watch;
  const std::unique_ptr<trace_reader> opened = open_trace(a.file);
  trace_reader& reader = *opened;
  // The comparison needs each event's causal past, which the ground truth keeps as rows only so far.
  if (const std::size_t n = reader.header().processes.size(); !truth_keeps_rows(n, reader.header().logical.has("vector")))
    throw input_error(a.file, "/processes",
                      "at most " + std::to_string(row_max_processes) +
                          " processes without vector clocks: the clock comparison needs each event's causal past",
                      std::to_string(n) + " processes", "hbsim check judges the trace's invariants at any size");
  causality truth;
  clock_report report(truth, {parse_compare_mode(a.compare).value_or(compare_mode::automatic)});
  event_observer* observers[] = {&truth, &report};
  reader.replay(observers);
  const double wall = watch.seconds();
  const clock_comparison& r = report.result();
  if (a.json) {
    std::cout << printed(nlohmann::json{{"ok", true},
                                        {"scenario", reader.header().name},
                                        {"seed", reader.seed()},
                                        {"clock_report", clock_report_json(r, report.process_names())},
                                        {"wall_seconds", wall}})
              << "\n";
  } else {
    print_trace_title(std::cout, "report", a.file, reader);
    std::cout << r.processes << " processes, " << r.events << " events\n";
    print_clock_report(std::cout, r, report.process_names());
    print_wall(std::cout, wall);
  }
  return ok;
}

}  // namespace

subcommand add_report(CLI::App& app) {
  return make_subcommand(app, "report",
                         "compare the clocks on a trace: physical time, Lamport, vectors, HLC and the other kinds it chose",
                         report_command);
}

}  // namespace hbsim::cli
