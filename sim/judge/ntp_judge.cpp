#include "judge/ntp_judge.hpp"

namespace hbsim {

namespace {

__extension__ typedef __int128 wide;  // sums of four readings' differences

wide magnitude(wide v) { return v < 0 ? -v : v; }

std::string text(wide v) {
  if (v < 0) return std::string("-").append(text(-v));
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  return digits;
}

}  // namespace

// Each reading is its true time plus that clock's offset (truncation included): c1, c4 the client's
// at T1 and T4, s2, s3 the server's at T2 and T3, s4 the server's at T4's true time (θ_true + T4 −
// true_t4). Then, with d↑ = true_t2 − true_t1 and d↓ = true_t4 − true_t3, both ≥ 0:
//   θ − θ_true = (d↑ − d↓)/2 + (s2 − s4)/2 + (s3 − s4)/2 + (c4 − c1)/2   (before θ's floor, < 1/2)
//   δ = d↑ + d↓ + (c4 − c1) − (s3 − s2), so |d↑ − d↓| ≤ δ + |c4 − c1| + |s3 − s2|;
// hence 2|θ − θ_true| ≤ δ + 2|c4 − c1| + |s3 − s2| + |s4 − s2| + |s4 − s3| + 1: what the two clocks'
// offsets moved over the exchange (drift, slew, a step) is the allowance beyond δ/2.
std::string ntp_bound_broken(const ntp_note& n) {
  if (n.answered == 0) return {};
  const wide c1 = static_cast<wide>(n.t1) - n.true_t1;
  const wide c4 = static_cast<wide>(n.t4) - n.true_t4;
  const wide s2 = static_cast<wide>(n.t2) - n.true_t2;
  const wide s3 = static_cast<wide>(n.t3) - n.true_t3;
  const wide s4 = static_cast<wide>(n.true_offset) + n.t4 - n.true_t4;
  const wide drift2 = 2 * magnitude(c4 - c1) + magnitude(s3 - s2) + magnitude(s4 - s2) + magnitude(s4 - s3) + 1;
  const wide error2 = 2 * magnitude(static_cast<wide>(n.offset) - n.true_offset);
  if (error2 <= static_cast<wide>(n.delay) + drift2) return {};
  return std::string("|θ − θ_true| = |").append(text(n.offset)).append(" − ").append(text(n.true_offset))
      .append("| ns exceeds δ/2 + drift allowance = (").append(text(n.delay)).append(" + ").append(text(drift2))
      .append(")/2 ns");
}

}  // namespace hbsim
