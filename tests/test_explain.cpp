// `explain`: the relation, the HB path hop by hop with each event's clocks and the rule applied, and
// how each clock orders the pair. Every expected number is derived by hand in the comments.
#include <doctest/doctest.h>

#include <string>

#include "hbsim/core/input_error.hpp"
#include "hbsim/views/explain.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {
constexpr process_id A = 0, B = 1, C = 2, D = 3;

hb_graph build(const scenario& s) {
  simulation sim(s);
  hb_graph_builder builder;
  sim.observe(builder);
  sim.run();
  return builder.build();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The run of test_hb_graph's first cases, with A's clock 2 ms fast (pt = t + 2 ms on A):
//   A#1 (1) send m1 → B      t 0      pt 2ms     L 1  V {A:1}            HLC (2ms, 0)    l = max(0, 2ms), pt ahead
//   C#1 (2) local c1          t 0.1ms  pt 0.1ms   L 1  V {C:1}            HLC (100us, 0)
//   B#1 (3) local b1          t 0.5ms  pt 0.5ms   L 1  V {B:1}            HLC (500us, 0)
//   B#2 (4) receive m1        t 1ms    pt 1ms     L max(1,1)+1 = 2, V {A:1, B:2},
//                             HLC l = max(500us, 2ms, 1ms) = 2ms = l_m only: c = c_m + 1 = 1
//   B#3 (5) send m2 → C       t 2ms    pt 2ms     L 3  V {A:1, B:3}  HLC l = max(2ms, 2ms) unchanged: c = 2
//   A#2 (6) local a2          t 2.5ms  pt 4.5ms   L 2  V {A:2}       HLC (4.5ms, 0)
//   C#2 (7) receive m2        t 3ms    pt 3ms     L max(1,3)+1 = 4, V {A:1, B:3, C:2},
//                             HLC l = max(100us, 2ms, 3ms) = pt: c = 0
//   C#3 (8) send m3 → A       t 4ms    pt 4ms     L 5  V {A:1, B:3, C:3}  HLC (4ms, 0)
//   A#3 (9) receive m3        t 5ms    pt 7ms     L max(2,5)+1 = 6, V {A:3, B:3, C:3}, HLC (7ms, 0)
scenario chain() {
  scenario s = relay_chain();
  s.processes[A].clock.offset = 2 * ms;
  return s;
}
}  // namespace

TEST_CASE("explain: a related pair, hop by hop with the rule of each event") {
  const hb_graph g = build(chain());
  const std::string t = explain(g, "A:m1", "C:m3");
  CHECK(t.rfind("a = \"A:m1\" = A#1 send \"m1\", event 1\nb = \"C:m3\" = C#3 send \"m3\", event 8\n", 0) == 0);
  // Fewest hops: A#1 → B#2 → B#3 → C#2 → C#3.
  CHECK(has(t, "a happens before b (a -> b): a path of 4 hops leads from a to b,\n"));
  CHECK(has(t, "  A#1 send \"m1\"\n      time 0ns, pt 2ms, L 1, V {A:1}, HLC (2ms, 0)\n"
               "  hop 1: message m1 from A to B\n"
               "  B#2 receive \"m1\" (m1 from A)\n      time 1ms, pt 1ms, L 2, V {A:1, B:2}, HLC (2ms, 1)\n"
               "      receive of m1 from A, sent by A#1: each clock merges what the message carries"));
  CHECK(has(t, "        Lamport  L = max(L', L_m) + 1 = max(1, 1) + 1 = 2\n"
               "        vector   V = max(V', V_m) = max({B:1}, {A:1}) = {A:1, B:1}, then V[B] + 1 -> {A:1, B:2}\n"
               "        HLC      l = max(l', l_m, pt) = max(500us, 2ms, 1ms) = 2ms; l comes from the message, so c = "
               "c_m + 1 = 0 + 1 = 1\n"));
  CHECK(has(t, "  hop 2: next event of B\n  B#3 send \"m2\"\n"));
  CHECK(has(t, "        Lamport  L = L' + 1 = 2 + 1 = 3\n"
               "        vector   V = V' with V[B] + 1: {A:1, B:2} -> {A:1, B:3}\n"
               "        HLC      l = max(l', pt) = max(2ms, 2ms) = 2ms; l is unchanged, so c = c' + 1 = 1 + 1 = 2\n"));
  CHECK(has(t, "  hop 3: message m2 from B to C\n"));
  CHECK(has(t, "l = max(l', l_m, pt) = max(100us, 2ms, 3ms) = 3ms; pt is ahead of both l' and l_m, so c = 0\n"));
  CHECK(has(t, "  hop 4: next event of C\n  C#3 send \"m3\"\n"
               "      time 4ms, pt 4ms, L 5, V {A:1, B:3, C:3}, HLC (4ms, 0)\n"));
  CHECK(has(t, "l = max(l', pt) = max(3ms, 4ms) = 4ms; pt is ahead of l', so c = 0\n"));
  CHECK_FALSE(has(t, "hop 5"));
  CHECK_FALSE(has(t, "not the canonical rule"));
  CHECK(has(t, "  Lamport    1 < 5: a first, as the clock condition requires\n"
               "  vector     {A:1} < {A:1, B:3, C:3}: a first; the vector clock sees the causality\n"
               "  HLC        (2ms, 0) < (4ms, 0): a first, as the clock condition requires\n"
               "  pt         2ms < 4ms: a first; physical clocks agree with causality here (under skew they need not)\n"
               "  true time  0ns < 4ms: a first, as causality implies\n"));
}

TEST_CASE("explain: skew makes physical time contradict causality, the clocks do not") {
  const hb_graph g = build(chain());
  // A#1 (pt 2ms) → B#2 (pt 1ms): one message hop.
  const std::string t = explain(g, 1, 4);
  CHECK(t.rfind("a = A#1 send \"m1\", event 1\nb = B#2 receive \"m1\" (m1 from A), event 4\n", 0) == 0);
  CHECK(has(t, "a path of 1 hop leads"));
  CHECK(has(t, "  pt         2ms > 1ms: says b first: the physical clocks contradict causality here (skew)\n"));
  CHECK(has(t, "  HLC        (2ms, 0) < (2ms, 1): a first, as the clock condition requires\n"));
}

TEST_CASE("explain: after, and the same event") {
  const hb_graph g = build(chain());
  // C#1 → C#2 → C#3 → A#3, asked the other way round.
  const std::string after = explain(g, 9, 2);
  CHECK(has(after, "b happens before a (b -> a): a path of 3 hops leads from b to a,\n"));
  CHECK(has(after, "  hop 3: message m3 from C to A\n  A#3 receive \"m3\" (m3 from C)\n"));
  CHECK(has(after, "        Lamport  L = max(L', L_m) + 1 = max(2, 5) + 1 = 6\n"));
  CHECK(has(after, "  Lamport    1 < 6: b first, as the clock condition requires\n"));
  CHECK(has(after, "  true time  100us < 5ms: b first, as causality implies\n"));

  const std::string same = explain(g, "B#2", "B:m1");
  CHECK(has(same, "a and b are the same event.\n\n  B#2 receive \"m1\" (m1 from A)\n"));
  CHECK(has(same, "        Lamport  L = max(L', L_m) + 1 = max(1, 1) + 1 = 2\n"));
  CHECK_FALSE(has(same, "hop 1"));
}

TEST_CASE("explain: a concurrent pair, and how each clock orders it anyway") {
  const hb_graph g = build(chain());
  // A#2 (a2, after A's send) and B#3 (B's send, after receiving only m1 = A#1).
  const std::string t = explain(g, 6, 5);
  CHECK(has(t, "a and b are concurrent: no path"));
  CHECK(has(t, "  b has seen A's events up to A#1 only, and a is A#2, so a does not happen before b\n"
               "  a has seen no event of B, and b is B#3, so b does not happen before a\n"));
  CHECK(has(t, "  Lamport    2 < 3: a first, an order with no causality behind it\n"
               "  vector     {A:2} vs {A:1, B:3}: incomparable (a is ahead on A, b on B): the vector clock shows they "
               "are concurrent\n"
               "  HLC        (4.5ms, 0) > (2ms, 2): the (l, c) order says b first; HLC cannot detect concurrency\n"
               "  pt         4.5ms > 2ms: physical-time order says b first\n"
               "  true time  2.5ms > 2ms: true-time order says b first\n"));
  CHECK_FALSE(has(t, "hop 1"));
}

TEST_CASE("explain: ties, and a vector clock that orders concurrent events") {
  // A sends without ticking its vector (no-tick-send): A#1 has V {} and L 1, HLC: l = max(0, 0) = l', so
  // c = 1. B#1, a local event at 0.1 ms: L 1, V {B:1}, HLC (100us, 0). Concurrent, yet {} < {B:1}.
  scenario s = make_scenario({"A", "B", "C"});
  s.logical.vector = vector_variant::no_tick_send;
  s.script.push_back(at(0, A, action_kind::send, "quiet", {C}));
  s.script.push_back(at(100'000, B, action_kind::local, "b"));
  const hb_graph g = build(s);
  const std::string t = explain(g, "A:quiet", "B:b");
  CHECK(has(t, "  Lamport    1 = 1: tied; Lamport clocks cannot order them"));
  CHECK(has(t, "  vector     {} vs {B:1}: says a happens before b, but they are concurrent: this vector clock is wrong "
               "(vector.strong_clock_condition)\n"));
  CHECK(has(t, "  HLC        (0ns, 1) < (100us, 0): the (l, c) order says a first"));
  const event_rules r = explain_rules(g, 1);
  CHECK_FALSE(r.vector_canonical);
  CHECK(r.vector == "V = V' with V[A] + 1: {} -> {A:1}; but {} was recorded: not the canonical rule");
  CHECK(r.lamport_canonical);
  CHECK(r.hlc_canonical);
}

TEST_CASE("explain_rules: every HLC branch, from the recorded values") {
  // A is 5 ms fast. A#1 sends "go" to B and C (pt 5ms: (5ms, 0)); D#1 sends "slow" to B at 0.2 ms
  // ((200us, 0)); at 1 ms B and C receive go; at 1.2 ms B receives slow; at 1.5 ms B sends "both" to
  // C, received at 2.5 ms. Events: 1 A#1, 2 D#1, 3 B#1, 4 C#1, 5 B#2, 6 B#3, 7 C#2.
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.processes[A].clock.offset = 5 * ms;
  s.script.push_back(at(0, A, action_kind::send, "go", {B, C}));
  s.script.push_back(at(200'000, D, action_kind::send, "slow", {B}));
  s.script.push_back(at(1'500'000, B, action_kind::send, "both", {C}));
  const hb_graph g = build(s);
  REQUIRE(g.event_count() == 7);
  // B#1: l = max(0, 5ms, 1ms) = 5ms from the message: c = 0 + 1.
  CHECK(explain_rules(g, 3).hlc == "l = max(l', l_m, pt) = max(0ns, 5ms, 1ms) = 5ms; l comes from the message, so c = "
                                   "c_m + 1 = 0 + 1 = 1");
  // B#2: l = max(5ms, 200us, 1.2ms) = B's own: c = 1 + 1.
  CHECK(explain_rules(g, 5).hlc == "l = max(l', l_m, pt) = max(5ms, 200us, 1.2ms) = 5ms; l is still the process's own "
                                   "l', so c = c' + 1 = 1 + 1 = 2");
  // B#3 ticks: l = max(5ms, 1.5ms) unchanged: c = 3.
  CHECK(explain_rules(g, 6).hlc ==
        "l = max(l', pt) = max(5ms, 1.5ms) = 5ms; l is unchanged, so c = c' + 1 = 2 + 1 = 3");
  // C#2: l' = 5ms (C#1: (5ms, 1)), l_m = 5ms (B#3: (5ms, 3)), pt 2.5ms: c = max(1, 3) + 1.
  const event_rules both = explain_rules(g, 7);
  CHECK(both.hlc == "l = max(l', l_m, pt) = max(5ms, 5ms, 2.5ms) = 5ms; l equals both l' and l_m, so c = max(c', c_m) "
                    "+ 1 = max(1, 3) + 1 = 4");
  CHECK(both.kind.rfind("receive of m4 from B, sent by B#3:", 0) == 0);
  // C#1 {A:1, C:1} merged with B#3 {A:1, B:3, D:1}; C#1's L 2 and B#3's L 4.
  CHECK(both.vector == "V = max(V', V_m) = max({A:1, C:1}, {A:1, B:3, D:1}) = {A:1, B:3, C:1, D:1}, then V[C] + 1 -> "
                       "{A:1, B:3, C:2, D:1}");
  CHECK(both.lamport == "L = max(L', L_m) + 1 = max(2, 4) + 1 = 5");
  CHECK(both.lamport_canonical);
  CHECK(both.vector_canonical);
  CHECK(both.hlc_canonical);
  // D#1, a first event: from zero clocks.
  CHECK(explain_rules(g, 2).hlc == "l = max(l', pt) = max(0ns, 200us) = 200us; pt is ahead of l', so c = 0");
}

TEST_CASE("explain: a clock that breaks its rule is named, with what it recorded") {
  // Lamport ignore-message: C#2 does L + 1 = 1 + 1 = 2 where the rule gives max(1, 3) + 1 = 4, and
  // then B#3 (L 3) → C#2 (L 2) breaks the clock condition.
  scenario s = chain();
  s.logical.lamport = lamport_variant::ignore_message;
  const hb_graph g = build(s);
  const event_rules r = explain_rules(g, 7);
  CHECK_FALSE(r.lamport_canonical);
  CHECK(r.lamport == "L = max(L', L_m) + 1 = max(1, 3) + 1 = 4; but 2 was recorded: not the canonical rule");
  CHECK(r.vector_canonical);
  CHECK(r.hlc_canonical);
  const std::string t = explain(g, "B:m2", "C:m2");
  CHECK(has(t, "  Lamport    3 > 2: says b first, which violates lamport.clock_condition\n"));
  CHECK(has(t, "; but 2 was recorded: not the canonical rule\n"));
}

TEST_CASE("explain_rules: a restart starts from the crash, from zero, or from a checkpoint") {
  // A: local at 1, 2, 3 ms, crash at 4 ms (A#4: L 4, V {A:4}, HLC (4ms, 0)), restart at 6 ms (A#5).
  struct mode_case {
    persist_mode mode;
    const char* lamport;
    const char* vector;
  };
  for (const mode_case m : {
           mode_case{persist_mode::all, "L = L' + 1 = 4 + 1 = 5 (kept through the crash)",
                     "V = V' with V[A] + 1: {A:4} -> {A:5} (kept through the crash)"},
           mode_case{persist_mode::none, "L = L' + 1 = 0 + 1 = 1 (restarted from zero)",
                     "V = V' with V[A] + 1: {} -> {A:1} (restarted from zero)"},
           // A checkpoint every 3 events is taken after A#3 (L 3, V {A:3}).
           mode_case{persist_mode::checkpoint, "L = 3 + 1 = 4 (3 restored from a checkpoint)",
                     "V = {A:3} restored from a checkpoint, then V[A] + 1 -> {A:4}"},
       }) {
    CAPTURE(static_cast<int>(m.mode));
    scenario s = make_scenario({"A", "B"});
    for (int t = 1; t <= 3; ++t) s.script.push_back(at(t * ms, A, action_kind::local, "work"));
    crash_fault c;
    c.process = A;
    c.restart = 6 * ms;
    c.persist = m.mode;
    c.checkpoint_every = m.mode == persist_mode::checkpoint ? 3 : 0;
    // Built field by field: the aggregate form makes GCC 12 -O3 warn falsely (-Wmaybe-uninitialized).
    fault f;
    f.at = 4 * ms;
    f.what = c;
    s.faults.push_back(f);
    const hb_graph g = build(s);
    REQUIRE(g.event(5).kind == event_kind::restart);
    const event_rules r = explain_rules(g, 5);
    CHECK(r.lamport == m.lamport);
    CHECK(r.vector == m.vector);
    CHECK(r.lamport_canonical);
    CHECK(r.vector_canonical);
    CHECK(r.hlc_canonical);
    CHECK(explain_rules(g, 4).kind == "crash: each clock ticks as for a local event");
  }
}

TEST_CASE("explain: a reject merges nothing and is no hop") {
  const scenario s = message_from_the_future();
  const hb_graph g = build(s);
  const event_rules r = explain_rules(g, 2);
  CHECK(r.kind.rfind("reject of m1: the HLC max-offset guard refused the message", 0) == 0);
  CHECK(r.lamport == "L = L' + 1 = 0 + 1 = 1");
  CHECK(r.hlc == "l = max(l', pt) = max(0ns, 1ms) = 1ms; pt is ahead of l', so c = 0");
  CHECK(r.lamport_canonical);
  CHECK(r.vector_canonical);
  CHECK(r.hlc_canonical);
  const std::string t = explain(g, 1, 2);
  CHECK(has(t, "b = B#1 reject \"from-the-future\" (m1 from A), event 2\n"));
  CHECK(has(t, "a and b are concurrent"));
}

TEST_CASE("explain: a long run along one process keeps its ends") {
  // A: 12 local events (1..12 ms), then a send to B at 13 ms, received at 14 ms: 13 hops.
  scenario s = make_scenario({"A", "B"});
  for (int t = 1; t <= 12; ++t) s.script.push_back(at(t * ms, A, action_kind::local, "step"));
  s.script.push_back(at(13 * ms, A, action_kind::send, "done", {B}));
  const hb_graph g = build(s);
  const std::string t = explain(g, "A#1", "B:done");
  CHECK(has(t, "a path of 13 hops"));
  CHECK(has(t, "  hop 2: next event of A\n  A#3 local \"step\"\n"));
  CHECK(has(t, "  ... hops 3 to 10: 8 more events of A, up to A#11 ...\n  hop 11: next event of A\n  A#12 local"));
  CHECK(has(t, "  hop 13: message m1 from A to B\n"));
  CHECK_FALSE(has(t, "hop 3:"));
  CHECK_FALSE(has(t, "hop 10:"));
}

TEST_CASE("explain: references that name no event or several are input errors") {
  const hb_graph g = build(chain());
  try {
    (void)explain(g, "A:nothing", "B#1", "explain");
    FAIL("expected an input_error");
  } catch (const input_error& e) {
    CHECK(e.file() == "explain");
    CHECK(e.found() == "\"A:nothing\": no event of A labelled \"nothing\" (A's labels: \"m1\" \"a2\" \"m3\")");
  }
  CHECK_THROWS_AS((void)explain(g, "B#1", "Q:x"), input_error);
}
