// Between a message copy's arrival at a process and its receive event: per-process delivery policies,
// stacked in layers, each of which delivers each copy at once or holds it back and releases it later, in
// an order of its own, to the layer above it (the top one, to the process). FIFO links are the bottom
// layer where the network has them (sim/kernel/fifo_delivery); a causal or total-order layer goes above
// it, with protocol messages of its own (a sequencer's relay, acknowledgements) sent through its context,
// which enter their destination's layers from the bottom like any other message.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/kernel/event.hpp"

namespace hbsim {

class simulation;

/// One copy of a message addressed to the policy's process. Valid until it is delivered or dropped.
struct arrived_copy {
  message_id message;
  process_id from;
  process_id to;
  std::string_view label;
  event_id send_event;
  sim_time arrival;    // when it reaches this layer: from the network, or from the layer below
  bool duplicate;      // the network's extra copy, not the original
  std::uint32_t handle;  // the kernel's name for the copy: unique among the copies not yet delivered
};

/// Why a layer keeps a copy back, in words, from the processes' names.
using hold_reason = std::function<std::string(std::span<const std::string>)>;

/// What a policy acts through, for its process at one moment.
class delivery_context {
 public:
  delivery_context(simulation& sim, process_id self, std::uint8_t layer) : sim_(&sim), self_(self), layer_(layer) {}

  process_id self() const { return self_; }
  /// True simulated time now.
  sim_time now() const;
  /// Hands the copy to the layer above, or to the process from the top layer, now, in the place its
  /// arrival had among the events of this instant (after the event in progress): a receive, or a reject
  /// under the HLC max-offset guard. A crashed process drops it (reason `crashed`, then on_dropped in
  /// every layer); a paused one takes it when it resumes.
  /// `ordered`: the copy is one the layer puts in an order of its own (a delivery group's message): its
  /// receive then carries when it arrived, and if it is still held at the end it is a `held` drop.
  void deliver(const arrived_copy& c, bool ordered = false);
  /// Like deliver(c, true), but after everything else due now: the copies a layer delivers so at one
  /// instant are received in the order it delivers them (an order of its own, such as stamps, which
  /// the copies' arrivals need not follow).
  void deliver_in_turn(const arrived_copy& c);
  /// Sends a message of the policy's own protocol as a send event of this process; it reaches its
  /// destination's policy like any other. The send event's id, or 0 when the process is crashed.
  event_id send(std::span<const process_id> to, std::string_view label);
  /// Tells the observers that it keeps the copy back, and why (built only if one asks).
  void hold(const arrived_copy& c, const hold_reason& why);

 private:
  simulation* sim_;
  process_id self_;
  std::uint8_t layer_;  // of the policy acting: 0 at the bottom
};

/// How many delivery layers a process may have.
inline constexpr std::size_t max_delivery_layers = 255;

/// A send event of a process the policy belongs to, before its copies leave (a layer's own sends too).
struct send_notice {
  process_id from;
  event_id send_event;
  std::uint64_t seq;  // the send's number among its process's events, from 1
};

class delivery_policy {
 public:
  virtual ~delivery_policy() = default;
  /// The policy's process sends to `to`: a layer that stamps its process's messages (a broadcast vector)
  /// does it here, and one that routes them elsewhere (to a sequencer) changes `to`.
  virtual void on_send(const send_notice& /*s*/, std::vector<process_id>& /*to*/) {}
  /// The number it gave that send of its process in its group's order (a sequencer's relay), asked after
  /// on_send; 0 for none. The send's event record carries it.
  virtual std::uint64_t numbered(event_id /*send*/) const { return 0; }
  /// A copy for this policy's process left its sender, due to reach this layer at `c.arrival` (when the
  /// network brings it, or when the layer below expects to deliver it; copies the network loses or a
  /// partition drops are never announced). Called in send order. Returns when the policy expects to
  /// deliver it, if nothing else is held up: `c.arrival`, or later when it already knows it will hold it
  /// (narration reports it; copies left at the end of a run are dropped in this order).
  virtual sim_time on_sent(const arrived_copy& c) { return c.arrival; }
  /// The copy arrived: deliver it now, or keep it and deliver it from a later call.
  virtual void on_arrival(delivery_context& ctx, const arrived_copy& c) = 0;
  /// A copy it delivered was dropped because the process was down (every layer is told, bottom first).
  virtual void on_dropped(delivery_context& /*ctx*/, const arrived_copy& /*c*/) {}
  /// Appends the copies it holds (for all the processes it serves; asked once); at the end of the run
  /// they become drops (`held` for a layer that orders(), else `in_flight`).
  virtual void held(std::vector<arrived_copy>& out) const = 0;
  /// Whether it is a delivery group's layer, whose held copies are `held` drops.
  virtual bool orders() const { return false; }
  /// What the run's summary should say of it at the end ("" for nothing): a group that stalled.
  virtual std::string remark(std::span<const std::string> /*names*/) const { return {}; }
};

}  // namespace hbsim
