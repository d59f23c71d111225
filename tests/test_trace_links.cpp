// The links between the records of a trace: a receive or reject names a message in flight to its
// process, its sender and its send event; a drop names a message in flight, its sender and its
// destination; each copy of a message is received or dropped once. A trace that breaks a link is
// invalid input, refused by the reader with its line and path, so that check, report, explain and
// export all refuse it alike (exit 2, file and line); and they read a byte order mark alike.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_fixture.hpp"
#include "temp_files.hpp"
#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "sim_fixture.hpp"
#include "trace_text.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string header = R"({"type":"header","format":"hbsim-trace/1","scenario":"links","seed":1,"processes":["A","B","C"]})";

// An event line in the writer's shape (the reader's fast path); `tail` is what its kind adds. The
// clocks are not the point here: only the links are.
std::string event(int id, const char* process, int seq, const char* kind, const std::string& tail = "") {
  const std::string n = std::to_string(id);
  return concat(R"({"type":"event","id":)", n, R"(,"process":")", process, R"(","seq":)", std::to_string(seq),
                R"(,"kind":")", kind, R"(","label":"x","time":)", n, R"(,"pt":)", n, R"(,"lamport":)", n,
                R"(,"vector":{},"hlc":[)", n, ",0]", tail, "}");
}
std::string sends(const std::string& messages) { return concat(R"(,"messages":[)", messages, "]"); }
std::string names(int message, const char* from, int send) {
  return concat(R"(,"message":)", std::to_string(message), R"(,"from":")", from, R"(","send":)", std::to_string(send));
}
std::string drop(int message, const char* from, const char* to, const std::string& tail = "") {
  return concat(R"({"type":"drop","message":)", std::to_string(message), R"(,"from":")", from, R"(","to":")", to,
                R"(","time":4,"reason":"loss")", tail, "}");  // lines are in time order: at or after the start's
}

// Lines 2 to 4, before each case's own: A sends message 1 to B (event 1), A's local event 2, C sends
// message 2 to A (event 3).
const std::vector<std::string> start = {
    event(1, "A", 1, "send", sends(R"({"id":1,"to":"B"})")),
    event(2, "A", 2, "local"),
    event(3, "C", 1, "send", sends(R"({"id":2,"to":"A"})")),
};
// Event 4: A sends message 3 to B, which the network duplicated.
const std::string duplicated = event(4, "A", 3, "send", sends(R"({"id":3,"to":"B","copies":2})"));

std::string trace_of(const std::vector<std::string>& lines) {
  std::string text = header + "\n";
  for (const std::string& l : start) text.append(l).append("\n");
  for (const std::string& l : lines) text.append(l).append("\n");
  return text;
}

// The same trace with each line's keys sorted, which the reader's fast path leaves to the slow one.
std::string sorted_keys(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) out.append(json::parse(line).dump()).append("\n");
  return out;
}

struct broken_link {
  std::string name;
  std::vector<std::string> lines;  // after `start`
  std::size_t line;                // of the error
  std::string path;
  std::string found;  // a part of what the error says was found
};

const std::vector<broken_link> broken_links = {
    {"a receive whose send is a local event", {event(4, "B", 1, "receive", names(1, "A", 2))}, 5, "/send", "2"},
    {"a receive whose send is another process's send", {event(4, "B", 1, "receive", names(1, "A", 3))}, 5, "/send", "3"},
    {"a receive naming another sender", {event(4, "B", 1, "receive", names(1, "C", 1))}, 5, "/from", "\"C\""},
    {"a receive of a message sent to another process", {event(4, "C", 2, "receive", names(1, "A", 1))}, 5, "/message",
     "message 1 (A to B, sent by event 1)"},
    {"a receive of a message never sent", {event(4, "B", 1, "receive", names(9, "A", 1))}, 5, "/message",
     "message 9, which is not in flight"},
    {"a receive before its send",
     {event(4, "B", 1, "receive", names(4, "C", 5)), event(5, "C", 2, "send", sends(R"({"id":4,"to":"B"})"))}, 5,
     "/message", "message 4, which is not in flight"},
    {"a message received twice",
     {event(4, "B", 1, "receive", names(1, "A", 1)), event(5, "B", 2, "receive", names(1, "A", 1))}, 6, "/message",
     "message 1, which is not in flight"},
    {"a duplicated message received three times",
     {duplicated, event(5, "B", 1, "receive", names(3, "A", 4)), event(6, "B", 2, "receive", names(3, "A", 4)),
      event(7, "B", 3, "receive", names(3, "A", 4))},
     8, "/message", "message 3, which is not in flight"},
    {"a receive after the message was rejected",
     {event(4, "B", 1, "reject", names(1, "A", 1)), event(5, "B", 2, "receive", names(1, "A", 1))}, 6, "/message",
     "not in flight"},
    {"a reject of a message sent to another process", {event(4, "C", 2, "reject", names(1, "A", 1))}, 5, "/message",
     "message 1 (A to B, sent by event 1)"},
    {"a drop of a message never sent", {drop(9, "A", "B")}, 5, "/message", "message 9, which is not in flight"},
    {"a drop of a message received already", {event(4, "B", 1, "receive", names(1, "A", 1)), drop(1, "A", "B")}, 6,
     "/message", "not in flight"},
    {"a drop naming another sender", {drop(1, "C", "B")}, 5, "/from", "\"C\""},
    {"a drop naming another destination", {drop(1, "A", "C")}, 5, "/to", "\"C\""},
    {"a drop of a duplicate the network never made", {drop(1, "A", "B", R"(,"duplicate":true)")}, 5, "/duplicate",
     "true"},
    {"a duplicate dropped twice",
     {duplicated, drop(3, "A", "B", R"(,"duplicate":true)"), drop(3, "A", "B", R"(,"duplicate":true)")}, 7,
     "/duplicate", "a second time"},
    {"an original copy dropped twice", {duplicated, drop(3, "A", "B"), drop(3, "A", "B")}, 7, "/message",
     "a second time"},
    {"a message id sent again while in flight", {event(4, "B", 1, "send", sends(R"({"id":1,"to":"C"})"))}, 5,
     "/messages/0/id", "message 1 (A to B, sent by event 1), still in flight"},
    {"one id twice in one send", {event(4, "B", 1, "send", sends(R"({"id":4,"to":"C"},{"id":4,"to":"A"})"))}, 5,
     "/messages/1/id", "still in flight"},
};

}  // namespace

TEST_CASE("trace links: a broken link is refused with its line and path, on both of the reader's paths, "
          "links made right are read") {
  for (const broken_link& c : broken_links) {
    for (const bool sorted : {false, true}) {
      INFO(c.name << (sorted ? ", keys sorted (slow path)" : ", as the writer writes (fast path)"));
      const std::string text = trace_of(c.lines);
      const input_error e = read_error(sorted ? sorted_keys(text) : text);
      CHECK(e.line() == c.line);
      CHECK(e.path() == c.path);
      CHECK(e.found().find(c.found) != std::string::npos);
      CHECK_FALSE(e.expected().empty());
      CHECK(e.file().find("broken.jsonl") != std::string::npos);
    }
  }
  // Made right: a duplicated message received twice; the duplicate's drop and a receive; the
  // original's drop and a reject (of the duplicate); both copies dropped.
  const std::vector<std::vector<std::string>> fine = {
      {duplicated, event(5, "B", 1, "receive", names(3, "A", 4)), event(6, "B", 2, "receive", names(3, "A", 4))},
      {duplicated, drop(3, "A", "B", R"(,"duplicate":true)"), event(5, "B", 1, "receive", names(3, "A", 4))},
      {duplicated, drop(3, "A", "B"), event(5, "B", 1, "reject", names(3, "A", 4))},
      {duplicated, drop(3, "A", "B", R"(,"duplicate":true)"), drop(3, "A", "B")},
      // A message neither received nor dropped (a trace cut short): nothing refers to it.
      {event(4, "B", 1, "local")},
      // An id is free again once every copy is done with: message 1 is received, then another message 1.
      {event(4, "B", 1, "receive", names(1, "A", 1)), event(5, "B", 2, "send", sends(R"({"id":1,"to":"C"})")),
       event(6, "C", 2, "receive", names(1, "B", 5))},
  };
  for (std::size_t i = 0; i < fine.size(); ++i) {
    INFO("case " << i);
    const recorder r = records_of(trace_of(fine[i]));
    CHECK(r.events.size() == 3 + std::count_if(fine[i].begin(), fine[i].end(),
                                               [](const std::string& l) { return l.starts_with(R"({"type":"event")"); }));
  }
  const recorder reused = records_of(trace_of(fine.back()));
  CHECK(reused.events.back().r.send_event == 5);
  CHECK(reused.events.back().r.from == 1);
}

TEST_CASE("trace links: what the messages say") {
  const input_error send = read_error(trace_of({event(4, "B", 1, "receive", names(1, "A", 2))}));
  CHECK(send.expected() == "1, the event that sent message 1 (A to B)");
  CHECK(send.found() == "2");
  const input_error to = read_error(trace_of({event(4, "C", 2, "receive", names(1, "A", 1))}));
  CHECK(to.expected() == "a message sent to C (the process of this receive)");
  const input_error twice =
      read_error(trace_of({event(4, "B", 1, "receive", names(1, "A", 1)), event(5, "B", 2, "receive", names(1, "A", 1))}));
  CHECK(twice.expected() ==
        "the id of a message in flight to B: sent by an earlier send, not yet received or dropped as often as it was sent");
  CHECK(twice.found() ==
        "message 1, which is not in flight: no earlier send sent it, or each copy was received or dropped already");
  const input_error from = read_error(trace_of({drop(1, "C", "B")}));
  CHECK(from.expected() == "\"A\", the sender of message 1 (A to B, sent by event 1)");
}

// ---- the commands ----

namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// What each command that reads an hbsim trace prints and exits with.
struct command {
  const char* name;
  std::string args(const std::string& trace, const std::string& out) const {
    const std::string name_ = name;
    if (name_ == "explain") return "explain " + quoted(trace) + " A#1 A#2";
    if (name_ == "export") return "export " + quoted(trace) + " --to json -o " + quoted(out);
    return name_ + " " + quoted(trace) + " --json";
  }
};
const command commands[] = {{"check"}, {"report"}, {"explain"}, {"export"}};

// What is compared between two runs of a command: its exit code and output, without the wall time.
std::string result_of(const command& c, const cli_result& r, const std::string& out) {
  std::string text = std::to_string(r.code) + "\n";
  if (std::string(c.name) == "export") return text + read_file(out);
  if (std::string(c.name) == "explain") return text + r.out;
  json j = json::parse(r.out);
  j.erase("wall_seconds");
  return text + j.dump();
}

}  // namespace

TEST_CASE("trace commands: check, report, explain and export refuse a broken link with exit 2, file and line") {
  const scratch tmp;
  const fs::path out = tmp / "export.json";
  for (const broken_link& c : broken_links) {
    const temp_file trace("cli.jsonl", trace_of(c.lines));
    const std::string where = trace.str() + ":" + std::to_string(c.line) + ": at " + c.path + ":";
    for (const command& cmd : commands) {
      INFO(c.name << ": hbsim " << cmd.name);
      const cli_result r = run_cli(cmd.args(trace.str(), out.string()));
      CHECK(r.code == 2);
      CHECK(r.err.find(where) != std::string::npos);
      CHECK_FALSE(fs::exists(out));
    }
  }
}

TEST_CASE("trace commands: check, report, explain and export read a byte order mark alike") {
  const temp_file scenario_trace("three.jsonl", "");
  REQUIRE(run_cli("run " + quoted(source_path("scenarios/three_clocks.json")) + " --trace " +
                  quoted(scenario_trace.str()))
              .code == 0);
  const std::string text = read_file(scenario_trace.path);
  const temp_file plain("plain.jsonl", text), marked("marked.jsonl", "\xEF\xBB\xBF" + text);
  // A mark anywhere else is an error on its line: here the fourth.
  const std::size_t third = text.find('\n', text.find('\n', text.find('\n') + 1) + 1);
  const temp_file misplaced("misplaced.jsonl", text.substr(0, third + 1) + "\xEF\xBB\xBF" + text.substr(third + 1));
  const scratch tmp;
  const fs::path out = tmp / "bom.json";
  for (const command& cmd : {command{"check"}, command{"report"}, command{"export"}}) {
    INFO("hbsim " << cmd.name);
    const cli_result a = run_cli(cmd.args(plain.str(), out.string()));
    const std::string without = result_of(cmd, a, out.string());
    const cli_result b = run_cli(cmd.args(marked.str(), out.string()));
    CHECK(b.code == 0);
    CHECK(result_of(cmd, b, out.string()) == without);
    fs::remove(out);
    const cli_result c = run_cli(cmd.args(misplaced.str(), out.string()));
    CHECK(c.code == 2);
    CHECK(c.err.find(misplaced.str() + ":4:") != std::string::npos);
    CHECK(c.err.find("byte order mark") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
  // explain, on events of the scenario.
  const std::string refs = " A:prepare C:relay";
  const cli_result a = run_cli("explain " + quoted(plain.str()) + refs);
  const cli_result b = run_cli("explain " + quoted(marked.str()) + refs);
  CHECK(a.code == 0);
  CHECK(b.code == 0);
  CHECK(b.out == a.out);
  const cli_result c = run_cli("explain " + quoted(misplaced.str()) + refs);
  CHECK(c.code == 2);
  CHECK(c.err.find(misplaced.str() + ":4:") != std::string::npos);
}
