// The kernel's side of replicated data (data/replica_set.hpp): the replicas perform put, get and sync
// as ordinary events, and annotate each event as it is stamped, before observers see it. A run
// without `data` has none, and pays nothing for it but a null test per event.
#pragma once

#include <string_view>

#include "hbsim/kernel/event.hpp"

namespace hbsim {

class process_context;
struct data_action;  // data/data_config.hpp

class data_hook {
 public:
  virtual ~data_hook() = default;
  /// Performs a put, get or sync for the context's process: the new event's id, 0 when skipped.
  virtual event_id perform(process_context& ctx, const data_action& a, std::string_view label) = 0;
  /// As each event is stamped: what it did to the data, or null (valid until the next call).
  virtual const data_note* on_event(const event_record& e) = 0;
};

}  // namespace hbsim
