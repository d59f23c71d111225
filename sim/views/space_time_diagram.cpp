#include "views/space_time_diagram.hpp"

#include "hbsim/clocks/clock_kind.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <map>

#include "hbsim/core/input_error.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "views/diagram_time_axis.hpp"
#include "views/export_text.hpp"

namespace hbsim {

namespace {

// Sizes in SVG user units (pixels at 100 %).
constexpr int char_width = 6;          // of a 10px monospace label
constexpr int name_char_width = 7;     // of a 12px process name
constexpr std::size_t name_chars = 20;  // longer names are cut (the full name is the tooltip)
constexpr int dense_step = 24;         // below it, drops and clock steps lose their text
constexpr int lane_gap = 60;
constexpr int first_lane_y = 84;
constexpr int fault_label_y = 34;      // three rows, 14 apart, so neighbouring labels do not collide
constexpr int dot_radius = 4;
constexpr int data_legend_width = 760;

constexpr std::string_view style = R"svg(<style>
.caption{font-size:12px;fill:#333}
.pname{font-size:12px;fill:#111}
.lane{stroke:#9e9e9e;stroke-width:1}
.ev{fill:#616161;stroke:#fff;stroke-width:1}
.ev.send{fill:#2e7d32}.ev.receive{fill:#1565c0}.ev.crash{fill:#c62828}.ev.restart{fill:#ef6c00}.ev.reject{fill:#8e24aa}
.msg{stroke:#37474f;stroke-width:1.2;fill:none;marker-end:url(#arrow)}
.rejected{stroke:#8e24aa;stroke-width:1.2;stroke-dasharray:5 3;fill:none;marker-end:url(#arrow)}
#arrow path{fill:#37474f}
.held{stroke:#f9a825;stroke-width:4;stroke-linecap:round;opacity:.85}
.drop{stroke:#c62828;stroke-width:1.2;stroke-dasharray:4 3;fill:none}
.drop-x{stroke:#c62828;stroke-width:2.5}
.reason,.step-label{font-size:9px;fill:#c62828}
.partition{fill:#ffb74d;fill-opacity:.2}
.cut{fill:#ffd54f;fill-opacity:.3}
.fault-label{font-size:10px;fill:#8d5a00}
.pause{fill:url(#hatch);stroke:#90a4ae}
#hatch line{stroke:#b0bec5;stroke-width:2}
.down{stroke:#c62828;stroke-width:2;stroke-dasharray:2 3}
.crash-mark{stroke:#c62828;stroke-width:3}
.restart-mark{stroke:#ef6c00;stroke-width:3}
.step{fill:#6d4c41}
.lbl{font:10px monospace;text-anchor:middle;fill:#222}
.axis,.tick{stroke:#555}
.tick-label{font-size:10px;text-anchor:middle;fill:#333}
.axis-title{font-size:10px;fill:#333}
.axis-break{font-size:13px;text-anchor:middle;fill:#c62828}
.data-write{fill:none;stroke:#6a1b9a;stroke-width:1.5}
.data-lost{font-size:9px;font-weight:bold;fill:#c62828;text-anchor:middle}
.data-siblings{font-size:9px;fill:#6a1b9a;text-anchor:middle}
.legend{font-size:10px;fill:#333}
</style>
<defs>
<marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z"/></marker>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6"/></pattern>
</defs>
)svg";

void escape_into(std::string& out, std::string_view s) {
  for (const char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: append_visible(out, {&ch, 1});  // XML 1.0 has no control characters but tab and newline
    }
  }
}

std::string cut_to(std::string_view s, std::size_t chars) {
  return s.size() <= chars ? std::string(s) : std::string(s.substr(0, chars - 1)) + "…";
}

int label_width(std::string_view text) { return char_width * static_cast<int>(text.size()); }

std::string span_text(sim_time begin, sim_time end) {
  return end < 0 ? "from " + format_duration(begin) + ", never ends"
                 : format_duration(begin) + "–" + format_duration(end);
}

int lane_y(std::uint32_t lane) { return first_lane_y + static_cast<int>(lane) * lane_gap; }

}  // namespace

// Coordinates are whole pixels except arrow ends; one decimal is plenty and prints alike everywhere.
std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

std::string escape_markup(std::string_view s) {
  std::string out;
  escape_into(out, s);
  return out;
}

diagram_exporter::diagram_exporter(std::string path, const export_options& options, std::string_view format)
    : exporter(options), out_(std::move(path), std::string(format) + " export") {}

void diagram_exporter::start(const run_header& h) {
  scenario_name_ = h.source ? h.source->name : "";
  seed_ = h.seed;
  names_.assign(h.process_names.begin(), h.process_names.end());
  lane_of_.assign(names_.size(), no_lane);
  lane_process_.clear();
  for (process_id p = 0; p < names_.size(); ++p) {
    if (!shown(p)) continue;
    lane_of_[p] = static_cast<std::uint32_t>(lane_process_.size());
    lane_process_.push_back(p);
  }
  selected_events_ = 0;
  check_processes();
  events_.clear();
  drops_.clear();
  faults_.clear();
}

void diagram_exporter::event(const event_record& e) {
  ++selected_events_;
  if (!storing()) return;  // refused at commit; the count is all the message needs
  diagram_event d;
  d.id = e.id;
  d.lane = lane_of_[e.process];
  d.seq = e.seq;
  d.kind = e.kind;
  d.label = e.label;
  d.time = e.time;
  d.pt = e.pt;
  d.lamport = places().lamport_of(e);
  places().vector_of(e).for_each([&](std::size_t p, std::uint64_t count) {
    if (d.vector.size() < diagram_limits::vector_entries || lane_of_[p] != no_lane)
      d.vector.emplace_back(static_cast<process_id>(p), static_cast<std::uint32_t>(count));
    else
      ++d.vector_left_out;
  });
  d.hlc = places().hlc_of(e);
  for (const shown_clock& c : clocks())
    if (c.kind) {
      d.others.resize(e.stamps.size());
      d.others[c.stamp] = c.kind->text(e.stamps[c.stamp], names_);
    }
  d.message = e.message;
  d.from = e.from;
  d.send_event = message_arrived(e.kind) ? e.send_event : 0;
  if (e.kind == event_kind::receive && e.arrived != no_arrival && e.arrived < e.time) d.arrived = e.arrived;
  if (e.ntp) d.ntp = ntp_outcome{e.process, e.time, e.pt - e.time, *e.ntp};
  if (data()) d.data = *data();
  if (e.commit) {
    d.commit = std::string(e.commit->done() ? "commit done: s = " : "commit: s = latest = ");
    d.commit.append(format_duration(e.commit->s));
    if (e.commit->done()) d.commit.append(", waited ").append(format_duration(e.commit->waited));
  }
  events_.push_back(std::move(d));
}

void diagram_exporter::drop(const drop_record& d, event_id send_event) {
  if (storing()) drops_.push_back({d, send_event});
}

void diagram_exporter::fault(const fault_record& f) {
  if (storing()) faults_.push_back(describe(f));
}

diagram_exporter::drawn_fault diagram_exporter::describe(const fault_record& f) const {
  drawn_fault d{f.type(), f.time, f.end, {}, {}, no_lane};
  auto names = [&](const std::vector<process_id>& ps) {
    std::string s;
    for (const process_id p : ps) s.append(s.empty() ? "" : " ").append(names_[p]);
    return s;
  };
  auto mode = [](hold_mode m) { return m == hold_mode::hold ? ", hold, " : ", drop, "; };
  if (const auto* p = std::get_if<partition_fault>(&f.what)) {
    d.mark = "partition";
    for (const auto& g : p->applied_groups()) d.mark.append(d.mark == "partition" ? " " : " | ").append(names(g));
    d.text = d.mark + mode(p->mode) + span_text(f.time, f.end);
  } else if (const auto* c = std::get_if<cut_fault>(&f.what)) {
    d.mark = "cut " + names(c->from) + " → " + names(c->to);
    d.text = d.mark + mode(c->mode) + span_text(f.time, f.end);
  } else if (const auto* s = std::get_if<pause_fault>(&f.what)) {
    d.lane = lane_of_[s->process];
    d.text = names_[s->process] + " paused, clock " + (s->clock_running ? "running, " : "frozen, ") +
             span_text(f.time, f.end);
  } else if (const auto* s = std::get_if<clock_step_fault>(&f.what)) {
    d.lane = lane_of_[s->process];
    d.mark = format_duration(s->by);
    d.text = names_[s->process] + "'s clock steps by " + d.mark + " at " + format_duration(f.time);
  }
  return d;
}

// Processes are known at the start, so that limit refuses an export before the run; events only at
// the end.
void diagram_exporter::check_processes() const {
  if (lane_process_.size() <= diagram_limits::processes) return;
  refuse(std::to_string(lane_process_.size()) + " processes selected", "fewer processes with --processes");
}

void diagram_exporter::check_size() const {
  if (selected_events_ <= diagram_limits::events) return;
  refuse(std::to_string(selected_events_) + " events of " + std::to_string(lane_process_.size()) +
             " processes selected",
         "a window of true time with --from and --until, fewer processes with --processes");
}

void diagram_exporter::refuse(const std::string& found, const std::string& narrower) const {
  throw input_error(out_.path(), "",
                    "at most " + std::to_string(diagram_limits::events) + " events and " +
                        std::to_string(diagram_limits::processes) + " processes in a diagram",
                    found, "narrow the selection: " + narrower);
}

std::string diagram_exporter::clock_label(const diagram_event& e, const shown_clock& c) const {
  if (c.kind) return e.others[c.stamp];
  switch (*c.standard) {
    case export_clock::lamport: return std::to_string(e.lamport);
    case export_clock::hlc: return hlc_text(e.hlc);
    case export_clock::vector: break;
  }
  std::string s = "[";
  for (std::uint32_t lane = 0; lane < lane_process_.size(); ++lane) {
    const auto it = std::lower_bound(e.vector.begin(), e.vector.end(), std::pair{lane_process_[lane], 0u});
    const bool set = it != e.vector.end() && it->first == lane_process_[lane];
    s.append(lane == 0 ? "" : ",").append(std::to_string(set ? it->second : 0));
  }
  return s + "]";
}

std::string diagram_exporter::clock_text(const diagram_event& e, const shown_clock& c) const {
  return c.standard == export_clock::vector ? vector_text(e) : clock_label(e, c);
}

std::string diagram_exporter::vector_text(const diagram_event& e) const {
  std::string s = "{";
  for (const auto& [p, v] : e.vector) s.append(s.size() == 1 ? "" : ", ").append(names_[p]).append(":").append(std::to_string(v));
  if (e.vector_left_out) s.append(", ... ").append(std::to_string(e.vector_left_out)).append(" more");
  return s + "}";
}

std::string diagram_exporter::hlc_text(const hlc_stamp& h) {
  return "(" + format_duration(h.l) + "," + std::to_string(h.c) + ")";
}

std::string diagram_exporter::svg(std::span<const shown_clock> label_clocks) const {
  const layout l = lay_out(label_clocks);
  std::string s;
  s.reserve(4096 + events_.size() * 400);
  draw_head(s, l, label_clocks);
  draw_regions(s, l);  // behind everything
  draw_lanes(s, l);
  draw_lane_faults(s, l);
  draw_downtimes(s, l);
  draw_messages(s, l);
  draw_drops(s, l);
  draw_events(s, l);
  if (l.data) draw_data_marks(s, l);
  if (!label_clocks.empty()) draw_labels(s, l, label_clocks);  // on top of the events
  l.axis.draw(s, l.left, l.width - 16, l.axis_y);
  if (l.data) draw_data_legend(s, l);
  s += "</svg>\n";
  return s;
}

diagram_exporter::layout diagram_exporter::lay_out(std::span<const shown_clock> label_clocks) const {
  layout l;
  l.lanes = std::max<std::size_t>(lane_process_.size(), 1);
  l.last_lane_y = lane_y(static_cast<std::uint32_t>(l.lanes - 1));
  l.axis_y = l.last_lane_y + 40;
  find_window(l);
  find_columns(l);

  std::size_t widest_name = 1;
  for (const process_id p : lane_process_) widest_name = std::max(widest_name, std::min(names_[p].size(), name_chars));
  l.left = 16 + name_char_width * static_cast<int>(widest_name);
  int widest = 0;
  for (const diagram_event& e : events_) widest = std::max(widest, widest_label(e, label_clocks));
  // Room at both ends for half a label, up to a point: labels that still do not fit are left out.
  const int margin = std::clamp(widest / 2 + 6, 20, 120);
  l.axis.place(l.left + margin, widest);
  l.dense = l.axis.step < dense_step;
  l.width = l.axis.end() + margin + 16;
  l.height = l.axis_y + 34;
  l.data = std::any_of(events_.begin(), events_.end(), [](const diagram_event& e) { return e.data.has_value(); });
  if (l.data) {
    l.height += data_legend_height;
    l.width = std::max(l.width, l.left + data_legend_width);
  }

  l.ex.resize(events_.size());
  l.ey.resize(events_.size());
  for (std::size_t i = 0; i < events_.size(); ++i) {
    l.ex[i] = l.axis.at(events_[i].time, l.slot[i]);
    l.ey[i] = lane_y(events_[i].lane);
  }
  return l;
}

// The window of true time: the selection's, or what was selected.
void diagram_exporter::find_window(layout& l) const {
  sim_time lo = time_max, hi = time_min;
  auto seen = [&](sim_time t) { lo = std::min(lo, t), hi = std::max(hi, t); };
  for (const diagram_event& e : events_) seen(e.time);
  for (const drawn_drop& d : drops_) seen(d.record.time);
  for (const drawn_fault& f : faults_) {
    seen(f.begin);
    if (f.end >= 0) seen(f.end);
  }
  if (options().from) lo = *options().from;
  if (options().to) hi = *options().to;
  if (lo == time_max) lo = 0;
  l.lo = lo;
  l.hi = std::max(hi, lo);
}

// A column for every time something is drawn at, as wide as the most events one lane has then.
void diagram_exporter::find_columns(layout& l) const {
  l.slot.assign(events_.size(), 0);
  std::map<sim_time, int> columns{{l.lo, 1}, {l.hi, 1}};
  std::map<std::pair<std::uint32_t, sim_time>, int> taken;
  for (std::size_t i = 0; i < events_.size(); ++i) {
    l.slot[i] = taken[{events_[i].lane, events_[i].time}]++;
    int& s = columns[events_[i].time];
    s = std::max(s, l.slot[i] + 1);
  }
  for (const diagram_event& e : events_)
    if (e.arrived != no_arrival) columns.try_emplace(l.clip(e.arrived), 1);
  for (const drawn_drop& d : drops_) columns.try_emplace(l.clip(d.record.time), 1);
  for (const drawn_fault& f : faults_) columns.try_emplace(l.clip(f.begin), 1), columns.try_emplace(l.fault_end(f), 1);
  for (const auto& [t, s] : columns) l.axis.times.push_back(t), l.axis.slots.push_back(s);
}

int diagram_exporter::widest_label(const diagram_event& e, std::span<const shown_clock> label_clocks) const {
  int widest = 0;
  for (const shown_clock& c : label_clocks) widest = std::max(widest, label_width(clock_label(e, c)));
  return widest;
}

std::size_t diagram_exporter::index_of(event_id id) const {
  return static_cast<std::size_t>(
      std::lower_bound(events_.begin(), events_.end(), id, [](const diagram_event& e, event_id v) { return e.id < v; }) -
      events_.begin());
}

void diagram_exporter::draw_head(std::string& s, const layout& l, std::span<const shown_clock> label_clocks) const {
  const std::string w = std::to_string(l.width), h = std::to_string(l.height);
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hbsim-diagram\" width=\"" + w + "\" height=\"" + h +
       "\" viewBox=\"0 0 " + w + " " + h + "\" font-family=\"sans-serif\">\n";
  s += style;
  s += "<text class=\"caption\" x=\"10\" y=\"18\">";
  escape_into(s, scenario_name_);
  s += " · seed " + std::to_string(seed_) + " · " + std::to_string(events_.size()) + " events";
  if (!label_clocks.empty()) s.append(" · labels: ").append(label_clocks.front().name);
  s += "</text>\n";
}

// Partitions and cuts: a band across every lane, its label in one of three rows.
void diagram_exporter::draw_regions(std::string& s, const layout& l) const {
  int row = 0;
  for (const drawn_fault& f : faults_) {
    if (f.type != fault_record::kind::partition && f.type != fault_record::kind::cut) continue;
    const int x1 = l.axis.at(l.clip(f.begin)), x2 = std::max(l.axis.at(l.fault_end(f)), x1 + 2);
    const int top = first_lane_y - 30;
    s += "<g><rect class=\"" + std::string(f.type == fault_record::kind::partition ? "partition" : "cut") +
         "\" x=\"" + std::to_string(x1) + "\" y=\"" + std::to_string(top) + "\" width=\"" + std::to_string(x2 - x1) +
         "\" height=\"" + std::to_string(l.last_lane_y + 30 - top) + "\"/><text class=\"fault-label\" x=\"" +
         std::to_string(x1 + 2) + "\" y=\"" + std::to_string(fault_label_y + 14 * (row++ % 3)) + "\">";
    escape_into(s, cut_to(f.mark, 60));
    s += "</text><title>";
    escape_into(s, f.text);
    s += "</title></g>\n";
  }
}

void diagram_exporter::draw_lanes(std::string& s, const layout& l) const {
  for (std::uint32_t lane = 0; lane < lane_process_.size(); ++lane) {
    const std::string y = std::to_string(lane_y(lane));
    const std::string& name = names_[lane_process_[lane]];
    s += "<text class=\"pname\" x=\"10\" y=\"" + std::to_string(lane_y(lane) + 4) + "\">";
    escape_into(s, cut_to(name, name_chars));
    s += "<title>";
    escape_into(s, name);
    s += "</title></text><line class=\"lane\" x1=\"" + std::to_string(l.left) + "\" y1=\"" + y + "\" x2=\"" +
         std::to_string(l.width - 16) + "\" y2=\"" + y + "\"/>\n";
  }
}

// Pauses (a hatched box on the lane) and clock steps (a triangle above it).
void diagram_exporter::draw_lane_faults(std::string& s, const layout& l) const {
  for (const drawn_fault& f : faults_) {
    if (f.lane == no_lane) continue;
    const int y = lane_y(f.lane), x1 = l.axis.at(l.clip(f.begin));
    if (f.type == fault_record::kind::pause) {
      const int x2 = std::max(l.axis.at(l.fault_end(f)), x1 + 2);
      s += "<rect class=\"pause\" x=\"" + std::to_string(x1) + "\" y=\"" + std::to_string(y - 9) + "\" width=\"" +
           std::to_string(x2 - x1) + "\" height=\"18\"><title>";
    } else {
      s += "<g><path class=\"step\" d=\"M" + std::to_string(x1) + " " + std::to_string(y - 14) + "l-5 -8h10z\"/>";
      if (!l.dense) {
        s += "<text class=\"step-label\" x=\"" + std::to_string(x1 + 6) + "\" y=\"" + std::to_string(y - 16) + "\">";
        escape_into(s, f.mark);
        s += "</text>";
      }
      s += "<title>";
    }
    escape_into(s, f.text);
    s += f.type == fault_record::kind::pause ? "</title></rect>\n" : "</title></g>\n";
  }
}

// A process is down from its crash to its restart (or the end of the window).
void diagram_exporter::draw_downtimes(std::string& s, const layout& l) const {
  std::vector<int> down_since(lane_process_.size(), INT_MIN);
  auto down = [&](std::uint32_t lane, int x2) {
    const std::string y = std::to_string(lane_y(lane));
    s += "<line class=\"down\" x1=\"" + std::to_string(down_since[lane]) + "\" y1=\"" + y + "\" x2=\"" +
         std::to_string(x2) + "\" y2=\"" + y + "\"/>\n";
    down_since[lane] = INT_MIN;
  };
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const std::uint32_t lane = events_[i].lane;
    if (events_[i].kind == event_kind::crash) down_since[lane] = l.ex[i];
    if (events_[i].kind != event_kind::restart) continue;
    if (down_since[lane] == INT_MIN) down_since[lane] = l.axis.at(l.lo);  // crashed before the window
    down(lane, l.ex[i]);
  }
  for (std::uint32_t lane = 0; lane < down_since.size(); ++lane)
    if (down_since[lane] != INT_MIN) down(lane, l.axis.at(l.hi));
}

// An arrow per received or rejected copy whose send is shown, ending at the dot's edge; a copy a delivery
// group held back ends where it arrived, and a bar along the lane leads from there to its receive.
void diagram_exporter::draw_messages(std::string& s, const layout& l) const {
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const diagram_event& e = events_[i];
    if (e.send_event == 0) continue;
    const std::size_t from = index_of(e.send_event);
    const bool held = e.arrived != no_arrival;
    const double x1 = l.ex[from], y1 = l.ey[from], x2 = held ? l.axis.at(l.clip(e.arrived)) : l.ex[i], y2 = l.ey[i];
    std::string d;
    if (y1 == y2) {
      d = "M" + px(x1) + " " + px(y1 - dot_radius) + "Q" + px((x1 + x2) / 2) + " " + px(y1 - 34) + " " + px(x2) + " " +
          px(y2 - dot_radius - 1);
    } else {
      const double len = std::sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1));
      const double back = (held ? 1 : dot_radius + 1) / len;
      d = "M" + px(x1) + " " + px(y1) + "L" + px(x2 - (x2 - x1) * back) + " " + px(y2 - (y2 - y1) * back);
    }
    const bool rejected = e.kind == event_kind::reject;
    std::string title = "message " + std::to_string(e.message) + " ";
    escape_into(title, names_[e.from]);
    title += " → ";
    escape_into(title, lane_name(e.lane));
    title += ", sent " + format_duration(events_[from].time);
    if (held) title += ", arrived " + format_duration(e.arrived) + ", held back " + format_duration(e.time - e.arrived);
    title += std::string(", ") + (rejected ? "rejected " : "received ") + format_duration(e.time);
    s += "<path class=\"" + std::string(rejected ? "rejected" : "msg") + "\" d=\"" + d + "\"><title>" + title +
         "</title></path>\n";
    if (held)
      s += "<path class=\"held\" data-event=\"" + std::to_string(e.id) + "\" d=\"M" + px(x2) + " " + px(y2) + "L" +
           px(l.ex[i] - dot_radius) + " " + px(y2) + "\"><title>" + title + "</title></path>\n";
  }
}

// A dashed arrow from the send to a cross, halfway to the receiver when the network dropped the copy at
// once, at the receiver when it arrived at a crashed process or the run ended first.
void diagram_exporter::draw_drops(std::string& s, const layout& l) const {
  for (const drawn_drop& d : drops_) {
    const std::size_t from = index_of(d.send);
    const int x1 = l.ex[from], y1 = l.ey[from];
    const std::uint32_t to_lane = lane_of_[d.record.to];
    const int away = lane_y(events_[from].lane) == l.last_lane_y && l.lanes > 1 ? -lane_gap / 2 : lane_gap / 2;
    const int to_y = to_lane == no_lane ? y1 + away : lane_y(to_lane);
    const bool at_once = d.record.reason == drop_reason::loss || d.record.reason == drop_reason::partition;
    int cx = at_once ? x1 + std::max(l.axis.step * 3 / 5, 12) : l.axis.at(l.clip(d.record.time));
    if (cx <= x1) cx = x1 + std::max(l.axis.step / 2, 12);
    const int cy = to_y == y1 ? y1 - 24 : at_once ? (y1 + to_y) / 2 : to_y;
    const std::string c = std::to_string(cx), y = std::to_string(cy);
    s += "<g class=\"dropped\"><path class=\"drop\" d=\"M" + std::to_string(x1) + " " + std::to_string(y1) + "L" + c +
         " " + y + "\"/><path class=\"drop-x\" d=\"M" + std::to_string(cx - 4) + " " + std::to_string(cy - 4) + "l8 8m0 -8l-8 8\"/>";
    if (!l.dense)
      s += "<text class=\"reason\" x=\"" + std::to_string(cx + 5) + "\" y=\"" + std::to_string(cy - 5) + "\">" +
           std::string(to_string(d.record.reason)) + "</text>";
    s += "<title>message " + std::to_string(d.record.message) + (d.record.duplicate ? " (duplicate copy) " : " ");
    escape_into(s, names_[d.record.from]);
    s += " → ";
    escape_into(s, names_[d.record.to]);
    s += " dropped: " + std::string(to_string(d.record.reason)) + " at " + format_duration(d.record.time) +
         "</title></g>\n";
  }
}

// A dot per event (crashes and restarts also get a bar), its tooltip with all its clocks.
void diagram_exporter::draw_events(std::string& s, const layout& l) const {
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const diagram_event& e = events_[i];
    const std::string x = std::to_string(l.ex[i]);
    if (e.kind == event_kind::crash || e.kind == event_kind::restart)
      s += "<line class=\"" + std::string(e.kind == event_kind::crash ? "crash-mark" : "restart-mark") + "\" x1=\"" + x +
           "\" y1=\"" + std::to_string(l.ey[i] - 11) + "\" x2=\"" + x + "\" y2=\"" + std::to_string(l.ey[i] + 11) + "\"/>";
    s += "<circle class=\"ev " + std::string(to_string(e.kind)) + "\" data-event=\"" + std::to_string(e.id) +
         "\" cx=\"" + x + "\" cy=\"" + std::to_string(l.ey[i]) + "\" r=\"" + std::to_string(dot_radius) + "\"><title>";
    escape_into(s, lane_name(e.lane));
    s += "#" + std::to_string(e.seq) + " " + std::string(to_string(e.kind)) + " \"";
    escape_into(s, e.label);
    s += "\" (event " + std::to_string(e.id) + ")";
    if (e.from != no_process) {
      s += "\nmessage " + std::to_string(e.message) + " from ";
      escape_into(s, names_[e.from]);
    }
    if (e.arrived != no_arrival)
      s += "\narrived " + format_duration(e.arrived) + ", held back " + format_duration(e.time - e.arrived);
    s += "\ntime " + format_duration(e.time) + ", pt " + format_duration(e.pt);
    // The clocks shown, the run's own (all of them unless --clocks chose some): no others, which it did not keep.
    for (const shown_clock& c : clocks()) {
      s += "\n";
      escape_into(s, c.name + " " + clock_text(e, c));
    }
    if (!e.commit.empty()) s.append("\n").append(e.commit);
    if (e.data) escape_into(s, e.data->tooltip());
    s += "</title></circle>\n";
  }
}

// Greedy per lane: a label that would touch the previous one on its lane is left out.
void diagram_exporter::draw_labels(std::string& s, const layout& l, std::span<const shown_clock> label_clocks) const {
  std::vector<int> right(lane_process_.size(), l.left - 4);
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const diagram_event& e = events_[i];
    const int widest = widest_label(e, label_clocks);
    if (l.ex[i] - widest / 2 < right[e.lane] + 4 || l.ex[i] + widest / 2 > l.width) continue;
    right[e.lane] = l.ex[i] + widest / 2;
    s += "<text class=\"lbl\" data-event=\"" + std::to_string(e.id) + "\" x=\"" + std::to_string(l.ex[i]) + "\" y=\"" +
         std::to_string(l.ey[i] - 8) + "\">";
    escape_into(s, clock_label(e, label_clocks.front()));
    s += "</text>\n";
  }
}

}  // namespace hbsim
