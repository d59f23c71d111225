// The names of a run's processes, events, messages and labels: plain numbers every layer shares.
#pragma once

#include <cstdint>

namespace hbsim {

using process_id = std::uint32_t;
using event_id = std::uint64_t;     // 1-based, in execution order
using message_id = std::uint64_t;   // 1-based, in send order
using label_id = std::uint32_t;

inline constexpr process_id no_process = ~process_id{0};

}  // namespace hbsim
