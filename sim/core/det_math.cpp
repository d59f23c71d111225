// Both functions follow the structure of fdlibm's e_log.c and e_exp.c (range reduction by a power of
// two, then a short series around 0 arranged so the leading term is exact), but with Taylor-series
// coefficients written as exact fractions instead of fdlibm's minimax constants, carried a few terms
// further so the truncation error stays below 2^-56 relative.
#include "core/det_math.hpp"

#include <cmath>
#include <limits>

namespace hbsim {

namespace {

// ln 2 split so that k·ln2_hi is exact for every exponent k of a double: ln2_hi is ln 2 cut to 32
// significant bits, ln2_lo the rest (ln2_hi + ln2_lo is within 1.2e-26 of ln 2).
constexpr double ln2_hi = 0x1.62e42feep-1;
constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
constexpr double inv_ln2 = 0x1.71547652b82fep+0;
constexpr double sqrt_half = 0x1.6a09e667f3bcdp-1;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double det_log(double x) {
  if (x != x || x < 0) return nan;
  if (x == 0) return -inf;
  if (x == inf) return inf;

  // x = m·2^k with m in [√½, √2), so f = m − 1 (exact by Sterbenz) lies in [−0.29, 0.41].
  int k = 0;
  double m = std::frexp(x, &k);
  if (m < sqrt_half) {
    m *= 2;
    --k;
  }
  const double f = m - 1;

  // log(1+f) = 2·atanh(s) with s = f/(2+f): 2s + s·R(s²), R(z) = Σ_{j≥1} 2z^j/(2j+1). |s| ≤ 0.1716,
  // z ≤ 0.0295, so ten terms leave a relative error below 2^-58. 2s is rewritten as f − hfsq + s·hfsq
  // so the leading term f enters exactly.
  const double s = f / (2 + f);
  const double z = s * s;
  const double r =
      z * (2.0 / 3 + z * (2.0 / 5 + z * (2.0 / 7 + z * (2.0 / 9 + z * (2.0 / 11 + z * (2.0 / 13 + z * (2.0 / 15 + z * (2.0 / 17 + z * (2.0 / 19 + z * (2.0 / 21))))))))));
  const double hfsq = 0.5 * f * f;
  const double dk = k;
  return dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f);
}

double det_exp(double x) {
  constexpr double overflow = 0x1.62e42fefa39efp+9;    // ln(DBL_MAX) ≈ 709.78
  constexpr double underflow = -0x1.74910d52d3051p+9;  // ≈ −745.13: below it e^x rounds to 0
  if (x != x) return x;
  if (x > overflow) return inf;
  if (x < underflow) return 0;

  // x = k·ln 2 + r, |r| ≤ ½ln 2 (+ rounding): k·ln2_hi is exact and so is x − k·ln2_hi (Sterbenz).
  const int k = static_cast<int>(x * inv_ln2 + (x < 0 ? -0.5 : 0.5));
  const double dk = k;
  const double hi = x - dk * ln2_hi;
  const double lo = dk * ln2_lo;
  const double r = hi - lo;

  // With R(r) = r·(e^r + 1)/(e^r − 1) = 2 + Σ_{n≥1} p_n r^{2n}, p_n = 2·B_{2n}/(2n)! (B: Bernoulli
  // numbers) and c = r − (R − 2): e^r = 1 + 2r/(R − r) = 1 + r + r·c/(2 − c). For |r| ≤ 0.35 the
  // terms after p_7 are below 2^-60 relative.
  const double t = r * r;
  const double c =
      r - t * (1.0 / 6 + t * (-1.0 / 360 + t * (1.0 / 15120 + t * (-1.0 / 604800 + t * (1.0 / 23950080 + t * (-691.0 / 653837184000 + t * (1.0 / 37362124800)))))));
  const double y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  return std::ldexp(y, k);
}

}  // namespace hbsim
