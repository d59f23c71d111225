// What the event that ends an NTP exchange says of it, as the trace records it (`ntp`, FORMAT.md):
// the kept sample's four readings, θ, δ and the true offset. The kernel produces it for the live run,
// the trace reader for a file; the judge, the summary, the narrator and the exports read it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hbsim/core/ids.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/kernel/ntp_config.hpp"

namespace hbsim {

inline constexpr std::string_view ntp_invariant_name = "ntp.offset_bound";

struct ntp_note {
  std::uint32_t samples = 0;   // asked for
  std::uint32_t answered = 0;  // responses received in time; 0: nothing applied, the fields below unset
  ntp_apply apply = ntp_apply::step;
  sim_time t1 = 0, t2 = 0, t3 = 0, t4 = 0;  // the kept sample (least δ): physical clock readings
  sim_time offset = 0;       // θ = ((T2 − T1) + (T3 − T4)) / 2, floored
  sim_time delay = 0;        // δ = (T4 − T1) − (T3 − T2)
  sim_time true_offset = 0;  // the server's reading minus the client's at T4's true time
  // True times of the four readings: what the bound's drift allowance measures (true_t3 = true_t2:
  // the server answers at once).
  sim_time true_t1 = 0, true_t2 = 0, true_t3 = 0, true_t4 = 0;
};

/// An ended exchange as the summary and the views show it.
struct ntp_outcome {
  process_id client = 0;
  sim_time time = 0;    // true time of the event that ended it
  sim_time before = 0;  // the client's offset to true time then (pt − time), before the correction
  ntp_note note;
  /// The offset once the correction is complete: before + θ, unless nothing was applied.
  sim_time after() const;
  /// True time at which it is: `time`, or a slew's end (|θ|·ntp_slew_period later).
  sim_time settled() const;
};

/// θ and δ from four readings, as the note defines them.
sim_time ntp_offset(sim_time t1, sim_time t2, sim_time t3, sim_time t4);
sim_time ntp_delay(sim_time t1, sim_time t2, sim_time t3, sim_time t4);

/// The note as a field of a trace's event line, preceded by a comma: `,"ntp":{...}`.
std::string trace_field(const ntp_note& n);

}  // namespace hbsim
