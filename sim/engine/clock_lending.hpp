// Lending an event's vector instead of copying it: an agreement between the simulation and the
// observer thread, private to the engine. The simulation's vectors are views of its clocks; a lender
// reads them after on_event returns, until it hears that the process's clocks are about to change.
#pragma once

#include "hbsim/kernel/observer.hpp"

namespace hbsim {

class lending_observer : public event_observer {
 public:
  /// Called by a simulation before on_start: its events' vectors keep reading as they did in on_event
  /// until on_clocks_changing for their process (a trace replay reuses its buffers and never calls it).
  virtual void lend_vectors() = 0;
  /// p's clocks are about to change (its next event, a restart's reset or restore).
  virtual void on_clocks_changing(process_id p) = 0;
};

}  // namespace hbsim
