// The kernel on small scenarios whose every value is worked out by hand in the comments.
#include <doctest/doctest.h>

#include <algorithm>

#include "hbsim/core/input_error.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {
using V = std::vector<std::uint32_t>;
constexpr process_id A = 0, B = 1, C = 2;

recorder run(const scenario& s) { return run_recorded(s).rec; }
}  // namespace

TEST_CASE("one message: stamps of send and receive") {
  scenario s = make_scenario({"A", "B"});
  s.script.push_back(at(0, A, action_kind::send, "ping", {B}));
  const recorder rec = run(s);
  REQUIRE(rec.events.size() == 2);
  const auto& send = rec.events[0];
  const auto& recv = rec.events[1];
  // A's send at t=0, pt 0: L 1, V [1,0], HLC l = max(0, 0) = 0 unchanged so c = 0 + 1 = 1.
  CHECK(send.r.kind == event_kind::send);
  CHECK(send.lamport == 1);
  CHECK(send.vector == V{1, 0});
  CHECK(send.hlc == hlc_stamp{0, 1});
  REQUIRE(send.messages.size() == 1);
  CHECK(send.messages[0].to == B);
  // B receives after the 1ms delay, pt 1ms: L max(0,1)+1 = 2, V [1,1], HLC l = max(0, 0, 1ms) = pt: c 0.
  CHECK(recv.r.kind == event_kind::receive);
  CHECK(recv.r.time == 1 * ms);
  CHECK(recv.r.pt == 1 * ms);
  CHECK(recv.lamport == 2);
  CHECK(recv.vector == V{1, 1});
  CHECK(recv.hlc == hlc_stamp{1 * ms, 0});
  CHECK(recv.label == "ping");
  CHECK(recv.r.send_event == send.r.id);
  CHECK(recv.r.message == send.messages[0].id);
  CHECK(recv.r.from == A);
}

TEST_CASE("broadcast is one send event with one message per other process") {
  scenario s = make_scenario({"A", "B", "C"});
  s.script.push_back(at(0, B, action_kind::broadcast, "hello"));
  const recorder rec = run(s);
  REQUIRE(rec.events.size() == 3);
  CHECK(rec.events[0].messages.size() == 2);
  CHECK(rec.events[0].messages[0].to == A);
  CHECK(rec.events[0].messages[1].to == C);
}

TEST_CASE("FIFO links never let a message overtake an earlier one") {
  for (bool fifo : {false, true}) {
    scenario s = make_scenario({"A", "B"});
    s.network.defaults.delay = distribution::uniform(1 * ms, 20 * ms);
    s.network.defaults.fifo = fifo;
    script_action a = at(0, A, action_kind::send, "m", {B});
    a.repeat_count = 200;
    a.repeat_every = 100'000;  // 0.1 ms apart: delays vary far more than that
    s.script.push_back(a);
    const recorder rec = run(s);
    std::vector<message_id> order;
    for (const auto& e : rec.of(B)) order.push_back(e.r.message);
    REQUIRE(order.size() == 200);
    CHECK(std::is_sorted(order.begin(), order.end()) == fifo);
  }
}

TEST_CASE("partition in drop mode, decided at send, healed later") {
  scenario s = make_scenario({"A", "B"});
  partition_fault p;
  p.groups = {{A}};
  p.group_of = {0, 1};
  p.heal = 5 * ms;
  s.faults.push_back({0, p, "/faults/0"});
  s.script.push_back(at(1 * ms, A, action_kind::send, "cut-off", {B}));
  s.script.push_back(at(6 * ms, A, action_kind::send, "after-heal", {B}));
  const recorder rec = run(s);
  REQUIRE(rec.drops.size() == 1);
  CHECK(rec.drops[0].reason == drop_reason::partition);
  CHECK(rec.drops[0].time == 1 * ms);
  const auto b = rec.of(B);
  REQUIRE(b.size() == 1);
  CHECK(b[0].label == "after-heal");
  CHECK(b[0].r.time == 7 * ms);
  REQUIRE(rec.faults.size() == 1);
  CHECK(rec.faults[0].end == 5 * ms);
}

TEST_CASE("partition in hold mode delivers after the heal with a fresh delay") {
  scenario s = make_scenario({"A", "B"});
  partition_fault p;
  p.groups = {{A}};
  p.group_of = {0, 1};
  p.heal = 5 * ms;
  p.mode = hold_mode::hold;
  s.faults.push_back({0, p, "/faults/0"});
  s.script.push_back(at(1 * ms, A, action_kind::send, "held", {B}));
  const auto [rec, stats] = run_recorded(s);
  const auto b = rec.of(B);
  REQUIRE(b.size() == 1);
  CHECK(b[0].r.time == 6 * ms);  // heal 5ms + delay 1ms
  CHECK(stats.held == 1);
  CHECK(rec.drops.empty());
}

TEST_CASE("a message already in flight is not affected by a partition that starts later") {
  scenario s = make_scenario({"A", "B"});
  partition_fault p;
  p.groups = {{A}};
  p.group_of = {0, 1};
  s.faults.push_back({500'000, p, "/faults/0"});
  s.script.push_back(at(0, A, action_kind::send, "early", {B}));
  const recorder rec = run(s);
  CHECK(rec.of(B).size() == 1);
}

TEST_CASE("a one-way cut stops one direction only") {
  scenario s = make_scenario({"A", "B"});
  cut_fault c;
  c.from = {A};
  c.to = {B};
  s.faults.push_back({0, c, "/faults/0"});
  s.script.push_back(at(1 * ms, A, action_kind::send, "a-to-b", {B}));
  s.script.push_back(at(1 * ms, B, action_kind::send, "b-to-a", {A}));
  const recorder rec = run(s);
  CHECK(rec.of(B).size() == 1);  // only its own send
  REQUIRE(rec.of(A).size() == 2);
  CHECK(rec.of(A)[1].label == "b-to-a");
  REQUIRE(rec.drops.size() == 1);
  CHECK(rec.drops[0].from == A);
}

TEST_CASE("crash and restart under each persistence mode") {
  // A: locals at 1, 2, 3 ms (L 1, 2, 3); crash at 4 ms (L 4); restart at 6 ms.
  struct mode_case {
    persist_mode mode;
    std::uint64_t restart_lamport;
    std::uint32_t restart_own_entry;
  };
  // all: 4 + 1 = 5. none: 0 + 1 = 1. checkpoint every 3 events: taken after the 3rd (L 3): 3 + 1 = 4.
  for (const mode_case m : {mode_case{persist_mode::all, 5, 5}, mode_case{persist_mode::none, 1, 1},
                            mode_case{persist_mode::checkpoint, 4, 4}}) {
    scenario s = make_scenario({"A", "B"});
    for (int t = 1; t <= 3; ++t) s.script.push_back(at(t * ms, A, action_kind::local, "work"));
    s.script.push_back(at(5 * ms, A, action_kind::local, "while-down"));
    s.script.push_back(at(4 * ms, B, action_kind::send, "to-crashed", {A}));  // arrives at 5 ms
    crash_fault c;
    c.process = A;
    c.restart = 6 * ms;
    c.persist = m.mode;
    c.checkpoint_every = m.mode == persist_mode::checkpoint ? 3 : 0;
    s.faults.push_back({4 * ms, c, "/faults/0"});
    const auto [rec, stats] = run_recorded(s);
    const auto a = rec.of(A);
    REQUIRE(a.size() == 5);
    CHECK(a[3].r.kind == event_kind::crash);
    CHECK(a[3].lamport == 4);
    CHECK(a[4].r.kind == event_kind::restart);
    CHECK(a[4].r.time == 6 * ms);
    CHECK(a[4].r.seq == 5);
    CHECK(a[4].lamport == m.restart_lamport);
    CHECK(a[4].vector[A] == m.restart_own_entry);
    CHECK(stats.skipped_actions == 1);
    REQUIRE(rec.drops.size() == 1);
    CHECK(rec.drops[0].reason == drop_reason::crashed);
    CHECK(rec.drops[0].time == 5 * ms);
  }
}

TEST_CASE("pause holds work back until it ends, the clock freezes unless running") {
  for (bool running : {false, true}) {
    scenario s = make_scenario({"A", "B"});
    pause_fault p;
    p.process = B;
    p.duration = 2 * ms;
    p.clock_running = running;
    s.faults.push_back({500'000, p, "/faults/0"});
    s.script.push_back(at(0, A, action_kind::send, "m", {B}));              // arrives at 1 ms, mid-pause
    s.script.push_back(at(2 * ms, B, action_kind::local, "scheduled"));     // due mid-pause
    const recorder rec = run(s);
    const auto b = rec.of(B);
    REQUIRE(b.size() == 2);
    // Both run at the resume time, 2.5 ms, in the order they were due.
    CHECK(b[0].r.kind == event_kind::receive);
    CHECK(b[0].r.time == 2'500'000);
    CHECK(b[1].label == "scheduled");
    CHECK(b[1].r.time == 2'500'000);
    // Frozen: the clock stopped at 0.5 ms and resumes from there. Running: it reads true time.
    CHECK(b[0].r.pt == (running ? 2'500'000 : 500'000));
  }
}

TEST_CASE("a clock step moves later readings") {
  scenario s = make_scenario({"A"});
  s.faults.push_back({1 * ms, clock_step_fault{A, 10 * ms}, "/faults/0"});
  s.script.push_back(at(2 * ms, A, action_kind::local, "after-step"));
  const recorder rec = run(s);
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].r.pt == 12 * ms);
  // HLC follows pt: l = 12 ms, c = 0.
  CHECK(rec.events[0].hlc == hlc_stamp{12 * ms, 0});
}

TEST_CASE("HLC max offset turns a receive into a reject that merges nothing") {
  const scenario s = message_from_the_future();
  const auto [rec, stats] = run_recorded(s);
  const auto b = rec.of(B);
  REQUIRE(b.size() == 1);
  // A's pt is 100 ms; at B (pt 1 ms) l_m - pt = 99 ms > 50 ms.
  CHECK(b[0].r.kind == event_kind::reject);
  CHECK(b[0].lamport == 1);           // ticks like a local event, no max with L_m = 1
  CHECK(b[0].vector == V{0, 1});        // A's entry not merged
  CHECK(b[0].hlc == hlc_stamp{1 * ms, 0});
  CHECK(b[0].r.from == A);
  CHECK(stats.rejected == 1);
  CHECK(stats.delivered == 0);
}

TEST_CASE("loss drops every message, duplication delivers two copies of one message") {
  scenario s = make_scenario({"A", "B"});
  s.network.defaults.loss = 1;
  s.script.push_back(at(0, A, action_kind::send, "lost", {B}));
  const recorder lost = run(s);
  REQUIRE(lost.drops.size() == 1);
  CHECK(lost.drops[0].reason == drop_reason::loss);

  s.network.defaults.loss = 0;
  s.network.defaults.duplicate = 1;
  const recorder dup = run(s);
  const auto b = dup.of(B);
  REQUIRE(b.size() == 2);
  CHECK(b[0].r.message == b[1].r.message);
  CHECK(b[1].lamport == 3);  // the duplicate is a second receive, and it ticks
}

TEST_CASE("per-link overrides: later entries win, field by field, with wildcards") {
  scenario s = make_scenario({"A", "B", "C"});
  link_override all_slow;
  all_slow.delay = distribution::constant(5 * ms);
  link_override a_to_c;
  a_to_c.from = A;
  a_to_c.to = C;
  a_to_c.delay = distribution::constant(2 * ms);
  link_override to_c_lossy;
  to_c_lossy.to = C;
  to_c_lossy.loss = 0.5;
  s.network.links = {all_slow, a_to_c, to_c_lossy};
  network net(s.network, {}, 3, random_source(1));
  CHECK(net.link(A, B).delay.first() == 5 * ms);
  CHECK(net.link(A, C).delay.first() == 2 * ms);
  CHECK(net.link(A, C).loss == 0.5);
  CHECK(net.link(B, C).delay.first() == 5 * ms);
  CHECK(net.link(C, A).loss == 0);
}

TEST_CASE("reactive rules answer the sender, after a delay") {
  scenario s = make_scenario({"A", "B"});
  s.script.push_back(at(0, A, action_kind::send, "ping", {B}));
  reactive_rule r;
  r.process = B;
  r.label = "ping";
  r.what = {action_kind::send, {}, true, "pong"};
  r.delay = 3 * ms;
  s.on_receive.push_back(r);
  const recorder rec = run(s);
  const auto a = rec.of(A);
  REQUIRE(a.size() == 2);
  // ping arrives at 1 ms; B answers at 4 ms; pong arrives at 5 ms.
  CHECK(a[1].label == "pong");
  CHECK(a[1].r.time == 5 * ms);
  CHECK(a[1].lamport == 4);  // A send 1; B receive 2, send 3; A receive max(1,3)+1 = 4
}

TEST_CASE("scripted action after a referenced event, with repeat") {
  scenario s = make_scenario({"A", "B"});
  s.script.push_back(at(0, A, action_kind::send, "ping", {B}));
  script_action then;
  then.process = A;
  then.after = ref(B, "ping");
  then.delay = 2 * ms;
  then.what = {action_kind::local, {}, false, "tick"};
  then.repeat_count = 3;
  then.repeat_every = 1 * ms;
  s.script.push_back(then);
  const recorder rec = run(s);
  const auto a = rec.of(A);
  REQUIRE(a.size() == 4);
  CHECK(a[1].r.time == 3 * ms);  // B's receive at 1 ms + 2 ms
  CHECK(a[2].r.time == 4 * ms);
  CHECK(a[3].r.time == 5 * ms);
}

TEST_CASE("an `after` reference that names several events is invalid input listing them") {
  scenario s = make_scenario({"A", "B"});
  s.file = "test.json";
  s.script.push_back(at(0, A, action_kind::local, "same"));
  s.script.push_back(at(1 * ms, A, action_kind::local, "same"));
  script_action then;
  then.process = B;
  then.after = ref(A, "same");
  then.what = {action_kind::local, {}, false, "x"};
  then.path = "/script/2";
  s.script.push_back(then);
  simulation sim(s);
  try {
    sim.run();
    FAIL("expected an input_error");
  } catch (const input_error& e) {
    CHECK(e.path() == "/script/2/after");
    CHECK(e.found().find("A:same#2") != std::string::npos);
  }
}

TEST_CASE("until stops the run, messages still travelling become in_flight drops") {
  scenario s = make_scenario({"A", "B"});
  s.until = 500'000;
  s.script.push_back(at(0, A, action_kind::send, "slow", {B}));
  const auto [rec, stats] = run_recorded(s);
  CHECK(stats.hit_until);
  CHECK(stats.end_time == 500'000);
  REQUIRE(rec.drops.size() == 1);
  CHECK(rec.drops[0].reason == drop_reason::in_flight);
}

TEST_CASE("max_events ends the run") {
  scenario s = make_scenario({"A"});
  s.max_events = 5;
  script_action a = at(0, A, action_kind::local, "tick");
  a.repeat_count = 100;
  a.repeat_every = 1 * ms;
  s.script.push_back(a);
  simulation sim(s);
  sim.run();
  CHECK(sim.stats().events == 5);
  CHECK(sim.stats().hit_max_events);
}

namespace {
// A behaviour a library user could write: every process pings its right neighbour `rounds` times
// and echoes what it receives once.
class ring_ping final : public behaviour {
 public:
  void on_start(process_context& ctx) override { ctx.set_timer(1 * ms, 0); }
  void on_timer(process_context& ctx, std::uint64_t) override {
    ctx.send(static_cast<process_id>((ctx.self() + 1) % ctx.process_count()), "ring");
  }
  void on_receive(process_context& ctx, const delivered_message& m) override {
    if (m.label == "ring") ctx.local("got-" + std::string(ctx.process_name(m.from)));
  }
};
}  // namespace

TEST_CASE("a behaviour written in C++ by a library user") {
  scenario s = make_scenario({"A", "B", "C"});
  simulation sim(s);
  sim.attach(std::make_shared<ring_ping>());
  recorder rec;
  sim.observe(rec);
  sim.run();
  // Each process: send at 1 ms, receive at 2 ms, local at 2 ms.
  CHECK(sim.stats().events == 9);
  const auto b = rec.of(B);
  REQUIRE(b.size() == 3);
  CHECK(b[2].label == "got-A");
  CHECK(b[2].lamport == 3);  // send 1, receive max(1, 1) + 1 = 2, local 3
}

namespace {
// A local event at 1 ms and a timeout at 10 ms that the 1 ms timer cancels; a 5 ms timer cancelled from on_start;
// and a cancel of the 1 ms timer once it has fired, which must leave the slot's next timer alone.
class cancels final : public behaviour {
 public:
  void on_start(process_context& ctx) override {
    first_ = ctx.set_timer(1 * ms, 1);
    timeout_ = ctx.set_timer(10 * ms, 10);
    ctx.cancel_timer(ctx.set_timer(5 * ms, 5));
  }
  void on_timer(process_context& ctx, std::uint64_t token) override {
    ctx.local("timer-" + std::to_string(token));
    if (token == 1) {
      ctx.cancel_timer(timeout_);
      ctx.set_timer(2 * ms, 3);     // takes the slot the fired timer left, or another
      ctx.cancel_timer(first_);     // fired already: nothing to cancel
    }
  }

 private:
  timer_handle first_, timeout_;
};
}  // namespace

TEST_CASE("a cancelled timer never fires and the run does not wait for it") {
  scenario s = make_scenario({"A"});
  simulation sim(s);
  sim.attach(std::make_shared<cancels>());
  recorder rec;
  sim.observe(rec);
  sim.run();
  // timer-1 at 1 ms, timer-3 at 1 + 2 = 3 ms; the 5 ms and 10 ms timers were cancelled.
  REQUIRE(rec.events.size() == 2);
  CHECK(rec.events[0].r.label == "timer-1");
  CHECK(rec.events[1].r.label == "timer-3");
  CHECK(rec.events[1].r.time == 3 * ms);
  CHECK(sim.stats().end_time == 3 * ms);  // not 10 ms: nothing was left to do
}

TEST_CASE("two simulations coexist and do not share state") {
  scenario s = make_scenario({"A", "B", "C"});
  s.generate.push_back(random_generator{50, 0.5, distribution::exponential(1 * ms)});
  simulation first(s);
  simulation second(s);
  recorder r1, r2;
  first.observe(r1);
  second.observe(r2);
  first.run();
  second.run();
  // 50 generated events per process, plus a receive for each send that arrives.
  const auto generated = std::count_if(r1.events.begin(), r1.events.end(),
                                       [](const kept_event& e) { return e.r.kind != event_kind::receive; });
  CHECK(generated == 150);
  REQUIRE(r1.events.size() == r2.events.size());
  for (std::size_t i = 0; i < r1.events.size(); ++i) {
    CHECK(r1.events[i].r.time == r2.events[i].r.time);
    CHECK(r1.events[i].vector == r2.events[i].vector);
  }
  simulation other_seed(s, 2);
  recorder r3;
  other_seed.observe(r3);
  other_seed.run();
  bool differs = false;
  for (std::size_t i = 0; i < r1.events.size(); ++i) differs = differs || r1.events[i].r.time != r3.events[i].r.time;
  CHECK(differs);
}

TEST_CASE("PHOLD makes exactly `messages` sends and delivers them all") {
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.generate.push_back(phold_generator{2, 1000, distribution::exponential(1 * ms), 0.8});
  simulation sim(s);
  sim.run();
  CHECK(sim.stats().messages_sent == 1000);
  CHECK(sim.stats().delivered == 1000);
}
