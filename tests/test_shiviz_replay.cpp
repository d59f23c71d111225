// ShiViz/GoVector logs replayed as runs: the happens-before graph rebuilt from the vector clocks
// (ShiViz's TwitToR and Chord examples, tests/data/shiviz/examples), explain and export --to shiviz
// on such logs, report's plain refusal, and the delimiter the README documents.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "cli_fixture.hpp"
#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/trace/shiviz_log.hpp"
#include "hbsim/trace/shiviz_replay.hpp"
#include "hbsim/truth/causality.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;
namespace fs = std::filesystem;

namespace {

std::string example(const std::string& name) { return source_path("tests/data/shiviz/examples/" + name); }

hb_graph graph_of(const std::string& path) {
  hb_graph_builder builder(path);
  event_observer* observers[] = {&builder};
  replay_shiviz_log(path, observers, {.one_execution = true});
  return builder.build();
}

input_error replay_error(const std::string& text) {
  const temp_file log("bad.log", text);
  hb_graph_builder builder;
  event_observer* observers[] = {&builder};
  try {
    replay_shiviz_log(log.str(), observers, {.one_execution = true});
  } catch (const input_error& e) {
    return e;
  }
  FAIL("no input_error for " << text);
  return input_error("", "", "", "");
}

// Every event's clock by (execution, host, own entry), as host -> value; `unnamed` names an
// execution without a name.
using clocks = std::map<std::tuple<std::string, std::string, std::uint64_t>, std::map<std::string, std::uint64_t>>;
clocks clocks_of(const std::string& path, const std::string& unnamed = "",
                 std::map<std::pair<std::string, std::uint64_t>, std::string>* descriptions = nullptr) {
  clocks out;
  read_shiviz_log(path, {}, [&](const shiviz_execution& x) {
    for (const shiviz_event& e : x.events) {
      auto& c = out[{x.name.empty() ? unnamed : x.name, x.hosts[e.host], e.own}];
      for (const auto& [j, v] : x.clock(e)) c[x.hosts[j]] = v;
      if (descriptions) (*descriptions)[{x.hosts[e.host], e.own}] = e.description;
    }
  });
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("shiviz replay: TwitToR's happens-before relation rebuilt from its clocks") {
  const hb_graph g = graph_of(example("twittor-execution3.log"));
  CHECK(g.event_count() == 39);
  CHECK(g.process_names().size() == 9);
  // Line 3: 7000's event 2 learns of the client library's event 2 (line 71), its clock {clientlib:2}.
  const event_id register_lib = g.resolve("10_0_0_82_7000#2");
  const hb_event r = g.event(register_lib);
  CHECK(r.kind == event_kind::receive);
  CHECK(r.label == "Register client lib");
  CHECK(r.send_event == g.resolve("clientlib_10_0_0_82_64000_pid_61928#2"));
  CHECK(g.event(r.send_event).kind == event_kind::send);
  CHECK(g.event(g.resolve("10_0_0_82_7000#1")).kind == event_kind::local);
  // 7000's event 7 (line 13) has 7004:6: 7004's last event (line 45) happens before it.
  CHECK(g.relation(g.resolve("10_0_0_82_7004#6"), g.resolve("10_0_0_82_7000#7")) == hb_relation::before);
  // 61776's event 3 {61776:3} and 61750's event 5 (61776:2, no 61750 in 61776#3) know nothing of each other.
  CHECK(g.relation(g.resolve("61776_host#3"), g.resolve("61750_host#5")) == hb_relation::concurrent);
  // The log is sound, so its clocks are exactly the causal pasts of the edges rebuilt.
  for (event_id e = 1; e <= g.event_count(); ++e) CHECK(g.recorded_vector(e) == g.causal_past(e));
}

TEST_CASE("shiviz replay: Chord's event that receives and sends, and its events out of file order") {
  const hb_graph g = graph_of(example("chord.log"));
  CHECK(g.event_count() == 1235);
  // kv-node-60's event 168 (line 2113) learns of kv-node-40's 226 (line 1693); kv-node-10's 276
  // (line 623) learns of 60's 168 and of nothing 168 did not know.
  const event_id relay = g.resolve("kv-node-60#168");
  CHECK(g.event(relay).kind == event_kind::receive);
  CHECK(g.event(relay).send_event == g.resolve("kv-node-40#226"));
  CHECK(g.event(g.resolve("kv-node-10#276")).send_event == relay);
  CHECK(g.happens_before(g.resolve("kv-node-40#226"), g.resolve("kv-node-10#276")));
  // kv-node-60's 25 (line 1829) comes after its 26 (line 1827) in the file, before it in the run.
  CHECK(g.happens_before(g.resolve("kv-node-60#25"), g.resolve("kv-node-60#26")));
  CHECK(g.event(g.resolve("kv-node-60#25")).label == "Registering with front end");
  for (event_id e = 1; e <= g.event_count(); ++e) CHECK(g.recorded_vector(e) == g.causal_past(e));
}

TEST_CASE("shiviz replay: what hbsim's events cannot hold, and unsound logs, are refused with their line") {
  // C's first event learns of A#1 and B#1 at once, neither knowing the other: two messages.
  const input_error two = replay_error("A {\"A\":1}\na\nB {\"B\":1}\nb\nC {\"A\":1, \"B\":1, \"C\":1}\nc\n");
  CHECK(two.line() == 5);
  CHECK(two.found() == "C#1 learns at once of A#1 (line 1) and B#1 (line 3)");
  const input_error gap = replay_error("A {\"A\":1}\none\nA {\"A\":3}\nthree\n");
  CHECK(gap.line() == 3);
  CHECK(gap.found() ==
        "shiviz.own_entry broken by A: its own entry is 3, expected 2 (one more than at its previous event, line 1)");
  CHECK(has(gap.hint(), "hbsim check"));
  const input_error second = replay_error("=== one ===\nA {\"A\":1}\na\n\n=== two ===\nA {\"A\":1}\na\n");
  CHECK(second.line() == 5);
  CHECK(second.found() == "a second one, \"two\"");
}

TEST_CASE("shiviz replay: export --to shiviz writes the same clocks and descriptions back, executions named") {
  const scratch tmp;
  const fs::path out = tmp / "out.log";
  const cli_result r = run_cli("export '" + example("chord.log") + "' '" + example("recordsfs-execution3.log") +
                               "' --to shiviz -o '" + out.string() + "'");
  REQUIRE(r.code == 0);
  // Executions without a name take their file's.
  clocks before = clocks_of(example("chord.log"), "chord.log");
  before.merge(clocks_of(example("recordsfs-execution3.log"), "recordsfs-execution3.log"));
  std::map<std::pair<std::string, std::uint64_t>, std::string> descriptions;
  const clocks after = clocks_of(out.string(), "", &descriptions);
  CHECK(before.size() == 1235 + 6143);
  CHECK(after == before);
  // A description of two lines is written on one.
  CHECK(descriptions[{"Miner1", 1981}] == "INFO- File #0: [name = test123, 0 records]");
  CHECK(run_cli("check '" + out.string() + "'").code == 0);
}

TEST_CASE("shiviz: explain reads a ShiViz log and shows vector clocks only") {
  const cli_result r = run_cli("explain '" + example("twittor-execution3.log") + "' 10_0_0_82_7004#6 10_0_0_82_7000#7");
  REQUIRE(r.code == 0);
  CHECK(has(r.out, "a happens before b"));
  CHECK(has(r.out, "V {"));
  for (const std::string absent : {"Lamport", "HLC", "true time", "pt "}) {
    INFO(absent);
    CHECK_FALSE(has(r.out, absent));
  }
  const cli_result several = run_cli("explain '" + source_path("tests/data/shiviz/executions.log") + "' A#1 B#1");
  CHECK(several.code == 2);
  CHECK(has(several.err, "a log of one execution"));
}

TEST_CASE("shiviz: report and the other exports say plainly that they need an hbsim trace") {
  const cli_result report = run_cli("report '" + example("chord.log") + "'");
  CHECK(report.code == 2);
  CHECK(has(report.err, "expected an hbsim trace"));
  CHECK(has(report.err, "found a ShiViz/GoVector log"));
  const cli_result svg = run_cli("export '" + example("chord.log") + "' --to svg");
  CHECK(svg.code == 2);
  CHECK(has(svg.err, "from such a log hbsim exports --to shiviz"));
  const cli_result window = run_cli("export '" + example("chord.log") + "' --to shiviz --from 1ms");
  CHECK(window.code == 2);
  CHECK(has(window.err, "--from"));
  CHECK(window.out.empty());
}

TEST_CASE("shiviz: check finds a log whose first lines come before its first event") {
  const temp_file log("header.log", "GoVector log of run 7\nA {\"A\":1}\nstart\n");
  const cli_result r = run_cli("check --json '" + log.str() + "'");
  CHECK(r.code == 0);
  CHECK(has(r.out, "\"skipped_lines\": 1"));
}

TEST_CASE("shiviz: the delimiter the docs give has ShiViz's group `trace`, and matches every export") {
  // ShiViz names executions from the group `trace` (without it, every execution after the first is
  // "undefined", and ShiViz refuses the log); it reads the group as a plain group.
  for (const std::string doc : {"README.md", "scenarios/FORMAT.md"}) {
    INFO(doc);
    const std::string text = read_file(source_path(doc));
    std::size_t found = 0;
    for (std::size_t at = text.find("^==="); at != std::string::npos; at = text.find("^===", at + 1)) {
      CHECK(text.compare(at, 22, "^=== (?<trace>.*) ===$") == 0);
      ++found;
    }
    CHECK(found >= 1);
  }
  const scratch tmp;
  const fs::path out = tmp / "two.log";
  const cli_result r = run_cli("export '" + example("twittor-execution3.log") + "' '" +
                               source_path("tests/data/shiviz/executions.log") + "' --to shiviz -o '" + out.string() + "'");
  REQUIRE(r.code == 0);
  // ^=== (.*) ===$ matched by hand (std::regex trips a false warning of GCC 12 under the sanitizers).
  std::ifstream in(out);
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);)
    if (line.size() >= 8 && line.starts_with("=== ") && line.ends_with(" ==="))
      names.push_back(line.substr(4, line.size() - 8));
  CHECK(names == std::vector<std::string>{"twittor-execution3.log", "run 1", "run 2"});
}

namespace {
// After the causality stage has seen each event: whether its ground truth equals the event's vector.
class truth_matches final : public event_observer {
 public:
  explicit truth_matches(const causality& truth) : truth_(&truth) {}
  void on_event(const event_record& e) override {
    const causality::row t = truth_->truth(e.process);
    const std::vector<std::uint32_t> v = dense_row(places_.vector_of(e));
    if (!std::equal(t.begin(), t.end(), v.begin(), v.end())) ++mismatches;
    ++events;
  }
  std::uint64_t events = 0, mismatches = 0;

 private:
  const causality* truth_;
  const stamp_index places_{logical_config{}};  // a log's run has the default clocks
};
}  // namespace

TEST_CASE("shiviz replay: the causality stage gives a message sent by a receive its edge") {
  // Chord's kv-node-60#168 receives from kv-node-40#226 and sends to kv-node-10#276. ShiViz's clocks
  // are exact, so the ground truth from process order and messages alone equals each event's clock,
  // the relayed knowledge of 40#226 at 10#276 included.
  causality truth;
  truth_matches check(truth);
  event_observer* observers[] = {&truth, &check};
  replay_shiviz_log(example("chord.log"), observers, {.one_execution = true});
  CHECK(check.events == 1235);
  CHECK(check.mismatches == 0);
}
