// Random streams: mix64 is SplitMix64's finalizer, a stream's output i is
// mix64(mix64(key) ^ mix64(0x9E3779B97F4A7C15·(i + 1))), and the helpers are fixed formulas on it.
// Golden values come from SplitMix64's published outputs and from these rules applied by hand.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "hbsim/core/random.hpp"

using hbsim::mix64;
using hbsim::random_source;
using hbsim::random_stream;
using hbsim::stream_purpose;

namespace {

constexpr std::uint64_t golden = 0x9E3779B97F4A7C15;

__extension__ typedef unsigned __int128 u128;  // GCC/Clang builtin, for Lemire's 128-bit product

// Output `i` of a stream, by the documented rule.
std::uint64_t expected_output(std::uint64_t key, std::uint64_t i) { return mix64(mix64(key) ^ mix64(golden * (i + 1))); }

}  // namespace

TEST_CASE("mix64 is SplitMix64's finalizer") {
  // SplitMix64 (Vigna's splitmix64.c) from state 0 adds 0x9E3779B97F4A7C15 and then applies the
  // finalizer, so its n-th output is mix64(n·golden). Its first four outputs, quoted by many
  // independent implementations (they are the seeds of xoshiro's reference tests):
  CHECK(mix64(golden) == 0xE220A8397B1DCDAF);
  CHECK(mix64(golden * 2) == 0x6E789E6AA1B965F4);
  CHECK(mix64(golden * 3) == 0x06C45D188009454F);
  CHECK(mix64(golden * 4) == 0xF88BB8A8724C81EC);
  // Every step (xor-shift, multiply) maps 0 to 0.
  CHECK(mix64(0) == 0);
}

TEST_CASE("a stream's outputs follow the counter rule") {
  // Key 0: mix64(0) = 0, so output i is mix64 of SplitMix64's i-th output from state 0.
  random_stream zero(0);
  CHECK(zero.next_u64() == mix64(0xE220A8397B1DCDAF));
  CHECK(zero.next_u64() == mix64(0x6E789E6AA1B965F4));
  CHECK(zero.position() == 2);

  for (std::uint64_t key : {std::uint64_t{1}, std::uint64_t{0xDEADBEEF}, std::numeric_limits<std::uint64_t>::max()}) {
    random_stream s(key);
    CHECK(s.key() == key);
    for (std::uint64_t i = 0; i < 5; ++i) CHECK(s.next_u64() == expected_output(key, i));
  }
}

TEST_CASE("same key, same sequence, different keys, different sequences") {
  random_stream a(42), b(42), c(43);
  int equal_to_c = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = a.next_u64();
    CHECK(x == b.next_u64());
    equal_to_c += x == c.next_u64();
  }
  CHECK(equal_to_c == 0);
}

TEST_CASE("streams with close keys are uncorrelated") {
  // Keys 1 and 2 differ in two bits. Outputs at equal positions should differ in 32 bits on average
  // (binomial(64, ½): sd 4, so the mean over n draws has sd 4/√n), and the unit values should have a
  // correlation within 5/√n of 0.
  constexpr int n = 200'000;
  random_stream a(1), b(2);
  double differing_bits = 0, sum_ab = 0, sum_a = 0, sum_b = 0, sum_aa = 0, sum_bb = 0;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t x = a.next_u64(), y = b.next_u64();
    differing_bits += std::popcount(x ^ y);
    const double u = static_cast<double>(x >> 11) * 0x1p-53, v = static_cast<double>(y >> 11) * 0x1p-53;
    sum_a += u, sum_b += v, sum_ab += u * v, sum_aa += u * u, sum_bb += v * v;
  }
  CHECK(std::fabs(differing_bits / n - 32) < 5 * 4 / std::sqrt(n));
  const double cov = sum_ab / n - (sum_a / n) * (sum_b / n);
  const double corr = cov / std::sqrt((sum_aa / n - sum_a * sum_a / n / n) * (sum_bb / n - sum_b * sum_b / n / n));
  CHECK(std::fabs(corr) < 5 / std::sqrt(n));
}

TEST_CASE("next_unit and next_open_unit use the top bits") {
  random_stream s(7), twin(7);
  for (int i = 0; i < 100; ++i) {
    // Top 53 bits scaled by 2^-53.
    CHECK(s.next_unit() == static_cast<double>(twin.next_u64() >> 11) / 9007199254740992.0);
    // Top 52 bits k: (k + ½)/2^52.
    CHECK(s.next_open_unit() == (static_cast<double>(twin.next_u64() >> 12) + 0.5) / 4503599627370496.0);
  }
  random_stream wide(8);
  for (int i = 0; i < 100'000; ++i) {
    const double u = wide.next_unit();
    CHECK_UNARY(u >= 0.0);
    CHECK_UNARY(u < 1.0);
    const double o = wide.next_open_unit();
    CHECK_UNARY(o > 0.0);
    CHECK_UNARY(o < 1.0);
  }
}

TEST_CASE("next_open_unit's extremes stay inside (0, 1)") {
  // k = 0 gives 2^-53 and k = 2^52 − 1 gives 1 − 2^-53, both exact doubles: the formula is checked at
  // its ends without needing the stream to produce them.
  CHECK(0.5 * 0x1p-52 == 0x1p-53);
  CHECK((static_cast<double>((std::uint64_t{1} << 52) - 1) + 0.5) * 0x1p-52 == 1 - 0x1p-53);
}

TEST_CASE("below: range, exact values, rejection and uniformity") {
  SUBCASE("n = 1 is always 0") {
    random_stream s(3);
    for (int i = 0; i < 100; ++i) CHECK(s.below(1) == 0);
    CHECK(s.position() == 100);
  }
  SUBCASE("a power of two never rejects: below(2^j) is the top j bits") {
    // 2^64 mod 2^j = 0, so no draw is rejected, and the high word of x·2^j is x >> (64 − j).
    random_stream s(4), twin(4);
    for (int i = 0; i < 100; ++i) CHECK(s.below(8) == twin.next_u64() >> 61);
    CHECK(s.position() == 100);
  }
  SUBCASE("n = 2^63 + 1 rejects about half the draws, as Lemire's rule says") {
    // threshold = 2^64 mod n = 2^63 − 1; a draw x is kept when the low word of x·n is ≥ threshold,
    // and the result is the high word. Replayed on the raw outputs of a twin stream.
    const std::uint64_t n = (std::uint64_t{1} << 63) + 1;
    const std::uint64_t threshold = (std::uint64_t{1} << 63) - 1;
    random_stream s(5), twin(5);
    constexpr int calls = 20'000;
    int upper_half = 0;
    for (int i = 0; i < calls; ++i) {
      std::uint64_t expected = 0;
      for (;;) {
        const std::uint64_t x = twin.next_u64();
        const u128 m = static_cast<u128>(x) * n;
        if (static_cast<std::uint64_t>(m) >= threshold) {
          expected = static_cast<std::uint64_t>(m >> 64);
          break;
        }
      }
      const std::uint64_t got = s.below(n);
      CHECK(got == expected);
      CHECK(got < n);
      upper_half += got >= (std::uint64_t{1} << 62);
    }
    CHECK(s.position() == twin.position());
    // Rejection probability (2^63 − 1)/2^64 ≈ ½: about two draws per call (sd of the count ≈ √(2·calls)).
    CHECK(std::fabs(static_cast<double>(s.position()) - 2.0 * calls) < 5 * std::sqrt(2.0 * calls));
    CHECK(std::fabs(upper_half - calls / 2.0) < 5 * std::sqrt(calls / 4.0));
  }
  SUBCASE("n = 10: counts pass a chi-square test") {
    // 200000 draws in 10 cells, 9 degrees of freedom: the 99.99 % quantile of chi-square(9) is 33.7.
    constexpr int draws = 200'000;
    random_stream s(6);
    std::vector<int> counts(10);
    for (int i = 0; i < draws; ++i) {
      const std::uint64_t v = s.below(10);
      REQUIRE(v < 10);
      ++counts[v];
    }
    double chi2 = 0;
    for (int c : counts) chi2 += (c - draws / 10.0) * (c - draws / 10.0) / (draws / 10.0);
    CHECK(chi2 < 33.7);
  }
  SUBCASE("the largest n stays in range") {
    random_stream s(9);
    const std::uint64_t n = std::numeric_limits<std::uint64_t>::max();
    for (int i = 0; i < 1000; ++i) CHECK(s.below(n) < n);
  }
  SUBCASE("n = 0 is refused") {
    random_stream s(10);
    CHECK_THROWS_AS(s.below(0), std::invalid_argument);
  }
}

TEST_CASE("chance draws one number and compares it with p") {
  random_stream s(11), twin(11);
  for (double p : {-1.0, 0.0, 0.25, 0.5, 1.0, 2.0, std::nan("")}) {
    for (int i = 0; i < 50; ++i) {
      const double u = static_cast<double>(twin.next_u64() >> 11) * 0x1p-53;
      CHECK(s.chance(p) == (u < p));
    }
  }
  CHECK(s.position() == twin.position());

  random_stream edge(12);
  for (int i = 0; i < 1000; ++i) {
    CHECK_FALSE(edge.chance(0.0));
    CHECK(edge.chance(1.0));
  }
  CHECK(edge.position() == 2000);

  // Frequency for p = 0.3 over 200000 draws: sd √(0.3·0.7/200000) ≈ 0.001.
  random_stream f(13);
  int hits = 0;
  for (int i = 0; i < 200'000; ++i) hits += f.chance(0.3);
  CHECK(std::fabs(hits / 200'000.0 - 0.3) < 0.005);
}

TEST_CASE("random_source gives distinct, reproducible stream keys") {
  const random_source source(1), same(1), other(2);
  CHECK(source.seed() == 1);
  CHECK(source.process_stream(0, stream_purpose::workload).key() == same.process_stream(0, stream_purpose::workload).key());
  CHECK(source.link_stream(0, 1, 5).key() == same.link_stream(0, 1, 5).key());
  CHECK(source.indexed_stream(2, stream_purpose::clock, 7).key() ==
        same.indexed_stream(2, stream_purpose::clock, 7).key());

  // Every kind and argument combination gets its own key, and a different seed changes them all.
  std::set<std::uint64_t> keys;
  std::size_t made = 0;
  for (const random_source* src : {&source, &other}) {
    for (std::uint32_t p = 0; p < 8; ++p) {
      for (auto purpose : {stream_purpose::workload, stream_purpose::clock, stream_purpose::user}) {
        keys.insert(src->process_stream(p, purpose).key());
        for (std::uint64_t k = 0; k < 8; ++k) keys.insert(src->indexed_stream(p, purpose, k).key());
        made += 9;
      }
      for (std::uint32_t q = 0; q < 8; ++q)
        for (std::uint64_t k = 0; k < 4; ++k) {
          keys.insert(src->link_stream(p, q, k).key());
          ++made;
        }
    }
  }
  CHECK(keys.size() == made);
  // Directed links: a→b and b→a are different streams.
  CHECK(source.link_stream(0, 1, 0).key() != source.link_stream(1, 0, 0).key());
  // A new stream starts at position 0.
  CHECK(source.process_stream(3, stream_purpose::user).position() == 0);
}
