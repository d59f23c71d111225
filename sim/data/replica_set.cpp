#include "hbsim/data/replica_set.hpp"

#include <algorithm>

#include "hbsim/kernel/behaviour.hpp"

namespace hbsim {

namespace {

std::vector<event_id> writes_of(const key_state& s) {
  std::vector<event_id> out;
  out.reserve(s.size());
  for (const stored_value& x : s) out.push_back(x.write);
  return out;
}

const key_state no_state;

}  // namespace

replica_set::replica_set(const data_config& c, std::vector<std::string> processes, stamp_index places)
    : config_(c),
      policy_(make_policy(c)),
      names_(std::move(processes)),
      places_(std::move(places)),
      replicas_(names_.size()) {}

const key_state& replica_set::state(process_id replica, const std::string& key) const {
  const auto it = replicas_.at(replica).find(key);
  return it == replicas_[replica].end() ? no_state : it->second;
}

event_id replica_set::perform(process_context& ctx, const data_action& a, std::string_view label) {
  std::vector<process_id> to = a.to;
  if (a.op == data_op::sync && to.empty())
    for (process_id p = 0; p < names_.size(); ++p)
      if (p != ctx.self()) to.push_back(p);
  std::vector<std::string> keys;
  if (a.op == data_op::sync) {
    if (!a.key.empty()) keys.push_back(a.key);
    else
      for (const auto& [key, s] : replicas_[ctx.self()]) keys.push_back(key);
  }
  pending_ = pending{&a, ctx.self(), std::move(keys)};
  const event_id id = a.op == data_op::sync ? ctx.send(to, label) : ctx.local(label);
  pending_.reset();
  if (id == 0 || a.op != data_op::put || config_.replicate != replicate_mode::on_write || names_.size() < 2) return id;
  static const data_action replicate = [] {
    data_action r;
    r.op = data_op::sync;
    return r;
  }();
  pending_ = pending{&replicate, ctx.self(), {a.key}};
  ctx.broadcast("replicate");
  pending_.reset();
  return id;
}

const data_note* replica_set::on_event(const event_record& e) {
  note_.clear();
  if (pending_ && pending_->process == e.process && e.kind != event_kind::receive) {
    const data_action& a = *pending_->action;
    switch (a.op) {
      case data_op::put: put(e, a); break;
      case data_op::get: get(e, a); break;
      case data_op::sync: send_state(e, std::move(pending_->keys)); break;
    }
    return &note_;
  }
  if (e.kind == event_kind::receive && carried_.count(e.send_event)) {
    receive_state(e);
    return &note_;
  }
  return nullptr;
}

std::string replica_set::client_of(const event_record& e, const data_action& a) const {
  return a.client.empty() ? names_[e.process] : a.client;
}

void replica_set::put(const event_record& e, const data_action& a) {
  write_request w;
  w.write = e.id;
  w.value = a.value;
  w.replica = e.process;
  w.replica_name = names_[e.process];
  w.client = client_of(e, a);
  w.pt = e.pt;
  w.lamport = places_.lamport_of(e);
  const hlc_stamp h = places_.hlc_of(e);
  w.hlc_l = h.l;
  w.hlc_c = h.c;
  std::vector<event_id>& known = contexts_[{w.client, a.key}];
  if (a.read_context) note_.context = known;
  for (event_id c : note_.context) policy_->join(w.context, versions_.at(c));
  key_state& s = replicas_[e.process][a.key];
  const key_state before = s;
  const version v = policy_->put(s, w);
  versions_[e.id] = v;
  known = writes_of(s);  // a put answers with the state it leaves
  note_.op = data_op::put;
  note_.key = a.key;
  note_.value = a.value;
  note_.client = w.client;
  note_.version = policy_->write(v, names_);
  note_.version_bytes = version_bytes(v);
  note_state(a.key, before, s);
}

void replica_set::get(const event_record& e, const data_action& a) {
  const key_state& s = state(e.process, a.key);
  note_.op = data_op::get;
  note_.key = a.key;
  note_.client = client_of(e, a);
  for (const stored_value& x : s) note_.values.push_back(x.value);
  note_.writes = writes_of(s);
  contexts_[{note_.client, a.key}] = note_.writes;
}

void replica_set::send_state(const event_record& e, std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  auto& carried = carried_[e.id];
  for (const std::string& key : keys) carried.emplace_back(key, state(e.process, key));
  note_.op = data_op::sync;
  note_.keys = std::move(keys);
}

void replica_set::receive_state(const event_record& e) {
  note_.op = data_op::sync;
  for (const auto& [key, incoming] : carried_.at(e.send_event)) {
    note_.keys.push_back(key);
    key_state& s = replicas_[e.process][key];
    const key_state before = s;
    policy_->merge(s, incoming);
    note_state(key, before, s);
  }
}

void replica_set::note_state(const std::string& key, const key_state& before, const key_state& after) {
  std::vector<event_id> now = writes_of(after);
  if (now != writes_of(before)) note_.state.emplace_back(key, std::move(now));
}

}  // namespace hbsim
