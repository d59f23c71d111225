#include "views/diagram_time_axis.hpp"

#include <algorithm>
#include <climits>

namespace hbsim {

namespace {

// In SVG user units (pixels at 100 %).
constexpr int min_step = 14;           // between columns of events: dots never touch
constexpr int roomy_step = 36;         // when there is room
constexpr int target_width = 4000;     // steps shrink towards min_step past this
constexpr double max_gap_ratio = 4;    // a gap is drawn at most this many steps wide

}  // namespace

void time_axis::place(int first_x, int widest_label) {
  int total_slots = 0;
  for (const int s : slots) total_slots += s;
  step = std::max(min_step, std::min(std::max(roomy_step, widest_label + 8), target_width / total_slots));
  std::vector<sim_time> gaps;
  for (std::size_t i = 1; i < times.size(); ++i) gaps.push_back(sub_sat(times[i], times[i - 1]));
  double unit = 1;
  if (!gaps.empty()) {
    std::vector<sim_time> sorted = gaps;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    unit = static_cast<double>(sorted[sorted.size() / 2]);
  }
  x.assign(times.size(), first_x);
  shortened.assign(times.size(), false);
  for (std::size_t i = 0; i + 1 < times.size(); ++i) {
    const double ratio = static_cast<double>(gaps[i]) / unit;
    shortened[i] = ratio > max_gap_ratio;
    const int gap = static_cast<int>(step * std::clamp(ratio, 1.0, max_gap_ratio) + 0.5);
    x[i + 1] = x[i] + (slots[i] - 1) * step + gap;
  }
}

void time_axis::draw(std::string& s, int x1, int x2, int y) const {
  s += "<line class=\"axis\" x1=\"" + std::to_string(x1) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" +
       std::to_string(x2) + "\" y2=\"" + std::to_string(y) + "\"/>\n";
  int last_label = INT_MIN / 2;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const std::string tx = std::to_string(x[i]);
    s += "<line class=\"tick\" x1=\"" + tx + "\" y1=\"" + std::to_string(y) + "\" x2=\"" + tx + "\" y2=\"" +
         std::to_string(y + 4) + "\"/>";
    if (x[i] >= last_label + 48) {
      last_label = x[i];
      s += "<text class=\"tick-label\" x=\"" + tx + "\" y=\"" + std::to_string(y + 16) + "\">" +
           format_duration(times[i]) + "</text>";
    }
    if (shortened[i]) {
      const int mid = (x[i] + (slots[i] - 1) * step + x[i + 1]) / 2;
      s += "<text class=\"axis-break\" x=\"" + std::to_string(mid) + "\" y=\"" + std::to_string(y + 4) +
           "\">≈<title>" + format_duration(sub_sat(times[i + 1], times[i])) +
           " between these times, drawn shorter</title></text>";
    }
    s += "\n";
  }
  s += "<text class=\"axis-title\" x=\"" + std::to_string(x1) + "\" y=\"" + std::to_string(y + 30) +
       "\">true time</text>\n";
}

}  // namespace hbsim
