// Small scenarios built in C++ and an observer that keeps everything, for kernel tests.
#pragma once

#include <string>
#include <vector>

#include "hbsim/observer.hpp"
#include "hbsim/scenario.hpp"
#include "hbsim/simulation.hpp"

namespace hbsim::testing {

struct kept_event {
  event_record r;
  std::vector<std::uint32_t> vector;
  std::vector<sent_message> messages;
  std::string label;
};

/// Keeps every record of a run (fine for the small runs of tests).
class recorder final : public event_observer {
 public:
  void on_event(const event_record& e) override {
    kept_event k{e, {e.vector.begin(), e.vector.end()}, {e.messages.begin(), e.messages.end()}, std::string(e.label)};
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
  std::vector<kept_event> events;
  std::vector<drop_record> drops;
  std::vector<fault_record> faults;
};

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

}  // namespace hbsim::testing
