// det_log and det_exp against the platform's libm (itself within about ½ ulp on mainstream libms)
// and against published constants. det_* are within 1 ulp of the true value, so within 2 ulp of libm.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>

#include "core/det_math.hpp"
#include "hbsim/core/random.hpp"

using hbsim::det_exp;
using hbsim::det_log;

namespace {

// Distance in units in the last place between two finite doubles of the same sign: the difference of
// their bit patterns, which count up with the magnitude.
std::int64_t ulps(double a, double b) {
  std::int64_t x = 0, y = 0;
  std::memcpy(&x, &a, sizeof a);
  std::memcpy(&y, &b, sizeof b);
  return x > y ? x - y : y - x;
}

constexpr double inf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("det_log and det_exp are exact at their fixed points") {
  // 1 = 0.5·2^1 → m = 1, k = 0, f = 0: every term vanishes.
  CHECK(det_log(1.0) == 0.0);
  // r = 0 → c = 0 → 1 − ((0 − 0) − 0).
  CHECK(det_exp(0.0) == 1.0);
  CHECK(det_exp(-0.0) == 1.0);
}

TEST_CASE("det_log and det_exp at published constants") {
  // ln 2 = 0.693147180559945309417..., e = 2.718281828459045235360..., ln 10 = 2.302585092994045684018...,
  // written to 20 significant digits so that each literal is the double nearest the true value.
  CHECK(ulps(det_log(2.0), 0.69314718055994530942) <= 1);
  CHECK(ulps(det_exp(1.0), 2.7182818284590452354) <= 1);
  CHECK(ulps(det_log(10.0), 2.3025850929940456840) <= 1);
  CHECK(ulps(det_exp(-1.0), 0.36787944117144232160) <= 1);
  // Powers of two: log(2^k) = k·ln 2, which the split ln2_hi + ln2_lo carries to ~1e-26.
  CHECK(ulps(det_log(0x1p-1074), -744.44007192138126231) <= 1);
  CHECK(ulps(det_log(0x1p1000), 693.14718055994530942) <= 1);
}

TEST_CASE("special values") {
  CHECK(det_log(0.0) == -inf);
  CHECK(det_log(inf) == inf);
  CHECK(std::isnan(det_log(-1.0)));
  CHECK(std::isnan(det_log(std::nan(""))));
  CHECK(det_exp(710.0) == inf);
  CHECK(det_exp(inf) == inf);
  CHECK(det_exp(-746.0) == 0.0);
  CHECK(det_exp(-inf) == 0.0);
  CHECK(std::isnan(det_exp(std::nan(""))));
  // Just inside the thresholds the results are finite: DBL_MAX's neighbourhood and the smallest subnormal.
  CHECK(std::isfinite(det_exp(709.78)));
  CHECK(det_exp(-745.0) > 0.0);
}

TEST_CASE("det_log agrees with std::log within 2 ulp") {
  hbsim::random_stream rng(2024);
  std::int64_t worst = 0;
  for (int i = 0; i < 200'000; ++i) {
    // (0, 1] as the samplers use it, values near 1 (the hard case for relative error), and random
    // bit patterns over the whole positive range including subnormals.
    const double unit = rng.next_open_unit();
    const double near_one = 1 + (rng.next_unit() - 0.5) * 1e-6;
    std::uint64_t bits = rng.next_u64() & 0x7FEFFFFFFFFFFFFF;
    double any = 0;
    std::memcpy(&any, &bits, sizeof any);
    for (double x : {unit, near_one, any}) {
      if (x == 0) continue;
      const std::int64_t e = ulps(det_log(x), std::log(x));
      if (e > worst) worst = e;
    }
  }
  CHECK(worst <= 2);
}

TEST_CASE("det_exp agrees with std::exp within 2 ulp") {
  hbsim::random_stream rng(2025);
  std::int64_t worst = 0;
  for (int i = 0; i < 200'000; ++i) {
    // The normal range of results, and |x| < 1 where most samples land.
    for (double x : {rng.next_unit() * 1408 - 704, rng.next_unit() * 2 - 1}) {
      const std::int64_t e = ulps(det_exp(x), std::exp(x));
      if (e > worst) worst = e;
    }
  }
  CHECK(worst <= 2);
}

TEST_CASE("monotonic around sample points") {
  for (double x : {1e-300, 1e-10, 0.1, 0.5, 0.70710678118654752, 0.9999999, 1.0, 1.0000001, 1.41421356237309505, 3.0,
                   1e10, 1e300}) {
    const double up = std::nextafter(x, inf), down = std::nextafter(x, 0.0);
    CHECK(det_log(down) <= det_log(x));
    CHECK(det_log(x) <= det_log(up));
  }
  for (double x : {-700.0, -20.0, -0.34657359027997264, -1e-9, 0.0, 1e-9, 0.34657359027997264, 1.0, 20.0, 700.0}) {
    const double up = std::nextafter(x, inf), down = std::nextafter(x, -inf);
    CHECK(det_exp(down) <= det_exp(x));
    CHECK(det_exp(x) <= det_exp(up));
  }
}

TEST_CASE("det_exp undoes det_log") {
  // An error of one ulp in y = log x, about |y|·2^-52, becomes a relative error of |y|·2^-52 in e^y:
  // |y| ulps of x. Allow 4·|y| + 2 for the errors of both functions.
  for (double x : {1e-5, 0.3, 0.999, 2.5, 1234.5, 1e200}) {
    const double y = det_log(x);
    CHECK(static_cast<double>(ulps(det_exp(y), x)) <= 4 * std::fabs(y) + 2);
  }
}

TEST_CASE("the build does not fuse multiply-add") {
  // det_* and the samplers are bit-identical across platforms only if a·b + c is rounded twice, as
  // written; -ffp-contract=fast (GCC's default for C++) would fuse it wherever the CPU has FMA.
  // (1 + 2^-30)(1 − 2^-30) = 1 − 2^-60 rounds to 1, so unfused the sum is exactly 0; fused, −2^-60.
  volatile double a = 1 + 0x1p-30, b = 1 - 0x1p-30, c = -1;
  const double x = a, y = b, z = c;
  CHECK(x * y + z == 0.0);
}
