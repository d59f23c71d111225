// Event-value expectations and the resolution of their references.
#include <doctest/doctest.h>

#include "hbsim/core/input_error.hpp"
#include "hbsim/run/runner.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {
// A sends "ping" to B at 0 and at 5 ms; B does a local "work" at 2 ms.
scenario base() {
  scenario s = make_scenario({"A", "B"});
  s.file = "exp.json";
  s.script.push_back(at(0, 0, action_kind::send, "ping", {1}));
  s.script.push_back(at(2 * ms, 1, action_kind::local, "work"));
  s.script.push_back(at(5 * ms, 0, action_kind::send, "ping", {1}));
  return s;
}

expectation values(event_ref r, std::optional<std::uint64_t> lamport, std::optional<std::vector<std::uint32_t>> v = {},
                   std::optional<sim_time> l = {}, std::optional<std::uint64_t> c = {}) {
  expectation x;
  x.type = expectation::kind::event_values;
  x.source = "{}";
  x.path = "/expect/0";
  x.a = std::move(r);
  x.lamport = lamport;
  x.vector = std::move(v);
  x.hlc_l = l;
  x.hlc_c = c;
  return x;
}
}  // namespace

TEST_CASE("met and unmet event values") {
  scenario s = base();
  // B's events: receive ping at 1 ms (L 2, V [1,1], HLC (1ms, 0)); work at 2 ms (L 3, V [1,2], (2ms, 0));
  // receive ping#2 at 6 ms: A's second send has L 2, so L = max(3, 2) + 1 = 4, V [2,3], HLC (6ms, 0).
  s.expect.push_back(values(ref(1, "ping", 1), 2, std::vector<std::uint32_t>{1, 1}, 1 * ms, 0));
  s.expect.push_back(values(ref(1, "work"), 3));
  s.expect.push_back(values(ref(1, "ping", 2), 4, std::vector<std::uint32_t>{2, 3}, 6 * ms, 0));
  s.expect.push_back(values({"B#3", 1, "", true, 3}, 4));
  s.expect.push_back(values(ref(1, "work"), 99));  // wrong on purpose
  const run_outcome out = run_scenario(s);
  REQUIRE(out.expectations.size() == 5);
  for (int i = 0; i < 4; ++i) CHECK(out.expectations[i].outcome == expectation_result::status::met);
  CHECK(out.expectations[4].outcome == expectation_result::status::unmet);
  REQUIRE(out.expectations[4].clocks);
  CHECK(out.expectations[4].clocks->lamport == 3);
  CHECK_FALSE(out.ok());
}

TEST_CASE("a reference naming several events lists the candidates") {
  scenario s = base();
  s.expect.push_back(values(ref(1, "ping"), 2));
  try {
    run_scenario(s);
    FAIL("expected an input_error");
  } catch (const input_error& e) {
    CHECK(e.path() == "/expect/0/event");
    CHECK(e.found().find("B:ping#1 (= B#1)") != std::string::npos);
    CHECK(e.found().find("B:ping#2 (= B#3)") != std::string::npos);
  }
}

TEST_CASE("a reference naming no event lists the process's labels") {
  scenario s = base();
  s.expect.push_back(values(ref(1, "pong"), 2));
  try {
    run_scenario(s);
    FAIL("expected an input_error");
  } catch (const input_error& e) {
    CHECK(e.found().find("\"ping\"") != std::string::npos);
    CHECK(e.found().find("\"work\"") != std::string::npos);
  }
  scenario t = base();
  t.expect.push_back(values(ref(1, "ping", 3), 2));
  CHECK_THROWS_AS(run_scenario(t), input_error);
  scenario u = base();
  u.expect.push_back(values({"B#9", 1, "", true, 9}, 2));
  CHECK_THROWS_AS(run_scenario(u), input_error);
}
