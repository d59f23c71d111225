// Telling an hbsim trace from a ShiViz/GoVector log by its first non-empty line.
#include <nlohmann/json.hpp>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "trace/json_lines.hpp"

namespace hbsim {

using json = nlohmann::json;

bool trace_internal::shiviz_shaped(std::string_view line) {
  if (line.size() >= 8 && line.starts_with("=== ") && line.ends_with(" ===")) return true;
  const auto space = line.find(' ');
  if (space == 0 || space == std::string_view::npos) return false;
  const std::string_view host = line.substr(0, space), clock = line.substr(space + 1);
  return host.find('\t') == std::string_view::npos && clock.size() >= 2 && clock.front() == '{' &&
         clock.back() == '}';
}

trace_format detect_trace_format(const std::string& path) {
  line_reader in(path);
  std::string_view line;
  while (in.next(line)) {
    if (trace_internal::blank(line)) continue;
    if (line.front() == '{') {
      const json v = json::parse(line.begin(), line.end(), nullptr, false);
      if (v.is_object() && v.contains("type") && v["type"] == "header") return trace_format::hbsim;
    }
    if (trace_internal::shiviz_shaped(line)) return trace_format::shiviz;
    if (line.find('\r') != std::string_view::npos)  // the whole file on one line, as old Mac OS ended lines
      throw input_error(path, "", "lines ended by \\n (or \\r\\n)", "lines ended by \\r alone", "", in.line_number());
    throw input_error(path, "",
                      "an hbsim trace (a first line {\"type\":\"header\",...}) or a ShiViz/GoVector log (a first line "
                      "`host {clock}` or `=== name ===`)",
                      std::string("the line ").append(quoted_excerpt(line)), "", in.line_number());
  }
  throw input_error(path, "", "an hbsim trace or a ShiViz/GoVector log",
                    in.line_number() == 0 ? "an empty file" : "blank lines only");
}

}  // namespace hbsim
