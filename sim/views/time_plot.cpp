#include "views/time_plot.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "views/space_time_diagram.hpp"

namespace hbsim {

namespace {

constexpr int width = 720, height = 220, margin_left = 80, margin_right = 120, margin_y = 20;
constexpr std::array<std::string_view, 6> colours{"#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f"};

}  // namespace

std::string time_plot_svg(const plot_style& style, const std::vector<plot_line>& lines) {
  if (lines.empty()) return {};
  sim_time t0 = time_max, t1 = time_min;
  std::int64_t lo = 0, hi = 0;
  for (const plot_line& line : lines)
    for (const plot_point& p : line.points) {
      t0 = std::min(t0, p.time);
      t1 = std::max(t1, p.time);
      lo = std::min(lo, p.value);
      hi = std::max(hi, p.value);
    }
  if (t1 == t0) ++t1;
  if (hi == lo) ++hi;
  const double plot_w = width - margin_left - margin_right, plot_h = height - 2 * margin_y;
  const auto x = [&](sim_time t) { return margin_left + plot_w * static_cast<double>(t - t0) / static_cast<double>(t1 - t0); };
  const auto y = [&](std::int64_t v) { return margin_y + plot_h * static_cast<double>(hi - v) / static_cast<double>(hi - lo); };
  // Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string at -O3.
  std::string s;
  s.append("<svg ").append(style.attributes).append(" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(std::to_string(width));
  s.append("\" height=\"").append(std::to_string(height)).append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
  const auto text = [&](double tx, double ty, std::string_view anchor, const std::string& what) {
    s.append("<text x=\"").append(px(tx)).append("\" y=\"").append(px(ty)).append("\"");
    if (!anchor.empty()) s.append(" text-anchor=\"").append(anchor).append("\"");
    s.append(">").append(escape_markup(what)).append("</text>\n");
  };
  text(4, y(hi) + 4, "", style.value_text(hi));
  text(4, y(lo) + 4, "", style.value_text(lo));
  text(x(t0), height - 4, "", format_duration(t0));
  text(x(t1), height - 4, "end", format_duration(t1));
  s.append("<line class=\"zero\" x1=\"").append(px(x(t0))).append("\" x2=\"").append(px(x(t1)));
  s.append("\" y1=\"").append(px(y(0))).append("\" y2=\"").append(px(y(0))).append("\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n");
  // Each line's name at the height where it ends, pushed down where it would overlap the one above.
  std::vector<double> label_y(lines.size());
  std::vector<std::size_t> by_height(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    label_y[i] = y(lines[i].points.back().value) + 4;
    by_height[i] = i;
  }
  std::stable_sort(by_height.begin(), by_height.end(), [&](std::size_t a, std::size_t b) { return label_y[a] < label_y[b]; });
  for (std::size_t i = 1; i < by_height.size(); ++i)
    label_y[by_height[i]] = std::max(label_y[by_height[i]], label_y[by_height[i - 1]] + 12);
  std::size_t k = 0;
  for (const plot_line& line : lines) {
    const double name_y = label_y[k];
    const std::string_view colour = colours[k++ % colours.size()];
    const std::string name = escape_markup(line.name);
    std::string xy, values;
    for (const plot_point& p : line.points) {
      xy.append(xy.empty() ? "" : " ").append(px(x(p.time))).append(",").append(px(y(p.value)));
      values.append(values.empty() ? "" : " ").append(std::to_string(p.time)).append(":").append(std::to_string(p.value));
    }
    s.append("<g class=\"").append(style.line_class).append("\" data-process=\"").append(name).append("\" ");
    s.append(style.points).append("=\"").append(values);
    s.append("\">\n<polyline points=\"").append(xy).append("\" fill=\"none\" stroke=\"").append(colour);
    s.append("\" stroke-width=\"1.5\"/>\n");
    for (const plot_point& p : line.points) {
      if (p.dot.empty()) continue;
      s.append("<circle cx=\"").append(px(x(p.time))).append("\" cy=\"").append(px(y(p.value)));
      s.append("\" r=\"3\" fill=\"").append(colour).append("\"><title>").append(escape_markup(p.dot));
      s.append("</title></circle>\n");
    }
    s.append("<text x=\"").append(std::to_string(width - margin_right + 6)).append("\" y=\"");
    s.append(px(name_y)).append("\" fill=\"").append(colour).append("\">").append(name);
    s.append("</text>\n</g>\n");
  }
  return s.append("</svg>\n");
}

}  // namespace hbsim
