// `--to shiviz`: a ShiViz/GoVector log, read by ShiViz with the regular expression
// `(?<host>\S*) (?<clock>{.*})\n(?<event>.*)`: per event a line `host {"host": n, ...}` and a line
// describing it. Each trace replayed into the exporter (each start()) is one execution, opened by a
// line `=== scenario, seed n ===` (ShiViz's delimiter `^=== (?<trace>.*) ===$` names it). A ShiViz
// log replayed (run_header::vectors_only) keeps its execution names and its descriptions, a blank
// one written "(no description)": ShiViz trims the log, and would not read a last event without one.
//
// The vector clocks are computed here from the happens-before edges among the selected events
// (program order, and messages whose send was selected), not copied from the recording: a clock
// under test may have recorded wrong vectors, and a ShiViz log must still hold together (each host's
// own entry 1 at its first event, rising by one). Host names cannot hold white space in that regular
// expression, so white space in a process name is written as '_'.
#include <algorithm>
#include <string>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/output_file.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/truth/causality.hpp"
#include "views/export_formats.hpp"
#include "views/export_text.hpp"

namespace hbsim {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string host_name(std::string_view name) {
  std::string out(name);
  std::replace_if(out.begin(), out.end(), is_space, '_');
  return out;
}

class shiviz_exporter final : public exporter {
 public:
  shiviz_exporter(std::string path, const export_options& options)
      : exporter(options), out_(std::move(path), "export") {}

  void commit() override { out_.commit(); }

 protected:
  void start(const run_header& h) override {
    // It writes every event's vector clock, which it keeps for every process: processes² counters, which
    // the memory estimate counts only for a run with vector clocks.
    if (!h.vectors && h.process_names.size() > row_max_processes)
      throw input_error(h.source ? h.source->file : std::string(), "/processes",
                        "at most " + std::to_string(row_max_processes) +
                            " processes for a ShiViz log of a run without vector clocks (each event's vector clock "
                            "costs processes² counters)",
                        std::to_string(h.process_names.size()) + " processes",
                        "a run with vector clocks, whose memory is estimated before it starts");
    names_.clear();
    hosts_.clear();
    for (const std::string& n : h.process_names) {
      names_.push_back(n);
      hosts_.push_back(host_name(n));
    }
    quoted_ = quoted_names(hosts_);
    clocks_.assign(names_.size(), std::vector<std::uint32_t>(names_.size(), 0));
    sends_.clear();

    vectors_only_ = h.vectors_only;
    // Execution names must differ: ShiViz keys executions by name.
    std::string name = vectors_only_ ? h.source->name : h.source->name + ", seed " + std::to_string(h.seed);
    const auto repeats = std::count(executions_.begin(), executions_.end(), name);
    executions_.push_back(name);
    if (repeats) name.append(" (").append(std::to_string(repeats + 1)).append(")");
    std::replace_if(name.begin(), name.end(), is_space, ' ');
    std::string line = "=== ";
    append_visible(line, name);
    out_.write(line.append(" ===\n"));
  }

  void event(const event_record& e) override {
    std::vector<std::uint32_t>& clock = clocks_[e.process];
    // A receive of a selected send (a reject is no happens-before edge); send_event is 0 otherwise.
    if (e.kind == event_kind::receive && e.send_event != 0) {
      const std::vector<std::uint32_t>& sent = sends_[truth().slot()];
      std::transform(clock.begin(), clock.end(), sent.begin(), clock.begin(),
                     [](std::uint32_t a, std::uint32_t b) { return std::max(a, b); });
    }
    ++clock[e.process];
    if (const causality::send_slot slot = truth().sent_slot(); slot != causality::no_slot) {
      if (sends_.size() < truth().slots()) sends_.resize(truth().slots());
      sends_[slot] = clock;
    }

    line_.assign(hosts_[e.process]).push_back(' ');
    append_vector_json(line_, clock, quoted_);
    line_.append("\n");
    description_.clear();
    if (vectors_only_)
      description_ = std::all_of(e.label.begin(), e.label.end(), is_space) ? "(no description)" : e.label;
    else
      describe(e);
    // The description is one line whatever the label holds, and a log is text people read as well: other
    // control characters (NUL, ESC...) as their pictures, as the diagrams show them.
    std::replace_if(description_.begin(), description_.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    append_visible(line_, description_);
    line_.push_back('\n');
    out_.write(line_);
  }

 private:
  // What happened, when, and what the run's clocks recorded.
  void describe(const event_record& e) {
    std::string& d = description_;
    d.append(to_string(e.kind));
    if (e.label != to_string(e.kind)) d.append(" ").append(e.label);  // a crash labelled "crash" once
    if (e.from != no_process) d.append(" from ").append(names_[e.from]);
    for (std::size_t i = 0; i < e.messages.size(); ++i) d.append(i ? ", " : " to ").append(names_[e.messages[i].to]);
    d.append(" | true time ").append(format_duration(e.time));
    const std::string clocks = clock_summary(e, names_, this->clocks(), " | ");
    if (!clocks.empty()) d.append(" | recorded ").append(clocks);
  }

  output_file out_;
  std::vector<std::string> names_, hosts_, quoted_;
  std::vector<std::vector<std::uint32_t>> clocks_;  // by process: its vector clock over the selected events
  // The vector of each selected send whose messages are travelling, by its slot of the ground truth.
  std::vector<std::vector<std::uint32_t>> sends_;
  std::vector<std::string> executions_;  // names so far
  bool vectors_only_ = false;            // the run is a ShiViz log: its labels are the descriptions
  std::string line_, description_;
};

}  // namespace

std::unique_ptr<exporter> make_shiviz_exporter(std::string path, const export_options& options) {
  return std::make_unique<shiviz_exporter>(std::move(path), options);
}

}  // namespace hbsim
