// The happens-before graph: edges, relations and paths on hand-derived scenarios; the same answers
// as brute-force reachability on random runs; vectors stored as changes read back exactly;
// references and their errors; inputs out of order refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <set>
#include <utility>

#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/hb_graph.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {
using V = std::vector<std::uint32_t>;
using ids = std::vector<event_id>;
constexpr process_id A = 0, B = 1, C = 2;

struct built {
  recorder rec;
  hb_graph graph;
};

built build(const scenario& s) {
  simulation sim(s);
  built out;
  hb_graph_builder builder;
  sim.observe(out.rec);
  sim.observe(builder);
  sim.run();
  out.graph = builder.build();
  return out;
}

std::set<std::pair<event_id, event_id>> csr_edges(const hb_graph& g) {
  std::set<std::pair<event_id, event_id>> out;
  const auto& csr = g.graph();
  for (auto [e, end] = boost::edges(csr); e != end; ++e)
    out.emplace(hb_graph::event_of(boost::source(*e, csr)), hb_graph::event_of(boost::target(*e, csr)));
  return out;
}

// The chain scenario of the first test cases:
//   A#1 (id 1) send m1 → B       t = 0
//   C#1 (id 2) local c1          t = 0.1 ms
//   B#1 (id 3) local b1          t = 0.5 ms
//   B#2 (id 4) receive m1        t = 1 ms
//   B#3 (id 5) send m2 → C       t = 2 ms
//   A#2 (id 6) local a2          t = 2.5 ms
//   C#2 (id 7) receive m2        t = 3 ms
//   C#3 (id 8) send m3 → A       t = 4 ms
//   A#3 (id 9) receive m3        t = 5 ms
scenario chain() {
  scenario s = relay_chain();
  return s;
}
}  // namespace

TEST_CASE("hb graph: program-order and message edges of a hand-made run") {
  const built b = build(chain());
  const hb_graph& g = b.graph;
  REQUIRE(g.event_count() == 9);
  // Program order A 1→6→9, B 3→4→5, C 2→7→8; messages 1→4, 5→7, 8→9.
  const std::set<std::pair<event_id, event_id>> expected = {{1, 6}, {6, 9}, {3, 4}, {4, 5}, {2, 7},
                                                            {7, 8}, {1, 4}, {5, 7}, {8, 9}};
  CHECK(g.edge_count() == 9);
  CHECK(csr_edges(g) == expected);
  // Out-edges come in increasing event id order: A#1's are its receive (4) and its next event (6).
  const auto [first, last] = boost::adjacent_vertices(hb_graph::vertex_of(1), g.graph());
  CHECK(ids(first, last) == ids{3, 5});  // vertices, i.e. events 4 and 6

  const hb_event recv = g.event(4);
  CHECK(recv.process == B);
  CHECK(recv.seq == 2);
  CHECK(recv.kind == event_kind::receive);
  CHECK(recv.label == "m1");
  CHECK(recv.send_event == 1);
  CHECK(recv.message == b.rec.events[0].messages[0].id);
  CHECK(recv.time == 1 * ms);
  CHECK(g.events_of(B) == 3);
  CHECK(g.event_at(C, 2) == 7);
  CHECK(g.event_at(C, 4) == 0);
  CHECK(g.find_process("C") == C);
  CHECK_FALSE(g.find_process("D"));
}

TEST_CASE("hb graph: relations and causal pasts of a hand-made run") {
  const built b = build(chain());
  const hb_graph& g = b.graph;
  CHECK(g.relation(1, 1) == hb_relation::same);
  CHECK(g.relation(1, 6) == hb_relation::before);   // program order
  CHECK(g.relation(1, 4) == hb_relation::before);   // message
  CHECK(g.relation(1, 8) == hb_relation::before);   // A#1 → B#2 → B#3 → C#2 → C#3
  CHECK(g.relation(8, 1) == hb_relation::after);
  CHECK(g.relation(1, 3) == hb_relation::concurrent);  // B's local before the receive
  CHECK(g.relation(2, 1) == hb_relation::concurrent);
  CHECK(g.relation(6, 5) == hb_relation::concurrent);  // A#2 is after the send, unseen by B
  CHECK(g.relation(2, 9) == hb_relation::before);      // C#1 → C#2 → C#3 → A#3
  CHECK(g.relation(3, 9) == hb_relation::before);
  CHECK_FALSE(g.happens_before(4, 4));
  // Ground truth: C#2 has seen A#1 and B up to B#3; A#3 has seen everything.
  CHECK(g.causal_past(7) == V{1, 3, 2});
  CHECK(g.causal_past(9) == V{3, 3, 3});
  CHECK(g.causal_past(6) == V{2, 0, 0});
  CHECK(g.causal_past(7, A) == 1);
  // Canonical clocks without faults: the recorded vectors are the ground truth.
  for (event_id e = 1; e <= 9; ++e) CHECK(g.recorded_vector(e) == g.causal_past(e));
  CHECK_THROWS_AS(g.relation(0, 1), std::out_of_range);
  CHECK_THROWS_AS(g.event(10), std::out_of_range);
}

TEST_CASE("hb graph: a path of fewest hops, each an edge") {
  const built b = build(chain());
  const hb_graph& g = b.graph;
  CHECK(g.path(1, 9) == ids{1, 6, 9});  // program order beats the five hops through B and C
  CHECK(g.path(3, 9) == ids{3, 4, 5, 7, 8, 9});
  CHECK(g.path(1, 8) == ids{1, 4, 5, 7, 8});
  CHECK(g.path(2, 8) == ids{2, 7, 8});
  CHECK(g.path(1, 3).empty());  // concurrent
  CHECK(g.path(9, 1).empty());  // the wrong way
  CHECK(g.path(4, 4).empty());  // not a → a
}

TEST_CASE("hb graph: a reject is not an edge, duplicates and messages to oneself are") {
  SUBCASE("reject") {
    const scenario s = message_from_the_future();
    const built b = build(s);
    REQUIRE(b.graph.event_count() == 2);
    const hb_event r = b.graph.event(2);
    CHECK(r.kind == event_kind::reject);
    CHECK(r.send_event == 1);  // kept for explanations, but no edge
    CHECK(b.graph.edge_count() == 0);
    CHECK(b.graph.relation(1, 2) == hb_relation::concurrent);
    CHECK(b.graph.causal_past(2) == V{0, 1});
  }
  SUBCASE("duplicate") {
    scenario s = make_scenario({"A", "B"});
    s.network.defaults.duplicate = 1;
    s.script.push_back(at(0, A, action_kind::send, "twice", {B}));
    const built b = build(s);
    REQUIRE(b.graph.event_count() == 3);
    CHECK(csr_edges(b.graph) == std::set<std::pair<event_id, event_id>>{{1, 2}, {1, 3}, {2, 3}});
    CHECK(b.graph.path(1, 3) == ids{1, 3});
  }
  SUBCASE("to oneself: a message edge beside the program-order one") {
    scenario s = make_scenario({"A"});
    s.script.push_back(at(0, A, action_kind::send, "note", {A}));
    const built b = build(s);
    REQUIRE(b.graph.event_count() == 2);
    CHECK(b.graph.edge_count() == 2);
    CHECK(b.graph.event(2).send_event == 1);
    CHECK(b.graph.path(1, 2) == ids{1, 2});
    CHECK(b.graph.causal_past(2) == V{2});
  }
}

TEST_CASE("hb graph: recorded vectors that are not the ground truth read back exactly") {
  SUBCASE("restart from zero") {
    // A: local (1 ms), crash (1.5 ms), restart from zero (2 ms), local (3 ms). Its vector clock
    // says {A:1}, {A:2}, {A:1}, {A:2}; the ground truth counts on: 1, 2, 3, 4.
    scenario s = make_scenario({"A", "B"});
    s.script.push_back(at(1 * ms, A, action_kind::local, "before"));
    s.script.push_back(at(3 * ms, A, action_kind::local, "after"));
    crash_fault c;
    c.process = A;
    c.restart = 2 * ms;
    c.persist = persist_mode::none;
    s.faults.push_back({1'500'000, c, "/faults/0"});
    const built b = build(s);
    REQUIRE(b.graph.event_count() == 4);
    CHECK(b.graph.recorded_vector(3) == V{1, 0});
    CHECK(b.graph.causal_past(3) == V{3, 0});
    CHECK(b.graph.recorded_vector(4) == V{2, 0});
    CHECK(b.graph.causal_past(4) == V{4, 0});
    CHECK(b.graph.happens_before(1, 4));
  }
  SUBCASE("a vector clock that does not merge") {
    scenario s = chain();
    s.logical.vector = vector_variant::no_merge;
    const built b = build(s);
    CHECK(b.graph.recorded_vector(9) == V{3, 0, 0});  // A's own entry only
    CHECK(b.graph.causal_past(9) == V{3, 3, 3});
    for (const kept_event& e : b.rec.events) CHECK(b.graph.recorded_vector(e.r.id) == e.vector);
  }
}

namespace {
// Brute force from the recorder alone: edges from each event's predecessor on its process and from
// a receive's send; reachability by depth-first search; distances by breadth-first search.
struct brute {
  std::vector<std::vector<event_id>> next;  // by event id
  explicit brute(const recorder& rec) : next(rec.events.size() + 1) {
    std::vector<event_id> last(16, 0);
    for (const kept_event& e : rec.events) {
      if (last[e.r.process] != 0) next[last[e.r.process]].push_back(e.r.id);
      last[e.r.process] = e.r.id;
      if (e.r.kind == event_kind::receive) next[e.r.send_event].push_back(e.r.id);
    }
  }
  std::vector<bool> reach(event_id from) const {
    std::vector<bool> seen(next.size(), false);
    std::vector<event_id> stack{from};
    while (!stack.empty()) {
      const event_id v = stack.back();
      stack.pop_back();
      for (event_id w : next[v])
        if (!seen[w]) {
          seen[w] = true;
          stack.push_back(w);
        }
    }
    return seen;
  }
  std::vector<int> hops(event_id from) const {
    std::vector<int> d(next.size(), -1);
    std::deque<event_id> q{from};
    d[from] = 0;
    while (!q.empty()) {
      const event_id v = q.front();
      q.pop_front();
      for (event_id w : next[v])
        if (d[w] < 0) {
          d[w] = d[v] + 1;
          q.push_back(w);
        }
    }
    return d;
  }
};

scenario random_run(std::uint64_t seed, bool faults) {
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.seed = seed;
  random_generator g;
  g.events = 25;
  g.send_ratio = 0.6;
  g.interval = distribution::uniform(100'000, 2 * ms);
  s.generate.push_back(g);
  s.network.defaults.delay = distribution::uniform(100'000, 5 * ms);
  if (faults) {
    s.network.defaults.loss = 0.1;
    s.network.defaults.duplicate = 0.2;
    crash_fault c;
    c.process = B;
    c.restart = 20 * ms;
    c.persist = persist_mode::none;
    s.faults.push_back({10 * ms, c, "/faults/0"});
    s.logical.vector = vector_variant::send_previous;
  }
  return s;
}
}  // namespace

TEST_CASE("hb graph: relations, pasts and paths agree with brute force on random runs") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const bool faults = seed % 2 == 0;
    CAPTURE(seed);
    const built b = build(random_run(seed, faults));
    const hb_graph& g = b.graph;
    const brute truth(b.rec);
    const std::size_t n = b.rec.events.size();
    REQUIRE(g.event_count() == n);
    REQUIRE(n > 90);

    std::set<std::pair<event_id, event_id>> edges;
    for (event_id v = 1; v <= n; ++v)
      for (event_id w : truth.next[v]) edges.emplace(v, w);
    CHECK(csr_edges(g) == edges);

    std::uint64_t before = 0, concurrent = 0, mismatches = 0, bad_paths = 0, bad_pasts = 0, bad_vectors = 0;
    for (const kept_event& e : b.rec.events) {
      const hb_event x = g.event(e.r.id);
      if (x.process != e.r.process || x.seq != e.r.seq || x.kind != e.r.kind || x.label != e.label ||
          x.time != e.r.time || x.pt != e.r.pt || x.lamport != e.lamport || x.hlc != e.hlc)
        ++bad_vectors;
      if (g.recorded_vector(e.r.id) != e.vector) ++bad_vectors;
    }
    std::vector<std::vector<bool>> reach(n + 1);
    for (event_id a = 1; a <= n; ++a) reach[a] = truth.reach(a);
    // Ground truth by counting: past[c][j] = the latest seq of j among c and the events reaching c.
    std::vector<V> past(n + 1, V(4, 0));
    for (event_id a = 1; a <= n; ++a) {
      const kept_event& ea = b.rec.events[a - 1];
      const auto seq = static_cast<std::uint32_t>(ea.r.seq);
      for (event_id c = 1; c <= n; ++c)
        if (c == a || reach[a][c]) past[c][ea.r.process] = std::max(past[c][ea.r.process], seq);
    }
    for (event_id a = 1; a <= n; ++a) {
      const std::vector<int> hops = truth.hops(a);
      for (event_id c = 1; c <= n; ++c) {
        if (g.happens_before(a, c) != reach[a][c]) ++mismatches;
        if (a != c && !reach[a][c] && !reach[c][a]) ++concurrent;
        if (!reach[a][c]) continue;
        ++before;
        const ids p = g.path(a, c);
        bool ok = p.size() == static_cast<std::size_t>(hops[c]) + 1 && p.front() == a && p.back() == c;
        for (std::size_t k = 0; ok && k + 1 < p.size(); ++k) ok = edges.count({p[k], p[k + 1]}) == 1;
        if (!ok) ++bad_paths;
      }
    }
    for (event_id c = 1; c <= n; ++c)
      if (g.causal_past(c) != past[c]) ++bad_pasts;
    CHECK(mismatches == 0);
    CHECK(bad_paths == 0);
    CHECK(bad_pasts == 0);
    CHECK(bad_vectors == 0);
    // The runs are worth checking: both answers occur often.
    CHECK(before > n);
    CHECK(concurrent > n);
  }
}

TEST_CASE("hb graph: references resolve as FORMAT.md says, with candidates when they do not") {
  // A: local x (A#1), send ping → B (A#2), local x (A#3); B: receive ping (B#1), local y (B#2).
  scenario s = make_scenario({"A", "B"});
  s.script.push_back(at(0, A, action_kind::local, "x"));
  s.script.push_back(at(1 * ms, A, action_kind::send, "ping", {B}));
  s.script.push_back(at(3 * ms, A, action_kind::local, "x"));
  s.script.push_back(at(4 * ms, B, action_kind::local, "y"));
  const built b = build(s);
  const hb_graph& g = b.graph;
  // Events in order: A#1 (1), A#2 (2), B#1 (3) at 2 ms, A#3 (4), B#2 (5).
  CHECK(g.resolve("A:ping") == 2);
  CHECK(g.resolve("B:ping") == 3);  // a receive carries its message's label
  CHECK(g.resolve("A#3") == 4);
  CHECK(g.resolve("A:x#2") == 4);
  CHECK(g.resolve("A:x#1") == 1);
  CHECK(g.resolve(ref(B, "y")) == 5);

  const auto problem = [&](std::string_view text) {
    try {
      (void)g.resolve(text, "argument");
    } catch (const input_error& e) {
      CHECK(e.file() == "argument");
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(problem("A:x") ==
        "argument: expected a reference that names exactly one event, found \"A:x\": 2 events: A:x#1 (= A#1) A:x#2 "
        "(= A#3); pick one with #k");
  CHECK(problem("A:pong") == "argument: expected a reference that names exactly one event, found \"A:pong\": no event "
                             "of A labelled \"pong\" (A's labels: \"x\" \"ping\")");
  CHECK(problem("A:x#3") == "argument: expected a reference that names exactly one event, found \"A:x#3\": only 2 "
                            "events of A labelled \"x\"");
  CHECK(problem("B#3") ==
        "argument: expected a reference that names exactly one event, found \"B#3\": B has fewer than 3 events");
  CHECK(problem("Q:x") == "argument: expected the name of a process of the run, found the unknown process \"Q\" "
                          "(known processes: A, B)");
  CHECK(problem("Ax") == "argument: expected an event reference \"proc:label\", \"proc:label#k\" or \"proc#n\", found "
                         "\"Ax\" (no ':' or '#': write \"proc:label\", \"proc:label#k\" or \"proc#n\")");
  CHECK(problem("A#0") == "argument: expected an event reference \"proc:label\", \"proc:label#k\" or \"proc#n\", found "
                          "\"A#0\" ('#' must be followed by a positive integer (1 is the first))");
}

namespace {
event_record record(event_id id, process_id p, std::uint64_t seq, event_kind kind, event_id send = 0) {
  event_record r;
  r.id = id;
  r.process = p;
  r.seq = seq;
  r.kind = kind;
  r.label = "e";
  r.send_event = send;
  return r;
}
}  // namespace

TEST_CASE("hb graph builder: fed by hand as a trace reader would, inconsistent input is refused") {
  const std::vector<std::string> names{"A", "B"};
  const run_header header{nullptr, 1, names};
  hb_graph_builder builder("trace.jsonl");
  builder.on_start(header);
  builder.on_event(record(1, A, 1, event_kind::send));
  builder.on_event(record(2, B, 1, event_kind::receive, 1));
  const auto refused = [&](const event_record& r) {
    try {
      builder.on_event(r);
    } catch (const input_error& e) {
      CHECK(e.file() == "trace.jsonl");
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused(record(4, A, 2, event_kind::local)) ==
        "trace.jsonl: at event 4: expected event 3 (ids count 1, 2, 3, ... in execution order), found event 4");
  CHECK(refused(record(3, A, 3, event_kind::local)) == "trace.jsonl: at event 3: expected seq 2 on A, found seq 3");
  CHECK(refused(record(3, A, 2, event_kind::receive, 2)) ==
        "trace.jsonl: at event 3: expected a receive naming an earlier send event, found send 2");
  CHECK(refused(record(3, 7, 1, event_kind::local)) ==
        "trace.jsonl: at event 3: expected a process of the run, found process number 7");
  builder.on_event(record(3, A, 2, event_kind::local));
  const hb_graph g = builder.build();
  CHECK(g.event_count() == 3);
  CHECK(g.happens_before(1, 2));
  CHECK(g.relation(2, 3) == hb_relation::concurrent);
  // No vectors in these records: the recorded ones read back as zeros, the ground truth does not.
  CHECK(g.recorded_vector(2) == V{0, 0});
  CHECK(g.causal_past(2) == V{1, 1});
  // build() leaves the builder empty, ready for another run.
  builder.on_start(header);
  CHECK(builder.build().event_count() == 0);
}

TEST_CASE("hb graph: the CSR structure stays within 16 bytes per edge, the vectors below dense rows") {
  // PHOLD on 16 processes, 20,000 deliveries: about 40,000 events and 60,000 edges.
  scenario s = make_scenario({"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12", "p13",
                              "p14", "p15"});
  phold_generator p;
  p.messages = 20'000;
  p.think = distribution::exponential(100'000);
  p.remote = 0.9;
  s.generate.push_back(p);
  s.network.defaults.delay = distribution::exponential(1 * ms);
  simulation sim(s);
  hb_graph_builder builder;
  sim.observe(builder);
  sim.run();
  const hb_graph g = builder.build();
  REQUIRE(g.event_count() > 30'000);
  const hb_graph_memory m = g.memory();
  // 8 bytes of row offset per event, 4 of target per edge, Boost's 1-byte placeholders.
  CHECK(m.graph == (g.event_count() + 1) * 8 + g.edge_count() * 4 + g.event_count() + g.edge_count());
  CHECK(m.graph <= 16 * g.edge_count());
  CHECK(m.vectors < g.event_count() * 16 * 4 / 2);  // under half of dense uint32 rows
}
