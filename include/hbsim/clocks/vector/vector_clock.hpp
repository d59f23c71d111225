// Fidge/Mattern vector clocks and their common wrong variants. Rows of uint32 counters (an entry
// counts events, and a run has at most 2^32-1 of them), dense or sparse (counter_row.hpp; sparse beyond
// dense_rows_most processes unless `representation` says); in-flight stamps live in a recycled slot
// arena, so memory follows the processes and the messages in flight, never the run's length.
// With options (vector_options), a receive merges only what a differential message carried, and each
// event ends by pruning the process's vector; the event's record lists the entries pruned.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hbsim/clocks/logical_clock.hpp"
#include "hbsim/clocks/vector/vector_changes.hpp"
#include "hbsim/clocks/vector/vector_options.hpp"
#include "hbsim/core/counter_row.hpp"
#include "hbsim/clocks/vector/vector_stamp.hpp"

namespace hbsim {

enum class vector_variant { canonical, no_tick_send, no_tick_receive, no_merge, send_previous };
std::optional<vector_variant> parse_vector_variant(std::string_view name);
std::string_view to_string(vector_variant v);
std::span<const std::string_view> vector_variant_names();

class vector_clock final : public logical_clock {
 public:
  vector_clock(std::size_t processes, vector_variant variant = vector_variant::canonical, vector_options options = {});

  std::string_view name() const override { return "vector"; }
  std::string_view variant() const override { return to_string(variant_); }
  void tick(process_id p, event_kind kind, sim_time pt) override;
  void receive(process_id p, message_slot slot, sim_time pt) override;
  void capture(process_id p, message_slot slot) override;
  void address(process_id p, message_slot slot, std::span<const process_id> to) override;
  bool reads_true_time() const override { return options_.idle.has_value(); }
  void at_time(process_id, sim_time t, sim_time) override { now_ = t; }
  void reserve_slots(std::size_t count) override;
  void checkpoint(process_id p) override;
  void restore(process_id p) override;
  void reset(process_id p) override;
  void describe(process_id p, event_record& record) const override;
  /// p's row widened to words, one per process; valid until the next call.
  stamp_words stamp(process_id p) const override;

  const counter_row& value(process_id p) const { return rows_[p]; }
  const counter_row& carried(message_slot slot) const { return slots_[slot]; }
  bool sparse() const { return sparse_; }

 private:
  /// The end of each event of p: its changes noted, then its pruning.
  void settle(process_id p);
  std::size_t n_;
  vector_variant variant_;
  vector_options options_;
  bool sparse_;
  std::vector<counter_row> rows_;
  std::vector<counter_row> slots_;
  std::vector<counter_row> saved_;  // checkpoints, made on first use
  counter_row before_send_;         // send-previous: p's row before the send's tick
  std::vector<std::uint32_t> scratch_;
  // Options only (empty without them): the changes, each slot's sender's changes at the send and the
  // links it went on (destination, the sender's event that last sent there before), the latest
  // event's pruned entries, and the true time of p's event under way.
  std::optional<vector_changes> changes_;
  std::vector<std::uint32_t> slot_changed_;
  std::vector<std::vector<std::pair<process_id, std::uint32_t>>> slot_links_;
  std::vector<std::uint32_t> received_;       // differential: what the message being received carried
  std::vector<process_id> pruned_;
  process_id pruned_by_ = no_process;
  sim_time now_ = 0;
  mutable std::vector<std::uint64_t> words_;  // the latest stamp()
};

/// Bytes of one vector entry in memory (the kernel's uint32 counters), and of one entry in a sparse
/// encoding such as the trace's non-zero entries (a 4-byte process id and a 4-byte counter).
inline constexpr std::uint64_t dense_entry_bytes = 4;
inline constexpr std::uint64_t sparse_entry_bytes = 8;


}  // namespace hbsim
