// What one event did to the replicated data, as the trace records it (`data` and `state`, SPEC §9).
// The replicas produce it for the live run, the trace reader for a file; the data judge reads it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hbsim/core/ids.hpp"
#include "hbsim/data/data_config.hpp"

namespace hbsim {

/// A replica's writes of one key, ascending by write id (a write's id is its put event's id).
using key_writes = std::pair<std::string, std::vector<event_id>>;

struct data_note {
  data_op op = data_op::put;
  std::string key;                  // put, get
  std::string value;                // put: JSON text
  std::string client;               // put, get
  std::vector<event_id> context;    // put: the writes its context holds
  std::string version;              // put: the policy's metadata V as JSON text
  std::uint64_t version_bytes = 0;  // put: V's size on the wire
  std::vector<std::string> values;  // get: JSON texts
  std::vector<event_id> writes;     // get
  std::vector<std::string> keys;    // sync, ascending
  std::vector<key_writes> state;    // the keys whose state the event changed, ascending, after it

  void clear() { *this = data_note{}; }
};

}  // namespace hbsim

namespace hbsim {

/// The note as the fields of a trace's event line, each preceded by a comma: `"data"` and, when the
/// event changed a state, `"state"`. `write` is the event's id (a put's write).
std::string trace_fields(const data_note& n, event_id write);

}  // namespace hbsim
