// Golden narrations. Every number is worked out by hand in the comments from the canonical rules
// (FORMAT.md §8): L = L + 1, or max(L, L_m) + 1 on a receive; V[i] += 1 after an entrywise max on a
// receive; HLC l = max(l, pt) (receive: max(l, l_m, pt)) with c as Kulkarni's cases say.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "hbsim/views/narrator.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

std::string narrate(const scenario& s) {
  std::ostringstream out;
  narrator n(out);
  simulation sim(s);
  sim.observe(n);
  sim.run();
  CHECK(n.in_flight() == 0);
  return out.str();
}

scenario from_json(std::string_view text) { return parse_scenario(text, "test.json"); }

}  // namespace

TEST_CASE("narrator: the three clocks scenario, rule by rule") {
  // A's clock is 2ms fast, C's 1ms slow; delays 1ms (scenarios/three_clocks.json, whose notes derive the values).
  const std::string expected =
      "narration of \"three-clocks\", seed 1, processes A, B, C\n"
      // t 0, pt 0 + 2ms: L 0 + 1; V[A] 0 + 1; l = max(0, 2ms) moved, so c = 0.
      "[0ns] A#1 local \"prepare\", pt 2ms: L = 0 + 1 = 1; V = [0,0,0] then tick = [1,0,0]; "
      "HLC l = max(0ns, pt 2ms) = 2ms, c = 0 (l moved to pt) = (2ms, 0)\n"
      // t 1ms, pt 3ms: L 2; V[A] 2; l = max(2ms, 3ms) = 3ms moved, c = 0. Delay 1ms: arrives at 2ms.
      "[1ms] A#2 send \"hello\" to B, pt 3ms: L = 1 + 1 = 2; V = [1,0,0] then tick = [2,0,0]; "
      "HLC l = max(2ms, pt 3ms) = 3ms, c = 0 (l moved to pt) = (3ms, 0)\n"
      "    m1 A→B: delay 1ms, arrives at 2ms\n"
      // B's first event, pt = t = 1.5ms.
      "[1.5ms] B#1 local \"draft\", pt 1.5ms: L = 0 + 1 = 1; V = [0,0,0] then tick = [0,1,0]; "
      "HLC l = max(0ns, pt 1.5ms) = 1.5ms, c = 0 (l moved to pt) = (1.5ms, 0)\n"
      // C's first event, pt = 1.5ms - 1ms = 0.5ms = 500us.
      "[1.5ms] C#1 local \"idle\", pt 500us: L = 0 + 1 = 1; V = [0,0,0] then tick = [0,0,1]; "
      "HLC l = max(0ns, pt 500us) = 500us, c = 0 (l moved to pt) = (500us, 0)\n"
      // m1 carries L 2, [2,0,0], (3ms, 0). L = max(1, 2) + 1 = 3; l = max(1.5ms, 3ms, 2ms) = l_m only: c = 0 + 1.
      "[2ms] B#2 receive \"hello\" (m1 from A#2), pt 2ms: L = max(1, 2) + 1 = 3; "
      "V = max([0,1,0], [2,0,0]) then tick = [2,2,0]; "
      "HLC l = max(1.5ms, 3ms, pt 2ms) = 3ms, c = c_m + 1 = 0 + 1 (l from the message) = (3ms, 1)\n"
      // The reactive relay at once: l = max(3ms, 2ms) = 3ms unchanged, c = 1 + 1.
      "[2ms] B#3 send \"relay\" to C, pt 2ms: L = 3 + 1 = 4; V = [2,2,0] then tick = [2,3,0]; "
      "HLC l = max(3ms, pt 2ms) = 3ms, c = c + 1 = 1 + 1 (l unchanged) = (3ms, 2)\n"
      "    m2 B→C: delay 1ms, arrives at 3ms\n"
      // pt 3ms - 1ms = 2ms. L = max(1, 4) + 1 = 5; l = max(0.5ms, 3ms, 2ms) = l_m only: c = 2 + 1.
      "[3ms] C#2 receive \"relay\" (m2 from B#3), pt 2ms: L = max(1, 4) + 1 = 5; "
      "V = max([0,0,1], [2,3,0]) then tick = [2,3,2]; "
      "HLC l = max(500us, 3ms, pt 2ms) = 3ms, c = c_m + 1 = 2 + 1 (l from the message) = (3ms, 3)\n"
      // Broadcast at 4ms, pt 3ms: l = max(3ms, 3ms) unchanged, c = 3 + 1. One message per destination.
      "[4ms] C#3 send \"news\" to A, B, pt 3ms: L = 5 + 1 = 6; V = [2,3,2] then tick = [2,3,3]; "
      "HLC l = max(3ms, pt 3ms) = 3ms, c = c + 1 = 3 + 1 (l unchanged) = (3ms, 4)\n"
      "    m3 C→A: delay 1ms, arrives at 5ms\n"
      "    m4 C→B: delay 1ms, arrives at 5ms\n"
      // A at 5ms, pt 7ms: l = max(3ms, 3ms, 7ms) = pt only: c = 0.
      "[5ms] A#3 receive \"news\" (m3 from C#3), pt 7ms: L = max(2, 6) + 1 = 7; "
      "V = max([2,0,0], [2,3,3]) then tick = [3,3,3]; "
      "HLC l = max(3ms, 3ms, pt 7ms) = 7ms, c = 0 (l from pt) = (7ms, 0)\n"
      // B at 5ms, pt 5ms: l = max(3ms, 3ms, 5ms) = pt only: c = 0.
      "[5ms] B#4 receive \"news\" (m4 from C#3), pt 5ms: L = max(4, 6) + 1 = 7; "
      "V = max([2,3,0], [2,3,3]) then tick = [2,4,3]; "
      "HLC l = max(3ms, 3ms, pt 5ms) = 5ms, c = 0 (l from pt) = (5ms, 0)\n"
      "[5ms] end of the run\n";
  CHECK(narrate(load_scenario(HBSIM_SOURCE_DIR "/scenarios/three_clocks.json")) == expected);
}

TEST_CASE("narrator: a duplicate, a loss, a partition hold, a cut drop, a message in flight at the end") {
  const scenario s = from_json(R"({
    "name": "fates", "processes": ["A", "B", "C", "D"], "until": "20ms",
    "network": {"delay": "1ms", "links": [
      {"from": "A", "to": "B", "duplicate": 1},
      {"from": "A", "to": "C", "loss": 1},
      {"from": "B", "to": "C", "delay": "10ms"}]},
    "faults": [
      {"at": "0ms", "partition": [["D"]], "heal": "10ms", "mode": "hold"},
      {"at": "0ms", "cut": {"from": "C", "to": ["A"]}}],
    "script": [
      {"at": "1ms", "process": "A", "do": "send", "to": ["B", "C", "D"], "label": "fan"},
      {"at": "3ms", "process": "C", "do": "send", "to": "A", "label": "back"},
      {"at": "15ms", "process": "B", "do": "send", "to": "C", "label": "late"}]})");
  const std::string expected =
      "narration of \"fates\", seed 1, processes A, B, C, D\n"
      // Unnamed processes form one more group.
      "[0ns] fault #0 takes effect: partition {D} | {A, B, C}, heals at 10ms; "
      "messages sent across it wait for the heal\n"
      "[0ns] fault #1 takes effect: cut from {C} to {A}, never heals; messages sent across it are dropped\n"
      // Exact clocks, pt = t. One send event, three messages carrying L 1, [1,0,0,0], (1ms, 0).
      "[1ms] A#1 send \"fan\" to B, C, D, pt 1ms: L = 0 + 1 = 1; V = [0,0,0,0] then tick = [1,0,0,0]; "
      "HLC l = max(0ns, pt 1ms) = 1ms, c = 0 (l moved to pt) = (1ms, 0)\n"
      // duplicate 1: two copies, each 1ms. loss 1 on A→C. D is across the holding partition until 10ms.
      "    m1 A→B: duplicated by the network: copy 1 delay 1ms, arrives at 2ms; copy 2 delay 1ms, arrives at 2ms\n"
      "    m2 A→C: lost by the network\n"
      "    m3 A→D: held by partition fault #0 (from 0ns, heals at 10ms) until 10ms, then delay 1ms, arrives at 11ms\n"
      // First copy: L = max(0, 1) + 1 = 2; l = max(0, 1ms, 2ms) = pt: c = 0.
      "[2ms] B#1 receive \"fan\" (m1 from A#1), pt 2ms: L = max(0, 1) + 1 = 2; "
      "V = max([0,0,0,0], [1,0,0,0]) then tick = [1,1,0,0]; "
      "HLC l = max(0ns, 1ms, pt 2ms) = 2ms, c = 0 (l from pt) = (2ms, 0)\n"
      // Second copy, same stamp: it ticks again. L = max(2, 1) + 1 = 3; l = max(2ms, 1ms, 2ms) = own l: c = 0 + 1.
      "[2ms] B#2 receive \"fan\" (m1 from A#1, its other copy), pt 2ms: L = max(2, 1) + 1 = 3; "
      "V = max([1,1,0,0], [1,0,0,0]) then tick = [1,2,0,0]; "
      "HLC l = max(2ms, 1ms, pt 2ms) = 2ms, c = c + 1 = 0 + 1 (l kept) = (2ms, 1)\n"
      "[3ms] C#1 send \"back\" to A, pt 3ms: L = 0 + 1 = 1; V = [0,0,0,0] then tick = [0,0,1,0]; "
      "HLC l = max(0ns, pt 3ms) = 3ms, c = 0 (l moved to pt) = (3ms, 0)\n"
      "    m4 C→A: dropped by cut fault #1 (from 0ns, never heals)\n"
      // Released at the heal: L = max(0, 1) + 1 = 2; l = max(0, 1ms, 11ms) = pt: c = 0.
      "[11ms] D#1 receive \"fan\" (m3 from A#1), pt 11ms: L = max(0, 1) + 1 = 2; "
      "V = max([0,0,0,0], [1,0,0,0]) then tick = [1,0,0,1]; "
      "HLC l = max(0ns, 1ms, pt 11ms) = 11ms, c = 0 (l from pt) = (11ms, 0)\n"
      // B's third event: L = 3 + 1; l = max(2ms, 15ms) moved: c = 0. B→C takes 10ms: due at 25ms, after until.
      "[15ms] B#3 send \"late\" to C, pt 15ms: L = 3 + 1 = 4; V = [1,2,0,0] then tick = [1,3,0,0]; "
      "HLC l = max(2ms, pt 15ms) = 15ms, c = 0 (l moved to pt) = (15ms, 0)\n"
      "    m5 B→C: delay 10ms, arrives at 25ms\n"
      "[20ms] m5 B→C: still in flight at the end of the run (due at 25ms)\n"
      "[20ms] end of the run: reached until\n";
  CHECK(narrate(s) == expected);
}

TEST_CASE("narrator: crash and restart from zero, a pause with a frozen clock, a clock step") {
  const scenario s = from_json(R"({
    "name": "process-faults", "processes": ["A", "B"],
    "faults": [
      {"at": "2ms", "crash": "B", "restart": "4ms", "persist": "none"},
      {"at": "5ms", "pause": "A", "for": "2ms"},
      {"at": "8ms", "clock_step": "A", "by": "-8ms"}],
    "script": [
      {"at": "1ms", "process": "B", "do": "local", "label": "b1"},
      {"at": "1.5ms", "process": "A", "do": "send", "to": "B", "label": "m"},
      {"at": "6ms", "process": "A", "do": "local", "label": "waited"},
      {"at": "9ms", "process": "A", "do": "local", "label": "stepped"}]})");
  const std::string expected =
      "narration of \"process-faults\", seed 1, processes A, B\n"
      "[1ms] B#1 local \"b1\", pt 1ms: L = 0 + 1 = 1; V = [0,0] then tick = [0,1]; "
      "HLC l = max(0ns, pt 1ms) = 1ms, c = 0 (l moved to pt) = (1ms, 0)\n"
      "[1.5ms] A#1 send \"m\" to B, pt 1.5ms: L = 0 + 1 = 1; V = [0,0] then tick = [1,0]; "
      "HLC l = max(0ns, pt 1.5ms) = 1.5ms, c = 0 (l moved to pt) = (1.5ms, 0)\n"
      "    m1 A→B: delay 1ms, arrives at 2.5ms\n"
      // The crash ticks like a local event: L 1 + 1; l = max(1ms, 2ms) moved, c = 0.
      "[2ms] B#2 crash, pt 2ms: L = 1 + 1 = 2; V = [0,1] then tick = [0,2]; "
      "HLC l = max(1ms, pt 2ms) = 2ms, c = 0 (l moved to pt) = (2ms, 0); "
      "B is down until 4ms (persist none): messages reaching it meanwhile are dropped\n"
      "[2.5ms] m1 A→B: arrives at B, which is crashed: dropped\n"
      // persist none: every clock back to zero, then the restart ticks.
      "[4ms] B#3 restart, pt 4ms, persist none: from zero: L = 0 + 1 = 1; V = [0,0] then tick = [0,1]; "
      "HLC l = max(0ns, pt 4ms) = 4ms, c = 0 (l moved to pt) = (4ms, 0)\n"
      "[5ms] fault #1 takes effect: A pauses until 7ms, its clock frozen; arrivals and actions wait until it resumes\n"
      // The 6ms action runs at the resume, 7ms; the clock froze at 5ms and resumes from there: pt 5ms.
      "[7ms] A#2 local \"waited\", pt 5ms: L = 1 + 1 = 2; V = [1,0] then tick = [2,0]; "
      "HLC l = max(1.5ms, pt 5ms) = 5ms, c = 0 (l moved to pt) = (5ms, 0)\n"
      "[8ms] fault #2 takes effect: A's physical clock steps by -8ms\n"
      // pt = 9ms - 2ms (the pause) - 8ms (the step) = -1ms: HLC keeps l = 5ms and counts, c = 0 + 1.
      "[9ms] A#3 local \"stepped\", pt -1ms: L = 2 + 1 = 3; V = [2,0] then tick = [3,0]; "
      "HLC l = max(5ms, pt -1ms) = 5ms, c = c + 1 = 0 + 1 (l unchanged) = (5ms, 1)\n"
      "[9ms] end of the run\n";
  CHECK(narrate(s) == expected);
}

TEST_CASE("narrator: a restart from a checkpoint") {
  const scenario s = from_json(R"({
    "name": "checkpoint", "processes": ["A"],
    "faults": [{"at": "4ms", "crash": "A", "restart": "5ms", "persist": "checkpoint", "checkpoint_every": 3}],
    "script": [{"at": "1ms", "process": "A", "do": "local", "repeat": {"count": 3, "every": "1ms"}}]})");
  const std::string text = narrate(s);
  // Events #1..#3 at 1, 2, 3ms give L 1, 2, 3 and (3ms, 0) last; a checkpoint follows event #3 (every 3rd, crash
  // and restart included). The crash is event #4 (L 4). The restart ticks the checkpoint: L 3 + 1 = 4, the crash's
  // own value again; V [3] then tick [4]; l = max(3ms, pt 5ms) = 5ms moved, c = 0.
  CHECK(text.find("[5ms] A#5 restart, pt 5ms, persist checkpoint: from the checkpoint after its event #3: "
                  "L = 3 + 1 = 4; V = [3] then tick = [4]; HLC l = max(3ms, pt 5ms) = 5ms, c = 0 (l moved to pt) = (5ms, 0)\n") !=
        std::string::npos);
}

TEST_CASE("narrator: a message refused by the HLC max-offset guard") {
  const scenario s = from_json(R"({
    "name": "guard", "processes": [{"name": "A", "clock": {"offset": "100ms"}}, "B"],
    "logical": {"hlc": {"max_offset": "50ms"}},
    "script": [{"at": "1ms", "process": "A", "do": "send", "to": "B", "label": "r"}]})");
  const std::string expected =
      "narration of \"guard\", seed 1, processes A, B\n"
      "HLC max_offset 50ms: messages whose l is further ahead of the receiver's pt are rejected\n"
      // pt = 100ms + 1ms.
      "[1ms] A#1 send \"r\" to B, pt 101ms: L = 0 + 1 = 1; V = [0,0] then tick = [1,0]; "
      "HLC l = max(0ns, pt 101ms) = 101ms, c = 0 (l moved to pt) = (101ms, 0)\n"
      "    m1 A→B: delay 1ms, arrives at 2ms\n"
      // 101ms - 2ms = 99ms > 50ms: a reject, which ticks like a local event and merges nothing.
      "[2ms] B#1 reject \"r\" (m1 from A#1), pt 2ms: refused by the HLC max-offset guard, "
      "l_m - pt = 101ms - 2ms = 99ms > max_offset 50ms; nothing is merged and the clocks tick as for a local event: "
      "L = 0 + 1 = 1; V = [0,0] then tick = [0,1]; HLC l = max(0ns, pt 2ms) = 2ms, c = 0 (l moved to pt) = (2ms, 0)\n"
      "[2ms] end of the run\n";
  CHECK(narrate(s) == expected);
}

TEST_CASE("narrator: wrong variants are named, with the formula they apply") {
  // Exact clocks; A: locals at 0.2 and 0.4ms, then a send to B at 1ms; B: a local at 0.5ms, the receive at 2ms.
  const std::string script = R"(
    "processes": ["A", "B"],
    "script": [
      {"at": "0.2ms", "process": "A", "do": "local", "label": "a1"},
      {"at": "0.4ms", "process": "A", "do": "local", "label": "a2"},
      {"at": "0.5ms", "process": "B", "do": "local", "label": "b1"},
      {"at": "1ms", "process": "A", "do": "send", "to": "B", "label": "m"}]})";

  SUBCASE("ignore-message, send-previous, reset-on-receive") {
    const std::string text = narrate(from_json(R"({"name": "wrong", "logical": {"lamport": {"variant": "ignore-message"},
      "vector": {"variant": "send-previous"}, "hlc": {"variant": "reset-on-receive"}},)" + script));
    CHECK(text.find("wrong clocks selected: lamport ignore-message, vector send-previous, hlc reset-on-receive\n") !=
          std::string::npos);
    // A kind module's wrong variant is named the same way (lesson 21 chooses the matrix's row-not-merged).
    const std::string matrix = narrate(load_scenario(HBSIM_SOURCE_DIR "/scenarios/teaching/21_matrix_row_not_merged.json"));
    CHECK(matrix.find("\nwrong clocks selected: matrix row-not-merged\n") != std::string::npos);
    // A's send: L 2 + 1 = 3; V ticks to [3,0] but the message carries A's vector before the tick, [2,0].
    CHECK(text.find("[1ms] A#3 send \"m\" to B, pt 1ms: L = 2 + 1 = 3; "
                    "vector variant send-previous: V = [2,0] then tick = [3,0] (the message carries [2,0], from before the tick); "
                    "HLC l = max(400us, pt 1ms) = 1ms, c = 0 (l moved to pt) = (1ms, 0)\n") != std::string::npos);
    // B's receive: ignore-message gives L = 1 + 1 = 2 instead of max(1, 3) + 1 = 4; V merges the carried [2,0];
    // l = max(500us, 1ms, 2ms) = pt, where canonical c = 0 but reset-on-receive sets c = 1.
    CHECK(text.find("[2ms] B#2 receive \"m\" (m1 from A#3), pt 2ms: "
                    "lamport variant ignore-message: L = 1 + 1 = 2 (ignores the message's 3); "
                    "V = max([0,1], [2,0]) then tick = [2,2]; "
                    "hlc variant reset-on-receive: HLC l = max(500us, 1ms, pt 2ms) = 2ms, c = 1 = (2ms, 1) "
                    "(c = 1 unless l comes from the message)\n") != std::string::npos);
  }
  SUBCASE("no-tick-local, no-tick-send, no-counter-reset") {
    const std::string text = narrate(from_json(R"({"name": "wrong", "logical": {"lamport": {"variant": "no-tick-local"},
      "vector": {"variant": "no-tick-send"}, "hlc": {"variant": "no-counter-reset"}},)" + script));
    // A's first local: L stays 0; V ticks (not a send): [1,0]; l = max(0, 200us) moved, but c = 0 + 1 all the same.
    CHECK(text.find("[200us] A#1 local \"a1\", pt 200us: lamport variant no-tick-local: L stays 0 "
                    "(a local event does not tick); V = [0,0] then tick = [1,0]; "
                    "hlc variant no-counter-reset: HLC l = max(0ns, pt 200us) = 200us, c = c + 1 = 0 + 1 = (200us, 1) "
                    "(keeps counting although l moved to pt)\n") != std::string::npos);
    // A's send: L 0 + 1 = 1 (a send ticks); V stays [2,0]; l = max(400us, 1ms) moved, c = 2 + 1 = 3.
    CHECK(text.find("[1ms] A#3 send \"m\" to B, pt 1ms: L = 0 + 1 = 1; "
                    "vector variant no-tick-send: V stays [2,0] (a send does not tick); "
                    "hlc variant no-counter-reset: HLC l = max(400us, pt 1ms) = 1ms, c = c + 1 = 2 + 1 = (1ms, 3) "
                    "(keeps counting although l moved to pt)\n") != std::string::npos);
  }
}

TEST_CASE("narrator: a recorded value the rules do not give is called out, not equated") {
  // Records as an edited trace might replay them: no scenario behind them.
  std::ostringstream out;
  narrator n(out);
  const std::string names[] = {"A", "B"};
  n.on_start({nullptr, 7, names});
  event_record e;
  e.id = 1;
  e.process = 0;
  e.seq = 1;
  e.kind = event_kind::local;
  e.label = "x";
  e.time = e.pt = ms;
  const std::uint64_t l1[] = {5}, w1[] = {1, 0}, h1[] = {ms, 0};  // L = 5: the rule gives 0 + 1 = 1
  const stamp_words s1[] = {l1, w1, h1};  // the stamps of the default clocks
  e.stamps = s1;
  n.on_event(e);
  // A receive of a message this run never sent: nothing to derive from.
  e = {};
  e.id = 2;
  e.process = 1;
  e.seq = 1;
  e.kind = event_kind::receive;
  e.label = "y";
  e.time = e.pt = 2 * ms;
  const std::uint64_t l2[] = {9}, w2[] = {0, 1}, h2[] = {2 * ms, 0};
  const stamp_words s2[] = {l2, w2, h2};
  e.stamps = s2;
  e.message = 4;
  e.from = 0;
  n.on_event(e);
  CHECK(out.str() ==
        "narration of \"\", seed 7, processes A, B\n"
        "[1ms] A#1 local \"x\", pt 1ms: L = 0 + 1 would give 1, but the run recorded L = 5, which this rule does "
        "not give; V = [0,0] then tick = [1,0]; HLC l = max(0ns, pt 1ms) = 1ms, c = 0 (l moved to pt) = (1ms, 0)\n"
        "[2ms] B#1 receive \"y\" (m4 from A), pt 2ms: L = 9; V = [0,1]; HLC (2ms, 0) "
        "(what the message carried is unknown: its send is not in this run)\n");
}

TEST_CASE("narrator: long vectors are cut") {
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i) names.push_back(std::string("p").append(std::to_string(i)));
  scenario s = make_scenario(names);
  s.script.push_back(at(ms, 3, action_kind::local, "x"));
  // p3's own entry is the 4th of 20; the first 16 are shown.
  CHECK(narrate(s).find("V = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,…(4 more)] then tick = "
                        "[0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,…(4 more)]") != std::string::npos);
}

namespace {
// Samples how many messages the narrator keeps, after each of its own calls.
class in_flight_probe final : public event_observer {
 public:
  explicit in_flight_probe(const narrator& n) : n_(n) {}
  void on_event(const event_record&) override { most = std::max(most, n_.in_flight()); }
  std::size_t most = 0;

 private:
  const narrator& n_;
};
}  // namespace

TEST_CASE("narrator: the clocks of messages in flight are released once every copy is accounted for") {
  scenario s = from_json(R"({
    "name": "random", "seed": 3, "processes": ["a", "b", "c", "d", "e"],
    "network": {"delay": {"dist": "uniform", "min": "1ms", "max": "5ms"}, "loss": 0.1, "duplicate": 0.1},
    "faults": [{"at": "100ms", "crash": "c", "restart": "200ms"},
               {"at": "300ms", "partition": [["a", "b"]], "heal": "400ms", "mode": "hold"}],
    "generate": {"kind": "random", "events": 2000, "send_ratio": 0.5, "interval": "1ms"}})");
  std::ostringstream out;
  narrator n(out);
  in_flight_probe probe(n);
  simulation sim(s);
  sim.observe(n);
  sim.observe(probe);
  const run_stats& stats = sim.run();
  REQUIRE(stats.messages_sent > 4000);
  CHECK(n.in_flight() == 0);
  // In flight at once: at most a few ms of sends, plus what the partition held for 100ms.
  CHECK(probe.most < 1000);
  const std::string text = out.str();
  CHECK(std::count(text.begin(), text.end(), '\n') > 10000);
}

namespace {

// Passes a run on to a narrator whose header names a scenario without faults: what it tells of crashes must come
// from the events themselves.
class faults_hidden final : public event_observer {
 public:
  faults_hidden(const scenario& s, event_observer& to) : shown_(s), to_(to) { shown_.faults.clear(); }
  void on_start(const run_header& h) override {
    run_header shown = h;
    shown.source = &shown_;
    to_.on_start(shown);
  }
  void on_event(const event_record& e) override { to_.on_event(e); }
  void on_route(const route_record& r) override { to_.on_route(r); }
  void on_drop(const drop_record& d) override { to_.on_drop(d); }
  void on_fault(const fault_record& f) override { to_.on_fault(f); }
  void on_finish(const run_end& e) override { to_.on_finish(e); }

 private:
  scenario shown_;
  event_observer& to_;
};

}  // namespace

TEST_CASE("narrator: a crash's persist mode and checkpoints come from the event records, not the scenario") {
  const scenario s = from_json(R"({
    "name": "checkpoint", "processes": ["A"],
    "faults": [{"at": "4ms", "crash": "A", "restart": "5ms", "persist": "checkpoint", "checkpoint_every": 3}],
    "script": [{"at": "1ms", "process": "A", "do": "local", "repeat": {"count": 3, "every": "1ms"}}]})");
  std::ostringstream out;
  narrator n(out);
  faults_hidden hidden(s, n);
  simulation sim(s);
  sim.observe(hidden);
  sim.run();
  const std::string text = out.str();
  // As in the test above: the checkpoint follows event #3 (L 3, V [3], (3ms, 0)); the crash, event #4, is down
  // until 5ms; the restart ticks the checkpoint to L 4, V [4], (5ms, 0).
  CHECK(text.find("A is down until 5ms (persist checkpoint)") != std::string::npos);
  CHECK(text.find("[5ms] A#5 restart, pt 5ms, persist checkpoint: from the checkpoint after its event #3: "
                  "L = 3 + 1 = 4; V = [3] then tick = [4]; HLC l = max(3ms, pt 5ms) = 5ms, c = 0 (l moved to pt) = (5ms, 0)\n") !=
        std::string::npos);
}
