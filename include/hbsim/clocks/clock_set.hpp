// The logical clocks of one simulation: the three the specification names, plus any a library user
// adds. The kernel drives them all through logical_clock; checkers read the three through typed getters.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/lamport/lamport_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"

namespace hbsim {

/// The `logical` block of a scenario.
struct logical_config {
  lamport_variant lamport = lamport_variant::canonical;
  vector_variant vector = vector_variant::canonical;
  hlc_variant hlc = hlc_variant::canonical;
  std::optional<sim_time> hlc_max_offset;
};

class clock_set {
 public:
  clock_set(std::size_t processes, const logical_config& config);

  /// Adds another kind of clock; it sees every event from then on.
  void add(std::unique_ptr<logical_clock> clock);

  const lamport_clock& lamport() const { return *lamport_; }
  const vector_clock& vector() const { return *vector_; }
  const hybrid_logical_clock& hlc() const { return *hlc_; }
  /// All clocks, the three standard ones first.
  const std::vector<std::unique_ptr<logical_clock>>& all() const { return clocks_; }

  void tick(process_id p, event_kind kind, sim_time pt);
  void receive(process_id p, message_slot slot, sim_time pt);
  void capture(process_id p, message_slot slot);
  bool accepts(process_id p, message_slot slot, sim_time pt) const;
  void reserve_slots(std::size_t count);
  void checkpoint(process_id p);
  void restore(process_id p);
  void reset(process_id p);
  void describe(process_id p, event_record& record) const;

 private:
  std::vector<std::unique_ptr<logical_clock>> clocks_;
  std::size_t slots_ = 0;
  lamport_clock* lamport_;
  vector_clock* vector_;
  hybrid_logical_clock* hlc_;
};

}  // namespace hbsim
