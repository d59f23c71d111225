// Snowflake ids: the bit layout against Twitter's published epoch, each case of the generator and of
// its wrong variants derived by hand, the invariants catching the variants, canonical runs clean on
// many seeds, and the kind everywhere a kind goes (trace, check, narration, report, exports).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/snowflake/snowflake_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/run/runner.hpp"
#include "cli_fixture.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"
#include "trace_text.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using json = nlohmann::json;

namespace {

constexpr std::int64_t twitter_epoch = 1288834974657;
// With the default options, ms − epoch_ms at pt 0: 1767225600000 − 1288834974657.
constexpr std::uint64_t d = 478390625343;
constexpr std::uint64_t two_22 = 4194304;  // 2^22: one ms in an id

using drawn = std::optional<std::pair<std::int64_t, std::uint64_t>>;
drawn id_at(std::int64_t ms_read, std::uint64_t seq) { return std::pair(ms_read, seq); }

scenario with_snowflake(scenario s, snowflake_variant v = snowflake_variant::canonical, json options = json::object()) {
  s.logical.clocks = {"snowflake"};
  s.logical.extra.push_back({clock_registry::standard().find("snowflake"), static_cast<std::size_t>(v), options});
  return s;
}

// A's clock steps back 5 ms at 3.5 ms between ids at 1, 2, 3 ms and at 4, 6, 8, 10 ms (pt −1, 1, 3, 5 ms):
// the backward step of lesson 25.
scenario backward_step() {
  scenario s = make_scenario({"A"});
  for (sim_time t : {1, 2, 3, 4, 6, 8, 10}) s.script.push_back(at(t * ms, 0, action_kind::local, "id"));
  s.faults.push_back({3 * ms + ms / 2, clock_step_fault{0, -5 * ms}, "/faults/0"});
  return s;
}

// Every event's id as the trace writes it (null for a refusal).
std::vector<json> trace_ids(const scenario& s, std::uint64_t seed = 1) {
  std::vector<json> out;
  for (const json& l : trace_lines(s, seed))
    if (l["type"] == "event") out.push_back(l["snowflake"]);
  return out;
}

}  // namespace

TEST_CASE("snowflake ids follow Twitter's layout: a published id decomposed by hand, and one composed") {
  // Tweet id 1382350606417817604 = 329578067402 · 2^22 + 1339396 (4194304 · 329578067402 =
  // 1382350606416478208, and 1382350606417817604 − that = 1339396), 1339396 = 327 · 4096 + 4: 41 bits of
  // ms since the epoch, 10 machine bits (datacenter 10 · 32 + worker 7 = 327), seq 4. Unix ms 329578067402 +
  // 1288834974657 = 1618413042059, 2021-04-14T15:10:42.059Z.
  const snowflake_fields f = snowflake_split(1382350606417817604u);
  CHECK(f.ms_since_epoch == 329578067402u);
  CHECK(f.machine == 327);
  CHECK(f.seq == 4);
  CHECK(snowflake_id(1618413042059, twitter_epoch, 327, 4) == 1382350606417817604u);
  // 2021-01-01T00:00:00Z = 1609459200000: ms since the epoch 320624225343; · 2^22 = 1344795470853046272,
  // machine 1 adds 4096.
  CHECK(snowflake_id(1609459200000, twitter_epoch, 1, 0) == 1344795470853050368u);
  // The epoch itself is ms 0: machine and seq alone; the largest fields fill the low 22 bits.
  CHECK(snowflake_id(twitter_epoch, twitter_epoch, 1023, 4095) == 4194303u);
}

TEST_CASE("the snowflake generator's cases, each derived from SPEC's rule") {
  snowflake_generator g;
  const auto canonical = snowflake_variant::canonical;
  CHECK(g.draw(100, false, canonical) == id_at(100, 0));  // x > m (none yet): a new ms, seq 0
  CHECK(g.draw(100, false, canonical) == id_at(100, 1));  // r ≤ x ≤ m: m, seq + 1
  CHECK(g.draw(103, false, canonical) == id_at(103, 0));  // x > m
  CHECK(g.draw(101, false, canonical) == std::nullopt);  // x < r = 103: refused, the generator unchanged
  CHECK(g.r == 103);
  CHECK(g.draw(103, false, canonical) == id_at(103, 1));  // r ≤ x: the last id's ms, seq 0 + 1
  CHECK(g.draw(101, true, canonical) == id_at(103, 2));  // wait: m, seq + 1; r becomes 101
  CHECK(g.draw(102, false, canonical) == id_at(103, 3));  // r = 101 ≤ 102 ≤ m = 103
  // Past 4095: m + 1, seq 0; the clock still reading m is then r ≤ x ≤ m + 1: seq 1.
  snowflake_generator full{200, 200, snowflake_max_seq};
  CHECK(full.draw(200, false, canonical) == id_at(201, 0));
  CHECK(full.draw(200, false, canonical) == id_at(201, 1));
  CHECK(full.draw(199, false, canonical) == std::nullopt);  // below r = 200
  // seq-wrap: 0 in the same ms.
  snowflake_generator wraps{200, 200, snowflake_max_seq};
  CHECK(wraps.draw(200, false, snowflake_variant::seq_wrap) == id_at(200, 0));
  // no-backward-check: the earlier ms as it is, seq 0 (and r, m follow it).
  snowflake_generator back{103, 103, 2};
  CHECK(back.draw(101, false, snowflake_variant::no_backward_check) == id_at(101, 0));
  CHECK(back.draw(101, false, snowflake_variant::no_backward_check) == id_at(101, 1));
}

TEST_CASE("a run draws one id per event at its pt, with the process's index as machine") {
  // A sends to B at 1 ms (delay 1 ms): its send at pt 1 ms is (d + 1) · 2^22; its local at 1.5 ms reads
  // the same ms: seq 1. B receives at 2 ms, pt 2 ms: ms − epoch = d + 2, machine 1: (d + 2) · 2^22 + 4096.
  scenario s = make_scenario({"A", "B"});
  s.network.defaults.delay = distribution::constant(ms);
  s.script.push_back(at(ms, 0, action_kind::send, "m", {1}));
  s.script.push_back(at(ms + 500'000, 0, action_kind::local, "a2"));
  const std::vector<json> ids = trace_ids(with_snowflake(s));
  REQUIRE(ids.size() == 3);
  CHECK(ids[0] == (d + 1) * two_22);
  CHECK(ids[1] == (d + 1) * two_22 + 1);
  CHECK(ids[2] == (d + 2) * two_22 + 4096);
  // Options: epoch_ms = start_unix_ms makes ms − epoch = floor(pt / 1ms).
  const json same = {{"epoch_ms", 5}, {"start_unix_ms", 5}};
  const std::vector<json> small = trace_ids(with_snowflake(s, snowflake_variant::canonical, same));
  CHECK(small[0] == two_22);
  CHECK(small[2] == 2 * two_22 + 4096);
}

TEST_CASE("a backward clock step: refuse, wait and no-backward-check, by hand") {
  // Readings ms − epoch = d + floor(pt / 1ms): d+1, d+2, d+3, then (pt −1, 1, 3, 5 ms) d−1, d+1, d+3, d+5.
  const std::uint64_t d1 = (d + 1) * two_22, d3 = (d + 3) * two_22, d5 = (d + 5) * two_22;
  // refuse: d−1 and d+1 < r = d+3: null; d+3: r ≤ x ≤ m, seq 1; d+5 new.
  CHECK(trace_ids(with_snowflake(backward_step())) ==
        std::vector<json>{d1, d1 + two_22, d3, nullptr, nullptr, d3 + 1, d5});
  // wait: m = d+3 with seq 1, 2 (x = d+1 ≥ r = d−1), 3; then d+5.
  CHECK(trace_ids(with_snowflake(backward_step(), snowflake_variant::canonical, {{"on_backward", "wait"}})) ==
        std::vector<json>{d1, d1 + two_22, d3, d3 + 1, d3 + 2, d3 + 3, d5});
  // no-backward-check: d−1 as it is, then d+1 and d+3 are new ms again, repeating the first and third ids.
  CHECK(trace_ids(with_snowflake(backward_step(), snowflake_variant::no_backward_check)) ==
        std::vector<json>{d1, d1 + two_22, d3, (d - 1) * two_22, d1, d3, d5});
}

TEST_CASE("snowflake.monotonic catches no-backward-check, snowflake.unique the ids it repeats and seq-wrap") {
  // A step back to ms never used: the id decreases (monotonic) but repeats none (unique holds). Ids at
  // 10 ms, step −5 ms at 10.5 ms, an id at 11 ms: pt 6 ms, earlier than 10, never drawn.
  scenario s = make_scenario({"A"});
  s.script.push_back(at(10 * ms, 0, action_kind::local, "a"));
  s.script.push_back(at(11 * ms, 0, action_kind::local, "b"));
  s.faults.push_back({10 * ms + ms / 2, clock_step_fault{0, -5 * ms}, "/faults/0"});
  const run_outcome back = run_scenario(with_snowflake(s, snowflake_variant::no_backward_check));
  CHECK(back.invariants->count("snowflake.monotonic") == 1);
  CHECK(back.invariants->count("snowflake.unique") == 0);
  const run_outcome fine = run_scenario(with_snowflake(s));
  CHECK(fine.invariants->count("snowflake.monotonic") == 0);
  CHECK(fine.invariants->count("snowflake.unique") == 0);
  // Lesson 25's step: 1 decrease (d+3 → d−1), 2 repeats (d+1, d+3).
  const run_outcome lesson = run_scenario(with_snowflake(backward_step(), snowflake_variant::no_backward_check));
  CHECK(lesson.invariants->count("snowflake.monotonic") == 1);
  CHECK(lesson.invariants->count("snowflake.unique") == 2);
  // seq-wrap: 4,098 ids in one ms; the 4,097th is seq 0 of the same ms again, a repeat smaller than the
  // 4,096th, and the 4,098th repeats seq 1. A wrap within a generator always breaks both.
  scenario burst = make_scenario({"A"});
  burst.generate.push_back(random_generator{4098, 0, distribution::constant(0)});
  const run_outcome wraps = run_scenario(with_snowflake(burst, snowflake_variant::seq_wrap));
  CHECK(wraps.invariants->count("snowflake.monotonic") == 1);
  CHECK(wraps.invariants->count("snowflake.unique") == 2);
  const run_outcome waits = run_scenario(with_snowflake(burst));
  CHECK(waits.invariants->count("snowflake.monotonic") == 0);
  CHECK(waits.invariants->count("snowflake.unique") == 0);
}

TEST_CASE("canonical snowflake ids are increasing and unique on 1000 faulty random runs, refusing or waiting") {
  // Skew, drift, sync, a clock stepped back, a pause, a crash with persistence: refusals happen, and
  // waiting ids never repeat.
  std::uint64_t refused = 0;
  for (const char* mode : {"refuse", "wait"}) {
    const scenario s = with_snowflake(faulty_random_scenario(), snowflake_variant::canonical, {{"on_backward", mode}});
    for (std::uint64_t seed = 1; seed <= 500; ++seed) {
      run_options o;
      o.seed = seed;
      const run_outcome r = run_scenario(s, o);
      REQUIRE(r.invariants->count("snowflake.monotonic") == 0);
      REQUIRE(r.invariants->count("snowflake.unique") == 0);
      refused += r.clocks->result().kinds.at(0).unstamped;
    }
  }
  CHECK(refused > 0);
}

TEST_CASE("the clock comparison counts snowflake's broken and undecided edges and its refused ids") {
  // Lesson 25 refusing: 6 process-order edges; the three touching a refused id (A#3 → A#4, A#4 → A#5,
  // A#5 → A#6) undecided, the others increasing. 5 ids of 8 bytes over 7 events.
  const run_outcome r = run_scenario(with_snowflake(backward_step()));
  const clock_comparison::kind_share& k = r.clocks->result().kinds.at(0);
  CHECK(k.name == "snowflake");
  CHECK(k.edges == 6);
  CHECK(k.edges_broken == 0);
  CHECK(k.edges_undecided == 3);
  CHECK(k.unstamped == 2);
  CHECK(k.event_bytes == 40);
  // no-backward-check: A#3 → A#4 goes down (broken); A#4 → A#5 and the rest go up.
  const run_outcome wrong = run_scenario(with_snowflake(backward_step(), snowflake_variant::no_backward_check));
  CHECK(wrong.clocks->result().kinds.at(0).edges_broken == 1);
  CHECK(wrong.clocks->result().kinds.at(0).edges_undecided == 0);
  CHECK(wrong.clocks->result().kinds.at(0).unstamped == 0);
}

TEST_CASE("snowflake on the command line: summary, JSON, narration, check, explain and exports") {
  const scratch tmp;
  const std::string lesson = source_path("scenarios/teaching/25_snowflake_backward_step.json");
  const std::string trace = (tmp.dir / "s.jsonl").string();
  const cli_result run = run_cli("run '" + lesson + "' --trace '" + trace + "' --narrate");
  REQUIRE(run.code == 0);
  CHECK(run.out.find("and gave no stamp to 2 events (refused: null in the trace)") != std::string::npos);
  CHECK(run.out.find("pt -1ms: the clock read an earlier ms than at the last id (it went back): refused, null") !=
        std::string::npos);
  // A#2: d + 2 = 478390625345, after d + 1.
  CHECK(run.out.find("a new ms 478390625345 after the last id's 478390625344, seq 0: id = (478390625345 << 22) | "
                     "(0 << 12) | 0 = 2006515713447034880") != std::string::npos);
  const cli_result js = run_cli("run '" + lesson + "' --json");
  const json report = json::parse(js.out);
  CHECK(report["clock_report"]["snowflake"]["unstamped_events"] == 2);
  CHECK(report["clock_report"]["snowflake"]["edges_undecided"] == 3);
  // The trace round-trips: null and the ids read back, judged again, clean.
  CHECK(run_cli("check '" + trace + "'").code == 0);
  const cli_result wrong = run_cli("run '" + lesson + "' --variant snowflake=no-backward-check --trace '" + trace + "'");
  CHECK(wrong.code == 1);
  const cli_result check = run_cli("check '" + trace + "'");
  CHECK(check.code == 1);
  CHECK(check.out.find("snowflake.monotonic: 1 violation") != std::string::npos);
  CHECK(check.out.find("snowflake.unique: 2 violations") != std::string::npos);
  const cli_result explain = run_cli("explain '" + trace + "' A#3 A#4");
  CHECK(explain.out.find("snowflake variant no-backward-check: the clock went back to ms 478390625342, before the "
                         "last id's 478390625346, used as it is, seq 0") != std::string::npos);
  // Exports: the trace's values, null included; --clocks picks the kind; the HTML page offers it.
  const auto exported = [&](const std::string& format, const std::string& more = "") {
    return export_trace(tmp, trace, format, more);
  };
  const json graph = json::parse(exported("json"));
  CHECK(graph["graph"]["clocks"] == json::array({"snowflake"}));
  CHECK(graph["nodes"][3]["snowflake"] == (d - 1) * two_22);
  CHECK(exported("dot", "--clocks snowflake").find("snowflake 2006515713434451968") != std::string::npos);
  CHECK(exported("html").find("snowflake") != std::string::npos);
  const cli_result refusing = run_cli("run '" + lesson + "' --trace '" + trace + "'");
  REQUIRE(refusing.code == 0);
  CHECK(json::parse(exported("json"))["nodes"][3]["snowflake"].is_null());
}

TEST_CASE("snowflake options and process limits are checked when the scenario loads") {
  const auto load = [](const std::string& logical, std::size_t processes = 1) {
    json names = json::array();
    for (std::size_t i = 0; i < processes; ++i) names.push_back(std::string("p").append(std::to_string(i)));
    const json s = {{"name", "x"}, {"processes", names}, {"clocks", {"snowflake"}}, {"logical", json::parse(logical)}};
    return parse_scenario(s.dump(), "s.json");
  };
  CHECK_NOTHROW(load(R"({"snowflake": {"epoch_ms": 0, "start_unix_ms": 0, "on_backward": "wait"}})"));
  try {
    load(R"({"snowflake": {"on_backward": "later"}})");
    FAIL("accepted");
  } catch (const input_error& e) {
    CHECK(e.path() == "/logical/snowflake/on_backward");
    CHECK(e.expected() == "\"refuse\" or \"wait\"");
  }
  try {
    load(R"({"snowflake": {"epoch_ms": "2010"}})");
    FAIL("accepted");
  } catch (const input_error& e) {
    CHECK(e.path() == "/logical/snowflake/epoch_ms");
  }
  CHECK_NOTHROW(load("{}", 1024));
  CHECK_THROWS_AS(load("{}", 1025), input_error);
}
