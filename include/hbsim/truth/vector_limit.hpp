// How many processes vectors are kept for: the ground truth's rows, vector clocks and the happens-before
// graph each cost processes² counters (a row per process, one per message in flight). The truth is the
// lowest of them, so the limit lives with it.
#pragma once

#include <cstddef>

namespace hbsim {

inline constexpr std::size_t vector_max_processes = 4096;

}  // namespace hbsim
