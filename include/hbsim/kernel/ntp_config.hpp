// NTP as simulated messages (FORMAT.md, NTP): what one exchange asks for, as a scripted action
// `{"do": "ntp"}` or a clock's periodic `sync.ntp`, and what the client does with the offset it measures.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "hbsim/core/ids.hpp"
#include "hbsim/core/time.hpp"

namespace hbsim {

enum class ntp_apply : std::uint8_t { step, slew, none };
inline constexpr std::array<std::string_view, 3> ntp_apply_names{"step", "slew", "none"};  // ntp_apply order
inline std::string_view to_string(ntp_apply a) { return ntp_apply_names[static_cast<std::size_t>(a)]; }

/// The most a slew changes a clock's rate: 500 ppm, one nanosecond of correction per 2000 of true time.
inline constexpr sim_time ntp_slew_period = 2000;

struct ntp_request {
  process_id server = 0;
  std::uint32_t samples = 1;     // ≥ 1 request/response pairs, one after the other
  ntp_apply apply = ntp_apply::step;
  sim_time timeout = ns_per_s;   // a sample whose response has not come by then is lost
};

/// A clock's periodic exchanges: at every positive multiple of `every` (true time).
struct ntp_sync : ntp_request {
  sim_time every = 0;
  // Which `sync.ntp` of the scenario file it came from: the loader keeps its server's name (resolved into
  // `server` once the processes are known) and its JSON path there, since every process holds a copy.
  std::uint32_t declared = 0;
};

}  // namespace hbsim
