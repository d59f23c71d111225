#include "views/offset_plot.hpp"

#include <map>

#include "views/time_plot.hpp"

namespace hbsim {

std::string offset_plot_svg(const diagram_exporter& d) {
  std::map<std::uint32_t, plot_line> lines;  // by lane: the lanes in their order
  for (const diagram_event& e : d.events())
    if (e.ntp) lines[e.lane].name = d.lane_name(e.lane);
  for (const diagram_event& e : d.events()) {
    auto it = lines.find(e.lane);
    if (it == lines.end()) continue;
    std::string dot;
    if (e.ntp)
      dot.append(it->second.name).append(" at ").append(format_duration(e.time)).append(": NTP exchange, offset ")
          .append(format_duration(e.pt - e.time)).append(" before");
    it->second.points.push_back({e.time, e.pt - e.time, std::move(dot)});
    if (e.ntp && e.ntp->after() != e.ntp->before) it->second.points.push_back({e.time, e.ntp->after(), ""});
  }
  std::vector<plot_line> out;
  for (auto& [lane, line] : lines) out.push_back(std::move(line));
  return time_plot_svg({"id=\"offsets\"", "offset-line", "data-points-ns", [](std::int64_t v) { return format_duration(v); }},
                       out);
}

}  // namespace hbsim
