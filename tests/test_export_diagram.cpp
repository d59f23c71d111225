// The diagrams hbsim draws itself (`--to svg`, `--to html`): the SVG's structure (one lane per
// process, one mark per event, an arrow per delivered message, a cross per drop, fault marks), the
// size limit and its message, the selection options, a page that fetches nothing, and, in headless
// Chromium, that clicking an event highlights exactly its causal past and future as the
// happens-before graph computes them from the trace, also when a wrong vector clock recorded
// something else.
#include <doctest/doctest.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli_fixture.hpp"
#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/trace/trace_reader.hpp"

using namespace hbsim;
using namespace hbsim::testing;
namespace fs = std::filesystem;

namespace {

// Runs a shipped scenario into a trace; `extra` may add --variant. The run's exit code is not the
// point here (a wrong clock variant fails the run).
std::string trace_of(const scratch& tmp, const std::string& scenario, const std::string& extra = "") {
  const std::string trace = tmp / (fs::path(scenario).stem().string() + ".jsonl");
  const cli_result r = run_cli("run '" + source_path(scenario) + "' --trace '" + trace + "' " + extra);
  REQUIRE_MESSAGE(fs::exists(trace), r.err);
  return trace;
}

std::string exported(const scratch& tmp, const std::string& trace, const std::string& format,
                     const std::string& options = "") {
  const std::string out = tmp / ("out." + format);
  const cli_result r = run_cli("export '" + trace + "' --to " + format + " -o '" + out + "' " + options);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return read_file(out);
}

// What the trace holds, counted from its lines.
struct trace_counts {
  std::size_t events = 0, delivered = 0, rejected = 0, drops = 0;
  std::set<std::string> processes;
};
trace_counts count(const std::string& trace, const std::set<std::string>& only = {}, long long from = LLONG_MIN,
                   long long until = LLONG_MAX) {
  trace_counts c;
  std::map<long long, std::string> process_of;  // event id -> process
  std::ifstream in(trace);
  std::string line;
  auto shown = [&](const std::string& p) { return only.empty() || only.contains(p); };
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j["type"] == "header")
      for (const auto& p : j["processes"]) c.processes.insert(p.get<std::string>());
    if (j["type"] == "drop") ++c.drops;
    if (j["type"] != "event") continue;
    const auto id = j["id"].get<long long>();
    const auto time = j["time"].get<long long>();
    const auto p = j["process"].get<std::string>();
    if (!shown(p) || time < from || time > until) continue;
    process_of[id] = p;
    ++c.events;
    if (j["kind"] == "receive" && process_of.contains(j["send"].get<long long>())) ++c.delivered;
    if (j["kind"] == "reject" && process_of.contains(j["send"].get<long long>())) ++c.rejected;
  }
  return c;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Start and end tags balance, in order (the SVG has no comments, CDATA or unescaped '<').
bool balanced(const std::string& xml) {
  std::vector<std::string> open;
  for (std::size_t at = xml.find('<'); at != std::string::npos; at = xml.find('<', at + 1)) {
    const std::size_t end = xml.find('>', at);
    if (end == std::string::npos) return false;
    const std::string tag = xml.substr(at + 1, end - at - 1);
    if (tag.starts_with('?')) continue;
    if (tag.starts_with('/')) {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
    } else if (!tag.ends_with('/')) {
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
  }
  return open.empty();
}

hb_graph graph_of(const std::string& trace) {
  trace_reader reader(trace);
  hb_graph_builder builder(trace);
  event_observer* observers[] = {&builder};
  reader.replay(observers);
  return builder.build();
}

struct highlight {
  std::set<event_id> selected, past, future;
};

// Loads the page in headless Chromium with #select=ID, which makes the page click that event, and
// reads the classes of the event dots from the DOM it dumps.
highlight click(const scratch& tmp, const std::string& html, event_id id) {
  REQUIRE_MESSAGE(fs::exists("/usr/bin/chromium"), "the diagram tests need chromium (tools/setup.sh installs it)");
  const std::string dom = tmp / "dom.html", profile = tmp / "chromium-profile";
  const std::string cmd = "timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run "
                          "--user-data-dir='" + profile + "' --virtual-time-budget=5000 --dump-dom 'file://" + html +
                          "#select=" + std::to_string(id) + "' >'" + dom + "' 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  highlight h;
  const std::string text = read_file(dom);
  static const std::regex dot(R"re(<circle class="([^"]*)" data-event="(\d+)")re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), dot); it != std::sregex_iterator(); ++it) {
    // Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string at -O3.
    const std::string classes = std::string(" ").append((*it)[1].str()).append(" ");
    const event_id e = std::stoull((*it)[2].str());
    if (classes.find(" sel ") != std::string::npos) h.selected.insert(e);
    if (classes.find(" past ") != std::string::npos) h.past.insert(e);
    if (classes.find(" future ") != std::string::npos) h.future.insert(e);
  }
  return h;
}

// The page's highlight for `id` is the ground-truth relation of the trace.
void check_click(const scratch& tmp, const std::string& html, const hb_graph& g, event_id id) {
  CAPTURE(id);
  std::set<event_id> past, future;
  for (event_id e = 1; e <= g.event_count(); ++e) {
    if (g.relation(e, id) == hb_relation::before) past.insert(e);
    if (g.relation(e, id) == hb_relation::after) future.insert(e);
  }
  const highlight h = click(tmp, html, id);
  CHECK(h.selected == std::set<event_id>{id});
  CHECK(h.past == past);
  CHECK(h.future == future);
}

}  // namespace

TEST_CASE("diagram svg: a lane per process, a mark per event, an arrow per delivered message, a cross per drop") {
  scratch tmp;
  for (const char* name : {"three_clocks", "partition_drop", "partition_hold", "crash_persist_all",
                           "loss_and_duplication", "hlc_max_offset", "pause_and_clock_step"}) {
    CAPTURE(name);
    const std::string trace = trace_of(tmp, std::string("scenarios/") + name + ".json");
    const std::string svg = exported(tmp, trace, "svg");
    const trace_counts c = count(trace);
    CHECK(svg.starts_with("<?xml"));
    CHECK(balanced(svg));
    CHECK(occurrences(svg, "<line class=\"lane\"") == c.processes.size());
    CHECK(occurrences(svg, "<circle class=\"ev ") == c.events);
    CHECK(occurrences(svg, "class=\"msg\"") == c.delivered);
    CHECK(occurrences(svg, "class=\"rejected\"") == c.rejected);
    CHECK(occurrences(svg, "class=\"drop-x\"") == c.drops);
    CHECK(occurrences(svg, "<title>") >= c.events);  // every event keeps a tooltip
  }
}

// Lesson 40: Chitra's causal layer holds Bilal's reply (m4, arrived 2.5 ms) until the question arrives at
// 10 ms: its arrow ends where it arrived, and a bar along her lane leads to the receive.
TEST_CASE("diagram svg: a message a delivery group held back ends at its arrival, then waits along the lane") {
  scratch tmp;
  const std::string trace = trace_of(tmp, "scenarios/teaching/40_causal_reply_overtakes.json");
  const std::string svg = exported(tmp, trace, "svg");
  CHECK(balanced(svg));
  CHECK(occurrences(svg, "class=\"msg\"") == count(trace).delivered);
  REQUIRE(occurrences(svg, "<path class=\"held\"") == 1);
  CHECK(occurrences(svg, "arrived 2.5ms, held back 7.5ms, received 10ms</title>") == 2);  // the arrow's and the bar's
  CHECK(occurrences(svg, "\narrived 2.5ms, held back 7.5ms") == 1);                       // the receive's tooltip
  // The bar lies on the lane, from the arrival's column to the receive's dot.
  static const std::regex bar(R"re(<path class="held" data-event="6" d="M(\d+) (\d+)L(\d+) (\d+)")re");
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, bar));
  CHECK(m[2] == m[4]);
  CHECK(std::stoi(m[1]) < std::stoi(m[3]));
}

TEST_CASE("diagram svg: faults are drawn over their span") {
  scratch tmp;
  const std::string partition = exported(tmp, trace_of(tmp, "scenarios/partition_drop.json"), "svg");
  CHECK(occurrences(partition, "<rect class=\"partition\"") == 1);
  CHECK(occurrences(partition, "<rect class=\"cut\"") == 1);
  CHECK(partition.find(">partition A | B C<") != std::string::npos);
  CHECK(partition.find(">cut B → A<") != std::string::npos);
  CHECK(partition.find(">partition<") != std::string::npos);  // a drop's reason

  const std::string pause = exported(tmp, trace_of(tmp, "scenarios/pause_and_clock_step.json"), "svg");
  CHECK(occurrences(pause, "<rect class=\"pause\"") == 2);
  CHECK(occurrences(pause, "class=\"step\"") == 2);
  CHECK(pause.find("B paused, clock frozen, 10ms–30ms") != std::string::npos);

  const std::string crash = exported(tmp, trace_of(tmp, "scenarios/crash_persist_all.json"), "svg");
  CHECK(occurrences(crash, "class=\"crash-mark\"") == 1);
  CHECK(occurrences(crash, "class=\"restart-mark\"") == 1);
  CHECK(occurrences(crash, "<line class=\"down\"") == 1);
  CHECK(crash.find(">crashed<") != std::string::npos);
}

TEST_CASE("diagram svg: a live run's export equals the export of its trace, byte for byte") {
  scratch tmp;
  for (const char* name : {"partition_drop", "pause_and_clock_step", "crash_persist_all", "loss_and_duplication"}) {
    CAPTURE(name);
    const std::string live = tmp / "live.svg", trace = tmp / "t.jsonl";
    const cli_result r = run_cli("run '" + source_path(std::string("scenarios/") + name + ".json") + "' --trace '" +
                                 trace + "' --export 'svg=" + live + "' --export 'html=" + tmp / "live.html" + "'");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(read_file(live) == exported(tmp, trace, "svg"));
    CHECK(read_file(tmp / "live.html") == exported(tmp, trace, "html"));
  }
}

TEST_CASE("diagram selection: --processes, --from/--until, --clocks") {
  scratch tmp;
  const std::string trace = trace_of(tmp, "scenarios/three_clocks.json");

  const std::string two = exported(tmp, trace, "svg", "--processes A,C");
  const trace_counts ac = count(trace, {"A", "C"});
  CHECK(occurrences(two, "<line class=\"lane\"") == 2);
  CHECK(occurrences(two, "<circle class=\"ev ") == ac.events);
  CHECK(occurrences(two, "class=\"msg\"") == ac.delivered);
  CHECK(two.find(">B<") == std::string::npos);

  const std::string window = exported(tmp, trace, "svg", "--from 2ms --until 5ms");
  const trace_counts w = count(trace, {}, 2'000'000, 5'000'000);
  CHECK(w.events > 0);
  CHECK(w.events < count(trace).events);
  CHECK(occurrences(window, "<circle class=\"ev ") == w.events);
  CHECK(occurrences(window, "class=\"msg\"") == w.delivered);
  CHECK(window.find(">2ms<") != std::string::npos);  // the window's ends are on the axis
  const cli_result backwards = run_cli("export '" + trace + "' --to json --from 4ms --until 2ms -o '" + (tmp / "w.json") + "'");
  CHECK(backwards.code == 2);
  CHECK(backwards.err.find("hbsim: --until: expected a time at or after --from (4ms), found 2ms") != std::string::npos);
  CHECK(!fs::exists(tmp / "w.json"));

  static const std::regex label(R"re(<text class="lbl" data-event="\d+" x="\d+" y="\d+">([^<]*)<)re");
  auto labels = [&](const std::string& svg) {
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label); it != std::sregex_iterator(); ++it)
      out.push_back((*it)[1].str());
    return out;
  };
  const std::vector<std::string> lamport = labels(exported(tmp, trace, "svg", "--clocks lamport"));
  REQUIRE(lamport.size() == count(trace).events);  // ten events: every one labelled
  CHECK(lamport.front() == "1");
  for (const std::string& l : labels(exported(tmp, trace, "svg", "--clocks vector"))) CHECK(std::regex_match(l, std::regex(R"(\[\d+,\d+,\d+\])")));
  for (const std::string& l : labels(exported(tmp, trace, "svg", "--clocks hlc,lamport"))) CHECK(std::regex_match(l, std::regex(R"(\(-?[0-9.]+(ns|us|ms|s),\d+\))")));
  CHECK(labels(exported(tmp, trace, "svg", "--clocks vector --processes A,B")).front() == "[1,0]");
}

TEST_CASE("diagram size limit: refused with the counts and a hint, exit 2, no file left") {
  scratch tmp;
  const std::string trace = trace_of(tmp, "scenarios/random_100k.json");
  const std::string out = tmp / "big.svg";
  for (const char* format : {"svg", "html"}) {
    CAPTURE(format);
    const cli_result r = run_cli("export '" + trace + "' --to " + format + " -o '" + out + "'");
    CHECK(r.code == 2);
    CHECK(r.err.find(std::to_string(count(trace).events) + " events of 10 processes selected") != std::string::npos);
    CHECK(r.err.find("at most 5000 events and 64 processes") != std::string::npos);
    CHECK(r.err.find("--from and --until") != std::string::npos);
    CHECK(r.err.find("--processes") != std::string::npos);
    CHECK(std::distance(fs::directory_iterator(tmp.dir), fs::directory_iterator()) == 1);  // the trace only
  }
  const std::string window = exported(tmp, trace, "svg", "--until 78ms");
  const trace_counts w = count(trace, {}, LLONG_MIN, 78'000'000);
  CHECK(w.events > 900);
  CHECK(occurrences(window, "<circle class=\"ev ") == w.events);
  const std::string vectors = exported(tmp, trace, "svg", "--until 78ms --clocks vector");
  CHECK(occurrences(vectors, "<text class=\"lbl\"") < w.events / 2);  // too dense to label every event
  CHECK(occurrences(vectors, "<title>") >= w.events);                   // but every one has its tooltip

  // 70 processes, a broadcast: few events but too many lanes, unless a subset is chosen.
  nlohmann::json wide = {{"name", "wide"}, {"processes", nlohmann::json::array()}};
  for (int i = 0; i < 70; ++i) wide["processes"].push_back(std::string("p").append(std::to_string(i)));
  wide["script"] = {{{"at", "1ms"}, {"process", "p0"}, {"do", "broadcast"}}};
  std::ofstream(tmp / "wide.json") << wide.dump();
  const std::string wide_trace = tmp / "wide.jsonl";
  REQUIRE(run_cli("run '" + tmp / "wide.json" + "' --trace '" + wide_trace + "'").code == 0);
  const cli_result r = run_cli("export '" + wide_trace + "' --to svg -o '" + out + "'");
  CHECK(r.code == 2);
  CHECK(r.err.find("found 70 processes selected (narrow the selection: fewer processes with --processes)") !=
        std::string::npos);  // known from the header, before any event is read
  CHECK(!fs::exists(out));
  const std::string subset = exported(tmp, wide_trace, "svg", "--processes p0,p1,p2");
  CHECK(occurrences(subset, "<line class=\"lane\"") == 3);
  CHECK(occurrences(subset, "class=\"msg\"") == 2);
}

TEST_CASE("diagram tooltips keep 64 vector entries beyond the lanes' own, and count the rest") {
  // p1..p69 each send to p0 at 1 ms; p0 receives the 69 messages at 2 ms, then tallies at 5 ms. By the
  // vector rules the tally's vector is p0:70 (69 receives and itself) and pk:1 for every other k: 70
  // non-zero entries. Shown with lanes p0 and p69, the tooltip lists p0..p63 (the first 64), then p69
  // (a lane's), then says the 5 others, p64..p68, are left out.
  scratch tmp;
  nlohmann::json wide = {{"name", "fan-in"}, {"processes", {{"count", 70}, {"prefix", "p"}}}};
  for (int i = 1; i < 70; ++i)
    wide["script"].push_back({{"at", "1ms"}, {"process", std::string("p").append(std::to_string(i))}, {"do", "send"}, {"to", "p0"}});
  wide["script"].push_back({{"at", "5ms"}, {"process", "p0"}, {"do", "local"}, {"label", "tally"}});
  std::ofstream(tmp / "fan_in.json") << wide.dump();
  const std::string trace = tmp / "fan_in.jsonl";
  REQUIRE(run_cli("run '" + tmp / "fan_in.json" + "' --trace '" + trace + "'").code == 0);
  std::string expected = "vector {p0:70";
  for (int i = 1; i < 64; ++i) expected.append(", p").append(std::to_string(i)).append(":1");
  expected += ", p69:1, ... 5 more}";
  for (const char* format : {"svg", "html"}) {
    CAPTURE(format);
    const std::string out = exported(tmp, trace, format, "--processes p0,p69");
    CHECK(out.find(expected.substr(std::string_view(format) == "svg" ? 0 : 7)) != std::string::npos);
  }
  // A label shows the lanes' entries only: p0 and p69.
  CHECK(exported(tmp, trace, "svg", "--processes p0,p69 --clocks vector").find(">[70,1]<") != std::string::npos);
}

TEST_CASE("diagram html: self-contained, with the diagram, the data and the clock switch") {
  scratch tmp;
  const std::string trace = trace_of(tmp, "scenarios/partition_drop.json");
  const std::string html = exported(tmp, trace, "html");
  static const std::regex url(R"(https?://[^"'\s<>)]*)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator(); ++it)
    CHECK(it->str() == "http://www.w3.org/2000/svg");
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(occurrences(html, "<svg ") == 1);
  CHECK(occurrences(html, "<circle class=\"ev ") == count(trace).events);
  CHECK(occurrences(html, "name=\"clock\"") == 3);
  CHECK(occurrences(exported(tmp, trace, "html", "--clocks hlc"), "name=\"clock\"") == 1);
  CHECK(html.find("id=\"hb-data\"") != std::string::npos);
  CHECK(html.find("<table id=\"events\"") != std::string::npos);
}

TEST_CASE("diagram html in headless chromium: a click highlights the causal past and future") {
  scratch tmp;
  SUBCASE("three clocks") {
    const std::string trace = trace_of(tmp, "scenarios/three_clocks.json");
    const std::string html = tmp / "three.html";
    REQUIRE(run_cli("export '" + trace + "' --to html -o '" + html + "'").code == 0);
    const hb_graph g = graph_of(trace);
    for (const event_id e : {event_id{1}, g.event_count() / 2, g.event_count()}) check_click(tmp, html, g, e);
  }
  SUBCASE("dropped messages") {
    const std::string trace = trace_of(tmp, "scenarios/partition_drop.json");
    const std::string html = tmp / "drop.html";
    REQUIRE(run_cli("export '" + trace + "' --to html -o '" + html + "'").code == 0);
    const hb_graph g = graph_of(trace);
    // A:lost is the send of a dropped message: nothing of B or C follows from it.
    const event_id lost = g.resolve("A:lost");
    check_click(tmp, html, g, lost);
    check_click(tmp, html, g, g.resolve("B:inside"));
  }
  SUBCASE("a wrong vector clock: the ground truth, not the recorded vectors") {
    const std::string trace = trace_of(tmp, "scenarios/three_clocks.json", "--variant vector=no-merge");
    const std::string html = tmp / "variant.html";
    REQUIRE(run_cli("export '" + trace + "' --to html -o '" + html + "'").code == 0);
    const hb_graph g = graph_of(trace);
    // An event whose past by recorded vectors (V(e) <= V(x)) is not its causal past.
    auto vector_past = [&](event_id x) {
      std::set<event_id> out;
      const std::vector<std::uint32_t> vx = g.recorded_vector(x);
      for (event_id e = 1; e <= g.event_count(); ++e) {
        const std::vector<std::uint32_t> ve = g.recorded_vector(e);
        bool le = e != x;
        for (std::size_t j = 0; j < ve.size(); ++j) le = le && ve[j] <= (j < vx.size() ? vx[j] : 0);
        if (le) out.insert(e);
      }
      return out;
    };
    event_id chosen = 0;
    for (event_id x = 1; x <= g.event_count() && chosen == 0; ++x) {
      std::set<event_id> past;
      for (event_id e = 1; e <= g.event_count(); ++e)
        if (g.happens_before(e, x)) past.insert(e);
      if (past != vector_past(x)) chosen = x;
    }
    REQUIRE(chosen != 0);
    check_click(tmp, html, g, chosen);
    check_click(tmp, html, g, g.event_count());
  }
}

namespace {

// The page's hover panel for event `id`: the page is copied with a script at its end that moves the mouse
// over the event's dot, as a user does, and writes the panel's text into the DOM Chromium dumps.
std::string hover(const scratch& tmp, const std::string& html, event_id id) {
  REQUIRE_MESSAGE(fs::exists("/usr/bin/chromium"), "the diagram tests need chromium (tools/setup.sh installs it)");
  std::string page = read_file(html);
  const std::string script =
      "<script>const c = document.querySelector('circle.ev[data-event=\"" + std::to_string(id) +
      "\"]'); const r = c.getBoundingClientRect(); c.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, "
      "clientX: r.x, clientY: r.y})); const p = document.createElement('pre'); p.id = 'tip-text'; "
      "p.textContent = document.getElementById('tip').textContent; document.body.appendChild(p);</script>";
  page.insert(page.rfind("</body>"), script);
  const std::string hovered = tmp / "hovered.html", dom = tmp / "hovered-dom.html", profile = tmp / "chromium-profile";
  std::ofstream(hovered) << page;
  const std::string cmd = "timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run "
                          "--user-data-dir='" + profile + "' --virtual-time-budget=5000 --dump-dom 'file://" + hovered +
                          "' >'" + dom + "' 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string text = read_file(dom);
  const auto from = text.find("<pre id=\"tip-text\">");
  REQUIRE(from != std::string::npos);
  const auto start = from + std::string_view("<pre id=\"tip-text\">").size();
  return text.substr(start, text.find("</pre>", start) - start);
}

}  // namespace

TEST_CASE("diagram tooltips show the clocks the run keeps and no others") {
  scratch tmp;
  // Lesson 20 keeps vector and matrix clocks. B's first event receives A's message sent at A's second
  // event: V = max({A:2}, {}) with B's own entry ticked, {A:2, B:1}; B's matrix row is that vector, and
  // its row of A is what the message carried of A's knowledge, A's own vector {A:2}.
  const std::string matrix = trace_of(tmp, "scenarios/teaching/20_matrix_knowledge.json");
  const std::string html = tmp / "matrix.html";
  REQUIRE(run_cli("export '" + matrix + "' --to html -o '" + html + "'").code == 0);
  const std::string tip = hover(tmp, html, 3);
  CHECK(tip.find("B#1 receive") == 0);
  CHECK(tip.find("\nvector {A:2, B:1}") != std::string::npos);
  CHECK(tip.find("\nmatrix {A:{A:2}, B:{A:2, B:1}}") != std::string::npos);
  CHECK(tip.find("lamport") == std::string::npos);  // the run has no Lamport clock and no HLC
  CHECK(tip.find("hlc") == std::string::npos);
  const std::string svg = exported(tmp, matrix, "svg");
  CHECK(svg.find("time 3ms, pt 3ms\nvector {A:2, B:1}\nmatrix {A:{A:2}, B:{A:2, B:1}}</title>") != std::string::npos);
  CHECK(svg.find("\nlamport ") == std::string::npos);
  // --clocks chooses what the tooltips show as well as the labels.
  const std::string chosen = exported(tmp, matrix, "svg", "--clocks matrix");
  CHECK(chosen.find("\nvector ") == std::string::npos);
  CHECK(chosen.find("\nmatrix {A:{A:2}, B:{A:2, B:1}}</title>") != std::string::npos);
}
