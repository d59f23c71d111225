// The happens-before edges among the selected events, as the graph-shaped exports draw them: program
// order joins an event to the previous selected event of its process, and a message edge joins a
// receive to its send when the send was selected (send_event != 0). A reject is no happens-before
// edge: its send is given apart, for the drawings that show it. When a process receives its own
// message as its very next selected event, both would join the same pair: that one edge is the
// message edge, so that no format has to hold parallel edges.
#pragma once

#include <cstddef>
#include <vector>

#include "hbsim/kernel/event.hpp"

namespace hbsim {

/// The sources of an event's incoming edges; 0: none.
struct event_edges {
  event_id program = 0;
  event_id message = 0;
  event_id rejected = 0;  // the send of a rejected message
};

class edge_tracker {
 public:
  void start(std::size_t processes) { last_.assign(processes, 0); }
  event_edges next(const event_record& e) {
    const bool receive = e.kind == event_kind::receive;
    event_edges in{last_[e.process], receive ? e.send_event : 0, receive ? 0 : e.send_event};
    if (in.program == in.message) in.program = 0;
    last_[e.process] = e.id;
    return in;
  }

 private:
  std::vector<event_id> last_;  // by process: its latest selected event
};

}  // namespace hbsim
