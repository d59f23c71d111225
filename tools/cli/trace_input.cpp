#include "hbsim/core/json_text.hpp"
#include "trace_input.hpp"

#include <filesystem>

#include "hbsim/core/input_error.hpp"
#include "hbsim/run/memory_estimate.hpp"
#include "hbsim/trace/shiviz_log.hpp"

namespace hbsim::cli {

namespace {

bool regular_file(const std::string& file) {
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec);
}

}  // namespace

trace_format input_format(const std::string& file) {
  // A pipe cannot be read twice: it is read once, as an hbsim trace (the trace reader says when it is a
  // ShiViz log; --format shiviz reads one).
  if (!regular_file(file)) return trace_format::hbsim;
  try {
    return detect_trace_format(file);
  } catch (const input_error&) {
    if (has_shiviz_events(file)) return trace_format::shiviz;
    throw;
  }
}

bool shiviz_log(const std::string& file) {
  try {
    return input_format(file) == trace_format::shiviz;
  } catch (const input_error&) {
    return false;
  }
}

void replay_input(const std::string& file, bool shiviz, std::span<event_observer* const> observers,
                  const shiviz_replay_options& options) {
  if (shiviz)
    replay_shiviz_log(file, observers, options);
  else
    open_trace(file)->replay(observers);
}

std::unique_ptr<trace_reader> open_trace(const std::string& file) {
  auto reader = std::make_unique<trace_reader>(file);
  if (const auto left = check_trace_memory(reader->header())) reader->limit_in_flight_memory(*left);
  return reader;
}

void print_trace_title(std::ostream& out, std::string_view command, const std::string& file,
                       const trace_reader& reader) {
  out << "hbsim " << command << ": " << file << " (hbsim trace of \"" << visible_text(reader.header().name) << "\", seed "
      << reader.seed() << ")\n  ";
}

}  // namespace hbsim::cli
