// NTP exchanges as simulated messages (FORMAT.md, NTP). Every expected value is worked out by hand from
// θ = ((T2 − T1) + (T3 − T4)) / 2 and δ = (T4 − T1) − (T3 − T2), each reading being offset + true time
// (no drift unless said, resolution 1 ns so that nothing is truncated).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/kernel/physical_clock.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/views/narrator.hpp"
#include "hbsim/views/summary.hpp"
#include "judge/ntp_judge.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"
#include "trace_text.hpp"

using namespace hbsim;
using hbsim::testing::temp_file;

namespace {

constexpr sim_time ms = ns_per_ms;

// Server exact; Client 20 ms behind; the request takes `up`, the answer `down`; one exchange at 100 ms.
std::string exchange_text(const std::string& up, const std::string& down, const std::string& apply) {
  return R"({"name": "ntp", "clock": {"resolution": "1ns"},
    "processes": ["Server", {"name": "Client", "clock": {"offset": "-20ms"}}],
    "network": {"delay": "1ms", "links": [{"from": "Client", "to": "Server", "delay": ")" + up + R"("},
                                         {"from": "Server", "to": "Client", "delay": ")" + down + R"("}]},
    "script": [{"at": "100ms", "process": "Client", "do": "ntp", "server": "Server", "apply": ")" + apply + R"("},
               {"at": "200ms", "process": "Client", "do": "local", "label": "after"}]})";
}

struct ntp_run {
  scenario s;
  run_outcome out;
};

std::unique_ptr<ntp_run> run_text(const std::string& text, std::optional<std::uint64_t> seed = std::nullopt) {
  auto r = std::make_unique<ntp_run>();
  r->s = parse_scenario(text, "ntp.json");
  run_options o;
  o.seed = seed;
  r->out = run_scenario(r->s, o);
  return r;
}

// The pt of the client's event labelled `label` in the trace.
sim_time pt_of(const std::vector<nlohmann::json>& lines, const std::string& label) {
  for (const auto& l : lines)
    if (l.value("label", "") == label && l.value("process", "") == "Client") return l["pt"].get<sim_time>();
  FAIL("no event " << label);
  return 0;
}

}  // namespace

TEST_CASE("NTP with symmetric constant delays measures the offset exactly") {
  // T1 = 100 − 20 = 80 ms; T2 = T3 = 105 ms; T4 = 110 − 20 = 90 ms.
  // θ = ((105 − 80) + (105 − 90)) / 2 = (25 + 15) / 2 = 20 ms = θ_true; δ = (90 − 80) − 0 = 10 ms.
  const auto r = run_text(exchange_text("5ms", "5ms", "step"));
  REQUIRE(r->out.invariants->ntp_exchange_count() == 1);
  const ntp_outcome& x = r->out.invariants->ntp_exchanges()[0];
  CHECK(x.note.t1 == 80 * ms);
  CHECK(x.note.t2 == 105 * ms);
  CHECK(x.note.t3 == 105 * ms);
  CHECK(x.note.t4 == 90 * ms);
  CHECK(x.note.offset == 20 * ms);
  CHECK(x.note.delay == 10 * ms);
  CHECK(x.note.true_offset == 20 * ms);
  CHECK(x.time == 110 * ms);
  CHECK(x.before == -20 * ms);
  CHECK(x.after() == 0);
  CHECK(r->out.invariants->count(ntp_invariant_name) == 0);
  CHECK(r->out.ok());
}

TEST_CASE("NTP over asymmetric links is off by half the difference of the delays") {
  // Up 10 ms, down 2 ms: T1 = 80, T2 = T3 = 110, T4 = 112 − 20 = 92 ms.
  // θ = (30 + 18) / 2 = 24 ms; θ_true = 112 − 92 = 20 ms; the error (10 − 2) / 2 = 4 ms; δ = 12 ms.
  const auto r = run_text(exchange_text("10ms", "2ms", "step"));
  const ntp_outcome& x = r->out.invariants->ntp_exchanges()[0];
  CHECK(x.note.offset == 24 * ms);
  CHECK(x.note.true_offset == 20 * ms);
  CHECK(x.note.offset - x.note.true_offset == (10 * ms - 2 * ms) / 2);
  CHECK(x.note.delay == 12 * ms);
  CHECK(x.after() == 4 * ms);
  // Up 2 ms, down 10 ms: the error changes sign. T2 = T3 = 102, T4 = 112 − 20 = 92: θ = (22 + 10) / 2 = 16 ms.
  const auto back = run_text(exchange_text("2ms", "10ms", "step"));
  CHECK(back->out.invariants->ntp_exchanges()[0].note.offset == 16 * ms);
}

TEST_CASE("θ is floored to whole nanoseconds toward minus infinity") {
  CHECK(ntp_offset(0, 1, 0, 0) == 0);    // 1/2
  CHECK(ntp_offset(1, 0, 0, 0) == -1);   // −1/2
  CHECK(ntp_offset(3, 0, 0, 0) == -2);   // −3/2
  CHECK(ntp_offset(0, 3, 4, 0) == 3);    // 7/2
  CHECK(ntp_delay(10, 20, 25, 40) == 25);
}

TEST_CASE("a step changes the client's clock by exactly θ, none leaves it") {
  // The local at 200 ms: pt 200 − 20 = 180 ms unstepped, 180 + θ = 204 ms after θ = 24 ms.
  const scenario stepped = parse_scenario(exchange_text("10ms", "2ms", "step"), "s.json");
  const scenario left = parse_scenario(exchange_text("10ms", "2ms", "none"), "n.json");
  CHECK(pt_of(testing::trace_lines(left, 1), "after") == 180 * ms);
  CHECK(pt_of(testing::trace_lines(stepped, 1), "after") == 204 * ms);
}

TEST_CASE("a slew never runs faster than 500 ppm and is absorbed |θ|·2000 ns later") {
  physical_clock_config config;
  config.resolution = 1;
  for (const sim_time theta : {sim_time{4 * ms}, sim_time{-3 * ms}, sim_time{1}}) {
    CAPTURE(theta);
    physical_clock c(config, random_source(1), 0);
    const sim_time start = 10 * ms;
    c.slew(start, theta);
    const sim_time end = start + (theta < 0 ? -theta : theta) * 2000;
    REQUIRE(c.slew_end() == end);
    sim_time last = c.offset_at(start);
    CHECK(last == 0);
    // Over every 1999 µs the offset moves by at most 1000 ns (1999 µs · 500e-6 = 999.5 ns): 500 ppm.
    for (sim_time t = start + 1'999'000; t < end; t += 1'999'000) {
      const sim_time now = c.offset_at(t);
      CHECK(std::llabs(now - last) <= 1000);
      last = now;
    }
    CHECK(c.offset_at(end - 1) == theta - (theta < 0 ? -1 : 1));
    CHECK(c.offset_at(end) == theta);
    CHECK(c.offset_at(end + 5 * ms) == theta);
    CHECK(!c.slew_end());
  }
}

TEST_CASE("an NTP slew in a run: the local at 200 ms has absorbed 24 ms only in part") {
  // θ = 24 ms applied from 112 ms: 1 ns per 2 µs, so by 200 ms, 88 ms / 2000 = 44 µs;
  // pt = 200 − 20 + 0.044 = 180.044 ms. Done at 112 ms + 24 ms · 2000 = 48.112 s.
  const scenario slewed = parse_scenario(exchange_text("10ms", "2ms", "slew"), "s.json");
  CHECK(pt_of(testing::trace_lines(slewed, 1), "after") == 180 * ms + 44'000);
  const auto r = run_text(exchange_text("10ms", "2ms", "slew"));
  CHECK(r->out.invariants->ntp_exchanges()[0].settled() == 112 * ms + 24 * ms * 2000);
}

TEST_CASE("an NTP client keeps the sample of least delay") {
  // Request delays uniform 1..9 ms, answers 1 ms; four samples one after the other. The kept sample's
  // δ is the least of the four, and its θ is within δ/2 of the truth.
  const std::string text = R"({"name": "ntp", "clock": {"resolution": "1ns"},
    "processes": ["Server", {"name": "Client", "clock": {"offset": "7ms"}}],
    "network": {"delay": "1ms", "links": [{"from": "Client", "to": "Server", "delay": {"dist": "uniform", "min": "1ms", "max": "9ms"}}]},
    "script": [{"at": "0ms", "process": "Client", "do": "ntp", "server": "Server", "samples": 4, "apply": "none"}]})";
  const scenario s = parse_scenario(text, "s.json");
  const auto lines = testing::trace_lines(s, 5);
  std::vector<sim_time> t1, t4;
  std::vector<sim_time> t23;
  const nlohmann::json* end = nullptr;
  for (const auto& l : lines) {
    if (l.value("label", "") == "ntp:req" && l["kind"] == "send") t1.push_back(l["pt"]);
    if (l.value("label", "") == "ntp:resp" && l["kind"] == "receive") t4.push_back(l["pt"]);
    if (l.value("label", "") == "ntp:req" && l["kind"] == "receive") t23.push_back(l["pt"]);
    if (l.contains("ntp")) end = &l;
  }
  REQUIRE(t1.size() == 4);
  REQUIRE(t4.size() == 4);
  REQUIRE(end != nullptr);
  sim_time least = std::numeric_limits<sim_time>::max();
  for (std::size_t i = 0; i < 4; ++i) least = std::min(least, t4[i] - t1[i]);  // T3 = T2: δ = T4 − T1
  CHECK((*end)["ntp"]["delay"].get<sim_time>() == least);
  CHECK((*end)["ntp"]["answered"] == 4);
  CHECK(std::llabs((*end)["ntp"]["offset"].get<sim_time>() + 7 * ms) <= least / 2);  // θ = server − client = −7 ms
}

TEST_CASE("ntp.offset_bound holds over random asymmetric delays, drifts and many seeds") {
  // Client drifts +150 ppm, server −80 ppm, 1 µs resolution; each direction's delay is its own
  // exponential. Besides the judge, an allowance from the configuration alone: each clock's offset
  // moves by at most |drift|·Δ + resolution + 1 ns over the exchange's Δ = true_t4 − true_t1, so
  // 2|θ − θ_true| ≤ δ + 2(150e-6·Δ + 1001) + 2(80e-6·Δ + 1001) + 1.
  const std::string text = R"({"name": "ntp-random", "until": "20s",
    "processes": [{"name": "Server", "clock": {"drift_ppm": -80}},
                  {"name": "Client", "clock": {"offset": "3ms", "drift_ppm": 150,
                   "sync": {"ntp": {"server": "Server", "every": "1s", "samples": 3, "apply": "step", "timeout": "100ms"}}}}],
    "network": {"delay": {"dist": "exponential", "mean": "4ms"}, "loss": 0.1,
                "links": [{"from": "Client", "to": "Server", "delay": {"dist": "lognormal", "median": "8ms", "sigma": 1}}]}})";
  const scenario s = parse_scenario(text, "r.json");
  std::uint64_t exchanges = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    run_options o;
    o.seed = seed;
    const run_outcome out = run_scenario(s, o);
    CHECK(out.invariants->count(ntp_invariant_name) == 0);
    for (const ntp_outcome& x : out.invariants->ntp_exchanges()) {
      ++exchanges;
      if (x.note.answered == 0) continue;
      const double span = static_cast<double>(x.note.true_t4 - x.note.true_t1);
      const double allowance = 2 * (150e-6 * span + 1001) + 2 * (80e-6 * span + 1001) + 1;
      CHECK(2.0 * static_cast<double>(std::llabs(x.note.offset - x.note.true_offset)) <=
            static_cast<double>(x.note.delay) + allowance);
    }
  }
  CHECK(exchanges == 40 * 19);  // ended at 1 s, 2 s, ..., 19 s; the one starting at 20 s, the end, cannot end
}

TEST_CASE("the judge reports a note whose θ is further from the truth than δ/2 allows") {
  // A made-up note: both clocks exact (each reading its true time plus the true offset), δ = 10 ms,
  // so θ may be at most 5 ms (and half a ns) from θ_true = 20 ms.
  ntp_note n;
  n.samples = n.answered = 1;
  n.true_t1 = 100 * ms;
  n.true_t2 = n.true_t3 = 105 * ms;
  n.true_t4 = 110 * ms;
  n.t1 = 80 * ms;
  n.t2 = n.t3 = 105 * ms;
  n.t4 = 90 * ms;
  n.delay = 10 * ms;
  n.true_offset = 20 * ms;
  n.offset = 25 * ms;
  CHECK(ntp_bound_broken(n).empty());
  n.offset = 25 * ms + 1;
  CHECK(!ntp_bound_broken(n).empty());
  n.offset = 15 * ms - 1;
  CHECK(!ntp_bound_broken(n).empty());
}

TEST_CASE("periodic NTP exchanges start at every positive multiple of every") {
  const std::string text = R"({"name": "ntp-periodic", "until": "55ms", "clock": {"resolution": "1ns"},
    "processes": ["Server", {"name": "Client", "clock": {"sync": {"ntp": {"server": "Server", "every": "10ms"}}}}]})";
  const scenario s = parse_scenario(text, "p.json");
  std::vector<sim_time> starts;
  for (const auto& l : testing::trace_lines(s, 1))
    if (l.value("label", "") == "ntp:req" && l["kind"] == "send") starts.push_back(l["time"]);
  CHECK(starts == std::vector<sim_time>{10 * ms, 20 * ms, 30 * ms, 40 * ms, 50 * ms});
  // A default clock's sync applies to every process but its server: Server runs none.
  const std::string shared = R"({"name": "ntp-shared", "until": "15ms",
    "clock": {"sync": {"ntp": {"server": "S", "every": "10ms"}}}, "processes": ["S", "A", "B"]})";
  const scenario all = parse_scenario(shared, "a.json");
  CHECK(!all.processes[0].clock.ntp);
  CHECK(all.processes[1].clock.ntp->server == 0);
  CHECK(all.processes[2].clock.ntp->server == 0);
}

TEST_CASE("lost NTP samples are skipped, and with all lost nothing is applied and the summary says so") {
  // Every request is lost: three samples, each timing out after 1 s; the exchange ends at 3 s with the
  // local ntp:timeout, answered 0, and the clock left 20 ms behind.
  const auto r = run_text(R"({"name": "ntp-lost", "processes": ["Server", {"name": "Client", "clock": {"offset": "-20ms"}}],
    "network": {"loss": 1},
    "script": [{"at": "100ms", "process": "Client", "do": "ntp", "server": "Server", "samples": 3}]})");
  REQUIRE(r->out.invariants->ntp_exchange_count() == 1);
  const ntp_outcome& x = r->out.invariants->ntp_exchanges()[0];
  CHECK(x.note.answered == 0);
  CHECK(x.time == 100 * ms + 3 * ns_per_s);
  CHECK(x.after() == x.before);
  std::ostringstream text;
  print_summary(text, r->out.report());
  CHECK(text.str().find("all 3 samples lost, nothing applied") != std::string::npos);
  // The after figure is before + θ, and the header says the clock's drift meanwhile is not in it.
  CHECK(text.str().find("before -> after the correction (before + theta: its own\n              drift meanwhile not counted)") !=
        std::string::npos);
  CHECK(summary_json(r->out.report())["ntp"]["shown"][0]["answered"] == 0);
}

TEST_CASE("a trace carries the ntp field, and reading it back judges it again") {
  const scenario s = load_scenario(std::string(HBSIM_SOURCE_DIR) + "/scenarios/teaching/46_ntp_asymmetric_links.json");
  const temp_file trace("ntp.jsonl");
  run_options o;
  o.trace_path = trace.str();
  const run_outcome live = run_scenario(s, o);
  std::istringstream in(testing::read_file(trace.path));
  int fields = 0;
  for (std::string line; std::getline(in, line);) {
    const auto l = nlohmann::json::parse(line);
    if (!l.contains("ntp")) continue;
    ++fields;
    CHECK(l["kind"] == "receive");
    CHECK(l["label"] == "ntp:resp");
    if (l["process"] == "Far") {
      CHECK(l["ntp"] == nlohmann::json::parse(R"({"samples": 1, "answered": 1, "apply": "step", "t1": 80000000,
        "t2": 110000000, "t3": 110000000, "t4": 92000000, "offset": 24000000, "delay": 12000000,
        "true_offset": 20000000, "true_t1": 100000000, "true_t2": 110000000, "true_t3": 110000000,
        "true_t4": 112000000})"));
    }
  }
  CHECK(fields == 2);
  trace_reader reader(trace.str());
  causality truth;
  invariant_checker checker(truth);
  event_observer* observers[] = {&truth, &checker};
  reader.replay(observers);
  REQUIRE(checker.ntp_exchange_count() == 2);
  CHECK(checker.ntp_exchanges()[1].note.offset == live.invariants->ntp_exchanges()[1].note.offset);
  CHECK(checker.count(ntp_invariant_name) == 0);
  CHECK(checker.judged() == live.invariants->judged());
}

TEST_CASE("the narration works out T1..T4, θ and δ and says what was applied") {
  const scenario s = load_scenario(std::string(HBSIM_SOURCE_DIR) + "/scenarios/teaching/46_ntp_asymmetric_links.json");
  std::ostringstream text;
  narrator n(text);
  run_options o;
  o.observers.push_back(&n);
  run_scenario(s, o);
  const std::string t = text.str();
  CHECK(t.find("T1 80ms, T2 110ms, T3 110ms, T4 92ms; theta = ((T2 - T1) + (T3 - T4)) / 2 = (30ms + 18ms) / 2 = 24ms; "
               "delta = (T4 - T1) - (T3 - T2) = 12ms - 0ns = 12ms; the true offset was 20ms (theta is off by 4ms)") !=
        std::string::npos);
  CHECK(t.find("step: the clock jumps by 24ms, its offset to true time -20ms -> 4ms") != std::string::npos);
}

TEST_CASE("the HTML export plots each NTP client's offset to true time, as a browser shows it") {
  // Lesson 46: both clients read 20 ms behind at their request (100 ms) and at the answer (112 ms);
  // then Near's step makes it exact and Far's leaves it 4 ms ahead, the asymmetry's (10 − 2) / 2, as
  // at its local at 200 ms.
  const testing::scratch tmp;
  const std::string trace = (tmp.dir / "t.jsonl").string();
  REQUIRE(testing::run_cli("run '" + testing::source_path("scenarios/teaching/46_ntp_asymmetric_links.json") +
                           "' --trace '" + trace + "'")
              .code == 0);
  testing::export_trace(tmp, trace, "html");
  const std::string page = (tmp.dir / "out.html").string(), dom = (tmp.dir / "dom.html").string();
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"), "needs chromium (tools/setup.sh installs it)");
  const std::string cmd = "timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run "
                          "--user-data-dir='" + (tmp.dir / "profile").string() +
                          "' --virtual-time-budget=5000 --dump-dom 'file://" + page + "' >'" + dom + "' 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string text = testing::read_file(dom);
  const std::size_t begin = text.find("<svg id=\"offsets\""), end = text.find("</svg>", begin);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  const std::string svg = (tmp.dir / "offsets.svg").string();
  { std::ofstream(svg) << text.substr(begin, end + 6 - begin); }
  CHECK(std::system(("xmllint --noout '" + svg + "'").c_str()) == 0);
  const std::string plot = testing::read_file(svg);
  CHECK(plot.find(R"(data-process="Near" data-points-ns="100000000:-20000000 112000000:-20000000 112000000:0 200000000:0")") !=
        std::string::npos);
  CHECK(plot.find(R"(data-process="Far" data-points-ns="100000000:-20000000 112000000:-20000000 112000000:4000000 200000000:4000000")") !=
        std::string::npos);
  CHECK(plot.find("<title>Far at 112ms: NTP exchange, offset -20ms before</title>") != std::string::npos);
  CHECK(plot.find("Server") == std::string::npos);  // not an NTP client: no line
}

TEST_CASE("an NTP exchange answered in time leaves no timeout to wait for") {
  // Lesson 46: both exchanges start at 100 ms and are answered by 112 ms; the last scripted event is at 200 ms.
  // The sample timeout (1 s by default) would have kept the run going to 1.1 s.
  const testing::cli_result r = testing::run_cli("run '" + testing::source_path("scenarios/teaching/46_ntp_asymmetric_links.json") + "'");
  CHECK(r.code == 0);
  CHECK(r.out.find("ended at 200ms simulated (no event left)") != std::string::npos);
}
