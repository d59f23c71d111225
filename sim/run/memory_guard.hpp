// Stops a run whose memory grows past a budget, with a clear error (exit code 2) instead of running the
// machine out of memory: a run with sparse vector rows, whose estimate before the run can only say how
// much it starts with and how much it would take if every vector filled up (run/memory_estimate.hpp).
// It reads the process's resident memory every few thousand events; where that cannot be read, it
// does nothing.
#pragma once

#include <cstdint>
#include <string>

#include "hbsim/kernel/observer.hpp"

namespace hbsim {

class memory_guard final : public event_observer {
 public:
  /// The run may grow by `budget` bytes beyond what the process holds now; `file` names the scenario.
  memory_guard(std::string file, std::uint64_t budget);
  void on_event(const event_record& e) override;

 private:
  std::string file_;
  std::uint64_t most_ = 0;  // resident bytes the run may reach; 0: unknown, no guard
  std::uint64_t events_ = 0;
};

/// The process's resident memory in bytes; 0 where it cannot be read.
std::uint64_t resident_bytes();

}  // namespace hbsim
