// Delivery groups (SPEC §10): fifo and causal layers over the kernel's delivery seam, their receives'
// `arrived`, held copies at the end, and the delivery invariants, judged against the ground truth.
// Golden orders and times are derived by hand in the comments; the property tests run many seeds.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/views/explain.hpp"
#include "hbsim/views/narrator.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using nlohmann::json;

namespace {
constexpr process_id A = 0, B = 1, C = 2, D = 3, S = 4;

delivery_group group_of(std::vector<process_id> members, delivery_order order) {
  return {std::move(members), order, total_via::sequencer, 0};
}

struct judged_run {
  recorder rec;
  run_outcome out;
  std::uint64_t violations(std::string_view name) const { return out.invariants->count(name); }
  // Violations of every invariant but `name`.
  std::uint64_t others(std::string_view name) const {
    std::uint64_t n = 0;
    for (const violation_report& v : out.invariants->violations())
      if (v.name != name) n += v.count;
    return n;
  }
};

std::unique_ptr<judged_run> judge(const scenario& s, std::optional<std::uint64_t> seed = std::nullopt) {
  auto r = std::make_unique<judged_run>();
  run_options o;
  o.seed = seed;
  o.judge_thread = false;
  o.observers.push_back(&r->rec);
  r->out = run_scenario(s, o);
  return r;
}

// The reply that overtakes: A broadcasts m1 at 0; B receives it at 1ms and broadcasts "reply" at
// 1.5ms. A -> C takes 10ms, every other link 1ms: "reply" reaches C at 2.5ms, before m1 (10ms).
scenario reply_overtakes() {
  scenario s = make_scenario({"A", "B", "C"});
  s.network.links.push_back({A, C, distribution::constant(10 * ms), {}, {}, {}});
  s.script.push_back(at(0, A, action_kind::broadcast, "m1"));
  s.script.push_back(at(1500 * 1000, B, action_kind::broadcast, "reply"));
  s.delivery.groups.push_back(group_of({A, B, C}, delivery_order::causal));
  return s;
}

std::vector<std::string> receives(const recorder& rec, process_id p) {
  std::vector<std::string> out;
  for (const kept_event& e : rec.of(p))
    if (e.r.kind == event_kind::receive) out.push_back(e.label);
  return out;
}

const kept_event& receive_of(const recorder& rec, process_id p, const std::string& label) {
  for (const kept_event& e : rec.events)
    if (e.r.process == p && e.r.kind == event_kind::receive && e.label == label) return e;
  throw std::logic_error("no such receive");
}

}  // namespace

TEST_CASE("causal group: a reply that overtakes its cause waits for it, and its receive says when it arrived") {
  const auto r = judge(reply_overtakes());
  CHECK(receives(r->rec, C) == std::vector<std::string>{"m1", "reply"});
  const kept_event& m1 = receive_of(r->rec, C, "m1");
  const kept_event& reply = receive_of(r->rec, C, "reply");
  // m1 arrives at 10ms and is delivered at once; reply, held since 2.5ms, follows it at 10ms.
  CHECK(m1.r.time == 10 * ms);
  CHECK(m1.r.arrived == 10 * ms);
  CHECK(reply.r.time == 10 * ms);
  CHECK(reply.r.arrived == 2500 * 1000);
  // C: receive m1 = max(0, L(A's broadcast) 1) + 1 = 2; receive reply = max(2, L(B's broadcast) 3) + 1 = 4.
  CHECK(m1.lamport == 2);
  CHECK(reply.lamport == 4);
  // B's reply, sent after B had received m1, is delivered at A at once (A sent m1 itself).
  CHECK(receive_of(r->rec, A, "reply").r.arrived == 2500 * 1000);
  // Held back: B m1 0, A reply 0, C m1 0, C reply 7.5ms: mean 1.875ms, max 7.5ms.
  const run_stats& st = r->out.sim->stats();
  REQUIRE(st.held_back.size() == 4);
  CHECK(*std::max_element(st.held_back.begin(), st.held_back.end()) == 7500 * 1000);
  CHECK(r->violations("delivery.causal") == 0);
  CHECK(r->out.ok());
}

TEST_CASE("explain across a delivery group: the hop says when the message arrived and how long it was held") {
  hb_graph_builder builder;
  run_options o;
  o.judge_thread = false;
  o.observers.push_back(&builder);
  run_scenario(reply_overtakes(), o);
  const hb_graph g = builder.build();
  // Messages: A's m1 to B (m1) and C (m2); B's reply to A (m3) and C (m4), which reaches C at 2.5ms and is
  // delivered at 10ms, after m1.
  const std::string t = explain(g, "B:reply", "C:reply");
  CHECK(t.find("  hop 1: message m4 from B to C, arrived at 2.5ms and held back 7.5ms by its delivery group (the "
               "receive happens at delivery)\n") != std::string::npos);
  // A's m1 to B was not held: its hop says nothing of the layer.
  CHECK(explain(g, "A:m1", "B:m1").find("  hop 1: message m1 from A to B\n") != std::string::npos);
}

TEST_CASE("causal group: without the layer (no-hold) the reply is received first, and delivery.causal alone says so") {
  scenario s = reply_overtakes();
  s.delivery.groups[0].causal = causal_variant::no_hold;
  const auto r = judge(s);
  CHECK(receives(r->rec, C) == std::vector<std::string>{"reply", "m1"});
  CHECK(receive_of(r->rec, C, "reply").r.time == 2500 * 1000);
  CHECK(r->violations("delivery.causal") == 1);
  CHECK(r->others("delivery.causal") == 0);
  CHECK_FALSE(r->out.ok());
}

TEST_CASE("causal group: count-all-events makes B's reply wait forever: held drops, no invariant broken") {
  scenario s = reply_overtakes();
  s.delivery.groups[0].causal = causal_variant::count_all_events;
  const auto r = judge(s);
  // B's reply is B's second event (after its receive of m1): stamped B:2, while A and C have delivered
  // none of B's broadcasts, so they wait for a first one that never comes.
  CHECK(receives(r->rec, A).empty());
  CHECK(receives(r->rec, C) == std::vector<std::string>{"m1"});
  REQUIRE(r->rec.drops.size() == 2);
  for (const drop_record& d : r->rec.drops) {
    CHECK(d.reason == drop_reason::held);
    CHECK(d.from == B);
  }
  CHECK(r->out.sim->stats().dropped[static_cast<int>(drop_reason::held)] == 2);
  CHECK(r->out.invariants->violations().empty());
}

TEST_CASE("causal group: a message outside the group, or not to all of it, is received as it arrives") {
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.network.links.push_back({A, C, distribution::constant(10 * ms), {}, {}, {}});
  s.script.push_back(at(0, A, action_kind::broadcast, "m1"));                   // to B, C (group) and D
  s.script.push_back(at(2 * ms, B, action_kind::send, "direct", {C}));          // not to the whole group
  s.script.push_back(at(3 * ms, D, action_kind::send, "outsider", {C}));        // D is no member
  s.delivery.groups.push_back(group_of({A, B, C}, delivery_order::causal));
  const auto r = judge(s);
  CHECK(receives(r->rec, C) == std::vector<std::string>{"direct", "outsider", "m1"});
  CHECK(receive_of(r->rec, C, "direct").r.arrived == no_arrival);
  CHECK(receive_of(r->rec, C, "m1").r.arrived == 10 * ms);
  CHECK(receive_of(r->rec, D, "m1").r.arrived == no_arrival);
}

TEST_CASE("fifo group: sequence numbers per sender and receiver hold over a link that is not FIFO") {
  scenario s = make_scenario({"A", "B"});
  s.network.defaults.delay = distribution::uniform(1 * ms, 20 * ms);
  for (int k = 0; k < 6; ++k) s.script.push_back(at(k * ms, A, action_kind::send, "m" + std::to_string(k), {B}));
  SUBCASE("without a group some message overtakes under some seed") {
    bool overtaken = false;
    for (std::uint64_t seed = 1; seed <= 20 && !overtaken; ++seed) {
      const auto r = judge(s, seed);
      const auto got = receives(r->rec, B);
      overtaken = !std::is_sorted(got.begin(), got.end());
    }
    CHECK(overtaken);
  }
  SUBCASE("with one, every seed delivers in send order; a held copy follows the one ahead at its time") {
    s.delivery.groups.push_back(group_of({A, B}, delivery_order::fifo));
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const auto r = judge(s, seed);
      CHECK(receives(r->rec, B) == std::vector<std::string>{"m0", "m1", "m2", "m3", "m4", "m5"});
      sim_time latest_arrival = 0;
      for (const kept_event& e : r->rec.of(B)) {
        // Delivered when it and everything before it have arrived.
        latest_arrival = std::max(latest_arrival, e.r.arrived);
        CHECK(e.r.time == latest_arrival);
      }
      CHECK(r->violations("delivery.fifo") == 0);
      CHECK(r->out.ok());
    }
  }
}

TEST_CASE("delivery invariants are checked only in runs with delivery groups") {
  scenario s = reply_overtakes();
  const std::size_t with = judge(s)->out.invariants->judged();
  s.delivery.groups.clear();
  CHECK(judge(s)->out.invariants->judged() + 3 == with);
}

namespace {

// Four members broadcasting over a network that reorders (exponential delays): A and B broadcast five
// times each, C answers every "a" with a broadcast, D every answer of C: chains of causes and effects.
scenario broadcasting(double loss = 0, double duplicate = 0) {
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.network.defaults.delay = distribution::exponential(1 * ms);
  s.network.defaults.loss = loss;
  s.network.defaults.duplicate = duplicate;
  for (process_id p : {A, B}) {
    script_action x = at(p * 300 * 1000, p, action_kind::broadcast, p == A ? "a" : "b");
    x.repeat_count = 5;
    x.repeat_every = 700 * 1000;
    s.script.push_back(x);
  }
  s.on_receive.push_back({C, "a", {action_kind::broadcast, {}, false, "c-re"}, 0, "/on_receive/0"});
  s.on_receive.push_back({D, "c-re", {action_kind::broadcast, {}, false, "d-re"}, 100 * 1000, "/on_receive/1"});
  s.delivery.groups.push_back(group_of({A, B, C, D}, delivery_order::causal));
  return s;
}

// An oracle of its own: with canonical vector clocks, V(send m1) < V(send m2) iff send(m1) → send(m2).
// Returns the pairs some member delivered in the wrong order, or delivered the later without the earlier.
std::size_t causal_breaks(const recorder& rec) {
  std::map<event_id, std::vector<std::uint32_t>> sends;
  std::map<process_id, std::vector<event_id>> delivered;  // per member: sends, in delivery order
  for (const kept_event& e : rec.events) {
    if (e.r.kind == event_kind::send) sends[e.r.id] = e.vector;
    if (e.r.kind != event_kind::receive) continue;
    auto& d = delivered[e.r.process];
    if (std::find(d.begin(), d.end(), e.r.send_event) == d.end()) d.push_back(e.r.send_event);
  }
  const auto before = [](const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    return a != b && std::equal(a.begin(), a.end(), b.begin(), [](auto x, auto y) { return x <= y; });
  };
  std::size_t breaks = 0;
  for (const auto& [q, order] : delivered)
    for (std::size_t i = 0; i < order.size(); ++i)
      for (const auto& [m1, v1] : sends) {
        if (m1 == order[i] || !before(v1, sends[order[i]])) continue;
        const kept_event* s1 = nullptr;
        for (const kept_event& e : rec.events)
          if (e.r.id == m1) s1 = &e;
        if (s1->r.process == q) continue;  // q's own broadcast: delivered when sent
        const auto at = std::find(order.begin(), order.end(), m1);
        breaks += at == order.end() || at > order.begin() + static_cast<std::ptrdiff_t>(i);
      }
  return breaks;
}

}  // namespace

TEST_CASE("causal group, many seeds: every member delivers every broadcast, never before its causes") {
  const scenario s = broadcasting();
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    CHECK(causal_breaks(r->rec) == 0);
    CHECK(r->rec.drops.empty());
    // 10 broadcasts of A and B, 5 answers of C, 5 of D: 20, each delivered by the three other members.
    CHECK(r->out.sim->stats().delivered == 60);
    CHECK(r->out.ok());
  }
}

TEST_CASE("causal group, many seeds with loss and duplicates: causal order still holds, and the judge agrees") {
  const scenario s = broadcasting(0.05, 0.1);
  std::uint64_t held = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    CHECK(causal_breaks(r->rec) == 0);
    CHECK(r->violations("delivery.causal") == 0);
    held += r->out.sim->stats().dropped[static_cast<int>(drop_reason::held)];
  }
  CHECK(held > 0);  // a lost cause leaves its effects waiting
}

TEST_CASE("causal group, many seeds: no-hold breaks causal order somewhere, and the judge and the oracle agree") {
  scenario s = broadcasting();
  s.delivery.groups[0].causal = causal_variant::no_hold;
  std::uint64_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    CHECK((causal_breaks(r->rec) > 0) == (r->violations("delivery.causal") > 0));
    CHECK(r->others("delivery.causal") == 0);
    caught += r->violations("delivery.causal") > 0;
  }
  CHECK(caught > 0);
}

TEST_CASE("fifo group, many seeds: every link delivers in send order, over links that reorder") {
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.network.defaults.delay = distribution::uniform(100 * 1000, 5 * ms);
  s.network.defaults.duplicate = 0.1;
  s.generate.push_back(random_generator{30, 0.7, distribution::exponential(300 * 1000)});
  s.delivery.groups.push_back(group_of({A, B, C, D}, delivery_order::fifo));
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    std::map<std::pair<process_id, process_id>, message_id> last;
    for (const kept_event& e : r->rec.events) {
      if (e.r.kind != event_kind::receive) continue;
      message_id& l = last[{e.r.from, e.r.process}];
      CHECK(e.r.message >= l);  // a duplicate right after its original repeats the id
      l = e.r.message;
    }
    CHECK(r->violations("delivery.fifo") == 0);
    CHECK(r->out.ok());
  }
}

namespace {

// Members A, B, C, D; sequencer S outside the group. A -> S takes 1ms, B -> S 2ms, every other link
// 1ms. A broadcasts x and B broadcasts y, both at 0.
scenario sequenced() {
  scenario s = make_scenario({"A", "B", "C", "D", "S"});
  s.network.links.push_back({B, S, distribution::constant(2 * ms), {}, {}, {}});
  s.script.push_back(at(0, A, action_kind::send, "x", {B, C, D}));
  s.script.push_back(at(0, B, action_kind::send, "y", {A, C, D}));
  delivery_group g = group_of({A, B, C, D}, delivery_order::total);
  g.sequencer = S;
  s.delivery.groups.push_back(g);
  return s;
}

}  // namespace

TEST_CASE("total order via a sequencer: sends go to it, its numbered relays reach every member, the sender too") {
  const auto r = judge(sequenced());
  // x reaches S at 1ms and is relayed at once as seq:x (number 1), which reaches every member at 2ms;
  // y reaches S at 2ms, relayed as seq:y (number 2), at every member at 3ms.
  for (process_id q : {A, B, C, D}) {
    CAPTURE(q);
    CHECK(receives(r->rec, q) == std::vector<std::string>{"seq:x", "seq:y"});
    CHECK(receive_of(r->rec, q, "seq:x").r.time == 2 * ms);
    CHECK(receive_of(r->rec, q, "seq:y").r.time == 3 * ms);
    CHECK(receive_of(r->rec, q, "seq:y").r.arrived == 3 * ms);
  }
  // A's send went to S only; S: receive x, send seq:x, receive y, send seq:y.
  const auto a = r->rec.of(A);
  REQUIRE(a[0].messages.size() == 1);
  CHECK(a[0].messages[0].to == S);
  const auto s = r->rec.of(S);
  REQUIRE(s.size() == 4);
  CHECK(s[0].label == "x");
  CHECK(s[0].r.arrived == no_arrival);  // S is no member: its receive is no delivery
  CHECK(s[1].label == "seq:x");
  CHECK(s[1].r.kind == event_kind::send);
  CHECK(s[3].label == "seq:y");
  // Lamport: A's send 1; S's receive 2, relay 3; C's receive of seq:x max(0, 3) + 1 = 4.
  CHECK(receive_of(r->rec, C, "seq:x").lamport == 4);
  CHECK(r->violations("delivery.total_order") == 0);
  CHECK(r->out.ok());
}

TEST_CASE("total order via a sequencer: a crashed sequencer stalls the group, and the run says so") {
  scenario s = sequenced();
  s.faults.push_back({1500 * 1000, crash_fault{S, std::nullopt, persist_mode::all, 0}, "/faults/0"});
  const auto r = judge(s);
  // x was relayed at 1ms, before the crash at 1.5ms; y reaches S at 2ms, down: a crashed drop.
  for (process_id q : {A, B, C, D}) CHECK(receives(r->rec, q) == std::vector<std::string>{"seq:x"});
  REQUIRE(r->rec.drops.size() == 1);
  CHECK(r->rec.drops[0].reason == drop_reason::crashed);
  CHECK(r->rec.drops[0].to == S);
  const auto remarks = r->out.sim->delivery_remarks();
  REQUIRE(remarks.size() == 1);
  CHECK(remarks[0] == "total order via S: stalled, 1 message reached the sequencer while it was down");
  CHECK(r->out.ok());
}

namespace {

// Every member broadcasts four times over a network that reorders (exponential delays).
scenario sequenced_random(double loss = 0, double duplicate = 0) {
  scenario s = make_scenario({"A", "B", "C", "D", "S"});
  s.network.defaults.delay = distribution::exponential(1 * ms);
  s.network.defaults.loss = loss;
  s.network.defaults.duplicate = duplicate;
  for (process_id p : {A, B, C, D}) {
    std::vector<process_id> others;
    for (process_id q : {A, B, C, D})
      if (q != p) others.push_back(q);
    script_action x = at(p * 200 * 1000, p, action_kind::send, std::string(1, static_cast<char>('a' + p)), others);
    x.repeat_count = 4;
    x.repeat_every = 500 * 1000;
    s.script.push_back(x);
  }
  delivery_group g = group_of({A, B, C, D}, delivery_order::total);
  g.sequencer = S;
  s.delivery.groups.push_back(g);
  return s;
}

// The relays each member delivered, by send event, first copies only, in delivery order.
std::vector<event_id> delivered_relays(const recorder& rec, process_id q) {
  std::vector<event_id> out;
  for (const kept_event& e : rec.events)
    if (e.r.process == q && e.r.kind == event_kind::receive && e.r.from == S &&
        std::find(out.begin(), out.end(), e.r.send_event) == out.end())
      out.push_back(e.r.send_event);
  return out;
}

}  // namespace

TEST_CASE("total order via a sequencer, many seeds: every member delivers every message, in the sequencer's order") {
  const scenario s = sequenced_random();
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    std::vector<event_id> relays;  // S's relays, in send order: its numbering
    for (const kept_event& e : r->rec.of(S))
      if (e.r.kind == event_kind::send) relays.push_back(e.r.id);
    CHECK(relays.size() == 16);
    for (process_id q : {A, B, C, D}) CHECK(delivered_relays(r->rec, q) == relays);
    CHECK(r->out.ok());
  }
}

TEST_CASE("total order via a sequencer, many seeds with loss and duplicates: members' orders never disagree") {
  const scenario s = sequenced_random(0.05, 0.1);
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    // Each member's order is a prefix of the sequencer's numbering: a lost relay stalls it there.
    std::vector<event_id> relays;
    for (const kept_event& e : r->rec.of(S))
      if (e.r.kind == event_kind::send) relays.push_back(e.r.id);
    for (process_id q : {A, B, C, D}) {
      const auto got = delivered_relays(r->rec, q);
      REQUIRE(got.size() <= relays.size());
      CHECK(std::equal(got.begin(), got.end(), relays.begin()));
    }
    CHECK(r->violations("delivery.total_order") == 0);
  }
}

TEST_CASE("total order via a sequencer, many seeds: arrival-order is caught by delivery.total_order and nothing else") {
  scenario s = sequenced_random();
  s.delivery.groups[0].total = total_variant::arrival_order;
  std::uint64_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    std::vector<event_id> relays;
    for (const kept_event& e : r->rec.of(S))
      if (e.r.kind == event_kind::send) relays.push_back(e.r.id);
    bool disordered = false;
    for (process_id q : {A, B, C, D}) disordered = disordered || delivered_relays(r->rec, q) != relays;
    CHECK(disordered == (r->violations("delivery.total_order") > 0));
    CHECK(r->others("delivery.total_order") == 0);
    caught += disordered;
  }
  CHECK(caught > 0);
}

TEST_CASE("hbsim run: the trace's arrived, --json's held-back times and held drops, --variant causal=") {
  const std::string lesson = "'" + source_path("scenarios/teaching/40_causal_reply_overtakes.json") + "'";
  const cli_result trace = run_cli("run --trace - " + lesson);
  CHECK(trace.code == 0);
  // Chitra's receive of the answer: delivered at 10ms, arrived at 2.5ms.
  CHECK(trace.out.find(R"("label":"yes-book-it","time":10000000)") != std::string::npos);
  CHECK(trace.out.find(R"(,"arrived":2500000})") != std::string::npos);
  const json j = json::parse(run_cli("run --json " + lesson).out);
  CHECK(j["held_back"]["receives"] == 4);
  CHECK(j["held_back"]["waited"] == 1);
  CHECK(j["held_back"]["mean_ns"] == 1875000);
  CHECK(j["held_back"]["p99_ns"] == 7500000);
  CHECK(j["held_back"]["max_ns"] == 7500000);
  CHECK(j["messages"]["dropped"]["held"] == 0);
  // Its expectations name receives that count-all-events holds back for ever: left out.
  const cli_result wrong = run_cli("run --json --set '/expect=[]' --variant causal=count-all-events " + lesson);
  CHECK(wrong.code == 0);  // held drops fail a run only through an invariant
  CHECK(json::parse(wrong.out)["messages"]["dropped"]["held"] == 2);
  CHECK(run_cli("run --variant causal=no-hold " + lesson).code == 1);
  CHECK(run_cli("run --variant causal=nonsense " + lesson).code == 2);
  CHECK(run_cli("run --variant total=arrival-order " + lesson).code == 2);  // the scenario has no total group
  // A name that takes no variant here: the message lists what does, the delivery groups included.
  const cli_result unknown = run_cli("run --variant fifo=x " + lesson);
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("expected a clock of the scenario, or what else takes a variant: lamport, vector, hlc, causal, "
                         "total (its delivery groups), found \"fifo\"") != std::string::npos);
}

TEST_CASE("a run without delivery groups says nothing of them") {
  const std::string lesson = "'" + source_path("scenarios/teaching/01_dabba_relay.json") + "'";
  const json j = json::parse(run_cli("run --json " + lesson).out);
  CHECK_FALSE(j.contains("held_back"));
  CHECK_FALSE(j["messages"]["dropped"].contains("held"));
  CHECK(run_cli("run " + lesson).out.find("held back") == std::string::npos);
}

TEST_CASE("total order via Lamport stamps: lesson 44's stamps and times, derived by hand in its note") {
  const scenario s = load_scenario(source_path("scenarios/teaching/44_lamport_total_order.json"));
  const auto r = judge(s);
  constexpr process_id R1 = 0, R2 = 1, R3 = 2;
  const auto time_of = [&](process_id p, const std::string& label) { return receive_of(r->rec, p, label).r; };
  // What the layer releases at one instant is received after everything else due then, in stamp order.
  // R1: its own deposit (arrived 1ms) waits for R3's acknowledgement (6ms), the interest (arrived 3ms) behind it.
  CHECK(receives(r->rec, R1) == std::vector<std::string>{"ack:deposit-100", "ack:interest-10pct", "ack:deposit-100",
                                                          "deposit-100", "interest-10pct"});
  CHECK(time_of(R1, "deposit-100").time == 6 * ms);
  CHECK(time_of(R1, "deposit-100").arrived == 1 * ms);
  CHECK(time_of(R1, "interest-10pct").time == 6 * ms);
  CHECK(time_of(R1, "interest-10pct").arrived == 3 * ms);
  // R2: both arrived at 1ms; R3's acknowledgement of the deposit and R1's of the interest come at 4ms.
  CHECK(receives(r->rec, R2) == std::vector<std::string>{"ack:deposit-100", "ack:interest-10pct", "deposit-100",
                                                          "interest-10pct"});
  CHECK(time_of(R2, "deposit-100").time == 4 * ms);
  CHECK(time_of(R2, "interest-10pct").time == 4 * ms);
  CHECK(time_of(R2, "interest-10pct").arrived == 1 * ms);
  // R3: the deposit, arriving at 3ms, needs only R2's acknowledgement (in since 2ms): delivered at once; its
  // own interest (back at 1ms) waits for R1's acknowledgement, at 6ms.
  CHECK(receives(r->rec, R3) == std::vector<std::string>{"ack:deposit-100", "ack:interest-10pct", "deposit-100",
                                                          "ack:interest-10pct", "interest-10pct"});
  CHECK(time_of(R3, "deposit-100").time == 3 * ms);
  CHECK(time_of(R3, "deposit-100").arrived == 3 * ms);
  CHECK(time_of(R3, "interest-10pct").time == 6 * ms);
  CHECK(time_of(R3, "interest-10pct").arrived == 1 * ms);
  CHECK(r->violations("delivery.total_order") == 0);
  CHECK(r->out.ok());
}

namespace {

// Members A, B, C (and D when four) broadcast `each` times over FIFO links of exponential delays.
scenario lamport_random(int members, int each) {
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.processes.resize(static_cast<std::size_t>(members));
  s.network.defaults.delay = distribution::exponential(1 * ms);
  s.network.defaults.fifo = true;
  std::vector<process_id> all;
  for (process_id p = 0; p < static_cast<process_id>(members); ++p) {
    all.push_back(p);
    script_action x = at(p * 150 * 1000, p, action_kind::broadcast, std::string(1, static_cast<char>('a' + p)));
    x.repeat_count = static_cast<std::uint64_t>(each);
    x.repeat_every = 400 * 1000;
    s.script.push_back(x);
  }
  delivery_group g = group_of(all, delivery_order::total);
  g.via = total_via::lamport;
  s.delivery.groups.push_back(g);
  return s;
}

// The group messages each member delivered (by send event; acknowledgements and duplicates left out), in order.
std::vector<event_id> delivered_broadcasts(const recorder& rec, process_id q) {
  std::vector<event_id> out;
  for (const kept_event& e : rec.events)
    if (e.r.process == q && e.r.kind == event_kind::receive && e.r.arrived != no_arrival &&
        std::find(out.begin(), out.end(), e.r.send_event) == out.end())
      out.push_back(e.r.send_event);
  return out;
}

}  // namespace

TEST_CASE("total order via Lamport stamps, many seeds: every member, sender included, delivers all in one order") {
  for (int members : {3, 4}) {
    const scenario s = lamport_random(members, 5);
    for (std::uint64_t seed = 1; seed <= 60; ++seed) {
      CAPTURE(members);
      CAPTURE(seed);
      const auto r = judge(s, seed);
      const auto first = delivered_broadcasts(r->rec, A);
      CHECK(first.size() == static_cast<std::size_t>(members * 5));
      // No repeats: every delivered receive of a group message is a first copy (the network duplicates nothing here).
      std::size_t ordered = 0;
      for (const kept_event& e : r->rec.events) ordered += e.r.kind == event_kind::receive && e.r.arrived != no_arrival;
      CHECK(ordered == first.size() * static_cast<std::size_t>(members));
      for (process_id q = 1; q < static_cast<process_id>(members); ++q) CHECK(delivered_broadcasts(r->rec, q) == first);
      // The one order is that of the stamps (L, sender): a sender's messages in their send order among them.
      for (process_id p = 0; p < static_cast<process_id>(members); ++p) {
        std::vector<event_id> own;
        for (event_id id : first)
          for (const kept_event& e : r->rec.of(p))
            if (e.r.id == id) own.push_back(id);
        CHECK(std::is_sorted(own.begin(), own.end()));
      }
      CHECK(r->rec.drops.empty());
      CHECK(r->violations("delivery.total_order") == 0);
      CHECK(r->out.ok());
    }
  }
}

TEST_CASE("total order via Lamport stamps, many seeds with duplicates: orders agree, a duplicate follows its original") {
  scenario s = lamport_random(3, 4);
  s.network.defaults.duplicate = 0.2;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    const auto first = delivered_broadcasts(r->rec, A);
    CHECK(first.size() == 12);
    CHECK(delivered_broadcasts(r->rec, B) == first);
    CHECK(delivered_broadcasts(r->rec, C) == first);
    CHECK(r->rec.drops.empty());
    CHECK(r->violations("delivery.total_order") == 0);
  }
}

TEST_CASE("total order via Lamport stamps, many seeds: arrival-order is caught by delivery.total_order and nothing else") {
  scenario s = lamport_random(3, 5);
  s.delivery.groups[0].total = total_variant::arrival_order;
  std::uint64_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto r = judge(s, seed);
    const auto first = delivered_broadcasts(r->rec, A);
    const bool disagree = delivered_broadcasts(r->rec, B) != first || delivered_broadcasts(r->rec, C) != first;
    CHECK(disagree == (r->violations("delivery.total_order") > 0));
    CHECK(r->others("delivery.total_order") == 0);
    caught += disagree;
  }
  CHECK(caught > 0);
}

TEST_CASE("total order via Lamport stamps: a member down when a message arrives never acknowledges it, the group stalls") {
  // A, B, C over FIFO links of 1ms (a copy to oneself too). A broadcasts x at 0, stamped (1, A), and y at 5ms,
  // (5, A); C is down from 0.5ms to 3ms. At 1ms x reaches B, which acknowledges it, and C, whose layer takes it
  // in but cannot acknowledge (C is down). At 2ms B's acknowledgement reaches C: x is due there, and dropped,
  // C being down (with the acknowledgement). A and B never get C's: x heads their queues for ever, y behind it.
  // At 6ms y reaches B and C, both acknowledge; at 7ms C has B's and delivers y. Orders agree as far as each
  // member went: C [y], A and B [].
  scenario s = make_scenario({"A", "B", "C"});
  s.network.defaults.fifo = true;
  s.script.push_back(at(0, A, action_kind::broadcast, "x"));
  s.script.push_back(at(5 * ms, A, action_kind::broadcast, "y"));
  s.faults.push_back({500 * 1000, crash_fault{C, 3 * ms, persist_mode::all, 0}, "/faults/0"});
  delivery_group g = group_of({A, B, C}, delivery_order::total);
  g.via = total_via::lamport;
  s.delivery.groups.push_back(g);
  const auto r = judge(s);
  CHECK(receives(r->rec, A) == std::vector<std::string>{"ack:x", "ack:y", "ack:y"});
  CHECK(receives(r->rec, B) == std::vector<std::string>{"ack:y"});
  CHECK(receives(r->rec, C) == std::vector<std::string>{"ack:y", "y"});
  CHECK(receive_of(r->rec, C, "y").r.time == 7 * ms);
  CHECK(receive_of(r->rec, C, "y").r.arrived == 6 * ms);
  // Dropped: x and its acknowledgement at C (crashed, 2ms); held at the end: x and y at A (its own copies) and B.
  std::map<drop_reason, std::size_t> dropped;
  for (const drop_record& d : r->rec.drops) ++dropped[d.reason];
  CHECK(dropped[drop_reason::crashed] == 2);
  CHECK(dropped[drop_reason::held] == 4);
  const auto remarks = r->out.sim->delivery_remarks();
  REQUIRE(remarks.size() == 1);
  CHECK(remarks[0] == "total order via Lamport stamps: stalled, 1 message reached a member while it was down and will "
                      "never be acknowledged by it");
  CHECK(r->violations("delivery.total_order") == 0);
}

namespace {

std::string narration_of(const scenario& s) {
  std::ostringstream text;
  narrator n(text);
  run_options o;
  o.judge_thread = false;
  o.observers.push_back(&n);
  run_scenario(s, o);
  return text.str();
}

}  // namespace

TEST_CASE("narration says why a copy waits: the causal entry missing") {
  // Messages: A's broadcast m1 (to B), m2 (to C); B's reply m3 (to A), m4 (to C). The reply reaches C at
  // 2.5ms stamped {A:1, B:1} while C's vector is {}: A's 1st broadcast is missing (B's entry is the reply).
  const std::string text = narration_of(reply_overtakes());
  CHECK(text.find("[2.5ms] m4 B→C held: needs A's 1st broadcast first\n") != std::string::npos);
  CHECK(text.find(" held: ") == text.rfind(" held: "));  // nothing else waits
}

TEST_CASE("narration says why a copy waits: the sequencer's numbers") {
  // sequenced(), with S -> C cut until 1.5ms: seq:x (number 1, m5 to C) is dropped, seq:y (number 2, m9 to C,
  // sent at 2ms) reaches C at 3ms and waits for #1 for ever.
  scenario s = sequenced();
  s.faults.push_back({0, cut_fault{{S}, {C}, 1500 * 1000, hold_mode::drop}, "/faults/0"});
  const std::string text = narration_of(s);
  CHECK(text.find("; S numbers x as #1\n") != std::string::npos);
  CHECK(text.find("; S numbers y as #2\n") != std::string::npos);
  CHECK(text.find("[3ms] m9 S→C held: #2 waits for #1\n") != std::string::npos);
}

TEST_CASE("a sequencer's relay carries its number in the event record, which the narration reads") {
  // sequenced(): x reaches S at 1ms and is relayed first (#1), y at 2ms (#2); no other send is numbered.
  const recorded_run run = run_recorded(sequenced());
  std::vector<std::pair<std::string, std::uint64_t>> numbered;
  for (const kept_event& e : run.rec.events)
    if (e.r.kind == event_kind::send && e.r.numbered) numbered.emplace_back(e.label, e.r.numbered);
  const std::vector<std::pair<std::string, std::uint64_t>> expected{{"seq:x", 1}, {"seq:y", 2}};
  CHECK(numbered == expected);
}

TEST_CASE("narration says why a copy waits: Lamport stamps behind others or waiting for acknowledgements") {
  // Lesson 44: R1's broadcast is m1 (to R2), m2 (to R3), m3 (to itself); R3's m4 (to R1), m5 (to R2), m6 (to
  // itself). Derived in its note: at 1ms R2 holds the deposit for R3's ack and the interest behind it; each
  // sender holds its own copy for both others' acks; at 3ms R1 holds the interest behind its deposit.
  const std::string text = narration_of(load_scenario(source_path("scenarios/teaching/44_lamport_total_order.json")));
  const std::string expected = "[1ms] m1 R1→R2 held: (1, R1) waits for acks from R3\n";
  const std::size_t first = text.find(expected);
  REQUIRE(first != std::string::npos);
  std::vector<std::string> held;
  for (std::size_t at = text.find(" held: "); at != std::string::npos; at = text.find(" held: ", at + 1)) {
    const std::size_t start = text.rfind('\n', at) + 1;
    held.push_back(text.substr(start, text.find('\n', at) - start));
  }
  CHECK(held == std::vector<std::string>{"[1ms] m1 R1→R2 held: (1, R1) waits for acks from R3",
                                         "[1ms] m3 R1→R1 held: (1, R1) waits for acks from R2, R3",
                                         "[1ms] m5 R3→R2 held: (1, R3) behind (1, R1)",
                                         "[1ms] m6 R3→R3 held: (1, R3) waits for acks from R1, R2",
                                         "[3ms] m4 R3→R1 held: (1, R3) behind (1, R1)"});
}

TEST_CASE("total order via Lamport stamps: a sequencer is refused, and so are links that are not FIFO") {
  CHECK_THROWS_WITH_AS(parse_scenario(R"({"name": "l", "processes": ["A", "B"], "network": {"fifo": true},
    "delivery": [{"group": "*", "order": "total", "via": "lamport", "sequencer": "A"}]})", "l.json"),
                       doctest::Contains(R"(no "sequencer" with "via": "lamport")"), input_error);
  CHECK_THROWS_WITH_AS(parse_scenario(R"({"name": "l", "processes": ["A", "B"],
    "delivery": [{"group": "*", "order": "total", "via": "lamport"}]})", "l.json"),
                       doctest::Contains("the link A -> B, which is not FIFO"), input_error);
}

TEST_CASE("hbsim run: lesson 44's held-back times, and --variant total=arrival-order breaks its order") {
  const std::string lesson = "'" + source_path("scenarios/teaching/44_lamport_total_order.json") + "'";
  // Six ordered receives (note): held 5, 3 (R1), 3, 3 (R2), 0, 5 (R3) ms: five waited, mean 19/6 ms, p99 = max 5ms.
  const json j = json::parse(run_cli("run --json " + lesson).out);
  CHECK(j["ok"] == true);
  CHECK(j["held_back"]["receives"] == 6);
  CHECK(j["held_back"]["waited"] == 5);
  CHECK(j["held_back"]["mean_ns"] == 3166666);
  CHECK(j["held_back"]["p99_ns"] == 5000000);
  CHECK(j["held_back"]["max_ns"] == 5000000);
  CHECK(j["messages"]["dropped"]["held"] == 0);
  // By arrival, R3 applies its own interest at 1ms and the deposit at 3ms, R1 and R2 the deposit first.
  const cli_result wrong = run_cli("run --variant total=arrival-order " + lesson);
  CHECK(wrong.code == 1);
  CHECK(wrong.out.find("delivery.total_order") != std::string::npos);
}

TEST_CASE("lesson 45: the job queue serves the create before the edit, and by arrival it does not") {
  const scenario s = load_scenario(source_path("scenarios/teaching/45_fcfs_job_queue.json"));
  constexpr process_id Asha = 0, Bilal = 1, Queue = 2;
  {
    const auto r = judge(s);
    // Derived in its note: the Queue serves the create at 6ms (as it arrives), the edit at 14ms (arrived 8ms);
    // Asha and Bilal deliver the create at 7ms (arrived 1ms), the edit at 9ms (arrived 8ms).
    CHECK(receive_of(r->rec, Queue, "create-report").r.time == 6 * ms);
    CHECK(receive_of(r->rec, Queue, "create-report").r.arrived == 6 * ms);
    CHECK(receive_of(r->rec, Queue, "edit-report").r.time == 14 * ms);
    CHECK(receive_of(r->rec, Queue, "edit-report").r.arrived == 8 * ms);
    for (process_id p : {Asha, Bilal}) {
      CHECK(receive_of(r->rec, p, "create-report").r.time == 7 * ms);
      CHECK(receive_of(r->rec, p, "create-report").r.arrived == 1 * ms);
      CHECK(receive_of(r->rec, p, "edit-report").r.time == 9 * ms);
    }
    CHECK(r->out.ok());
  }
  scenario fcfs = s;
  fcfs.delivery.groups[0].total = total_variant::arrival_order;
  const auto r = judge(fcfs);
  // By arrival: Bilal has the create at 1ms and edits at once; his edit reaches the Queue at 2ms, the create at 6ms.
  CHECK(receive_of(r->rec, Bilal, "create-report").r.time == 1 * ms);
  CHECK(receive_of(r->rec, Queue, "edit-report").r.time == 2 * ms);
  CHECK(receive_of(r->rec, Queue, "create-report").r.time == 6 * ms);
  // Asha and Bilal deliver [create, edit]; the Queue's 1st delivery (the edit) and its 2nd (the create) both differ.
  CHECK(r->violations("delivery.total_order") == 2);
  CHECK(r->others("delivery.total_order") == 0);
}

TEST_CASE("narration of a send tells a FIFO link's later arrival from a delivery group's hold-back") {
  // A sends five messages to B, delays uniform in 1-20 ms: some overtake others. In a FIFO delivery
  // group (the links are not FIFO) a message that overtook arrives first and is held back: its send's
  // line gives the arrival its receive's line gives, then the hold-back until the receive. On FIFO links
  // the link itself keeps it behind: it arrives when it is received, and no group holds it.
  nlohmann::json s = {{"name", "x"}, {"seed", 7}, {"processes", {"A", "B"}},
                      {"network", {{"delay", {{"dist", "uniform"}, {"min", "1ms"}, {"max", "20ms"}}}}},
                      {"delivery", {{{"group", "*"}, {"order", "fifo"}}}}};
  for (int i = 0; i < 5; ++i)
    s["script"].push_back({{"at", std::to_string(i).append("ms")}, {"process", "A"}, {"do", "send"}, {"to", "B"}});
  const std::string group = narration_of(parse_scenario(s.dump(), "g.json"));
  static const std::regex held(R"re((m\d) A→B: delay [^,]+, arrives at (\S+), to be held back by its delivery group until (\S+) \(as known at the send\))re");
  std::size_t seen = 0;
  for (auto it = std::sregex_iterator(group.begin(), group.end(), held); it != std::sregex_iterator(); ++it, ++seen) {
    const std::size_t at = group.find("(" + (*it)[1].str() + " from A#");  // the message's receive
    REQUIRE(at != std::string::npos);
    const std::size_t start = group.rfind('\n', at) + 1;
    const std::string line = group.substr(start, group.find('\n', at) - start);
    CHECK(line.starts_with("[" + (*it)[3].str() + "] B#"));
    CHECK(line.find("(arrived at " + (*it)[2].str() + ", held back ") != std::string::npos);
  }
  CHECK(seen > 0);  // with seed 7, some message overtakes
  CHECK(group.find("FIFO link") == std::string::npos);
  s["network"]["fifo"] = true;
  s.erase("delivery");
  const std::string link = narration_of(parse_scenario(s.dump(), "l.json"));
  CHECK(link.find("(not before the message ahead of it: FIFO link)") != std::string::npos);
  CHECK(link.find("held back") == std::string::npos);
}

TEST_CASE("hbsim check judges the delivery groups the trace's header records as the run did") {
  const scratch tmp;
  const auto lesson = [](const std::string& name) { return "'" + source_path("scenarios/teaching/" + name) + "'"; };
  // Lesson 41's causal group without hold-back: Chitra delivers Bilal's answer before Asha's question.
  const std::string causal = tmp / "41.jsonl";
  CHECK(run_cli("run --trace " + causal + " " + lesson("41_causal_no_hold.json")).code == 0);  // it expects that
  const cli_result c = run_cli("check " + causal);
  CHECK(c.code == 1);
  CHECK(c.out.find("invariants    11 of 12 hold") != std::string::npos);
  CHECK(c.out.find("VIOLATED  delivery.causal: 1 violation; first:") != std::string::npos);
  // Lesson 42's sequencer: the header names it, and the canonical layer passes.
  const std::string sequenced = tmp / "42.jsonl";
  CHECK(run_cli("run --trace " + sequenced + " " + lesson("42_sequencer_total_order.json")).code == 0);
  const json header = json::parse(read_file(sequenced).substr(0, read_file(sequenced).find('\n')));
  CHECK(header["delivery"] ==
        json::parse(R"([{"group": ["R1", "R2", "R3"], "order": "total", "via": "sequencer", "sequencer": "Seq"}])"));
  const cli_result s = run_cli("check " + sequenced);
  CHECK(s.code == 0);
  CHECK(s.out.find("invariants    12 of 12 hold") != std::string::npos);
  // Lesson 45 served by arrival: the Queue edits before it creates.
  const std::string arrival = tmp / "45.jsonl";
  CHECK(run_cli("run --variant total=arrival-order --trace " + arrival + " " + lesson("45_fcfs_job_queue.json")).code == 1);
  const cli_result t = run_cli("check " + arrival);
  CHECK(t.code == 1);
  CHECK(t.out.find("VIOLATED  delivery.total_order: 2 violations") != std::string::npos);
  // A header's groups are read as a scenario's: a member the trace does not have is refused.
  const std::string unknown = tmp.write("unknown.jsonl",
      R"({"type":"header","format":"hbsim-trace/1","scenario":"x","seed":0,"processes":["A","B"],"delivery":[{"group":["A","Z"],"order":"fifo"}]})"
      "\n");
  const cli_result u = run_cli("check " + unknown);
  CHECK(u.code == 2);
  CHECK(u.err.find(unknown + ":1: at /delivery/0/group/1: expected the name of a process of the scenario, found the "
                   "unknown process \"Z\" (known processes: A, B)") != std::string::npos);
}
