#include "views/offset_plot.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace hbsim {

namespace {

constexpr int width = 720, height = 220, margin_left = 80, margin_right = 120, margin_y = 20;
constexpr std::array<std::string_view, 6> colours{"#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f"};

struct point {
  sim_time time, offset;
  bool ntp;  // the event that ended an exchange (the point before its correction)
};

}  // namespace

std::string offset_plot_svg(const diagram_exporter& d) {
  std::map<std::uint32_t, std::vector<point>> lines;  // by lane: the lanes in their order
  for (const diagram_event& e : d.events())
    if (e.ntp) lines[e.lane];
  if (lines.empty()) return {};
  sim_time t0 = time_max, t1 = time_min, lo = 0, hi = 0;
  for (const diagram_event& e : d.events()) {
    auto it = lines.find(e.lane);
    if (it == lines.end()) continue;
    it->second.push_back({e.time, e.pt - e.time, e.ntp.has_value()});
    if (e.ntp && e.ntp->after() != e.ntp->before) it->second.push_back({e.time, e.ntp->after(), false});
  }
  for (const auto& [lane, points] : lines)
    for (const point& p : points) {
      t0 = std::min(t0, p.time);
      t1 = std::max(t1, p.time);
      lo = std::min(lo, p.offset);
      hi = std::max(hi, p.offset);
    }
  if (t1 == t0) ++t1;
  if (hi == lo) ++hi;
  const double plot_w = width - margin_left - margin_right, plot_h = height - 2 * margin_y;
  const auto x = [&](sim_time t) { return margin_left + plot_w * static_cast<double>(t - t0) / static_cast<double>(t1 - t0); };
  const auto y = [&](sim_time o) { return margin_y + plot_h * static_cast<double>(hi - o) / static_cast<double>(hi - lo); };
  // Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string at -O3.
  std::string s;
  s.append("<svg id=\"offsets\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(std::to_string(width));
  s.append("\" height=\"").append(std::to_string(height)).append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
  const auto text = [&](double tx, double ty, std::string_view anchor, const std::string& what) {
    s.append("<text x=\"").append(px(tx)).append("\" y=\"").append(px(ty)).append("\"");
    if (!anchor.empty()) s.append(" text-anchor=\"").append(anchor).append("\"");
    s.append(">").append(escape_markup(what)).append("</text>\n");
  };
  text(4, y(hi) + 4, "", format_duration(hi));
  text(4, y(lo) + 4, "", format_duration(lo));
  text(x(t0), height - 4, "", format_duration(t0));
  text(x(t1), height - 4, "end", format_duration(t1));
  s.append("<line class=\"zero\" x1=\"").append(px(x(t0))).append("\" x2=\"").append(px(x(t1)));
  s.append("\" y1=\"").append(px(y(0))).append("\" y2=\"").append(px(y(0))).append("\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n");
  std::size_t k = 0;
  for (const auto& [lane, points] : lines) {
    const std::string_view colour = colours[k++ % colours.size()];
    const std::string name = escape_markup(d.lane_name(lane));
    std::string xy, ns;
    for (const point& p : points) {
      xy.append(xy.empty() ? "" : " ").append(px(x(p.time))).append(",").append(px(y(p.offset)));
      ns.append(ns.empty() ? "" : " ").append(std::to_string(p.time)).append(":").append(std::to_string(p.offset));
    }
    s.append("<g class=\"offset-line\" data-process=\"").append(name).append("\" data-points-ns=\"").append(ns);
    s.append("\">\n<polyline points=\"").append(xy).append("\" fill=\"none\" stroke=\"").append(colour);
    s.append("\" stroke-width=\"1.5\"/>\n");
    for (const point& p : points) {
      if (!p.ntp) continue;
      s.append("<circle cx=\"").append(px(x(p.time))).append("\" cy=\"").append(px(y(p.offset)));
      s.append("\" r=\"3\" fill=\"").append(colour).append("\"><title>").append(name).append(" at ");
      s.append(escape_markup(format_duration(p.time))).append(": NTP exchange, offset ");
      s.append(escape_markup(format_duration(p.offset))).append(" before</title></circle>\n");
    }
    s.append("<text x=\"").append(std::to_string(width - margin_right + 6)).append("\" y=\"");
    s.append(px(y(points.back().offset) + 4)).append("\" fill=\"").append(colour).append("\">").append(name);
    s.append("</text>\n</g>\n");
  }
  return s.append("</svg>\n");
}

}  // namespace hbsim
