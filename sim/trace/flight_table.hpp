// The messages in flight during a trace's replay, by id, for the links between records.
#pragma once

#include <cstdint>

#include "hbsim/core/id_table.hpp"
#include "hbsim/kernel/observer.hpp"

namespace hbsim::trace_internal {

// A message sent and not yet received or dropped as often as it was sent.
struct flight {
  message_id id;
  event_id send;
  process_id from, to;
  std::uint8_t copies;  // as sent: 2 when the network duplicated it
  std::uint8_t left;    // copies neither received nor dropped yet
  bool original_dropped = false, duplicate_dropped = false;
  bool live() const { return left != 0; }
};

// The messages in flight by id.
using flight_table = id_table<flight>;

}  // namespace hbsim::trace_internal
