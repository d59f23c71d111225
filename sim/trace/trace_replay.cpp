// The replay of a trace (see trace_replay.hpp).
#include "trace/trace_replay.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/trace/trace_reader.hpp"

namespace hbsim::trace_internal {

using json = nlohmann::json;

void trace_replay::replay_batch(const batch& b) {
  try {
    replay_lines(b);
  } catch (const input_error& e) {
    if (!e.file().empty()) throw;
    throw input_error(file_, e.path(), e.expected(), e.found(), e.hint(), codec_.line);  // an observer's
  }
}

void trace_replay::replay_lines(const batch& b) {
  for (const parsed_line& l : b.lines()) {
    codec_.line = b.line_base + l.number;
    switch (l.what) {
      case parsed_line::shape::blank:
        break;
      case parsed_line::shape::event: {
        event_record r = l.event;
        r.messages = {b.messages.data() + l.messages_at, l.messages};
        r.label = std::string_view(b.labels).substr(l.label_at, r.label.size());
        const vector_value* const words = table_.sparse_vectors ? b.sparse.data() : b.vectors.get();
        stamps_.fill(r, l.values, {words + l.vector_at, table_.sparse_vectors ? l.sparse_words : table_.vector_width});
        finish_event(r, {true, true, true, true});
        break;
      }
      case parsed_line::shape::drop:
        finish_drop(l.drop);
        break;
      case parsed_line::shape::other:
        general(l.text);
        break;
    }
  }
}

void trace_replay::general(std::string_view text) {
  const json o = parse_json_line(text, file_, codec_.line);
  if (!o.is_object()) fail("", "a JSON object", describe_json(o));
  const char* types = "a line type among header, event, drop and fault";
  const json& type = *codec_.field(o, "type", types);
  const std::string& t = codec_.string(type, "/type", types);
  if (t == "event") {
    const present has = codec_.read_event(o);
    finish_event(codec_.event(), has);
  } else if (t == "drop") {
    finish_drop(codec_.read_drop(o));
  } else if (t == "fault") {
    const fault_record r = codec_.read_fault(o, faults_++);
    in_order(r.time);
    latest_ = std::max(latest_, r.time);
    for (event_observer* obs : observers_) obs->on_fault(r);
  } else if (t == "header") {
    fail("/type", "an event, drop or fault line (the header comes once, first)", describe_json(type));
  } else {
    fail("/type", types, describe_json(type));
  }
}

// What both paths share.
void trace_replay::finish_event(event_record& r, present has) {
  if (r.id != next_id_)
    fail("/id", std::string("event id ").append(std::to_string(next_id_)).append(" (one more than the previous event's)"),
         std::to_string(r.id));
  in_order(r.time);
  const std::uint64_t seq = last_seq_[r.process] + 1;
  if (r.seq != seq)
    fail("/seq",
         std::string("seq ").append(std::to_string(seq)).append(" (one more than ").append(table_.names[r.process])
             .append("'s previous event)"),
         std::to_string(r.seq));
  if (r.kind == event_kind::send) {
    if (!has.messages)
      fail("/messages", "the messages of a send: [{\"id\": m, \"to\": name}, ...]", "no field \"messages\"");
    take_off(r);
  } else {
    r.messages = {};
  }
  if (message_arrived(r.kind)) {
    const std::string kind(to_string(r.kind));
    if (!has.message) fail("/message", std::string("the id of the message of a ").append(kind), "no field \"message\"");
    if (!has.from) fail("/from", std::string("the sender of the message of a ").append(kind), "no field \"from\"");
    if (!has.send) fail("/send", std::string("the id of the send event of a ").append(kind), "no field \"send\"");
    arrive(r);
  } else {
    r.message = 0;
    r.from = no_process;
    r.send_event = 0;
  }
  last_seq_[r.process] = seq;
  ++next_id_;
  latest_ = std::max(latest_, r.time);
  for (event_observer* o : observers_) o->on_event(r);
}

// Lines are in execution order, so that a line's time is never below the previous line's: a drop is
// written when the copy is lost (its send, its arrival, the end of the run), a fault when it starts.
void trace_replay::in_order(sim_time t) {
  if (t < last_time_)
    fail("/time", concat("a time at or after the previous line's, ", last_time_, " (lines are in execution order)"),
         std::to_string(t));
  last_time_ = t;
}

void trace_replay::finish_drop(const drop_record& d) {
  in_order(d.time);
  drop(d);
  latest_ = std::max(latest_, d.time);
  for (event_observer* o : observers_) o->on_drop(d);
}

// ---- the links between records ----
//
// A receive or reject takes one copy of a message in flight: sent (earlier in the file) to its
// process by the sender and the send event it names; a drop takes one of the copies too, the
// original or the network's duplicate. So every observer finds the same send behind a receive,
// whether it looks it up by the message's id or by the send event's.

namespace {

std::string not_in_flight(message_id id) {
  return concat("message ", std::to_string(id),
                ", which is not in flight: no earlier send sent it, or each copy was received or dropped already");
}
std::string in_flight_wanted(std::string_view to = {}) {
  return concat("the id of a message in flight", to.empty() ? "" : concat(" to ", to),
                ": sent by an earlier send, not yet received or dropped as often as it was sent");
}

}  // namespace

// "message 7 (A to B, sent by event 2)"
std::string trace_replay::message_text(const flight& m, bool with_send) const {
  return concat("message ", std::to_string(m.id), " (", table_.names[m.from], " to ", table_.names[m.to],
                with_send ? concat(", sent by event ", std::to_string(m.send)) : "", ")");
}

void trace_replay::take_off(const event_record& r) {
  for (std::size_t i = 0; i < r.messages.size(); ++i) {
    const sent_message& m = r.messages[i];
    const auto [sent, fresh] = in_flight_.add({m.id, r.id, r.process, m.to, m.copies, m.copies});
    if (!fresh)
      fail(concat("/messages/", std::to_string(i), "/id"),
           "the id of a message not in flight (an id is free again once every copy was received or dropped)",
           concat(message_text(*sent), ", still in flight"));
  }
}

void trace_replay::arrive(const event_record& r) {
  flight* const m = in_flight_.find(r.message);
  if (!m) fail("/message", in_flight_wanted(table_.names[r.process]), not_in_flight(r.message));
  if (m->to != r.process)
    fail("/message",
         concat("a message sent to ", table_.names[r.process], " (the process of this ", to_string(r.kind), ")"),
         message_text(*m));
  if (r.from != m->from)
    fail("/from", concat(quoted_excerpt(table_.names[m->from]), ", the sender of ", message_text(*m)),
         quoted_excerpt(table_.names[r.from]));
  if (r.send_event != m->send)
    fail("/send", concat(std::to_string(m->send), ", the event that sent ", message_text(*m, false)),
         std::to_string(r.send_event));
  settle(*m);
}

void trace_replay::drop(const drop_record& d) {
  flight* const m = in_flight_.find(d.message);
  if (!m) fail("/message", in_flight_wanted(), not_in_flight(d.message));
  if (d.from != m->from)
    fail("/from", concat(quoted_excerpt(table_.names[m->from]), ", the sender of ", message_text(*m)),
         quoted_excerpt(table_.names[d.from]));
  if (d.to != m->to)
    fail("/to", concat(quoted_excerpt(table_.names[m->to]), ", the destination of ", message_text(*m)),
         quoted_excerpt(table_.names[d.to]));
  if (d.duplicate && m->copies == 1)
    fail("/duplicate", concat("false or no field: ", message_text(*m), " was sent in one copy (no \"copies\": 2)"),
         "true");
  bool& dropped = d.duplicate ? m->duplicate_dropped : m->original_dropped;
  if (dropped)
    fail(d.duplicate ? "/duplicate" : "/message", concat("a copy of ", message_text(*m), " not dropped yet"),
         d.duplicate ? "its duplicate dropped a second time" : "its original copy dropped a second time");
  dropped = true;
  settle(*m);
}

}  // namespace hbsim::trace_internal
