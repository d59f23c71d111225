// The interface every kind of logical clock implements. The kernel only talks to this interface, so
// a new kind (version vectors, matrix clocks, interval tree clocks...) is one new class.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hbsim/kernel/event.hpp"

namespace hbsim {

/// Index of an in-flight message stamp. One send event takes one slot, shared by all the messages
/// and network copies it produced; the kernel recycles slots, so clocks keep per-slot storage small.
using message_slot = std::uint32_t;

/// One kind of logical clock, holding the state of every process of one simulation.
class logical_clock {
 public:
  virtual ~logical_clock() = default;

  virtual std::string_view name() const = 0;
  /// The variant in use ("canonical" or a deliberately wrong one).
  virtual std::string_view variant() const = 0;

  /// Every event that is not a receive: local, send, crash, restart, reject.
  virtual void tick(process_id p, event_kind kind, sim_time pt) = 0;
  /// A receive of the message stamped in `slot`.
  virtual void receive(process_id p, message_slot slot, sim_time pt) = 0;
  /// After a send event of p: store in `slot` what its messages carry.
  virtual void capture(process_id p, message_slot slot) = 0;
  /// After capture(): the destinations of the send's messages, lost ones included (a differential
  /// vector clock encodes each message for its link); ignored by default.
  virtual void address(process_id /*p*/, message_slot /*slot*/, std::span<const process_id> /*to*/) {}
  /// Whether p accepts the message now (HLC's max-offset guard); a refused one becomes a reject event.
  virtual bool accepts(process_id /*p*/, message_slot /*slot*/, sim_time /*pt*/) const { return true; }
  /// A kind whose stamps depend on true time (TrueTime's ε grows since the process's last clock sync)
  /// says so; the kernel then calls at_time() with the event's true time and the true time of the
  /// process's last clock sync (0 before any) just before each tick or receive of p.
  virtual bool reads_true_time() const { return false; }
  virtual void at_time(process_id /*p*/, sim_time /*t*/, sim_time /*last_sync*/) {}
  /// A hint: p will soon receive the message stamped in `slot`. With many processes a clock's entries
  /// for them are seldom in the cache, and a kind may ask for them ahead; values must not change.
  virtual void prefetch(process_id /*p*/, message_slot /*slot*/) const {}
  /// The kernel will use slots [0, count).
  virtual void reserve_slots(std::size_t count) = 0;

  /// Crash persistence: keep a checkpoint, go back to it, or start over from zero.
  virtual void checkpoint(process_id p) = 0;
  virtual void restore(process_id p) = 0;
  virtual void reset(process_id p) = 0;

  /// Put into the record what p's latest event did beyond its stamp (the vector clock: the entries it
  /// pruned); nothing by default.
  virtual void describe(process_id /*p*/, event_record& /*record*/) const {}
  /// p's current value as words: its stamp in event_record::stamps.
  virtual stamp_words stamp(process_id /*p*/) const { return {}; }
  /// Lines for the run's summary beyond the final values (how near a bounded counter came to its
  /// bound), each ending in "\n"; none by default.
  virtual std::string summary(std::span<const std::string> /*names*/) const { return {}; }
};

/// The variant named `name` among `names` (whose order is the enum's), for the clocks' parse functions.
template <class Variant>
std::optional<Variant> find_variant(std::span<const std::string_view> names, std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Variant>(i);
  return std::nullopt;
}

}  // namespace hbsim
