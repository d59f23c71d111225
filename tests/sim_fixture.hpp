// Small scenarios built in C++ and an observer that keeps everything, for kernel tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hbsim/clocks/stamp_index.hpp"
#include "hbsim/engine/simulation.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim::testing {

struct kept_event {
  event_record r;  // its spans are not kept
  std::uint64_t lamport = 0;
  hlc_stamp hlc;
  // One counter per process; beyond 4,096 processes the non-zero entries, process and count one after
  // the other, so that recording a wide run does not keep processes² counters.
  std::vector<std::uint32_t> vector;
  std::vector<sent_message> messages;
  std::string label;
  std::optional<commit_note> commit;  // a TrueTime commit's, copied: the record's pointer lives only during the call
};

inline std::vector<std::uint32_t> kept_vector(vector_stamp v) {
  if (v.size() <= 4096) return dense_row(v);
  std::vector<std::uint32_t> entries;
  v.for_each([&](std::size_t j, std::uint64_t count) { entries.insert(entries.end(), {static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(count)}); });
  return entries;
}

/// Keeps every record of a run (fine for the small runs of tests).
class recorder final : public event_observer {
 public:
  void on_start(const run_header& h) override { places = h.source ? stamp_index(h.source->logical) : stamp_index(logical_config{}); }
  void on_event(const event_record& e) override {
    kept_event k{e,
                 places.lamport_of(e),
                 places.hlc_of(e),
                 kept_vector(places.vector_of(e)),
                 {e.messages.begin(), e.messages.end()},
                 std::string(e.label),
                 e.commit ? std::optional<commit_note>(*e.commit) : std::nullopt};
    k.r.commit = nullptr;
    events.push_back(std::move(k));
  }
  void on_drop(const drop_record& d) override { drops.push_back(d); }
  void on_fault(const fault_record& f) override { faults.push_back(f); }
  /// The events of process p, in order.
  std::vector<kept_event> of(process_id p) const {
    std::vector<kept_event> out;
    for (const auto& e : events)
      if (e.r.process == p) out.push_back(e);
    return out;
  }
  stamp_index places;
  std::vector<kept_event> events;
  std::vector<drop_record> drops;
  std::vector<fault_record> faults;
};

/// A scenario's run (with `seed` in place of the scenario's, when given) and what a recorder kept of it.
struct recorded_run {
  recorder rec;
  run_stats stats;
};
inline recorded_run run_recorded(const scenario& s, std::optional<std::uint64_t> seed = std::nullopt) {
  simulation sim(s, seed);
  recorded_run out;
  sim.observe(out.rec);
  out.stats = sim.run();
  return out;
}

/// Processes with default clocks (resolution 1us, no offset), network delay a constant 1ms.
inline scenario make_scenario(std::vector<std::string> names) {
  scenario s;
  s.name = "test";
  for (auto& n : names) s.processes.push_back({n, {}});
  return s;
}

inline script_action at(sim_time t, process_id p, action_kind k, std::string label, std::vector<process_id> to = {}) {
  script_action a;
  a.at = t;
  a.process = p;
  a.what = {k, std::move(to), false, std::move(label)};
  return a;
}

inline event_ref ref(process_id p, std::string label, std::uint64_t index = 0) {
  return {"", p, std::move(label), false, index};
}

inline constexpr sim_time ms = ns_per_ms;

/// A relay across three processes with a few unrelated locals: A sends m1 to B, B later sends m2 to
/// C, C later sends m3 to A; c1, b1 and a2 are local events. Graph and explain tests share it.
inline scenario relay_chain() {
  scenario s = make_scenario({"A", "B", "C"});
  s.script.push_back(at(0, 0, action_kind::send, "m1", {1}));
  s.script.push_back(at(100'000, 2, action_kind::local, "c1"));
  s.script.push_back(at(500'000, 1, action_kind::local, "b1"));
  s.script.push_back(at(2 * ms, 1, action_kind::send, "m2", {2}));
  s.script.push_back(at(2'500'000, 0, action_kind::local, "a2"));
  s.script.push_back(at(4 * ms, 2, action_kind::send, "m3", {0}));
  return s;
}

/// A's clock 100ms ahead of B's and HLC's max offset 50ms: the message A sends B at 0 is refused, a
/// reject. The simulation, graph and explain tests share it.
inline scenario message_from_the_future() {
  scenario s = make_scenario({"A", "B"});
  s.processes[0].clock.offset = 100 * ms;
  s.logical.hlc_max_offset = 50 * ms;
  s.script.push_back(at(0, 0, action_kind::send, "from-the-future", {1}));
  return s;
}

/// A small random workload with every kind of fault: 4 processes doing 15 events each (60 % sends),
/// loss, duplication, skew, drift, sync, a clock stepped back, HLC's max offset, a partition in
/// hold mode, a cut, a pause and a crash with persistence. Run it with many seeds.
inline scenario faulty_random_scenario() {
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.processes[1].clock.offset = 3 * ms;
  s.processes[1].clock.drift_ppm = 120;
  s.processes[2].clock.offset = -2 * ms;
  s.processes[2].clock.sync = clock_sync{5 * ms, distribution::normal(0, 500'000)};
  s.processes[3].clock.drift_ppm = -80;
  s.processes[3].clock.resolution = 100'000;
  s.network.defaults.delay = distribution::exponential(1 * ms);
  s.network.defaults.loss = 0.05;
  s.network.defaults.duplicate = 0.05;
  s.logical.hlc_max_offset = 4 * ms;
  partition_fault p;
  p.groups = {{0, 1}};
  p.group_of = {0, 0, 1, 1};
  p.heal = 8 * ms;
  p.mode = hold_mode::hold;
  s.faults.push_back({4 * ms, p, "/faults/0"});
  cut_fault cut;
  cut.from = {3};
  cut.to = {0};
  cut.heal = 15 * ms;
  s.faults.push_back({10 * ms, cut, "/faults/1"});
  s.faults.push_back({6 * ms, clock_step_fault{0, -2 * ms}, "/faults/2"});
  s.faults.push_back({12 * ms, pause_fault{2, 3 * ms, false}, "/faults/3"});
  s.faults.push_back({9 * ms, crash_fault{3, 13 * ms, persist_mode::all, 0}, "/faults/4"});
  s.generate.push_back(random_generator{15, 0.6, distribution::exponential(1 * ms)});
  return s;
}

}  // namespace hbsim::testing
