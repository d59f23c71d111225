// Duration strings: parse_duration and format_duration (time.hpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "hbsim/core/time.hpp"

using hbsim::format_duration;
using hbsim::parse_duration;
using hbsim::sim_time;

namespace {
constexpr sim_time int64_max = std::numeric_limits<sim_time>::max();
constexpr sim_time int64_min = std::numeric_limits<sim_time>::min();
}  // namespace

TEST_CASE("parse_duration reads every unit, signs and exact fractions") {
  CHECK(parse_duration("7ns") == 7);
  CHECK(parse_duration("250us") == 250'000);
  CHECK(parse_duration("5ms") == 5'000'000);
  CHECK(parse_duration("2s") == 2'000'000'000);
  CHECK(parse_duration("1.5ms") == 1'500'000);
  CHECK(parse_duration("-20ms") == -20'000'000);
  CHECK(parse_duration("0ns") == 0);
  CHECK(parse_duration("-0s") == 0);
  CHECK(parse_duration("0.000000001s") == 1);
  CHECK(parse_duration("1.250us") == 1'250);
  CHECK(parse_duration("007ms") == 7'000'000);
  // Trailing zeros past the nanosecond are still exact.
  CHECK(parse_duration("1.5000000000000s") == 1'500'000'000);
}

TEST_CASE("parse_duration reaches both ends of int64 and no further") {
  CHECK(parse_duration("9223372036854775807ns") == int64_max);
  CHECK(parse_duration("9223372036.854775807s") == int64_max);
  CHECK(parse_duration("-9223372036854775808ns") == int64_min);
  CHECK(parse_duration("-9223372036.854775808s") == int64_min);
  std::string why;
  CHECK_FALSE(parse_duration("9223372036854775808ns", &why));
  CHECK(why.find("out of range") != std::string::npos);
  CHECK_FALSE(parse_duration("-9223372036854775809ns"));
  CHECK_FALSE(parse_duration("9223372037s"));
  CHECK_FALSE(parse_duration("99999999999999999999999999ms"));
}

TEST_CASE("parse_duration refuses malformed text and says why") {
  std::string why;
  CHECK_FALSE(parse_duration("0.5ns", &why));
  CHECK(why.find("nanosecond") != std::string::npos);
  CHECK_FALSE(parse_duration("1.0000000001s", &why));
  CHECK(why.find("nanosecond") != std::string::npos);
  CHECK_FALSE(parse_duration("5", &why));
  CHECK(why.find("no unit") != std::string::npos);
  CHECK_FALSE(parse_duration("5m", &why));
  CHECK(why.find("unknown unit") != std::string::npos);
  CHECK_FALSE(parse_duration("5 ms", &why));  // ms is a unit: the space is what is wrong
  CHECK(why.find("no spaces") != std::string::npos);
  CHECK_FALSE(parse_duration("5ms ", &why));
  CHECK(why.find("no spaces") != std::string::npos);
  for (const char* bad :
       {"", "-", "ms", "-ms", "1.ms", ".5ms", "+5ms", "--5ms", "1e3ms", "1.2.3ms", "0x10ns", "5MS", "5ms "})
    CHECK_MESSAGE(!parse_duration(bad), bad);
  // why is optional.
  CHECK_FALSE(parse_duration("nonsense"));
}

TEST_CASE("format_duration uses the largest unit the value reaches, with the fewest decimals") {
  CHECK(format_duration(0) == "0ns");
  CHECK(format_duration(7) == "7ns");
  CHECK(format_duration(999) == "999ns");
  CHECK(format_duration(1'000) == "1us");
  CHECK(format_duration(1'001) == "1.001us");
  CHECK(format_duration(1'500'000) == "1.5ms");
  CHECK(format_duration(-20'000'000) == "-20ms");
  CHECK(format_duration(2'000'000'000) == "2s");
  CHECK(format_duration(90'000'000'000) == "90s");
  CHECK(format_duration(1'000'000'001) == "1.000000001s");
  CHECK(format_duration(-1) == "-1ns");
  CHECK(format_duration(int64_max) == "9223372036.854775807s");
  CHECK(format_duration(int64_min) == "-9223372036.854775808s");
}

TEST_CASE("format_duration and parse_duration are inverse") {
  // Values of every magnitude, with digits in every position.
  sim_time t = 1;
  for (int i = 0; i < 18; ++i, t = t * 10 + (i % 7)) {
    for (sim_time v : {t, -t, t / 3, t - 1}) {
      const auto back = parse_duration(format_duration(v));
      REQUIRE_MESSAGE(back.has_value(), format_duration(v));
      CHECK(*back == v);
    }
  }
  CHECK(parse_duration(format_duration(int64_min)) == int64_min);
  CHECK(parse_duration(format_duration(int64_max)) == int64_max);
}
