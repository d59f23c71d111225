// `explain` shows the clocks the run chose: no value of a standard clock it left out, and each clock
// kind module's stamps and rule (a matrix clock here). Every expected number is derived by hand from
// the rules of scenarios/FORMAT.md §8 in the comments.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "cli_fixture.hpp"
#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/engine/simulation.hpp"
#include "hbsim/views/explain.hpp"
#include "hbsim/views/explained_stamps.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {
constexpr process_id A = 0, B = 1;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct explained_run {
  hb_graph graph;
  explained_stamps stamps;
};

void run(const scenario& s, explained_run& out) {
  simulation sim(s);
  hb_graph_builder builder;
  sim.observe(builder);
  sim.observe(out.stamps);
  sim.run();
  out.graph = builder.build();
}

// Lesson 20 (clocks vector and matrix; delay 1 ms, no skew, so pt = time):
//   A#1 local append-x 1ms    V {A:1}            M {A:{A:1}}
//   A#2 send x → B     2ms    V {A:2}            M {A:{A:2}}
//   B#1 receive x      3ms    V {A:2, B:1}       M {A:{A:2}, B:{A:2, B:1}}
//   B#2 send gossip-b  4ms    V {A:2, B:2}       M {A:{A:2}, B:{A:2, B:2}}
//   C#1 receive        5ms    V {A:2, B:2, C:1}  M {A:{A:2}, B:{A:2, B:2}, C:{A:2, B:2, C:1}}
//   C#2 send gossip-c  6ms    V {A:2, B:2, C:2}  M {A:{A:2}, B:{A:2, B:2}, C:{A:2, B:2, C:2}}
//   A#3 receive        7ms    V {A:3, B:2, C:2}  M {A:{A:3, B:2, C:2}, B:{A:2, B:2}, C:{A:2, B:2, C:2}}
scenario lesson_20() { return load_scenario(source_path("scenarios/teaching/20_matrix_knowledge.json")); }

// A#3's matrix rule: every row of A#2's M {A:{A:2}} takes the max with W = C#2's, row A also with W's
// row C {A:2, B:2, C:2}, then the tick 2 + 1. Column minima: A min(3, 2, 2) = 2, B min(2, 2, 2) = 2,
// C min(2, 0, 2) = 0.
const std::string gossip_c_matrix_rule =
    "        matrix   M = max(M, M_m) row by row, row A also with the message's row C {A:2, B:2, C:2}; then "
    "M[A][A] = 2 + 1 = 3: M = {A:{A:3, B:2, C:2}, B:{A:2, B:2}, C:{A:2, B:2, C:2}}, watermark {A:2, B:2}\n";
}  // namespace

TEST_CASE("explain of a matrix trace: each hop's matrix rule with its numbers, and no absent clock") {
  explained_run r;
  run(lesson_20(), r);
  // Fewest hops: A#1 -> A#2 -> A#3, along A.
  const std::string t = explain(r.graph, "A:append-x", "A:gossip-c", {}, r.stamps.clocks());
  CHECK(has(t, "a happens before b (a -> b): a path of 2 hops leads from a to b,\n"));
  CHECK(has(t, "\nThe path, each event with its true time, its physical clock reading pt and its clocks after it.\n"
               "V' is the process's clock after its previous event; V_m the one\n"
               "the message carries, i.e. its send's.\n\n"));
  CHECK(has(t, "  A#1 local \"append-x\"\n      time 1ms, pt 1ms, V {A:1}, matrix {A:{A:1}}\n"));
  CHECK(has(t, "  hop 1: next event of A\n  A#2 send \"x\"\n      time 2ms, pt 2ms, V {A:2}, matrix {A:{A:2}}\n"
               "      send: each clock ticks, and the message carries the new values\n"
               "        vector   V = V' with V[A] + 1: {A:1} -> {A:2}\n"
               // Column A: min(2, 0, 0) = 0: nothing is known to be seen by all.
               "        matrix   M[A][A] = 1 + 1 = 2: M = {A:{A:2}}, watermark {}\n"));
  CHECK(has(t, "  hop 2: next event of A\n  A#3 receive \"gossip-c\" (m3 from C)\n"
               "      time 7ms, pt 7ms, V {A:3, B:2, C:2}, matrix {A:{A:3, B:2, C:2}, B:{A:2, B:2}, C:{A:2, B:2, C:2}}\n"
               "      receive of m3 from C, sent by C#2: each clock merges what the message carries (its send's "
               "clocks), then ticks\n"
               "        vector   V = max(V', V_m) = max({A:2}, {A:2, B:2, C:2}) = {A:2, B:2, C:2}, then V[A] + 1 -> "
               "{A:3, B:2, C:2}\n" +
                   gossip_c_matrix_rule));
  CHECK(has(t, "  vector     {A:1} < {A:3, B:2, C:2}: a first; the vector clock sees the causality\n"
               // The matrix kind orders by the own rows: {A:1} < {A:3, B:2, C:2}.
               "  matrix     {A:{A:1}} < {A:{A:3, B:2, C:2}, B:{A:2, B:2}, C:{A:2, B:2, C:2}}: a first, as causality "
               "requires (hbsim check judges matrix.exact)\n"
               "  pt         1ms < 7ms: a first;"));
  CHECK_FALSE(has(t, "Lamport"));
  CHECK_FALSE(has(t, "HLC"));
  CHECK_FALSE(has(t, " L "));
  CHECK_FALSE(has(t, "(l', c')"));
}

TEST_CASE("explain of a matrix trace: a first event starts from the kind's initial stamp") {
  explained_run r;
  run(lesson_20(), r);
  const std::string t = explain(r.graph, "A:append-x", "C:gossip-b", {}, r.stamps.clocks());
  // B#1: B's matrix starts all zero; W = A#2's {A:{A:2}}; row B also takes W's row A {A:2}; tick 0 + 1.
  // Column A: min(2, 2, 0) = 0.
  CHECK(has(t, "        matrix   M = max(M, M_m) row by row, row B also with the message's row A {A:2}; then "
               "M[B][B] = 0 + 1 = 1: M = {A:{A:2}, B:{A:2, B:1}}, watermark {}\n"));
  // C#1: from zero; W = B#2's {A:{A:2}, B:{A:2, B:2}}; row C takes W's row B. Column A: min(2, 2, 2) = 2.
  CHECK(has(t, "        matrix   M = max(M, M_m) row by row, row C also with the message's row B {A:2, B:2}; then "
               "M[C][C] = 0 + 1 = 1: M = {A:{A:2}, B:{A:2, B:2}, C:{A:2, B:2, C:1}}, watermark {A:2}\n"));
}

TEST_CASE("explain of a matrix trace: a value the canonical rule does not give is flagged") {
  // Variant row-not-merged: no receive merges its own row with the sender's, so B#1 records
  // {A:{A:2}, B:{B:1}}, B#2 {A:{A:2}, B:{B:2}}, C#1 {.., C:{C:1}}, C#2 W = {A:{A:2}, B:{B:2}, C:{C:2}}. At
  // A#3 the canonical rule takes from A#2's {A:{A:2}} every row's max with W, row A also with W's row
  // C {C:2} ({A:2, C:2}), then ticks: {A:{A:3, C:2}, B:{B:2}, C:{C:2}}; the run recorded row A {A:3}.
  scenario s = lesson_20();
  REQUIRE(s.logical.extra.size() == 1);
  s.logical.extra[0].variant = 1;
  REQUIRE(s.logical.extra[0].kind->variants()[1] == "row-not-merged");
  explained_run r;
  run(s, r);
  const event_rules rules = explain_rules(r.graph, r.graph.resolve("A:gossip-c"), r.stamps.clocks());
  REQUIRE(rules.kinds.size() == 1);
  CHECK(rules.kinds[0] ==
        "M = max(M, M_m) row by row, row A also with the message's row C {C:2}; then M[A][A] = 2 + 1 = 3 would give "
        "M = {A:{A:3, C:2}, B:{B:2}, C:{C:2}}, but the run recorded M = {A:{A:3}, B:{B:2}, C:{C:2}}, which this "
        "rule does not give");
  CHECK(rules.vector_canonical);
  CHECK(rules.lamport.empty());
  CHECK(rules.hlc.empty());
}

TEST_CASE("explain with clocks lamport only shows no vector or HLC, and a restart from zero is told as such") {
  // A: local at 1, 2, 3 ms (L 1, 2, 3), crash at 4 ms (A#4, L 4), restart at 6 ms with persist none
  // (A#5: L = 0 + 1 = 1); B#1 local at 5 ms (L 1). The vector entries the run does not record read 0:
  // judged as a vector clock they would make the restart look like a checkpoint's.
  scenario s = make_scenario({"A", "B"});
  s.logical.clocks = {"lamport"};
  for (int t = 1; t <= 3; ++t) s.script.push_back(at(t * ms, A, action_kind::local, "work"));
  s.script.push_back(at(5 * ms, B, action_kind::local, "other"));
  crash_fault c;
  c.process = A;
  c.restart = 6 * ms;
  c.persist = persist_mode::none;
  fault f;
  f.at = 4 * ms;
  f.what = c;
  s.faults.push_back(f);
  explained_run r;
  run(s, r);
  const explained_clocks shown = r.stamps.clocks();
  const std::string t = explain(r.graph, "A#1", "A#5", {}, shown);
  CHECK(has(t, "L' is the process's clock after its previous event; L_m the one\nthe message carries"));
  CHECK(has(t, "  A#1 local \"work\"\n      time 1ms, pt 1ms, L 1\n"));
  CHECK(has(t, "        Lamport  L = L' + 1 = 1 + 1 = 2\n"));
  CHECK(has(t, "        Lamport  L = L' + 1 = 0 + 1 = 1 (restarted from zero)\n"));
  CHECK(has(t, "  Lamport    1 = 1: tied, which violates lamport.clock_condition\n  pt "));
  CHECK_FALSE(has(t, "V "));
  CHECK_FALSE(has(t, "vector"));
  CHECK_FALSE(has(t, "HLC"));
  const std::string concurrent = explain(r.graph, "A#2", "B#1", {}, shown);
  CHECK(has(concurrent, "  Lamport    2 > 1: b first, an order with no causality behind it\n  pt "));
  CHECK_FALSE(has(concurrent, "vector"));
  CHECK_FALSE(has(concurrent, "HLC"));
}

TEST_CASE("hbsim explain on a matrix trace: a file read twice and a pipe read once explain alike") {
  const scratch tmp;
  const std::filesystem::path trace = tmp / "trace.jsonl";
  REQUIRE(run_cli("run --trace '" + trace.string() + "' '" +
                  source_path("scenarios/teaching/20_matrix_knowledge.json") + "'")
              .code == 0);
  const cli_result file = run_cli("explain '" + trace.string() + "' A:append-x A:gossip-c");
  CHECK(file.code == 0);
  CHECK(has(file.out, gossip_c_matrix_rule));
  CHECK_FALSE(has(file.out, "HLC"));
  // The trace through a pipe on descriptor 3: not a regular file, so read once.
  const cli_result pipe =
      run_cli("explain /dev/fd/3 A:append-x A:gossip-c 3<&0", HBSIM_BINARY, "cat '" + trace.string() + "' | ");
  CHECK(pipe.code == 0);
  CHECK(pipe.out == file.out);
}

TEST_CASE("explain of a matrix-only run: a restart's matrix rule from the clocks before the crash") {
  // A: local at 1 ms (M[A][A] = 1), crash at 2 ms (A#2: 2), restart at 4 ms, persist all (A#3: 2 + 1 = 3).
  // Two processes: column A's minimum is min(3, 0) = 0, so the watermark is empty.
  scenario s = make_scenario({"A", "B"});
  s.logical.clocks = {"matrix"};
  s.logical.extra = {chosen_clock{clock_registry::standard().find("matrix")}};
  s.script.push_back(at(1 * ms, A, action_kind::local, "work"));
  crash_fault c;
  c.process = A;
  c.restart = 4 * ms;
  c.persist = persist_mode::all;
  fault f;
  f.at = 2 * ms;
  f.what = c;
  s.faults.push_back(f);
  explained_run r;
  run(s, r);
  REQUIRE(r.graph.event(3).kind == event_kind::restart);
  const event_rules rules = explain_rules(r.graph, 3, r.stamps.clocks());
  REQUIRE(rules.kinds.size() == 1);
  CHECK(rules.kinds[0] == "M[A][A] = 2 + 1 = 3: M = {A:{A:3}}, watermark {} (from the clocks before the crash: with "
                          "none of Lamport, vector and HLC the trace does not tell whether they were kept)");
  const std::string t = explain(r.graph, 1, 3, r.stamps.clocks());
  CHECK(has(t, "      time 4ms, pt 4ms, matrix {A:{A:3}}\n"));
  CHECK(has(t, "Each rule reads the process's clocks after its previous event and, for a receive, those\n"));
  CHECK_FALSE(has(t, "V {"));
  CHECK_FALSE(has(t, "HLC ("));
}
