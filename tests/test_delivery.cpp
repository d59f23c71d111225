// The delivery seam: what happens between a copy's arrival at a process and its receive event. FIFO
// links as a delivery policy, and a policy of a test's own that holds copies back and sends protocol
// messages of its own.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>

#include "hbsim/kernel/delivery_policy.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {
constexpr process_id A = 0, B = 1;

// The network's draws, from the route records: when each message would arrive on its own.
class route_keeper final : public event_observer {
 public:
  void on_route(const route_record& r) override { drawn.push_back(r.time + r.delay[0]); }
  std::vector<sim_time> drawn;  // per message, in send order
};

struct fifo_run {
  recorder rec;
  route_keeper routes;
};

// A sends m1 at 0 and m2 at 1ms to B over a link whose delay is uniform in [1ms, 20ms]; FIFO or not.
scenario two_messages(bool fifo) {
  scenario s = make_scenario({"A", "B"});
  s.network.defaults.delay = distribution::uniform(1 * ms, 20 * ms);
  s.network.defaults.fifo = fifo;
  s.script.push_back(at(0, A, action_kind::send, "m1", {B}));
  s.script.push_back(at(1 * ms, A, action_kind::send, "m2", {B}));
  return s;
}

fifo_run run_with(const scenario& s, std::uint64_t seed) {
  fifo_run out;
  simulation sim(s, seed);
  sim.observe(out.rec);
  sim.observe(out.routes);
  sim.run();
  return out;
}

// The first seed under which m2 draws an arrival before m1's: the network's draws do not depend on FIFO.
std::uint64_t overtaking_seed(const scenario& s) {
  for (std::uint64_t seed = 1; seed < 200; ++seed) {
    const fifo_run r = run_with(s, seed);
    if (r.routes.drawn.size() == 2 && r.routes.drawn[1] < r.routes.drawn[0]) return seed;
  }
  return 0;
}
}  // namespace

TEST_CASE("FIFO link: a message that overtakes is received right after the one ahead, at its arrival") {
  const std::uint64_t seed = overtaking_seed(two_messages(false));
  REQUIRE(seed != 0);
  SUBCASE("without FIFO m2 is received first, at its own arrival") {
    const fifo_run r = run_with(two_messages(false), seed);
    const auto b = r.rec.of(B);
    REQUIRE(b.size() == 2);
    CHECK(b[0].label == "m2");
    CHECK(b[0].r.time == r.routes.drawn[1]);
    CHECK(b[1].label == "m1");
    CHECK(b[1].r.time == r.routes.drawn[0]);
  }
  SUBCASE("with FIFO m2 waits for m1 and follows it at m1's arrival time, as the very next event") {
    const fifo_run r = run_with(two_messages(true), seed);
    const auto b = r.rec.of(B);
    REQUIRE(b.size() == 2);
    CHECK(b[0].label == "m1");
    CHECK(b[0].r.time == r.routes.drawn[0]);
    CHECK(b[1].label == "m2");
    CHECK(b[1].r.time == r.routes.drawn[0]);
    CHECK(b[1].r.id == b[0].r.id + 1);
    // B's second receive merges m2 (A's event 2): L = max(2, 2) + 1 = 3.
    CHECK(b[1].lamport == 3);
  }
}

TEST_CASE("FIFO link: a held message whose predecessor is dropped at a crashed receiver follows it") {
  scenario s = two_messages(true);
  const std::uint64_t seed = overtaking_seed(s);
  REQUIRE(seed != 0);
  const sim_time m1_arrival = run_with(s, seed).routes.drawn[0];
  const sim_time m2_arrival = run_with(s, seed).routes.drawn[1];
  SUBCASE("B crashes between the two arrivals: m2, held while B was up, is dropped with m1") {
    s.faults.push_back({m2_arrival + 1, crash_fault{B, std::nullopt, persist_mode::all, 0}, "/faults/0"});
    const fifo_run r = run_with(s, seed);
    REQUIRE(r.rec.drops.size() == 2);
    CHECK(r.rec.drops[0].message == 1);
    CHECK(r.rec.drops[1].message == 2);
    for (const drop_record& d : r.rec.drops) {
      CHECK(d.reason == drop_reason::crashed);
      CHECK(d.time == m1_arrival);
    }
    CHECK(r.rec.of(B).size() == 1);  // the crash event only
  }
  SUBCASE("B is down when m2 arrives and back before m1: both are received once m1 arrives") {
    s.faults.push_back({m2_arrival - 1, crash_fault{B, m1_arrival - 1, persist_mode::all, 0}, "/faults/0"});
    const fifo_run r = run_with(s, seed);
    CHECK(r.rec.drops.empty());
    const auto b = r.rec.of(B);
    REQUIRE(b.size() == 4);
    CHECK(b[0].r.kind == event_kind::crash);
    CHECK(b[1].r.kind == event_kind::restart);
    CHECK(b[2].label == "m1");
    CHECK(b[3].label == "m2");
    CHECK(b[3].r.time == m1_arrival);
  }
}

TEST_CASE("FIFO link: copies still held at the end are dropped in the order they would have been received") {
  scenario s = two_messages(true);
  const std::uint64_t seed = overtaking_seed(s);
  REQUIRE(seed != 0);
  const fifo_run before = run_with(s, seed);
  s.until = before.routes.drawn[0] - 1;  // m2 has arrived and waits; m1 is still travelling
  const fifo_run r = run_with(s, seed);
  CHECK(r.rec.of(B).empty());
  REQUIRE(r.rec.drops.size() == 2);
  CHECK(r.rec.drops[0].message == 1);
  CHECK(r.rec.drops[1].message == 2);
  CHECK(r.rec.drops[0].reason == drop_reason::in_flight);
  CHECK(r.rec.drops[1].reason == drop_reason::in_flight);
}

namespace {
// Holds every copy until one labelled "go" arrives, then delivers the held ones in arrival order and the
// go last. Each arrival is acknowledged at once with a protocol message "ack:LABEL" to its sender.
class gate final : public delivery_policy {
 public:
  void on_arrival(delivery_context& ctx, const arrived_copy& c) override {
    arrivals.push_back(c.arrival);
    ctx.send(std::span(&c.from, 1), std::string("ack:").append(c.label));
    if (c.label != "go") {
      waiting.push_back(c);
      return;
    }
    for (const arrived_copy& w : waiting) ctx.deliver(w);
    waiting.clear();
    ctx.deliver(c);
  }
  void on_dropped(delivery_context&, const arrived_copy& c) override { dropped.push_back(c.message); }
  void held(std::vector<arrived_copy>& out) const override { out.insert(out.end(), waiting.begin(), waiting.end()); }

  std::vector<arrived_copy> waiting;
  std::vector<sim_time> arrivals;
  std::vector<message_id> dropped;
};

struct gated_run {
  recorder rec;
  std::shared_ptr<gate> g = std::make_shared<gate>();
};

// A sends x at 0, y at 1ms and, when `go_at` is set, go then; the network takes 1ms. B is behind a gate.
gated_run run_gated(std::optional<sim_time> go_at, std::vector<fault> faults = {}) {
  scenario s = make_scenario({"A", "B"});
  s.script.push_back(at(0, A, action_kind::send, "x", {B}));
  s.script.push_back(at(1 * ms, A, action_kind::send, "y", {B}));
  if (go_at) s.script.push_back(at(*go_at, A, action_kind::send, "go", {B}));
  s.faults = std::move(faults);
  gated_run out;
  simulation sim(s);
  sim.deliver_through(out.g, std::vector<process_id>{B});
  sim.observe(out.rec);
  sim.run();
  return out;
}
}  // namespace

TEST_CASE("a delivery policy holds copies back, releases them later and sends messages of its own") {
  const gated_run r = run_gated(5 * ms);
  // Arrivals at B at 1, 2 and 6ms; B acknowledges each at once (a send event), receives x and y only at 6ms.
  CHECK(r.g->arrivals == std::vector<sim_time>{1 * ms, 2 * ms, 6 * ms});
  const auto b = r.rec.of(B);
  REQUIRE(b.size() == 6);
  CHECK(b[0].label == "ack:x");
  CHECK(b[0].r.kind == event_kind::send);
  CHECK(b[0].r.time == 1 * ms);
  CHECK(b[1].label == "ack:y");
  CHECK(b[1].r.time == 2 * ms);
  CHECK(b[2].label == "ack:go");
  CHECK(b[2].r.time == 6 * ms);
  for (int i = 3; i < 6; ++i) {
    CHECK(b[i].r.kind == event_kind::receive);
    CHECK(b[i].r.time == 6 * ms);
  }
  CHECK(b[3].label == "x");
  CHECK(b[4].label == "y");
  CHECK(b[5].label == "go");
  // The acknowledgements reach A, which has no policy, 1ms after they were sent: A sends x (0), y (1ms),
  // receives ack:x (2ms), ack:y (3ms), sends go (5ms), receives ack:go (7ms).
  const auto a = r.rec.of(A);
  REQUIRE(a.size() == 6);
  CHECK(a[2].label == "ack:x");
  CHECK(a[2].r.kind == event_kind::receive);
  CHECK(a[2].r.time == 2 * ms);
  CHECK(a[5].label == "ack:go");
  CHECK(a[5].r.time == 7 * ms);
}

TEST_CASE("a delivery policy: what it still holds at the end is dropped, and it sees drops at a crashed process") {
  SUBCASE("no go: x and y are in-flight drops at the end, in arrival order") {
    const gated_run r = run_gated(std::nullopt);
    CHECK(r.rec.of(B).size() == 2);  // the two acknowledgements
    REQUIRE(r.rec.drops.size() == 2);
    CHECK(r.rec.drops[0].message == 1);
    CHECK(r.rec.drops[1].message == 2);
    CHECK(r.rec.drops[0].reason == drop_reason::in_flight);
  }
  SUBCASE("B crashes at 4ms: the gate still sees go arrive and releases x, y and go, all three dropped") {
    const gated_run crashed = run_gated(5 * ms, {{4 * ms, crash_fault{B, std::nullopt, persist_mode::all, 0}, "/f"}});
    // At 6ms the gate's acknowledgement is skipped (B is down) and what it delivers is dropped, in the
    // order it delivers it; it is told of each drop.
    // Messages 3 and 4 are B's acknowledgements of x and y: go is message 5.
    CHECK(crashed.g->dropped == std::vector<message_id>{1, 2, 5});
    REQUIRE(crashed.rec.drops.size() == 3);
    CHECK(crashed.rec.drops[2].message == 5);
    for (const drop_record& d : crashed.rec.drops) {
      CHECK(d.reason == drop_reason::crashed);
      CHECK(d.time == 6 * ms);
    }
  }
}

namespace {
// Delivers every copy at once, noting what reached it and when.
class witness final : public delivery_policy {
 public:
  void on_arrival(delivery_context& ctx, const arrived_copy& c) override {
    seen.emplace_back(c.label, c.arrival);
    ctx.deliver(c);
  }
  void held(std::vector<arrived_copy>&) const override {}
  std::vector<std::pair<std::string, sim_time>> seen;
};
}  // namespace

TEST_CASE("delivery layers stack: a layer above FIFO links sees copies in send order, when FIFO releases them") {
  const scenario s = two_messages(true);
  const std::uint64_t seed = overtaking_seed(s);
  REQUIRE(seed != 0);
  const fifo_run drawn = run_with(s, seed);
  // m2 was drawn to arrive first; FIFO holds it until m1 arrives at drawn[0], then releases it at once.
  auto top = std::make_shared<witness>();
  recorder rec;
  simulation sim(s, seed);
  sim.deliver_through(top, std::vector<process_id>{B});
  sim.observe(rec);
  sim.run();
  const sim_time first = drawn.routes.drawn[0];
  CHECK(top->seen == std::vector<std::pair<std::string, sim_time>>{{"m1", first}, {"m2", first}});
  const auto b = rec.of(B);
  REQUIRE(b.size() == 2);
  CHECK(b[0].label == "m1");
  CHECK(b[1].label == "m2");
  CHECK(b[1].r.time == first);
}

TEST_CASE("delivery layers stack: a gate above a witness, a witness above a gate") {
  // x, y and go arrive at B at 1, 2 and 6ms (the network takes 1ms); the gate holds x and y until go.
  const auto run = [](bool gate_on_top) {
    scenario s = make_scenario({"A", "B"});
    s.script.push_back(at(0, A, action_kind::send, "x", {B}));
    s.script.push_back(at(1 * ms, A, action_kind::send, "y", {B}));
    s.script.push_back(at(5 * ms, A, action_kind::send, "go", {B}));
    auto g = std::make_shared<gate>();
    auto w = std::make_shared<witness>();
    simulation sim(s);
    const std::vector<process_id> b{B};
    if (gate_on_top) {
      sim.deliver_through(w, b);
      sim.deliver_through(g, b);
    } else {
      sim.deliver_through(g, b);
      sim.deliver_through(w, b);
    }
    sim.run();
    return std::make_pair(g->arrivals, w->seen);
  };
  using seen = std::vector<std::pair<std::string, sim_time>>;
  const auto [gate_top, witness_below] = run(true);
  CHECK(gate_top == std::vector<sim_time>{1 * ms, 2 * ms, 6 * ms});
  CHECK(witness_below == seen{{"x", 1 * ms}, {"y", 2 * ms}, {"go", 6 * ms}});
  const auto [gate_bottom, witness_above] = run(false);
  CHECK(gate_bottom == std::vector<sim_time>{1 * ms, 2 * ms, 6 * ms});
  CHECK(witness_above == seen{{"x", 6 * ms}, {"y", 6 * ms}, {"go", 6 * ms}});
}
