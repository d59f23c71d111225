// `hbsim explain TRACE REF REF` (README: "explain"), for a student: how two events are related, the
// happens-before path between them hop by hop with every event's clocks and the rule that produced
// them, and how each clock (those the run chose, physical, true time) orders the pair.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/judge/hb_graph.hpp"

namespace hbsim {

class data_judge;
class explained_stamps;

/// The clocks an explanation shows: true time and physical readings (a ShiViz/GoVector log has
/// neither), the standard clocks the run chose, and its clock kind modules with their stamps.
struct explained_clocks {
  bool times = true;
  standard_clocks standard;
  const explained_stamps* kinds = nullptr;  // none when null (explained_stamps::clocks() gives them)
  const data_judge* writes = nullptr;       // the writes' own causality, when the run has replicated data
};

/// How one event's clocks follow from the process's previous event (and, for a receive, from the
/// clocks its message carries, i.e. its send's) under the canonical rules of scenarios/FORMAT.md §8, with the
/// numbers. `*_canonical` is false when the recorded value is not what the rule gives (a wrong
/// variant, or a trace from elsewhere); the text then says what was recorded. A clock the run did
/// not choose has no text. `kinds`: each clock kind module's rule, as it words it (it says when the
/// recorded value is not what its rule gives).
struct event_rules {
  std::string kind;  // what the event does to the clocks
  std::string lamport;
  std::string vector;
  std::string hlc;
  bool lamport_canonical = true;
  bool vector_canonical = true;
  bool hlc_canonical = true;
  std::vector<std::string> kinds;  // in logical_config::extra order
};
event_rules explain_rules(const hb_graph& g, event_id e, const explained_clocks& clocks = {});

/// The explanation of the pair (a, b), as lines of text.
std::string explain(const hb_graph& g, event_id a, event_id b, const explained_clocks& clocks = {});
/// The same for two references (scenarios/FORMAT.md §7), resolved in g, shown as written; throws input_error
/// naming `origin` when one does not name exactly one event.
std::string explain(const hb_graph& g, std::string_view ref_a, std::string_view ref_b, const std::string& origin = {},
                    const explained_clocks& clocks = {});

/// The events whose clocks explaining (a, b) reads: a, b, the path between them, and for each event
/// on it the process's previous event and a receive's send.
std::vector<event_id> explained_events(const hb_graph& g, event_id a, event_id b);

}  // namespace hbsim
