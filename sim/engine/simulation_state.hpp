// The state of a running simulation, private to the engine: its processes, the messages in flight, the queue of
// what happens next, and how the run acts on them. Its parts live by concept: the event loop, events and
// messages in simulation.cpp, faults taking effect in fault_effects.cpp, TrueTime commit waits in
// commit_wait.cpp, the contexts through which behaviours and delivery layers act in process_context.cpp.
#pragma once

#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/commit_wait.hpp"
#include "engine/slab.hpp"
#include "hbsim/engine/builtin_behaviours.hpp"
#include "hbsim/engine/simulation.hpp"
#include "hbsim/kernel/data_hook.hpp"
#include "hbsim/kernel/event_queue.hpp"
#include "hbsim/kernel/physical_clock.hpp"
#include "hbsim/net/network.hpp"
#include "kernel/ntp_exchanges.hpp"

namespace hbsim {

struct simulation::state {
  // An arrival goes to the next delivery layer of the process, if it has one more; a delivery, to the process
  // itself. A commit check looks whether a TrueTime commit's wait is over.
  enum entry_type : std::uint8_t { arrival, delivery, timer, fault_start, fault_end, commit_check };
  // Whether the entry's payload is a message copy (a flight).
  static bool carries_copy(const queue_entry& e) { return e.type == arrival || e.type == delivery; }

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
    std::vector<std::uint32_t> behaviours;  // attached to it alone or to some processes (see everywhere)
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
    std::uint32_t serial;  // its handle's: a cancel of a timer that fired finds another serial in its slot
    bool cancelled = false;
  };

  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

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
  // The behaviours attached to every process, which their lists leave out (a million processes would
  // each hold a copy).
  std::vector<std::uint32_t> everywhere;
  std::shared_ptr<script_behaviour> script;
  std::unique_ptr<data_hook> data;  // the replicas, when the scenario has `data`
  std::shared_ptr<ntp_exchanges> ntp;  // when the scenario has NTP exchanges
  std::size_t ntp_behaviour = 0;
  std::vector<event_observer*> observers;
  run_stats stats;
  sim_time now = 0;
  event_id last_event = 0;
  message_id last_message = 0;
  slab<flight> flights;
  slab<timer_entry> timers;
  std::uint32_t timer_serial = 0;  // the latest timer's; 0 names none
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
  // Fetching the next events' entries ahead (look_ahead) pays where the per-process tables outgrow
  // the caches; with fewer processes they are there already, and asking costs a few percent (PHOLD,
  // Lamport + HLC, paired runs: 2-4 % slower at 1,024 processes, no gain at 2,048 and 4,096, 3-12 %
  // faster at 8,192 and 16,384).
  static constexpr std::size_t look_ahead_processes = 4'096;
  const bool looks_ahead = sc.processes.size() > look_ahead_processes;
  bool ran = false;
  bool stopping = false;
  bool observing = false;

  // A behaviour mostly repeats its latest label (PHOLD's every send): compared first, it spares the hash.
  label_id last_label = 0;
  label_id intern(std::string_view text) {
    if (last_label < label_text.size() && label_text[last_label] == text) return last_label;
    if (auto it = label_index.find(text); it != label_index.end()) return last_label = it->second;
    last_label = static_cast<label_id>(label_text.size());
    label_text.emplace_back(text);
    label_index.emplace(label_text.back(), last_label);
    return last_label;
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

  // p's physical clock reading for its next event. Clocks that read true time (TrueTime's ε grows
  // since the clock's last sync) are told it, and that sync, first.
  sim_time reading(process_id p) {
    physical_clock& c = procs[p].clock;
    const sim_time pt = c.read(now);
    if (clocks.reads_true_time()) clocks.at_time(p, now, c.last_sync());
    return pt;
  }

  // Events and messages (simulation.cpp).
  message_slot take_slot();
  /// Slots [0, count) exist, the new ones free.
  void grow_slots(std::size_t count);
  void release(std::uint32_t flight_index);
  event_id emit(process_id p, event_kind kind, label_id label, sim_time pt, const flight* m,
                std::span<const sent_message> messages, const commit_note* commit = nullptr,
                const crash_fault* crash = nullptr, std::uint64_t numbered = 0);
  void drop(const drop_record& d);
  event_id local(process_id p, label_id label, const commit_note* commit = nullptr);
  event_id send(process_id p, std::span<const process_id> to, label_id label);
  event_id send(process_id p, std::span<const process_id> to, std::string_view label);
  timer_handle set_timer(process_id p, std::size_t b, sim_time delay, std::uint64_t token);
  void cancel_timer(timer_handle t);
  void drop_cancelled_timers();  // those at the queue's top, which would only move time
  void check_pending();
  arrived_copy copy(std::uint32_t flight_index);
  sim_time expected_delivery(std::uint32_t flight_index);
  void deliver(std::uint32_t flight_index, std::uint8_t layer, bool ordered, bool in_turn = false);
  void on_copy(const queue_entry& e);
  void on_timer(const queue_entry& e);
  void drop_in_flight();
  void look_ahead();
  void run();

  // TrueTime commit waits (commit_wait.cpp).
  event_id commit(process_id p, std::string_view label);
  sim_time earliest_at(process_id p, sim_time t);
  void wait(std::uint32_t k);
  void on_commit_check(const queue_entry& e);
  // What a clock step or a crash of p does to its commits still waiting.
  template <class F>
  void each_open_commit(process_id p, F&& f) {
    for (std::uint32_t k = 0; k < commits.size(); ++k)
      if (commits[k].open && commits[k].process == p) f(k);
  }

  // Faults taking effect (fault_effects.cpp).
  template <class Fault>
  void fault_mark(const Fault& what, std::size_t index, sim_time end);
  void start_fault(std::size_t index);
  void end_fault(std::size_t index);
  void schedule_faults();
};

}  // namespace hbsim
