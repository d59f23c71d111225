// hbsim explain: how two events of a trace are related, hop by hop. A ShiViz log has vector clocks
// only, and must hold one execution (the references name events of one run).
#include <iostream>
#include <string>

#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/views/explain.hpp"
#include "subcommand.hpp"
#include "trace_input.hpp"

namespace hbsim::cli {

namespace {

struct explain_args {
  std::string file, a, b;

  void add_to(CLI::App& cmd) {
    cmd.add_option("trace", file, "hbsim trace file, or a ShiViz/GoVector log of one execution")->required();
    cmd.add_option("a", a, "event reference: proc:label, proc:label#k or proc#n")->required();
    cmd.add_option("b", b, "event reference")->required();
  }
};

int explain_command(const explain_args& a) {
  hb_graph_builder builder(a.file);
  event_observer* observers[] = {&builder};
  const bool shiviz = shiviz_log(a.file);
  replay_input(a.file, shiviz, observers, {.one_execution = true});
  const hb_graph graph = builder.build();
  std::cout << hbsim::explain(graph, a.a, a.b, a.file,
                              shiviz ? explained_clocks::vectors_only : explained_clocks::all);
  return ok;
}

}  // namespace

subcommand add_explain(CLI::App& app) {
  return make_subcommand(app, "explain", "how two events of a trace are related, hop by hop", explain_command);
}

}  // namespace hbsim::cli
