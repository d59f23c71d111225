// The space-time diagram hbsim draws itself (`--to svg`, and inside `--to html`): one lane per shown
// process, true time along x, events as dots, messages as arrows, drops ending in a cross, crashes,
// pauses and partitions. Both diagram formats collect the run through diagram_exporter, which keeps
// the selected records in memory, so nothing is written before commit() and a refused or failed
// export leaves no file.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hbsim/core/output_file.hpp"
#include "hbsim/kernel/ntp_note.hpp"
#include "hbsim/views/exporter.hpp"
#include "views/diagram_time_axis.hpp"
#include "views/data_marks.hpp"

namespace hbsim {

/// Past these, after the selection, a diagram is refused: it could no longer be read, and a browser
/// would struggle to open it.
namespace diagram_limits {
inline constexpr std::size_t events = 5000;
inline constexpr std::size_t processes = 64;
/// Non-zero vector entries an event keeps beyond its lanes' own (the rest are counted): a run of many
/// processes would otherwise keep processes x events entries for a tooltip no one could read.
inline constexpr std::size_t vector_entries = 64;
}  // namespace diagram_limits

/// One selected event as the diagram keeps it.
struct diagram_event {
  event_id id = 0;
  std::uint32_t lane = 0;
  std::uint64_t seq = 0;
  event_kind kind = event_kind::local;
  std::string label;
  sim_time time = 0;
  sim_time pt = 0;
  std::uint64_t lamport = 0;
  std::vector<std::pair<process_id, std::uint32_t>> vector;  // non-zero entries kept, by process id
  std::uint32_t vector_left_out = 0;  // non-zero entries past diagram_limits::vector_entries, not a lane's
  hlc_stamp hlc;
  std::vector<std::string> others;  // the shown module kinds' values as text, by stamp index
  message_id message = 0;        // receive, reject
  process_id from = no_process;  // receive, reject
  event_id send_event = 0;       // receive, reject whose send is selected; 0 otherwise
  sim_time arrived = no_arrival; // a receive a delivery group held back: when its copy arrived
  std::optional<ntp_outcome> ntp;  // the NTP exchange the event ended
  std::string commit;            // a TrueTime commit's s, and on its -done event the wait; "" otherwise
  std::optional<data_mark> data;   // what it did to the replicated data
};

/// The row under the time axis where the replicated data's legend goes, when the run has data.
inline constexpr int data_legend_height = 22;

/// An SVG coordinate: one decimal at most, "-0" written "0".
std::string px(double v);

/// Text for XML and HTML: & < > " escaped, control characters (which XML forbids) replaced by '?'.
std::string escape_markup(std::string_view s);

class diagram_exporter : public exporter {
 public:
  /// `format` ("svg", "html") names the output in messages. Opens the output at once, so that a path
  /// that cannot be written is reported before the run.
  diagram_exporter(std::string path, const export_options& options, std::string_view format);

  const std::vector<diagram_event>& events() const { return events_; }
  std::span<const std::string> process_names() const { return names_; }
  const std::string& scenario_name() const { return scenario_name_; }
  std::uint64_t seed() const { return seed_; }

  /// The event's value of clock c as the diagram labels it: "3", "[1,2,0]" (the shown lanes'
  /// entries, in lane order), "(5ms,1)".
  std::string clock_label(const diagram_event& e, const shown_clock& c) const;
  /// The event's value of clock c as a tooltip or the table writes it: a vector as vector_text.
  std::string clock_text(const diagram_event& e, const shown_clock& c) const;
  /// All non-zero entries, "{A:2, C:1}", for tooltips.
  std::string vector_text(const diagram_event& e) const;
  /// "(5ms,1)".
  static std::string hlc_text(const hlc_stamp& h);
  std::string_view lane_name(std::uint32_t lane) const { return names_[lane_process_[lane]]; }

 protected:
  void start(const run_header& h) override;
  void event(const event_record& e) override;
  void drop(const drop_record& d, event_id send_event) override;
  void fault(const fault_record& f) override;

  /// Throws input_error when the selection passes diagram_limits, with the counts and a hint. The
  /// processes are checked at the start of the run, the events by this, at commit.
  void check_size() const;
  /// The diagram as one <svg> element. Events are labelled with label_clocks.front() (none when
  /// empty), and label room is laid out for the widest of label_clocks, so that a page may switch.
  std::string svg(std::span<const shown_clock> label_clocks) const;

  output_file out_;

 private:
  struct drawn_drop {
    drop_record record;
    event_id send;
  };
  struct drawn_fault {
    fault_record::kind type;
    sim_time begin, end;  // end -1: never
    std::string mark;     // on the diagram: "partition A | B C", "cut B → A", "-30ms" (a clock step)
    std::string text;     // the tooltip: the mark, the mode and the times
    std::uint32_t lane;   // pause, clock step: the process's lane; no_lane when not shown
  };
  static constexpr std::uint32_t no_lane = ~std::uint32_t{0};
  struct layout;  // where everything goes, worked out once per svg()
  drawn_fault describe(const fault_record& f) const;
  layout lay_out(std::span<const shown_clock> label_clocks) const;
  void find_window(layout& l) const;
  void find_columns(layout& l) const;
  int widest_label(const diagram_event& e, std::span<const shown_clock> label_clocks) const;
  std::size_t index_of(event_id id) const;
  // The drawing, back to front; each appends its elements to `s`.
  void draw_head(std::string& s, const layout& l, std::span<const shown_clock> label_clocks) const;
  void draw_regions(std::string& s, const layout& l) const;
  void draw_lanes(std::string& s, const layout& l) const;
  void draw_lane_faults(std::string& s, const layout& l) const;
  void draw_downtimes(std::string& s, const layout& l) const;
  void draw_messages(std::string& s, const layout& l) const;
  void draw_drops(std::string& s, const layout& l) const;
  void draw_events(std::string& s, const layout& l) const;
  void draw_data_marks(std::string& s, const layout& l) const;
  void draw_data_legend(std::string& s, const layout& l) const;
  void draw_labels(std::string& s, const layout& l, std::span<const shown_clock> label_clocks) const;
  void check_processes() const;
  [[noreturn]] void refuse(const std::string& found, const std::string& narrower) const;
  bool storing() const { return selected_events_ <= diagram_limits::events; }

  std::string scenario_name_;
  std::uint64_t seed_ = 0;
  std::vector<std::string> names_;          // every process of the run, by id
  std::vector<std::uint32_t> lane_of_;      // by process id; no_lane when not shown
  std::vector<process_id> lane_process_;    // by lane
  std::uint64_t selected_events_ = 0;       // stored or not
  std::vector<diagram_event> events_;       // in execution order, so by id
  std::vector<drawn_drop> drops_;
  std::vector<drawn_fault> faults_;
};

// Where everything goes: the lanes, the window of true time, the columns of the x axis, the dots.
struct diagram_exporter::layout {
  std::size_t lanes = 1;  // at least one, so that an empty selection still draws a lane's room
  int last_lane_y = 0;
  int axis_y = 0;
  sim_time lo = 0, hi = 0;  // the window of true time
  time_axis axis;
  std::vector<int> slot;  // each event's slot in its column
  std::vector<int> ex, ey;  // each event's dot
  int left = 0;  // where the lanes begin, right of the names
  int width = 0, height = 0;
  bool dense = false;  // drops and clock steps lose their text
  bool data = false;   // some event has a data mark: the legend explains them

  sim_time clip(sim_time t) const { return std::clamp(t, lo, hi); }
  sim_time fault_end(const drawn_fault& f) const { return f.end < 0 ? hi : clip(f.end); }  // open: the window's
};

}  // namespace hbsim
