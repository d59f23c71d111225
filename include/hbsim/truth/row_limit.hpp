// How many processes the tables of processes² counters are kept for whatever the clocks: the ground
// truth's rows (a vector of processes entries per process and per send in flight) and the
// happens-before graph's. A run with vector clocks keeps the truth's rows at any size, since its
// clocks cost as much; its memory is estimated when it is loaded (run/memory_estimate.hpp).
#pragma once

#include <cstddef>

namespace hbsim {

inline constexpr std::size_t row_max_processes = 4096;

/// Whether the ground truth of a run of `processes` keeps rows (each event's causal past), or only
/// the run's edges: rows up to row_max_processes, and at any size when the run has vector clocks.
constexpr bool truth_keeps_rows(std::size_t processes, bool vector_clocks) {
  return vector_clocks || processes <= row_max_processes;
}

}  // namespace hbsim
