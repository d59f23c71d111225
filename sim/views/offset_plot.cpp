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
  std::string s = "<svg id=\"offsets\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                  "\" height=\"" + std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  s += "<text x=\"4\" y=\"" + px(y(hi) + 4) + "\">" + escape_markup(format_duration(hi)) + "</text>\n";
  s += "<text x=\"4\" y=\"" + px(y(lo) + 4) + "\">" + escape_markup(format_duration(lo)) + "</text>\n";
  s += "<line class=\"zero\" x1=\"" + px(x(t0)) + "\" x2=\"" + px(x(t1)) + "\" y1=\"" + px(y(0)) + "\" y2=\"" +
       px(y(0)) + "\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n";
  s += "<text x=\"" + px(x(t0)) + "\" y=\"" + std::to_string(height - 4) + "\">" + escape_markup(format_duration(t0)) +
       "</text>\n<text x=\"" + px(x(t1)) + "\" y=\"" + std::to_string(height - 4) + "\" text-anchor=\"end\">" +
       escape_markup(format_duration(t1)) + "</text>\n";
  std::size_t k = 0;
  for (const auto& [lane, points] : lines) {
    const std::string_view colour = colours[k % colours.size()];
    const std::string name = escape_markup(d.lane_name(lane));
    std::string xy, ns;
    for (const point& p : points) {
      xy.append(xy.empty() ? "" : " ").append(px(x(p.time))).append(",").append(px(y(p.offset)));
      ns.append(ns.empty() ? "" : " ").append(std::to_string(p.time)).append(":").append(std::to_string(p.offset));
    }
    s += "<g class=\"offset-line\" data-process=\"" + name + "\" data-points-ns=\"" + ns + "\">\n<polyline points=\"" +
         xy + "\" fill=\"none\" stroke=\"" + std::string(colour) + "\" stroke-width=\"1.5\"/>\n";
    for (const point& p : points)
      if (p.ntp)
        s += "<circle cx=\"" + px(x(p.time)) + "\" cy=\"" + px(y(p.offset)) + "\" r=\"3\" fill=\"" +
             std::string(colour) + "\"><title>" + name + " at " + escape_markup(format_duration(p.time)) +
             ": NTP exchange, offset " + escape_markup(format_duration(p.offset)) + " before</title></circle>\n";
    s += "<text x=\"" + std::to_string(width - margin_right + 6) + "\" y=\"" + px(y(points.back().offset) + 4) +
         "\" fill=\"" + std::string(colour) + "\">" + name + "</text>\n</g>\n";
    ++k;
  }
  return s + "</svg>\n";
}

}  // namespace hbsim
