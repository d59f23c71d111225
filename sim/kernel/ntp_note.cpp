#include "hbsim/kernel/ntp_note.hpp"

#include <array>

namespace hbsim {

namespace {

__extension__ typedef __int128 wide;  // four readings' sums and differences cannot overflow it

sim_time narrow(wide v) { return static_cast<sim_time>(v > time_max ? time_max : v < time_min ? time_min : v); }

}  // namespace

// Floor, not truncation toward zero: θ = −1.5 ns is −2.
sim_time ntp_offset(sim_time t1, sim_time t2, sim_time t3, sim_time t4) {
  const wide sum = (static_cast<wide>(t2) - t1) + (static_cast<wide>(t3) - t4);
  return narrow(sum >= 0 ? sum / 2 : -((-sum + 1) / 2));
}

sim_time ntp_delay(sim_time t1, sim_time t2, sim_time t3, sim_time t4) {
  return narrow((static_cast<wide>(t4) - t1) - (static_cast<wide>(t3) - t2));
}

sim_time ntp_outcome::after() const {
  if (note.answered == 0 || note.apply == ntp_apply::none) return before;
  return narrow(static_cast<wide>(before) + note.offset);
}

sim_time ntp_outcome::settled() const {
  if (note.answered == 0 || note.apply != ntp_apply::slew) return time;
  const wide by = note.offset < 0 ? -static_cast<wide>(note.offset) : static_cast<wide>(note.offset);
  return narrow(static_cast<wide>(time) + by * ntp_slew_period);
}

std::string trace_field(const ntp_note& n) {
  std::string s = std::string(",\"ntp\":{\"samples\":").append(std::to_string(n.samples));
  s.append(",\"answered\":").append(std::to_string(n.answered));
  s.append(",\"apply\":\"").append(to_string(n.apply)).append("\"");
  if (n.answered > 0) {
    const std::array<std::pair<const char*, sim_time>, 11> fields{
        {{"t1", n.t1}, {"t2", n.t2}, {"t3", n.t3}, {"t4", n.t4}, {"offset", n.offset}, {"delay", n.delay},
         {"true_offset", n.true_offset}, {"true_t1", n.true_t1}, {"true_t2", n.true_t2}, {"true_t3", n.true_t3},
         {"true_t4", n.true_t4}}};
    for (const auto& [key, value] : fields) s.append(",\"").append(key).append("\":").append(std::to_string(value));
  }
  return s.append("}");
}

}  // namespace hbsim
