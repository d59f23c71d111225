// `--to dot`: a Graphviz drawing, left to right, one lane per selected process (a cluster, declared
// in process order so the lanes stack in that order), events along it in execution order. Process
// order is a grey edge, a message a bold blue one (dotted red when rejected: no happens-before), a
// drop a dashed red edge to a point labelled with the reason. Node labels: the event, then the
// clocks chosen with --clocks. Written as the events come: a cluster may be reopened, so each node
// goes into its lane's cluster on its own line. A data event's label adds the bytes of the versions
// its replica holds per key it changed and its siblings; a write lost there turns its node red, with
// the witness as its tooltip.
#include <vector>

#include "hbsim/core/output_file.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "views/data_marks.hpp"
#include "views/export_edges.hpp"
#include "views/export_formats.hpp"
#include "views/export_text.hpp"

namespace hbsim {

namespace {

// s as a DOT string literal; "\n" in the result is DOT's line break, other control characters are
// shown as pictures.
void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    append_visible(out, {&c, 1});
  }
  out.push_back('"');
}

std::string node(event_id e) {
  std::string name = "e";
  append_number(name, e);
  return name;
}

class dot_exporter final : public exporter {
 public:
  dot_exporter(std::string path, const export_options& options) : exporter(options), out_(std::move(path), "export") {}

  void commit() override {
    out_.write("}\n");
    out_.commit();
  }

 protected:
  void start(const run_header& h) override {
    names_.assign(h.process_names.begin(), h.process_names.end());
    edges_.start(names_.size());
    line_ = "digraph ";
    append_quoted(line_, h.source->name);
    line_.append(" {\n  graph [rankdir=LR, newrank=true, fontname=Helvetica, label=");
    append_quoted(line_, h.source->name + ", seed " + std::to_string(h.seed));
    line_.append("];\n  node [shape=box, style=rounded, fontname=Helvetica, fontsize=10];\n");
    line_.append("  edge [fontname=Helvetica, fontsize=9];\n");
    for (process_id p = 0; p < names_.size(); ++p) {
      if (!shown(p)) continue;
      line_.append("  subgraph cluster_").append(std::to_string(p)).append(" { label=");
      append_quoted(line_, names_[p]);
      line_.append("; style=filled; color=gray95; }\n");
    }
    out_.write(line_);
  }

  void event(const event_record& e) override {
    std::string label(e.label);
    label.append("\n").append(to_string(e.kind)).append(" #").append(std::to_string(e.seq));
    const std::string clocks = clock_summary(e, names_, this->clocks(), "\n");
    if (!clocks.empty()) label.append("\n").append(clocks);
    line_.assign("  subgraph cluster_").append(std::to_string(e.process)).append(" { ").append(node(e.id));
    if (data())
      for (const key_metadata& k : data()->keys) label.append("\n").append(k.text());
    line_.append(" [label=");
    append_quoted(line_, label);
    if (data() && !data()->lost.empty()) {
      std::string witnesses = "lost: ";
      for (const std::string& w : data()->lost) witnesses.append(witnesses.size() > 6 ? "\n" : "").append(w);
      line_.append(", color=red, penwidth=2, tooltip=");
      append_quoted(line_, witnesses);
    }
    line_.append("]; }\n");

    const event_edges in = edges_.next(e);
    if (in.program) edge(node(in.program), node(e.id), "color=gray50, weight=10");
    if (in.message)
      edge(node(in.message), node(e.id),
           held_back(e) ? std::string("color=blue, style=bold, label=\"held back ").append(format_duration(e.time - e.arrived)).append("\"")
                        : std::string("color=blue, style=bold"));
    if (in.rejected) edge(node(in.rejected), node(e.id), "color=red, style=dotted, label=\"rejected\"");
    out_.write(line_);
  }

  void drop(const drop_record& d, event_id send) override {
    std::string stub = "x";  // the drop's point
    append_number(stub, d.message);
    if (d.duplicate) stub.push_back('d');
    line_.assign("  ").append(stub).append(" [shape=point, width=0.08, color=red];\n");
    edge(node(send), stub, std::string("style=dashed, color=red, label=\"").append(to_string(d.reason)).append("\""));
    out_.write(line_);
  }

 private:
  void edge(const std::string& from, const std::string& to, std::string_view attributes) {
    line_.append("  ").append(from).append(" -> ").append(to).append(" [").append(attributes).append("];\n");
  }

  output_file out_;
  std::vector<std::string> names_;
  edge_tracker edges_;
  std::string line_;
};

}  // namespace

std::unique_ptr<exporter> make_dot_exporter(std::string path, const export_options& options) {
  return std::make_unique<dot_exporter>(std::move(path), options);
}

}  // namespace hbsim
