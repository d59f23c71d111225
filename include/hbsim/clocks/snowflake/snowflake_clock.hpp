// Snowflake ids (Twitter 2010): every event of a process draws a 64-bit id from its generator,
// `((ms − epoch_ms) << 22) | (machine << 12) | seq`, ms read from the process's physical clock. Ids
// are unique and increase per generator; they are not a causal clock, and across machines they
// follow the skewed clocks. A stamp is the event's id (one word), or no word when the generator
// refused to draw (its clock went back). At most 1024 processes (10 machine bits).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/clocks/logical_clock.hpp"

namespace hbsim {

enum class snowflake_variant { canonical, no_backward_check, seq_wrap };
std::span<const std::string_view> snowflake_variant_names();

inline constexpr std::size_t snowflake_max_processes = 1024;
inline constexpr std::uint64_t snowflake_max_seq = 4095;  // 12 bits

/// The `logical.snowflake` block.
struct snowflake_options {
  std::int64_t epoch_ms = 1288834974657;       // Twitter's epoch, 2010-11-04T01:42:54.657Z
  std::int64_t start_unix_ms = 1767225600000;  // the Unix time of true time 0: 2026-01-01T00:00:00Z
  bool wait = false;                           // on_backward: wait, or refuse (the default)

  /// The block's fields; throws input_error (path "/FIELD") for a wrong one.
  static snowflake_options read(const nlohmann::json& block);
};

/// An id's three fields.
struct snowflake_fields {
  std::uint64_t ms_since_epoch;
  std::uint64_t machine;
  std::uint64_t seq;
};
std::uint64_t snowflake_id(std::int64_t ms, std::int64_t epoch_ms, std::uint64_t machine, std::uint64_t seq);
snowflake_fields snowflake_split(std::uint64_t id);

/// One generator: `r`, the ms its clock read when it last drew an id, and `m ≥ r` and `seq`, that
/// id's ms and sequence number. Before the first id, every reading is later than m.
struct snowflake_generator {
  std::int64_t r = INT64_MIN, m = INT64_MIN;
  std::uint64_t seq = 0;

  /// Draws the id's (ms, seq) at clock reading x (ms) under `variant`; nullopt when it refuses.
  std::optional<std::pair<std::int64_t, std::uint64_t>> draw(std::int64_t x, bool wait, snowflake_variant variant);
};

class snowflake_clock final : public logical_clock {
 public:
  snowflake_clock(std::size_t processes, snowflake_variant variant = snowflake_variant::canonical,
                  snowflake_options options = {});

  std::string_view name() const override { return "snowflake"; }
  std::string_view variant() const override {
    return snowflake_variant_names()[static_cast<std::size_t>(variant_)];
  }
  void tick(process_id p, event_kind kind, sim_time pt) override;
  void receive(process_id p, message_slot slot, sim_time pt) override;
  void capture(process_id, message_slot) override {}
  void reserve_slots(std::size_t) override {}
  void checkpoint(process_id p) override;
  void restore(process_id p) override;
  void reset(process_id p) override;
  stamp_words stamp(process_id p) const override { return {&ids_[p], drawn_[p] ? 1u : 0u}; }

 private:
  // What a process keeps across a crash with persistence: its generator and its latest id.
  struct state {
    snowflake_generator gen;
    std::uint64_t id = 0;
    bool drawn = false;
  };
  state saved_state(process_id p) const { return {gens_[p], ids_[p], drawn_[p] != 0}; }
  void set(process_id p, const state& s);

  snowflake_variant variant_;
  snowflake_options options_;
  std::vector<snowflake_generator> gens_;
  std::vector<std::uint64_t> ids_;  // per process: its latest event's id
  std::vector<std::uint8_t> drawn_;  // per process: whether that event got one
  std::vector<state> saved_;  // checkpoints, allocated on first use
};

}  // namespace hbsim
