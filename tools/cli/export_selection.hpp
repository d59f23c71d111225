// What every export accepts on the command line (run --export and the export subcommand): which
// clocks label events, a window of true time, a subset of processes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "hbsim/views/exporter.hpp"

namespace hbsim::cli {

struct export_selection {
  std::string clocks;  // "": all
  std::string from, until;
  std::vector<std::string> processes;

  void add_to(CLI::App& cmd);
  /// The first of its options given on the command line ("--clocks"...), "" when none is.
  std::string given() const;
  // Throws input_error for clocks or a time that do not parse.
  export_options options() const;
};

// The export formats, comma-separated, for the help text.
std::string format_list();

}  // namespace hbsim::cli
