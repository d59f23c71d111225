// `--to perfetto`: Chrome's trace-event JSON, which Perfetto's UI and chrome://tracing open. One
// process (pid 1, named after the scenario), one thread per selected process (tid = process id + 1,
// named by thread_name metadata, ordered by thread_sort_index); each event an instant ("ph": "i",
// "s": "t") whose args hold its clocks; each message copy a flow arrow from the send's instant ("ph":
// "s") to the receive's, or to an instant marking its drop on the receiver's thread ("ph": "f",
// "bp": "e"); a receive a delivery group held back also gets a "held back" slice ("ph": "X") from
// the copy's arrival to its delivery, and its args say when it arrived; per process a counter track "<name> clock offset" of pt - time in ns at each event.
// With replicated data, an event's args add its narration line ("data"), "metadata_bytes" and "lost"
// (data_marks.hpp), and a counter track "<replica> <key> metadata bytes" per replica and key steps at
// each event that changed that state.
// ts is in microseconds with three decimals, so nanoseconds stay exact. Written as the events come.
#include <algorithm>
#include <vector>

#include "hbsim/core/output_file.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/truth/causality.hpp"
#include "views/data_marks.hpp"
#include "views/export_formats.hpp"
#include "views/export_text.hpp"

namespace hbsim {

namespace {

// Nanoseconds as microseconds with three decimals: 1234567 -> 1234.567.
void append_micros(std::string& out, sim_time ns) {
  std::uint64_t magnitude = static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    out.push_back('-');
    magnitude = std::uint64_t{0} - magnitude;
  }
  append_number(out, magnitude / 1000);
  const auto fraction = static_cast<unsigned>(magnitude % 1000);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + fraction / 100));
  out.push_back(static_cast<char>('0' + fraction / 10 % 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
}

class perfetto_exporter final : public exporter {
 public:
  perfetto_exporter(std::string path, const export_options& options)
      : exporter(options), out_(std::move(path), "export") {}

  void commit() override {
    out_.write("\n]}\n");
    out_.commit();
  }

 protected:
  void start(const run_header& h) override {
    names_ = quoted_names(h.process_names);
    counters_.clear();
    for (const std::string& n : h.process_names) append_json_string(counters_.emplace_back(), n + " clock offset");
    sends_.clear();
    out_.write("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [");
    line_.clear();
    begin("M", 0).append(", \"name\": \"process_name\", \"args\": {\"name\": ");
    append_json_string(line_, h.source->name + ", seed " + std::to_string(h.seed));
    line_.append("}}");
    for (process_id p = 0; p < names_.size(); ++p) {
      if (!shown(p)) continue;
      begin("M", 0, p).append(", \"name\": \"thread_name\", \"args\": {\"name\": ").append(names_[p]).append("}}");
      begin("M", 0, p).append(", \"name\": \"thread_sort_index\", \"args\": {\"sort_index\": ");
      append_number(line_, p);
      line_.append("}}");
    }
    out_.write(line_);
  }

  void event(const event_record& e) override {
    line_.clear();
    begin("i", e.time, e.process).append(", \"s\": \"t\", \"name\": ");
    append_json_string(line_, e.label);
    line_.append(", \"cat\": \"").append(to_string(e.kind)).append("\", \"args\": {\"event\": ");
    append_number(line_, e.id);
    line_.append(", \"seq\": ");
    append_number(line_, e.seq);
    line_.append(", \"pt\": ");
    append_number(line_, e.pt);
    if (e.from != no_process) {
      line_.append(", \"message\": ");
      append_number(line_, e.message);
      line_.append(", \"from\": ").append(names_[e.from]);
    }
    if (shows(export_clock::lamport)) {
      line_.append(", \"lamport\": ");
      append_number(line_, places().lamport_of(e));
    }
    if (shows(export_clock::vector)) {
      line_.append(", \"vector\": ");
      append_vector_json(line_, places().vector_of(e), names_);
    }
    if (shows(export_clock::hlc)) {
      const hlc_stamp h = places().hlc_of(e);
      line_.append(", \"hlc\": [");
      append_number(line_, h.l);
      line_.append(", ");
      append_number(line_, h.c);
      line_.push_back(']');
    }
    append_other_clocks_json(line_, e, clocks(), run_names());
    append_arrived_json(line_, e);
    if (data()) {
      line_.append(", \"data\": ");
      append_json_string(line_, data()->story);
      data()->append_json(line_);
    }
    line_.append("}}");
    if (held_back(e)) {  // a slice on the receiver's thread from the copy's arrival to its delivery
      begin("X", e.arrived, e.process).append(", \"dur\": ");
      append_micros(line_, e.time - e.arrived);
      line_.append(", \"name\": \"held back\", \"cat\": \"delivery\", \"args\": {\"message\": ");
      append_number(line_, e.message);
      line_.append("}}");
    }

    if (const causality::send_slot slot = truth().sent_slot(); slot != causality::no_slot) {
      if (sends_.size() < truth().slots()) sends_.resize(truth().slots());
      sent& at = sends_[slot];
      at.time = e.time;
      at.duplicated.clear();
      for (const sent_message& m : e.messages)
        if (shown(m.to) && m.copies > 1) at.duplicated.push_back({m.id, (1u << m.copies) - 1});
    }
    if (e.send_event != 0) arrow(truth().slot(), e.time, e.from, e.process, e.message);

    begin("C", e.time).append(", \"name\": ").append(counters_[e.process]).append(", \"args\": {\"ns\": ");
    append_number(line_, sub_sat(e.pt, e.time));
    line_.append("}}");
    if (data())
      for (const key_metadata& k : data()->keys) {  // a counter track per replica and key
        begin("C", e.time).append(", \"name\": ");
        append_json_string(line_, std::string(run_names()[e.process]).append(" ").append(k.key).append(" metadata bytes"));
        line_.append(", \"args\": {\"bytes\": ");
        append_number(line_, k.bytes);
        line_.append("}}");
      }
    out_.write(line_);
  }

  void drop(const drop_record& d, event_id) override {
    if (!shown(d.to)) return;
    line_.clear();
    begin("i", d.time, d.to).append(", \"s\": \"t\", \"name\": \"drop (").append(to_string(d.reason));
    line_.append(")\", \"cat\": \"drop\", \"args\": {\"message\": ");
    append_number(line_, d.message);
    line_.append(", \"from\": ").append(names_[d.from]).append("}}");
    arrow(truth().dropped(), d.time, d.from, d.to, d.message);
    out_.write(line_);
  }

 private:
  // Starts a trace event on the line: `{"ph": ph, "pid": 1[, "tid": t], "ts": ts`, the caller ends it.
  std::string& begin(const char* ph, sim_time ts, process_id p = no_process) {
    line_.append(first_ ? "\n{\"ph\": \"" : ",\n{\"ph\": \"").append(ph).append("\", \"pid\": 1");
    first_ = false;
    if (p != no_process) {
      line_.append(", \"tid\": ");
      append_number(line_, p + 1);
    }
    line_.append(", \"ts\": ");
    append_micros(line_, ts);
    return line_;
  }
  // The arrow of the copy of m (sent by the send of `slot`) that has just arrived at `to` or been dropped
  // there, at `ts`: both ends are written now, so that an arrow whose end lies outside the selection (after
  // --until) is not begun. Flow ids 2m and 2m + 1, one per copy.
  void arrow(causality::send_slot slot, sim_time ts, process_id from, process_id to, message_id m) {
    const unsigned copy = arrived(slot, m);
    for (const char* ph : {"s", "f"}) {
      begin(ph, ph[0] == 's' ? sends_[slot].time : ts, ph[0] == 's' ? from : to)
          .append(", \"name\": \"message\", \"cat\": \"message\", \"id\": ");
      append_number(line_, 2 * m + copy);
      line_.append(ph[0] == 'f' ? ", \"bp\": \"e\"}" : "}");
    }
  }
  // The copy of m (sent by the send of `slot`) that has just arrived or been dropped: the first still travelling.
  unsigned arrived(causality::send_slot slot, message_id m) {
    std::vector<copies>& dup = sends_[slot].duplicated;
    const auto it = std::find_if(dup.begin(), dup.end(), [&](const copies& c) { return c.message == m; });
    if (it == dup.end()) return 0;
    const unsigned copy = (it->travelling & 1u) ? 0 : 1;
    it->travelling &= ~(1u << copy);
    return copy;
  }

  output_file out_;
  std::vector<std::string> names_;     // quoted
  std::vector<std::string> counters_;  // quoted counter names, by process
  bool first_ = true;
  struct copies {
    message_id message;
    unsigned travelling;  // the copies still travelling, as bits
  };
  // By the truth's send slot, what a selected send left for its arrows (set before any of its messages
  // arrives): when it was sent, and its duplicated messages to selected processes.
  struct sent {
    sim_time time = 0;
    std::vector<copies> duplicated;
  };
  std::vector<sent> sends_;
  std::string line_;
};

}  // namespace

std::unique_ptr<exporter> make_perfetto_exporter(std::string path, const export_options& options) {
  return std::make_unique<perfetto_exporter>(std::move(path), options);
}

}  // namespace hbsim
