#include "clocks/hlc/hlc_judge.hpp"

#include "hbsim/core/time.hpp"

namespace hbsim::hlc_judge {

std::string rule_broken(hlc_stamp recorded, hlc_stamp previous, const hlc_stamp* message, sim_time pt) {
  std::string s = std::string("HLC = ").append(to_string(recorded)).append(", the canonical rule gives ")
                      .append(to_string(canonical(previous, message, pt))).append(" from (l', c') = ")
                      .append(to_string(previous)).append(", pt = ").append(format_duration(pt));
  if (message) s.append(", message (l_m, c_m) = ").append(to_string(*message));
  return s;
}

std::string edge_broken(hlc_stamp a, hlc_stamp b) {
  return std::string("a → b but hlc(a) = ").append(to_string(a)).append(" is not below hlc(b) = ").append(to_string(b));
}

std::string behind_physical(hlc_stamp h, sim_time pt) {
  return std::string("l = ").append(format_duration(h.l)).append(" is behind pt = ").append(format_duration(pt));
}

std::string drifted(hlc_stamp h, sim_time max_reading) {
  return std::string("l = ").append(format_duration(h.l))
      .append(" exceeds every physical reading taken so far (the largest is ").append(format_duration(max_reading))
      .append(")");
}

}  // namespace hbsim::hlc_judge
