// hbsim explain: how two events of a trace are related, hop by hop. A ShiViz log has vector clocks
// only, and must hold one execution (the references name events of one run).
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/views/explain.hpp"
#include "hbsim/views/explained_stamps.hpp"
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

// The graph keeps no clock kind module's stamps. A regular file is read a second time for those of
// the events explained only; a pipe, read once, keeps every event's.
int explain_command(const explain_args& a) {
  const bool shiviz = shiviz_log(a.file);
  std::error_code unreadable;  // the replay says what is wrong with the file
  const bool rereadable = std::filesystem::is_regular_file(a.file, unreadable);
  hb_graph_builder builder(a.file);
  explained_stamps first(rereadable ? std::optional(std::vector<event_id>{}) : std::nullopt);
  event_observer* observers[] = {&builder, &first};
  replay_input(a.file, shiviz, observers, {.one_execution = true});
  const hb_graph graph = builder.build();
  if (!rereadable || first.kinds().empty()) {
    std::cout << hbsim::explain(graph, a.a, a.b, a.file, first.clocks());
    return ok;
  }
  explained_stamps second(explained_events(graph, graph.resolve(a.a, a.file), graph.resolve(a.b, a.file)));
  event_observer* again[] = {&second};
  replay_input(a.file, shiviz, again, {.one_execution = true});
  std::cout << hbsim::explain(graph, a.a, a.b, a.file, second.clocks());
  return ok;
}

}  // namespace

subcommand add_explain(CLI::App& app) {
  return make_subcommand(app, "explain", "how two events of a trace are related, hop by hop", explain_command);
}

}  // namespace hbsim::cli
