// What a run produces: events, message routes and drops, as plain records (fault marks, which carry
// fault values, are in net/faults.hpp). The live run, the trace writer and the trace reader all speak
// these, so a checker judges a live run and a file alike.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "hbsim/core/ids.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/net/message_fate.hpp"  // drop_reason, message_fate

namespace hbsim {

struct data_note;  // data/data_note.hpp: what the event did to replicated data
struct crash_fault;  // net/faults.hpp: the fault that crashed or restarted the process
struct ntp_note;   // kernel/ntp_note.hpp: the NTP exchange the event ended

enum class event_kind : std::uint8_t { local, send, receive, crash, restart, reject };
std::string_view to_string(event_kind k);
inline constexpr int event_kind_count = 6;
/// A receive or a reject: an event that a message's arrival made, whose record names the message, its
/// sender and its send event.
constexpr bool message_arrived(event_kind k) { return k == event_kind::receive || k == event_kind::reject; }

struct hlc_stamp {
  sim_time l = 0;
  std::uint64_t c = 0;
  friend bool operator==(const hlc_stamp&, const hlc_stamp&) = default;
  friend auto operator<=>(const hlc_stamp&, const hlc_stamp&) = default;
};
/// "(3ms, 1)": l as a duration, then c.
std::string to_string(const hlc_stamp& h);

/// One event's stamp by one clock kind: words only that kind interprets (clocks/clock_kind.hpp; the
/// standard kinds' decoders are in their clocks' headers: lamport_of, vector_of, hlc_of).
using stamp_words = std::span<const std::uint64_t>;

/// TrueTime commit wait (scenarios/FORMAT.md, "commit"): the commit event carries s, the
/// `latest` of its interval; its `-done` event, s again and the true time waited since the commit event.
struct commit_note {
  sim_time s = 0;
  sim_time waited = -1;  // -1 on the commit event itself
  bool done() const { return waited >= 0; }
};

/// event_record::arrived of an event no delivery group ordered.
inline constexpr sim_time no_arrival = -1;

struct sent_message {
  message_id id;
  process_id to;
  std::uint8_t copies = 1;  // 2 when the network duplicated it: a second receive or drop will follow
};

/// One stamped event, clocks as they are after the event. Spans point into the producer's storage
/// and are valid only during the observer call.
struct event_record {
  event_id id = 0;
  process_id process = 0;
  std::uint64_t seq = 0;  // 1-based index of the event on its process
  event_kind kind = event_kind::local;
  std::string_view label;
  sim_time time = 0;  // true time
  sim_time pt = 0;    // the process's physical clock reading
  // One per kind of the scenario's `clocks`, in its order, the standard ones included; clocks/stamp_index.hpp
  // finds a kind's (and decodes the standard ones).
  std::span<const stamp_words> stamps;
  std::span<const process_id> pruned;  // vector entries the event pruned (logical.vector.prune), in process order
  std::span<const sent_message> messages;  // send
  message_id message = 0;                  // receive, reject
  process_id from = no_process;            // receive, reject
  event_id send_event = 0;                 // receive, reject
  const data_note* data = nullptr;         // a put, get or sync, or a receive that merged one
  sim_time arrived = no_arrival;           // a receive a delivery group ordered: when the copy arrived
  const ntp_note* ntp = nullptr;           // the event that ended an NTP exchange
  const commit_note* commit = nullptr;     // a TrueTime commit or its `-done` event
  // A live run's crash or restart: its fault (the scenario's, valid for the whole run), whose `persist` says
  // what the restart starts from. A trace does not record it: null when replayed.
  const crash_fault* crash = nullptr;
  bool checkpointed = false;  // a live run's process checkpoints its clocks after this event (persist checkpoint)
  // A live run's send that a delivery group's layer numbered (a sequencer's relay: its place in the total
  // order); 0 for none and in a trace, which does not record it.
  std::uint64_t numbered = 0;
};

struct drop_record {
  message_id message;
  process_id from;
  process_id to;
  sim_time time;
  drop_reason reason;
  bool duplicate;  // the network's extra copy, not the original
};

/// A delivery group's layer keeps a copy back (for narration): `why` says why in words, from the
/// processes' names, when asked during the observer call (a copy may be kept back again later).
struct hold_record {
  message_id message;
  process_id from;
  process_id to;
  sim_time time;
  const std::function<std::string(std::span<const std::string>)>* why;
};

/// The network's decision on one message, taken when it is sent (for narration): reported after
/// the send event, before the drops it causes.
struct route_record : message_fate {
  message_id message = 0;
  process_id from = 0;
  process_id to = 0;
  sim_time time = 0;  // the send's true time
};

}  // namespace hbsim
