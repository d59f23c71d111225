// The HTML export's plot of each NTP client's offset to true time (pt − time) at its events over the
// run: the drift's sawtooth and each exchange's correction (FORMAT.md, NTP).
#pragma once

#include <string>

#include "views/space_time_diagram.hpp"

namespace hbsim {

/// One <svg id="offsets"> with a line per process whose events include an ended NTP exchange, or ""
/// when there is none. A step is drawn as a vertical jump at its event, to the offset after it.
std::string offset_plot_svg(const diagram_exporter& d);

}  // namespace hbsim
