// Times near both ends of int64: valid scenarios (offsets, drift, clock steps, delays and until at
// the limits) and traces (extreme l and pt) go through run, check, report, narrate and every export
// without overflowing (the sanitized build aborts on signed overflow), and computed times saturate
// at the ends of the range, as FORMAT.md says.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "temp_files.hpp"
#include "hbsim/core/time.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The ends of int64 as durations: 2^63 − 1 and −2^63 ns.
constexpr std::string_view end_of_time = "9223372036.854775807s";
constexpr std::string_view start_of_time = "-9223372036.854775808s";

// A's clock reads the largest time there is, B's the smallest and stands still there (drift −10^6
// ppm), C's is stepped back by 2^63 ns at 0. A sends "far" to B and C at 0; B receives it at 1ms,
// C at the end of time (the delay of A→C is the largest duration); C has a local event at 1ms.
std::string extreme_scenario(const std::string& logical = "") {
  const std::string e(end_of_time), s(start_of_time);
  return R"({"name": "extreme", "until": ")" + e + R"(",
    "processes": [{"name": "A", "clock": {"offset": ")" + e + R"("}},
                  {"name": "B", "clock": {"offset": ")" + s + R"(", "drift_ppm": -1000000}},
                  "C"],
    "network": {"links": [{"from": "A", "to": "C", "delay": ")" + e + R"("}]},
    "faults": [{"at": "0ms", "clock_step": "C", "by": ")" + s + R"("}],
    "script": [{"at": "0ms", "process": "A", "do": "send", "to": ["B", "C"], "label": "far"},
               {"at": "1ms", "process": "C", "do": "local", "label": "low"}])" +
         logical + "}";
}

// The perfetto counters' values (pt − time), in order.
std::vector<std::int64_t> clock_offsets(const std::string& perfetto) {
  std::vector<std::int64_t> out;
  const json document = json::parse(perfetto);
  for (const json& e : document["traceEvents"])
    if (e["ph"] == "C") out.push_back(e["args"]["ns"].get<std::int64_t>());
  return out;
}

}  // namespace

TEST_CASE("saturating time arithmetic") {
  CHECK(add_sat(1, 2) == 3);
  CHECK(add_sat(time_max, 1) == time_max);
  CHECK(add_sat(time_max, time_max) == time_max);
  CHECK(add_sat(time_min, -1) == time_min);
  CHECK(add_sat(time_max, time_min) == -1);
  CHECK(sub_sat(5, 7) == -2);
  CHECK(sub_sat(0, time_min) == time_max);  // 2^63 is one past the end
  CHECK(sub_sat(-1, time_min) == time_max);  // 2^63 − 1 exactly
  CHECK(sub_sat(time_max, time_min) == time_max);
  CHECK(sub_sat(time_min, 1) == time_min);
  CHECK(sub_sat(-2, time_max) == time_min);
  CHECK(sub_sat(time_max, time_max) == 0);
}

TEST_CASE("extreme times: a run with clocks at both ends of int64 saturates l - pt and pt - time") {
  const scratch tmp;
  const fs::path scenario = tmp.write("extreme.json", extreme_scenario());
  const fs::path trace = tmp / "extreme.jsonl", perfetto = tmp / "extreme.perfetto.json";
  const cli_result r = run_cli("run '" + scenario.string() + "' --json --trace '" + trace.string() +
                               "' --export perfetto='" + perfetto.string() + "' --export svg='" + tmp / "x.svg" +
                               "' --export html='" + tmp / "x.html" + "'");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const json summary = json::parse(r.out);
  CHECK(summary["events"] == 4);
  CHECK(summary["end_time_ns"] == time_max);
  // A's reading at 0 is 2^63 − 1 floored to the microsecond, 9223372036854775000, and B's receive
  // takes l from it (c = 1) at pt = −2^63: l − pt is past the end, so ε is the end of time. C's
  // receive at the end of time has pt = −2^63 + (2^63 − 1) = −1, floored to −1000: l − pt past the
  // end again.
  CHECK(summary["epsilon_ns"] == time_max);
  CHECK(summary["ok"] == true);
  // pt − time per event: A at 0, 9223372036854775000; B at 1ms, −2^63 − 10^6; C's local at 1ms,
  // (−2^63 + 10^6 floored to −9223372036853776000) − 10^6; C's receive, −1000 − (2^63 − 1): the last
  // three are past the start of time and saturate there.
  CHECK(clock_offsets(read_file(perfetto)) ==
        std::vector<std::int64_t>{9'223'372'036'854'775'000, time_min, time_min, time_min});

  // The trace, re-judged and reported and exported with a window that starts at the start of time.
  const cli_result check = run_cli("check '" + trace.string() + "' --json");
  CHECK_MESSAGE(check.code == 0, check.err);
  CHECK(json::parse(check.out)["epsilon_ns"] == time_max);
  const cli_result report = run_cli("report '" + trace.string() + "' --json");
  CHECK_MESSAGE(report.code == 0, report.err);
  for (const std::string format : {"svg", "html", "perfetto", "dot", "graphml", "json", "shiviz"}) {
    CAPTURE(format);
    const fs::path out = tmp / ("window." + format);
    const cli_result x = run_cli("export '" + trace.string() + "' --to " + format + " --from " +
                                 std::string(start_of_time) + " --until " + std::string(end_of_time) + " -o '" +
                                 out.string() + "'");
    CHECK_MESSAGE(x.code == 0, x.err);
    CHECK(fs::file_size(out) > 0);
  }
}

TEST_CASE("extreme times: the narration of a message refused by max_offset says l_m - pt saturated") {
  // B's reading is −2^63 and the message's l 9223372036854775000: l_m − pt is past the end of time,
  // far above max_offset, so B rejects it.
  const temp_file scenario("offset.json", extreme_scenario(R"(, "logical": {"hlc": {"max_offset": "1s"}})"));
  const cli_result r = run_cli("run '" + scenario.str() + "' --narrate");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.find("refused by the HLC max-offset guard, l_m - pt = 9223372036.854775s - -9223372036.854775808s = "
                   "9223372036.854775807s > max_offset 1s") != std::string::npos);
}

TEST_CASE("extreme times: a trace with l and pt at both ends of int64 is checked, reported and exported") {
  // A's local at true time −2^63 reads pt −2^63 and keeps l = 0 (c = 1); B sends at −2^63 with pt
  // and l at 2^63 − 1; A receives at 1us with l from the message. The trace keeps every rule, and
  // its ε is l − pt of A's first event, 0 − (−2^63), past the end of time.
  const scratch tmp;
  const fs::path trace = tmp.write("extreme.jsonl", R"({"type":"header","format":"hbsim-trace/1","scenario":"extreme","seed":1,"processes":["A","B"]}
{"type":"event","id":1,"process":"A","seq":1,"kind":"local","label":"low","time":-9223372036854775808,"pt":-9223372036854775808,"lamport":1,"vector":{"A":1},"hlc":[0,1]}
{"type":"event","id":2,"process":"B","seq":1,"kind":"send","label":"far","time":-9223372036854775808,"pt":9223372036854775807,"lamport":1,"vector":{"B":1},"hlc":[9223372036854775807,0],"messages":[{"id":1,"to":"A"}]}
{"type":"event","id":3,"process":"A","seq":2,"kind":"receive","label":"far","time":1000,"pt":-9223372036854775808,"lamport":2,"vector":{"A":2,"B":1},"hlc":[9223372036854775807,1],"message":1,"from":"B","send":2}
)");
  const cli_result check = run_cli("check '" + trace.string() + "' --json");
  CHECK_MESSAGE(check.code == 0, check.err);
  CHECK(json::parse(check.out)["epsilon_ns"] == time_max);

  const cli_result report = run_cli("report '" + trace.string() + "' --json");
  REQUIRE_MESSAGE(report.code == 0, report.err);
  const json hlc = json::parse(report.out)["clock_report"]["hlc"];
  CHECK(hlc["lead_max_ns"] == time_max);

  const fs::path out = tmp / "extreme.perfetto.json";
  const cli_result perfetto = run_cli("export '" + trace.string() + "' --to perfetto -o '" + out.string() + "'");
  REQUIRE_MESSAGE(perfetto.code == 0, perfetto.err);
  // pt − time: 0, then 2^63 − 1 − (−2^63) past the end, then −2^63 − 1000 past the start.
  CHECK(clock_offsets(read_file(out)) == std::vector<std::int64_t>{0, time_max, time_min});
  for (const std::string format : {"svg", "html", "dot", "graphml", "json", "shiviz"}) {
    CAPTURE(format);
    const cli_result x = run_cli("export '" + trace.string() + "' --to " + format + " -o '" + out.string() + "'");
    CHECK_MESSAGE(x.code == 0, x.err);
  }
}
