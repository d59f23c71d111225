// Interval tree clocks (itc_stamp.hpp) as the logical clocks of a run: the seed stamp is forked into
// one id per process (itc_ids); local, send, crash, restart and reject events do `event`; a message
// carries the sender's stamp after its send with id 0 (peek); a receive joins it, then does `event`.
// Words: the stamp's preorder encoding (itc_encode), of variable length.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "hbsim/clocks/itc/itc_stamp.hpp"
#include "hbsim/clocks/logical_clock.hpp"

namespace hbsim {

enum class itc_variant { canonical, no_join };
std::span<const std::string_view> itc_variant_names();

class itc_clock final : public logical_clock {
 public:
  itc_clock(std::size_t processes, itc_variant variant = itc_variant::canonical);

  std::string_view name() const override { return "itc"; }
  std::string_view variant() const override { return itc_variant_names()[static_cast<std::size_t>(variant_)]; }
  void tick(process_id p, event_kind kind, sim_time pt) override;
  void receive(process_id p, message_slot slot, sim_time pt) override;
  void capture(process_id p, message_slot slot) override;
  void reserve_slots(std::size_t count) override { slots_.resize(count); }
  void checkpoint(process_id p) override;
  void restore(process_id p) override;
  void reset(process_id p) override;
  stamp_words stamp(process_id p) const override { return words_[p]; }

  const itc_stamp& current(process_id p) const { return stamps_[p]; }

 private:
  void set(process_id p, itc_stamp s);
  itc_variant variant_;
  std::vector<itc_id_tree> ids_;  // each process's share of the seed
  std::vector<itc_stamp> stamps_;
  std::vector<std::vector<std::uint64_t>> words_;
  std::vector<itc_event_tree> slots_;  // per message slot: the event tree the messages carry
  std::vector<std::optional<itc_stamp>> saved_;  // checkpoints, allocated on first use
};

}  // namespace hbsim
