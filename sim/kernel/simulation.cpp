#include "hbsim/kernel/simulation.hpp"

#include <algorithm>
#include <deque>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "hbsim/core/input_error.hpp"
#include "hbsim/data/replica_set.hpp"
#include "hbsim/kernel/builtin_behaviours.hpp"
#include "hbsim/kernel/delivery_policy.hpp"
#include "kernel/clock_lending.hpp"
#include "kernel/commit_wait.hpp"
#include "kernel/fifo_delivery.hpp"
#include "kernel/group_layers.hpp"
#include "kernel/ntp_exchanges.hpp"
#include "kernel/slab.hpp"
#include "hbsim/kernel/event_queue.hpp"
#include "hbsim/kernel/physical_clock.hpp"
#include "hbsim/net/network.hpp"

namespace hbsim {

namespace {

// An arrival goes to the next delivery layer of the process, if it has one more; a delivery, to the process itself.
// A commit check looks whether a TrueTime commit's wait is over.
enum entry_type : std::uint8_t { arrival, delivery, timer, fault_start, fault_end, commit_check };

struct process_state {
  process_state(physical_clock c, random_stream r) : clock(std::move(c)), rng(r) {}
  physical_clock clock;
  random_stream rng;
  std::uint64_t seq = 0;
  bool up = true;
  int pauses = 0;                     // overlapping pauses nest
  bool frozen_by_pause = false;
  std::vector<queue_entry> deferred;  // work held back while paused, in arrival order
  std::uint64_t checkpoint_every = 0;
  std::vector<std::uint32_t> behaviours;
  // Its delivery layers, bottom first (FIFO links, then those deliver_through added); none: every copy is
  // received as it arrives.
  std::vector<std::shared_ptr<delivery_policy>> layers;
  bool tells_sends = false;  // some layer came from deliver_through: its sends are shown to the layers first
};

// One copy of a message travelling through the network, then perhaps held by delivery layers.
struct flight {
  message_id id;
  process_id from;
  process_id to;
  label_id label;
  message_slot slot;
  event_id send_event;
  bool duplicate;
  bool ordered = false;     // a delivery group's layer ordered it: its receive says when it arrived
  bool held = false;        // at the end: still in a delivery group's hold-back queue
  sim_time arrival = 0;     // from the network
  sim_time due = 0;         // the delivery its layers expected when it was sent
  std::uint64_t order = 0;  // its arrival's place in the queue, kept when a layer delivers it later
  std::uint8_t layer = 0;   // the delivery layer it goes to next
};

struct timer_entry {
  process_id process;
  std::uint32_t behaviour;
  std::uint64_t token;
};

// A TrueTime commit of the run: waiting (open) until its `-done` event, a crash or a stall closes it.
struct commit_wait {
  process_id process;
  label_id done_label;
  sim_time start;  // the commit event's true time
  sim_time s;      // its TT.now().latest
  bool open = true;
};

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct simulation::state {
  state(simulation& self, const scenario& s, std::uint64_t seed_)
      : owner(self),
        sc(s),
        seed(seed_),
        source(seed_),
        clocks(s.processes.size(), s.logical),
        net(s.network, link_blocks(s.faults, s.processes.size()), s.processes.size(), source) {}

  simulation& owner;
  const scenario& sc;
  std::uint64_t seed;
  random_source source;
  std::vector<std::string> names;
  std::vector<process_state> procs;
  clock_set clocks;
  network net;
  event_queue queue;
  std::vector<std::shared_ptr<behaviour>> behaviours;
  std::vector<std::vector<process_id>> attached;  // per behaviour
  std::shared_ptr<script_behaviour> script;
  std::unique_ptr<data_hook> data;  // the replicas, when the scenario has `data`
  std::shared_ptr<ntp_exchanges> ntp;  // when the scenario has NTP exchanges
  std::size_t ntp_behaviour = 0;
  std::vector<event_observer*> observers;
  std::vector<lending_observer*> lenders;  // those of the observers that borrow vectors
  run_stats stats;
  sim_time now = 0;
  event_id last_event = 0;
  message_id last_message = 0;
  slab<flight> flights;
  slab<timer_entry> timers;
  std::vector<commit_wait> commits;
  std::vector<std::uint32_t> slot_refs;  // copies in flight per message slot
  std::vector<message_slot> free_slots;
  std::deque<std::string> label_text;    // a deque keeps each label's address stable
  std::unordered_map<std::string, label_id, string_hash, std::equal_to<>> label_index;  // looked up, never iterated
  std::vector<sent_message> sent;        // scratch for one send
  std::vector<drop_record> drops;        // scratch for one send
  std::vector<route_record> routes;      // scratch for one send
  std::vector<process_id> routed;        // scratch for one send: its destinations as its process's layers see them
  std::uint64_t max_pending = sc.pending_limit();
  bool ran = false;
  bool stopping = false;
  bool observing = false;

  label_id intern(std::string_view text) {
    if (auto it = label_index.find(text); it != label_index.end()) return it->second;
    const auto id = static_cast<label_id>(label_text.size());
    label_text.emplace_back(text);
    label_index.emplace(label_text.back(), id);
    return id;
  }

  message_slot take_slot() {
    if (free_slots.empty()) {
      const std::size_t old = slot_refs.size();
      const std::size_t grown = std::max<std::size_t>(16, old * 2);
      slot_refs.resize(grown, 0);
      clocks.reserve_slots(grown);
      for (std::size_t i = grown; i > old; --i) free_slots.push_back(static_cast<message_slot>(i - 1));
    }
    const message_slot s = free_slots.back();
    free_slots.pop_back();
    return s;
  }

  void release(std::uint32_t flight_index) {
    const message_slot s = flights[flight_index].slot;
    flights.remove(flight_index);
    if (--slot_refs[s] == 0) free_slots.push_back(s);
  }

  // Whether p may act now; counts a skipped action of a crashed process.
  bool can_act(process_id p) {
    if (observing) throw std::logic_error("hbsim: an observer must not make processes act");
    if (stopping) return false;
    if (!procs[p].up) {
      ++stats.skipped_actions;
      return false;
    }
    return true;
  }

  template <class F>
  void notify(F&& f) {
    observing = true;
    for (event_observer* o : observers) f(*o);
    observing = false;
  }

  // Observers may read an event's vector from the clock until its process's clocks change: tell them
  // before they do.
  clock_set& changing(process_id p) {
    for (lending_observer* l : lenders) l->on_clocks_changing(p);
    return clocks;
  }

  // p's physical clock reading for its next event. Clocks that read true time (TrueTime's ε grows
  // since the clock's last sync) are told it, and that sync, first.
  sim_time reading(process_id p) {
    physical_clock& c = procs[p].clock;
    const sim_time pt = c.read(now);
    if (clocks.reads_true_time()) clocks.at_time(p, now, c.last_sync());
    return pt;
  }

  event_id emit(process_id p, event_kind kind, label_id label, sim_time pt, const flight* m,
                std::span<const sent_message> messages, const commit_note* commit = nullptr) {
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
    ++stats.events;
    ++stats.by_kind[static_cast<int>(kind)];
    notify([&](event_observer& o) { o.on_event(r); });
    if (ps.checkpoint_every != 0 && ps.seq % ps.checkpoint_every == 0) clocks.checkpoint(p);
    if (stats.events >= sc.max_events) {
      stopping = true;
      stats.hit_max_events = true;
    }
    return r.id;
  }

  void drop(const drop_record& d) {
    ++stats.dropped[static_cast<int>(d.reason)];
    notify([&](event_observer& o) { o.on_drop(d); });
  }

  event_id local(process_id p, label_id label, const commit_note* commit = nullptr) {
    if (!can_act(p)) return 0;
    const sim_time pt = reading(p);
    changing(p).tick(p, event_kind::local, pt);
    return emit(p, event_kind::local, label, pt, nullptr, {}, commit);
  }

  // The commit event takes s = TT.now().latest = pt + ε, as its interval says; its wait starts.
  event_id commit(process_id p, std::string_view label) {
    const truetime_options* tt = clocks.truetime();
    if (!tt) throw std::logic_error("hbsim: a commit in a run without the truetime clock");
    if (!can_act(p)) return 0;
    const sim_time pt = reading(p);
    changing(p).tick(p, event_kind::local, pt);
    const commit_note note{add_sat(pt, tt->epsilon(now, procs[p].clock.last_sync()))};
    const event_id id = emit(p, event_kind::local, intern(label), pt, nullptr, {}, &note);
    ++stats.commits;
    commits.push_back({p, intern(std::string(label).append("-done")), now, note.s});
    wait(static_cast<std::uint32_t>(commits.size() - 1));
    return id;
  }

  // TT.now().earliest at true time t ≥ now, as p would read it if no fault touched its clock before t:
  // read on a copy of the clock, whose syncs are drawn from their own streams, as the real clock's will be.
  sim_time earliest_at(process_id p, sim_time t) {
    physical_clock c = procs[p].clock;
    const sim_time pt = c.read(t);
    return sub_sat(pt, clocks.truetime()->epsilon(t, c.last_sync()));
  }

  // Schedules the commit's next check, or closes it if its earliest will never pass s.
  void wait(std::uint32_t k) {
    commit_wait& w = commits[k];
    const auto at = commit_wait_end(now, w.s, [this, p = w.process](sim_time t) { return earliest_at(p, t); });
    if (at) {
      queue.push(*at, commit_check, k);
      return;
    }
    w.open = false;
    ++stats.commits_stalled;
  }

  // At the check's time the real clock decides: a step since the search may have moved it back (search
  // again) or forward (a step checks its commits at once, so `-done` comes at the first time it may).
  // A paused process checks when it resumes, like its timers. Stale checks of a closed commit do nothing.
  void on_commit_check(const queue_entry& e) {
    commit_wait& w = commits[e.payload];
    if (!w.open) return;
    process_state& ps = procs[w.process];
    if (ps.pauses > 0) {
      ps.deferred.push_back(e);
      return;
    }
    if (earliest_at(w.process, now) <= w.s) {
      wait(e.payload);
      return;
    }
    w.open = false;
    stats.commit_waits.push_back(now - w.start);
    const commit_note note{w.s, now - w.start};
    local(w.process, w.done_label, &note);
  }

  // What a clock step or a crash of p does to its commits still waiting.
  template <class F>
  void each_open_commit(process_id p, F&& f) {
    for (std::uint32_t k = 0; k < commits.size(); ++k)
      if (commits[k].open && commits[k].process == p) f(k);
  }

  event_id send(process_id p, std::span<const process_id> to, label_id label) {
    if (!can_act(p)) return 0;
    const sim_time pt = reading(p);
    changing(p).tick(p, event_kind::send, pt);
    const message_slot slot = take_slot();
    clocks.capture(p, slot);
    const event_id id = last_event + 1;
    if (procs[p].tells_sends) {
      routed.assign(to.begin(), to.end());
      for (const auto& layer : procs[p].layers) layer->on_send({p, id, procs[p].seq + 1}, routed);
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
    emit(p, event_kind::send, label, pt, nullptr, sent);
    for (const route_record& r : routes) notify([&](event_observer& o) { o.on_route(r); });
    for (const drop_record& d : drops) drop(d);
    if (slot_refs[slot] == 0) free_slots.push_back(slot);
    return id;
  }

  event_id send(process_id p, std::span<const process_id> to, std::string_view label) {
    for (process_id d : to)
      if (d >= procs.size()) throw std::out_of_range("hbsim: send to an unknown process");
    return send(p, to, intern(label));
  }

  void set_timer(process_id p, std::size_t b, sim_time delay, std::uint64_t token) {
    if (stopping) return;  // it would never fire: the run ends with this event
    queue.push(add_sat(now, std::max<sim_time>(delay, 0)), timer,
               timers.add({p, static_cast<std::uint32_t>(b), token}));
    check_pending();
  }

  // The safety net of max_pending: memory follows the message copies in flight and the timers
  // pending (a paused process's included), so a workload that multiplies them without end is
  // stopped here rather than by the allocator.
  void check_pending() {
    if (flights.live() + timers.live() <= max_pending) return;
    stopping = true;
    stats.hit_max_pending = true;
  }

  // The copy as a delivery layer sees it: arriving from the network, or, above the first layer, now
  // from the layer below.
  arrived_copy copy(std::uint32_t flight_index) {
    const flight& f = flights[flight_index];
    return {f.id,       f.from, f.to, label_text[f.label], f.send_event, f.layer == 0 ? f.arrival : now,
            f.duplicate, flight_index};
  }

  // When the layers of the copy's process expect to deliver it: each layer sees it when the one below
  // expects to deliver it.
  sim_time expected_delivery(std::uint32_t flight_index) {
    arrived_copy c = copy(flight_index);
    for (const auto& layer : procs[c.to].layers) c.arrival = layer->on_sent(c);
    return c.arrival;
  }

  // A layer's delivery runs after the event in progress, where the copy's arrival had its turn: in the
  // next layer up, or the process. Never within the delivering layer's own call, which may be walking
  // what it holds.
  // In turn: after everything else due now, so that copies delivered so at one instant keep their order.
  void deliver(std::uint32_t flight_index, std::uint8_t layer, bool ordered, bool in_turn = false) {
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
  void on_copy(const queue_entry& e) {
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
      changing(f.to).tick(f.to, event_kind::reject, pt);
      ++stats.rejected;
      emit(f.to, event_kind::reject, f.label, pt, &f, {});
      release(e.payload);
      return;
    }
    changing(f.to).receive(f.to, f.slot, pt);
    ++stats.delivered;
    if (f.ordered) stats.held_back.push_back(now - f.arrival);
    const event_id id = emit(f.to, event_kind::receive, f.label, pt, &f, {});
    const delivered_message m{f.id, f.from, label_text[f.label], id};
    release(e.payload);
    for (std::uint32_t b : ps.behaviours) {
      process_context ctx(owner, to, b);
      behaviours[b]->on_receive(ctx, m);
    }
  }

  void on_timer(const queue_entry& e) {
    const timer_entry t = timers[e.payload];
    process_state& ps = procs[t.process];
    if (ps.pauses > 0) {
      ps.deferred.push_back(e);
      return;
    }
    timers.remove(e.payload);
    process_context ctx(owner, t.process, t.behaviour);
    behaviours[t.behaviour]->on_timer(ctx, t.token);
  }

  template <class Fault>
  void fault_mark(const Fault& what, std::size_t index, sim_time end) {
    const fault_record r{now, end, index, what};
    notify([&](event_observer& o) { o.on_fault(r); });
  }

  void start_fault(std::size_t index) {
    const fault& f = sc.faults[index];
    if (const auto* p = std::get_if<partition_fault>(&f.what)) {
      fault_mark(*p, index, p->heal.value_or(-1));
    } else if (const auto* c = std::get_if<cut_fault>(&f.what)) {
      fault_mark(*c, index, c->heal.value_or(-1));
    } else if (const auto* crash = std::get_if<crash_fault>(&f.what)) {
      process_state& ps = procs[crash->process];
      if (!ps.up) return;
      const sim_time pt = reading(crash->process);
      changing(crash->process).tick(crash->process, event_kind::crash, pt);
      emit(crash->process, event_kind::crash, intern("crash"), pt, nullptr, {});
      ps.up = false;
      // A crash ends the wait: the commit never completes (its `-done` event never happens).
      each_open_commit(crash->process, [this](std::uint32_t k) {
        commits[k].open = false;
        ++stats.commits_crashed;
      });
    } else if (const auto* step = std::get_if<clock_step_fault>(&f.what)) {
      procs[step->process].clock.step(now, step->by);
      each_open_commit(step->process, [this](std::uint32_t k) { queue.push(now, commit_check, k); });
      fault_mark(*step, index, -1);
    } else if (const auto* pause = std::get_if<pause_fault>(&f.what)) {
      process_state& ps = procs[pause->process];
      ++ps.pauses;
      if (!pause->clock_running && !ps.clock.frozen()) {
        ps.clock.freeze(now);
        ps.frozen_by_pause = true;
      }
      fault_mark(*pause, index, add_sat(now, pause->duration));
    }
  }

  void end_fault(std::size_t index) {
    const fault& f = sc.faults[index];
    if (const auto* crash = std::get_if<crash_fault>(&f.what)) {
      process_state& ps = procs[crash->process];
      if (ps.up) return;
      if (crash->persist == persist_mode::none) changing(crash->process).reset(crash->process);
      if (crash->persist == persist_mode::checkpoint) changing(crash->process).restore(crash->process);
      ps.up = true;
      const sim_time pt = reading(crash->process);
      changing(crash->process).tick(crash->process, event_kind::restart, pt);
      emit(crash->process, event_kind::restart, intern("restart"), pt, nullptr, {});
    } else if (const auto* pause = std::get_if<pause_fault>(&f.what)) {
      process_state& ps = procs[pause->process];
      if (--ps.pauses > 0) return;
      if (ps.frozen_by_pause) {
        ps.clock.thaw(now);
        ps.frozen_by_pause = false;
      }
      // What waited runs now, in the order it would have run.
      for (const queue_entry& e : ps.deferred) queue.push(now, e.type, e.payload);
      ps.deferred.clear();
    }
  }

  void schedule_faults() {
    for (std::size_t i = 0; i < sc.faults.size(); ++i) {
      const fault& f = sc.faults[i];
      queue.push(f.at, fault_start, static_cast<std::uint32_t>(i));
      std::optional<sim_time> end;
      if (const auto* c = std::get_if<crash_fault>(&f.what)) end = c->restart;
      if (const auto* p = std::get_if<pause_fault>(&f.what)) end = add_sat(f.at, p->duration);
      if (end) queue.push(*end, fault_end, static_cast<std::uint32_t>(i));
    }
  }

  // Every message copy still pending at the end (travelling, held by a delivery layer, waiting at a paused
  // process) becomes a drop record, in the order it would have been delivered.
  void drop_in_flight() {
    std::vector<queue_entry> pending;
    for (const queue_entry& e : queue.pending())
      if (e.type == arrival || e.type == delivery) pending.push_back(e);
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

  void run() {
    const run_header header{&sc, seed, names, false, sc.logical.has("vector")};
    for (lending_observer* l : lenders) l->lend_vectors();
    notify([&](event_observer& o) { o.on_start(header); });
    schedule_faults();
    for (std::size_t b = 0; b < behaviours.size(); ++b)
      for (process_id p : attached[b]) {
        process_context ctx(owner, p, b);
        behaviours[b]->on_start(ctx);
      }
    while (!queue.empty() && !stopping) {
      if (sc.until && queue.top().time > *sc.until) {
        stats.hit_until = true;
        now = *sc.until;
        break;
      }
      const queue_entry e = queue.pop();
      now = e.time;
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
        throw input_error(sc.file, path, "a reference that names exactly one event", problem);
    }
    const run_end end{now, stats.hit_max_events, stats.hit_until, stats.hit_max_pending};
    notify([&](event_observer& o) { o.on_finish(end); });
  }
};

simulation::simulation(const scenario& sc, std::optional<std::uint64_t> seed)
    : s_(std::make_unique<state>(*this, sc, seed.value_or(sc.seed))) {
  state& s = *s_;
  const std::size_t n = sc.processes.size();
  s.procs.reserve(n);
  for (process_id p = 0; p < n; ++p) {
    s.names.push_back(sc.processes[p].name);
    s.procs.emplace_back(physical_clock(sc.processes[p].clock, s.source, p),
                         s.source.process_stream(p, stream_purpose::workload));
  }
  for (const fault& f : sc.faults)
    if (const auto* c = std::get_if<crash_fault>(&f.what); c && c->persist == persist_mode::checkpoint)
      s.procs[c->process].checkpoint_every = c->checkpoint_every;
  s.clocks.reserve_slots(0);
  if (s.net.any_fifo())
    for (process_id to = 0; to < n; ++to)
      s.procs[to].layers.push_back(
          std::make_shared<fifo_delivery>([&net = s.net, to](process_id from) { return net.link(from, to).fifo; }));
  if (sc.data) s.data = std::make_unique<replica_set>(*sc.data, s.names);
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
  if (to.empty())
    for (process_id p = 0; p < s.procs.size(); ++p) to.push_back(p);
  for (process_id p : to) {
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
  if (auto* l = dynamic_cast<lending_observer*>(&o)) s_->lenders.push_back(l);
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
  for (const process_state& ps : s_->procs)
    for (const auto& layer : ps.layers)
      if (layer->orders() && seen.insert(layer.get()).second)
        if (std::string r = layer->remark(s_->names); !r.empty()) out.push_back(std::move(r));
  return out;
}
std::span<const std::string> simulation::process_names() const { return s_->names; }

std::string_view process_context::name() const { return sim_->s_->names[self_]; }
std::size_t process_context::process_count() const { return sim_->s_->procs.size(); }
std::string_view process_context::process_name(process_id p) const { return sim_->s_->names.at(p); }
sim_time process_context::now() const { return sim_->s_->now; }
sim_time process_context::clock() const { return sim_->s_->procs[self_].clock.read(sim_->s_->now); }
bool process_context::is_up() const { return sim_->s_->procs[self_].up; }
random_stream& process_context::rng() { return sim_->s_->procs[self_].rng; }

event_id process_context::local(std::string_view label) {
  auto& s = *sim_->s_;
  return s.local(self_, s.intern(label));
}

event_id process_context::send(process_id to, std::string_view label) { return send(std::span(&to, 1), label); }

event_id process_context::send(std::span<const process_id> to, std::string_view label) {
  return sim_->s_->send(self_, to, label);
}

event_id process_context::commit(std::string_view label) { return sim_->s_->commit(self_, label); }

event_id process_context::broadcast(std::string_view label) {
  auto& s = *sim_->s_;
  std::vector<process_id> to;
  for (process_id p = 0; p < s.procs.size(); ++p)
    if (p != self_) to.push_back(p);
  return s.send(self_, to, s.intern(label));
}

event_id process_context::data(const data_action& a, std::string_view label) {
  auto& s = *sim_->s_;
  if (!s.data) throw std::logic_error("hbsim: a put, get or sync in a run without data");
  return s.data->perform(*this, a, label);
}

event_id process_context::ntp(const ntp_request& r) {
  auto& s = *sim_->s_;
  if (!s.ntp) throw std::logic_error("hbsim: an NTP exchange in a run without NTP");
  process_context own(*sim_, self_, s.ntp_behaviour);
  return s.ntp->start(own, r);
}

void process_context::set_timer(sim_time delay, std::uint64_t token) {
  sim_->s_->set_timer(self_, behaviour_, delay, token);
}

sim_time delivery_context::now() const { return sim_->s_->now; }
void delivery_context::deliver(const arrived_copy& c, bool ordered) { sim_->s_->deliver(c.handle, layer_, ordered); }
void delivery_context::deliver_in_turn(const arrived_copy& c) { sim_->s_->deliver(c.handle, layer_, true, true); }

void delivery_context::hold(const arrived_copy& c, const hold_reason& why) {
  const hold_record r{c.message, c.from, c.to, now(), &why};
  sim_->s_->notify([&](event_observer& o) { o.on_hold(r); });
}

event_id delivery_context::send(std::span<const process_id> to, std::string_view label) {
  return sim_->s_->send(self_, to, label);
}

}  // namespace hbsim
