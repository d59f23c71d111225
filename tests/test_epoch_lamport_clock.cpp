// The epoch Lamport clock (SPEC §8): its rules and wrong variants by hand, its invariants on a small
// run worked out event by event, the canonical clock clean on random runs, its options refused with
// the field's path, and its stamps through the trace, `hbsim check`, narration, the summary, exports
// and the clock comparison. Every expected number is derived in a comment from the rules.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/epoch_lamport/epoch_lamport_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/run/runner.hpp"
#include "cli_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using json = nlohmann::json;

namespace {

using v = epoch_lamport_variant;

epoch_stamp step(v variant, std::uint64_t max, epoch_stamp before) {
  return epoch_lamport_step(variant, max, before, nullptr);
}
epoch_stamp step(v variant, std::uint64_t max, epoch_stamp before, epoch_stamp m) {
  return epoch_lamport_step(variant, max, before, &m);
}

// Processes A, B, C; bits 2 (MAX 3), start 2; constant 1 ms delay:
//   1ms A local a1, B local b1; 2ms A sends m1 to B (arrives 3ms); 4ms B sends m2 to A (arrives 5ms);
//   5ms C sends m3 to A (arrives 6ms); 7ms A local a-end.
// Events: A#1 a1, B#1 b1, A#2 send m1, B#2 receive m1, B#3 send m2, A#3 receive m2, C#1 send m3,
// A#4 receive m3, A#5 a-end.
const std::string three = R"({"name": "epoch", "processes": ["A", "B", "C"], "network": {"delay": "1ms"},
  "clocks": ["epoch_lamport"], "logical": {"epoch_lamport": {"bits": 2, "start": 2, "variant": "VARIANT"}},
  "script": [{"at": "1ms", "process": "A", "do": "local", "label": "a1"},
             {"at": "1ms", "process": "B", "do": "local", "label": "b1"},
             {"at": "2ms", "process": "A", "do": "send", "to": "B", "label": "m1"},
             {"at": "4ms", "process": "B", "do": "send", "to": "A", "label": "m2"},
             {"at": "5ms", "process": "C", "do": "send", "to": "A", "label": "m3"},
             {"at": "7ms", "process": "A", "do": "local", "label": "a-end"}]})";

scenario three_with(const std::string& variant) {
  std::string t = three;
  t.replace(t.find("VARIANT"), 7, variant);
  return parse_scenario(t, "epoch.json");
}

struct counts {
  std::uint64_t clock_condition, monotonic, in_range, rule;
};
counts violations(const run_outcome& r) {
  return {r.invariants->count("epoch_lamport.clock_condition"), r.invariants->count("epoch_lamport.monotonic"),
          r.invariants->count("epoch_lamport.in_range"), r.invariants->count("epoch_lamport.rule")};
}

// The stamps of a run's trace, by "process#seq".
std::map<std::string, json> stamps(const std::string& trace) {
  std::map<std::string, json> out;
  std::istringstream in(trace);
  for (std::string line; std::getline(in, line);) {
    const json l = json::parse(line);
    if (l["type"] == "event")
      out[l["process"].get<std::string>() + "#" + std::to_string(l["seq"].get<int>())] = l["epoch_lamport"];
  }
  return out;
}

std::string traced(const scenario& s) {
  const temp_file trace("epoch.jsonl");
  run_options o;
  o.trace_path = trace.str();
  run_scenario(s, o);
  return read_file(trace.path);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string lesson(const std::string& file) { return source_path("scenarios/teaching/" + file); }

}  // namespace

TEST_CASE("epoch_lamport: the canonical tick and receive, by hand") {
  // Tick below the bound: c + 1. At c == MAX: epoch + 1, c = 0, then c + 1.
  CHECK(step(v::canonical, 255, {0, 5}) == epoch_stamp{0, 6});
  CHECK(step(v::canonical, 255, {0, 254}) == epoch_stamp{0, 255});
  CHECK(step(v::canonical, 255, {0, 255}) == epoch_stamp{1, 1});
  CHECK(step(v::canonical, 255, {7, 255}) == epoch_stamp{8, 1});
  // bits 1: MAX 1, so every second tick opens an epoch: (0, 0) -> (0, 1) -> (1, 1) -> (2, 1).
  CHECK(step(v::canonical, 1, {0, 0}) == epoch_stamp{0, 1});
  CHECK(step(v::canonical, 1, {0, 1}) == epoch_stamp{1, 1});
  CHECK(step(v::canonical, 1, {1, 1}) == epoch_stamp{2, 1});
  // Receive: lexicographic max, epoch first, then the tick.
  CHECK(step(v::canonical, 255, {0, 254}, {1, 1}) == epoch_stamp{1, 2});  // max = (1, 1): the newer epoch wins
  CHECK(step(v::canonical, 255, {1, 1}, {0, 254}) == epoch_stamp{1, 2});  // an older epoch loses, and still ticks
  CHECK(step(v::canonical, 255, {0, 3}, {0, 255}) == epoch_stamp{1, 1});  // max (0, 255) is at the bound
  CHECK(step(v::canonical, 255, {2, 7}, {2, 7}) == epoch_stamp{2, 8});
  CHECK(step(v::canonical, 255, {2, 7}, {2, 9}) == epoch_stamp{2, 10});
  // The full 63 bits: MAX = 2^63 - 1 = 9223372036854775807.
  const std::uint64_t max63 = 9223372036854775807ULL;
  CHECK(step(v::canonical, max63, {0, max63}) == epoch_stamp{1, 1});
  CHECK(epoch_lamport_settings{63, 0}.max() == max63);
  CHECK(epoch_lamport_settings{8, 0}.max() == 255);
  CHECK(epoch_lamport_settings{}.max() == 4294967295ULL);  // the default 32 bits
}

TEST_CASE("epoch_lamport: each wrong variant differs from the canonical rule only where it says") {
  // old-epoch-ignored: a message of an older epoch leaves the stamp as it was; others as canonical.
  CHECK(step(v::old_epoch_ignored, 3, {1, 1}, {0, 1}) == epoch_stamp{1, 1});
  CHECK(step(v::old_epoch_ignored, 3, {1, 1}, {1, 2}) == epoch_stamp{1, 3});
  CHECK(step(v::old_epoch_ignored, 3, {1, 1}, {2, 0}) == epoch_stamp{2, 1});
  CHECK(step(v::old_epoch_ignored, 3, {0, 3}) == epoch_stamp{1, 1});
  // raw-wrap: c = (c + 1) mod 2^bits, the epoch never moves.
  CHECK(step(v::raw_wrap, 255, {0, 255}) == epoch_stamp{0, 0});
  CHECK(step(v::raw_wrap, 255, {0, 7}) == epoch_stamp{0, 8});
  CHECK(step(v::raw_wrap, 255, {0, 255}, {0, 0}) == epoch_stamp{0, 0});  // max (0, 255), then the wrap
  CHECK(step(v::raw_wrap, 255, {0, 3}, {0, 9}) == epoch_stamp{0, 10});
  // bound-on-tick-only: a receive adds 1 to the max without the bound check; a tick still checks, but
  // only for c == MAX, so a c already past MAX keeps counting up.
  CHECK(step(v::bound_on_tick_only, 255, {0, 3}, {0, 255}) == epoch_stamp{0, 256});
  CHECK(step(v::bound_on_tick_only, 255, {0, 3}, {0, 4}) == epoch_stamp{0, 5});
  CHECK(step(v::bound_on_tick_only, 255, {0, 255}) == epoch_stamp{1, 1});
  CHECK(step(v::bound_on_tick_only, 255, {0, 256}) == epoch_stamp{0, 257});
}

TEST_CASE("epoch_lamport: the clocks start at (0, start), carry the send's stamp, and restart as persisted") {
  epoch_lamport_clock c(2, {2, 3});  // MAX 3, start 3
  CHECK(c.value(0) == epoch_stamp{0, 3});
  c.reserve_slots(1);
  c.tick(0, event_kind::send, 0);  // at MAX: (1, 1)
  c.capture(0, 0);
  CHECK(c.value(0) == epoch_stamp{1, 1});
  c.receive(1, 0, 0);  // max((0, 3), (1, 1)) = (1, 1), then (1, 2)
  CHECK(c.value(1) == epoch_stamp{1, 2});
  CHECK(c.stamp(1)[0] == 1);
  CHECK(c.stamp(1)[1] == 2);
  c.restore(1);  // no checkpoint taken: from the start
  CHECK(c.value(1) == epoch_stamp{0, 3});
  c.checkpoint(0);
  c.tick(0, event_kind::local, 0);
  CHECK(c.value(0) == epoch_stamp{1, 2});
  c.restore(0);
  CHECK(c.value(0) == epoch_stamp{1, 1});
  c.reset(0);
  CHECK(c.value(0) == epoch_stamp{0, 3});
  // Process 0's checkpoint is no checkpoint of process 1, which never took one: it restarts from the start,
  // not from (1, 1), its value when 0 took its own (the first checkpoint used to copy every process's value).
  epoch_lamport_clock d(2, {2, 3});
  d.reserve_slots(1);
  d.tick(1, event_kind::local, 0);  // (0, 3) at MAX: (1, 1)
  d.checkpoint(0);
  d.restore(1);
  CHECK(d.value(1) == epoch_stamp{0, 3});
  CHECK(c.variant() == "canonical");
  CHECK(epoch_lamport_clock(1, {}, v::raw_wrap).variant() == "raw-wrap");
}

TEST_CASE("epoch_lamport: the canonical clock of a small run, event by event") {
  // bits 2 (MAX 3), start 2:
  //   A#1 (0, 2 + 1) = (0, 3); B#1 (0, 3); A#2 at MAX: (1, 1), carried by m1;
  //   B#2 max((0, 3), (1, 1)) = (1, 1), then (1, 2); B#3 (1, 3), carried by m2;
  //   A#3 max((1, 1), (1, 3)) = (1, 3) at MAX: (2, 1); C#1 (0, 3), carried by m3;
  //   A#4 max((2, 1), (0, 3)) = (2, 1), then (2, 2); A#5 (2, 3).
  const auto s = stamps(traced(three_with("canonical")));
  CHECK(s.at("A#1") == json::array({0, 3}));
  CHECK(s.at("B#1") == json::array({0, 3}));
  CHECK(s.at("A#2") == json::array({1, 1}));
  CHECK(s.at("B#2") == json::array({1, 2}));
  CHECK(s.at("B#3") == json::array({1, 3}));
  CHECK(s.at("A#3") == json::array({2, 1}));
  CHECK(s.at("C#1") == json::array({0, 3}));
  CHECK(s.at("A#4") == json::array({2, 2}));
  CHECK(s.at("A#5") == json::array({2, 3}));
  const run_outcome r = run_scenario(three_with("canonical"), run_options{});
  const counts c = violations(r);
  CHECK(c.clock_condition + c.monotonic + c.in_range + c.rule == 0);
  CHECK(r.invariants->judged() == 4);
}

TEST_CASE("epoch_lamport: raw-wrap breaks clock_condition, monotonic and rule, never in_range") {
  // A#1 (0, 3); B#1 (0, 3); A#2 (0, (3 + 1) mod 4) = (0, 0), m1 (0, 0); B#2 max((0, 3), (0, 0)) = (0, 3),
  // wrap (0, 0); B#3 (0, 1), m2; A#3 max((0, 0), (0, 1)) = (0, 1), then (0, 2); C#1 (0, 3), m3;
  // A#4 max((0, 2), (0, 3)) = (0, 3), wrap (0, 0); A#5 (0, 1).
  // Edges not increasing: A#1 -> A#2, B#1 -> B#2, A#3 -> A#4 (process order: monotonic too), A#2 -> B#2
  // and C#1 -> A#4 (messages): 5 and 3. The rule gives (1, 1) where A#2, B#2 and A#4 have (0, 0): 3.
  const counts c = violations(run_scenario(three_with("raw-wrap"), run_options{}));
  CHECK(c.clock_condition == 5);
  CHECK(c.monotonic == 3);
  CHECK(c.in_range == 0);
  CHECK(c.rule == 3);
}

TEST_CASE("epoch_lamport: old-epoch-ignored breaks clock_condition, monotonic and rule once, at the ignored receive") {
  // As canonical up to A#3 (2, 1); A#4 receives m3 (0, 3), epoch 0 < 2: keeps (2, 1); A#5 (2, 2).
  // A#3 -> A#4 is not increasing (clock_condition, monotonic); C#1 (0, 3) -> A#4 (2, 1) is. The rule
  // gives A#4 max((2, 1), (0, 3)) = (2, 1), then (2, 2); A#5 follows from A#4's (2, 1) by the rule.
  const counts c = violations(run_scenario(three_with("old-epoch-ignored"), run_options{}));
  CHECK(c.clock_condition == 1);
  CHECK(c.monotonic == 1);
  CHECK(c.in_range == 0);
  CHECK(c.rule == 1);
}

TEST_CASE("epoch_lamport: bound-on-tick-only breaks in_range and rule, never the order") {
  // As canonical up to B#3 (1, 3); A#3 max((1, 1), (1, 3)) = (1, 3), then (1, 3 + 1) = (1, 4) > MAX;
  // A#4 max((1, 4), (0, 3)) = (1, 4), then (1, 5); A#5 c = 5 is not MAX: (1, 6). Out of range: A#3, A#4,
  // A#5. The rule gives A#3 (2, 1); A#4 and A#5 follow from their recorded predecessors ((1, 5), (1, 6)).
  // Every stamp still increases along every edge.
  const counts c = violations(run_scenario(three_with("bound-on-tick-only"), run_options{}));
  CHECK(c.clock_condition == 0);
  CHECK(c.monotonic == 0);
  CHECK(c.in_range == 3);
  CHECK(c.rule == 1);
}

TEST_CASE("epoch_lamport: the canonical clock holds every invariant on 1,000 random runs with overflows") {
  // 3 bits (MAX 7) from start 5: each process overflows within a few events, messages cross epochs,
  // some are lost and some duplicated.
  const std::string text = R"({"name": "random-epoch", "processes": ["A", "B", "C", "D"],
    "network": {"delay": {"dist": "exponential", "mean": "2ms"}, "loss": 0.1, "duplicate": 0.1},
    "clocks": ["lamport", "epoch_lamport"], "logical": {"epoch_lamport": {"bits": 3, "start": 5}},
    "generate": {"kind": "random", "events": 12, "send_ratio": 0.6, "interval": {"dist": "exponential", "mean": "1ms"}}})";
  const scenario s = parse_scenario(text, "random.json");
  std::uint64_t broken = 0, epochs = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    run_options o;
    o.seed = seed;
    o.judge_thread = false;  // small runs: a thread each would cost more than it saves
    const run_outcome r = run_scenario(s, o);
    const counts c = violations(r);
    broken += c.clock_condition + c.monotonic + c.in_range + c.rule;
    broken += r.clocks->result().kinds.at(0).edges_broken;
    epochs += r.sim->clocks().extra()[0]->stamp(0)[0];
  }
  CHECK(broken == 0);
  CHECK(epochs >= 2000);  // A's own 12 ticks from (0, 5) under MAX 7 alone reach (2, 1) at the 11th
}

TEST_CASE("epoch_lamport: options out of range are refused with the field's path") {
  const auto refused = [](const std::string& block) {
    try {
      parse_scenario(R"({"name": "x", "processes": ["A"], "clocks": ["epoch_lamport"], "logical": {"epoch_lamport": )" +
                         block + "}}",
                     "x.json");
    } catch (const input_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(has(refused(R"({"bits": 0})"), "/logical/epoch_lamport/bits"));
  CHECK(has(refused(R"({"bits": 0})"), "an integer from 1 to 63"));
  CHECK(has(refused(R"({"bits": 64})"), "an integer from 1 to 63"));
  CHECK(has(refused(R"({"bits": "8"})"), "/logical/epoch_lamport/bits"));
  // start 256 with bits 8: MAX = 2^8 - 1 = 255.
  const std::string start = refused(R"({"bits": 8, "start": 256})");
  CHECK(has(start, "/logical/epoch_lamport/start"));
  CHECK(has(start, "an integer from 0 to 255"));
  CHECK(has(start, "256"));
  CHECK(has(refused(R"({"start": -1})"), "an integer from 0 to 4294967295"));
  CHECK(has(refused(R"({"epoch": 1})"), "/logical/epoch_lamport/epoch"));
  CHECK(has(refused(R"({"variant": "wrap"})"), "/logical/epoch_lamport/variant"));
  CHECK(refused(R"({"bits": 8, "start": 255})") == "accepted");
  CHECK(refused(R"({"bits": 63, "start": 9223372036854775807})") == "accepted");
}

TEST_CASE("epoch_lamport: the trace records the options, and hbsim check judges by them") {
  const scratch tmp;
  const std::string trace = (tmp.dir / "22.jsonl").string();
  REQUIRE(run_cli("run '" + lesson("22_epoch_lamport_overflow.json") + "' --trace '" + trace + "'").code == 0);
  const std::string text = read_file(trace);
  const json header = json::parse(text.substr(0, text.find('\n')));
  CHECK(header["clocks"] == json::array({"epoch_lamport"}));
  CHECK(header["logical"] == json::parse(R"({"epoch_lamport": {"bits": 8, "start": 253}})"));
  CHECK(stamps(text).at("A#3") == json::array({1, 1}));  // lesson 22: A's send at MAX opens epoch 1
  CHECK(stamps(text).at("C#2") == json::array({1, 1}));  // C's receive of B's (0, 255) too
  const cli_result checked = run_cli("check '" + trace + "'");
  CHECK(checked.code == 0);
  CHECK(has(checked.out, "4 of 4 hold"));

  // Without the options the header means bits 32, start 0: A#1 from (0, 0) should be (0, 1), not (0, 254).
  std::string bare = text;
  const std::string logical = R"(,"logical":{"epoch_lamport":{"bits":8,"start":253}})";
  REQUIRE(bare.find(logical) != std::string::npos);
  bare.erase(bare.find(logical), logical.size());
  const std::string bare_path = (tmp.dir / "bare.jsonl").string();
  { std::ofstream(bare_path) << bare; }
  const cli_result judged = run_cli("check '" + bare_path + "'");
  CHECK(judged.code == 1);
  CHECK(has(judged.out, "epoch_lamport.rule"));

  // Options a header may not hold: exit 2, naming the field.
  std::string wrong = text;
  wrong.replace(wrong.find(logical), logical.size(), R"(,"logical":{"epoch_lamport":{"bits":8,"start":300}})");
  const std::string wrong_path = (tmp.dir / "wrong.jsonl").string();
  { std::ofstream(wrong_path) << wrong; }
  const cli_result refused = run_cli("check '" + wrong_path + "'");
  CHECK(refused.code == 2);
  CHECK(has(refused.err, "/logical/epoch_lamport/start"));
  CHECK(has(refused.err, "an integer from 0 to 255"));

  // Options recorded for a kind that records none, or a kind the trace does not have, or an unknown option.
  for (const char* other : {R"(,"logical":{"matrix":{}})", R"(,"logical":{"epoch_lamport":{"epoch":1}})"}) {
    std::string edited = text;
    edited.replace(edited.find(logical), logical.size(), other);
    const std::string path = (tmp.dir / "other.jsonl").string();
    { std::ofstream(path) << edited; }
    const cli_result r = run_cli("check '" + path + "'");
    CHECK(r.code == 2);
    CHECK(has(r.err, "/logical/"));
  }

  // A variant's trace: check finds what the run found (lesson 23: raw-wrap).
  const std::string raw = (tmp.dir / "23.jsonl").string();
  REQUIRE(run_cli("run '" + lesson("23_epoch_lamport_raw_wrap.json") + "' --trace '" + raw + "'").code == 0);
  const cli_result raw_checked = run_cli("check '" + raw + "'");
  CHECK(raw_checked.code == 1);
  CHECK(has(raw_checked.out, "epoch_lamport.monotonic: 2 violations"));
  CHECK(has(raw_checked.out, "epoch_lamport.clock_condition: 3 violations"));
  CHECK(has(raw_checked.out, "epoch_lamport.rule: 2 violations"));
  CHECK_FALSE(has(raw_checked.out, "epoch_lamport.in_range:"));
}

TEST_CASE("epoch_lamport: narration gives each rule with its numbers, and names a wrong variant") {
  const cli_result r = run_cli("run '" + lesson("22_epoch_lamport_overflow.json") + "' --narrate");
  REQUIRE(r.code == 0);
  // A#1 from (0, 253); A#3 at MAX 255; C#2 merges B's (0, 255), at MAX; A#4 merges B's older (0, 255);
  // B#3 merges A's (1, 1).
  CHECK(has(r.out, "(e, c) = (0, 253 + 1) = (0, 254)"));
  CHECK(has(r.out, "c = MAX 255, so a new epoch: (e, c) = (0 + 1, 0 + 1) = (1, 1)"));
  CHECK(has(r.out, "(e, c) = max((0, 254), (0, 255)) = (0, 255), then c = MAX 255, so a new epoch: (0 + 1, 0 + 1) = (1, 1)"));
  CHECK(has(r.out, "(e, c) = max((1, 1), (0, 255)) = (1, 1), then (1, 1 + 1) = (1, 2)"));
  CHECK(has(r.out, "(e, c) = max((0, 255), (1, 1)) = (1, 1), then (1, 1 + 1) = (1, 2)"));

  const cli_result wrong = run_cli("run '" + lesson("24_epoch_lamport_old_epoch_ignored.json") + "' --narrate");
  REQUIRE(wrong.code == 0);
  CHECK(has(wrong.out, "wrong clocks selected: epoch_lamport old-epoch-ignored\n"));
  // A#5: (1, 1) kept, the message (0, 1) from epoch 0.
  CHECK(has(wrong.out, "epoch_lamport variant old-epoch-ignored: (e, c) stays (1, 1) (ignores the message's (0, 1), "
                       "from an older epoch: no merge, no tick)"));
  const cli_result wrap = run_cli("run '" + lesson("23_epoch_lamport_raw_wrap.json") + "' --narrate");
  // A#2: (0, 255) + 1 wraps in 8 bits.
  CHECK(has(wrap.out, "epoch_lamport variant raw-wrap: (e, c) = (0, (255 + 1) mod 256) = (0, 0) (c wraps to 0, the epoch stays 0)"));
}

TEST_CASE("epoch_lamport: the summary shows how near each process came to the bound") {
  // Lesson 22: A reached 255 and its send overflowed into epoch 1; B reached 255 and took epoch 1
  // from A's message (its tick then found c = 1); C reached 254, and its receive of B's (0, 255)
  // overflowed.
  const cli_result r = run_cli("run '" + lesson("22_epoch_lamport_overflow.json") + "'");
  REQUIRE(r.code == 0);
  CHECK(has(r.out, "\nepoch_lamport  c <= 255 (8 bits); every process started at (0, 253)\n"
                   "  A        largest c 255, at the bound; epochs 0 to 1, 1 overflow\n"
                   "  B        largest c 255, at the bound; epochs 0 to 1\n"
                   "  C        largest c 254, 1 below the bound; epochs 0 to 1, 1 overflow\n"));
  // What the stamps reached, not the start: bits 3 (MAX 7), start 6. A's send (0, 6 + 1) = (0, 7); B's receive
  // max((0, 6), (0, 7)) = (0, 7) at MAX, so (1, 1), an overflow; B's local (1, 2). C has no event.
  const temp_file small("el.json", R"({"name": "el", "processes": ["A", "B", "C"], "clocks": ["lamport", "epoch_lamport"],
    "logical": {"epoch_lamport": {"bits": 3, "start": 6}},
    "script": [{"at": "1ms", "process": "A", "do": "send", "to": "B"}, {"at": "3ms", "process": "B", "do": "local"}]})");
  const cli_result s = run_cli("run '" + small.str() + "'");
  CHECK(has(s.out, "  A        largest c 7, at the bound; epoch 0\n"
                   "  B        largest c 2, 5 below the bound; epoch 1, 1 overflow\n"
                   "  C        no event\n"));
  // Lesson 23 (raw-wrap): both wrapped once, and stayed in epoch 0.
  const cli_result wrap = run_cli("run '" + lesson("23_epoch_lamport_raw_wrap.json") + "'");
  CHECK(has(wrap.out, "  A        largest c 255, at the bound; epoch 0, 1 overflow\n"));
  // Beyond 12 processes, one line of the largest over them: 13 processes from (0, 250), of which only
  // p3 acts, 6 locals: (0, 251) ... (0, 255), then at MAX (1, 1).
  const temp_file many("many.json", R"({"name": "many", "processes": {"count": 13}, "clocks": ["epoch_lamport"],
    "logical": {"epoch_lamport": {"bits": 8, "start": 250}},
    "script": [{"at": "1ms", "process": "p3", "do": "local"}, {"at": "2ms", "process": "p3", "do": "local"},
               {"at": "3ms", "process": "p3", "do": "local"}, {"at": "4ms", "process": "p3", "do": "local"},
               {"at": "5ms", "process": "p3", "do": "local"}, {"at": "6ms", "process": "p3", "do": "local"}]})");
  const cli_result m = run_cli("run '" + many.str() + "'");
  CHECK(m.code == 0);
  CHECK(has(m.out, "\nepoch_lamport  c <= 255 (8 bits); every process started at (0, 250)\n"
                   "  largest c 255 (p3), at the bound; largest epoch 1 (p3); 1 overflow in all\n"));
  // --json: the final stamps as the trace writes them (A ends at (1, 2), lesson 22's A#4).
  const json j = json::parse(run_cli("run '" + lesson("22_epoch_lamport_overflow.json") + "' --json").out);
  CHECK(j["final_clocks"]["A"]["epoch_lamport"] == json::array({1, 2}));
  CHECK(j["final_clocks"]["C"]["epoch_lamport"] == json::array({1, 1}));
}

TEST_CASE("epoch_lamport: a variant from the command line, and the run it breaks") {
  const auto under = [](const std::string& variant) {
    scenario s = load_scenario(lesson("22_epoch_lamport_overflow.json"));
    apply_variant(s, "epoch_lamport=" + variant);
    return violations(run_scenario(s, run_options{}));
  };
  const counts plain = under("canonical");
  CHECK(plain.clock_condition + plain.monotonic + plain.in_range + plain.rule == 0);
  // Lesson 22 under raw-wrap: A#3 (0, 0); B#2 (0, 255) as before; A#4 max((0, 0), (0, 255)) wraps to
  // (0, 0); C#2 max((0, 254), (0, 255)) wraps to (0, 0); B#3 max((0, 255), (0, 0)) wraps to (0, 0).
  // Process order not increasing: A#2 -> A#3, A#3 -> A#4, B#2 -> B#3, C#1 -> C#2 (4); messages A#3 -> B#3,
  // B#2 -> A#4, B#2 -> C#2 (3). The rule gives (1, 1) at A#3, A#4, C#2 and B#3, all (0, 0).
  const counts wrapped = under("raw-wrap");
  CHECK(wrapped.clock_condition == 7);
  CHECK(wrapped.monotonic == 4);
  CHECK(wrapped.rule == 4);
  CHECK(wrapped.in_range == 0);
  // bound-on-tick-only: only C#2's merge lands on MAX: (0, 255 + 1) = (0, 256), out of range, where the
  // rule gives (1, 1). The other receives merge (1, 1) and add 1 as the canonical rule does.
  const counts unchecked = under("bound-on-tick-only");
  CHECK(unchecked.in_range == 1);
  CHECK(unchecked.rule == 1);
  CHECK(unchecked.clock_condition + unchecked.monotonic == 0);
  // old-epoch-ignored: A#4 keeps (1, 1) on B's (0, 255): the edge A#3 -> A#4, and its rule.
  const counts ignored = under("old-epoch-ignored");
  CHECK(ignored.clock_condition == 1);
  CHECK(ignored.monotonic == 1);
  CHECK(ignored.rule == 1);
  CHECK(ignored.in_range == 0);
  const cli_result r = run_cli("run '" + lesson("22_epoch_lamport_overflow.json") + "' --variant epoch_lamport=raw-wrap");
  CHECK(r.code == 1);
  CHECK(has(r.out, "VIOLATED  epoch_lamport.monotonic: 4 violations"));
  CHECK(run_cli("run '" + lesson("22_epoch_lamport_overflow.json") + "' --variant epoch_lamport=wrap").code == 2);
}

TEST_CASE("epoch_lamport: the clock comparison counts its bytes and orders every edge, derived by hand") {
  // Lesson 22: 9 events (A 4, B 3, C 2), 3 messages (A's send, B's broadcast to A and C); 8 bits: c in
  // 1 byte + a 4-byte epoch = 5 bytes. Edges: process order A 3, B 2, C 1, and the messages A#3->B#3,
  // B#2->A#4, B#2->C#2: 9, all increasing lexicographically.
  const scenario lesson_22 = load_scenario(lesson("22_epoch_lamport_overflow.json"));  // outlives the outcome
  const run_outcome r = run_scenario(lesson_22, run_options{});
  REQUIRE(r.clocks->result().kinds.size() == 1);
  const clock_comparison::kind_share& k = r.clocks->result().kinds[0];
  CHECK(k.name == "epoch_lamport");
  CHECK(k.encoding == "4-byte epoch + 1-byte c (8 bits)");
  CHECK(k.event_bytes == 45);
  CHECK(k.message_bytes == 15);
  CHECK(k.edges == 9);
  CHECK(k.edges_broken == 0);
  CHECK(k.edges_undecided == 0);
  // Lesson 23 (raw-wrap): edges A#1->A#2 ((0, 255) then (0, 0)), B#1->B#2 (the same) and A#2->B#2 (equal):
  // all three broken.
  const scenario lesson_23 = load_scenario(lesson("23_epoch_lamport_raw_wrap.json"));
  const run_outcome w = run_scenario(lesson_23, run_options{});
  CHECK(w.clocks->result().kinds[0].edges == 3);
  CHECK(w.clocks->result().kinds[0].edges_broken == 3);
  // The default 32 bits: 4 + 4 bytes, as many as one Lamport word.
  const auto kind = clock_registry::standard().find("epoch_lamport");
  const std::uint64_t words[] = {0, 1};
  CHECK(kind->bytes(words) == 8);
  CHECK(kind->order({0, std::vector<std::uint64_t>{0, 9}}, {1, std::vector<std::uint64_t>{1, 0}}) == stamp_order::before);
  CHECK(kind->order({0, std::vector<std::uint64_t>{1, 0}}, {1, std::vector<std::uint64_t>{0, 9}}) == stamp_order::after);
  CHECK(kind->order({0, std::vector<std::uint64_t>{1, 2}}, {1, std::vector<std::uint64_t>{1, 2}}) == stamp_order::equal);
}

TEST_CASE("epoch_lamport: exports show the stamps, and explain gives the rule of each hop") {
  const scratch tmp;
  const std::string trace = (tmp.dir / "22.jsonl").string();
  REQUIRE(run_cli("run '" + lesson("22_epoch_lamport_overflow.json") + "' --trace '" + trace + "'").code == 0);
  const auto exported = [&](const std::string& format, const std::string& more = "") {
    return export_trace(tmp, trace, format, more);
  };
  const json graph = json::parse(exported("json"));
  CHECK(graph["graph"]["clocks"] == json::array({"epoch_lamport"}));
  bool found = false;
  for (const json& n : graph["nodes"])
    if (n["process"] == "B" && n["seq"] == 3) found = n["epoch_lamport"] == json::array({1, 2});
  CHECK(found);
  CHECK(has(exported("dot", "--clocks epoch_lamport"), "epoch_lamport (1, 1)"));
  CHECK(has(exported("html"), "epoch_lamport"));
  CHECK(has(exported("perfetto"), R"("epoch_lamport": [1,1])"));
  // explain A#2 -> B#3: the path A#2, A#3 (send), B#3, each with its rule.
  const cli_result e = run_cli("explain '" + trace + "' A#2 B#3");
  REQUIRE(e.code == 0);
  CHECK(has(e.out, "c = MAX 255, so a new epoch: (e, c) = (0 + 1, 0 + 1) = (1, 1)"));
  CHECK(has(e.out, "(e, c) = max((0, 255), (1, 1)) = (1, 1), then (1, 1 + 1) = (1, 2)"));
}
