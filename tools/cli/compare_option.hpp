// --compare, for the commands that compare the clocks (run, report).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "hbsim/judge/clock_report.hpp"

namespace hbsim::cli {

/// --compare auto|exact|estimate (and off when the comparison can be left out) into `mode`.
inline CLI::Option* add_compare_option(CLI::App& cmd, std::string& mode, bool can_be_off) {
  std::vector<std::string> modes = {"auto", "exact", "estimate"};
  if (can_be_off) modes.push_back("off");
  return cmd.add_option("--compare", mode,
                 std::string("how the clock comparison counts its pairs: auto (the default) counts them exactly up to ")
                         .append(std::to_string(exact_events_most))
                         .append(" events (")
                         .append(std::to_string(exact_work_most))
                         .append(" / processes when that is fewer) and estimates them past that, from the pairs of "
                                 "a seeded sample of events, "
                                 "with a 95% confidence interval; exact counts every pair (about 20 bytes per event "
                                 "until the end); estimate always samples") +
                     (can_be_off ? "; off leaves the comparison out" : ""))
      ->check(CLI::IsMember(modes));
}

}  // namespace hbsim::cli
