// The logical clocks of one simulation: those of the kinds the scenario chose (`clocks`). The kernel
// drives them all through logical_clock; each gives an event's record its stamp, in `clocks` order.
#pragma once

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <optional>
#include <vector>

#include "hbsim/clocks/clock_kind.hpp"
#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/lamport/lamport_clock.hpp"
#include "hbsim/clocks/stamp_index.hpp"
#include "hbsim/clocks/truetime/truetime_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"

namespace hbsim {

/// Which of the standard clocks a run has (its `clocks`), for showing events.
struct standard_clocks {
  bool lamport = true, vector = true, hlc = true;
};

/// A clock kind module a scenario chose, with its `logical.KIND` block.
struct chosen_clock {
  std::shared_ptr<const clock_kind> kind;
  std::size_t variant = 0;  // in kind->variants()
  nlohmann::json options = nlohmann::json::object();

  /// Its clocks for a run of these processes; before any event, stamp(p) is p's initial stamp. The kind
  /// is configured with `options` first (clock_kind::configure; throws input_error for an option it
  /// refuses), so a chosen_clock written in code gets the options it names.
  std::unique_ptr<logical_clock> make(std::size_t processes) const {
    const std::shared_ptr<const clock_kind> configured = kind->configure(options);
    return (configured ? *configured : *kind).make(processes, variant, options);
  }
};

/// The `clocks` and `logical` blocks of a scenario.
struct logical_config {
  lamport_variant lamport = lamport_variant::canonical;
  vector_variant vector = vector_variant::canonical;
  hlc_variant hlc = hlc_variant::canonical;
  std::optional<sim_time> hlc_max_offset;
  vector_options vector_opts;  // logical.vector's encoding and prune
  /// The kinds chosen, in the scenario's order; by default lamport, vector, hlc.
  std::vector<std::string> clocks{"lamport", "vector", "hlc"};
  /// The chosen kinds other than those three, in `clocks` order: an event's stamps follow it.
  std::vector<chosen_clock> extra;

  bool has(std::string_view kind) const { return std::find(clocks.begin(), clocks.end(), kind) != clocks.end(); }
  /// Whether a chosen kind's stamps grow with the processes (vector, matrix).
  bool vector_sized() const { return has("vector") || has("matrix"); }
  /// Whether `clocks` is the default, which the trace's header then leaves out.
  bool standard() const;
  standard_clocks shown() const { return {has("lamport"), has("vector"), has("hlc")}; }
};

class clock_set {
 public:
  clock_set(std::size_t processes, const logical_config& config);

  /// The standard kinds' clocks; null when the scenario did not choose them.
  const lamport_clock* lamport() const { return lamport_; }
  const vector_clock* vector() const { return vector_; }
  const hybrid_logical_clock* hlc() const { return hlc_; }
  /// The clocks of logical_config::extra, in its order.
  std::span<const std::unique_ptr<logical_clock>> extra() const {
    return std::span(clocks_).subspan(clocks_.size() - extra_);
  }

  void tick(process_id p, event_kind kind, sim_time pt);
  void receive(process_id p, message_slot slot, sim_time pt);
  void prefetch(process_id p, message_slot slot) const;
  void capture(process_id p, message_slot slot);
  void address(process_id p, message_slot slot, std::span<const process_id> to);
  bool accepts(process_id p, message_slot slot, sim_time pt) const;
  /// Whether a chosen kind reads true time (logical_clock::reads_true_time); at_time tells those.
  bool reads_true_time() const { return !timed_.empty(); }
  void at_time(process_id p, sim_time t, sim_time last_sync);
  /// The TrueTime options when the kind is chosen (its commit wait reads ε at times without events), else null.
  const truetime_options* truetime() const { return truetime_; }
  void reserve_slots(std::size_t count);
  void checkpoint(process_id p);
  void restore(process_id p);
  void reset(process_id p);
  /// p's values into the record; its stamps stay valid until the next call.
  void describe(process_id p, event_record& record);

 private:
  std::vector<std::unique_ptr<logical_clock>> clocks_;  // the standard ones first
  std::size_t extra_ = 0;
  std::vector<stamp_words> stamps_;    // in the scenario's `clocks` order
  std::vector<std::size_t> place_;     // of each of clocks_, its index in stamps_
  std::vector<logical_clock*> timed_;  // those of clocks_ that read true time
  lamport_clock* lamport_ = nullptr;
  vector_clock* vector_ = nullptr;
  hybrid_logical_clock* hlc_ = nullptr;
  const truetime_options* truetime_ = nullptr;
};

}  // namespace hbsim
