// `hbsim explain TRACE REF REF` (README: "explain"), for a student: how two events are related, the
// happens-before path between them hop by hop with every event's clocks and the rule that produced
// them, and how each clock (Lamport, vector, HLC, physical, true time) orders the pair.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hbsim/judge/hb_graph.hpp"

namespace hbsim {

/// How one event's clocks follow from the process's previous event (and, for a receive, from the
/// clocks its message carries, i.e. its send's) under the canonical rules of scenarios/FORMAT.md §8, with the
/// numbers. `*_canonical` is false when the recorded value is not what the rule gives (a wrong
/// variant, or a trace from elsewhere); the text then says what was recorded.
struct event_rules {
  std::string kind;  // what the event does to the clocks
  std::string lamport;
  std::string vector;
  std::string hlc;
  bool lamport_canonical = true;
  bool vector_canonical = true;
  bool hlc_canonical = true;
};
event_rules explain_rules(const hb_graph& g, event_id e);

/// Which clocks the events carry: all of hbsim's, or vector clocks only (a ShiViz/GoVector log has
/// no true time, physical clock, Lamport or HLC value to show).
enum class explained_clocks : std::uint8_t { all, vectors_only };

/// The explanation of the pair (a, b), as lines of text.
std::string explain(const hb_graph& g, event_id a, event_id b, explained_clocks clocks = explained_clocks::all);
/// The same for two references (scenarios/FORMAT.md §7), resolved in g, shown as written; throws input_error
/// naming `origin` when one does not name exactly one event.
std::string explain(const hb_graph& g, std::string_view ref_a, std::string_view ref_b, const std::string& origin = {},
                    explained_clocks clocks = explained_clocks::all);

}  // namespace hbsim
