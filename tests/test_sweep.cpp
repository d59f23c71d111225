// hbsim sweep (SPEC §11): every seed of a range for every combination of --set values, each run the one `hbsim run`
// makes with that seed and those values; JSON Lines in (values, seed) order whatever --jobs; failures grouped with
// the command line that makes them again.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "hbsim/run/sweep.hpp"
#include "sweep_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using json = nlohmann::json;

TEST_CASE("a sweep's runs are the runs of hbsim run with the same seed and values, in (values, seed) order") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result r = run_cli("sweep '" + file + "' --seeds 3..5 --set /network/delay=1ms,\"3ms\" --jobs 2 --out '" +
                               (dir / "out.jsonl") + "'");
  CHECK(r.code == 0);
  const std::vector<json> lines = json_lines(read_file(dir / "out.jsonl"));
  REQUIRE(lines.size() == 6);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const json& l = lines[i];
    CAPTURE(l.dump());
    const std::string delay = i < 3 ? "1ms" : "3ms";
    CHECK(l.at("seed") == 3 + i % 3);
    CHECK(l.at("set") == json{{"/network/delay", delay}});
    CHECK(l.at("ok") == true);
    CHECK(l.at("exit") == 0);
    CHECK(l.at("violations") == json::object());
    CHECK(l.at("unmet") == 0);
    CHECK(l.at("wall_seconds").is_number());
    const cli_result single = run_cli("run --json --seed " + std::to_string(3 + i % 3) + " --set /network/delay=" +
                                      delay + " '" + file + "'");
    const json summary = json::parse(single.out);
    CHECK(l.at("trace_sha256") == summary.at("trace_sha256"));
    CHECK(l.at("events") == summary.at("events"));
    CHECK(l.at("ok") == summary.at("ok"));
  }
  CHECK(lines[0].at("trace_sha256") != lines[1].at("trace_sha256"));
  CHECK(lines[0].at("trace_sha256") != lines[3].at("trace_sha256"));
  CHECK(r.out.find("runs       6 done, 0 failed") != std::string::npos);
  // One row per value: 3 runs, none failed, no violation.
  CHECK(r.out.find("by value   runs  failed  violations") != std::string::npos);
  CHECK(r.out.find("   3       0           0  ") != std::string::npos);
  CHECK(r.out.find("  /network/delay=\"1ms\"\n") != std::string::npos);
  CHECK(r.out.find("  /network/delay=\"3ms\"\n") != std::string::npos);
}

TEST_CASE("a sweep writes the same results with --jobs 1 and --jobs 2") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const std::string args = "sweep '" + file + "' --seeds 1..6 --set /generate/send_ratio=0.2,0.8 --out ";
  CHECK(run_cli(args + "'" + (dir / "one.jsonl") + "' --jobs 1").code == 0);
  CHECK(run_cli(args + "'" + (dir / "two.jsonl") + "' --jobs 2").code == 0);
  std::vector<json> one = json_lines(read_file(dir / "one.jsonl")), two = json_lines(read_file(dir / "two.jsonl"));
  REQUIRE(one.size() == 12);
  REQUIRE(two.size() == 12);
  for (std::size_t i = 0; i < one.size(); ++i) {
    one[i].erase("wall_seconds");
    two[i].erase("wall_seconds");
    CHECK(one[i] == two[i]);
  }
}

TEST_CASE("a sweep finds a failing run and its reproduce line makes the same failure") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result r = run_cli("sweep '" + file +
                               "' --seeds 1..2 --set '/logical={},{\"vector\":{\"variant\":\"no-tick-send\"}}' --out '" +
                               (dir / "out.jsonl") + "'");
  CHECK(r.code == 1);
  const std::vector<json> lines = json_lines(read_file(dir / "out.jsonl"));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].at("ok") == true);
  CHECK(lines[2].at("ok") == false);
  CHECK(lines[2].at("exit") == 1);
  CHECK(lines[2].at("violations").size() >= 1);
  // The group's first failing run is seed 1 with the wrong variant; its line is a shell command.
  const std::string prefix = "    hbsim run ";
  const std::size_t at = r.out.find(prefix);
  REQUIRE(at != std::string::npos);
  const std::string command = r.out.substr(at + prefix.size(), r.out.find('\n', at) - at - prefix.size());
  CHECK(command.find("--seed 1 --set '/logical={\"vector\":{\"variant\":\"no-tick-send\"}}'") != std::string::npos);
  const cli_result again = run_cli("run --json " + command);
  CHECK(again.code == 1);
  const json summary = json::parse(again.out);
  CHECK(summary.at("trace_sha256") == lines[2].at("trace_sha256"));
  const std::string invariant = lines[2].at("violations").begin().key();
  CHECK(summary.at("violations").at(0).at("invariant") == invariant);
  CHECK(r.out.find("invariant " + invariant + ": 2 runs; first:") != std::string::npos);
  // The wrong variant's row: 2 runs, both failed, with every violation of both.
  std::uint64_t violations = 0;
  for (const json& l : {lines[2], lines[3]})
    for (const auto& v : l.at("violations").items()) violations += v.value().get<std::uint64_t>();
  CHECK(r.out.find("   2       2  " + std::string(10 - std::to_string(violations).size(), ' ') +
                   std::to_string(violations)) != std::string::npos);
  // --json gives the same rows: the canonical clocks' and the wrong variant's, its violations by invariant
  // summed over its two runs.
  const json j = json::parse(run_cli("sweep '" + file + "' --seeds 1..2 --set '/logical={},{\"vector\":{\"variant\":"
                                     "\"no-tick-send\"}}' --json").out);
  CHECK(j.at("stopped_early") == false);
  REQUIRE(j.at("by_value").size() == 2);
  CHECK(j.at("by_value")[0].at("values") == "/logical={}");
  CHECK(j.at("by_value")[1].at("set") == json::parse(R"({"/logical": {"vector": {"variant": "no-tick-send"}}})"));  // as --out
  CHECK(j.at("by_value")[0].at("failed") == 0);
  CHECK(j.at("by_value")[0].at("violations").empty());
  const json& wrong = j.at("by_value")[1];
  CHECK(wrong.at("runs") == 2);
  CHECK(wrong.at("failed") == 2);
  std::uint64_t by_invariant = 0;
  for (const auto& v : wrong.at("violations").items()) {
    CHECK(v.value() == lines[2].at("violations").value(v.key(), 0) + lines[3].at("violations").value(v.key(), 0));
    by_invariant += v.value().get<std::uint64_t>();
  }
  CHECK(by_invariant == violations);
}

TEST_CASE("a sweep with --stop-on-failure stops after the first failing run") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result r = run_cli("sweep '" + file + "' --seeds 1..5 --jobs 1 --stop-on-failure --set " +
                               "'/logical={\"vector\":{\"variant\":\"no-tick-send\"}}' --out '" + (dir / "o.jsonl") + "'");
  CHECK(r.code == 1);
  CHECK(json_lines(read_file(dir / "o.jsonl")).size() == 1);
  CHECK(r.out.find("runs       1 done (stopped early), 1 failed") != std::string::npos);
  CHECK(r.out.find("hbsim sweep: " + file + ", 5 runs\n") != std::string::npos);
  const json j = json::parse(run_cli("sweep '" + file + "' --seeds 1..5 --jobs 1 --stop-on-failure --json --set " +
                                     "'/logical={\"vector\":{\"variant\":\"no-tick-send\"}}'").out);
  CHECK(j.at("stopped_early") == true);
  CHECK(j.at("done") == 1);
  CHECK(!j.contains("by_value"));  // one combination of values: no table
}

TEST_CASE("a sweep refuses bad --seeds and --set with exit 2") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  for (const std::string seeds : {"5", "5..", "..5", "5..3", "a..b", "1..2x", "-1..2"}) {
    CAPTURE(seeds);
    const cli_result r = run_cli("sweep '" + file + "' --seeds '" + seeds + "'");
    CHECK(r.code == 2);
    CHECK(r.err.find("--seeds") != std::string::npos);
  }
  const cli_result huge = run_cli("sweep '" + file + "' --seeds 0..18446744073709551615");
  CHECK(huge.code == 2);
  CHECK(huge.err.find("at most 10000000 runs") != std::string::npos);
  const cli_result unknown = run_cli("sweep '" + file + "' --seeds 1..2 --set /network/delya=1,2");
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("--set /network/delya=1") != std::string::npos);
  CHECK(unknown.err.find("did you mean \"delay\"?") != std::string::npos);
  const cli_result invalid = run_cli("sweep '" + file + "' --seeds 1..2 --set /generate/send_ratio=0.5,2");
  CHECK(invalid.code == 2);
  CHECK(invalid.err.find("--set /generate/send_ratio=2") != std::string::npos);
  CHECK(run_cli("sweep '" + file + "' --seeds 1..2 --set /seed").code == 2);
  // The seeds come from --seeds alone: a /seed axis would make runs that differ in name only.
  const cli_result seed_axis = run_cli("sweep '" + file + "' --seeds 1..2 --set /seed=5,6");
  CHECK(seed_axis.code == 2);
  CHECK(seed_axis.err.find("hbsim: --set: expected a field other than /seed, whose values --seeds gives") != std::string::npos);
  CHECK(seed_axis.out.empty());
  // One path in two --set options: every run would take the later values, and rows be labelled with the others.
  const cli_result twice = run_cli("sweep '" + file + "' --seeds 1..2 --set /network/delay=1ms,5ms --set /network/delay=2ms");
  CHECK(twice.code == 2);
  CHECK(twice.err.find("expected each path in one --set, its values separated by commas (/network/delay=A,B,C), found "
                       "\"/network/delay\" in two --set options") != std::string::npos);
}

TEST_CASE("a sweep's output to standard output keeps stdout for it: the summary goes to stderr") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result r = run_cli("sweep '" + file + "' --seeds 1..3 --out -");
  CHECK(r.code == 0);
  const std::vector<json> lines = json_lines(r.out);  // every line of stdout is one run's JSON
  REQUIRE(lines.size() == 3);
  CHECK(lines[2].at("seed") == 3);
  CHECK(r.err.find("hbsim sweep: " + file + ", 3 runs\n") != std::string::npos);
  CHECK(r.err.find("result     ok\n") != std::string::npos);
  // With --json the summary is stdout's: an output there is refused before any run.
  const cli_result both = run_cli("sweep '" + file + "' --seeds 1..3 --csv - --json");
  CHECK(both.code == 2);
  CHECK(both.err.find("hbsim: --csv: expected a file when --json prints the summary on stdout") != std::string::npos);
}

TEST_CASE("sweep values split at the commas outside strings, arrays and objects") {
  const sweep_axis a = parse_sweep_axis(R"(/x=1,"a,b",[1,2],{"k":[3,4]},plain)");
  CHECK(a.path == "/x");
  REQUIRE(a.values.size() == 5);
  CHECK(a.values[0] == 1);
  CHECK(a.values[1] == "a,b");
  CHECK(a.values[2] == json::array({1, 2}));
  CHECK(a.values[3] == json{{"k", {3, 4}}});
  CHECK(a.values[4] == "plain");
}

TEST_CASE("a sweep writes its runs as CSV: a column per --set path and per invariant violated") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result r = run_cli("sweep '" + file + "' --seeds 1..2 --set '/logical={},{\"vector\":{\"variant\":\"no-tick-send\"}}' " +
                               "--jobs 2 --out '" + (dir / "out.jsonl") + "' --csv '" + (dir / "out.csv") + "'");
  CHECK(r.code == 1);
  const std::vector<json> lines = json_lines(read_file(dir / "out.jsonl"));
  REQUIRE(lines.size() == 4);
  std::vector<std::string> rows;
  std::istringstream in(read_file(dir / "out.csv"));
  for (std::string row; std::getline(in, row);) rows.push_back(row);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].starts_with("seed,/logical,ok,exit,unmet,"));
  // A column for each invariant violated in any run.
  REQUIRE_FALSE(lines[2].at("violations").empty());
  for (const json& l : lines)
    for (const auto& v : l.at("violations").items())
      CHECK(rows[0].find(std::string(",").append(v.key()).append(",")) != std::string::npos);
  CHECK(rows[0].ends_with(",events,trace_sha256,wall_seconds"));
  // Row 3: seed 1 with the wrong variant; its JSON value quoted, its quotes doubled (RFC 4180).
  CHECK(rows[3].starts_with("1,\"{\"\"vector\"\":{\"\"variant\"\":\"\"no-tick-send\"\"}}\",false,1,0,"));
  CHECK(rows[1].starts_with("1,{},true,0,0,"));
  CHECK(rows[2].starts_with("2,{},true,0,0,"));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(rows[i + 1]);
    const std::string tail = std::string(",").append(lines[i].at("events").dump()).append(",")
                                 .append(lines[i].at("trace_sha256").get<std::string>()).append(",");
    CHECK(rows[i + 1].find(tail) != std::string::npos);
  }
}

TEST_CASE("a sweep over replicated data counts the lost updates per run and per value") {
  // Lesson 50: LWW loses the phone once (the summary's 1 lost update); dotted version vectors keep both writes.
  scratch dir;
  const cli_result r = run_cli("sweep '" + source_path("scenarios/teaching/50_cart_lww_loses_items.json") +
                               "' --seeds 1..2 --set '/data/policy=\"lww\",\"dvv\"' --out '" + (dir / "o.jsonl") +
                               "' --csv '" + (dir / "o.csv") + "'");
  const std::vector<json> lines = json_lines(read_file(dir / "o.jsonl"));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].at("lost_updates") == 1);
  CHECK(lines[1].at("lost_updates") == 1);
  CHECK(lines[2].at("lost_updates") == 0);
  CHECK(lines[3].at("lost_updates") == 0);
  CHECK(r.out.find("max HLC epsilon  lost updates  values") != std::string::npos);
  CHECK(r.out.find("             2  /data/policy=\"lww\"") != std::string::npos);
  CHECK(r.out.find("             0  /data/policy=\"dvv\"") != std::string::npos);
  const std::string csv = read_file(dir / "o.csv");
  CHECK(csv.find(",lost_updates,events,") != std::string::npos);
}

TEST_CASE("a sweep over delivery groups gives the longest hold-back per run and per value") {
  // Lesson 40: with the 10 ms link, Chitra holds Bilal's answer from 2.5 ms to 10 ms (7.5 ms, the note's figures);
  // with 1 ms on every link the question comes first and nothing waits.
  scratch dir;
  const cli_result r = run_cli("sweep '" + source_path("scenarios/teaching/40_causal_reply_overtakes.json") +
                               "' --seeds 1..1 --set '/network/links/0/delay=\"1ms\",\"10ms\"' --out '" +
                               (dir / "o.jsonl") + "'");
  const std::vector<json> lines = json_lines(read_file(dir / "o.jsonl"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("held_back_ns") == 0);
  CHECK(lines[1].at("held_back_ns") == 7'500'000);
  CHECK(!lines[1].contains("lost_updates"));
  CHECK(r.out.find("max HLC epsilon  max held back  values") != std::string::npos);
  CHECK(r.out.find("          7.5ms  /network/links/0/delay=\"10ms\"") != std::string::npos);
}
