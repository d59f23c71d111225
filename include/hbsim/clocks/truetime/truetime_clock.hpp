// TrueTime (Spanner, Corbett et al. 2012): at each event a process reads an interval [pt − ε, pt + ε]
// that should contain the true time, ε the bound its clock's error is assumed to stay within: a
// constant, or a sawtooth that grows from `base` by `drift_ppm` since the clock's last sync. Sound
// only while the clock's real error stays within ε. Words: earliest, then latest, in ns (int64 bits).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/clocks/logical_clock.hpp"

namespace hbsim {

std::span<const std::string_view> truetime_variant_names();

/// The `logical.truetime` block's `epsilon`: a duration (drift 0), or {"base": duration, "drift_ppm": n}.
struct truetime_options {
  sim_time base = ns_per_ms;  // Spanner's sawtooth: about 1 ms after a sync...
  double drift_ppm = 200;     // ...growing by an assumed 200 µs per second until the next

  /// The block's fields; throws input_error (path "/epsilon...") for a wrong one.
  static truetime_options read(const nlohmann::json& block);
  /// ε at true time t, the clock's last sync at t_sync: base + floor(drift_ppm · 1e-6 · (t − t_sync)) ns.
  sim_time epsilon(sim_time t, sim_time t_sync) const;
};

class truetime_clock final : public logical_clock {
 public:
  truetime_clock(std::size_t processes, truetime_options options = {});

  std::string_view name() const override { return "truetime"; }
  const truetime_options& options() const { return options_; }
  std::string_view variant() const override { return truetime_variant_names()[0]; }
  bool reads_true_time() const override { return true; }
  void at_time(process_id, sim_time t, sim_time last_sync) override { epsilon_ = options_.epsilon(t, last_sync); }
  void tick(process_id p, event_kind kind, sim_time pt) override;
  void receive(process_id p, message_slot slot, sim_time pt) override;
  void capture(process_id, message_slot) override {}
  void reserve_slots(std::size_t) override {}
  // An interval depends on nothing before its event: nothing to keep across a crash, or to lose.
  void checkpoint(process_id) override {}
  void restore(process_id) override {}
  void reset(process_id) override {}
  /// Empty before p's first event.
  stamp_words stamp(process_id p) const override { return {&words_[2 * p], stamped_[p] ? 2u : 0u}; }

 private:
  truetime_options options_;
  sim_time epsilon_ = 0;  // of the event at hand, from at_time()
  std::vector<std::uint64_t> words_;  // per process: earliest, latest of its latest event
  std::vector<std::uint8_t> stamped_;
};

}  // namespace hbsim
