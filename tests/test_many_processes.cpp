// Runs of many processes: numbered processes, per-link tables and a ground truth of edges only beyond
// the processes vector clocks allow, and a run of 100,000 processes.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/core/input_error.hpp"
#include "hbsim/truth/causality.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/engine/simulation.hpp"
#include "hbsim/net/link_table.hpp"
#include "hbsim/run/memory_estimate.hpp"
#include "run/memory_guard.hpp"
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
  const scenario vectors = parse_scenario(R"({"name": "x", "processes": {"count": 2048}})", "t.json");
  CHECK(vectors.pending_limit() == 8192);  // 2^24 / 2048
  const scenario more = parse_scenario(R"({"name": "x", "processes": {"count": 5000}})", "t.json");
  CHECK(more.pending_limit() == 3'355);  // 2^24 / 5000
  const scenario phold = parse_scenario(
      R"({"name": "x", "processes": {"count": 5000}, "generate": {"kind": "phold", "messages": 10}})", "t.json");
  CHECK(phold.pending_limit() == 10'000);  // room for PHOLD's population of 1 and its timers
  // A random generator keeps a timer per process from the start, a scripted action one until its time:
  // the default leaves twice that room (with 2^24 / 4097 = 4095, a run of 4,097 processes stopped at once).
  const scenario random = parse_scenario(
      R"({"name": "x", "processes": {"count": 4097}, "generate": {"kind": "random", "events": 2}})", "t.json");
  CHECK(random.timers_at_start() == 4097);
  CHECK(random.pending_limit() == 8194);
  nlohmann::json scripted = {{"name", "x"}, {"processes", {{"count", 5000}}}};
  for (int i = 0; i < 4000; ++i)
    scripted["script"].push_back({{"at", "1ms"}, {"process", std::string("p").append(std::to_string(i))}, {"do", "local"}});
  const scenario script = parse_scenario(scripted.dump(), "t.json");
  CHECK(script.timers_at_start() == 4000);
  CHECK(script.pending_limit() == 8000);  // not 3,355
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
    scenario s = faulty_random_scenario();
    s.logical.clocks = {"lamport", "hlc"};  // with vector clocks the truth keeps rows at any size
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

// What a refusal said (an input_error's message), or "" when `f` refused nothing.
std::string refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e.what();
  }
  return "";
}

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
  // With vectors every process also holds four rows of 4-byte counters, and a message in flight two;
  // messages in flight are counted up to 2^24 counters' worth (2^24 / 1000 = 16,777 messages, which
  // max_pending allows by default).
  const scenario v = parse_scenario(R"({"name": "x", "processes": {"count": 1000}})", "x.json");
  CHECK(v.pending_limit() == 16'777);
  CHECK(estimate_memory(v, false).bytes == (16u << 20) + 1000 * (750 + 4 * 4 * 1000) + 16'777 * (2 * 4 * 1000));
  // A scripted run of three processes: the rows of 1,000,000 messages (its max_pending) at 24 bytes
  // each, not a reason to refuse it on a small machine (64 MiB).
  const scenario script = parse_scenario(R"({"name": "x", "processes": ["a", "b", "c"],
    "script": [{"at": "1ms", "process": "a", "do": "send", "to": "b"}]})", "x.json");
  CHECK(estimate_memory(script, true).bytes == (16u << 20) + 3 * (750 + 4 * 4 * 3) + 1'000'000 * (2 * 4 * 3));
  CHECK_NOTHROW(check_memory(script, true, std::uint64_t{64} << 20));

  CHECK_NOTHROW(check_memory(s, true, std::uint64_t{1} << 40));
  CHECK_NOTHROW(check_memory(s, true, std::nullopt));  // nothing known: no refusal
  {
    const std::string message = refusal([&] { check_memory(s, true, std::uint64_t{8} << 20); });
    REQUIRE_FALSE(message.empty());  // a run of 18 MiB does not fit in 8 MiB
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
  // A ShiViz log writes every event's vector clock, which such a run does not have: the exporter would
  // keep processes² counters the memory estimate did not count.
  const scratch out;
  const cli_result shiviz = run_cli("export '" + trace.str() + "' --to shiviz -o '" + out / "five_thousand.log" + "'");
  CHECK(shiviz.code == 2);
  CHECK(shiviz.err.find("at most 4096 processes for a ShiViz log of a run without vector clocks") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out / "five_thousand.log"));  // no half-written file
}

namespace {

// 5,000 processes with the default clocks (vectors included). p0 sends to p4999, which passes a message
// on to p1; p2 does one local event. Delays are 1 ms, so every event is a process's first or second.
std::string relay_5000(const std::string& vector_variant) {
  return R"({"name": "relay-5000", "processes": {"count": 5000}, "network": {"delay": "1ms"},
    "logical": {"vector": {"variant": ")" +
         vector_variant + R"("}},
    "script": [{"at": "1ms", "process": "p0", "do": "send", "to": "p4999"},
               {"after": "p4999#1", "process": "p4999", "do": "send", "to": "p1"},
               {"at": "1ms", "process": "p2", "do": "local"}]})";
}

}  // namespace

TEST_CASE("vector clocks beyond 4,096 processes are judged against each event's causal past") {
  // Derived from the rules: p0#1 = {p0:1}; p4999#1 merges it and ticks, {p0:1, p4999:1}; its send
  // p4999#2 = {p0:1, p4999:2}; p1#1 merges that and ticks. Lamport counts the hops: 1, 2, 3, 4.
  std::string text = relay_5000("canonical");
  text.insert(text.size() - 1, R"(, "expect": [
    {"event": "p4999#1", "lamport": 2, "vector": {"p0": 1, "p4999": 1}},
    {"event": "p1#1", "lamport": 4, "vector": {"p0": 1, "p4999": 2, "p1": 1}},
    {"before": ["p0#1", "p1#1"]}, {"concurrent": ["p2#1", "p1#1"]}])");
  const temp_file scenario_file("relay_5000.json", text);
  const temp_file trace("relay_5000.jsonl");
  const cli_result run = run_cli("run --trace '" + trace.str() + "' '" + scenario_file.str() + "'");
  CHECK(run.code == 0);
  CHECK(run.out.find("expectations  4 met, 0 unmet") != std::string::npos);
  CHECK(run.out.find("9 of 9 hold") != std::string::npos);  // Lamport's 2, vector's 2 and HLC's 5
  CHECK(run.out.find("clocks compared  against the ground truth") != std::string::npos);
  // The trace is read back with its vectors: judged, and compared, as the run was.
  CHECK(run_cli("check '" + trace.str() + "'").code == 0);
  const cli_result report = run_cli("report '" + trace.str() + "'");
  CHECK(report.code == 0);
  // p0#1 precedes the three events after it; p4999#1 the two after it; p4999#2 p1#1; p2#1 is
  // concurrent with the other four.
  CHECK(report.out.find("5 events make 10 pairs: 6 causally related (a -> b), 4 concurrent") != std::string::npos);
  // The happens-before graph keeps processes² counters of its own, up to 4,096 processes.
  CHECK(run_cli("explain '" + trace.str() + "' p0#1 p1#1").code == 2);

  // Without the merge, every event after the message's arrival at p4999 is inexact: p4999#1, p4999#2
  // and p1#1, which lose p0's entry (and p1#1 p4999's too).
  const scenario wrong = parse_scenario(relay_5000("no-merge"), "relay.json");
  const run_outcome bad = run_scenario(wrong);
  CHECK(bad.truth->keeps_rows());
  CHECK(bad.sim->clocks().vector()->sparse());  // beyond 4,096 processes the clock keeps sparse rows
  CHECK(bad.invariants->count(invariant::vector_exact) == 3);
  CHECK(bad.invariants->count(invariant::vector_strong_clock_condition) > 0);
  CHECK(bad.invariants->count(invariant::lamport_rule) == 0);
}

TEST_CASE("vector clocks at a size that cannot fit are refused before the run, with the estimate") {
  const scenario s = parse_scenario(R"({"name": "x", "processes": {"count": 100000},
    "logical": {"vector": {"representation": "dense"}}})", "x.json");
  // 100,000 rows of 100,000 4-byte counters, four copies: 160 GB; and 2^24 / 100,000 = 167 messages in
  // flight, two rows each.
  CHECK(estimate_memory(s, false).bytes == (16u << 20) + 100'000 * (750 + 4 * 4 * std::uint64_t{100'000}) +
                                               167 * (2 * 4 * std::uint64_t{100'000}));
  const std::string message = refusal([&] { check_memory(s, false, std::uint64_t{16} << 30); });
  REQUIRE_FALSE(message.empty());  // 160 GB does not fit in 16 GiB
  CHECK(message.find("x.json: at /processes") != std::string::npos);
  CHECK(message.find("100000 processes x 1600750 B + 167 messages' vector clocks x 800000 B") != std::string::npos);
  CHECK(message.find(R"("clocks": ["lamport", "hlc"])") != std::string::npos);
  // A trace's header alike: judging its vectors needs the same rows. A trace does not say how many
  // messages are in flight at once: only the processes are counted, and the message says so.
  const std::string traced = refusal([&] { check_trace_memory(s, std::uint64_t{16} << 30); });
  CHECK(traced.find("100000 processes x 1600750 B + 16 MiB; the messages in flight, which a trace does not count, "
                    "come on top") != std::string::npos);
  CHECK(traced.find("messages' vector clocks") == std::string::npos);
  CHECK(check_trace_memory(s, std::nullopt) == std::nullopt);  // nothing known: no refusal, no bound
  // What is left for the sends in flight: the memory available less the processes' estimate.
  const scenario few = parse_scenario(R"({"name": "x", "processes": {"count": 1000}})", "x.json");
  CHECK(check_trace_memory(few, std::uint64_t{1} << 30) == (std::uint64_t{1} << 30) - (16u << 20) - 1000 * (750 + 4 * 4 * 1000));
}

TEST_CASE("sparse vectors are estimated as they start and stopped if they outgrow the memory") {
  // The default beyond 4,096 processes. As they start, each process holds four sparse rows of 64 bytes
  // and 48 bytes of buffers, each message in flight two rows; full, they are the dense estimate.
  const scenario s = parse_scenario(R"({"name": "x", "processes": {"count": 100000}})", "x.json");
  const memory_estimate e = estimate_memory(s, false);
  CHECK(e.bytes == (16u << 20) + 100'000 * (750 + 4 * 64 + 48) + 167 * (2 * 64));
  CHECK(e.most == (16u << 20) + 100'000 * (750 + 4 * 4 * std::uint64_t{100'000}) + 167 * (2 * 4 * std::uint64_t{100'000}));
  CHECK(e.most_parts.find("100000 processes x 1600750 B") != std::string::npos);
  // Runs when the start fits, stopped by a guard at the memory available when the full rows would not.
  CHECK(check_memory(s, false, std::uint64_t{16} << 30) == std::uint64_t{16} << 30);
  CHECK(check_memory(s, false, std::uint64_t{1} << 50) == std::nullopt);  // fits even full: no guard
  CHECK_FALSE(refusal([&] { check_memory(s, false, std::uint64_t{64} << 20); }).empty());  // 117 MiB
  // A trace's header alike: its processes' sparse rows as they start; what is left bounds the rows' growth.
  CHECK(check_trace_memory(s, std::uint64_t{1} << 30) == (std::uint64_t{1} << 30) - (16u << 20) - 100'000 * (750 + 4 * 64 + 48));

  // The guard: past its budget, at the next reading (every 16,384 events), an input error naming the file.
  memory_guard guard("x.json", 0);
  std::vector<char> grown(std::size_t{64} << 20, 1);  // 64 MiB more resident
  event_record e1;
  std::string message;
  try {
    for (event_id i = 1; i <= 16'384; ++i) {
      e1.id = i;
      guard.on_event(e1);
    }
  } catch (const input_error& x) {
    message = x.what();
  }
  CHECK(grown.back() == 1);
  CHECK(message.find("x.json: at /processes: expected a run that fits in the memory available") != std::string::npos);
  CHECK(message.find("whose sparse vectors grew to") != std::string::npos);
  CHECK(message.find("by event 16384, stopped there") != std::string::npos);
  // Within its budget, never.
  memory_guard roomy("x.json", std::uint64_t{1} << 40);
  CHECK_NOTHROW([&] {
    for (event_id i = 1; i <= 40'000; ++i) roomy.on_event(e1);
  }());
}

TEST_CASE("beyond 4,096 processes without vectors the comparison is left out with its reason, never silently") {
  const temp_file file("wide.json", R"({"name": "wide", "processes": {"count": 4097}, "clocks": ["lamport", "hlc"],
    "generate": {"kind": "phold", "population": 1, "messages": 5000, "think": "0s", "remote": 0.25}})");
  const cli_result human = run_cli("run '" + file.str() + "'");
  CHECK(human.code == 0);
  CHECK(human.out.find("clocks compared  left out: beyond 4096 processes without vector clocks") != std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(run_cli("run --json '" + file.str() + "'").out);
  CHECK(j["processes"] == 4097);
  CHECK(j["final_clocks"].size() == 256);  // the first 256 processes, and it says there are more
  CHECK(j["final_clocks"].contains("p255"));
  CHECK(j["final_clocks_truncated"] == true);
  CHECK(j["clock_report"].is_null());
  CHECK(j["clock_report_left_out"].get<std::string>().find("each event's causal past") != std::string::npos);
  // A way of counting asked for by name cannot be kept: refused before the run, not dropped.
  for (const char* mode : {"exact", "estimate"}) {
    CAPTURE(mode);
    const cli_result r = run_cli(std::string("run --compare ") + mode + " '" + file.str() + "'");
    CHECK(r.code == 2);
    CHECK(r.err.find(std::string("hbsim: --compare ") + mode +
                     ": expected a run whose clocks can be compared: at most 4096 processes without vector clocks, "
                     "found 4097 processes without vector clocks") != std::string::npos);
    CHECK(r.out.empty());
  }
  // Asked for and turned off at once: refused too.
  const cli_result both = run_cli("run --compare exact --no-compare '" + file.str() + "'");
  CHECK(both.code == 2);
  CHECK(both.err.find("hbsim: --compare excludes --no-compare") != std::string::npos);
  // Within the limit the comparison is there, and nothing is said left out.
  const nlohmann::json small =
      nlohmann::json::parse(run_cli("run --json '" + source_path("scenarios/three_clocks.json") + "'").out);
  CHECK(small["clock_report"].is_object());
  CHECK(small["clock_report_left_out"].is_null());
}

TEST_CASE("a trace whose sends in flight hold more causal pasts than the memory left is refused at that line") {
  // B sends to A every millisecond; A relays each message to C over a link of 1 s. Each receive of A
  // merges B's past into a fresh row of the truth, and the relay that follows holds it until C receives
  // it, a second later: 20 rows of 3 counters (12 bytes) held at once. Given 60 bytes, the 6th is refused.
  // (A row left by a receive until the next event, and the judges' copies, take a few more.)
  nlohmann::json s = {{"name", "relays"}, {"processes", {"A", "B", "C"}},
                      {"network", {{"delay", "100us"}, {"links", {{{"from", "A"}, {"to", "C"}, {"delay", "1s"}}}}}},
                      {"on_receive", {{{"process", "A"}, {"do", "send"}, {"to", "C"}, {"action_label", "relay"}}}}};
  for (int i = 1; i <= 20; ++i)
    s["script"].push_back({{"at", std::to_string(i).append("ms")}, {"process", "B"}, {"do", "send"}, {"to", "A"}});
  const temp_file trace("relays.jsonl");
  run_options o;
  o.trace_path = trace.str();
  REQUIRE(run_scenario(parse_scenario(s.dump(), "relays.json"), o).ok());
  const auto replay = [&](std::uint64_t bytes) {
    trace_reader reader(trace.str());
    reader.limit_in_flight_memory(bytes);
    causality truth;
    invariant_checker checker(truth);
    event_observer* observers[] = {&truth, &checker};
    reader.replay(observers);
  };
  CHECK_NOTHROW(replay(0));       // no bound
  CHECK_NOTHROW(replay(64 * 12)); // room for the 20, and for the few the judges hold
  try {
    replay(60);
    FAIL("the 6th held row should have been refused");
  } catch (const input_error& e) {
    CHECK(e.file() == trace.str());
    CHECK(e.line() > 1);  // the line of the event that needed the row
    CHECK(std::string(e.what()).find("expected sends in flight whose ground truth fits in the memory left (60 bytes), "
                                     "found 5 earlier causal pasts of 3 counters each held at once") != std::string::npos);
  }

  // Sparse rows (a trace of more than 4,096 processes) count the bytes their entries take instead.
  s["logical"] = {{"vector", {{"representation", "sparse"}}}};
  const scenario sparse = parse_scenario(s.dump(), "relays.json");
  struct bounded final : event_observer {  // the truth, told the bound a trace's replay gives it
    causality truth;
    std::uint64_t bytes = 0;
    void on_start(const run_header& h) override {
      run_header b = h;
      b.in_flight_memory_most = bytes;
      truth.on_start(b);
    }
    void on_event(const event_record& e) override { truth.on_event(e); }
    void on_drop(const drop_record& d) override { truth.on_drop(d); }
  };
  const auto run_bounded = [&](std::uint64_t bytes) {
    simulation sim(sparse);
    bounded b;
    b.bytes = bytes;
    sim.observe(b);
    sim.run();
    CHECK(b.truth.sparse());
  };
  CHECK_NOTHROW(run_bounded(1 << 20));
  try {
    run_bounded(60);
    FAIL("sparse rows past 60 bytes should have been refused");
  } catch (const input_error& e) {
    CHECK(std::string(e.what()).find("expected sends in flight whose ground truth fits in the memory left (60 bytes), "
                                     "found ") != std::string::npos);
    CHECK(std::string(e.what()).find("earlier causal pasts held at once (for sends not yet received, and by the "
                                     "judges), their entries growing past that") != std::string::npos);
  }
}
