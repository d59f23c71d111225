// Runs of many processes: numbered processes, per-link tables and a ground truth of edges only beyond
// the processes vector clocks allow, and a run of 100,000 processes.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/truth/causality.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/engine/simulation.hpp"
#include "hbsim/net/link_table.hpp"
#include "hbsim/run/memory_estimate.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "cli_fixture.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;

TEST_CASE("processes given by count and prefix are named prefix0 to prefix(count - 1)") {
  const scenario s = parse_scenario(R"({"name": "x", "processes": {"count": 12, "prefix": "node"},
                                        "clock": {"offset": "2ms"}})",
                                    "t.json");
  REQUIRE(s.processes.size() == 12);
  CHECK(s.processes[0].name == "node0");
  CHECK(s.processes[11].name == "node11");
  CHECK(s.find_process("node7") == process_id{7});
  CHECK(s.processes[11].clock.offset == 2 * ms);  // the scenario's clock, as for listed processes
  CHECK(parse_scenario(R"({"name": "x", "processes": {"count": 3}})", "t.json").processes[2].name == "p2");
}

TEST_CASE("without vector clocks the pending messages may outnumber a million when the processes do") {
  const scenario few = parse_scenario(R"({"name": "x", "processes": {"count": 10}, "clocks": ["lamport"]})", "t.json");
  CHECK(few.pending_limit() == 1'000'000);
  const scenario many =
      parse_scenario(R"({"name": "x", "processes": {"count": 600000}, "clocks": ["lamport", "hlc"]})", "t.json");
  CHECK(many.pending_limit() == 1'200'000);  // twice the processes
  const scenario vectors = parse_scenario(R"({"name": "x", "processes": {"count": 4096}})", "t.json");
  CHECK(vectors.pending_limit() == 4096);  // 2^24 / 4096
}

TEST_CASE("a link table holds the same values dense or sparse") {
  link_table<std::uint32_t> dense(50, 7);
  link_table<std::uint32_t> sparse(50, 7, 0);
  std::uint64_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    const auto from = static_cast<process_id>((x >> 33) % 50);
    const auto to = static_cast<process_id>((x >> 13) % 50);
    const std::uint32_t d = dense(from, to)++;
    REQUIRE(sparse(from, to)++ == d);
  }
  CHECK(dense(3, 4) == sparse(3, 4));
  CHECK(sparse(49, 49) >= 7);
}

namespace {

// Records, after every event and drop, what a causality stage says of its edges.
struct edges_seen final : event_observer {
  explicit edges_seen(const causality& c) : c(c) {}
  struct edge {
    bool merged;
    causality::send_slot slot, sent_slot, dropped;
    std::uint64_t count;
    bool operator==(const edge&) const = default;
  };
  void on_event(const event_record& e) override {
    seen.push_back({c.merged(), c.slot(), c.sent_slot(), causality::no_slot, c.count(e.process)});
  }
  void on_drop(const drop_record&) override { seen.push_back({false, 0, 0, c.dropped(), 0}); }
  const causality& c;
  std::vector<edge> seen;
};

}  // namespace

TEST_CASE("a ground truth of edges only has the same edges as one of rows") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    const scenario s = faulty_random_scenario();
    simulation sim(s, seed);
    causality rows;
    causality edges(0);  // rows for no number of processes
    edges_seen with_rows(rows), without(edges);
    for (event_observer* o : std::vector<event_observer*>{&rows, &edges, &with_rows, &without}) sim.observe(*o);
    sim.run();
    CHECK(rows.keeps_rows());
    CHECK_FALSE(edges.keeps_rows());
    CHECK(edges.truth(0).empty());
    CHECK(edges.past_size(0) == 0);
    REQUIRE(with_rows.seen.size() > 40);
    CHECK(with_rows.seen == without.seen);
  }
}

namespace {

// PHOLD over 100,000 processes with Lamport and HLC, 50,000 messages in all: every message is sent in
// an event of its own and received in another, without loss, so the run has 100,000 events.
scenario hundred_thousand(const char* lamport_variant) {
  std::string text = R"({"name": "many", "seed": 7, "processes": {"count": 100000}, "clocks": ["lamport", "hlc"],
    "network": {"delay": {"dist": "exponential", "mean": "1us"}},
    "generate": {"kind": "phold", "population": 1, "messages": 50000, "think": "0s", "remote": 0.25},
    "logical": {"lamport": {"variant": ")";
  text.append(lamport_variant).append(R"("}}})");
  return parse_scenario(text, "many.json");
}

}  // namespace

TEST_CASE("a run of 100,000 processes without vector clocks is judged on its edges") {
  const scenario right = hundred_thousand("canonical");
  const temp_file trace("many.jsonl");
  run_options o;
  o.trace_path = trace.str();
  const run_outcome out = run_scenario(right, o);
  CHECK(out.ok());
  CHECK(out.sim->stats().events == 100'000);
  CHECK(out.sim->stats().delivered == 50'000);
  CHECK(out.invariants->judged() == 7);  // lamport's 2 and HLC's 5
  CHECK(out.clocks == nullptr);          // the comparison needs each event's causal past
  CHECK_FALSE(out.truth->keeps_rows());
  CHECK(out.trace_sha256.size() == 64);

  // Its trace read back (as hbsim check does) is judged alike.
  trace_reader reader(trace.str());
  causality truth;
  invariant_checker checker(truth);
  event_observer* observers[] = {&truth, &checker};
  reader.replay(observers);
  CHECK(checker.judged() == 7);
  CHECK(checker.violations().empty());
  CHECK(truth.count(0) == out.truth->count(0));
  CHECK(truth.count(99'999) == out.truth->count(99'999));

  // A receive that ignores the message's stamp breaks the rule wherever the stamp was ahead, and the
  // clock condition on those message edges: the edges alone find it.
  const scenario wrong = hundred_thousand("ignore-message");
  const run_outcome bad = run_scenario(wrong);
  CHECK_FALSE(bad.ok());
  CHECK(bad.invariants->count(invariant::lamport_rule) > 0);
  CHECK(bad.invariants->count(invariant::lamport_clock_condition) > 0);
  CHECK(bad.invariants->count(invariant::hlc_rule) == 0);
}

TEST_CASE("a run's memory is estimated before it starts, and refused when it cannot fit") {
  const scenario s = parse_scenario(R"({"name": "x", "processes": {"count": 1000}, "clocks": ["lamport", "hlc"],
    "generate": {"kind": "phold", "population": 2, "messages": 100}})",
                                    "x.json");
  // 16 MiB, 750 B per process, 400 per message waiting (2 x 1,000 at the start), and with the
  // comparison 20 per event (a send and a receive per message).
  CHECK(estimate_memory(s, false).bytes == (16u << 20) + 1000 * 750 + 2000 * 400);
  CHECK(estimate_memory(s, true).bytes == (16u << 20) + 1000 * 750 + 2000 * 400 + 200 * 20);
  // With vectors every process and message also holds rows of 4-byte counters, six copies.
  const scenario v = parse_scenario(R"({"name": "x", "processes": {"count": 1000}})", "x.json");
  CHECK(estimate_memory(v, false).bytes == (16u << 20) + 1000 * (750 + 6 * 4 * 1000));

  CHECK_NOTHROW(check_memory(s, true, std::uint64_t{1} << 40));
  CHECK_NOTHROW(check_memory(s, true, std::nullopt));  // nothing known: no refusal
  try {
    check_memory(s, true, std::uint64_t{8} << 20);
    FAIL("a run of 18 MiB fits in 8 MiB");
  } catch (const input_error& e) {
    const std::string message = e.what();
    CHECK(message.find("x.json: at /processes") != std::string::npos);
    CHECK(message.find("the memory available, 8 MiB") != std::string::npos);
    CHECK(message.find("1000 processes x 750 B") != std::string::npos);
  }
  const auto available = available_memory();
  REQUIRE(available.has_value());  // Linux says it in /proc/meminfo
  CHECK(*available > 0);
}

TEST_CASE("the commands a trace of 5,000 processes without vectors may and may not go through") {
  const temp_file scenario_file("five_thousand.json", R"({"name": "five-thousand", "processes": {"count": 5000},
    "clocks": ["lamport", "hlc"], "generate": {"kind": "phold", "population": 1, "messages": 6000, "remote": 0.5}})");
  const temp_file trace("five_thousand.jsonl");
  REQUIRE(run_cli("run --trace '" + trace.str() + "' '" + scenario_file.str() + "'").code == 0);
  CHECK(run_cli("check '" + trace.str() + "'").code == 0);  // judged on its edges
  const cli_result report = run_cli("report '" + trace.str() + "'");
  CHECK(report.code == 2);  // the comparison needs each event's causal past
  CHECK(report.err.find("at /processes: expected at most 4096 processes") != std::string::npos);
  const cli_result explain = run_cli("explain '" + trace.str() + "' p0#1 p1#1");
  CHECK(explain.code == 2);  // so does the happens-before graph
  CHECK(explain.err.find("at most 4096 processes for the happens-before graph") != std::string::npos);
}
