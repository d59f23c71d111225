// Runs of scenarios with replicated data, and what their events did to it, for the data tests.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/data/data_note.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim::testing {

struct data_event {
  event_id id;
  process_id process;
  event_kind kind;
  event_id send_event;
  data_note note;
};

/// Keeps the data notes of a run.
class data_recorder final : public event_observer {
 public:
  void on_event(const event_record& e) override {
    if (e.data) events.push_back({e.id, e.process, e.kind, e.send_event, *e.data});
  }
  /// The ids of the puts, in order.
  std::vector<event_id> puts() const {
    std::vector<event_id> out;
    for (const data_event& e : events)
      if (e.note.op == data_op::put) out.push_back(e.id);
    return out;
  }
  /// The last state of `key` that process p's events recorded (empty when none).
  std::vector<event_id> state(process_id p, const std::string& key) const {
    std::vector<event_id> out;
    for (const data_event& e : events)
      for (const key_writes& k : e.note.state)
        if (e.process == p && k.first == key) out = k.second;
    return out;
  }
  /// The version the put `write` recorded.
  std::string version(event_id write) const {
    for (const data_event& e : events)
      if (e.id == write) return e.note.version;
    return "";
  }
  std::vector<data_event> events;
};

struct data_run {
  scenario sc;
  data_recorder rec;
  run_outcome out;
  std::uint64_t count(std::string_view invariant) const { return out.invariants->count(invariant); }
};

/// Runs the scenario text (with `variant`, e.g. "lww=no-tie-break", when not empty).
inline std::unique_ptr<data_run> run_data(std::string_view text, std::string_view variant = {}) {
  auto r = std::make_unique<data_run>();
  r->sc = parse_scenario(text, "test.json");
  if (!variant.empty()) apply_variant(r->sc, variant);
  run_options o;
  o.observers.push_back(&r->rec);
  o.judge_thread = false;
  r->out = run_scenario(r->sc, o);
  return r;
}

}  // namespace hbsim::testing
