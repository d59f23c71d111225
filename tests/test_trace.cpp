// The trace format of FORMAT.md §11, read back line by line, with values worked out by hand.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hbsim/core/input_error.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<json> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("trace lines: header, send, receive, drop, fault") {
  scenario s = make_scenario({"A", "B", "C"});
  s.name = "trace \"quoted\"";
  s.seed = 42;
  s.processes[1].clock.offset = 2 * ms;
  cut_fault cut;
  cut.from = {0};
  cut.to = {2};
  s.faults.push_back({0, cut, "/faults/0"});
  s.script.push_back(at(0, 0, action_kind::send, "hi", {1, 2}));
  const scratch tmp;
  const fs::path path = tmp / "lines.jsonl";
  run_options o;
  o.trace_path = path.string();
  run_scenario(s, o);
  const auto lines = read_lines(path);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == json::parse(R"({"type":"header","format":"hbsim-trace/1","scenario":"trace \"quoted\"",
                                    "seed":42,"processes":["A","B","C"]})"));
  // The cut's mark comes first: faults at time 0 are scheduled before the script.
  CHECK(lines[1]["type"] == "fault");
  CHECK(lines[1]["fault"] == "cut");
  CHECK(lines[1]["heal"].is_null());
  // A's send: L 1, V {A:1} (zero entries left out), HLC (0, 1); messages 1 to B and 2 to C.
  CHECK(lines[2] == json::parse(R"({"type":"event","id":1,"process":"A","seq":1,"kind":"send","label":"hi",
      "time":0,"pt":0,"lamport":1,"vector":{"A":1},"hlc":[0,1],
      "messages":[{"id":1,"to":"B"},{"id":2,"to":"C"}]})"));
  // The cut drops message 2 when it is sent.
  CHECK(lines[3] == json::parse(R"({"type":"drop","message":2,"from":"A","to":"C","time":0,"reason":"partition"})"));
  // B receives at 1 ms; its clock is 2 ms ahead: pt 3 ms; HLC l = max(0, 0, 3 ms) = 3 ms, c 0.
  CHECK(lines[4] == json::parse(R"({"type":"event","id":2,"process":"B","seq":1,"kind":"receive","label":"hi",
      "time":1000000,"pt":3000000,"lamport":2,"vector":{"A":1,"B":1},"hlc":[3000000,0],
      "message":1,"from":"A","send":1})"));
}

TEST_CASE("same scenario and seed: byte-identical traces, another seed: a different one") {
  scenario s = make_scenario({"A", "B", "C", "D"});
  s.network.defaults.delay = distribution::lognormal(2 * ms, 0.5);
  s.network.defaults.loss = 0.05;
  s.network.defaults.duplicate = 0.05;
  s.processes[1].clock.drift_ppm = 75;
  s.processes[2].clock.sync = clock_sync{10 * ms, distribution::normal(0, 1 * ms)};
  s.generate.push_back(random_generator{200, 0.6, distribution::exponential(1 * ms)});
  const scratch tmp;
  const fs::path a = tmp / "a.jsonl", b = tmp / "b.jsonl", c = tmp / "c.jsonl";
  run_options o;
  o.trace_path = a.string();
  run_scenario(s, o);
  o.trace_path = b.string();
  run_scenario(s, o);
  o.trace_path = c.string();
  o.seed = 7;
  run_scenario(s, o);
  const std::string ta = read_file(a), tb = read_file(b), tc = read_file(c);
  CHECK(ta.size() > 10000);
  CHECK(ta == tb);
  CHECK(ta != tc);
}

TEST_CASE("a failed run leaves no trace file behind, and an existing file untouched") {
  scenario s = make_scenario({"A"});
  s.script.push_back(at(0, 0, action_kind::local, "same"));
  s.script.push_back(at(1, 0, action_kind::local, "same"));
  script_action after;
  after.process = 0;
  after.after = ref(0, "same");  // names two events: invalid input, found at the end of the run
  after.what = {action_kind::local, {}, false, "x"};
  s.script.push_back(after);
  const scratch tmp;
  const fs::path path = tmp.write("failed.jsonl", "previous content\n");
  run_options o;
  o.trace_path = path.string();
  CHECK_THROWS_AS(run_scenario(s, o), input_error);
  CHECK(read_file(path) == "previous content\n");
  bool stray = false;
  for (const auto& e : fs::directory_iterator(path.parent_path()))
    stray = stray || e.path().filename().string().rfind(path.filename().string() + ".tmp", 0) == 0;
  CHECK_FALSE(stray);
}

TEST_CASE("an unwritable trace path is invalid input") {
  scenario s = make_scenario({"A"});
  run_options o;
  o.trace_path = "/nonexistent-directory/trace.jsonl";
  CHECK_THROWS_AS(run_scenario(s, o), input_error);
}

TEST_CASE("JSON strings are escaped") {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01");
  CHECK(out == R"("a\"b\\c\u000a\u0001")");
  CHECK(json::parse(out) == "a\"b\\c\n\x01");
}

// The writer formats numbers and vectors itself (faster than std::to_chars): a trace whose numbers
// cross every length at which its formatting changes, read back and written again, byte for byte.
TEST_CASE("trace writer: numbers of every length, vectors with zeros and long names, written back unchanged") {
  const std::string text =
      R"({"type":"header","format":"hbsim-trace/1","scenario":"digits","seed":18446744073709551615,)"
      R"("processes":["A","B","C","D","E","F","G","H","I","J","a process with a long name"]})" "\n"
      R"({"type":"event","id":1,"process":"A","seq":1,"kind":"local","label":"x","time":0,"pt":-1,"lamport":9,)"
      R"("vector":{"A":1,"B":9,"C":10,"D":99,"E":100,"F":999,"G":1000,"H":9999,"I":10000,"J":99999999,)"
      R"("a process with a long name":100000000},"hlc":[-9223372036854775808,4294967295]})" "\n"
      R"({"type":"event","id":2,"process":"B","seq":1,"kind":"local","label":"y","time":12345678,)"
      R"("pt":-100000000,"lamport":9223372036854775807,"vector":{"C":4294967295,"a process with a long name":7},)"
      R"("hlc":[99999999,0]})" "\n"
      R"({"type":"event","id":3,"process":"C","seq":1,"kind":"local","label":"z","time":100000000,"pt":-99999999,)"
      R"("lamport":10000,"vector":{},"hlc":[0,1]})" "\n";
  const temp_file trace("digits.jsonl", text), again("digits-again.jsonl");
  trace_reader reader(trace.str());
  trace_writer w(again.str());
  event_observer* observers[] = {&w};
  reader.replay(observers);
  w.commit();
  CHECK(read_file(again.path) == text);
}
