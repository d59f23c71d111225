// hbsim export: writes a trace in a format other tools read, or draws it. Several traces (seeds or
// runs of one scenario) go into one file only where the format holds several executions: ShiViz.
#include <memory>
#include <string>
#include <vector>

#include "export_selection.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/output_file.hpp"
#include "hbsim/truth/causality.hpp"
#include "subcommand.hpp"
#include "trace_input.hpp"

namespace hbsim::cli {

namespace {

struct export_args {
  std::vector<std::string> files;
  std::string format, output = "-";
  export_selection selection;

  void add_to(CLI::App& cmd) {
    cmd.add_option("trace", files,
                   "hbsim trace file (several for --to shiviz: one execution each; ShiViz/GoVector logs too for --to "
                   "shiviz)")
        ->required();
    cmd.add_option("--to", format, "format: " + format_list())->required();
    cmd.add_option("-o,--output", output, "output file (default: standard output)")->check(output_path);
    selection.add_to(cmd);
  }
};

// A ShiViz log goes only where vector clocks alone make sense: into another ShiViz log, whole in time.
void check_shiviz_export(const std::string& file, const export_args& a) {
  if (a.format != "shiviz")
    throw input_error(file, "",
                      "an hbsim trace for --to " + a.format +
                          " (it shows true time, physical clocks, Lamport and HLC values)",
                      "a ShiViz/GoVector log, which holds vector clocks only",
                      "from such a log hbsim exports --to shiviz; explain reads it too");
  if (!a.selection.from.empty() || !a.selection.until.empty())
    throw input_error(a.selection.from.empty() ? "--until" : "--from", "", "hbsim traces only: a window of true time",
                      file + ", a ShiViz/GoVector log, which has no time");
}

int export_command(const export_args& a) {
  if (a.files.size() > 1 && a.format != "shiviz")
    throw input_error("export", "", "one trace file (only --to shiviz takes several, as executions)",
                      std::to_string(a.files.size()) + " files");
  const output_request out[] = {{"-o", a.output}};
  check_output_paths(a.files, out);
  std::vector<bool> shiviz;
  for (const std::string& file : a.files) {
    shiviz.push_back(shiviz_log(file));
    if (shiviz.back()) check_shiviz_export(file, a);
  }
  const std::unique_ptr<exporter> e = make_exporter(a.format, a.output, a.selection.options());
  causality truth;  // which the exporter reads, so it sees each record first
  e->read(truth);
  event_observer* observers[] = {&truth, e.get()};
  for (std::size_t i = 0; i < a.files.size(); ++i) replay_input(a.files[i], shiviz[i], observers);
  e->commit();
  return ok;
}

}  // namespace

subcommand add_export(CLI::App& app) {
  return make_subcommand(app, "export", "write a trace in a format other tools read, or draw it", export_command);
}

}  // namespace hbsim::cli
