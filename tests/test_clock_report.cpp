// The clock comparison report: golden values derived by hand on tiny runs; every count against
// brute force over all pairs (hb_graph::relation) on random runs with every kind of fault and wrong
// Lamport clocks; a replayed trace reports what the live run did; the `report` command.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr process_id A = 0, B = 1, C = 2;

// A's clock is 3 ms fast; the network takes 1 ms. With true time t and pt:
//   id 1  A#1 local a1     t 1ms  pt 4ms  L 1  HLC (4ms, 0)  V {A:1}
//   id 2  C#1 local c1     t 1ms  pt 1ms  L 1  HLC (1ms, 0)  V {C:1}
//   id 3  A#2 send m → B   t 2ms  pt 5ms  L 2  HLC (5ms, 0)  V {A:2}
//   id 4  B#1 receive m    t 3ms  pt 3ms  L 3  HLC (5ms, 1)  V {A:2, B:1}
//   id 5  B#2 send r → C   t 4ms  pt 4ms  L 4  HLC (5ms, 2)  V {A:2, B:2}
//   id 6  C#2 receive r    t 5ms  pt 5ms  L 5  HLC (5ms, 1)  V {A:2, B:2, C:2}
scenario fast_sender() {
  scenario s = make_scenario({"A", "B", "C"});
  s.processes[A].clock.offset = 3 * ms;
  s.script.push_back(at(1 * ms, A, action_kind::local, "a1"));
  s.script.push_back(at(1 * ms, C, action_kind::local, "c1"));
  s.script.push_back(at(2 * ms, A, action_kind::send, "m", {B}));
  s.script.push_back(at(4 * ms, B, action_kind::send, "r", {C}));
  return s;
}

clock_comparison report_of(const scenario& s, std::optional<std::uint64_t> seed = std::nullopt) {
  run_options o;
  o.seed = seed;
  const run_outcome out = run_scenario(s, o);
  return out.clocks->result();
}

// Which decade of hlc_lead_bounds a lead falls in, the obvious way.
std::size_t lead_bucket(sim_time lead) {
  std::size_t i = 0;
  while (i + 1 < hlc_lead_bounds.size() && lead >= hlc_lead_bounds[i + 1]) ++i;
  return i;
}

// Everything the report counts, pair by pair.
struct brute_force {
  std::uint64_t pairs = 0, related = 0, concurrent = 0, pt_inverted = 0, pt_tied = 0, lamport_ordered = 0,
                lamport_tied = 0, lamport_not_below = 0, event_entries = 0, message_entries = 0, messages = 0,
                hlc_behind = 0;
  sim_time worst = 0;
  sim_time lead_max = std::numeric_limits<sim_time>::min();
  std::array<std::uint64_t, hlc_lead_bounds.size()> histogram{};

  brute_force(const hb_graph& g, const recorder& rec) {
    const std::uint64_t n = g.event_count();
    for (event_id x = 1; x <= n; ++x)
      for (event_id y = x + 1; y <= n; ++y) {
        ++pairs;
        const hb_relation rel = g.relation(x, y);
        const hb_event ex = g.event(x), ey = g.event(y);
        if (rel == hb_relation::concurrent) {
          ++concurrent;
          ++(ex.lamport == ey.lamport ? lamport_tied : lamport_ordered);
          continue;
        }
        const hb_event& a = rel == hb_relation::before ? ex : ey;
        const hb_event& b = rel == hb_relation::before ? ey : ex;
        ++related;
        pt_inverted += a.pt > b.pt;
        pt_tied += a.pt == b.pt;
        lamport_not_below += a.lamport >= b.lamport;
        worst = std::max(worst, a.pt - b.pt);
      }
    for (event_id e = 1; e <= n; ++e) {
      const auto past = g.causal_past(e);
      event_entries += static_cast<std::uint64_t>(std::count_if(past.begin(), past.end(), [](auto v) { return v != 0; }));
      const hb_event x = g.event(e);
      const sim_time lead = x.hlc.l - x.pt;
      lead_max = std::max(lead_max, lead);
      if (lead < 0)
        ++hlc_behind;
      else
        ++histogram[lead_bucket(lead)];
    }
    for (const kept_event& k : rec.events) {
      if (k.r.kind != event_kind::send) continue;
      const auto past = g.causal_past(k.r.id);
      messages += k.messages.size();
      message_entries += k.messages.size() * static_cast<std::uint64_t>(
                                                 std::count_if(past.begin(), past.end(), [](auto v) { return v != 0; }));
    }
  }
};

}  // namespace

TEST_CASE("clock report: hand-derived figures on a run with a fast sender") {
  const clock_comparison r = report_of(fast_sender());
  CHECK(r.processes == 3);
  CHECK(r.events == 6);
  CHECK(r.pairs == 15);  // 6·5/2
  // Causal pasts (others excluded): A#2 {A#1}; B#1 {A#1, A#2}; B#2 {A#1, A#2, B#1};
  // C#2 {A#1, A#2, B#1, B#2, C#1}: 1 + 2 + 3 + 5 = 11 related pairs; 15 − 11 = 4 concurrent:
  // C#1 with A#1, A#2, B#1 and B#2.
  CHECK(r.related == 11);
  CHECK(r.concurrent == 4);
  // Physical time, pair by pair at each b: A#2 (5ms): A#1 4ms below. B#1 (3ms): A#1 4ms and A#2
  // 5ms above: 2 inversions. B#2 (4ms): A#2 5ms above, A#1 4ms equal, B#1 3ms below. C#2 (5ms):
  // A#2 5ms equal, the rest below. 3 inversions, 2 ties; the worst A#2 → B#1, 5ms − 3ms = 2ms.
  CHECK(r.pt_inverted == 3);
  CHECK(r.pt_tied == 2);
  REQUIRE(r.worst_inversion);
  CHECK(r.worst_inversion->a.process == A);
  CHECK(r.worst_inversion->a.seq == 2);
  CHECK(r.worst_inversion->a.label == "m");
  CHECK(r.worst_inversion->a.pt == 5 * ms);
  CHECK(r.worst_inversion->b.process == B);
  CHECK(r.worst_inversion->b.seq == 1);
  CHECK(r.worst_inversion->b.kind == event_kind::receive);
  CHECK(r.worst_inversion->b.pt == 3 * ms);
  CHECK(r.worst_inversion->by == 2 * ms);
  // Lamport on the concurrent pairs: C#1 (L 1) with A#1 (1) ties; with A#2 (2), B#1 (3), B#2 (4) ordered.
  CHECK(r.lamport_concurrent_ordered == 3);
  CHECK(r.lamport_concurrent_tied == 1);
  CHECK(r.lamport_related_not_below == 0);
  // HLC l − pt: 0, 0, 0, 5ms − 3ms = 2ms, 5ms − 4ms = 1ms, 0: four at 0, two in [1ms, 10ms); mean 3ms / 6.
  CHECK(r.hlc_lead_histogram == std::array<std::uint64_t, 9>{4, 0, 0, 0, 0, 2, 0, 0, 0});
  CHECK(r.hlc_behind == 0);
  CHECK(r.hlc_lead_max == 2 * ms);
  REQUIRE(r.hlc_lead_max_at);
  CHECK(r.hlc_lead_max_at->process == B);
  CHECK(r.hlc_lead_max_at->seq == 1);
  CHECK(r.hlc_lead_mean == doctest::Approx(500'000.0));
  // Median: the 3rd of 6 is in [0, 1); p90 and p99: the 6th, in [1ms, 10ms).
  CHECK(r.hlc_lead_quantile_below(0.5) == 1);
  CHECK(r.hlc_lead_quantile_below(0.9) == 10 * ms);
  CHECK(r.hlc_lead_quantile_below(0.99) == 10 * ms);
  // Vectors: non-zero entries 1, 1, 1, 2, 2, 3 = 10 over 6 events; m carries A#2's (1), r B#2's (2).
  CHECK(r.dense_vector_bytes() == 12);
  CHECK(r.messages == 2);
  CHECK(r.event_entries == 10);
  CHECK(r.message_entries == 3);
  CHECK(r.sparse_bytes_per_event() == doctest::Approx(80.0 / 6));
  CHECK(r.sparse_bytes_per_message() == doctest::Approx(12.0));
}

TEST_CASE("clock report: a clock stepped back and a Lamport clock that does not tick on local events") {
  scenario s = make_scenario({"A", "B"});
  s.logical.lamport = lamport_variant::no_tick_local;
  s.script.push_back(at(500'000, B, action_kind::local, "y"));
  s.script.push_back(at(1 * ms, A, action_kind::local, "x1"));
  s.script.push_back(at(2 * ms, A, action_kind::local, "x2"));
  s.script.push_back(at(3 * ms, A, action_kind::send, "m", {B}));
  s.faults.push_back({1'500'000, clock_step_fault{A, -2 * ms}, "/faults/0"});
  // B#1 y t 0.5ms pt 0.5ms L 0; A#1 x1 t 1ms pt 1ms L 0; A's clock steps back 2ms at 1.5ms;
  // A#2 x2 t 2ms pt 0 L 0; A#3 send m t 3ms pt 1ms L 1; B#2 receive m t 4ms pt 4ms L max(0, 1) + 1 = 2.
  const clock_comparison r = report_of(s);
  CHECK(r.events == 5);
  // Related: x1 → x2, m, receive; x2 → m, receive; m → receive; y → receive: 7 of 10 pairs.
  // Concurrent: y with x1, x2 and m.
  CHECK(r.related == 7);
  CHECK(r.concurrent == 3);
  // x1 (1ms) → x2 (0): inverted, within one process; x1 (1ms) → m (1ms): a tie; nothing else.
  CHECK(r.pt_inverted == 1);
  CHECK(r.pt_tied == 1);
  REQUIRE(r.worst_inversion);
  CHECK(r.worst_inversion->a.label == "x1");
  CHECK(r.worst_inversion->b.label == "x2");
  CHECK(r.worst_inversion->by == 1 * ms);
  // Lamport: x1 → x2 with L 0 and 0 breaks the clock condition. Concurrent: y (0) ties x1 (0) and
  // x2 (0), and is ordered with m (1).
  CHECK(r.lamport_related_not_below == 1);
  CHECK(r.lamport_concurrent_tied == 2);
  CHECK(r.lamport_concurrent_ordered == 1);
  // HLC: y (0.5ms, 0), x1 (1ms, 0), x2 (1ms, 1) with pt 0: 1ms ahead, m (1ms, 2), receive (4ms, 0).
  CHECK(r.hlc_lead_max == 1 * ms);
  REQUIRE(r.hlc_lead_max_at);
  CHECK(r.hlc_lead_max_at->label == "x2");
  CHECK(r.hlc_lead_histogram == std::array<std::uint64_t, 9>{4, 0, 0, 0, 0, 1, 0, 0, 0});
}

TEST_CASE("clock report: no event, one event") {
  causality truth;
  clock_report empty(truth);
  const std::vector<std::string> names{"A"};
  const scenario s = make_scenario(names);
  truth.on_start({&s, 1, names});
  empty.on_start({&s, 1, names});
  empty.on_finish({});
  CHECK(empty.result().events == 0);
  CHECK(empty.result().pairs == 0);
  CHECK_FALSE(empty.result().worst_inversion);
  CHECK_FALSE(empty.result().hlc_lead_quantile_below(0.5));
  scenario one = make_scenario(names);
  one.script.push_back(at(1 * ms, 0, action_kind::local, "only"));
  const clock_comparison r = report_of(one);
  CHECK(r.events == 1);
  CHECK(r.pairs == 0);
  CHECK(r.related == 0);
  CHECK(r.concurrent == 0);
  CHECK(r.event_entries == 1);
}

TEST_CASE("clock report: the vector line compares with the run's own scalar clocks only") {
  // Three processes: a dense vector is 3 x 4 = 12 bytes; beside it, the Lamport stamp is one 8-byte
  // word and the HLC two, quoted only when the run has them.
  const std::vector<std::string> names{"A", "B", "C"};
  const auto line = [&](std::vector<std::string> clocks) {
    scenario s = fast_sender();
    s.logical.clocks = std::move(clocks);
    std::ostringstream out;
    print_clock_report(out, report_of(s), names);
    const std::string text = out.str();
    const std::size_t at = text.find("bytes per non-zero entry)");
    REQUIRE(at != std::string::npos);
    return text.substr(at, text.find('\n', at) - at);
  };
  CHECK(line({"lamport", "vector", "hlc"}) == "bytes per non-zero entry); Lamport 8, HLC 16");
  CHECK(line({"vector", "hlc"}) == "bytes per non-zero entry); HLC 16");
  CHECK(line({"lamport", "vector"}) == "bytes per non-zero entry); Lamport 8");
  CHECK(line({"vector"}) == "bytes per non-zero entry)");
}

TEST_CASE("clock report: every count agrees with brute force over all pairs on random faulty runs") {
  // Wrong Lamport clocks make the clock condition fail, so the Lamport side is not always 0.
  const lamport_variant lamports[] = {lamport_variant::canonical, lamport_variant::no_tick_local,
                                      lamport_variant::fresh_per_event, lamport_variant::ignore_message,
                                      lamport_variant::double_tick_receive};
  std::uint64_t inverted = 0, tied = 0, not_below = 0, mismatches = 0;
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    CAPTURE(seed);
    scenario s = faulty_random_scenario();
    s.logical.lamport = lamports[seed % 5];
    recorder rec;
    hb_graph_builder builder;
    run_options o;
    o.seed = seed;
    o.observers = {&rec, &builder};
    const run_outcome out = run_scenario(s, o);
    const hb_graph g = builder.build();
    const clock_comparison& r = out.clocks->result();
    const brute_force bf(g, rec);
    const bool same = r.events == g.event_count() && r.pairs == bf.pairs && r.related == bf.related &&
                      r.concurrent == bf.concurrent && r.pt_inverted == bf.pt_inverted && r.pt_tied == bf.pt_tied &&
                      r.lamport_concurrent_ordered == bf.lamport_ordered &&
                      r.lamport_concurrent_tied == bf.lamport_tied && r.lamport_related_not_below == bf.lamport_not_below &&
                      r.event_entries == bf.event_entries && r.message_entries == bf.message_entries &&
                      r.messages == bf.messages && r.hlc_lead_max == bf.lead_max && r.hlc_behind == bf.hlc_behind &&
                      r.hlc_lead_histogram == bf.histogram &&
                      (r.worst_inversion ? r.worst_inversion->by : 0) == bf.worst;
    if (!same) {
      ++mismatches;
      CHECK(r.related == bf.related);
      CHECK(r.concurrent == bf.concurrent);
      CHECK(r.pt_inverted == bf.pt_inverted);
      CHECK(r.pt_tied == bf.pt_tied);
      CHECK(r.lamport_concurrent_ordered == bf.lamport_ordered);
      CHECK(r.lamport_concurrent_tied == bf.lamport_tied);
      CHECK(r.lamport_related_not_below == bf.lamport_not_below);
      CHECK(r.event_entries == bf.event_entries);
      CHECK(r.message_entries == bf.message_entries);
      CHECK(r.hlc_lead_max == bf.lead_max);
      CHECK(r.hlc_lead_histogram == bf.histogram);
    }
    if (r.worst_inversion) {  // the example is a real pair a → b, by what it says
      const auto& w = *r.worst_inversion;
      CHECK(g.relation(w.a.id, w.b.id) == hb_relation::before);
      CHECK(g.event(w.a.id).pt - g.event(w.b.id).pt == w.by);
    }
    inverted += r.pt_inverted;
    tied += r.pt_tied;
    not_below += r.lamport_related_not_below;
  }
  CHECK(mismatches == 0);
  // The runs are worth checking: physical time and the wrong Lamport clocks do go wrong in them.
  CHECK(inverted > 1000);
  CHECK(tied > 100);
  CHECK(not_below > 1000);
}

TEST_CASE("clock report: brute force on longer runs whose clocks resync backwards often") {
  // A few hundred events per process, clocks resynced every 2 ms with an error of ±1 ms: readings
  // go backwards along each process many times, so the counts take the block path; and A's clock
  // steps back 20 ms midway, so whole blocks of earlier readings lie above its next ones.
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    CAPTURE(seed);
    scenario s = make_scenario({"A", "B", "C"});
    for (auto& p : s.processes) p.clock.sync = clock_sync{2 * ms, distribution::normal(0, 1 * ms)};
    s.processes[1].clock.offset = 1 * ms;
    s.processes[2].clock.resolution = 500'000;  // coarse: many ties
    s.faults.push_back({25 * ms, clock_step_fault{0, -20 * ms}, "/faults/0"});
    s.network.defaults.delay = distribution::exponential(300'000);
    s.generate.push_back(random_generator{250, 0.5, distribution::exponential(200'000)});
    if (seed % 2 == 0) s.logical.lamport = lamport_variant::ignore_message;
    recorder rec;
    hb_graph_builder builder;
    run_options o;
    o.seed = seed;
    o.observers = {&rec, &builder};
    const run_outcome out = run_scenario(s, o);
    const hb_graph g = builder.build();
    const clock_comparison& r = out.clocks->result();
    const brute_force bf(g, rec);
    REQUIRE(r.events > 900);
    CHECK(r.related == bf.related);
    CHECK(r.concurrent == bf.concurrent);
    CHECK(r.pt_inverted == bf.pt_inverted);
    CHECK(r.pt_tied == bf.pt_tied);
    CHECK(r.lamport_concurrent_ordered == bf.lamport_ordered);
    CHECK(r.lamport_concurrent_tied == bf.lamport_tied);
    CHECK(r.lamport_related_not_below == bf.lamport_not_below);
    REQUIRE(r.worst_inversion);
    CHECK(r.worst_inversion->by == bf.worst);
    CHECK(r.pt_inverted > 1000);
  }
}

TEST_CASE("clock report: a replayed trace reports exactly what the live run did") {
  const scratch tmp;
  const fs::path trace = tmp / "trace.jsonl";
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    run_options o;
    o.seed = seed;
    o.trace_path = trace.string();
    const run_outcome out = run_scenario(faulty_random_scenario(), o);
    trace_reader reader(trace.string());
    causality truth;
    clock_report replayed(truth);
    event_observer* observers[] = {&truth, &replayed};
    reader.replay(observers);
    CHECK(clock_report_json(replayed.result(), replayed.process_names()) ==
          clock_report_json(out.clocks->result(), out.clocks->process_names()));
  }
}

TEST_CASE("hbsim report: a trace's report as text or JSON, bad input exits 2") {
  const scratch tmp;
  const fs::path trace = tmp / "trace.jsonl";
  // fast_sender() as a scenario file: the same run, the same figures.
  const fs::path scenario_file = tmp.write("fast_sender.json", R"({
    "name": "fast-sender",
    "processes": [{"name": "A", "clock": {"offset": "3ms"}}, "B", "C"],
    "script": [
      {"at": "1ms", "process": "A", "do": "local", "label": "a1"},
      {"at": "1ms", "process": "C", "do": "local", "label": "c1"},
      {"at": "2ms", "process": "A", "do": "send", "to": "B", "label": "m"},
      {"at": "4ms", "process": "B", "do": "send", "to": "C", "label": "r"}]})");
  const cli_result run = run_cli("run --json --trace '" + trace.string() + "' '" + scenario_file.string() + "'");
  CHECK(run.code == 0);
  const json summary = json::parse(run.out);
  for (const char* field : {"ok", "events", "messages", "violations", "expectations", "wall_seconds"})
    CHECK(summary.contains(field));
  CHECK(summary["clock_report"]["related_pairs"] == 11);

  const cli_result j = run_cli("report --json '" + trace.string() + "'");
  CHECK(j.code == 0);
  const json r = json::parse(j.out);
  CHECK(r["scenario"] == "fast-sender");
  CHECK(r["ok"] == true);  // as run, check and sweep say it: one test in a script serves them all
  CHECK(r["clock_report"] == summary["clock_report"]);  // the trace says what the run saw
  const json& c = r["clock_report"];
  CHECK(c["events"] == 6);
  CHECK(c["pairs"] == 15);
  CHECK(c["concurrent_pairs"] == 4);
  CHECK(c["physical_time"]["related_inverted"] == 3);
  CHECK(c["physical_time"]["related_tied"] == 2);
  CHECK(c["physical_time"]["worst_inversion"]["a"]["ref"] == "A#2");
  CHECK(c["physical_time"]["worst_inversion"]["b"]["ref"] == "B#1");
  CHECK(c["physical_time"]["worst_inversion"]["by_ns"] == 2 * ms);
  CHECK(c["lamport"]["concurrent_ordered"] == 3);
  CHECK(c["lamport"]["concurrent_tied"] == 1);
  CHECK(c["vector"]["dense_bytes_per_vector"] == 12);
  CHECK(c["vector"]["sparse_bytes_per_message"] == 12.0);
  CHECK(c["hlc"]["lead_max_ns"] == 2 * ms);
  CHECK(c["hlc"]["lead_max_at"]["ref"] == "B#1");
  CHECK(c["hlc"]["lead_histogram"][5] == json{{"from_ns", 1 * ms}, {"to_ns", 10 * ms}, {"events", 2}});
  CHECK(c["hlc"]["lead_p50_below_ns"] == 1);

  const cli_result text = run_cli("report '" + trace.string() + "'");
  CHECK(text.code == 0);
  CHECK(text.out.find("clocks compared") != std::string::npos);
  CHECK(text.out.find("3 of 11 related pairs (27.3%) have pt in the wrong order") != std::string::npos);
  CHECK(text.out.find("worst: A#2 send \"m\" at pt 5ms -> B#1 receive \"m\" at pt 3ms, 2ms backwards") !=
        std::string::npos);

  CHECK(run_cli("report /nonexistent/trace.jsonl").code == 2);
  CHECK(run_cli("report '" + scenario_file.string() + "'").code == 2);  // a scenario, not a trace
  CHECK(run_cli("report").code == 2);
}

TEST_CASE("clock report: the matrix kind's bytes and edges, derived by hand on lessons 20 and 21") {
  const scratch tmp;
  const fs::path trace = tmp / "trace.jsonl";
  // Lesson 20's matrices have 1 (A#1), 1 (A#2), 3 (B#1), 3 (B#2), 6 (C#1), 6 (C#2) and 8 (A#3)
  // non-zero entries: 28, at 8 bytes each 224 bytes over 7 events, 32.0 per event. Its 3 messages
  // carry A#2's, B#2's and C#2's matrices: 1 + 3 + 6 entries, 80 bytes, 26.7 per message. Its edges:
  // process order A#1 -> A#2, A#2 -> A#3, B#1 -> B#2, C#1 -> C#2, messages A#2 -> B#1, B#2 -> C#1,
  // C#2 -> A#3; the own rows (the vector clocks) order all 7 a before b.
  const std::string lesson20 = source_path("scenarios/teaching/20_matrix_knowledge.json");
  const cli_result run = run_cli("run --json --trace '" + trace.string() + "' '" + lesson20 + "'");
  REQUIRE(run.code == 0);
  const json report = json::parse(run.out)["clock_report"];
  const json& m = report["matrix"];
  CHECK(m["encoding"] == "sparse, 8 bytes per non-zero entry; dense 3 x 3 x 4 = 36");
  CHECK(m["event_bytes"] == 224);
  CHECK(m["bytes_per_event"] == 32.0);
  CHECK(m["message_bytes"] == 80);
  CHECK(m["bytes_per_message"].get<double>() == doctest::Approx(80.0 / 3));
  CHECK(m["edges"] == 7);
  CHECK(m["edges_broken"] == 0);
  CHECK(m["edges_undecided"] == 0);
  CHECK_FALSE(report.contains("lamport"));  // not chosen
  const std::string line20 =
      "  matrix         32.0 bytes per event, 26.7 per message (sparse, 8 bytes per non-zero entry; dense 3 x 3 x 4 = 36)\n"
      "                 orders all 7 edges a -> b (process order and messages) as a before b\n";
  CHECK(run_cli("run '" + lesson20 + "'").out.find(line20) != std::string::npos);
  const cli_result text = run_cli("report '" + trace.string() + "'");
  CHECK(text.out.find(line20) != std::string::npos);
  CHECK(json::parse(run_cli("report --json '" + trace.string() + "'").out)["clock_report"] == report);

  // Lesson 21, row-not-merged: A#1 {A:{A:1}}, A#2 {A:{A:2}}, B#1 {A:{A:2}, B:{B:1}}, B#2 {A:{A:2},
  // B:{B:2}}, C#1 {A:{A:2}, B:{B:2}, C:{C:1}}: 1 + 1 + 2 + 2 + 3 = 9 entries, 72 bytes over 5 events,
  // 14.4; messages A#2 (1) and B#2 (2): 24 bytes, 12.0 each. Of its 4 edges the process order ones
  // hold; on the message edges the own rows {A:2} and {B:1}, then {B:2} and {C:1}, are concurrent.
  const cli_result wrong = run_cli("run '" + source_path("scenarios/teaching/21_matrix_row_not_merged.json") + "'");
  CHECK(wrong.out.find("  matrix         14.4 bytes per event, 12.0 per message (sparse, 8 bytes per non-zero "
                       "entry; dense 3 x 3 x 4 = 36)\n                 on 4 edges a -> b (process order and messages): "
                       "2 broken (b before a, equal or concurrent), 0 undecided\n") != std::string::npos);
}
