// What becomes of a message: the network decides it when the message is sent (net/network.hpp), the
// run reports it to observers (a route record is a fate with the message it is of, kernel/event.hpp),
// and a drop record says which reason took a copy. One type, so that every layer speaks of a fate alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hbsim/core/time.hpp"

namespace hbsim {

enum class drop_reason : std::uint8_t {
  loss,       // the network lost it
  partition,  // a partition or cut in drop mode, or held with no heal before the run ended
  crashed,    // it arrived at a crashed process
  in_flight,  // still travelling when the run ended (`until`, `max_events`, `max_pending`): an hbsim extension
  held,       // still in a delivery group's hold-back queue when the run ended
};
std::string_view to_string(drop_reason r);
inline constexpr int drop_reason_count = 5;

/// What happens to one message.
struct message_fate {
  static constexpr std::size_t no_fault = ~std::size_t{0};
  bool dropped = false;          // at once, by loss or a partition in drop mode (`reason`)
  drop_reason reason = drop_reason::loss;
  int copies = 0;                // 1, or 2 when duplicated
  sim_time delay[2] = {0, 0};    // drawn, per copy
  sim_time arrival[2] = {0, 0};  // per copy: release + delay; a route record's, when the receiver has delivery
                                 // layers, the delivery they expect (behind earlier messages: FIFO, a group)
  bool fifo_link = false;        // the link keeps order (network.fifo): a later arrival is the link's, not a group's
  bool held = false;             // waited for a partition to heal
  sim_time released = 0;         // when it started travelling (the send time unless held)
  std::size_t fault = no_fault;  // the partition or cut that dropped or (last) held it
};

}  // namespace hbsim
