// Physical clocks: reading(t) = floor_res(offset + t + floor(drift_ppt·(t − t_last_sync)/10^12) + steps),
// drift_ppt = round(drift_ppm·10^6). Every expected value below is worked out from that rule by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>

#include "hbsim/kernel/physical_clock.hpp"

using hbsim::clock_sync;
using hbsim::distribution;
using hbsim::ns_per_ms;
using hbsim::ns_per_s;
using hbsim::ns_per_us;
using hbsim::physical_clock;
using hbsim::physical_clock_config;
using hbsim::random_source;
using hbsim::sim_time;
using hbsim::stream_purpose;

namespace {

const random_source source(1);

physical_clock make(sim_time offset, double drift_ppm, sim_time resolution = 1,
                    std::optional<clock_sync> sync = std::nullopt) {
  physical_clock_config config;
  config.offset = offset;
  config.drift_ppm = drift_ppm;
  config.resolution = resolution;
  config.sync = sync;
  return physical_clock(config, source, 0);
}

}  // namespace

TEST_CASE("a perfect clock reads true time, truncated to the default 1 us") {
  physical_clock c(physical_clock_config{}, source, 0);
  CHECK(c.read(0) == 0);
  CHECK(c.read(1'234'567) == 1'234'000);
  CHECK(c.offset_at(1'234'567) == 0);
}

TEST_CASE("offset") {
  physical_clock c = make(5 * ns_per_ms, 0);
  CHECK(c.read(0) == 5 * ns_per_ms);
  CHECK(c.read(ns_per_s) == ns_per_s + 5 * ns_per_ms);
  physical_clock behind = make(-20 * ns_per_ms, 0);
  CHECK(behind.read(0) == -20 * ns_per_ms);  // readings may be negative
  CHECK(behind.read(ns_per_s) == 980 * ns_per_ms);
}

TEST_CASE("drift") {
  SUBCASE("50 ppm over 1 s is 50 us") {
    // drift_ppt = 50·10^6; at t = 10^9: 50·10^6·10^9/10^12 = 50000 ns.
    physical_clock c = make(0, 50);
    CHECK(c.drift_ppt() == 50'000'000);
    CHECK(c.read(ns_per_s) == ns_per_s + 50 * ns_per_us);
    CHECK(c.offset_at(ns_per_s) == 50 * ns_per_us);
    // 1024 s at 50 ppm: 51.2 ms (the sawtooth height).
    CHECK(c.offset_at(1024 * ns_per_s) == 51'200 * ns_per_us);
  }
  SUBCASE("a partial nanosecond of drift is floored, both ways") {
    // t = 1 ns: +50 ppm gives floor(5·10^7/10^12) = floor(0.00005) = 0; −50 ppm floor(−0.00005) = −1.
    physical_clock fast = make(0, 50), slow = make(0, -50);
    CHECK(fast.read(1) == 1);
    CHECK(slow.read(1) == 0);
    CHECK(slow.offset_at(1) == -1);
    // −50 ppm over 1 s: exactly −50000 ns, no partial nanosecond to floor.
    CHECK(slow.offset_at(ns_per_s) == -50 * ns_per_us);
    // t = 1 s + 1 ns: −50·10^6·(10^9 + 1)/10^12 = −50000.00005 → −50001.
    CHECK(slow.offset_at(ns_per_s + 1) == -50'001);
  }
  SUBCASE("fractional ppm keeps its precision") {
    // 0.3 ppm = 300000 ppt: 300 ns per second; −12.345678 ppm = −12345678 ppt: −12345.678 ns/s → −12346.
    physical_clock a = make(0, 0.3), b = make(0, -12.345678);
    CHECK(a.drift_ppt() == 300'000);
    CHECK(a.offset_at(ns_per_s) == 300);
    CHECK(b.drift_ppt() == -12'345'678);
    CHECK(b.offset_at(ns_per_s) == -12'346);
  }
}

TEST_CASE("resolution truncates down, also below zero") {
  physical_clock c = make(-2'500 * ns_per_us, 0, ns_per_ms);
  CHECK(c.read(0) == -3 * ns_per_ms);                // −2.5 ms floors to −3 ms, not −2 ms
  CHECK(c.read(ns_per_ms) == -2 * ns_per_ms);        // −1.5 ms → −2 ms
  CHECK(c.read(2'500 * ns_per_us) == 0);             // exactly 0
  CHECK(c.read(3'499'999) == 0);                     // 0.999999 ms → 0
  CHECK(c.read(3'500 * ns_per_us) == ns_per_ms);     // 1 ms
  CHECK(c.offset_at(3'500 * ns_per_us) == -2'500 * ns_per_us);  // offset_at is not truncated
  // Equal consecutive reads within one tick.
  physical_clock coarse = make(0, 0, 15'600 * ns_per_us);
  CHECK(coarse.read(ns_per_ms) == 0);
  CHECK(coarse.read(15 * ns_per_ms) == 0);
  CHECK(coarse.read(16 * ns_per_ms) == 15'600 * ns_per_us);
}

TEST_CASE("sync with a constant error: a sawtooth") {
  // every 1 s, error 2 ms, drift 100 ppm (10^8 ppt), offset 7 ms, resolution 1 ns.
  // Before the first sync: 7 ms + 100 ns per ms of true time. From k s on: 2 ms + floor(10^8·(t − k s)/10^12).
  physical_clock c = make(7 * ns_per_ms, 100, 1, clock_sync{ns_per_s, distribution::constant(2 * ns_per_ms)});
  CHECK(c.offset_at(0) == 7 * ns_per_ms);  // no sync at 0
  CHECK(c.offset_at(500 * ns_per_ms) == 7 * ns_per_ms + 50 * ns_per_us);
  CHECK(c.offset_at(ns_per_s - 1) == 7 * ns_per_ms + 99'999);  // floor(10^8·(10^9 − 1)/10^12) = 99999
  CHECK(c.read(ns_per_s) == ns_per_s + 2 * ns_per_ms);
  CHECK(c.offset_at(1'500 * ns_per_ms) == 2 * ns_per_ms + 50 * ns_per_us);
  CHECK(c.offset_at(2 * ns_per_s - 1) == 2 * ns_per_ms + 99'999);
  // Epoch 2 is skipped (no reading at 2 s); at 3.25 s the last sync is at 3 s.
  CHECK(c.offset_at(3'250 * ns_per_ms) == 2 * ns_per_ms + 25 * ns_per_us);
  CHECK(c.read(3'250 * ns_per_ms) == 3'252'025 * ns_per_us);
}

TEST_CASE("sync errors come from the indexed stream of each epoch") {
  const distribution error = distribution::normal(0, ns_per_ms);
  const clock_sync sync{ns_per_s, error};
  physical_clock every_epoch = make(0, 0, 1, sync), skipping = make(0, 0, 1, sync);
  for (std::uint64_t k = 1; k <= 5; ++k) {
    hbsim::random_stream rng = source.indexed_stream(0, stream_purpose::clock, k);
    const sim_time expected = error.sample(rng);
    CHECK(every_epoch.offset_at(static_cast<sim_time>(k) * ns_per_s) == expected);
  }
  // A clock read only at 5 s has the same offset: epochs 1–4 drew nothing it depends on.
  CHECK(skipping.offset_at(5 * ns_per_s) == every_epoch.offset_at(5 * ns_per_s));
  // Another process gets other errors.
  physical_clock_config config;
  config.resolution = 1;
  config.sync = sync;
  physical_clock other(config, source, 1);
  CHECK(other.offset_at(5 * ns_per_s) != every_epoch.offset_at(5 * ns_per_s));
}

TEST_CASE("steps before and after a sync") {
  // offset 10 ms, syncs every 1 s to offset 0.
  physical_clock c = make(10 * ns_per_ms, 0, 1, clock_sync{ns_per_s, distribution::constant(0)});
  c.step(200 * ns_per_ms, 3 * ns_per_ms);
  CHECK(c.offset_at(500 * ns_per_ms) == 13 * ns_per_ms);
  c.step(600 * ns_per_ms, -20 * ns_per_ms);  // a backward step
  CHECK(c.read(700 * ns_per_ms) == 700 * ns_per_ms - 7 * ns_per_ms);
  CHECK(c.offset_at(ns_per_s) == 0);  // the sync absorbs offset and steps
  c.step(1'200 * ns_per_ms, 4 * ns_per_ms);
  CHECK(c.offset_at(1'500 * ns_per_ms) == 4 * ns_per_ms);
  CHECK(c.offset_at(2 * ns_per_s) == 0);
  // A step exactly at a sync instant comes after the sync.
  c.step(3 * ns_per_s, 5 * ns_per_ms);
  CHECK(c.offset_at(3 * ns_per_s) == 5 * ns_per_ms);
}

TEST_CASE("a step keeps the drift anchored at the last sync") {
  // 100 ppm, sync at 1 s to 0; step +1 ms at 1.5 s: at 2 s − 1 ns, 1 ms + floor(10^8·(10^9 − 1)/10^12).
  physical_clock c = make(0, 100, 1, clock_sync{ns_per_s, distribution::constant(0)});
  c.step(1'500 * ns_per_ms, ns_per_ms);
  CHECK(c.offset_at(2 * ns_per_s - 1) == ns_per_ms + 99'999);
}

TEST_CASE("freeze and thaw") {
  SUBCASE("the clock stops, then resumes from where it stopped") {
    physical_clock c = make(0, 0);
    c.freeze(ns_per_s);
    CHECK(c.frozen());
    CHECK(c.read(1'500 * ns_per_ms) == ns_per_s);
    CHECK(c.offset_at(1'500 * ns_per_ms) == -500 * ns_per_ms);
    c.thaw(2 * ns_per_s);
    CHECK_FALSE(c.frozen());
    CHECK(c.read(2 * ns_per_s) == ns_per_s);
    CHECK(c.read(3 * ns_per_s) == 2 * ns_per_s);  // one second behind, for good
    CHECK(c.offset_at(3 * ns_per_s) == -ns_per_s);
  }
  SUBCASE("with drift, the resumed clock runs at its own rate") {
    // 100 ppm: frozen at 1 s reading 1 s + 100 us; thawed at 2 s; at 3 s it has counted
    // 1 s + 100 us more: 2 s + 200 us.
    physical_clock c = make(0, 100);
    c.freeze(ns_per_s);
    CHECK(c.read(1'999 * ns_per_ms) == ns_per_s + 100 * ns_per_us);
    c.thaw(2 * ns_per_s);
    CHECK(c.read(3 * ns_per_s) == 2 * ns_per_s + 200 * ns_per_us);
  }
  SUBCASE("a sync inside the freeze is missed; the next one corrects") {
    physical_clock c = make(0, 0, 1, clock_sync{ns_per_s, distribution::constant(0)});
    c.freeze(500 * ns_per_ms);
    CHECK(c.read(ns_per_s) == 500 * ns_per_ms);
    c.thaw(2'500 * ns_per_ms);
    CHECK(c.read(2'900 * ns_per_ms) == 900 * ns_per_ms);
    CHECK(c.read(3 * ns_per_s) == 3 * ns_per_s);
  }
  SUBCASE("a step while frozen moves the frozen value") {
    physical_clock c = make(0, 0);
    c.freeze(ns_per_s);
    c.step(1'500 * ns_per_ms, 10 * ns_per_ms);
    CHECK(c.read(1'600 * ns_per_ms) == 1'010 * ns_per_ms);
    c.thaw(2 * ns_per_s);
    CHECK(c.read(3 * ns_per_s) == 2'010 * ns_per_ms);
  }
  SUBCASE("freezing twice keeps the first value; thawing a running clock does nothing") {
    physical_clock c = make(0, 0);
    c.thaw(ns_per_s);
    CHECK(c.read(ns_per_s) == ns_per_s);
    c.freeze(2 * ns_per_s);
    c.freeze(3 * ns_per_s);
    CHECK(c.read(4 * ns_per_s) == 2 * ns_per_s);
  }
}

TEST_CASE("time must not go backwards") {
  physical_clock c = make(0, 0);
  CHECK(c.read(2 * ns_per_s) == 2 * ns_per_s);
  CHECK(c.read(2 * ns_per_s) == 2 * ns_per_s);  // equal times are fine
  CHECK_THROWS_AS(c.read(ns_per_s), std::invalid_argument);
}

TEST_CASE("invalid configurations are refused") {
  CHECK_THROWS_AS(make(0, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(make(0, std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(make(0, 2e6), std::invalid_argument);
  CHECK_THROWS_AS(make(0, 0, 1, clock_sync{0, distribution::constant(0)}), std::invalid_argument);
}

TEST_CASE("extreme values saturate") {
  constexpr sim_time max = std::numeric_limits<sim_time>::max(), min = std::numeric_limits<sim_time>::min();
  // INT64_MAX = 9223372036854775807: floored to a multiple of 1000, 9223372036854775000.
  physical_clock high = make(max - 10, 1e6, ns_per_us);
  CHECK(high.read(ns_per_s) == 9'223'372'036'854'775'000);
  CHECK(high.offset_at(ns_per_s) == max - ns_per_s);
  // INT64_MIN floored to 1000 would be −9223372036854776000, below the range: it saturates.
  physical_clock low = make(min, -1e6, ns_per_us);
  CHECK(low.read(0) == min);
  CHECK(low.read(ns_per_s) == min);  // −10^6 ppm: the clock stands still
  physical_clock stepped = make(0, 0);
  stepped.step(0, max);
  stepped.step(0, max);
  CHECK(stepped.read(ns_per_s) == max);
}
