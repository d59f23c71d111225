// Distributions: each sample is checked against the documented formula applied by hand to the raw
// 64-bit outputs of a twin stream (same key), with the platform's libm as an independent reference
// for log/exp; then moments over 200000 draws, then edge cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <vector>

#include "hbsim/core/distribution.hpp"

using hbsim::distribution;
using hbsim::ns_per_ms;
using hbsim::ns_per_s;
using hbsim::ns_per_us;
using hbsim::random_stream;
using hbsim::sim_time;

namespace {

constexpr sim_time max_time = std::numeric_limits<sim_time>::max();
constexpr sim_time min_time = std::numeric_limits<sim_time>::min();

// The documented building blocks, from raw outputs.
double unit(random_stream& raw) { return static_cast<double>(raw.next_u64() >> 11) * 0x1p-53; }
double open_unit(random_stream& raw) { return (static_cast<double>(raw.next_u64() >> 12) + 0.5) * 0x1p-52; }
// Marsaglia's polar method, first value of the pair.
double polar(random_stream& raw) {
  for (;;) {
    const double u = 2 * unit(raw) - 1, v = 2 * unit(raw) - 1;
    const double s = u * u + v * v;
    if (s < 1 && s > 0) return u * std::sqrt(-2 * std::log(s) / s);
  }
}

// libm may differ from det_log/det_exp by an ulp, which moves a result by ~1e-16 relative: it could
// change the rounding only for a value within ~1e-10 ns of a half, which these draws do not hit.
void check_against(const distribution& d, std::uint64_t key, double (*formula)(random_stream&)) {
  random_stream s(key), raw(key);
  for (int i = 0; i < 1000; ++i) CHECK(d.sample(s) == std::llround(formula(raw)));
  CHECK(s.position() == raw.position());
}

struct moments {
  double mean = 0, sd = 0;
};

moments sample_moments(const distribution& d, std::uint64_t key, int n, std::vector<double>* values = nullptr) {
  random_stream s(key);
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = static_cast<double>(d.sample(s));
    sum += x;
    sum_sq += x * x;
    if (values) values->push_back(x);
  }
  const double mean = sum / n;
  return {mean, std::sqrt(sum_sq / n - mean * mean)};
}

constexpr int draws = 200'000;
const double root_n = std::sqrt(static_cast<double>(draws));

// Fraction of values above x, with the 5-sigma binomial tolerance for probability p.
void check_tail(const std::vector<double>& values, double x, double p) {
  const auto above = std::count_if(values.begin(), values.end(), [x](double v) { return v > x; });
  CHECK(std::fabs(static_cast<double>(above) / static_cast<double>(values.size()) - p) <
        5 * std::sqrt(p * (1 - p) / static_cast<double>(values.size())));
}

}  // namespace

TEST_CASE("constant") {
  random_stream s(1);
  const distribution d = distribution::constant(5 * ns_per_ms);
  for (int i = 0; i < 10; ++i) CHECK(d.sample(s) == 5 * ns_per_ms);
  CHECK(s.position() == 0);  // nothing random to draw
  CHECK(d.mean() == 5e6);
  CHECK(d.describe() == "constant(5ms)");
  CHECK(distribution().type() == distribution::kind::constant);
  CHECK(distribution().sample(s) == 0);
  CHECK(distribution::constant(-20 * ns_per_ms).sample(s) == -20 * ns_per_ms);
}

TEST_CASE("uniform") {
  SUBCASE("pinned: min + below(8), and below(2^j) is the top j bits") {
    random_stream s(2), raw(2);
    const distribution d = distribution::uniform(10, 17);
    for (int i = 0; i < 1000; ++i) CHECK(d.sample(s) == 10 + static_cast<sim_time>(raw.next_u64() >> 61));
  }
  SUBCASE("min == max draws one number and returns it") {
    random_stream s(3);
    const distribution d = distribution::uniform(-7, -7);
    for (int i = 0; i < 10; ++i) CHECK(d.sample(s) == -7);
    CHECK(s.position() == 10);
  }
  SUBCASE("the full int64 range: min + u wraps to u with its top bit flipped") {
    random_stream s(4), raw(4);
    const distribution d = distribution::uniform(min_time, max_time);
    for (int i = 0; i < 100; ++i) {
      const std::uint64_t u = raw.next_u64() ^ (std::uint64_t{1} << 63);
      CHECK(d.sample(s) == static_cast<sim_time>(u));
    }
  }
  SUBCASE("moments and cells: uniform over 0..9") {
    // Mean 4.5, variance (10² − 1)/12 = 8.25; chi-square(9) at 99.99 % is 33.7.
    const distribution d = distribution::uniform(0, 9);
    std::vector<double> values;
    const moments m = sample_moments(d, 5, draws, &values);
    CHECK(std::fabs(m.mean - 4.5) < 5 * std::sqrt(8.25) / root_n);
    CHECK(std::fabs(m.sd - std::sqrt(8.25)) < 0.01 * std::sqrt(8.25));
    std::vector<int> counts(10);
    for (double v : values) ++counts[static_cast<std::size_t>(v)];
    double chi2 = 0;
    for (int c : counts) chi2 += (c - draws / 10.0) * (c - draws / 10.0) / (draws / 10.0);
    CHECK(chi2 < 33.7);
    CHECK(d.mean() == 4.5);
  }
  CHECK(distribution::uniform(ns_per_ms, 5 * ns_per_ms).describe() == "uniform(min 1ms, max 5ms)");
  CHECK_THROWS_AS(distribution::uniform(2, 1), std::invalid_argument);
}

TEST_CASE("normal") {
  const distribution d = distribution::normal(5 * ns_per_ms, ns_per_ms);
  check_against(d, 6, [](random_stream& raw) { return 5e6 + 1e6 * polar(raw); });
  const moments m = sample_moments(d, 7, draws);
  CHECK(std::fabs(m.mean - 5e6) < 5 * 1e6 / root_n);
  CHECK(std::fabs(m.sd - 1e6) < 0.01 * 1e6);
  CHECK(d.mean() == 5e6);
  CHECK(d.describe() == "normal(mean 5ms, stddev 1ms)");
  CHECK(d.first() == 5e6);
  CHECK(d.second() == 1e6);

  SUBCASE("stddev 0 gives the mean, still drawing") {
    random_stream s(8);
    CHECK(distribution::normal(-3 * ns_per_ms, 0).sample(s) == -3 * ns_per_ms);
    CHECK(s.position() >= 2);
  }
  SUBCASE("delays clamp at 0; plain samples keep their sign") {
    // mean 0: half the samples are negative; as delays they are 0, the others unchanged.
    const distribution centred = distribution::normal(0, ns_per_ms);
    random_stream a(9), b(9);
    int zeros = 0, negatives = 0;
    for (int i = 0; i < 10'000; ++i) {
      const sim_time plain = centred.sample(a), delay = centred.sample_delay(b);
      CHECK(delay == std::max<sim_time>(plain, 0));
      zeros += delay == 0;
      negatives += plain < 0;
    }
    CHECK(negatives > 4500);
    CHECK(zeros >= negatives);
  }
  SUBCASE("huge parameters saturate") {
    // mean = stddev = 2^63 − 1 (2^63 as a double): 2^63·(1 + z) is above 2^63 for z > 0 and below
    // −2^63 for z < −2.
    const distribution huge = distribution::normal(max_time, max_time);
    random_stream s(10), raw(10);
    for (int i = 0; i < 1000; ++i) {
      const double z = polar(raw);
      const sim_time v = huge.sample(s);
      if (z > 0) CHECK(v == max_time);
      if (z < -2) CHECK(v == min_time);
    }
  }
  CHECK_THROWS_AS(distribution::normal(0, -1), std::invalid_argument);
}

TEST_CASE("exponential") {
  const distribution d = distribution::exponential(2 * ns_per_ms);
  check_against(d, 11, [](random_stream& raw) { return -2e6 * std::log(open_unit(raw)); });
  std::vector<double> values;
  const moments m = sample_moments(d, 12, draws, &values);
  // Mean = sd = 2 ms; P(X > mean) = e^-1.
  CHECK(std::fabs(m.mean - 2e6) < 5 * 2e6 / root_n);
  CHECK(std::fabs(m.sd - 2e6) < 0.02 * 2e6);
  check_tail(values, 2e6, std::exp(-1.0));
  CHECK(*std::min_element(values.begin(), values.end()) >= 0);
  CHECK(d.mean() == 2e6);
  CHECK(d.describe() == "exponential(mean 2ms)");

  // mean 0 is always 0; a mean near the int64 limit saturates once −log U > 1.
  random_stream s(13), raw(13);
  CHECK(distribution::exponential(0).sample(s) == 0);
  raw.next_u64();
  const distribution huge = distribution::exponential(max_time);
  for (int i = 0; i < 1000; ++i) {
    const double e = -std::log(open_unit(raw));
    const sim_time v = huge.sample(s);
    CHECK(v >= 0);
    if (e > 1.001) CHECK(v == max_time);
  }
  CHECK_THROWS_AS(distribution::exponential(-1), std::invalid_argument);
}

TEST_CASE("lognormal") {
  const distribution d = distribution::lognormal(ns_per_ms, 0.5);
  check_against(d, 14, [](random_stream& raw) { return 1e6 * std::exp(0.5 * polar(raw)); });
  std::vector<double> values;
  const moments m = sample_moments(d, 15, draws, &values);
  // Mean = median·e^{σ²/2} = 1.1331 ms; sd = mean·√(e^{σ²} − 1) = 0.6039 ms; half the mass above the median.
  const double mean = 1e6 * std::exp(0.125), sd = mean * std::sqrt(std::exp(0.25) - 1);
  CHECK(std::fabs(m.mean - mean) < 5 * sd / root_n);
  CHECK(std::fabs(m.sd - sd) < 0.03 * sd);
  check_tail(values, 1e6, 0.5);
  CHECK(d.mean() == doctest::Approx(mean).epsilon(1e-15));
  CHECK(d.describe() == "lognormal(median 1ms, sigma 0.5)");

  random_stream s(16);
  CHECK(distribution::lognormal(3 * ns_per_us, 0).sample(s) == 3 * ns_per_us);  // e^0 = 1 exactly
  // σ = 1000: unless |Z| < 0.023 (under 2 % of draws), 1 s·e^{σZ} is above 2^63 ns (e^22.9 · 1e9) or
  // below half a nanosecond (e^-21.4 · 1e9), so it saturates to the int64 maximum or rounds to 0.
  const distribution wild = distribution::lognormal(ns_per_s, 1000);
  int extremes = 0;
  for (int i = 0; i < 1000; ++i) {
    const sim_time v = wild.sample(s);
    CHECK(v >= 0);
    extremes += v == 0 || v == max_time;
  }
  CHECK(extremes > 950);
  CHECK_THROWS_AS(distribution::lognormal(0, 1), std::invalid_argument);
  CHECK_THROWS_AS(distribution::lognormal(1, -1), std::invalid_argument);
  CHECK_THROWS_AS(distribution::lognormal(1, std::nan("")), std::invalid_argument);
}

TEST_CASE("pareto") {
  const distribution d = distribution::pareto(ns_per_ms, 3);
  check_against(d, 17, [](random_stream& raw) { return 1e6 * std::exp(-std::log(open_unit(raw)) / 3); });
  std::vector<double> values;
  const moments m = sample_moments(d, 18, draws, &values);
  // Mean = α·min/(α − 1) = 1.5 ms; variance = min²·α/((α − 1)²(α − 2)) = 0.75 ms²; P(X > 2·min) = 2^-α.
  CHECK(std::fabs(m.mean - 1.5e6) < 5 * std::sqrt(0.75) * 1e6 / root_n);
  check_tail(values, 2e6, 0.125);
  CHECK(*std::min_element(values.begin(), values.end()) >= 1e6);
  CHECK(d.mean() == 1.5e6);
  CHECK(distribution::pareto(ns_per_ms, 1).mean() == std::numeric_limits<double>::infinity());
  CHECK(distribution::pareto(ns_per_ms, 0.5).mean() == std::numeric_limits<double>::infinity());
  CHECK(distribution::pareto(ns_per_ms, 1.5).describe() == "pareto(min 1ms, alpha 1.5)");

  // α tiny: −log U/α overflows to infinity, which saturates.
  random_stream s(19);
  const distribution wild = distribution::pareto(ns_per_ms, 1e-300);
  for (int i = 0; i < 100; ++i) CHECK(wild.sample(s) == max_time);
  CHECK_THROWS_AS(distribution::pareto(0, 1), std::invalid_argument);
  CHECK_THROWS_AS(distribution::pareto(1, 0), std::invalid_argument);
  CHECK_THROWS_AS(distribution::pareto(1, std::numeric_limits<double>::infinity()), std::invalid_argument);
}

TEST_CASE("samples round to the nearest nanosecond") {
  // lognormal(median 3, σ): 3·e^{σZ} is rarely an integer, so truncation instead of rounding would
  // disagree with llround on about half the draws.
  check_against(distribution::lognormal(3, 0.2), 20, [](random_stream& raw) { return 3 * std::exp(0.2 * polar(raw)); });
}
