#include "hbsim/engine/simulation.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/prefetch.hpp"
#include "engine/simulation_state.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/data/replica_set.hpp"
#include "hbsim/engine/builtin_behaviours.hpp"
#include "hbsim/kernel/delivery_policy.hpp"
#include "kernel/fifo_delivery.hpp"
#include "kernel/group_layers.hpp"

// The run's event loop, its events and its messages, and the simulation's own interface; the rest of
// simulation::state is in the files its header names.
namespace hbsim {

void simulation::state::grow_slots(std::size_t count) {
  const std::size_t old = slot_refs.size();
  if (count <= old) return;
  slot_refs.resize(count, 0);
  clocks.reserve_slots(count);
  free_slots.reserve(count);
  for (std::size_t i = count; i > old; --i) free_slots.push_back(static_cast<message_slot>(i - 1));
}

message_slot simulation::state::take_slot() {
  if (free_slots.empty()) grow_slots(std::max<std::size_t>(16, slot_refs.size() * 2));
  const message_slot s = free_slots.back();
  free_slots.pop_back();
  return s;
}

void simulation::state::release(std::uint32_t flight_index) {
  const message_slot s = flights[flight_index].slot;
  flights.remove(flight_index);
  if (--slot_refs[s] == 0) free_slots.push_back(s);
}

event_id simulation::state::emit(process_id p, event_kind kind, label_id label, sim_time pt, const flight* m,
                                 std::span<const sent_message> messages, const commit_note* commit,
                                 const crash_fault* crash, std::uint64_t numbered) {
  process_state& ps = procs[p];
  event_record r;
  r.id = ++last_event;
  r.process = p;
  r.seq = ++ps.seq;
  r.kind = kind;
  r.label = label_text[label];
  r.time = now;
  r.pt = pt;
  clocks.describe(p, r);
  r.messages = messages;
  if (m) {
    r.message = m->id;
    r.from = m->from;
    r.send_event = m->send_event;
    if (m->ordered) r.arrived = m->arrival;
  }
  if (data) r.data = data->on_event(r);
  if (ntp) r.ntp = ntp->on_event(r);
  r.commit = commit;
  r.crash = crash;
  r.numbered = numbered;
  r.checkpointed = ps.checkpoint_every != 0 && ps.seq % ps.checkpoint_every == 0;
  ++stats.events;
  ++stats.by_kind[static_cast<int>(kind)];
  notify([&](event_observer& o) { o.on_event(r); });
  if (r.checkpointed) clocks.checkpoint(p);
  if (stats.events >= sc.max_events) {
    stopping = true;
    stats.hit_max_events = true;
  }
  return r.id;
}

void simulation::state::drop(const drop_record& d) {
  ++stats.dropped[static_cast<int>(d.reason)];
  notify([&](event_observer& o) { o.on_drop(d); });
}

event_id simulation::state::local(process_id p, label_id label, const commit_note* commit) {
  if (!can_act(p)) return 0;
  const sim_time pt = reading(p);
  clocks.tick(p, event_kind::local, pt);
  return emit(p, event_kind::local, label, pt, nullptr, {}, commit);
}

event_id simulation::state::send(process_id p, std::span<const process_id> to, label_id label) {
  if (!can_act(p)) return 0;
  const sim_time pt = reading(p);
  clocks.tick(p, event_kind::send, pt);
  const message_slot slot = take_slot();
  clocks.capture(p, slot);
  const event_id id = last_event + 1;
  std::uint64_t numbered = 0;
  if (procs[p].tells_sends) {
    routed.assign(to.begin(), to.end());
    for (const auto& layer : procs[p].layers) {
      layer->on_send({p, id, procs[p].seq + 1}, routed);
      numbered = std::max(numbered, layer->numbered(id));
    }
    to = routed;
  }
  clocks.address(p, slot, to);
  sent.clear();
  drops.clear();
  routes.clear();
  for (process_id d : to) {
    const message_id m = ++last_message;
    const message_fate f = net.route(p, d, now);
    routes.push_back({f, m, p, d, now});
    sent.push_back({m, d, static_cast<std::uint8_t>(f.dropped ? 1 : f.copies)});
    ++stats.messages_sent;
    if (f.dropped) {
      drops.push_back({m, p, d, now, f.reason, false});
      continue;
    }
    stats.held += f.held ? 1 : 0;
    stats.duplicates += f.copies - 1;
    for (int c = 0; c < f.copies; ++c) {
      ++slot_refs[slot];
      const std::uint32_t i =
          flights.add({m, p, d, label, slot, id, c == 1, false, false, f.arrival[c], f.arrival[c], 0});
      flights[i].order = queue.push(f.arrival[c], arrival, i);
      if (!procs[d].layers.empty()) routes.back().arrival[c] = flights[i].due = expected_delivery(i);
    }
  }
  check_pending();
  emit(p, event_kind::send, label, pt, nullptr, sent, nullptr, nullptr, numbered);
  for (const route_record& r : routes) notify([&](event_observer& o) { o.on_route(r); });
  for (const drop_record& d : drops) drop(d);
  if (slot_refs[slot] == 0) free_slots.push_back(slot);
  return id;
}

event_id simulation::state::send(process_id p, std::span<const process_id> to, std::string_view label) {
  for (process_id d : to)
    if (d >= procs.size()) throw std::out_of_range("hbsim: send to an unknown process");
  return send(p, to, intern(label));
}

timer_handle simulation::state::set_timer(process_id p, std::size_t b, sim_time delay, std::uint64_t token) {
  if (stopping) return {};  // it would never fire: the run ends with this event
  if (++timer_serial == 0) timer_serial = 1;
  const std::uint32_t slot = timers.add({p, static_cast<std::uint32_t>(b), token, timer_serial});
  queue.push(add_sat(now, std::max<sim_time>(delay, 0)), timer, slot);
  check_pending();
  return {slot, timer_serial};
}

void simulation::state::cancel_timer(timer_handle t) {
  if (t.serial == 0) return;
  timer_entry& e = timers[t.slot];
  if (e.serial == t.serial) e.cancelled = true;
}

void simulation::state::drop_cancelled_timers() {
  while (!queue.empty() && queue.top().type == timer && timers[queue.top().payload].cancelled)
    timers.remove(queue.pop().payload);
}

// The safety net of max_pending: memory follows the message copies in flight and the timers
// pending (a paused process's included), so a workload that multiplies them without end is
// stopped here rather than by the allocator.
void simulation::state::check_pending() {
  if (flights.live() + timers.live() <= max_pending) return;
  stopping = true;
  stats.hit_max_pending = true;
}

// The copy as a delivery layer sees it: arriving from the network, or, above the first layer, now
// from the layer below.
arrived_copy simulation::state::copy(std::uint32_t flight_index) {
  const flight& f = flights[flight_index];
  return {f.id,       f.from, f.to, label_text[f.label], f.send_event, f.layer == 0 ? f.arrival : now,
          f.duplicate, flight_index};
}

// When the layers of the copy's process expect to deliver it: each layer sees it when the one below
// expects to deliver it.
sim_time simulation::state::expected_delivery(std::uint32_t flight_index) {
  arrived_copy c = copy(flight_index);
  for (const auto& layer : procs[c.to].layers) c.arrival = layer->on_sent(c);
  return c.arrival;
}

// A layer's delivery runs after the event in progress, where the copy's arrival had its turn: in the
// next layer up, or the process. Never within the delivering layer's own call, which may be walking
// what it holds.
// In turn: after everything else due now, so that copies delivered so at one instant keep their order.
void simulation::state::deliver(std::uint32_t flight_index, std::uint8_t layer, bool ordered, bool in_turn) {
  flight& f = flights[flight_index];
  f.ordered = f.ordered || ordered;
  f.layer = static_cast<std::uint8_t>(layer + 1);
  const std::uint8_t type = f.layer < procs[f.to].layers.size() ? arrival : delivery;
  if (in_turn) f.order = queue.push(now, type, flight_index);
  else queue.push_again(now, f.order, type, flight_index);
}

// An arrival goes to the next delivery layer of the process. Then the copy reaches the process:
// deferred while it is paused, dropped while it is down (every layer, having delivered it, is told),
// else received or rejected.
// `f` is read before anything can add flights (and move the slab): a layer or a behaviour acting.
void simulation::state::on_copy(const queue_entry& e) {
  const flight& f = flights[e.payload];
  const process_id to = f.to;
  process_state& ps = procs[to];
  if (e.type == arrival && f.layer < ps.layers.size()) {
    delivery_context ctx(owner, to, f.layer);
    ps.layers[f.layer]->on_arrival(ctx, copy(e.payload));
    return;
  }
  if (ps.pauses > 0) {
    ps.deferred.push_back({e.time, e.order, e.payload, delivery});
    return;
  }
  if (!ps.up) {
    const drop_record d{f.id, f.from, to, now, drop_reason::crashed, f.duplicate};
    for (std::uint8_t k = 0; k < ps.layers.size(); ++k) {
      delivery_context ctx(owner, to, k);
      ps.layers[k]->on_dropped(ctx, copy(e.payload));
    }
    release(e.payload);
    drop(d);
    return;
  }
  const sim_time pt = reading(f.to);
  if (!clocks.accepts(f.to, f.slot, pt)) {
    clocks.tick(f.to, event_kind::reject, pt);
    ++stats.rejected;
    emit(f.to, event_kind::reject, f.label, pt, &f, {});
    release(e.payload);
    return;
  }
  clocks.receive(f.to, f.slot, pt);
  ++stats.delivered;
  if (f.ordered) stats.held_back.push_back(now - f.arrival);
  const event_id id = emit(f.to, event_kind::receive, f.label, pt, &f, {});
  const delivered_message m{f.id, f.from, label_text[f.label], id};
  release(e.payload);
  // In attach order: the process's own behaviours merged with those attached everywhere.
  std::size_t mine = 0, all = 0;
  while (mine < ps.behaviours.size() || all < everywhere.size()) {
    const bool own = all == everywhere.size() || (mine < ps.behaviours.size() && ps.behaviours[mine] < everywhere[all]);
    const std::uint32_t b = own ? ps.behaviours[mine++] : everywhere[all++];
    process_context ctx(owner, to, b);
    behaviours[b]->on_receive(ctx, m);
  }
}

void simulation::state::on_timer(const queue_entry& e) {
  const timer_entry t = timers[e.payload];
  if (t.cancelled) {  // deferred by a pause, cancelled meanwhile
    timers.remove(e.payload);
    return;
  }
  process_state& ps = procs[t.process];
  if (ps.pauses > 0) {
    ps.deferred.push_back(e);
    return;
  }
  timers.remove(e.payload);
  process_context ctx(owner, t.process, t.behaviour);
  behaviours[t.behaviour]->on_timer(ctx, t.token);
}

// Every message copy still pending at the end (travelling, held by a delivery layer, waiting at a paused
// process) becomes a drop record, in the order it would have been delivered.
void simulation::state::drop_in_flight() {
  std::vector<queue_entry> pending;
  for (const queue_entry& e : queue.pending())
    if (carries_copy(e)) pending.push_back(e);
  std::vector<arrived_copy> held;
  std::set<const delivery_policy*> asked;  // a group's layer serves several processes: asked once
  for (const process_state& ps : procs) {
    for (const queue_entry& e : ps.deferred)
      if (e.type == delivery) pending.push_back(e);
    for (const auto& layer : ps.layers) {
      if (!asked.insert(layer.get()).second) continue;
      const std::size_t before = held.size();
      layer->held(held);
      if (layer->orders())
        for (std::size_t k = before; k < held.size(); ++k) flights[held[k].handle].held = true;
    }
  }
  for (const arrived_copy& c : held) pending.push_back({c.arrival, flights[c.handle].order, c.handle, arrival});
  for (queue_entry& e : pending) e.time = std::max(e.time, flights[e.payload].due);
  std::sort(pending.begin(), pending.end(), runs_before);
  for (const queue_entry& e : pending) {
    const flight& f = flights[e.payload];
    drop({f.id, f.from, f.to, now, f.held ? drop_reason::held : drop_reason::in_flight, f.duplicate});
  }
}

// With many processes the flight and the process of an event are seldom in the cache, nor its
// clocks' entries. Ask for the flight of the event after next, and for the rest of the next, whose
// flight was asked for one event ago, so that all of it arrives while this event runs.
void simulation::state::look_ahead() {
  if (queue.empty()) return;
  if (const queue_entry* after = queue.second(); after && carries_copy(*after))
    prefetch(&flights[after->payload], sizeof(flight));
  if (const queue_entry& next = queue.top(); carries_copy(next)) {
    const flight& f = flights[next.payload];
    prefetch(&procs[f.to], sizeof(process_state));
    prefetch(&slot_refs[f.slot], sizeof(slot_refs[f.slot]));
    clocks.prefetch(f.to, f.slot);
  }
}

void simulation::state::run() {
  const run_header header{&sc, seed, names, false, sc.logical.has("vector"), sc.pending_at_start(), 0,
                          sc.logical.vector_opts.sparse_rows(names.size())};
  notify([&](event_observer& o) { o.on_start(header); });
  schedule_faults();
  for (std::size_t b = 0; b < behaviours.size(); ++b)
    for (process_id p : attached[b]) {
      process_context ctx(owner, p, b);
      behaviours[b]->on_start(ctx);
    }
  for (drop_cancelled_timers(); !queue.empty() && !stopping; drop_cancelled_timers()) {
    if (sc.until && queue.top().time > *sc.until) {
      stats.hit_until = true;
      now = *sc.until;
      break;
    }
    const queue_entry e = queue.pop();
    now = e.time;
    if (looks_ahead) look_ahead();
    switch (e.type) {
      case arrival:
      case delivery: on_copy(e); break;
      case timer: on_timer(e); break;
      case fault_start: start_fault(e.payload); break;
      case fault_end: end_fault(e.payload); break;
      case commit_check: on_commit_check(e); break;
    }
  }
  stats.end_time = now;
  drop_in_flight();
  if (script) {
    auto [path, problem] = script->unsound_reference(names);
    if (!path.empty())
      throw input_error(sc.source(), path, "a reference that names exactly one event", problem);
  }
  const run_end end{now, stats.hit_max_events, stats.hit_until, stats.hit_max_pending};
  notify([&](event_observer& o) { o.on_finish(end); });
}

simulation::simulation(const scenario& sc, std::optional<std::uint64_t> seed)
    : s_(std::make_unique<state>(*this, sc, seed.value_or(sc.seed))) {
  state& s = *s_;
  const std::size_t n = sc.processes.size();
  s.procs.reserve(n);
  s.names.reserve(n);
  for (process_id p = 0; p < n; ++p) {
    s.names.push_back(sc.processes[p].name);
    s.procs.emplace_back(physical_clock(sc.processes[p].clock, s.source, p),
                         s.source.process_stream(p, stream_purpose::workload));
  }
  for (const fault& f : sc.faults)
    if (const auto* c = std::get_if<crash_fault>(&f.what); c && c->persist == persist_mode::checkpoint)
      s.procs[c->process].checkpoint_every = c->checkpoint_every;
  s.clocks.reserve_slots(0);
  // Room for what waits at the start (PHOLD's population): tables of that size at once, instead of
  // each size on the way and their copies.
  if (const std::uint64_t pending = sc.pending_at_start()) {
    s.flights.reserve(pending);
    s.grow_slots(pending);
  }
  if (s.net.any_fifo())
    for (process_id to = 0; to < n; ++to)
      s.procs[to].layers.push_back(
          std::make_shared<fifo_delivery>([&net = s.net, to](process_id from) { return net.link(from, to).fifo; }));
  if (sc.data) s.data = std::make_unique<replica_set>(*sc.data, s.names, stamp_index(sc.logical));
  if (sc.has_ntp()) {
    std::vector<std::optional<ntp_sync>> ntp_syncs;
    for (const process_spec& p : sc.processes) ntp_syncs.push_back(p.clock.ntp);
    s.ntp = std::make_shared<ntp_exchanges>(std::move(ntp_syncs),
                                            [&s](process_id p) -> physical_clock& { return s.procs[p].clock; });
    s.ntp_behaviour = s.behaviours.size();
    attach(s.ntp);
  }
  for (const delivery_group& g : sc.delivery.groups) {
    const group_parts parts = group_layers(g);
    for (const auto& [layer, members] : parts.layers) deliver_through(layer, members);
    if (parts.relay) attach(parts.relay, std::span(&g.sequencer, 1));
  }
  if (!sc.script.empty()) {
    s.script = std::make_shared<script_behaviour>(*this, sc.script, s.behaviours.size());
    attach(s.script);
    s.observers.push_back(s.script.get());
  }
  if (!sc.on_receive.empty()) attach(std::make_shared<reactive_rules>(sc.on_receive));
  for (const generator& g : sc.generate) {
    if (const auto* r = std::get_if<random_generator>(&g)) attach(std::make_shared<random_workload>(*r));
    if (const auto* p = std::get_if<phold_generator>(&g)) attach(std::make_shared<phold_workload>(*p));
  }
}

simulation::~simulation() = default;

void simulation::attach(std::shared_ptr<behaviour> b, std::span<const process_id> processes) {
  state& s = *s_;
  const auto index = static_cast<std::uint32_t>(s.behaviours.size());
  std::vector<process_id> to(processes.begin(), processes.end());
  if (to.empty()) {
    for (process_id p = 0; p < s.procs.size(); ++p) to.push_back(p);
    s.everywhere.push_back(index);
  }
  for (process_id p : processes) {
    if (p >= s.procs.size()) throw std::out_of_range("hbsim: attach to an unknown process");
    s.procs[p].behaviours.push_back(index);
  }
  s.behaviours.push_back(std::move(b));
  s.attached.push_back(std::move(to));
}

void simulation::deliver_through(std::shared_ptr<delivery_policy> p, std::span<const process_id> processes) {
  state& s = *s_;
  if (s.ran) throw std::logic_error("hbsim: a delivery policy is set before the run");
  for (process_id q : processes) {
    if (q >= s.procs.size()) throw std::out_of_range("hbsim: a delivery policy for an unknown process");
    if (s.procs[q].layers.size() >= max_delivery_layers)
      throw std::length_error("hbsim: more delivery layers than a process may have");
    s.procs[q].layers.push_back(p);
    s.procs[q].tells_sends = true;
  }
}

void simulation::observe(event_observer& o) {
  s_->observers.push_back(&o);
}

const run_stats& simulation::run() {
  if (s_->ran) throw std::logic_error("hbsim: a simulation runs once");
  s_->ran = true;
  s_->run();
  return s_->stats;
}

const scenario& simulation::source() const { return s_->sc; }
std::uint64_t simulation::seed() const { return s_->seed; }
const clock_set& simulation::clocks() const { return s_->clocks; }
const run_stats& simulation::stats() const { return s_->stats; }

std::vector<std::string> simulation::delivery_remarks() const {
  std::vector<std::string> out;
  std::set<const delivery_policy*> seen;  // only asked, never walked: its order cannot reach the output
  for (const state::process_state& ps : s_->procs)
    for (const auto& layer : ps.layers)
      if (layer->orders() && seen.insert(layer.get()).second)
        if (std::string r = layer->remark(s_->names); !r.empty()) out.push_back(std::move(r));
  return out;
}
std::span<const std::string> simulation::process_names() const { return s_->names; }

}  // namespace hbsim
