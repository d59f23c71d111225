// The behaviours a scenario file can describe: scripted actions, reactive rules, and the random and
// PHOLD generators. Each is an ordinary behaviour, written against the same interface a user has.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hbsim/kernel/behaviour.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/scenario/ref_tracker.hpp"
#include "hbsim/scenario/workload.hpp"

namespace hbsim {

/// Performs one action for the context's process; `sender` answers a reactive "to": "sender".
event_id perform(process_context& ctx, const action& a, process_id sender = no_process);

/// `script`: actions at fixed times, or after a referenced event. It watches the run to see the
/// events that `after` references name.
class script_behaviour final : public behaviour, public event_observer {
 public:
  /// `index` is the behaviour's position in the simulation, for timers it sets on other processes.
  script_behaviour(simulation& sim, const std::vector<script_action>& actions, std::size_t index);
  using event_observer::on_start;  // a behaviour's on_start and an observer's are distinct: hide neither
  void on_start(process_context& ctx) override;
  void on_timer(process_context& ctx, std::uint64_t action) override;
  void on_event(const event_record& e) override;
  /// After the run: the first `after` reference that did not name exactly one event, as
  /// (JSON path, problem); empty path when all were sound.
  std::pair<std::string, std::string> unsound_reference(std::span<const std::string> names) const;

 private:
  simulation* sim_;
  const std::vector<script_action>* actions_;
  std::size_t index_;
  std::vector<std::uint64_t> remaining_;  // occurrences left per action
  std::vector<std::size_t> after_;        // actions with an `after`
  std::vector<ref_tracker> trackers_;     // one per entry of after_
};

/// `on_receive`: every matching rule fires, in file order, `delay` after the receive.
class reactive_rules final : public behaviour {
 public:
  explicit reactive_rules(const std::vector<reactive_rule>& rules) : rules_(&rules) {}
  void on_receive(process_context& ctx, const delivered_message& m) override;
  void on_timer(process_context& ctx, std::uint64_t token) override;

 private:
  const std::vector<reactive_rule>* rules_;
};

/// `{"kind": "random"}`: each process performs `events` events, `interval` apart; each is a send to a
/// uniformly chosen other process with probability `send_ratio`, else a local event.
class random_workload final : public behaviour {
 public:
  explicit random_workload(random_generator g) : g_(std::move(g)) {}
  void on_start(process_context& ctx) override;
  void on_timer(process_context& ctx, std::uint64_t done) override;

 private:
  random_generator g_;
};

/// `{"kind": "phold"}`: `population` messages per process at the start; on each receive the process
/// waits `think`, then sends to a random process (another one with probability `remote`, else
/// itself), until `messages` sends in all have been made.
class phold_workload final : public behaviour {
 public:
  explicit phold_workload(phold_generator g) : g_(std::move(g)), sends_left_(g_.messages) {}
  void on_start(process_context& ctx) override;
  void on_receive(process_context& ctx, const delivered_message& m) override;
  void on_timer(process_context& ctx, std::uint64_t token) override;

 private:
  phold_generator g_;
  std::uint64_t sends_left_;
};

/// A uniformly chosen process other than `self` (self when it is alone).
process_id pick_other(random_stream& rng, process_id self, std::size_t processes);

}  // namespace hbsim
