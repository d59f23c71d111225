// `--to json`: the node-link form of NetworkX's node_link_data, so that
// networkx.node_link_graph(json.load(f)) rebuilds the graph. Nodes are the selected events (their id
// is the trace's event id), written as the events come, one per line; links are known as early but
// belong in a second array, so they are kept as pairs of ids (16 bytes each) and written at commit.
// The vector attribute is a JSON object of the non-zero entries ({"A":2,"B":3}); a receive a delivery
// group ordered has "arrived", as in the trace.
#include <utility>
#include <vector>

#include "hbsim/core/output_file.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "views/data_marks.hpp"
#include "views/export_edges.hpp"
#include "views/export_formats.hpp"
#include "views/export_text.hpp"

namespace hbsim {

namespace {

using link = std::pair<event_id, event_id>;  // source, target

class json_exporter final : public exporter {
 public:
  json_exporter(std::string path, const export_options& options)
      : exporter(options), out_(std::move(path), "export") {}

  void commit() override {
    out_.write(nodes_ == 0 ? "], \"links\": [" : "\n], \"links\": [");
    bool first = true;
    write_links(program_, "program", first);
    write_links(message_, "message", first);
    out_.write(first ? "]}\n" : "\n]}\n");
    out_.commit();
  }

 protected:
  void start(const run_header& h) override {
    names_ = quoted_names(h.process_names);
    edges_.start(h.process_names.size());
    std::string s = "{\"directed\": true, \"multigraph\": false, \"graph\": {\"scenario\": ";
    append_json_string(s, h.source->name);
    s.append(", \"seed\": ");
    append_number(s, h.seed);
    s.append(", \"processes\": [");
    bool first = true;
    for (process_id p = 0; p < names_.size(); ++p) {
      if (!shown(p)) continue;
      s.append(first ? "" : ", ").append(names_[p]);
      first = false;
    }
    s.append("], \"clocks\": [");
    for (std::size_t i = 0; i < clocks().size(); ++i) {
      if (i) s.append(", ");
      append_json_string(s, clocks()[i].name);
    }
    s.append("]}, \"nodes\": [");
    out_.write(s);
  }

  void event(const event_record& e) override {
    line_.assign(nodes_++ == 0 ? "\n{\"id\": " : ",\n{\"id\": ");
    append_number(line_, e.id);
    line_.append(", \"process\": ").append(names_[e.process]);
    line_.append(", \"seq\": ");
    append_number(line_, e.seq);
    line_.append(", \"kind\": \"").append(to_string(e.kind)).append("\", \"label\": ");
    append_json_string(line_, e.label);
    line_.append(", \"time\": ");
    append_number(line_, e.time);
    line_.append(", \"pt\": ");
    append_number(line_, e.pt);
    if (shows(export_clock::lamport)) {
      line_.append(", \"lamport\": ");
      append_number(line_, places().lamport_of(e));
    }
    if (shows(export_clock::hlc)) {
      const hlc_stamp h = places().hlc_of(e);
      line_.append(", \"hlc_l\": ");
      append_number(line_, h.l);
      line_.append(", \"hlc_c\": ");
      append_number(line_, h.c);
    }
    if (shows(export_clock::vector)) {
      line_.append(", \"vector\": ");
      append_vector_json(line_, places().vector_of(e), names_);
    }
    append_other_clocks_json(line_, e, clocks(), run_names());
    append_arrived_json(line_, e);
    if (data()) data()->append_json(line_);
    line_.push_back('}');
    out_.write(line_);

    const event_edges in = edges_.next(e);
    if (in.program) program_.emplace_back(in.program, e.id);
    if (in.message) message_.emplace_back(in.message, e.id);
  }

 private:
  void write_links(const std::vector<link>& links, std::string_view kind, bool& first) {
    for (const auto& [source, target] : links) {
      line_.assign(first ? "\n{\"source\": " : ",\n{\"source\": ");
      first = false;
      append_number(line_, source);
      line_.append(", \"target\": ");
      append_number(line_, target);
      line_.append(", \"kind\": \"").append(kind).append("\"}");
      out_.write(line_);
    }
  }

  output_file out_;
  std::vector<std::string> names_;  // quoted
  edge_tracker edges_;
  std::uint64_t nodes_ = 0;
  std::vector<link> program_, message_;
  std::string line_;  // reused, so that a line costs no allocation
};

}  // namespace

std::unique_ptr<exporter> make_json_exporter(std::string path, const export_options& options) {
  return std::make_unique<json_exporter>(std::move(path), options);
}

}  // namespace hbsim
