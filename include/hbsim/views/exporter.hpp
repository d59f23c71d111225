// Exports (`hbsim export`, `hbsim run --export`): a run or a trace replayed into a format that
// other tools read (dot, graphml, json, shiviz, perfetto) or that hbsim draws itself (svg, html).
// Every exporter is an observer, so a live run and a trace file export alike, and every format
// accepts the same selection: which clocks label events, a window of true time, a subset of processes.
// What an exporter needs of a message's send it learns from the run's ground truth (causality), which
// observes each record before it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/clocks/stamp_index.hpp"
#include "hbsim/kernel/observer.hpp"

namespace hbsim {

class causality;
class clock_kind;
class data_marks;
struct data_mark;

/// The standard clocks, which the formats write in fields of their own.
enum class export_clock : std::uint8_t { lamport, vector, hlc };
std::string_view to_string(export_clock c);

struct export_options {
  std::vector<std::string> clocks;     // kinds that label events, in this order; empty: all the run's kinds
  std::optional<sim_time> from;        // keep events with from <= time
  std::optional<sim_time> to;          // and time <= to
  std::vector<std::string> processes;  // keep these processes' events; empty: all
};

/// Parses --clocks ("lamport,hlc", "lamport,matrix", "all": empty); throws input_error naming `origin` for
/// a name that is no clock kind of `kinds` (the kinds a run may have).
std::vector<std::string> parse_clocks(std::string_view text, std::span<const std::string> kinds,
                                      const std::string& origin = "--clocks");

/// A clock an export shows: a standard one, or a module kind with its place among an event's stamps.
struct shown_clock {
  std::string name;
  std::optional<export_clock> standard;
  const clock_kind* kind = nullptr;  // a module kind other than the standard ones
  std::size_t stamp = 0;             // its index in event_record::stamps
};

/// Base of every format: applies export_options before the format sees anything. A format overrides
/// the protected hooks; it sees
///  - start: the whole run's header (process ids are the run's; shown() says which are selected);
///  - event: the selected events, in execution order. A receive or reject whose send was not
///    selected arrives with send_event = 0 (its message and from are kept), so a format draws a message
///    edge exactly when send_event != 0;
///  - drop: drops of messages whose send was selected, with that send's event id;
///  - fault: faults whose span meets the window;
///  - finish, then commit(), which writes what is left and puts the file in place.
/// Every event of the run, selected or not, goes through the data marks first, so that event() can
/// read what the selected one did to the replicated data (data()).
class exporter : public event_observer {
 public:
  explicit exporter(export_options options);
  ~exporter() override;

  /// The run's or the replay's ground truth, which must observe every record before this exporter
  /// does (on the same thread); given before the run starts.
  void read(const causality& truth) { truth_ = &truth; }
  void on_start(const run_header& h) final;
  void on_event(const event_record& e) final;
  void on_drop(const drop_record& d) final;
  void on_fault(const fault_record& f) final;
  void on_finish(const run_end& end) final;
  /// Writes what remains and puts the output in place; throws output_error when it cannot, and
  /// input_error when the format refuses the run (a diagram of too many events).
  virtual void commit() = 0;

 protected:
  virtual void start(const run_header&) {}
  virtual void event(const event_record&) {}
  virtual void drop(const drop_record&, event_id /*send_event*/) {}
  virtual void fault(const fault_record&) {}
  virtual void finish(const run_end&) {}

  const export_options& options() const { return options_; }
  bool shown(process_id p) const { return shown_.empty() || shown_[p]; }
  /// The clocks to show, in the order chosen (all the run's kinds by default), known from start on.
  const std::vector<shown_clock>& clocks() const { return clocks_; }
  bool shows(export_clock c) const;
  /// Where the run's events carry each kind's stamp, known from start on.
  const stamp_index& places() const { return places_; }
  /// The run's process names, by id.
  std::span<const std::string> run_names() const { return run_names_; }
  /// The ground truth, at the record being exported: its slot() and dropped() name a message's send.
  const causality& truth() const { return *truth_; }
  /// What the event being exported did to the replicated data (views/data_marks.hpp); null without a data note.
  const data_mark* data() const { return data_mark_.get(); }

 private:
  void choose_clocks(const run_header& h);
  /// Whether the send of the message the current receive or reject takes was selected.
  bool send_selected() const;

  export_options options_;
  std::vector<shown_clock> clocks_;
  stamp_index places_;
  std::vector<std::string> run_names_;
  std::vector<bool> shown_;  // by process id; empty: all
  const causality* truth_ = nullptr;
  std::vector<event_id> sends_;  // by the truth's send slot: the send's id when it was selected, else 0
  std::unique_ptr<data_marks> data_;  // from the run's first data event on
  std::unique_ptr<data_mark> data_mark_;
};

/// The formats, in this order: dot, graphml, json, shiviz, perfetto, svg, html.
std::span<const std::string_view> export_formats();

/// An exporter writing `format` to `path` ("-": standard output) through output_file. Throws
/// input_error for an unknown format (listing the known ones, and naming `option`, where the user gave the
/// format) or, at on_start, a process name the run does not have.
std::unique_ptr<exporter> make_exporter(std::string_view format, std::string path, const export_options& options = {},
                                        std::string_view option = "--to");

}  // namespace hbsim
