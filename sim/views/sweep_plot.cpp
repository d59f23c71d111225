#include "hbsim/views/sweep_plot.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>

#include "views/space_time_diagram.hpp"

namespace hbsim {

namespace {

constexpr double left = 80, plot_width = 440, legend_x = left + plot_width + 24, width = legend_x + 260;
constexpr double first_top = 56, plot_height = 150, panel_step = plot_height + 56, x_label_room = 180;
constexpr std::array<const char*, 8> colours{"#1565c0", "#c62828", "#2e7d32", "#ef6c00",
                                              "#6a1b9a", "#00838f", "#5d4037", "#ad1457"};

// Numbers without locale: coordinates by px (to one decimal), measures in their shortest exact form.
std::string number(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// The values spread over the x axis, clear of its ends.
double x_of(std::size_t i, std::size_t n) {
  constexpr double inset = 24;
  return n < 2 ? left + plot_width / 2
               : left + inset + (plot_width - 2 * inset) * static_cast<double>(i) / static_cast<double>(n - 1);
}

// The panel's y scale runs from 0 to its largest point (1 when every point is 0 or none is there).
double largest(const plot_panel& p) {
  double top = 0;
  for (const plot_series& s : p.series)
    for (const auto& v : s.points)
      if (v) top = std::max(top, *v);
  return top > 0 ? top : 1;
}

void axes(std::string& out, const plot_panel& p, double top, double scale) {
  const std::string bottom = px(top + plot_height);
  out += "<text class=\"y-label\" x=\"" + px(left - 56) + "\" y=\"" + px(top - 10) + "\">" +
         escape_markup(p.y_label) + "</text>\n";
  for (const double f : {0.0, 0.5, 1.0}) {
    const std::string y = px(top + plot_height - f * plot_height);
    out += "<line class=\"grid\" x1=\"" + px(left) + "\" y1=\"" + y + "\" x2=\"" + px(left + plot_width) + "\" y2=\"" +
           y + "\"/>\n<text class=\"tick\" x=\"" + px(left - 6) + "\" y=\"" + y + "\">" + number(f * scale) +
           "</text>\n";
  }
  out += "<line class=\"axis\" x1=\"" + px(left) + "\" y1=\"" + px(top) + "\" x2=\"" + px(left) + "\" y2=\"" + bottom +
         "\"/>\n<line class=\"axis\" x1=\"" + px(left) + "\" y1=\"" + bottom + "\" x2=\"" + px(left + plot_width) +
         "\" y2=\"" + bottom + "\"/>\n";
}

void series(std::string& out, const plot_series& s, const std::vector<std::string>& x_values, const char* colour,
            double top, double scale) {
  std::string line, points;
  for (std::size_t i = 0; i < s.points.size() && i < x_values.size(); ++i) {
    if (!s.points[i]) continue;
    const std::string x = px(x_of(i, x_values.size())), y = px(top + plot_height - *s.points[i] / scale * plot_height);
    line += (line.empty() ? "" : " ") + x + "," + y;
    points += "<circle class=\"point\" cx=\"" + x + "\" cy=\"" + y + "\" r=\"3.5\" fill=\"" + colour + "\"><title>" +
              escape_markup(s.name + ", " + x_values[i] + ": " + number(*s.points[i])) + "</title></circle>\n";
  }
  out += "<g class=\"series\">\n<polyline class=\"line\" stroke=\"" + std::string(colour) + "\" points=\"" + line +
         "\"/>\n" + points + "</g>\n";
}

void panel(std::string& out, const sweep_plot& plot, const plot_panel& p, double top) {
  const double scale = largest(p);
  axes(out, p, top, scale);
  for (std::size_t s = 0; s < p.series.size(); ++s) {
    const char* colour = colours[s % colours.size()];
    series(out, p.series[s], plot.x_values, colour, top, scale);
    const std::string y = px(top + 8 + 18 * static_cast<double>(s));
    out += "<line class=\"key\" x1=\"" + px(legend_x) + "\" y1=\"" + y + "\" x2=\"" + px(legend_x + 20) + "\" y2=\"" +
           y + "\" stroke=\"" + colour + "\"/>\n<text class=\"legend\" x=\"" + px(legend_x + 26) + "\" y=\"" + y +
           "\">" + escape_markup(p.series[s].name) + "</text>\n";
  }
}

}  // namespace

std::string render_svg(const sweep_plot& plot) {
  // The values go under the last panel, slanted so that long ones do not overlap.
  const double below =
      first_top + panel_step * static_cast<double>(std::max<std::size_t>(plot.panels.size(), 1) - 1) + plot_height + 16;
  const double height = below + x_label_room;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    px(width) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) + " " + px(height) +
                    "\" font-family=\"sans-serif\">\n<style>\n"
                    ".title{font-size:14px;font-weight:bold}.y-label,.x-label{font-size:12px}\n"
                    ".tick{font-size:10px;text-anchor:end;dominant-baseline:middle}.legend{font-size:11px;dominant-baseline:middle}\n"
                    ".x-value{font-size:10px;text-anchor:end}.axis{stroke:#333}.grid{stroke:#ddd}\n"
                    ".line{fill:none;stroke-width:1.5}.key{stroke-width:3}\n</style>\n"
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text class=\"title\" x=\"" + px(left - 56) +
                    "\" y=\"24\">" + escape_markup(plot.title) + "</text>\n";
  for (std::size_t p = 0; p < plot.panels.size(); ++p)
    panel(out, plot, plot.panels[p], first_top + panel_step * static_cast<double>(p));
  for (std::size_t i = 0; i < plot.x_values.size(); ++i) {
    const std::string x = px(x_of(i, plot.x_values.size()));
    out += "<text class=\"x-value\" x=\"" + x + "\" y=\"" + px(below) + "\" transform=\"rotate(-30 " + x + " " +
           px(below) + ")\">" + escape_markup(plot.x_values[i]) + "</text>\n";
  }
  out += "<text class=\"x-label\" x=\"" + px(left + plot_width / 2) + "\" y=\"" + px(height - 12) +
         "\" text-anchor=\"middle\">" + escape_markup(plot.x_label) + "</text>\n</svg>\n";
  return out;
}

}  // namespace hbsim
