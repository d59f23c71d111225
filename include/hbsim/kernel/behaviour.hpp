// What a process does, as a small interface (start, receive, timer). Scripted actions, reactive rules
// and generators are built-in behaviours; a library user writes one the same way.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "hbsim/core/random.hpp"
#include "hbsim/kernel/event.hpp"

namespace hbsim {

class simulation;
struct data_action;  // data/data_config.hpp
struct ntp_request;  // kernel/ntp_config.hpp

/// A message as the receiving behaviour sees it.
struct delivered_message {
  message_id id;
  process_id from;
  std::string_view label;
  event_id receive_event;
};

/// The handle a behaviour acts through, for one process at one moment. While the process is crashed
/// its actions are skipped (and counted); while it is paused the kernel holds its work back.
/// A timer set with process_context::set_timer, to cancel it.
struct timer_handle {
  std::uint32_t slot = 0;
  std::uint32_t serial = 0;  // 0: no timer
};

class process_context {
 public:
  process_context(simulation& sim, process_id self, std::size_t behaviour)
      : sim_(&sim), self_(self), behaviour_(behaviour) {}

  process_id self() const { return self_; }
  std::string_view name() const;
  std::size_t process_count() const;
  std::string_view process_name(process_id p) const;
  /// True simulated time now.
  sim_time now() const;
  /// The process's physical clock now.
  sim_time clock() const;
  bool is_up() const;
  /// The process's workload stream: every choice a behaviour makes should come from it.
  random_stream& rng();

  /// Each returns the new event's id, or 0 when skipped because the process is crashed.
  event_id local(std::string_view label);
  event_id send(process_id to, std::string_view label);
  event_id send(std::span<const process_id> to, std::string_view label);
  event_id broadcast(std::string_view label);
  /// A put, get or sync of the run's replicated data (kernel/data_hook.hpp).
  event_id data(const data_action& a, std::string_view label);
  /// Starts an NTP exchange of this process (kernel/ntp_config.hpp): the first request's id.
  event_id ntp(const ntp_request& r);
  /// A TrueTime commit (the run must have the truetime clock): a local event labelled `label` that takes
  /// s = TT.now().latest, then `label-done` at the first true time TT.now().earliest > s, unless p crashes first.
  event_id commit(std::string_view label);
  /// Calls this behaviour's on_timer(token) on this process after `delay` of true time.
  timer_handle set_timer(sim_time delay, std::uint64_t token);
  /// Takes back a timer that has not fired: on_timer is not called, and the run does not wait for it (a
  /// run whose work is done ends then, not when a timeout nobody needs would have fired). A timer that
  /// fired already is left alone.
  void cancel_timer(timer_handle t);

 private:
  simulation* sim_;
  process_id self_;
  std::size_t behaviour_;
};

class behaviour {
 public:
  virtual ~behaviour() = default;
  /// At time 0, once per process the behaviour is attached to.
  virtual void on_start(process_context&) {}
  /// After the receive event of a message.
  virtual void on_receive(process_context&, const delivered_message&) {}
  virtual void on_timer(process_context&, std::uint64_t /*token*/) {}
};

}  // namespace hbsim
