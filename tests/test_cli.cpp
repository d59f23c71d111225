// The command line: subcommands, exit codes, --json, --variant, the schema.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "hbsim/run/memory_estimate.hpp"
#include "temp_files.hpp"

using namespace hbsim::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
// A two-process scenario with one expectation.
const char* ping = R"({
  "name": "ping",
  "description": "A pings B once",
  "processes": ["A", "B"],
  "script": [{"at": "0ms", "process": "A", "do": "send", "to": "B", "label": "ping"}],
  "expect": [{"event": "B:ping", "lamport": LAMPORT, "note": "max(0, 1) + 1 = 2"}]
})";

std::string with_lamport(int l) {
  const std::string_view text = ping;
  const std::size_t at = text.find("LAMPORT");
  return std::string(text.substr(0, at)).append(std::to_string(l)).append(text.substr(at + 7));
}
}  // namespace

TEST_CASE("run: 0 when every expectation holds, 1 when one does not") {
  const temp_file good("good.json", with_lamport(2));
  const temp_file bad("bad.json", with_lamport(3));
  const cli_result ok = run_cli("run '" + good.str() + "'");
  CHECK(ok.code == 0);
  CHECK(ok.out.find("1 met, 0 unmet") != std::string::npos);
  const cli_result fail = run_cli("run '" + bad.str() + "'");
  CHECK(fail.code == 1);
  CHECK(fail.out.find("FAIL") != std::string::npos);
}

TEST_CASE("run --json prints one object with the fields FORMAT.md names") {
  const temp_file good("json.json", with_lamport(2));
  const cli_result r = run_cli("run --json '" + good.str() + "'");
  CHECK(r.code == 0);
  const json j = json::parse(r.out);
  CHECK(j["ok"] == true);
  CHECK(j["events"] == 2);
  CHECK(j["messages"]["sent"] == 1);
  CHECK(j["messages"]["delivered"] == 1);
  CHECK(j["messages"]["dropped"]["loss"] == 0);
  CHECK(j["violations"].is_array());
  REQUIRE(j["expectations"].size() == 1);
  CHECK(j["expectations"][0]["ok"] == true);
  CHECK(j["expectations"][0]["found"]["lamport"] == 2);
  CHECK(j["wall_seconds"].is_number());
  // B receives at t = 1ms (the default delay) on an exact clock: l = max(0, 0, pt = 1ms) = 1ms, which
  // passes the l before, so c = 0. The duration as an expectation writes it, and in nanoseconds.
  CHECK(j["final_clocks"]["B"]["hlc"] == json{{"l", "1ms"}, {"l_ns", 1000000}, {"c", 0}});
}

TEST_CASE("run --one-thread and --judge-thread give the same summary, and exclude each other") {
  const temp_file good("threads.json", with_lamport(2));
  const auto without_wall = [](std::string text) {
    json j = json::parse(text);
    j.erase("wall_seconds");
    j.erase("events_per_second");
    return j;
  };
  const cli_result one = run_cli("run --json --one-thread '" + good.str() + "'");
  const cli_result two = run_cli("run --json --judge-thread '" + good.str() + "'");
  CHECK(one.code == 0);
  CHECK(two.code == 0);
  CHECK(without_wall(one.out) == without_wall(two.out));
  const cli_result both = run_cli("run --one-thread --judge-thread '" + good.str() + "'");
  CHECK(both.code == 2);
  CHECK(both.err.find("excludes") != std::string::npos);
  // Lamport + HLC: by default the judges stay on the run's thread and the trace is hashed on a thread of its
  // own (given a second CPU), a megabyte at a time: about 8 MB here, so the pieces must keep their order.
  const std::string phold = "run --json '" + source_path("scenarios/phold_many.json") +
                            "' --set /processes/count=64 --set /generate/messages=20000 --set '/expect=[]'";
  const cli_result hashed = run_cli(phold);
  const cli_result alone = run_cli(phold + " --one-thread");
  CHECK(hashed.code == 0);
  CHECK(without_wall(hashed.out) == without_wall(alone.out));
  CHECK(json::parse(hashed.out)["events"] == 40000);
}

TEST_CASE("run --variant changes a clock, a wrong one is invalid input") {
  const temp_file good("variant.json", with_lamport(2));
  // ignore-message: B's receive does 0 + 1 = 1, so the expectation of 2 fails.
  CHECK(run_cli("run --variant lamport=ignore-message '" + good.str() + "'").code == 1);
  const cli_result wrong = run_cli("run --variant lamport=nonsense '" + good.str() + "'");
  CHECK(wrong.code == 2);
  CHECK(wrong.err.find("no-tick-local") != std::string::npos);  // the valid names are listed
  // The mistake is on the command line: the option is named, not a path of the file, which has no /logical.
  CHECK(wrong.err.find("hbsim: --variant lamport=nonsense: expected a lamport variant") != std::string::npos);
  CHECK(wrong.err.find("/logical") == std::string::npos);
  const cli_result typo = run_cli("run --variant lamport=no_tick_local '" + good.str() + "'");
  CHECK(typo.err.find("(did you mean \"no-tick-local\"?)") != std::string::npos);
  CHECK(run_cli("run --variant clock=x '" + good.str() + "'").code == 2);
}

TEST_CASE("the summary shows the first three witnesses of a violated invariant, numbered") {
  // no-tick-local: the three local events (A's prepare, B's draft, C's idle, each its process's first) keep
  // L = 0 where the rule gives 0 + 1 = 1; the sends and receives tick as they should.
  const cli_result r = run_cli("run --variant lamport=no-tick-local '" + source_path("scenarios/three_clocks.json") + "'");
  CHECK(r.code == 1);
  CHECK(r.out.find("  VIOLATED  lamport.rule: 3 violations; the first 3:\n   1. b: A#1 local \"prepare\"") !=
        std::string::npos);
  CHECK(r.out.find("   2. b: B#1 local \"draft\"") != std::string::npos);
  CHECK(r.out.find("   3. b: C#1 local \"idle\"") != std::string::npos);
  CHECK(r.out.find("      rule: L = 0, the canonical rule gives L' + 1 = 0 + 1 = 1\n") != std::string::npos);
}

TEST_CASE("run --seed, --trace FILE") {
  const temp_file good("trace.json", with_lamport(2));
  const scratch tmp;
  const fs::path trace = tmp / "trace.jsonl";
  CHECK(run_cli("run --seed 9 --trace '" + trace.string() + "' '" + good.str() + "'").code == 0);
  const std::string t = read_file(trace);
  CHECK(json::parse(t.substr(0, t.find('\n')))["seed"] == 9);
}

TEST_CASE("run refuses an export's selection without an export, which it would ignore") {
  const temp_file good("selection.json", with_lamport(2));
  for (const char* option : {"--clocks lamport", "--from 1ms", "--until 2ms", "--processes A"}) {
    CAPTURE(option);
    const cli_result r = run_cli(std::string("run ").append(option).append(" '").append(good.str()).append("'"));
    CHECK(r.code == 2);
    const std::string name = std::string(option).substr(0, std::string(option).find(' '));
    CHECK(r.err == "hbsim: " + name + ": expected an --export FORMAT=FILE, whose events it selects or labels, found no --export\n");
    CHECK(r.out.empty());
  }
  const scratch tmp;
  CHECK(run_cli("run --clocks lamport --export dot='" + (tmp / "g.dot") + "' '" + good.str() + "'").code == 0);
  // "all" among other names: said to stand alone, not taken for a misspelt clock.
  const cli_result all = run_cli("run --clocks all,lamport --export dot='" + (tmp / "g.dot") + "' '" + good.str() + "'");
  CHECK(all.code == 2);
  CHECK(all.err.find(R"(found "all" ("all" stands alone: it names them all))") != std::string::npos);
}

TEST_CASE("invalid input exits 2 naming the file, usage errors exit 2") {
  const temp_file bad("invalid.json", R"({"name": "x", "processes": ["A"], "until": 5})");
  const cli_result r = run_cli("run '" + bad.str() + "'");
  CHECK(r.code == 2);
  CHECK(r.err.find(bad.str()) != std::string::npos);
  CHECK(r.err.find("/until") != std::string::npos);
  CHECK(run_cli("run /nonexistent/scenario.json").code == 2);
  const cli_result unknown = run_cli("frobnicate");
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("hbsim: unknown command \"frobnicate\": expected one of run, sweep, validate") !=
        std::string::npos);
  CHECK(run_cli("run").code == 2);
}

TEST_CASE("with --json, an error is also one JSON object on stdout, with the input error's parts") {
  const temp_file bad("invalid_delay.json", R"({"name": "x", "processes": ["A"],
"network": {"delay": "5xs"}})");
  const cli_result r = run_cli("run --json '" + bad.str() + "'");
  CHECK(r.code == 2);
  CHECK(r.err.find("/network/delay") != std::string::npos);  // said on stderr as without --json
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["ok"] == false);
  CHECK(j["exit"] == 2);
  CHECK(j["error"]["file"] == bad.str());
  CHECK(j["error"]["path"] == "/network/delay");
  CHECK(j["error"]["found"] == "the string \"5xs\"");
  CHECK(j["error"]["line"].is_null());
  CHECK(j["error"]["message"].get<std::string>().find("expected a duration string") != std::string::npos);
  // A syntax error has its line and column.
  const temp_file broken("broken.json", "{\"name\": \"x\",\n  \"seed\": 1,, }\n");
  const auto c = nlohmann::json::parse(run_cli("run --json '" + broken.str() + "'").out);
  CHECK(c["exit"] == 2);
  CHECK(c["error"]["line"] == 2);
  CHECK(c["error"]["column"] == 13);
  // A trace that check refuses.
  const temp_file trace("not_a_trace.jsonl", "hello\n");
  const cli_result t = run_cli("check --json '" + trace.str() + "'");
  CHECK(t.code == 2);
  CHECK(nlohmann::json::parse(t.out)["error"]["line"] == 1);
  // A usage error: its message.
  const cli_result usage = run_cli("report --json");
  CHECK(usage.code == 2);
  CHECK(nlohmann::json::parse(usage.out)["error"]["message"].get<std::string>().find("required") != std::string::npos);
  // Without --json, stdout stays empty; --help is not an error.
  CHECK(run_cli("run '" + bad.str() + "'").out.empty());
  CHECK(run_cli("run --json --help").code == 0);
  // An unknown command.
  const cli_result unknown = run_cli("rnu --json x");
  CHECK(unknown.code == 2);
  CHECK(nlohmann::json::parse(unknown.out)["error"]["message"].get<std::string>().find("unknown command \"rnu\"") !=
        std::string::npos);
  // --json before the command: the unknown command is still named, and an option before a known one is
  // sent where it belongs.
  const cli_result before = run_cli("--json frob");
  CHECK(before.code == 2);
  CHECK(nlohmann::json::parse(before.out)["error"]["message"].get<std::string>().find("unknown command \"frob\"") !=
        std::string::npos);
  const cli_result misplaced = run_cli("--json check x.jsonl");
  CHECK(misplaced.code == 2);
  CHECK(misplaced.err == "hbsim: --json goes after the command: hbsim check ... --json (see hbsim check --help)\n");
  CHECK(run_cli("--help run").code == 0);
  // A path that is not UTF-8 cannot stop the object from being written: its byte is replaced.
  const cli_result latin1 = run_cli("run --json \"$(printf '/nonexistent/caf\\351.json')\"");
  CHECK(latin1.code == 2);
  CHECK(nlohmann::json::parse(latin1.out)["error"]["file"] == "/nonexistent/caf\xef\xbf\xbd.json");
  // A --set that is not UTF-8 is refused as input (it would go into JSON), not an internal error.
  const cli_result not_utf8 = run_cli("run '" + source_path("scenarios/three_clocks.json") +
                                      "' --set \"$(printf '/name=x\\351')\"");
  CHECK(not_utf8.code == 2);
  CHECK(not_utf8.err.find("expected PATH=VALUE in UTF-8 text") != std::string::npos);
  // A scenario whose path is not UTF-8: a failing sweep's command lines, in --json, carry U+FFFD for its byte.
  const temp_file odd("caf\xe9.json", R"({"name": "x", "processes": ["A", "B"],
"script": [{"at": "0ms", "process": "A", "do": "send", "to": "B", "label": "ping"}],
"expect": [{"event": "B:ping", "lamport": 2}]})");
  const cli_result sweep = run_cli("sweep --json '" + odd.str() + "' --seeds 1..2 --set /expect/0/lamport=3");
  CHECK(sweep.code == 1);
  const auto failures = nlohmann::json::parse(sweep.out)["failures"];
  REQUIRE(failures.size() == 1);
  CHECK(failures[0]["first"].get<std::string>().find("caf\xef\xbf\xbd.json") != std::string::npos);
  // A rank after the first of an MPI job prints nothing there: rank 0 speaks for the job.
  const cli_result rank = run_cli("run --json '" + bad.str() + "'", HBSIM_BINARY, "OMPI_COMM_WORLD_RANK=1 ");
  CHECK(rank.code == 2);
  CHECK(rank.out.empty());
}

TEST_CASE("validate of scenarios/*.json passes over the JSON Schema beside the scenarios, and counts in words") {
  const cli_result r =
      run_cli("validate '" + source_path("scenarios/schema.json") + "' '" + source_path("scenarios/three_clocks.json") + "'");
  CHECK(r.code == 0);
  CHECK(r.out.find("skip " + source_path("scenarios/schema.json") + ": a JSON Schema") != std::string::npos);
  // three_clocks: 3 processes, 5 scripted actions, 1 rule (singular), no generator or fault, 10 expectations.
  CHECK(r.out.find("\"three-clocks\", 3 processes, 5 scripted actions, 1 rule, 0 generators, 0 faults, 10 expectations") !=
        std::string::npos);
  const temp_file bad("bad.json", R"({"name": "x", "processes": ["a"], "$schemas": 1})");
  CHECK(run_cli("validate '" + bad.str() + "'").code == 2);  // not a schema: an unknown field
}

TEST_CASE("validate says what a run of the file would take in memory, and when it cannot fit here") {
  const temp_file big("vectors_100k.json", R"({"name": "big", "processes": {"count": 100000},
    "logical": {"vector": {"representation": "dense"}}})");
  const cli_result r = run_cli("validate '" + big.str() + "'");
  CHECK(r.code == 0);  // a valid file: a larger machine may run it
  // 16 MiB, 100,000 processes of 750 bytes and four rows of 100,000 4-byte counters (160.08 GB), and
  // 2^24 / 100,000 = 167 messages in flight with two rows each (0.13 GB): 160.23 GB, 149 GiB.
  CHECK(r.out.find("100000 processes") != std::string::npos);
  CHECK(r.out.find("a run's memory estimated at 149 GiB") != std::string::npos);
  if (const auto available = hbsim::available_memory(); available && *available < (std::uint64_t{149} << 30)) {
    CHECK(r.out.find("available here: hbsim run refuses it") != std::string::npos);
    // A sweep checks its runs once, before any starts, and refuses them all alike.
    const cli_result sweep = run_cli("sweep '" + big.str() + "' --seeds 1..3");
    CHECK(sweep.code == 2);
    CHECK(sweep.err.find("expected a run that fits in the memory available") != std::string::npos);
  }
  // Sparse rows, the default beyond 4,096 processes: 16 MiB; 100,000 processes of 750 bytes, four
  // sparse rows of 64 bytes as they start and 48 bytes of buffers (105.4 MB); 167 messages in flight,
  // two rows of 64 bytes each: 122,198,592 bytes, 117 MiB. Full, they would be the dense 149 GiB.
  const temp_file sparse("sparse_100k.json", R"({"name": "big", "processes": {"count": 100000}})");
  const cli_result v = run_cli("validate '" + sparse.str() + "'");
  CHECK(v.code == 0);
  CHECK(v.out.find("a run's memory estimated at 117 MiB as its sparse vectors start, up to 149 GiB if they fill up") !=
        std::string::npos);
  if (const auto available = hbsim::available_memory(); available && *available < (std::uint64_t{149} << 30))
    CHECK(v.out.find("available here: hbsim run stops it (exit 2) if it grows past that") != std::string::npos);
}

TEST_CASE("validate checks every file and exits 2 if any is bad") {
  const temp_file good("v-good.json", with_lamport(2));
  const temp_file bad("v-bad.json", R"({"name": "x"})");
  CHECK(run_cli("validate '" + good.str() + "'").code == 0);
  const cli_result r = run_cli("validate '" + good.str() + "' '" + bad.str() + "'");
  CHECK(r.code == 2);
  CHECK(r.out.find("ok  " + good.str()) != std::string::npos);
  CHECK(r.err.find("processes") != std::string::npos);
}

TEST_CASE("schema prints scenarios/schema.json") {
  const cli_result r = run_cli("schema");
  CHECK(r.code == 0);
  CHECK(json::parse(r.out) == json::parse(read_file(source_path("scenarios/schema.json"))));
}

TEST_CASE("check re-judges a trace from the file alone: 0 when sound, 1 when edited, 2 when malformed") {
  const temp_file good("check.json", with_lamport(2));
  const scratch tmp;
  const fs::path trace = tmp / "trace.jsonl";
  REQUIRE(run_cli("run --trace '" + trace.string() + "' '" + good.str() + "'").code == 0);
  CHECK(run_cli("check '" + trace.string() + "'").code == 0);
  // B's receive edited by hand from L 2 to L 7: the Lamport rule at B breaks, nothing else.
  std::string text = read_file(trace);
  const std::size_t at = text.rfind("\"lamport\":2");
  REQUIRE(at != std::string::npos);
  text.replace(at, 11, "\"lamport\":7");
  std::ofstream(trace) << text;
  const cli_result edited = run_cli("check --json '" + trace.string() + "'");
  CHECK(edited.code == 1);
  const json j = json::parse(edited.out);
  REQUIRE(j["violations"].size() == 1);
  CHECK(j["violations"][0]["invariant"] == "lamport.rule");
  std::ofstream(trace) << "{\"type\":\"header\"\n";
  CHECK(run_cli("check '" + trace.string() + "'").code == 2);
}

TEST_CASE("check reads ShiViz logs: sound ones pass, impossible ones fail with the rule") {
  CHECK(run_cli("check '" + source_path("tests/data/shiviz/client_server.log") + "'").code == 0);
  const cli_result bad = run_cli("check --json '" + source_path("tests/data/shiviz/own_entry_gap.log") + "'");
  CHECK(bad.code == 1);
  CHECK(json::parse(bad.out)["problems"][0]["rule"] == "shiviz.own_entry");
}

TEST_CASE("explain names the relation and the path, a reference naming no event exits 2") {
  const scratch tmp;
  const fs::path trace = tmp / "trace.jsonl";
  REQUIRE(run_cli("run --trace '" + trace.string() + "' '" + source_path("scenarios/three_clocks.json") + "'").code == 0);
  const cli_result r = run_cli("explain '" + trace.string() + "' A:prepare C:relay");
  CHECK(r.code == 0);
  CHECK(r.out.find("a happens before b") != std::string::npos);
  CHECK(r.out.find("hop 4") != std::string::npos);
  const cli_result concurrent = run_cli("explain '" + trace.string() + "' B:draft A:hello");
  CHECK(concurrent.code == 0);
  CHECK(concurrent.out.find("concurrent") != std::string::npos);
  CHECK(run_cli("explain '" + trace.string() + "' A:nothing B:draft").code == 2);
}

TEST_CASE("run --narrate tells each event before the summary, it needs stdout to itself") {
  const temp_file good("narrate.json", with_lamport(2));
  const cli_result r = run_cli("run --narrate '" + good.str() + "'");
  CHECK(r.code == 0);
  // A's send: L = 0 + 1 = 1; B's receive: L = max(0, 1) + 1 = 2, V = max([0,0], [1,0]) then tick = [1,1].
  const std::size_t send = r.out.find("A#1 send \"ping\" to B");
  const std::size_t receive = r.out.find("B#1 receive \"ping\"");
  const std::size_t summary = r.out.find("hbsim run:");
  REQUIRE(send != std::string::npos);
  REQUIRE(receive != std::string::npos);
  CHECK(send < receive);
  CHECK(receive < summary);
  CHECK(r.out.find("L = max(0, 1) + 1 = 2") != std::string::npos);
  CHECK(r.out.find("V = max([0,0], [1,0]) then tick = [1,1]") != std::string::npos);
  const cli_result both = run_cli("run --narrate --json '" + good.str() + "'");
  CHECK(both.code == 2);
  CHECK(both.err.find("--narrate") != std::string::npos);
}

TEST_CASE("run compares the clocks in the summary and --json unless --no-compare") {
  const temp_file good("compare.json", with_lamport(2));
  const cli_result with = run_cli("run '" + good.str() + "'");
  CHECK(with.out.find("clocks compared") != std::string::npos);
  // One send and its receive: 2 events, 1 pair, related.
  CHECK(with.out.find("2 events make 1 pair: 1 causally related") != std::string::npos);
  const cli_result without = run_cli("run --no-compare '" + good.str() + "'");
  CHECK(without.code == 0);
  CHECK(without.out.find("clocks compared") == std::string::npos);
  const json j = json::parse(run_cli("run --json --no-compare '" + good.str() + "'").out);
  CHECK(j["clock_report"].is_null());
}

TEST_CASE("run: the summary counts the actions a crashed process skipped, in the singular for one") {
  // crash_persist_none.json: the store is down from 10 ms to 20 ms and misses one scripted action.
  const cli_result r = run_cli("run '" + source_path("scenarios/crash_persist_none.json") + "'");
  CHECK(r.code == 0);
  CHECK(r.out.find("\nskipped    1 action of crashed processes\n") != std::string::npos);
}

TEST_CASE("check counts in words that agree with the number") {
  // One process, one local event whose vector is too small: V[A] = 0 where A's one event is itself.
  const temp_file one("one.jsonl",
                      R"({"type":"header","format":"hbsim-trace/1","scenario":"x","seed":0,"processes":["A"],"clocks":["vector"]})"
                      "\n"
                      R"({"type":"event","id":1,"process":"A","seq":1,"kind":"local","label":"x","time":0,"pt":0,"vector":{}})"
                      "\n");
  const cli_result r = run_cli("check '" + one.str() + "'");
  CHECK(r.code == 1);
  CHECK(r.out.find("  1 process, 1 event, re-judged from the file alone\n") != std::string::npos);
  CHECK(r.out.find("rule: V[A] = 0, but 1 event of A is in its causal past (itself included)") != std::string::npos);
}

TEST_CASE("labels and names with control characters reach the terminal escaped") {
  // A newline in the name would split the summary's first line; ESC would turn the terminal red.
  const temp_file s("control.json", R"({"name": "two\nlines", "processes": ["A", "B"],
    "script": [{"at": "1ms", "process": "A", "do": "send", "to": "B", "label": "x \u001b[31mRED \u0000 nul"}]})");
  const cli_result narrated = run_cli("run --narrate '" + s.str() + "'");
  CHECK(narrated.code == 0);
  CHECK(narrated.out.find('\x1b') == std::string::npos);
  CHECK(narrated.out.find('\0') == std::string::npos);
  CHECK(narrated.out.find("narration of \"two\\nlines\"") != std::string::npos);
  CHECK(narrated.out.find("A#1 send \"x \\u001b[31mRED \\u0000 nul\" to B") != std::string::npos);
  CHECK(narrated.out.find("hbsim run: two\\nlines (") != std::string::npos);
  const std::string trace = s.str() + ".jsonl";
  REQUIRE(run_cli("run --trace '" + trace + "' '" + s.str() + "'").code == 0);
  for (const std::string& command : {"check '" + trace + "'", "explain '" + trace + "' A#1 B#1", "report '" + trace + "'"}) {
    CAPTURE(command);
    const cli_result r = run_cli(command);
    CHECK(r.code == 0);
    CHECK(r.out.find('\x1b') == std::string::npos);
  }
  std::filesystem::remove(trace);
}
