// A plot of values over true time, one line per process, for the HTML export: the NTP clients'
// offsets (offset_plot.hpp) and the replicas' version metadata per key (metadata_plot.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hbsim/core/time.hpp"

namespace hbsim {

struct plot_point {
  sim_time time = 0;
  std::int64_t value = 0;
  std::string dot;  // a dot's tooltip at this point; "" for none
};

struct plot_line {
  std::string name;
  std::vector<plot_point> points;  // in time order, at least one
};

struct plot_style {
  std::string attributes;   // of the <svg>: `id="offsets"`
  std::string line_class;   // of each line's <g>, which also has data-process and `points`
  std::string points;       // the attribute listing a line's points as "time:value ..."
  std::function<std::string(std::int64_t)> value_text;  // the axis' labels
};

/// One <svg> with the lines (0 always within the values' range, drawn dashed), or "" without lines.
std::string time_plot_svg(const plot_style& style, const std::vector<plot_line>& lines);

}  // namespace hbsim
