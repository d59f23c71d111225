#include "views/metadata_plot.hpp"

#include <map>

#include "views/time_plot.hpp"

namespace hbsim {

std::vector<std::pair<std::string, std::string>> metadata_plot_svgs(const diagram_exporter& d) {
  std::map<std::string, std::map<std::uint32_t, plot_line>> keys;  // by key, then lane: both in their order
  for (const diagram_event& e : d.events()) {
    if (!e.data) continue;
    for (const key_metadata& k : e.data->keys) {
      plot_line& line = keys[k.key][e.lane];
      line.name = d.lane_name(e.lane);
      const auto bytes = static_cast<std::int64_t>(k.bytes);
      // A step: the bytes held stay until the state changes.
      if (!line.points.empty() && line.points.back().value != bytes) line.points.push_back({e.time, line.points.back().value, ""});
      std::string dot = line.name;
      dot.append(" at ").append(format_duration(e.time)).append(", event ").append(std::to_string(e.id)).append(": ");
      dot.append(k.text());
      line.points.push_back({e.time, bytes, std::move(dot)});
    }
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [key, lanes] : keys) {
    std::vector<plot_line> lines;
    for (auto& [lane, line] : lanes) lines.push_back(std::move(line));
    out.emplace_back(key, time_plot_svg({std::string("class=\"metadata\" data-key=\"").append(escape_markup(key)).append("\""), "metadata-line",
                                         "data-points-bytes", [](std::int64_t v) { return std::to_string(v) + " B"; }},
                                        lines));
  }
  return out;
}

}  // namespace hbsim
