// The standard clock kinds as modules: each one's rules with their numbers (narration and explain), a
// wrong variant's rule, and its trace field written and read back. Expected texts follow the canonical
// rules of the domain reference, worked by hand.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/lamport/lamport_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/time.hpp"

using namespace hbsim;
using json = nlohmann::json;
using words = std::vector<std::uint64_t>;

namespace {

const std::vector<std::string> names = {"A", "B", "C"};
constexpr sim_time ms = ns_per_ms;

std::shared_ptr<const clock_kind> kind(std::string_view name) { return clock_registry::standard().find(name); }

// The step of process B (1); a receive's message comes from A (0).
clock_step step(event_kind k, const words& before, const words& message, const words& after, sim_time pt = 0,
                std::size_t variant = 0) {
  return {k, 1, 0, before, message, after, pt, variant, {}};
}

std::string rule(std::string_view name, const clock_step& s) { return kind(name)->rule(s, names); }

// The stamp written as the trace's field, then read back.
words round_trip(std::string_view name, const words& stamp, const json& field) {
  const json written = kind(name)->write(stamp, names);
  CHECK(written == field);
  words back;
  CHECK(kind(name)->read(written, names, back).empty());
  return back;
}

std::uint64_t l_word(sim_time l) { return static_cast<std::uint64_t>(l); }

}  // namespace

TEST_CASE("the standard registry holds the lamport, vector and hlc modules before matrix") {
  const clock_registry r = clock_registry::standard();
  CHECK(r.names() == std::vector<std::string>{"lamport", "vector", "hlc", "matrix", "epoch_lamport", "itc",
                                              "snowflake", "truetime"});
  for (const char* name : {"lamport", "vector", "hlc"}) {
    REQUIRE(r.find(name) != nullptr);
    CHECK(r.find(name)->name() == name);
    CHECK(r.find(name)->make_judge(names) == nullptr);  // the invariant checker judges them natively
  }
  CHECK(r.find("hlc")->options().size() == 1);
  CHECK(r.find("vector")->invariants().size() == 2);
}

TEST_CASE("lamport module: local, send and receive rules with their numbers") {
  CHECK(rule("lamport", step(event_kind::local, {3}, {}, {4})) == "L = 3 + 1 = 4");
  CHECK(rule("lamport", step(event_kind::send, {4}, {}, {5})) == "L = 4 + 1 = 5");
  CHECK(rule("lamport", step(event_kind::receive, {2}, {5}, {6})) == "L = max(2, 5) + 1 = 6");
  CHECK(rule("lamport", step(event_kind::local, {3}, {}, {5})) ==
        "L = 3 + 1 would give 4, but the run recorded L = 5, which this rule does not give");
  const auto no_tick = static_cast<std::size_t>(lamport_variant::no_tick_local);
  CHECK(rule("lamport", step(event_kind::local, {3}, {}, {3}, 0, no_tick)) ==
        "lamport variant no-tick-local: L stays 3 (a local event does not tick)");
  const explained_rule e = kind("lamport")->explain(step(event_kind::receive, {2}, {5}, {3}), names, "");
  CHECK(e.text == "L = max(L', L_m) + 1 = max(2, 5) + 1 = 6; but 3 was recorded: not the canonical rule");
  CHECK_FALSE(e.canonical);
  CHECK(round_trip("lamport", {7}, json(7)) == words{7});
}

TEST_CASE("vector module: local, send and receive rules with their numbers") {
  CHECK(rule("vector", step(event_kind::local, {1, 2, 0}, {}, {1, 3, 0})) == "V = [1,2,0] then tick = [1,3,0]");
  CHECK(rule("vector", step(event_kind::send, {0, 1, 0}, {}, {0, 2, 0})) == "V = [0,1,0] then tick = [0,2,0]");
  CHECK(rule("vector", step(event_kind::receive, {0, 2, 0}, {3, 0, 1}, {3, 3, 1})) ==
        "V = max([0,2,0], [3,0,1]) then tick = [3,3,1]");
  const auto no_merge = static_cast<std::size_t>(vector_variant::no_merge);
  CHECK(rule("vector", step(event_kind::receive, {0, 2, 0}, {3, 0, 1}, {0, 3, 0}, 0, no_merge)) ==
        "vector variant no-merge: V = [0,2,0] then tick = [0,3,0] (ignores the message's [3,0,1])");
  const explained_rule e = kind("vector")->explain(step(event_kind::receive, {0, 2, 0}, {3, 0, 1}, {3, 3, 1}), names, "");
  CHECK(e.text == "V = max(V', V_m) = max({B:2}, {A:3, C:1}) = {A:3, B:2, C:1}, then V[B] + 1 -> {A:3, B:3, C:1}");
  CHECK(e.canonical);
  CHECK(kind("vector")->text(words{3, 0, 1}, names) == "{A:3, C:1}");
  CHECK(round_trip("vector", {3, 0, 1}, json{{"A", 3}, {"C", 1}}) == words{3, 0, 1});
}

TEST_CASE("hlc module: local, send and receive rules with their numbers") {
  CHECK(rule("hlc", step(event_kind::local, {l_word(1 * ms), 0}, {}, {l_word(2 * ms), 0}, 2 * ms)) ==
        "HLC l = max(1ms, pt 2ms) = 2ms, c = 0 (l moved to pt) = (2ms, 0)");
  CHECK(rule("hlc", step(event_kind::send, {l_word(3 * ms), 1}, {}, {l_word(3 * ms), 2}, 2 * ms)) ==
        "HLC l = max(3ms, pt 2ms) = 3ms, c = c + 1 = 1 + 1 (l unchanged) = (3ms, 2)");
  CHECK(rule("hlc", step(event_kind::receive, {l_word(2 * ms), 0}, {l_word(5 * ms), 3}, {l_word(5 * ms), 4}, 4 * ms)) ==
        "HLC l = max(2ms, 5ms, pt 4ms) = 5ms, c = c_m + 1 = 3 + 1 (l from the message) = (5ms, 4)");
  const auto keeps = static_cast<std::size_t>(hlc_variant::no_counter_reset);
  CHECK(rule("hlc", step(event_kind::local, {l_word(1 * ms), 2}, {}, {l_word(2 * ms), 3}, 2 * ms, keeps)) ==
        "hlc variant no-counter-reset: HLC l = max(1ms, pt 2ms) = 2ms, c = c + 1 = 2 + 1 = (2ms, 3) "
        "(keeps counting although l moved to pt)");
  const explained_rule e =
      kind("hlc")->explain(step(event_kind::local, {l_word(1 * ms), 0}, {}, {l_word(2 * ms), 0}, 2 * ms), names, "");
  CHECK(e.text == "l = max(l', pt) = max(1ms, 2ms) = 2ms; pt is ahead of l', so c = 0");
  CHECK(e.canonical);
  CHECK(kind("hlc")->text(words{l_word(2 * ms), 1}, names) == "(2ms, 1)");
  CHECK(round_trip("hlc", {l_word(2 * ms), 1}, json::array({2'000'000, 1})) == words{l_word(2 * ms), 1});
  CHECK(round_trip("hlc", {l_word(-5 * ms), 0}, json::array({-5'000'000, 0})) == words{l_word(-5 * ms), 0});
}
