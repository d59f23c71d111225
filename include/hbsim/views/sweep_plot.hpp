// A sweep's results per parameter value as an SVG line plot: one panel per measure (its own y scale), the values
// along the x axis, a series per thing measured, its points joined by lines, a legend. Plain SVG, the same bytes for
// the same input.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hbsim {

struct plot_series {
  std::string name;
  std::vector<std::optional<double>> points;  // one per x value; none where the value has no measure
};

struct plot_panel {
  std::string y_label;
  std::vector<plot_series> series;
};

struct sweep_plot {
  std::string title;
  std::string x_label;
  std::vector<std::string> x_values;  // the labels along the x axis, in order
  std::vector<plot_panel> panels;
};

/// The plot as an SVG document.
std::string render_svg(const sweep_plot& plot);

}  // namespace hbsim
