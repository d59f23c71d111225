// A trace file named on the command line (check, report, explain, export): an hbsim trace or a
// ShiViz/GoVector log, told apart by its content, and replayed to observers as such.
#pragma once

#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "hbsim/kernel/observer.hpp"
#include "hbsim/trace/shiviz_replay.hpp"
#include "hbsim/trace/trace_reader.hpp"

namespace hbsim::cli {

// The format of a file: detect_trace_format's answer from the first line, or, when that recognizes
// neither, a ShiViz log if one reads from a later line (ShiViz skips what comes before the first
// event). Throws input_error when it is neither. What is not a regular file (a pipe, which can be read
// once) is an hbsim trace, left to the trace reader, whose errors say what else it is.
trace_format input_format(const std::string& file);

// Whether `file` is a ShiViz/GoVector log rather than an hbsim trace. Only a regular file is looked
// at first, so that a trace in a pipe is read once; what is neither is left to the trace reader,
// whose errors say what is wrong.
bool shiviz_log(const std::string& file);

// Opens the hbsim trace `file`, refusing one whose judging would not fit in memory (input_error).
std::unique_ptr<trace_reader> open_trace(const std::string& file);

// Replays `file` to the observers: as a ShiViz/GoVector log when `shiviz` (with `options`), as an
// hbsim trace otherwise.
void replay_input(const std::string& file, bool shiviz, std::span<event_observer* const> observers,
                  const shiviz_replay_options& options = {});

// The first line of what `hbsim <command>` prints on an hbsim trace, and the indent of the second:
// "hbsim report: FILE (hbsim trace of "NAME", seed N)\n  ".
void print_trace_title(std::ostream& out, std::string_view command, const std::string& file,
                       const trace_reader& reader);

}  // namespace hbsim::cli
