// Hostile input never takes the machine: workloads that would pile up pending work without end are
// refused at load or stopped by max_pending (run under an address-space cap, so that a regression
// shows as bad_alloc, not as a swapping machine); NUL bytes in a scenario are refused where they
// are; labels holding control characters still give DOT that Graphviz draws and well-formed XML.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <filesystem>
#include <sstream>

#include "cli_fixture.hpp"
#include "hbsim/core/input_error.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t address_space = std::size_t{1} << 30;  // far above what the runs below need

// `hbsim run` of a scenario file holding `text`, under the address-space cap.
cli_result run_capped(const std::string& text) {
  const temp_file scenario("hostile.json", text);
  return run_cli_capped("run '" + scenario.str() + "'", address_space);
}

// The names p0 to p(n - 1), quoted and separated by commas: a scenario's processes.
std::string numbered_processes(int n) {
  std::string names;
  for (int i = 0; i < n; ++i) names += (i ? ", \"p" : "\"p") + std::to_string(i) + "\"";
  return names;
}

// A, B, C; A broadcasts at 0 and every receive is broadcast again: the messages in flight grow
// without end.
scenario storm(std::uint64_t max_pending) {
  scenario s = make_scenario({"A", "B", "C"});
  s.max_pending = max_pending;
  s.script.push_back(at(0, 0, action_kind::broadcast, "x"));
  reactive_rule r;
  r.what = {action_kind::broadcast, {}, false, "x"};
  s.on_receive.push_back(r);
  return s;
}

}  // namespace

TEST_CASE("hostile: a PHOLD population of 10^12 is refused at load, before anything is allocated") {
  const cli_result r = run_capped(R"({"name": "pop", "processes": ["a", "b"],
    "generate": {"kind": "phold", "population": 1000000000000, "messages": 10}})");
  CHECK(r.code == 2);
  CHECK(r.err.find("at /generate/population: expected a population from 1 to 500000, found a number "
                   "(1000000000000)") != std::string::npos);
  CHECK(r.err.find("must fit in max_pending (1000000)") != std::string::npos);
}

TEST_CASE("hostile: a broadcast-on-receive storm ends at max_pending with exit 1, within a memory cap") {
  // 16 processes, each re-broadcasting every message it receives: each receive adds 14 messages in
  // flight, so the default bound of a million is passed after about 71,000 receives.
  const cli_result r = run_capped(R"({"name": "storm", "processes": [)" + numbered_processes(16) + R"(],
    "script": [{"at": "0ms", "process": "p0", "do": "broadcast", "label": "x"}],
    "on_receive": [{"process": "*", "label": "*", "do": "broadcast", "action_label": "x"}]})");
  CHECK_MESSAGE(r.code == 1, r.err);
  CHECK(r.out.find("max_pending reached: more than 1000000 messages in flight and timers pending at once; the run "
                   "was cut short (raise max_pending in the scenario if that many are expected)") != std::string::npos);
  CHECK(r.out.find("result     FAILED") != std::string::npos);
}

TEST_CASE("hostile: with 1024 processes the default bound keeps a storm's vector clocks within a memory cap") {
  // Two of 1024 processes answer every message, over a network that duplicates each one: the
  // copies in flight double with each round, and each send holds a vector of 1024 counters. The
  // default bound for 1024 processes is 2^24 / 1024 = 16384.
  const cli_result r = run_capped(R"({"name": "ping", "processes": [)" + numbered_processes(1024) + R"(],
    "network": {"duplicate": 1},
    "script": [{"at": "0ms", "process": "p0", "do": "send", "to": "p1", "label": "x"}],
    "on_receive": [{"process": "*", "label": "*", "do": "send", "to": "sender", "action_label": "x"}]})");
  CHECK_MESSAGE(r.code == 1, r.err);
  CHECK(r.out.find("max_pending reached: more than 16384 messages in flight") != std::string::npos);
}

TEST_CASE("max_pending ends the run at the first message or timer past it") {
  // max_pending 4. t = 0: A's scripted timer fires (none pending), A sends m1 to B, m2 to C: 2
  // pending. 1ms: B receives m1 (1 left) and sends m3 to A, m4 to C: 3; C receives m2 (2) and sends
  // m5 to A, m6 to B: 4, not more than 4. 2ms: A receives m3 (3) and sends m7 to B, m8 to C: 5, so
  // the run ends after A's send, the seventh event, and m4 to m8 are still in flight, in the order
  // they would have arrived.
  const scenario s = storm(4);
  const auto [rec, stats] = run_recorded(s);
  CHECK(stats.hit_max_pending);
  CHECK_FALSE(stats.hit_max_events);
  CHECK(stats.events == 7);
  CHECK(stats.messages_sent == 8);
  CHECK(stats.end_time == 2 * ms);
  REQUIRE(rec.events.size() == 7);
  CHECK(rec.events.back().r.process == 0);
  CHECK(rec.events.back().r.kind == event_kind::send);
  REQUIRE(rec.drops.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(rec.drops[i].message == i + 4);
    CHECK(rec.drops[i].reason == drop_reason::in_flight);
  }

  // With room for 5 the same run goes on: the bound is "more than", not "as many as".
  const scenario roomier = storm(5);
  simulation more(roomier);
  more.run();
  CHECK(more.stats().events > 7);
}

TEST_CASE("max_pending counts timers too") {
  // Two scripted actions are two timers pending at the start: with room for one, nothing runs.
  scenario s = make_scenario({"A"});
  s.max_pending = 1;
  s.script.push_back(at(1 * ms, 0, action_kind::local, "a"));
  s.script.push_back(at(2 * ms, 0, action_kind::local, "b"));
  simulation sim(s);
  sim.run();
  CHECK(sim.stats().hit_max_pending);
  CHECK(sim.stats().events == 0);
}

TEST_CASE("max_pending: read from the scenario, by default a million or 2^24 / processes when smaller") {
  const scenario plain = parse_scenario(R"({"name": "x", "processes": ["a"]})", "t.json");
  CHECK_FALSE(plain.max_pending);
  CHECK(plain.pending_limit() == 1'000'000);
  CHECK(parse_scenario(R"({"name": "x", "processes": ["a"], "max_pending": 7})", "t.json").pending_limit() == 7);
  // 2^24 = 16,777,216: over 16 it is 1,048,576, over 17 986,895.
  CHECK(default_max_pending(16) == 1'000'000);
  CHECK(default_max_pending(17) == 986'895);
  CHECK(default_max_pending(1000) == 16'777);
  CHECK(default_max_pending(4096) == 4'096);
  // Room for twice PHOLD's initial messages (them and their timers) when that is more: 5,000 processes of
  // population 1 take 10,000 where 2^24 / 5000 is 3,355.
  CHECK(default_max_pending(5000) == 3'355);
  CHECK(default_max_pending(5000, true, 5000) == 10'000);
  CHECK(default_max_pending(5000, true, 800'000) == 1'000'000);  // the cap
  // A population that fills max_pending exactly is fine: 3 processes × 2 = 6.
  CHECK_NOTHROW(parse_scenario(R"({"name": "x", "processes": ["a", "b", "c"], "max_pending": 6,
    "generate": {"kind": "phold", "population": 2}})", "t.json"));
}

TEST_CASE("hostile: bytes after a NUL in a scenario are an error, with where the NUL is") {
  const cli_result r = run_cli("validate '" + source_path("tests/bad_input/semantic/bytes_after_nul.json") + "'");
  CHECK(r.code == 2);
  CHECK(r.err.find("bytes_after_nul.json:2:1: expected JSON text, found a NUL byte, byte 37 of the file") !=
        std::string::npos);
  // A NUL at the very end, after a complete document, is refused too.
  const std::string text = std::string(R"({"name": "x", "processes": ["a"]})") + '\0';
  CHECK_THROWS_WITH_AS(parse_scenario(text, "t.json"), doctest::Contains("t.json:1:34: expected JSON text"),
                       input_error);
}

namespace {

// A's message, so its send and B's receive, is labelled with control characters of every kind.
constexpr std::string_view control_label = R"(x\u0000y\u001bz\rw\u007fv\tu\nt)";
// The same with each control character other than tab and newline as its picture: ␀ ␛ ␍ ␡.
const std::string pictured = "x\u2400y\u241bz\u240dw\u2421v\tu\nt";

std::string control_scenario() {
  return R"({"name": "ctl\u0001name", "processes": ["A", "B"],
    "script": [{"at": "0ms", "process": "A", "do": "send", "to": "B", "label": ")" + std::string(control_label) +
         R"("}]})";
}

// Whether a shell command succeeds.
bool succeeds(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct graphml_node {
  std::string label;
};
using graphml_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, graphml_node>;

}  // namespace

TEST_CASE("hostile: labels with NUL and control characters give DOT Graphviz draws and well-formed XML") {
  const scratch tmp;
  const fs::path scenario = tmp.write("control.json", control_scenario());
  const fs::path dot = tmp / "control.dot", graphml = tmp / "control.graphml", svg = tmp / "control.svg",
                 shiviz = tmp / "control.log";
  const cli_result r = run_cli("run '" + scenario.string() + "' --export dot='" + dot.string() + "' --export graphml='" +
                               graphml.string() + "' --export svg='" + svg.string() + "' --export shiviz='" +
                               shiviz.string() + "'");
  REQUIRE_MESSAGE(r.code == 0, r.err);

  // ShiViz: each description one line (newline and carriage return as spaces), the other control
  // characters pictured, in the execution's name too.
  const std::string log = read_file(shiviz);
  CHECK(log.find('\0') == std::string::npos);
  CHECK(log.find('\x1b') == std::string::npos);
  CHECK(log.find("\nsend x\u2400y\u241bz w\u2421v\tu t to B | ") != std::string::npos);
  CHECK(log.find("=== ctl\u2401name, seed 1 ===\n") == 0);

  // DOT: Graphviz reads it all (a NUL would end its input) and draws it.
  const std::string dot_text = read_file(dot);
  CHECK(dot_text.find('\0') == std::string::npos);
  CHECK(dot_text.find("\"x\u2400y\u241bz\u240dw\u2421v\tu\\nt\\nsend #1") != std::string::npos);
  CHECK(dot_text.find("\"ctl\u2401name\"") != std::string::npos);
  CHECK(succeeds("dot -Tsvg '" + dot.string() + "' -o /dev/null"));

  // GraphML and SVG: well-formed XML, checked by a strict parser; the labels read back pictured.
  CHECK(succeeds("xmllint --noout '" + graphml.string() + "'"));
  CHECK(succeeds("xmllint --noout '" + svg.string() + "'"));
  graphml_graph g;
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("label", boost::get(&graphml_node::label, g));
  std::istringstream in(read_file(graphml));
  boost::read_graphml(in, g, dp);
  // Boost's reader turns each tab and newline into a space; the file holds them as they are.
  std::string read_back = pictured;
  std::replace(read_back.begin(), read_back.end(), '\t', ' ');
  std::replace(read_back.begin(), read_back.end(), '\n', ' ');
  REQUIRE(boost::num_vertices(g) == 2);
  CHECK(g[0].label == read_back);
  CHECK(g[1].label == read_back);
  CHECK(read_file(graphml).find(">" + pictured + "<") != std::string::npos);
  CHECK(read_file(graphml).find("ctl\u2401name") != std::string::npos);
  CHECK(read_file(svg).find("z\u240dw") != std::string::npos);
}

TEST_CASE("hostile: under an address-space limit, the memory estimate counts it, memory that runs out is exit 2, and a sweep "
          "runs on the threads it can start") {
  if (address_sanitizer) return;  // no address-space cap can be set under it (cli_fixture.hpp)
  const std::string phold = "run '" + source_path("scenarios/phold_many.json") +
                            "' --set '/expect=[]' --set /generate/messages=10 --set /processes/count=";
  // A million processes are estimated at about 1.1 GB: refused before the run under 800 MB.
  const cli_result refused = run_cli_capped(phold + "1000000", 800'000'000);
  CHECK(refused.code == 2);
  CHECK(refused.err.find("expected a run that fits in the memory available") != std::string::npos);
  // 16,777,216 processes cannot even be read under 1 GB: out of memory, told as such, not an internal error.
  const cli_result out = run_cli_capped(phold + "16777216", 1'000'000'000);
  CHECK(out.code == 2);
  CHECK(out.err == "hbsim: out of memory: the command needs more than this process may take (the memory available, "
                   "a container's limit or ulimit -v)\n");
  // 1,024 threads of 8 MB stacks do not fit in 2 GB: the sweep runs its 300 runs on those it could start.
  const cli_result sweep =
      run_cli_capped("sweep '" + source_path("scenarios/three_clocks.json") + "' --seeds 1..300 --jobs 1024", 2'000'000'000);
  CHECK(sweep.code == 0);
  CHECK(sweep.out.find("runs       300 done, 0 failed") != std::string::npos);
}

TEST_CASE("hostile: a label holding a NUL is escaped in the message that lists it, which goes on past it") {
  // three_clocks expects A:prepare, its first event, whose label is now "\u0000x".
  const cli_result r = run_cli("run '" + source_path("scenarios/three_clocks.json") + "' --set '/script/0/label=\"\\u0000x\"'");
  CHECK(r.code == 2);
  CHECK(r.err.find(R"(found no event of A labelled "prepare" (A's labels: "\u0000x" "hello" "news"))") != std::string::npos);
}
