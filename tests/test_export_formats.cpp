// The export formats (dot, graphml, json, shiviz, perfetto), each read back with a reader of its own
// kind and compared with the run: scenarios/three_clocks.json against the values its notes derive
// by hand, a random lossy run against counts taken from its trace; then the selection and failures.
#include <doctest/doctest.h>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/graph/graphviz.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Runs a scenario (plus `args`, the run exiting with `code`) and returns its trace, in `tmp`.
fs::path trace_of(const scratch& tmp, const std::string& scenario, const std::string& name, const std::string& args = "",
                  int code = 0) {
  const fs::path t = tmp / (name + ".jsonl");
  const cli_result r = run_cli("run '" + scenario + "' --trace '" + t.string() + "' " + args);
  REQUIRE_MESSAGE(r.code == code, r.err);
  return t;
}

fs::path three_clocks(const scratch& tmp) { return trace_of(tmp, source_path("scenarios/three_clocks.json"), "three"); }

// `hbsim export TRACE --to FORMAT ARGS -o FILE`; the file's contents.
std::string exported(const fs::path& trace, const std::string& format, const std::string& args = "") {
  const scratch tmp;
  const fs::path out = tmp / ("out." + format);
  const cli_result r = run_cli("export '" + trace.string() + "' --to " + format + " " + args + " -o '" + out.string() + "'");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return read_file(out);
}

// A random run over lossy, duplicating links, written as a scenario file in `tmp`.
fs::path random_scenario(const scratch& tmp) {
  return tmp.write("random.json", R"({"hbsim": 1, "name": "random-lossy", "seed": 7,
    "processes": ["p0", "p1", "p2", "p3", "p4", "p5"],
    "network": {"delay": {"dist": "uniform", "min": "100us", "max": "3ms"}, "loss": 0.05, "duplicate": 0.05},
    "generate": {"kind": "random", "events": 300, "send_ratio": 0.5, "interval": "1ms"}})");
}

// What a trace says the export must hold, by the rules of sim/views/export_edges.hpp.
struct trace_counts {
  std::size_t events = 0, program = 0, message = 0, drops = 0, receives = 0;
  std::size_t processes = 0;
  std::map<std::string, std::size_t> per_process;
};
trace_counts count_trace(const fs::path& trace) {
  trace_counts c;
  std::ifstream in(trace);
  std::string line;
  std::map<std::string, std::uint64_t> last;
  while (std::getline(in, line)) {
    const json j = json::parse(line);
    if (j["type"] == "header") c.processes = j["processes"].size();
    if (j["type"] == "drop") ++c.drops;
    if (j["type"] != "event") continue;
    ++c.events;
    ++c.per_process[j["process"]];
    const std::uint64_t id = j["id"], previous = last[j["process"]];
    const std::uint64_t send = j["kind"] == "receive" ? j["send"].get<std::uint64_t>() : 0;
    if (j["kind"] == "receive" || j["kind"] == "reject") ++c.receives;
    if (send) ++c.message;
    if (previous && previous != send) ++c.program;
    last[j["process"]] = id;
  }
  return c;
}

// The hand-derived values of scenarios/three_clocks.json's expectations, by "process:label#k".
struct expected_event {
  std::uint64_t lamport;
  std::map<std::string, std::uint64_t> vector;
  std::int64_t hlc_l;
  std::uint64_t hlc_c;
};
const std::map<std::string, expected_event>& three_clocks_expected() {
  static const std::map<std::string, expected_event> e{
      {"A:prepare", {1, {{"A", 1}}, 2'000'000, 0}},
      {"A:hello", {2, {{"A", 2}}, 3'000'000, 0}},
      {"B:draft", {1, {{"B", 1}}, 1'500'000, 0}},
      {"C:idle", {1, {{"C", 1}}, 500'000, 0}},
      {"B:hello", {3, {{"A", 2}, {"B", 2}}, 3'000'000, 1}},
      {"B:relay", {4, {{"A", 2}, {"B", 3}}, 3'000'000, 2}},
      {"C:relay", {5, {{"A", 2}, {"B", 3}, {"C", 2}}, 3'000'000, 3}},
      {"C:news", {6, {{"A", 2}, {"B", 3}, {"C", 3}}, 3'000'000, 4}},
      {"A:news", {7, {{"A", 3}, {"B", 3}, {"C", 3}}, 7'000'000, 0}},
      {"B:news", {7, {{"A", 2}, {"B", 4}, {"C", 3}}, 5'000'000, 0}},
  };
  return e;
}
// Event ids of three_clocks, in execution order: A:prepare 1, A:hello 2, B:draft 3, C:idle 4, B:hello 5,
// B:relay 6, C:relay 7, C:news 8, A:news 9, B:news 10. Message edges: hello 2->5, relay 6->7, news 8->9
// and 8->10; program edges: A 1->2->9, B 3->5->6->10, C 4->7->8.
const std::set<std::pair<std::uint64_t, std::uint64_t>> three_messages{{2, 5}, {6, 7}, {8, 9}, {8, 10}};
const std::set<std::pair<std::uint64_t, std::uint64_t>> three_program{{1, 2}, {2, 9}, {3, 5}, {5, 6}, {6, 10}, {4, 7}, {7, 8}};

using links = std::set<std::pair<std::uint64_t, std::uint64_t>>;
std::pair<links, links> json_links(const json& j) {
  links program, message;
  for (const json& l : j["links"]) (l["kind"] == "message" ? message : program).emplace(l["source"], l["target"]);
  return {program, message};
}

// read_graphml converts a value to the C++ type its key's attr.type names ("long": long).
struct graphml_node {
  long event = 0, seq = 0, lamport = 0, hlc_c = 0, time = 0, pt = 0, hlc_l = 0, arrived = 0;
  std::string process, kind, label, vector;
};
struct graphml_edge {
  std::string kind;
};
using graphml_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, graphml_node, graphml_edge>;

graphml_graph read_graphml_text(const std::string& text) {
  graphml_graph g;
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("event", boost::get(&graphml_node::event, g));
  dp.property("seq", boost::get(&graphml_node::seq, g));
  dp.property("lamport", boost::get(&graphml_node::lamport, g));
  dp.property("hlc_c", boost::get(&graphml_node::hlc_c, g));
  dp.property("hlc_l", boost::get(&graphml_node::hlc_l, g));
  dp.property("time", boost::get(&graphml_node::time, g));
  dp.property("pt", boost::get(&graphml_node::pt, g));
  dp.property("arrived", boost::get(&graphml_node::arrived, g));
  dp.property("process", boost::get(&graphml_node::process, g));
  dp.property("kind", boost::get(&graphml_node::kind, g));
  dp.property("label", boost::get(&graphml_node::label, g));
  dp.property("vector", boost::get(&graphml_node::vector, g));
  dp.property("kind", boost::get(&graphml_edge::kind, g));
  std::istringstream in(text);
  boost::read_graphml(in, g, dp);
  return g;
}

// A GraphML vector attribute, "A:2 B:3", as a JSON object.
json vector_text(const std::string& text) {
  json out = json::object();
  std::istringstream in(text);
  std::string entry;
  while (in >> entry) {
    const std::size_t colon = entry.find(':');
    out[entry.substr(0, colon)] = std::stoull(entry.substr(colon + 1));
  }
  return out;
}

struct dot_node {
  std::string id, label, shape;
};
struct dot_edge {
  std::string style, label;
};
using dot_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, dot_node, dot_edge>;

dot_graph read_dot_text(const std::string& text) {
  dot_graph g;
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("node_id", boost::get(&dot_node::id, g));
  dp.property("label", boost::get(&dot_node::label, g));
  dp.property("shape", boost::get(&dot_node::shape, g));
  dp.property("style", boost::get(&dot_edge::style, g));
  dp.property("label", boost::get(&dot_edge::label, g));
  REQUIRE(boost::read_graphviz(text, g, dp, "node_id"));
  return g;
}

std::string label_of(const dot_graph& g, const std::string& node) {
  for (auto v : boost::make_iterator_range(boost::vertices(g)))
    if (g[v].id == node) return g[v].label;
  return "(no node " + node + ")";
}

// Renders DOT text with Graphviz; its exit code.
int render(const std::string& text) {
  const scratch tmp;
  const fs::path in = tmp.write("render.dot", text), out = tmp / "render.svg";
  const int status = std::system(("dot -Tsvg '" + in.string() + "' -o '" + out.string() + "' 2>/dev/null").c_str());
  const bool drawn = fs::exists(out) && fs::file_size(out) > 0;
  return WIFEXITED(status) && drawn ? WEXITSTATUS(status) : -1;
}

// `hbsim check --json` of a ShiViz log.
json check_log(const std::string& text) {
  const temp_file log("check.log", text);
  const cli_result r = run_cli("check '" + log.str() + "' --json");
  CHECK_MESSAGE(r.code == 0, r.out, r.err);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("export json: node-link data with the hand-derived clocks of three_clocks") {
  const scratch tmp;
  const fs::path trace = three_clocks(tmp);
  const json j = json::parse(exported(trace, "json"));
  CHECK(j["directed"] == true);
  CHECK(j["multigraph"] == false);
  CHECK(j["graph"]["scenario"] == "three-clocks");
  CHECK(j["graph"]["seed"] == 1);
  REQUIRE(j["nodes"].size() == 10);
  std::map<std::string, int> seen;
  for (const json& n : j["nodes"]) {
    const std::string ref = n["process"].get<std::string>() + ":" + n["label"].get<std::string>();
    CAPTURE(ref);
    REQUIRE(three_clocks_expected().contains(ref));
    const expected_event& x = three_clocks_expected().at(ref);
    CHECK(n["lamport"] == x.lamport);
    CHECK(n["vector"] == json(x.vector));
    CHECK(n["hlc_l"] == x.hlc_l);
    CHECK(n["hlc_c"] == x.hlc_c);
    ++seen[ref];
  }
  CHECK(seen.size() == 10);
  // A:hello: sent at t = 1ms with A's clock 2 ms fast.
  CHECK(j["nodes"][1]["time"] == 1'000'000);
  CHECK(j["nodes"][1]["pt"] == 3'000'000);
  CHECK(j["nodes"][1]["kind"] == "send");
  const auto [program, message] = json_links(j);
  CHECK(j["links"].size() == 11);
  CHECK(message == three_messages);
  CHECK(program == three_program);
}

TEST_CASE("export graphml: read back by boost::read_graphml with every attribute") {
  const scratch tmp;
  const fs::path trace = three_clocks(tmp);
  const std::string text = exported(trace, "graphml");
  CHECK(text.find("attr.name=\"lamport\" attr.type=\"long\"") != std::string::npos);
  const graphml_graph g = read_graphml_text(text);
  REQUIRE(boost::num_vertices(g) == 10);
  CHECK(boost::num_edges(g) == 11);
  for (auto v : boost::make_iterator_range(boost::vertices(g))) {
    const graphml_node& n = g[v];
    const std::string ref = n.process + ":" + n.label;
    CAPTURE(ref);
    REQUIRE(three_clocks_expected().contains(ref));
    const expected_event& x = three_clocks_expected().at(ref);
    CHECK(n.event == static_cast<long>(v + 1));
    CHECK(n.lamport == static_cast<long>(x.lamport));
    CHECK(vector_text(n.vector) == json(x.vector));
    CHECK(n.hlc_l == x.hlc_l);
    CHECK(n.hlc_c == static_cast<long>(x.hlc_c));
  }
  CHECK(g[4].kind == "receive");
  CHECK(g[4].vector == "A:2 B:2");
  CHECK(g[4].seq == 2);
  CHECK(g[3].pt == 500'000);  // C:idle, C 1 ms slow at t = 1.5ms
  CHECK(g[3].time == 1'500'000);
  links program, message;
  for (auto e : boost::make_iterator_range(boost::edges(g)))
    (g[e].kind == "message" ? message : program).emplace(g[boost::source(e, g)].event, g[boost::target(e, g)].event);
  CHECK(message == three_messages);
  CHECK(program == three_program);

  // --clocks leaves the other clocks out.
  const graphml_graph lamport_only = read_graphml_text(exported(trace, "graphml", "--clocks lamport"));
  CHECK(lamport_only[4].lamport == 3);
  CHECK(lamport_only[4].vector.empty());
  CHECK(lamport_only[4].hlc_l == 0);
}

TEST_CASE("export dot: renders with Graphviz, one node per event, message and program edges, drop stubs") {
  const scratch tmp;
  const fs::path trace = three_clocks(tmp);
  const std::string text = exported(trace, "dot");
  CHECK(render(text) == 0);
  const dot_graph g = read_dot_text(text);
  CHECK(boost::num_vertices(g) == 10);
  CHECK(boost::num_edges(g) == 11);
  std::size_t bold = 0;
  for (auto e : boost::make_iterator_range(boost::edges(g))) bold += g[e].style == "bold";
  CHECK(bold == 4);
  // Labels: the event, its kind and seq, then the chosen clocks.
  // read_graphviz keeps DOT's escapes: "\\n" is a line break.
  CHECK(label_of(g, "e5") == "hello\\nreceive #2\\nL 3\\nV {A:2, B:2}\\nHLC (3ms, 1)");
  CHECK(label_of(read_dot_text(exported(trace, "dot", "--clocks hlc")), "e5") == "hello\\nreceive #2\\nHLC (3ms, 1)");

  // A lost copy is a point with a dashed edge labelled with the reason.
  const fs::path lossy = trace_of(tmp, source_path("scenarios/loss_and_duplication.json"), "lossy");
  const std::string drawn = exported(lossy, "dot");
  CHECK(render(drawn) == 0);
  const dot_graph l = read_dot_text(drawn);
  const trace_counts c = count_trace(lossy);
  std::size_t points = 0, dashed = 0;
  for (auto v : boost::make_iterator_range(boost::vertices(l))) points += l[v].shape == "point";
  for (auto e : boost::make_iterator_range(boost::edges(l))) dashed += l[e].style == "dashed" && l[e].label == "loss";
  CHECK(c.drops == 2);
  CHECK(points == c.drops);
  CHECK(dashed == c.drops);
  CHECK(boost::num_vertices(l) == c.events + c.drops);
  CHECK(boost::num_edges(l) == c.program + c.message + c.drops);
}

TEST_CASE("export shiviz: hbsim check accepts it, with one execution per trace, even from a wrong vector clock") {
  const scratch tmp;
  const fs::path trace = three_clocks(tmp);
  const std::string text = exported(trace, "shiviz");
  CHECK(text.starts_with("=== three-clocks, seed 1 ===\nA {\"A\":1}\nlocal prepare"));
  // B:hello merges A:hello's {A:2}; C:relay all it knows of A and B through B.
  CHECK(text.find("\nB {\"A\":2,\"B\":2}\nreceive hello from A") != std::string::npos);
  CHECK(text.find("\nC {\"A\":2,\"B\":3,\"C\":2}\nreceive relay from B") != std::string::npos);
  const json one = check_log(text);
  CHECK(one["ok"] == true);
  CHECK(one["executions"] == 1);
  CHECK(one["events"] == 10);

  // A vector clock that does not merge records wrong vectors; the export computes its own.
  const fs::path wrong = trace_of(tmp, source_path("scenarios/three_clocks.json"), "no-merge", "--variant vector=no-merge", 1);
  CHECK(run_cli("check '" + wrong.string() + "'").code == 1);
  const fs::path lossy = trace_of(tmp, source_path("scenarios/loss_and_duplication.json"), "lossy");
  const fs::path out = tmp / "two.log";
  const cli_result r = run_cli("export '" + wrong.string() + "' '" + lossy.string() + "' --to shiviz -o '" + out.string() + "'");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::string two = read_file(out);
  CHECK(two.find("=== loss-and-duplication, seed 1 ===") != std::string::npos);
  const json both = check_log(two);
  CHECK(both["ok"] == true);
  CHECK(both["executions"] == 2);
  CHECK(both["events"] == 10 + count_trace(lossy).events);
  // The same trace twice: the executions still have names of their own.
  const std::string again = std::string("'").append(trace.string()).append("'");
  CHECK(exported(trace, "shiviz", again).find("=== three-clocks, seed 1 (2) ===") != std::string::npos);
  // A crash and a restart are labelled as their kind: described once, not "crash crash".
  const std::string crashes = exported(trace_of(tmp, source_path("scenarios/crash_persist_all.json"), "crash"), "shiviz");
  CHECK(crashes.find("\ncrash | true time 10ms | ") != std::string::npos);
  CHECK(crashes.find("\nrestart | true time 20ms | ") != std::string::npos);
  CHECK(crashes.find("crash crash") == std::string::npos);
}

TEST_CASE("export perfetto: a track per process, an instant per event, paired flows, offset counters") {
  const scratch tmp;
  const fs::path lossy = trace_of(tmp, source_path("scenarios/loss_and_duplication.json"), "lossy");
  const trace_counts c = count_trace(lossy);
  const json j = json::parse(exported(lossy, "perfetto"));
  CHECK(j["displayTimeUnit"] == "ns");
  std::map<std::string, int> threads;
  std::size_t instants = 0, drops = 0, counters = 0;
  std::map<std::uint64_t, std::pair<int, int>> flows;  // id: starts, finishes
  for (const json& e : j["traceEvents"]) {
    const std::string ph = e["ph"];
    if (ph == "M" && e["name"] == "thread_name") ++threads[e["args"]["name"]];
    if (ph == "i") {
      CHECK(e["s"] == "t");
      ++(e["cat"] == "drop" ? drops : instants);
    }
    if (ph == "C") ++counters;
    if (ph == "s") ++flows[e["id"]].first;
    if (ph == "f") {
      CHECK(e["bp"] == "e");
      ++flows[e["id"]].second;
    }
  }
  CHECK(threads == std::map<std::string, int>{{"A", 1}, {"B", 1}, {"C", 1}});
  CHECK(instants == c.events);
  CHECK(drops == c.drops);
  CHECK(counters == c.events);
  CHECK(flows.size() == c.receives + c.drops);
  for (const auto& flow : flows) {
    CAPTURE(flow.first);
    CHECK(flow.second == std::pair{1, 1});
  }

  // ts in microseconds, nanoseconds kept; the counter is pt - time.
  const fs::path trace = three_clocks(tmp);
  const json t = json::parse(exported(trace, "perfetto", "--clocks lamport"));
  bool found = false;
  for (const json& e : t["traceEvents"]) {
    if (e["ph"] == "i" && e["name"] == "draft") {
      found = true;
      CHECK(e["ts"].get<double>() == doctest::Approx(1500.0));
      CHECK(e["args"]["lamport"] == 1);
      CHECK(!e["args"].contains("vector"));
    }
    if (e["ph"] == "C" && e["name"] == "C clock offset") CHECK(e["args"]["ns"] == -1'000'000);
  }
  CHECK(found);
}

TEST_CASE("export perfetto with --until: no arrow begun whose end lies after the window, nothing drawn after it") {
  const scratch tmp;
  // hlc_max_offset: rogue's write at 20 ms is rejected by db1 at 21 ms, after a window ending at 20.5 ms;
  // loss_and_duplication: copies lost, duplicated and received across the end of a window at 30 ms.
  struct window {
    const char* scenario;
    const char* until;
    double until_us;
  };
  for (const window& w : {window{"scenarios/hlc_max_offset.json", "20500us", 20500.0},
                          window{"scenarios/loss_and_duplication.json", "30ms", 30000.0}}) {
    CAPTURE(w.scenario);  // a structured binding would not do: Clang cannot capture one in CAPTURE's lambda
    const double until_us = w.until_us;
    const fs::path trace = trace_of(tmp, source_path(w.scenario), "window");
    const json j = json::parse(exported(trace, "perfetto", std::string("--until ") + w.until));
    std::map<std::uint64_t, std::pair<int, int>> flows;  // id: starts, finishes
    for (const json& e : j["traceEvents"]) {
      if (e.contains("ts")) CHECK(e["ts"].get<double>() <= until_us);
      if (e["ph"] == "s") ++flows[e["id"]].first;
      if (e["ph"] == "f") ++flows[e["id"]].second;
    }
    CHECK(!flows.empty());
    for (const auto& flow : flows) {
      CAPTURE(flow.first);
      CHECK(flow.second == std::pair{1, 1});
    }
  }
}

// Lesson 40: Bilal's reply yes-book-it (event 6, m4) reaches Chitra at 2.5 ms over a 1.5 ms link, but her
// causal layer holds it until Asha's question arrives over the 10 ms link at 10 ms: held back 7.5 ms. Her
// receive of the question (event 5) went through the layer without waiting: arrived = time = 10 ms.
TEST_CASE("export: a receive a delivery group held back shows its arrival in every format") {
  const scratch tmp;
  const fs::path trace = trace_of(tmp, source_path("scenarios/teaching/40_causal_reply_overtakes.json"), "held");

  const json j = json::parse(exported(trace, "json"));
  std::map<std::uint64_t, json> nodes;
  for (const json& n : j["nodes"]) nodes[n["id"]] = n;
  CHECK(nodes.at(6)["arrived"] == 2'500'000);
  CHECK(nodes.at(6)["time"] == 10'000'000);
  CHECK(nodes.at(5)["arrived"] == 10'000'000);
  CHECK_FALSE(nodes.at(1).contains("arrived"));  // Asha's send

  const std::string graphml = exported(trace, "graphml");
  CHECK(graphml.find("attr.name=\"arrived\" attr.type=\"long\"") != std::string::npos);
  const graphml_graph g = read_graphml_text(graphml);
  std::map<long, long> arrived;
  for (auto v : boost::make_iterator_range(boost::vertices(g))) arrived[g[v].event] = g[v].arrived;
  CHECK(arrived.at(6) == 2'500'000);
  CHECK(arrived.at(5) == 10'000'000);
  CHECK(arrived.at(1) == -1);
  CHECK(exported(three_clocks(tmp), "graphml").find("\"arrived\"") == std::string::npos);  // no delivery group

  const std::string dot = exported(trace, "dot");
  CHECK(render(dot) == 0);
  std::size_t held_edges = 0;
  const dot_graph d = read_dot_text(dot);
  for (auto e : boost::make_iterator_range(boost::edges(d))) held_edges += d[e].label == "held back 7.5ms";
  CHECK(held_edges == 1);

  const json perfetto = json::parse(exported(trace, "perfetto"));
  std::size_t slices = 0;
  for (const json& e : perfetto["traceEvents"]) {
    if (e["ph"] != "X") continue;
    ++slices;
    CHECK(e["name"] == "held back");
    CHECK(e["tid"] == 3);  // Chitra, the third process
    CHECK(e["ts"].get<double>() == doctest::Approx(2500.0));
    CHECK(e["dur"].get<double>() == doctest::Approx(7500.0));
    CHECK(e["args"]["message"] == 4);
  }
  CHECK(slices == 1);
}

TEST_CASE("export: a random lossy run, every format against the trace's counts") {
  const scratch tmp;
  const fs::path scenario = random_scenario(tmp);
  const fs::path trace = trace_of(tmp, scenario.string(), "random");
  const trace_counts c = count_trace(trace);
  REQUIRE(c.events > 1500);
  REQUIRE(c.drops > 0);

  const json j = json::parse(exported(trace, "json"));
  CHECK(j["nodes"].size() == c.events);
  const auto [program, message] = json_links(j);
  CHECK(program.size() == c.program);
  CHECK(message.size() == c.message);

  const graphml_graph g = read_graphml_text(exported(trace, "graphml"));
  CHECK(boost::num_vertices(g) == c.events);
  CHECK(boost::num_edges(g) == c.program + c.message);
  // The vectors survive their compact storage: the same as the json export's, event by event.
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
    if (vector_text(g[v].vector) != j["nodes"][v]["vector"] || j["nodes"][v]["lamport"] != g[v].lamport) {
      FAIL_CHECK("graphml and json differ at event " << g[v].event);
      break;
    }
  }

  const std::string dot_text = exported(trace, "dot");
  const dot_graph d = read_dot_text(dot_text);
  CHECK(boost::num_vertices(d) == c.events + c.drops);
  CHECK(boost::num_edges(d) == c.program + c.message + c.drops);

  const json log = check_log(exported(trace, "shiviz"));
  CHECK(log["ok"] == true);
  CHECK(log["events"] == c.events);

  const json p = json::parse(exported(trace, "perfetto"));
  std::size_t instants = 0;
  for (const json& e : p["traceEvents"]) instants += e["ph"] == "i" && e["cat"] != "drop";
  CHECK(instants == c.events);
}

TEST_CASE("export: --processes and --from/--until select the events") {
  const scratch tmp;
  const fs::path trace = three_clocks(tmp);
  // A and B only: C's news reaches them with no message edge (its send is not selected).
  const json ab = json::parse(exported(trace, "json", "--processes A,B"));
  CHECK(ab["nodes"].size() == 7);
  CHECK(ab["graph"]["processes"] == json::array({"A", "B"}));
  const auto [ab_program, ab_message] = json_links(ab);
  CHECK(ab_message == links{{2, 5}});
  CHECK(ab_program == links{{1, 2}, {2, 9}, {3, 5}, {5, 6}, {6, 10}});
  CHECK(check_log(exported(trace, "shiviz", "--processes A,B"))["events"] == 7);

  // 1.5ms to 3ms: B:draft, C:idle, B:hello, B:relay, C:relay; hello's send (1ms) is outside.
  const json window = json::parse(exported(trace, "json", "--from 1.5ms --until 3ms"));
  std::set<std::uint64_t> ids;
  for (const json& n : window["nodes"]) ids.insert(n["id"].get<std::uint64_t>());
  CHECK(ids == std::set<std::uint64_t>{3, 4, 5, 6, 7});
  const auto [w_program, w_message] = json_links(window);
  CHECK(w_message == links{{6, 7}});
  CHECK(w_program == links{{3, 5}, {5, 6}, {4, 7}});
  CHECK(boost::num_vertices(read_graphml_text(exported(trace, "graphml", "--from 1.5ms --until 3ms"))) == 5);
  CHECK(boost::num_vertices(read_dot_text(exported(trace, "dot", "--processes C"))) == 3);

  const fs::path out = tmp / "bad.json";
  const cli_result bad = run_cli("export '" + trace.string() + "' --to json --processes A,D -o '" + out.string() + "'");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--processes") != std::string::npos);
  CHECK(bad.err.find("\"D\"") != std::string::npos);
  CHECK(!fs::exists(out));
}

TEST_CASE("export: a trace broken half way leaves no output file") {
  const scratch tmp;
  const fs::path scenario = random_scenario(tmp);
  const fs::path trace = trace_of(tmp, scenario.string(), "random");
  std::string text = read_file(trace);
  text.resize(text.size() / 2);  // cuts a line in the middle
  const fs::path broken = tmp.write("broken.jsonl", text + "\n{\"type\": \"event\", \"id\": \n");
  for (const std::string format : {"dot", "graphml", "json", "shiviz", "perfetto"}) {
    CAPTURE(format);
    const fs::path out = tmp / ("broken-out." + format);
    const cli_result r = run_cli("export '" + broken.string() + "' --to " + format + " -o '" + out.string() + "'");
    CHECK(r.code == 2);
    CHECK(r.err.find(broken.string()) != std::string::npos);
    CHECK(!fs::exists(out));
    for (const auto& f : fs::directory_iterator(out.parent_path()))
      CHECK_MESSAGE(!f.path().filename().string().starts_with(out.filename().string()), f.path());
  }
}

TEST_CASE("export: bad options exit 2 and say what was expected") {
  const scratch tmp;
  const fs::path trace = three_clocks(tmp);
  const std::string t = std::string("'").append(trace.string()).append("'");  // .append: GCC 12's false -Wrestrict
  struct bad_case {
    std::string args, names, hint;
  };
  const bad_case cases[] = {
      {"--to sgv", "an export format (dot, graphml, json, shiviz, perfetto, svg, html)", "did you mean \"svg\"?"},
      {"--to dot --clocks lamprt", "clock names separated by commas", "did you mean \"lamport\"?"},
      {"--to dot --from 1xs", "a true time such as 5ms", "unknown unit"},
      // Empty, they would mean what leaving them out means: refused like ',' is.
      {"--to dot --clocks ''", "--clocks: expected clock names separated by commas, or all", "found \"\""},
      {"--to dot --until ''", "--until: expected a true time such as 5ms", "found \"\""},
      {"--to dot " + t, "one trace file (only --to shiviz takes several", "2 files"},
  };
  for (const bad_case& c : cases) {
    CAPTURE(c.args);
    const cli_result r = run_cli("export " + t + " " + c.args);
    CHECK(r.code == 2);
    CHECK(r.err.find(c.names) != std::string::npos);
    CHECK(r.err.find(c.hint) != std::string::npos);
    CHECK(r.out.empty());
  }
  const cli_result run = run_cli("run '" + source_path("scenarios/three_clocks.json") + "' --export svg");
  CHECK(run.code == 2);
  CHECK(run.err.find("FORMAT=FILE") != std::string::npos);
  // On run the format comes with --export: the error names that, not export's --to.
  const std::string pdf = tmp / "x.pdf";
  const cli_result unknown = run_cli("run '" + source_path("scenarios/three_clocks.json") + "' --export pdf=" + pdf);
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("hbsim: --export pdf=" + pdf + ": expected an export format") != std::string::npos);
  CHECK(unknown.err.find("--to") == std::string::npos);
  CHECK(!fs::exists(pdf));
}

TEST_CASE("export graphml: a seed past 2^63 - 1 is declared a string, which holds it exactly") {
  const scratch tmp;
  // .append: GCC 12's false -Wrestrict on "literal" + std::string.
  const std::string run = std::string("run '").append(source_path("scenarios/three_clocks.json")).append("' --seed ");
  const std::string big = tmp / "big.graphml", small = tmp / "small.graphml";
  REQUIRE(run_cli(std::string(run).append("18446744073709551615 --export graphml=").append(big)).code == 0);
  REQUIRE(run_cli(std::string(run).append("7 --export graphml=").append(small)).code == 0);
  const std::string b = read_file(big), s = read_file(small);
  CHECK(b.find("attr.name=\"seed\" attr.type=\"string\"") != std::string::npos);
  CHECK(b.find(">18446744073709551615</data>") != std::string::npos);
  CHECK(s.find("attr.name=\"seed\" attr.type=\"long\"") != std::string::npos);
}
