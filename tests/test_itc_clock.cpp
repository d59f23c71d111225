// Interval tree clocks: the operations against the example run of the paper (Almeida, Baquero, Fonte
// 2008, the fork/event/join run of its figure, as the authors' README replays it: states a to h), normal
// form, the paper's binary encoding, the fork over the processes; on random runs leq as a partial order
// that agrees with happens-before; the canonical clock clean and no-join caught by
// itc.strong_clock_condition alone; the kind everywhere a kind goes (trace, check, narration, explain,
// exports, the clock comparison).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/itc/itc_stamp.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/run/runner.hpp"
#include "cli_fixture.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using json = nlohmann::json;

namespace {

itc_id_tree I(bool one) { return itc_id_leaf(one); }
itc_id_tree I(itc_id_tree l, itc_id_tree r) { return itc_id_node(std::move(l), std::move(r)); }
itc_event_tree E(std::uint64_t n) { return itc_event_leaf(n); }
itc_event_tree E(std::uint64_t n, itc_event_tree l, itc_event_tree r) { return itc_event_node(n, std::move(l), std::move(r)); }

}  // namespace

TEST_CASE("itc operations reproduce the paper's example run") {
  // a: the seed (1, 0). b: fork: split(1) = ((1,0), (0,1)).
  const itc_stamp seed = itc_seed();
  CHECK(seed == itc_stamp{I(true), E(0)});
  auto [a, b] = itc_fork(seed);
  CHECK(a == itc_stamp{I(I(true), I(false)), E(0)});
  CHECK(b == itc_stamp{I(I(false), I(true)), E(0)});
  // c: event on both. fill(i, n) = n, so grow: the leaf 0 becomes (0, 0, 0) and the owned half, under id 1,
  // goes to 1: a (0,1,0), b (0,0,1).
  a = itc_event(a);
  b = itc_event(b);
  CHECK(a.event == E(0, E(1), E(0)));
  CHECK(b.event == E(0, E(0), E(1)));
  // d: fork a: split((1,0)) = (((1,0),0), ((0,1),0)); event b: fill((0,1), (0,0,1)) raises the right half to
  // max(height 1, base of the left 0) = 1, unchanged; grow: 1 to 2.
  auto [a2, c] = itc_fork(a);
  a = a2;
  CHECK(a.id == I(I(I(true), I(false)), I(false)));
  CHECK(c.id == I(I(I(false), I(true)), I(false)));
  CHECK(c.event == E(0, E(1), E(0)));
  b = itc_event(b);
  CHECK(b.event == E(0, E(0), E(2)));
  // e: event a: fill leaves the leaf 1 of a's half (its id there is (1,0), not 1); grow expands it:
  // (1, 1, 0) under the left quarter, so (0, (1,1,0), 0). join b with c: sum((0,1), ((0,1),0)) =
  // ((0,1), 1); join((0,0,2), (0,1,0)) = norm((0, 1, 2)) = (1, 0, 1).
  a = itc_event(a);
  CHECK(a.event == E(0, E(1, E(1), E(0)), E(0)));
  b = itc_join(b, c);
  CHECK(b == itc_stamp{I(I(I(false), I(true)), I(true)), E(1, E(0), E(1))});
  // f: fork b: split(((0,1),1)), neither half 0: (((0,1),0), (0,1)).
  auto [b2, c2] = itc_fork(b);
  b = b2;
  c = c2;
  CHECK(b.id == I(I(I(false), I(true)), I(false)));
  CHECK(c == itc_stamp{I(I(false), I(true)), E(1, E(0), E(1))});
  // g: join a with b: sum(((1,0),0), ((0,1),0)) = norm((norm((1, 1)), 0)) = (1, 0); the trees:
  // join((0, (1,1,0), 0), (1, 0, 1)): left join((1,1,0), 0↑1) = (1,1,0), right join(0, 1↑1) = 2;
  // norm((0, (1,1,0), 2)) lifts 1: (1, (0,1,0), 1).
  a = itc_join(a, b);
  CHECK(a == itc_stamp{I(I(true), I(false)), E(1, E(0, E(1), E(0)), E(1))});
  // h: event a: fill((1,0), ...) raises the left half to max(height 1, base of the right 1) = 1:
  // norm((1, 1, 1)) = 2. Fill changed it, so no grow.
  a = itc_event(a);
  CHECK(a == itc_stamp{I(I(true), I(false)), E(2)});
  CHECK(itc_text(a) == "((1,0), 2)");
  CHECK(itc_text(c) == "((0,1), (1,0,1))");
  // peek: the tree without the id.
  CHECK(itc_peek(c) == itc_stamp{I(false), E(1, E(0), E(1))});
  // Every state above is in normal form; a tree (0, 1, 1) or an id (1, 1) is not.
  for (const itc_stamp& s : {seed, a, b, c}) CHECK(itc_normal(s));
  CHECK_FALSE(itc_normal({I(true), E(0, E(1), E(1))}));
  CHECK_FALSE(itc_normal({I(true), E(0, E(1), E(2))}));  // both halves above 0: the 1 belongs in the root
  CHECK_FALSE(itc_normal({I(I(true), I(true)), E(0)}));
  CHECK_THROWS_AS(itc_event(itc_peek(a)), std::logic_error);
}

TEST_CASE("itc leq compares the functions the trees stand for") {
  // (0, (1,1,0), 0): 2 on [0, 1/4), 1 on [1/4, 1/2), 0 on [1/2, 1); (1, 0, 1): 1, then 2.
  const itc_event_tree x = E(0, E(1, E(1), E(0)), E(0)), y = E(1, E(0), E(1)), flat2 = E(2);
  CHECK(itc_leq(x, flat2));
  CHECK_FALSE(itc_leq(flat2, x));
  CHECK_FALSE(itc_leq(x, y));  // 2 > 1 on [0, 1/4)
  CHECK_FALSE(itc_leq(y, x));  // 2 > 0 on [1/2, 1)
  CHECK(itc_leq(y, flat2));
  CHECK(itc_leq(E(1), y));
  CHECK_FALSE(itc_leq(E(2), y));
  CHECK(itc_leq(x, x));
}

TEST_CASE("itc words and the paper's binary encoding") {
  const itc_stamp s{I(I(true), I(false)), E(0, E(1), E(0))};
  std::vector<std::uint64_t> words;
  itc_encode(s, words);
  // Preorder: id node 2, 1, 0; event node 2·0 + 1, leaf 2·1, leaf 2·0.
  CHECK(words == std::vector<std::uint64_t>{2, 1, 0, 1, 2, 0});
  CHECK(itc_decode(words) == s);
  // Bits: id (1, 0) = 2 + 3 (the 0 half left out); event (0, 1, 0): 3 + the leaf 1 (4 bits: "1", "0",
  // two bits of n), the 0 half left out. The seed: 3 + 4.
  CHECK(itc_id_bits(s.id) == 5);
  CHECK(itc_event_bits(s.event) == 7);
  CHECK(itc_id_bits(I(false)) + itc_event_bits(E(0)) == 7);
  // Numbers: 2k bits, k = 2 for 0..3, 3 for 4..11, 4 for 12..27. A node (n, l, r) with n ≠ 0 and no
  // 0 half: 4 bits, n, l, r: (5, 1, 12) = 4 + 6 + 4 + 8.
  CHECK(itc_event_bits(E(3)) == 4);
  CHECK(itc_event_bits(E(4)) == 6);
  CHECK(itc_event_bits(E(11)) == 6);
  CHECK(itc_event_bits(E(12)) == 8);
  CHECK(itc_event_bits(E(5, E(1), E(12))) == 22);
  // With a 0 half, 5 bits: (2, 0, 1) = 5 + 4 + 4.
  CHECK(itc_event_bits(E(2, E(0), E(1))) == 13);
}

TEST_CASE("itc_ids forks the seed over the processes, the left half taking the larger share") {
  CHECK(itc_ids(1) == std::vector<itc_id_tree>{I(true)});
  // 3: split(1) = ((1,0), (0,1)); the first two split (1,0) again.
  const std::vector<itc_id_tree> three = itc_ids(3);
  REQUIRE(three.size() == 3);
  CHECK(three[0] == I(I(I(true), I(false)), I(false)));
  CHECK(three[1] == I(I(I(false), I(true)), I(false)));
  CHECK(three[2] == I(I(false), I(true)));
  // 5: 3 on the left, 2 on the right: the right's split((0,1)) = ((0,(1,0)), (0,(0,1))).
  const std::vector<itc_id_tree> five = itc_ids(5);
  REQUIRE(five.size() == 5);
  CHECK(five[2] == I(I(I(false), I(true)), I(false)));
  CHECK(five[3] == I(I(false), I(I(true), I(false))));
  CHECK(five[4] == I(I(false), I(I(false), I(true))));
  // For any count, the ids join back into the seed's 1: disjoint, covering [0, 1).
  for (std::size_t n = 1; n <= 40; ++n) {
    itc_stamp all{I(false), E(0)};
    for (const itc_id_tree& id : itc_ids(n)) all = itc_join(all, {id, E(0)});
    CHECK(all.id == I(true));
  }
}

namespace {

scenario with_itc(std::size_t variant = 0) {
  scenario s = faulty_random_scenario();
  s.logical.clocks = {"vector", "itc"};
  s.logical.extra.push_back({clock_registry::standard().find("itc"), variant});
  return s;
}

struct stamped_event {
  std::vector<std::uint32_t> vector;
  itc_stamp stamp;
};

std::vector<stamped_event> stamped_events(const scenario& s, std::uint64_t seed) {
  const temp_file trace("itc.jsonl");
  run_options o;
  o.seed = seed;
  o.trace_path = trace.str();
  run_scenario(s, o);
  const auto kind = clock_registry::standard().find("itc");
  std::vector<std::string> names;
  for (const auto& p : s.processes) names.push_back(p.name);
  std::vector<stamped_event> out;
  std::istringstream in(read_file(trace.path));
  for (std::string line; std::getline(in, line);) {
    const json l = json::parse(line);
    if (l["type"] != "event") continue;
    stamped_event e;
    for (const std::string& n : names) e.vector.push_back(l["vector"].value(n, 0u));
    std::vector<std::uint64_t> words;
    REQUIRE(kind->read(l["itc"], names, words).empty());  // read() takes normal forms only
    e.stamp = itc_decode(words);
    out.push_back(std::move(e));
  }
  return out;
}

// a → b by the (canonical, exact) vector clocks: a's vector ≤ b's and they differ.
bool before(const stamped_event& a, const stamped_event& b) {
  bool less = false;
  for (std::size_t k = 0; k < a.vector.size(); ++k) {
    if (a.vector[k] > b.vector[k]) return false;
    less = less || a.vector[k] < b.vector[k];
  }
  return less;
}

}  // namespace

TEST_CASE("itc leq is a partial order that agrees with happens-before on random runs") {
  std::size_t pairs = 0, related = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    CAPTURE(seed);
    const std::vector<stamped_event> events = stamped_events(with_itc(), seed);
    REQUIRE(events.size() > 40);
    for (const stamped_event& a : events) {
      CHECK(itc_normal(a.stamp));
      CHECK(itc_leq(a.stamp.event, a.stamp.event));  // reflexive
      for (const stamped_event& b : events) {
        if (&a == &b) continue;
        ++pairs;
        const bool ab = itc_leq(a.stamp.event, b.stamp.event), ba = itc_leq(b.stamp.event, a.stamp.event);
        CHECK((ab && !(a.stamp.event == b.stamp.event)) == before(a, b));
        if (ab && ba) CHECK(a.stamp.event == b.stamp.event);  // antisymmetric
        related += ab;
        if (!ab) continue;
        for (const stamped_event& c : events)  // transitive
          if (itc_leq(b.stamp.event, c.stamp.event)) CHECK(itc_leq(a.stamp.event, c.stamp.event));
      }
    }
  }
  CHECK(related > pairs / 10);
  CHECK(related < pairs - pairs / 10);
}

TEST_CASE("itc.strong_clock_condition holds for the canonical clock on 1,000 seeds and catches no-join alone") {
  std::size_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    CAPTURE(seed);
    run_options o;
    o.seed = seed;
    const run_outcome fine = run_scenario(with_itc(), o);
    CHECK(fine.invariants->violations().empty());
    if (seed > 50) continue;
    const run_outcome wrong = run_scenario(with_itc(1), o);
    const std::vector<violation_report> found = wrong.invariants->violations();
    caught += found.size() == 1 && found[0].name == "itc.strong_clock_condition";
  }
  CHECK(caught == 50);
}

namespace {

const std::string lesson28 = source_path("scenarios/teaching/28_itc_beside_vectors.json");
const std::string lesson29 = source_path("scenarios/teaching/29_itc_no_join.json");

// C#2 of lesson 28 (worked out in the file's notes): join of C#1's ((0,1), (0,0,1)) with what m2 carries,
// B#2's tree with id 0; then fill.
const std::string c2_rule =
    "join(((0,1), (0,0,1)), (0, (0,(2,0,1),0))) = ((0,1), (1,(1,0,1),0)); then event: fill gives (2,(0,0,1),0): "
    "stamp ((0,1), (2,(0,0,1),0))";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("itc in the clock comparison: bytes in the paper's encoding and edges, derived by hand") {
  // Lesson 28's stamps in bits (an id leaf 3, a node 2 plus its halves other than 0; an event node 3
  // when n = 0, else 4 or 5 with a 0 half, plus n; a number below 4 takes 4 bits; 0 halves left out):
  // A#1 ((1,0),0) 7 + (0,(0,1,0),0) 3 + 7 = 17 -> 3 bytes; C#1 (0,1) 5 + (0,0,1) 7 = 12 -> 2;
  // A#2 7 + 10 = 17 -> 3; B#1 ((0,1),0) 7 + (0,2,0) 7 = 14 -> 2; B#2 7 + (0,(2,0,1),0) 3 + 13 = 23 -> 3;
  // C#2 5 + (2,(0,0,1),0) 5 + 4 + 7 = 21 -> 3: 16 bytes over 6 events. Messages, id 0 (3 bits): m1 3 +
  // 10 -> 2, m2 3 + 16 -> 3: 5 bytes over 2. Edges: A#1 -> A#2, B#1 -> B#2, C#1 -> C#2, A#2 -> B#1,
  // B#2 -> C#2, all ordered.
  const cli_result run = run_cli("run --json '" + lesson28 + "'");
  REQUIRE(run.code == 0);
  const json itc = json::parse(run.out)["clock_report"]["itc"];
  CHECK(itc["event_bytes"] == 16);
  CHECK(itc["message_bytes"] == 5);
  CHECK(itc["edges"] == 5);
  CHECK(itc["edges_broken"] == 0);
  CHECK(itc["edges_undecided"] == 0);
  CHECK(has(run_cli("run '" + lesson28 + "'").out,
            "  itc            2.7 bytes per event, 2.5 per message (the paper's binary encoding, in whole bytes; a "
            "message's id 0 takes 3 bits)\n                 orders all 5 edges a -> b (process order and messages) as a "
            "before b\n"));
  // no-join: A#2 -> B#1 ((0,(0,2,0),0) vs (0,(0,0,1),0)) and B#2 -> C#2 ((0,(0,0,2),0) vs (0,0,2)) come out
  // concurrent.
  const json wrong = json::parse(run_cli("run --json '" + lesson29 + "'").out)["clock_report"]["itc"];
  CHECK(wrong["edges"] == 5);
  CHECK(wrong["edges_broken"] == 2);
  // The same variant from the command line on lesson 28: its tree expectations at B#1, B#2 and C#2 no longer hold,
  // and the violation fails the run.
  const cli_result chosen = run_cli("run --variant itc=no-join '" + lesson28 + "'");
  CHECK(chosen.code == 1);
  CHECK(has(chosen.out, "  VIOLATED  itc.strong_clock_condition: 2 violations; the first 2:\n"));
  CHECK(has(chosen.out, "expectations  5 met, 3 unmet\n"));
}

TEST_CASE("an itc trace: written, checked, explained, narrated and exported") {
  const scratch tmp;
  const std::string trace = (tmp.dir / "28.jsonl").string();
  REQUIRE(run_cli("run '" + lesson28 + "' --trace '" + trace + "'").code == 0);
  std::istringstream lines(read_file(trace));
  std::vector<json> events;
  for (std::string line; std::getline(lines, line);)
    if (json l = json::parse(line); l["type"] == "event") events.push_back(std::move(l));
  REQUIRE(events.size() == 6);
  CHECK(events[5]["itc"] == json::parse(R"({"id": [0, 1], "event": [2, [0, 0, 1], 0]})"));
  // check re-judges the file: the field read back as it was written.
  const cli_result check = run_cli("check '" + trace + "'");
  CHECK(check.code == 0);
  CHECK(has(check.out, "invariants    3 of 3 hold"));
  // explain and narration word the receive's rule with the tree the message carries (id 0).
  const cli_result explained = run_cli("explain '" + trace + "' A:a1 C:m2");
  CHECK(explained.code == 0);
  CHECK(has(explained.out, "        itc      " + c2_rule + "\n"));
  CHECK(has(run_cli("run '" + lesson28 + "' --narrate").out, "then tick = [2,2,2]; " + c2_rule + "\n"));
  const auto exported = [&](const std::string& format, const std::string& more = "") {
    return export_trace(tmp, trace, format, more);
  };
  const json graph = json::parse(exported("json"));
  CHECK(graph["graph"]["clocks"] == json::array({"vector", "itc"}));
  CHECK(graph["nodes"][5]["itc"] == events[5]["itc"]);
  CHECK(has(exported("dot", "--clocks itc"), "itc ((0,1), (2,(0,0,1),0))"));
  const std::string html = exported("html");
  CHECK(has(html, R"(<input type="radio" name="clock" value="1"> itc</label>)"));  // the clock switch
  CHECK(has(html, "((0,1), (2,(0,0,1),0))"));
  CHECK(has(exported("graphml"), "[2,[0,0,1],0]"));
  CHECK(has(exported("perfetto"), R"("itc": {"event":[2,[0,0,1],0],"id":[0,1]})"));
  CHECK(has(exported("svg", "--clocks itc"), "((0,1), (2,(0,0,1),0))"));
  CHECK(has(exported("shiviz"), "receive m2 from B | true time 5ms | recorded V {A:2, B:2, C:2} | itc ((0,1), (2,(0,0,1),0))"));
  // A broken trace field is refused with what was expected.
  std::string text = read_file(trace);
  text.replace(text.find("\"event\":[2,[0,0,1],0]"), 21, "\"event\":[2,[0,1,1],0]");
  const temp_file broken("broken.jsonl", text);
  const cli_result refused = run_cli("check '" + broken.str() + "'");
  CHECK(refused.code == 2);
  CHECK(has(refused.err, "an interval tree clock stamp in normal form"));
}
