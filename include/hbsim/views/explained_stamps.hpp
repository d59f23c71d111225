// What `hbsim explain` shows of a run's clocks besides the happens-before graph: which clocks the run
// chose, the stamps of its clock kind modules (matrix...), which the graph does not keep, and the writes'
// own causality when the run has replicated data.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/data/data_judge.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/views/explain.hpp"

namespace hbsim {

/// Collects, while a run or trace replays, which clocks it chose and its clock kind modules' stamps
/// of the events an explanation reads. Memory: the stamps of the events kept (every event's when
/// `wanted` is nullopt; a matrix clock's are n × n words each), each module's initial clocks, and
/// every write's context and causal past.
class explained_stamps final : public event_observer {
 public:
  /// Keeps the stamps of the events in `wanted`, or of every event when nullopt.
  explicit explained_stamps(std::optional<std::vector<event_id>> wanted = std::nullopt);
  ~explained_stamps() override;

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;

  /// The clocks to show, these stamps among them.
  explained_clocks clocks() const;
  /// The chosen clock kind modules, in the order of their stamps.
  const std::vector<chosen_clock>& kinds() const { return config_.extra; }
  /// Module k's stamp of event e, or of p before its first event when e is 0; throws
  /// std::out_of_range when e was not kept.
  stamp_words stamp(std::size_t k, event_id e, process_id p) const;

 private:
  std::optional<std::vector<event_id>> wanted_;  // sorted
  logical_config config_;
  stamp_index places_;
  bool times_ = true;
  std::size_t processes_ = 0;
  // Per module: its clocks before any event, made on first use (a matrix clock's hold n³ words).
  mutable std::vector<std::unique_ptr<logical_clock>> fresh_;
  std::map<event_id, std::vector<std::vector<std::uint64_t>>> stamps_;
  std::vector<std::string> names_;
  std::unique_ptr<data_judge> writes_;  // from the first data event on
};

}  // namespace hbsim
