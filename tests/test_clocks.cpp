// Every logical clock rule and variant, on hand-worked examples. Slot 0 carries one message.
#include <doctest/doctest.h>

#include <vector>

#include "hbsim/clocks/clock_set.hpp"

using namespace hbsim;

namespace {
using V = std::vector<std::uint32_t>;
V vec(const vector_clock& c, process_id p) { return dense_row(vector_of(c.stamp(p))); }
V counters(const counter_row& r) {
  V v(r.size());
  for (std::size_t j = 0; j < v.size(); ++j) v[j] = r.at(j);
  return v;
}
}  // namespace

TEST_CASE("lamport canonical: tick on local/send/crash/restart/reject, max+1 on receive") {
  lamport_clock c(2);
  c.reserve_slots(1);
  c.tick(0, event_kind::local, 0);  // A: 1
  c.tick(0, event_kind::send, 0);   // A: 2, message carries 2
  c.capture(0, 0);
  CHECK(c.carried(0) == 2);
  c.tick(1, event_kind::local, 0);  // B: 1
  c.receive(1, 0, 0);               // B: max(1, 2) + 1 = 3
  CHECK(c.value(1) == 3);
  for (event_kind k : {event_kind::crash, event_kind::restart, event_kind::reject}) c.tick(1, k, 0);
  CHECK(c.value(1) == 6);
  // A receive whose message is behind: max(6, 2) + 1 = 7.
  c.receive(1, 0, 0);
  CHECK(c.value(1) == 7);
}

TEST_CASE("lamport variants") {
  SUBCASE("no-tick-local leaves L on local events only") {
    lamport_clock c(1, lamport_variant::no_tick_local);
    c.tick(0, event_kind::local, 0);
    c.tick(0, event_kind::local, 0);
    CHECK(c.value(0) == 0);
    c.tick(0, event_kind::send, 0);
    CHECK(c.value(0) == 1);
  }
  SUBCASE("ignore-message: receive does L + 1") {
    lamport_clock c(2, lamport_variant::ignore_message);
    c.reserve_slots(1);
    for (int i = 0; i < 3; ++i) c.tick(0, event_kind::local, 0);
    c.tick(0, event_kind::send, 0);  // 4
    c.capture(0, 0);
    c.receive(1, 0, 0);  // 0 + 1, not max(0, 4) + 1 = 5
    CHECK(c.value(1) == 1);
  }
  SUBCASE("double-tick-receive: tick, then max + 1") {
    lamport_clock c(2, lamport_variant::double_tick_receive);
    c.reserve_slots(1);
    c.tick(0, event_kind::send, 0);  // A 1
    c.capture(0, 0);
    c.tick(1, event_kind::local, 0);  // B 1
    c.receive(1, 0, 0);               // max(1 + 1, 1) + 1 = 3 (canonical: 2)
    CHECK(c.value(1) == 3);
  }
  SUBCASE("fresh-per-event: every event starts from 0") {
    lamport_clock c(2, lamport_variant::fresh_per_event);
    c.reserve_slots(1);
    c.tick(0, event_kind::local, 0);
    c.tick(0, event_kind::local, 0);
    CHECK(c.value(0) == 1);
    c.tick(0, event_kind::send, 0);
    c.capture(0, 0);
    c.tick(1, event_kind::local, 0);
    c.tick(1, event_kind::local, 0);
    c.receive(1, 0, 0);  // max(0, 1) + 1
    CHECK(c.value(1) == 2);
  }
}

TEST_CASE("lamport checkpoint, restore and reset") {
  lamport_clock c(1);
  c.restore(0);  // no checkpoint yet: back to 0
  CHECK(c.value(0) == 0);
  c.tick(0, event_kind::local, 0);
  c.tick(0, event_kind::local, 0);
  c.checkpoint(0);  // 2
  c.tick(0, event_kind::local, 0);
  c.restore(0);
  CHECK(c.value(0) == 2);
  c.reset(0);
  CHECK(c.value(0) == 0);
}

TEST_CASE("vector canonical: own entry ticks, receive merges then ticks") {
  vector_clock c(3);
  c.reserve_slots(1);
  c.tick(0, event_kind::local, 0);  // A [1,0,0]
  c.tick(0, event_kind::send, 0);   // A [2,0,0]
  c.capture(0, 0);
  c.tick(1, event_kind::local, 0);  // B [0,1,0]
  c.tick(1, event_kind::local, 0);  // B [0,2,0]
  c.receive(1, 0, 0);               // max([0,2,0],[2,0,0]) = [2,2,0], tick → [2,3,0]
  CHECK(vec(c, 1) == V{2, 3, 0});
  CHECK(vec(c, 0) == V{2, 0, 0});
  c.tick(2, event_kind::reject, 0);  // a reject ticks like a local event
  CHECK(vec(c, 2) == V{0, 0, 1});
}

TEST_CASE("vector variants") {
  SUBCASE("no-tick-send") {
    vector_clock c(2, vector_variant::no_tick_send);
    c.reserve_slots(1);
    c.tick(0, event_kind::local, 0);
    c.tick(0, event_kind::send, 0);
    CHECK(vec(c, 0) == V{1, 0});
  }
  SUBCASE("no-tick-receive") {
    vector_clock c(2, vector_variant::no_tick_receive);
    c.reserve_slots(1);
    c.tick(0, event_kind::send, 0);
    c.capture(0, 0);
    c.receive(1, 0, 0);
    CHECK(vec(c, 1) == V{1, 0});
  }
  SUBCASE("no-merge") {
    vector_clock c(2, vector_variant::no_merge);
    c.reserve_slots(1);
    c.tick(0, event_kind::send, 0);
    c.capture(0, 0);
    c.receive(1, 0, 0);
    CHECK(vec(c, 1) == V{0, 1});
  }
  SUBCASE("send-previous: the message carries the vector from before the send's tick") {
    vector_clock c(2, vector_variant::send_previous);
    c.reserve_slots(1);
    c.tick(0, event_kind::local, 0);  // [1,0]
    c.tick(0, event_kind::send, 0);   // event [2,0], message [1,0]
    c.capture(0, 0);
    CHECK(vec(c, 0) == V{2, 0});
    CHECK(counters(c.carried(0)) == V{1, 0});
    c.receive(1, 0, 0);
    CHECK(vec(c, 1) == V{1, 1});
  }
}

TEST_CASE("vector compare and merge") {
  CHECK(compare(V{1, 2}, V{1, 2}) == vector_order::equal);
  CHECK(compare(V{1, 2}, V{1, 3}) == vector_order::before);
  CHECK(compare(V{2, 3}, V{1, 3}) == vector_order::after);
  CHECK(compare(V{2, 1}, V{1, 3}) == vector_order::concurrent);
  V a{5, 0, 7};
  merge_max(a, V{1, 9, 7});
  CHECK(a == V{5, 9, 7});
}

TEST_CASE("vector checkpoint, restore and reset") {
  vector_clock c(2);
  c.tick(1, event_kind::local, 0);
  c.checkpoint(1);
  c.tick(1, event_kind::local, 0);
  c.restore(1);
  CHECK(vec(c, 1) == V{0, 1});
  c.reset(1);
  CHECK(vec(c, 1) == V{0, 0});
}

TEST_CASE("hlc send/local rule: l = max(l', pt), c = c + 1 if l unchanged, else 0") {
  CHECK(hlc_tick({0, 0}, 0) == hlc_stamp{0, 1});      // the paper starts at (0,0): pt 0 keeps l
  CHECK(hlc_tick({10, 3}, 5) == hlc_stamp{10, 4});    // pt behind l
  CHECK(hlc_tick({10, 3}, 12) == hlc_stamp{12, 0});   // pt ahead: counter resets
}

TEST_CASE("hlc receive: each of the four branches") {
  // l == l' == l_m: c = max(c, c_m) + 1
  CHECK(hlc_receive({10, 2}, {10, 5}, 7) == hlc_stamp{10, 6});
  // l == l' only: c = c + 1
  CHECK(hlc_receive({10, 2}, {8, 9}, 7) == hlc_stamp{10, 3});
  // l == l_m only: c = c_m + 1
  CHECK(hlc_receive({8, 2}, {10, 5}, 7) == hlc_stamp{10, 6});
  // pt ahead of both: c = 0
  CHECK(hlc_receive({8, 2}, {9, 5}, 12) == hlc_stamp{12, 0});
}

TEST_CASE("hlc variants") {
  SUBCASE("no-counter-reset keeps counting when pt advances") {
    hybrid_logical_clock c(1, hlc_variant::no_counter_reset);
    c.tick(0, event_kind::local, 1000);  // (1000, 1) instead of (1000, 0)
    c.tick(0, event_kind::local, 2000);  // (2000, 2)
    CHECK(c.value(0) == hlc_stamp{2000, 2});
  }
  SUBCASE("reset-on-receive: (100,5), message (90,0), pt 80 gives (100,1)") {
    hybrid_logical_clock c(2, hlc_variant::reset_on_receive);
    c.reserve_slots(1);
    c.tick(0, event_kind::send, 90);  // A (90, 0)
    c.capture(0, 0);
    c.tick(1, event_kind::local, 100);  // B (100, 0)
    for (int i = 0; i < 5; ++i) c.tick(1, event_kind::local, 80);  // B (100, 5)
    CHECK(c.value(1) == hlc_stamp{100, 5});
    c.receive(1, 0, 80);
    CHECK(c.value(1) == hlc_stamp{100, 1});  // canonical: (100, 6)
  }
  SUBCASE("ignore-message treats a receive like a local event") {
    hybrid_logical_clock c(2, hlc_variant::ignore_message);
    c.reserve_slots(1);
    c.tick(0, event_kind::send, 500);
    c.capture(0, 0);
    c.receive(1, 0, 100);
    CHECK(c.value(1) == hlc_stamp{100, 0});  // canonical: (500, 1)
  }
}

TEST_CASE("hlc max-offset guard") {
  hybrid_logical_clock c(2, hlc_variant::canonical, 50);
  c.reserve_slots(1);
  c.tick(0, event_kind::send, 1000);  // message l = 1000
  c.capture(0, 0);
  CHECK(c.accepts(1, 0, 950));    // 1000 - 950 = 50: not more than max_offset
  CHECK_FALSE(c.accepts(1, 0, 949));
  hybrid_logical_clock unguarded(2);
  unguarded.reserve_slots(1);
  CHECK(unguarded.accepts(1, 0, -1'000'000'000));
}

TEST_CASE("variant names round-trip") {
  for (auto n : lamport_variant_names()) CHECK(to_string(*parse_lamport_variant(n)) == n);
  for (auto n : vector_variant_names()) CHECK(to_string(*parse_vector_variant(n)) == n);
  for (auto n : hlc_variant_names()) CHECK(to_string(*parse_hlc_variant(n)) == n);
  CHECK_FALSE(parse_lamport_variant("nope"));
  CHECK(lamport_variant_names().size() == 5);
  CHECK(vector_variant_names().size() == 5);
  CHECK(hlc_variant_names().size() == 4);
}

TEST_CASE("clock_set drives every chosen clock") {
  clock_set set(2, logical_config{});
  set.reserve_slots(4);
  set.tick(0, event_kind::send, 5);
  set.capture(0, 3);
  set.receive(1, 3, 2);
  event_record r;
  set.describe(1, r);
  CHECK(set.extra().empty());
  // One stamp per kind in `clocks` order: lamport, vector, hlc.
  REQUIRE(r.stamps.size() == 3);
  CHECK(lamport_of(r.stamps[0]) == 2);
  CHECK(dense_row(vector_of(r.stamps[1])) == std::vector<std::uint32_t>{1, 1});
  CHECK(hlc_of(r.stamps[2]) == hlc_stamp{5, 1});  // l = max(0, 5, 2) = 5 = l_m: c = c_m + 1 = 1
}

TEST_CASE("clock_set keeps only the kinds chosen") {
  logical_config only_lamport;
  only_lamport.clocks = {"lamport"};
  clock_set set(2, only_lamport);
  CHECK(set.lamport() != nullptr);
  CHECK(set.vector() == nullptr);
  CHECK(set.hlc() == nullptr);
  set.tick(0, event_kind::local, 5);
  event_record r;
  set.describe(0, r);
  REQUIRE(r.stamps.size() == 1);
  CHECK(lamport_of(r.stamps[0]) == 1);
}
