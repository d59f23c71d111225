// What the readers of line-oriented files (hbsim traces, ShiViz logs) share about lines of JSON.
#pragma once

#include <string>
#include <string_view>

namespace hbsim::trace_internal {

/// UTF-8's byte order mark, which some editors put first in a file: skipped there, refused elsewhere.
inline constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

/// A line of spaces and tabs only (or none), which a trace may hold anywhere.
inline bool blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

/// Refuses a line longer than limits::file_bytes: line `line` of `path`.
[[noreturn]] void refuse_long_line(const std::string& path, std::size_t line);

/// A line of a ShiViz/GoVector log: `host {clock}`, or `=== name ===` between executions.
bool shiviz_shaped(std::string_view line);

}  // namespace hbsim::trace_internal
