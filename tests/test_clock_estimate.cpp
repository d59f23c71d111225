// The clock comparison's estimates (compare_mode::estimate, and automatic past exact_events_most):
// their 95 % intervals hold the exact counts on random runs, narrow with a larger sample, the same run
// draws the same sample; the figures they do not need stay exact; --compare on the command line.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using nlohmann::json;

namespace {

clock_comparison compared(const scenario& s, std::uint64_t seed, compare_options c) {
  run_options o;
  o.seed = seed;
  o.compare = c;
  return run_scenario(s, o).clocks->result();
}

// Whether an estimated count's interval holds the exact count (whole × [low, high], the count itself
// rounded), an interval within [0, 1] around the share; a count left exact must be the exact one.
bool holds(std::uint64_t count, const std::optional<clock_comparison::estimate>& e, std::uint64_t whole,
           std::uint64_t exact) {
  if (!e) return count == exact;
  const double w = static_cast<double>(whole), x = static_cast<double>(exact);
  const bool sound = 0 <= e->low && e->low <= e->share && e->share <= e->high && e->high <= 1 &&
                     e->plus_minus == std::max(e->share - e->low, e->high - e->share);
  return sound && e->low * w - 0.5 - 1e-9 * w <= x && x <= e->high * w + 0.5 + 1e-9 * w;
}

// Three processes resynced every 2 ms with an error of ±1 ms, coarse readings on one: a thousand
// events whose pt runs backwards along many related pairs and ties on others.
scenario resyncing(bool wrong_lamport) {
  scenario s = make_scenario({"A", "B", "C"});
  for (auto& p : s.processes) p.clock.sync = clock_sync{2 * ms, distribution::normal(0, 1 * ms)};
  s.processes[2].clock.resolution = 500'000;
  s.network.defaults.delay = distribution::exponential(300'000);
  s.generate.push_back(random_generator{250, 0.5, distribution::exponential(200'000)});
  if (wrong_lamport) s.logical.lamport = lamport_variant::ignore_message;
  return s;
}

}  // namespace

TEST_CASE("clock estimate: the 95% intervals hold the exact counts on random faulty runs") {
  const lamport_variant lamports[] = {lamport_variant::canonical, lamport_variant::no_tick_local,
                                      lamport_variant::ignore_message, lamport_variant::double_tick_receive};
  std::uint64_t intervals = 0, held = 0, left_exact = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    scenario s = faulty_random_scenario();
    s.logical.lamport = lamports[seed % 4];
    const clock_comparison x = compared(s, seed, {compare_mode::exact});
    const clock_comparison e = compared(s, seed, {compare_mode::estimate, 40});
    REQUIRE(!x.estimated);
    REQUIRE(e.estimated);
    CHECK(e.sampled_events == std::min<std::uint64_t>(40, x.events));
    // What the estimates do not touch is exact.
    CHECK(e.related == x.related);
    CHECK(e.concurrent == x.concurrent);
    CHECK((e.worst_inversion ? e.worst_inversion->by : 0) == (x.worst_inversion ? x.worst_inversion->by : 0));
    CHECK(e.hlc_lead_histogram == x.hlc_lead_histogram);
    const struct {
      std::uint64_t count;
      const std::optional<clock_comparison::estimate>& est;
      std::uint64_t whole, exact;
    } figures[] = {
        {e.pt_inverted, e.pt_inverted_estimate, x.related, x.pt_inverted},
        {e.pt_tied, e.pt_tied_estimate, x.related, x.pt_tied},
        {e.lamport_related_not_below, e.lamport_related_not_below_estimate, x.related, x.lamport_related_not_below},
        {e.lamport_concurrent_tied, e.lamport_concurrent_tied_estimate, x.concurrent, x.lamport_concurrent_tied},
        {e.lamport_concurrent_ordered, e.lamport_concurrent_ordered_estimate, x.concurrent,
         x.lamport_concurrent_ordered},
    };
    for (const auto& f : figures) {
      if (!f.est) {
        ++left_exact;
        CHECK(f.count == f.exact);
        continue;
      }
      ++intervals;
      held += holds(f.count, f.est, f.whole, f.exact);
    }
    // A correct Lamport clock's figures are exact whatever the mode.
    if (s.logical.lamport == lamport_variant::canonical) CHECK(!e.lamport_concurrent_tied_estimate);
  }
  // A 95 % interval misses about one time in twenty; the jackknife's, on 40 events, a little more.
  CHECK(intervals > 80);
  CHECK(static_cast<double>(held) >= 0.85 * static_cast<double>(intervals));
  CHECK(left_exact > 20);
}

TEST_CASE("clock estimate: a larger sample narrows the interval, which holds the exact count") {
  for (const bool wrong_lamport : {false, true}) {
    CAPTURE(wrong_lamport);
    const scenario s = resyncing(wrong_lamport);
    const clock_comparison x = compared(s, 3, {compare_mode::exact});
    REQUIRE(x.events > 900);
    REQUIRE(x.pt_inverted > 1000);
    double previous = 1;
    for (const std::size_t events : {50, 200, 800}) {
      CAPTURE(events);
      const clock_comparison e = compared(s, 3, {compare_mode::estimate, events});
      REQUIRE(e.pt_inverted_estimate);
      CHECK(holds(e.pt_inverted, e.pt_inverted_estimate, x.related, x.pt_inverted));
      CHECK(e.pt_inverted_estimate->plus_minus < previous);
      previous = e.pt_inverted_estimate->plus_minus;
      if (wrong_lamport) {
        REQUIRE(e.lamport_related_not_below_estimate);
        CHECK(holds(e.lamport_related_not_below, e.lamport_related_not_below_estimate, x.related,
                    x.lamport_related_not_below));
      }
    }
    // The whole run sampled: every pair seen, the counts are the exact ones, and said to be.
    const clock_comparison all = compared(s, 3, {compare_mode::estimate, static_cast<std::size_t>(x.events)});
    CHECK(!all.estimated);
    CHECK(!all.pt_inverted_estimate.has_value());
    CHECK(all.pt_inverted == x.pt_inverted);
    CHECK(all.pt_tied == x.pt_tied);
    CHECK(all.lamport_concurrent_ordered == x.lamport_concurrent_ordered);
  }
}

TEST_CASE("clock estimate: automatic estimates past its limit, exact does not, the same run draws the same sample") {
  const scenario s = resyncing(false);
  const clock_comparison x = compared(s, 5, {compare_mode::exact, 0, 100});
  const clock_comparison past = compared(s, 5, {compare_mode::automatic, 200, 100});
  const clock_comparison under = compared(s, 5, {compare_mode::automatic, 200, x.events});
  CHECK(!x.estimated);
  CHECK(past.estimated);
  CHECK(!under.estimated);
  CHECK(under.pt_inverted == x.pt_inverted);
  CHECK(under.pt_tied == x.pt_tied);
  CHECK(holds(past.pt_inverted, past.pt_inverted_estimate, x.related, x.pt_inverted));
  const std::vector<std::string> names = {"A", "B", "C"};
  CHECK(clock_report_json(past, names) == clock_report_json(compared(s, 5, {compare_mode::automatic, 200, 100}), names));
}

TEST_CASE("clock estimate: automatic counts exactly fewer events with many processes") {
  // min(1,000,000, 2^27 / processes): 2^27 / 134 = 1,001,624 is more than a million, 2^27 / 135 = 994,205.4.
  CHECK(exact_events({}, 64) == 1'000'000);
  CHECK(exact_events({}, 134) == 1'000'000);
  CHECK(exact_events({}, 135) == 994'205);
  CHECK(exact_events({}, 1024) == 131'072);  // 2^27 / 2^10
  CHECK(exact_events({}, 4096) == 32'768);
  CHECK(exact_events({compare_mode::automatic, 0, 1000}, 4096) == 1000);  // a smaller limit asked for stays
  // 1,024 processes, 65,600 messages: 131,200 events, just past 131,072: estimated; the same run with
  // 64 fewer messages (131,072 events) is not.
  scenario s = parse_scenario(R"({"name": "x", "processes": {"count": 1024}, "clocks": ["lamport", "hlc"],
    "network": {"delay": {"dist": "exponential", "mean": "1us"}},
    "generate": {"kind": "phold", "population": 1, "messages": 65600, "think": "0s", "remote": 0.25}})",
                               "t.json");
  const clock_comparison past = compared(s, 1, {});
  CHECK(past.events == 131'200);
  CHECK(past.estimated);
  std::get<phold_generator>(s.generate[0]).messages = 65'536;
  const clock_comparison under = compared(s, 1, {});
  CHECK(under.events == 131'072);
  CHECK(!under.estimated);
}

TEST_CASE("hbsim run and report --compare: exact, estimate and off, and a bad mode exits 2") {
  const scratch tmp;
  const std::string scenario = source_path("scenarios/skew_contradicts_causality.json");
  const json exact = json::parse(run_cli("run --json --compare exact '" + scenario + "'").out)["clock_report"];
  CHECK(exact["counted"] == "exact");
  CHECK(json::parse(run_cli("run --json '" + scenario + "'").out)["clock_report"] == exact);
  // A run smaller than the sample is sampled whole: every pair, so its counts are exact and said to be.
  CHECK(json::parse(run_cli("run --json --compare estimate '" + scenario + "'").out)["clock_report"] == exact);
  // A larger one (about 100,000 events) is estimated from 2,048 of them.
  const std::string larger = source_path("scenarios/random_100k.json");
  const std::string trace = tmp / "trace.jsonl";
  const cli_result estimated = run_cli("run --compare estimate --trace '" + trace + "' '" + larger + "'");
  CHECK(estimated.code == 0);
  CHECK(estimated.out.find("are estimated from the pairs of 2048") != std::string::npos);
  CHECK(estimated.out.find(", 95% interval ") != std::string::npos);
  const json e = json::parse(run_cli("run --json --compare estimate '" + larger + "'").out)["clock_report"];
  CHECK(e["counted"] == "estimate");
  CHECK(e["sampled_events"] == 2048);
  // The trace replays into the same sample: its seed is the run's.
  CHECK(json::parse(run_cli("report --json --compare estimate '" + trace + "'").out)["clock_report"] == e);
  CHECK(json::parse(run_cli("run --json --compare off '" + scenario + "'").out)["clock_report"].is_null());
  const cli_result bogus = run_cli("run --compare bogus '" + scenario + "'");
  CHECK(bogus.code == 2);
  CHECK(bogus.err.find("--compare") != std::string::npos);
  CHECK(bogus.err.find("bogus") != std::string::npos);
  CHECK(run_cli("report --compare off '" + trace + "'").code == 2);
}

TEST_CASE("clock estimate: a count whose whole no sampled pair belongs to is not estimated, not shown as 0") {
  // 87 events sampled among 18,000 with few related pairs: none of the sampled pairs is related, so the
  // share of related pairs with equal pt has nothing to be read from.
  clock_comparison r;
  r.estimated = true;
  r.sampled_events = 87;
  r.events = 18'026;
  r.pairs = 162'459'325;
  r.related = 15'124;
  r.concurrent = r.pairs - r.related;
  r.pt_tied_estimate = clock_comparison::estimate{0, 0, 0};
  r.pt_inverted_estimate = clock_comparison::estimate{0.25, 0.12, 40, 0.14, 0.37};
  const std::vector<std::string> names = {"A", "B"};
  std::ostringstream text;
  print_clock_report(text, r, names);
  CHECK(text.str().find("and ? (not estimated: no sampled pair to read it from; --compare exact counts it) equal pt") !=
        std::string::npos);
  CHECK(text.str().find("(≈ 25.0%, 95% interval 14.0–37.0%, from 40 sampled pairs)") != std::string::npos);
  const json j = clock_report_json(r, names);
  CHECK(j["physical_time"]["related_tied_estimate"]["share"].is_null());
  CHECK(j["physical_time"]["related_tied_estimate"]["plus_minus_95"].is_null());
  CHECK(j["physical_time"]["related_tied_estimate"]["sampled_pairs"] == 0);
  CHECK(j["physical_time"]["related_tied"].is_null());
  CHECK(j["physical_time"]["related_inverted"] == 0);  // estimated, from 40 pairs (r.pt_inverted as set)
  CHECK(j["physical_time"]["related_inverted_estimate"]["share"] == 0.25);
  CHECK(j["physical_time"]["related_inverted_estimate"]["interval_95"] == json::array({0.14, 0.37}));
  CHECK(j["physical_time"]["related_tied_estimate"]["interval_95"].is_null());
  // Small shares keep two significant digits, never an exponent.
  r.pt_inverted_estimate = clock_comparison::estimate{0.00000048, 0.0000036, 900'000, 0.00000001, 0.0000041};
  std::ostringstream small;
  print_clock_report(small, r, names);
  CHECK(small.str().find("(≈ 0.000048%, 95% interval 0.0000010–0.00041%, from 900000 sampled pairs)") !=
        std::string::npos);
}
