// The x axis of the space-time diagram (views/space_time_diagram): where each time is drawn.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "hbsim/core/time.hpp"

namespace hbsim {

// Every time something is drawn at is a column. Columns are in time order, at least one
// step apart and further apart for longer gaps, up to max_gap_ratio steps (past that a gap is
// shortened and the axis marks it), so that neither a burst nor a long silence makes events overlap
// or the picture wide. A lane with several events at one time gets one slot per event.
struct time_axis {
  std::vector<sim_time> times;
  std::vector<int> slots;
  std::vector<int> x;            // of each column's first slot
  std::vector<bool> shortened;   // the gap after this column
  int step = 0;  // between slots, set by place()

  std::size_t column(sim_time t) const {
    return static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), t) - times.begin());
  }
  int at(sim_time t, int slot = 0) const { return x[column(t)] + slot * step; }
  int end() const { return x.back() + (slots.back() - 1) * step; }

  /// Lays the columns out from first_x; a step leaves room for the widest label when the picture allows.
  void place(int first_x, int widest_label);
  /// A line from x1 to x2 at y, a tick per column, a time where there is room, a mark where a gap was
  /// shortened.
  void draw(std::string& s, int x1, int x2, int y) const;
};

}  // namespace hbsim
