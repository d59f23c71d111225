// The space-time diagram's marks of replicated data: writes, lost updates and siblings on the events
// (what views/data_marks found), and the legend that says what they mean.
#include <string>

#include "views/space_time_diagram.hpp"

namespace hbsim {

// A write gets a square around its dot; below it, a lost update's cross and a state's siblings.
void diagram_exporter::draw_data_marks(std::string& s, const layout& l) const {
  for (std::size_t i = 0; i < events_.size(); ++i) {
    if (!events_[i].data) continue;
    const data_mark& m = *events_[i].data;
    const std::string id = std::to_string(events_[i].id), x = std::to_string(l.ex[i]);
    int below = l.ey[i] + 16;
    if (m.write) {
      s.append("<rect class=\"data-write\" data-event=\"").append(id).append("\" x=\"").append(std::to_string(l.ex[i] - 7));
      s.append("\" y=\"").append(std::to_string(l.ey[i] - 7)).append("\" width=\"14\" height=\"14\"><title>");
      s.append(escape_markup(m.story));
      s.append("</title></rect>\n");
    }
    if (!m.lost.empty()) {
      s.append("<text class=\"data-lost\" data-event=\"").append(id).append("\" x=\"").append(x).append("\" y=\"");
      s.append(std::to_string(below)).append("\">✕ lost<title>");
      for (std::size_t k = 0; k < m.lost.size(); ++k) {
        if (k) s.append("\n");
        s.append(escape_markup(m.lost[k]));
      }
      s.append("</title></text>\n");
      below += 11;
    }
    if (m.siblings() > 1) {
      s.append("<text class=\"data-siblings\" data-event=\"").append(id).append("\" x=\"").append(x).append("\" y=\"");
      s.append(std::to_string(below)).append("\">").append(std::to_string(m.siblings())).append(" siblings<title>");
      s.append(escape_markup(m.tooltip()));
      s.append("</title></text>\n");
    }
  }
}

// Under the time axis: what each data mark means.
void diagram_exporter::draw_data_legend(std::string& s, const layout& l) const {
  const int y = l.axis_y + 34 + data_legend_height / 2, x = l.left;
  const std::string row = std::to_string(y + 4);
  s.append("<g class=\"legend\"><rect class=\"data-write legend-write\" x=\"").append(std::to_string(x));
  s.append("\" y=\"").append(std::to_string(y - 7)).append("\" width=\"14\" height=\"14\"/>");
  s.append("<text x=\"").append(std::to_string(x + 20)).append("\" y=\"").append(row).append("\">a write (put)</text>");
  s.append("<text class=\"data-lost legend-lost\" x=\"").append(std::to_string(x + 130)).append("\" y=\"").append(row);
  s.append("\">✕ lost</text><text x=\"").append(std::to_string(x + 155)).append("\" y=\"").append(row);
  s.append("\">a write lost at this replica (data.no_lost_update)</text>");
  s.append("<text class=\"data-siblings legend-siblings\" x=\"").append(std::to_string(x + 440)).append("\" y=\"");
  s.append(row).append("\">2 siblings</text><text x=\"").append(std::to_string(x + 475)).append("\" y=\"").append(row);
  s.append("\">the replica now holds concurrent values of a key</text></g>\n");
}

}  // namespace hbsim
