// Reading and checking ShiViz/GoVector logs: ShiViz's own example logs (tests/data/shiviz/examples,
// see the README there) and corrupted copies of them, the small logs of tests/data/shiviz, each
// problem worked out by hand from the file, ShiViz's way of cutting a log into events, and
// malformed logs as input errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hbsim/core/input_error.hpp"
#include "hbsim/trace/shiviz_log.hpp"
#include "cli_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;
namespace fs = std::filesystem;

namespace {

std::string sample(const std::string& name) { return std::string(HBSIM_SOURCE_DIR) + "/tests/data/shiviz/" + name; }

shiviz_report check_sample(const std::string& name) { return check_shiviz_log(sample(name)); }

// A log written to a temporary file for the test's length.
temp_file log_file(const std::string& text) { return temp_file("shiviz.log", text); }

// A copy of a sample with `from` replaced by `to` on line `line` (which must hold it).
temp_file corrupted(const std::string& name, std::size_t line, const std::string& from, const std::string& to) {
  std::istringstream in(read_file(sample(name)));
  std::string out, text;
  for (std::size_t n = 1; std::getline(in, text); ++n) {
    if (n == line) {
      const auto at = text.find(from);
      REQUIRE(at != std::string::npos);
      text.replace(at, from.size(), to);
    }
    out.append(text).push_back('\n');
  }
  return log_file(out);
}

std::vector<shiviz_execution> read_all(const std::string& path) {
  std::vector<shiviz_execution> out;
  read_shiviz_log(path, {}, [&](const shiviz_execution& x) { out.push_back(x); });
  return out;
}

const shiviz_event& event_at_line(const shiviz_execution& x, std::size_t line) {
  const auto it = std::find_if(x.events.begin(), x.events.end(), [&](const shiviz_event& e) { return e.line == line; });
  REQUIRE(it != x.events.end());
  return *it;
}

std::uint32_t host_index(const shiviz_execution& x, const std::string& name) {
  const auto it = std::find(x.hosts.begin(), x.hosts.end(), name);
  REQUIRE(it != x.hosts.end());
  return static_cast<std::uint32_t>(it - x.hosts.begin());
}

std::size_t count(const shiviz_report& r, shiviz_rule rule) { return r.counts[static_cast<std::size_t>(rule)]; }

input_error log_error(const std::string& text) {
  const temp_file log = log_file(text);
  try {
    check_shiviz_log(log.str());
  } catch (const input_error& e) {
    return e;
  }
  FAIL("no input_error for " << text);
  return input_error("", "", "", "");
}

}  // namespace

TEST_CASE("shiviz: ShiViz's example logs pass, their events counted as ShiViz counts them") {
  // The counts are those of the lines `host {...}` in each file (grep -c '^\S* {.*}$').
  const shiviz_report chord = check_sample("examples/chord.log");
  CHECK(chord.ok());
  CHECK(chord.executions == 1);
  CHECK(chord.events == 1235);
  const shiviz_report records = check_sample("examples/recordsfs-execution3.log");
  CHECK(records.ok());
  CHECK(records.events == 6143);
  CHECK(records.skipped_lines == 0);
  const shiviz_report twittor = check_sample("examples/twittor-execution3.log");
  CHECK(twittor.ok());
  CHECK(twittor.events == 39);
}

TEST_CASE("shiviz: RecordsFS's descriptions of two lines are read whole") {
  // Lines 3961-3963: Miner1's event 1981, described by "INFO-" and the line after it.
  const auto x = read_all(sample("examples/recordsfs-execution3.log"));
  REQUIRE(x.size() == 1);
  const shiviz_event& e = event_at_line(x[0], 3961);
  CHECK(x[0].hosts[e.host] == "Miner1");
  CHECK(e.own == 1981);
  CHECK(e.description == "INFO-\nFile #0: [name = test123, 0 records]");
  CHECK(event_at_line(x[0], 3964).description == "Receiving Block");
}

TEST_CASE("shiviz: Chord's events out of file order are put in order by their own entry, as ShiViz does") {
  // kv-node-60 logs its event 26 at line 1827 before 25 at line 1829, and 137 at line 2049 before 136.
  const auto x = read_all(sample("examples/chord.log"));
  REQUIRE(x.size() == 1);
  const auto& mine = x[0].by_host[host_index(x[0], "kv-node-60")];
  REQUIRE(mine.size() >= 137);
  CHECK(x[0].events[mine[24]].line == 1829);
  CHECK(x[0].events[mine[25]].line == 1827);
  CHECK(x[0].events[mine[135]].line == 2051);
  CHECK(x[0].events[mine[136]].line == 2049);
  for (std::size_t k = 0; k < mine.size(); ++k) CHECK(x[0].events[mine[k]].own == k + 1);
}

TEST_CASE("shiviz: a corrupted example whose own entry skips is one problem") {
  // Chord's kv-node-60, whose events 25 and 26, 136 and 137 are out of file order: its last event
  // (line 2225) says 225 instead of 224. The three events that knew of 60's event 224 now name an
  // event the log lacks, which is part of the same gap.
  const temp_file log = corrupted("examples/chord.log", 2225, "\"kv-node-60\":224", "\"kv-node-60\":225");
  const shiviz_report r = check_shiviz_log(log.str());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].rule == shiviz_rule::own_entry);
  CHECK(r.problems[0].line == 2225);
  CHECK(r.problems[0].host == "kv-node-60");
  CHECK(r.problems[0].detail == "its own entry is 225, expected 224 (one more than at its previous event, line 2223)");
}

TEST_CASE("shiviz: a corrupted example whose own entry goes back is a repeat, then the entry missing") {
  // 7004's third event (line 39) says 2: 7004's events read 1, 2, 2, 4, 5, 6 in ShiViz's order.
  const temp_file log = corrupted("examples/twittor-execution3.log", 39, "\"10_0_0_82_7004\":3", "\"10_0_0_82_7004\":2");
  const shiviz_report r = check_shiviz_log(log.str());
  CHECK(count(r, shiviz_rule::own_entry) == 2);
  REQUIRE(r.problems.size() == 2);
  CHECK(r.problems[0].line == 39);
  CHECK(r.problems[0].detail == "its own entry is 2, expected 3 (one more than at its previous event, line 37)");
  CHECK(r.problems[1].line == 41);
  CHECK(r.problems[1].detail == "its own entry is 4, expected 3 (one more than at its previous event, line 39)");

  // Chord's kv-node-60, out of file order already: its event 25 (line 1829) says 24. In file order
  // the event of line 1827 (26) comes first, now after the two 24s.
  const temp_file chord = corrupted("examples/chord.log", 1829, "\"kv-node-60\":25", "\"kv-node-60\":24");
  const shiviz_report c = check_shiviz_log(chord.str());
  REQUIRE(c.problems.size() == 2);
  CHECK(c.problems[0].line == 1827);
  CHECK(c.problems[0].host == "kv-node-60");
  CHECK(c.problems[0].detail == "its own entry is 26, expected 25 (one more than at its previous event, line 1829)");
  CHECK(c.problems[1].line == 1829);
  CHECK(c.problems[1].detail == "its own entry is 24, expected 25 (one more than at its previous event, line 1825)");
}

TEST_CASE("shiviz: a corrupted example whose merge is impossible") {
  // 61750_host's event 5 (line 55) learns of 7000's, 7002's and 7004's fourth events, which all knew
  // the client library's event 3, but now says the client library's 2.
  const std::string client = "\"clientlib_10_0_0_82_64000_pid_61928\"";
  const temp_file log = corrupted("examples/twittor-execution3.log", 55, client + ":3", client + ":2");
  const shiviz_report r = check_shiviz_log(log.str());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].rule == shiviz_rule::merge);
  CHECK(r.problems[0].line == 55);
  CHECK(r.problems[0].host == "61750_host");
  CHECK(r.problems[0].detail ==
        "it knows 10_0_0_82_7000#4 (line 7), but not all 10_0_0_82_7000#4 knew: entry "
        "clientlib_10_0_0_82_64000_pid_61928 is 2 here and 3 there (and 2 more such entries)");
}

TEST_CASE("shiviz: two events that each know the other") {
  const temp_file log = log_file("A {\"A\":1, \"B\":1}\na\nB {\"A\":1, \"B\":1}\nb\n");
  const shiviz_report r = check_shiviz_log(log.str());
  CHECK(count(r, shiviz_rule::merge) == 2);
  REQUIRE(r.problems.size() == 2);
  CHECK(r.problems[0].line == 1);
  CHECK(r.problems[0].detail ==
        "it knows B#1 (line 3), which already knows it: B#1's entry A is 1, this event's own entry 1");
  CHECK(r.problems[1].line == 3);
  CHECK(r.problems[1].detail ==
        "it knows A#1 (line 1), which already knows it: A#1's entry B is 1, this event's own entry 1");
}

TEST_CASE("shiviz: sound logs pass") {
  const shiviz_report one = check_sample("client_server.log");
  CHECK(one.ok());
  CHECK(one.executions == 1);
  CHECK(one.events == 6);
  CHECK(one.counts == std::array<std::uint64_t, shiviz_rule_count>{});

  // Two executions; in the second, A's clock names C's event before C's lines come in the file.
  const shiviz_report two = check_sample("executions.log");
  CHECK(two.ok());
  CHECK(two.executions == 2);
  CHECK(two.events == 9);
}

TEST_CASE("shiviz: an own entry that does not start at 1") {
  const shiviz_report r = check_sample("own_entry_start.log");
  CHECK(r.events == 4);
  REQUIRE(r.problems.size() == 2);
  CHECK(count(r, shiviz_rule::own_entry) == 2);
  // B's receive does not count itself: B's entry is absent, so 0.
  CHECK(r.problems[0].rule == shiviz_rule::own_entry);
  CHECK(r.problems[0].line == 3);
  CHECK(r.problems[0].host == "B");
  CHECK(r.problems[0].execution.empty());
  CHECK(r.problems[0].detail == "its own entry is 0, expected 1 at its first event");
  // C starts at 2; its next event (3) then rises by one, which is sound.
  CHECK(r.problems[1].line == 5);
  CHECK(r.problems[1].host == "C");
  CHECK(r.problems[1].detail == "its own entry is 2, expected 1 at its first event");
}

TEST_CASE("shiviz: a gap in a host's own entry is one problem, and so is a repeat") {
  const shiviz_report r = check_sample("own_entry_gap.log");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].rule == shiviz_rule::own_entry);
  CHECK(r.problems[0].line == 7);
  CHECK(r.problems[0].host == "A");
  CHECK(r.problems[0].detail == "its own entry is 4, expected 3 (one more than at its previous event, line 3)");

  const temp_file gap = log_file("A {\"A\":1}\n1\nA {\"A\":2}\n2\nA {\"A\":5}\n5\nA {\"A\":6}\n6\nA {\"A\":7}\n7\n");
  const shiviz_report g = check_shiviz_log(gap.str());
  REQUIRE(g.problems.size() == 1);
  CHECK(g.problems[0].line == 5);
  CHECK(g.problems[0].detail == "its own entry is 5, expected 3 (one more than at its previous event, line 3)");

  const temp_file repeat = log_file("A {\"A\":1}\n1\nA {\"A\":2}\n2\nA {\"A\":2}\n2 again\nA {\"A\":3}\n3\n");
  const shiviz_report d = check_shiviz_log(repeat.str());
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0].line == 5);
  CHECK(d.problems[0].detail == "its own entry is 2, expected 3 (one more than at its previous event, line 3)");
}

TEST_CASE("shiviz: a clock that claims events the log does not have") {
  const shiviz_report r = check_sample("known_events.log");
  CHECK(r.executions == 1);
  CHECK(r.events == 3);
  REQUIRE(r.problems.size() == 2);
  CHECK(count(r, shiviz_rule::known_events) == 2);
  CHECK(r.problems[0].rule == shiviz_rule::known_events);
  CHECK(r.problems[0].execution == "phantom");
  CHECK(r.problems[0].line == 4);
  CHECK(r.problems[0].host == "B");
  CHECK(r.problems[0].detail == "its clock says A has had 2 events, but A has 1 event in this execution");
  // A:2 again is the same claim, not a new one; C rises, and C has no event at all.
  CHECK(r.problems[1].line == 6);
  CHECK(r.problems[1].detail == "its clock says C has had 1 event, but C has no event in this execution");
}

TEST_CASE("shiviz: an entry that decreases along a host") {
  const shiviz_report r = check_sample("monotonic.log");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].rule == shiviz_rule::monotonic);
  CHECK(r.problems[0].line == 7);
  CHECK(r.problems[0].host == "B");
  CHECK(r.problems[0].detail == "entry A fell from 2 (line 5) to 1");
}

TEST_CASE("shiviz: a host named in a clock with no events, executions checked apart") {
  // Each execution on its own: B's events in the first do not count in the second, and A's own
  // entry starts again at 1. The third execution is blank, so there is none.
  const temp_file log = log_file(
      "=== one ===\nB {\"B\":1}\nb\nA {\"A\":1, \"B\":1}\na\n"
      "=== two ===\nA {\"A\":1, \"B\":1}\na again\n=== three ===\n");
  const shiviz_report r = check_shiviz_log(log.str());
  CHECK(r.executions == 2);
  CHECK(r.events == 3);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].rule == shiviz_rule::known_events);
  CHECK(r.problems[0].execution == "two");
  CHECK(r.problems[0].line == 7);
  CHECK(r.problems[0].detail == "its clock says B has had 1 event, but B has no event in this execution");
}

TEST_CASE("shiviz: many problems are counted, a few kept") {
  std::string text;
  for (int i = 1; i <= 1000; ++i) text += "A {\"A\":" + std::to_string(2 * i) + "}\nevery event skips one\n";
  const temp_file log = log_file(text);
  const shiviz_report r = check_shiviz_log(log.str());
  // Each event expects one more than the previous own entry: 2 vs 1, 4 vs 3, ...: 1000 problems.
  CHECK(count(r, shiviz_rule::own_entry) == 1000);
  REQUIRE(r.problems.size() == shiviz_report::kept_per_rule);
  CHECK(r.problems.back().line == 2 * shiviz_report::kept_per_rule - 1);
}

TEST_CASE("shiviz: the line after an event line is its description, whatever it holds") {
  const auto x = read_all(log_file("A {\"A\":1}\nB {\"B\":1}\nA {\"A\":2}\ntwo\n").str());
  REQUIRE(x.size() == 1);
  REQUIRE(x[0].events.size() == 2);
  CHECK(x[0].events[0].description == "B {\"B\":1}");
  CHECK(x[0].events[1].description == "two");
  CHECK(x[0].hosts == std::vector<std::string>{"A"});
}

TEST_CASE("shiviz: lines before the first event are skipped, later ones continue a description") {
  const auto x = read_all(log_file(
                              "written by GoVector\n"  // 1: skipped, as ShiViz skips it
                              "A {\"A\":1}\nINFO-\nFile #0\n\n"  // 2-5: a description of two lines, a blank line
                              "A {\"A\":2}\n\n"  // 6-7: described by a blank line
                              "B {\"A\":2, \"B\":1}\nreceived\n")
                              .str());
  REQUIRE(x.size() == 1);
  CHECK(x[0].skipped_lines == 1);
  REQUIRE(x[0].events.size() == 3);
  CHECK(x[0].events[0].description == "INFO-\nFile #0");
  CHECK(x[0].events[1].line == 6);
  CHECK(x[0].events[1].description.empty());
  CHECK(x[0].events[2].description == "received");
  CHECK(check_shiviz_log(log_file("# a header\nA {\"A\":1}\na\n").str()).skipped_lines == 1);
}

TEST_CASE("shiviz: delimiters cut the log first, a blank execution is dropped with its name") {
  const auto x = read_all(log_file("=== one ===\nA {\"A\":1}\n=== two ===\nA {\"A\":1}\na\n=== three ===\n\n"
                                   "=== two again ===\n\n=== three ===\nB {\"B\":1}\nb\n")
                              .str());
  REQUIRE(x.size() == 3);
  CHECK(x[0].name == "one");
  CHECK(x[0].line == 1);
  REQUIRE(x[0].events.size() == 1);
  CHECK(x[0].events[0].description.empty());  // a delimiter follows its event line
  CHECK(x[1].name == "two");
  CHECK(x[1].line == 3);
  CHECK(x[2].name == "three");  // the first "three" was blank: its name is free
  CHECK(x[2].line == 10);
}

TEST_CASE("shiviz: hosts, clocks and an event line ending the log, as ShiViz reads them") {
  // The host is the word before the clock, whatever precedes it; a clock with \" for " (TLA+'s
  // logs) is read as ShiViz reads it; zero entries count for nothing.
  const auto x = read_all(log_file("12:00:01.5 node-1 {\"node-1\":1, \"idle\":0}\nstart\n"
                                   "node-2 {\\\"node-2\\\":1}\nescaped\n")
                              .str());
  REQUIRE(x.size() == 1);
  CHECK(x[0].hosts == std::vector<std::string>{"node-1", "node-2"});
  CHECK(x[0].events[0].own == 1);
  CHECK(x[0].clock(x[0].events[0]).size() == 1);
  CHECK(x[0].events[1].own == 1);

  // Any JSON reads alike: spaces, escapes, a value too long for the plain reading.
  const auto y = read_all(log_file("A { \"A\" : 1 ,\"B\":2 }\na\nB {\"\\u0042\":2}\nb\nB {\"B\":1}\nb1\n"
                                   "C {\"C\":18446744073709551615}\nc\n")
                              .str());
  REQUIRE(y.size() == 1);
  CHECK(y[0].hosts == std::vector<std::string>{"A", "B", "C"});
  CHECK(y[0].entry_of(y[0].events[0], 1) == 2);
  CHECK(y[0].events[1].own == 2);
  CHECK(y[0].events[3].own == 18446744073709551615u);

  // ShiViz trims the log: an event line followed by blank lines only is not read.
  const shiviz_report r = check_shiviz_log(log_file("A {\"A\":1}\none\nA {\"A\":2}\n\n\n").str());
  CHECK(r.ok());
  CHECK(r.events == 1);
  CHECK(r.dropped_line == 3);
  // ... and an event that knew of it claims an event the log lacks.
  const temp_file knew = log_file("A {\"A\":1}\none\nB {\"A\":2, \"B\":1}\nb\nA {\"A\":2}");
  const shiviz_report claim = check_shiviz_log(knew.str());
  REQUIRE(claim.problems.size() == 1);
  CHECK(claim.problems[0].detail == "its clock says A has had 2 events, but A has 1 event in this execution");
}

TEST_CASE("shiviz: malformed logs are input errors with their line") {
  struct bad {
    std::string name, text;
    std::size_t line;
    std::string path;
    std::string found;
  };
  const std::vector<bad> cases = {
      {"not JSON", "A {\"A\":1,}\nx\n", 1, "", ""},
      {"a negative entry", "A {\"A\":1}\nx\nB {\"B\":-1}\ny\n", 3, "/B", "-1"},
      {"a fractional entry", "A {\"A\":1.5}\nx\n", 1, "/A", "1.5"},
      {"a string entry", "A {\"A\":\"1\"}\nx\n", 1, "/A", "\"1\""},
      {"a duplicate host in a clock", "A {\"A\":1, \"A\":2}\nx\n", 1, "/A", "a second time"},
      {"a duplicate host, once 0", "A {\"A\":0, \"A\":1}\nx\n", 1, "/A", "a second time"},
      {"an entry beyond 64 bits", "A {\"A\":18446744073709551616}\nx\n", 1, "/A", "a number"},
      {"no event line", "A [1]\nx\n", 0, "", "2 lines without one"},
      {"an execution without events", "=== a ===\nhello\n=== b ===\nA {\"A\":1}\nx\n", 1, "", "1 line without one"},
      {"only an event line at the end", "=== a ===\nA {\"A\":1}\n", 1, "", "only the one that ends the log, line 2"},
      {"an execution name used twice", "=== a ===\nA {\"A\":1}\nx\n=== a ===\nA {\"A\":1}\nx\n", 4, "",
       "\"a\", the name of the execution of line 1"},
      {"an empty file", "", 0, "", "an empty file"},
      {"blank lines", "\n  \n", 0, "", "no event line"},
  };
  for (const bad& c : cases) {
    INFO(c.name);
    const input_error e = log_error(c.text);
    CHECK(e.line() == c.line);
    CHECK(e.path() == c.path);
    CHECK_FALSE(e.expected().empty());
    CHECK(e.found().find(c.found) != std::string::npos);
  }
  // A syntax error's column counts from the start of the line, not of the clock.
  const input_error syntax = log_error("host {\"host\":}\nx\n");
  CHECK(syntax.column() == 14);
}

TEST_CASE("shiviz: through a pipe, read once: an hbsim trace is checked, a ShiViz log needs --format shiviz") {
  // A pipe cannot be read twice, so its format is not detected: it is read as an hbsim trace, and a
  // ShiViz log is said to be one, with the way to read it.
  scratch tmp;
  const std::string trace = tmp / "three.jsonl";
  REQUIRE(run_cli("run '" + std::string(HBSIM_SOURCE_DIR) + "/scenarios/three_clocks.json' --trace '" + trace + "'").code == 0);
  const auto piped = [](const std::string& file, const std::string& args) {
    return run_cli(args + " /dev/fd/3 3<&0", HBSIM_BINARY, "cat '" + file + "' | ");
  };
  const cli_result hbsim_trace = piped(trace, "check");
  CHECK(hbsim_trace.code == 0);
  CHECK(hbsim_trace.out.find("10 events, re-judged from the file alone") != std::string::npos);
  const cli_result log = piped(sample("client_server.log"), "check");
  CHECK(log.code == 2);
  CHECK(log.err.find("found a ShiViz/GoVector log") != std::string::npos);
  CHECK(log.err.find("through a pipe, hbsim check --format shiviz") != std::string::npos);
  CHECK(piped(sample("client_server.log"), "check --format shiviz").code == 0);
  CHECK(piped(sample("client_server.log"), "export --to json").err.find("found a ShiViz/GoVector log") != std::string::npos);
  // A scenario where a trace goes is said to be one.
  const cli_result scenario = run_cli("report '" + std::string(HBSIM_SOURCE_DIR) + "/scenarios/three_clocks.json'");
  CHECK(scenario.code == 2);
  CHECK(scenario.err.find("found a JSON document spread over lines, whose first line is `{` (a scenario?") !=
        std::string::npos);
}
