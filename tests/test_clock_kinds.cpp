// Clock kinds as modules: the matrix clock against brute force from a trace's own links, its wrong
// variant caught, kinds left out of `clocks` left out of everything, and a kind of a library user's own.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/matrix/matrix_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "cli_fixture.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"
#include "trace_text.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using json = nlohmann::json;

namespace {

scenario with_matrix(std::vector<std::string> clocks, std::size_t variant = 0) {
  scenario s = make_scenario({"A", "B", "C", "D", "E"});
  s.generate.push_back(random_generator{30, 0.6, distribution::exponential(ms)});
  s.network.defaults.delay = distribution::exponential(2 * ms);
  s.network.defaults.loss = 0.1;
  s.network.defaults.duplicate = 0.1;
  s.logical.clocks = std::move(clocks);
  s.logical.extra.push_back({clock_registry::standard().find("matrix"), variant});
  return s;
}

// Every event's causal past by a search backwards over the trace's links (the previous event of its
// process, the send of a receive), not incrementally: the matrix from it, row j the count per process
// of the past of the latest event of j in that past.
std::map<std::uint64_t, std::map<std::string, std::map<std::string, std::uint64_t>>> brute_force_matrices(
    const std::vector<json>& lines) {
  std::map<std::uint64_t, std::vector<std::uint64_t>> preds;
  std::map<std::uint64_t, std::pair<std::string, std::uint64_t>> where;  // process, seq
  std::map<std::string, std::uint64_t> last;
  std::vector<std::uint64_t> order;
  for (const json& l : lines) {
    if (l["type"] != "event") continue;
    const std::uint64_t id = l["id"];
    const std::string p = l["process"];
    if (last.count(p)) preds[id].push_back(last[p]);
    if (l["kind"] == "receive") preds[id].push_back(l["send"]);
    last[p] = id;
    where[id] = {p, l["seq"]};
    order.push_back(id);
  }
  const auto past = [&](std::uint64_t e) {
    std::set<std::uint64_t> seen{e};
    std::vector<std::uint64_t> todo{e};
    while (!todo.empty()) {
      const std::uint64_t x = todo.back();
      todo.pop_back();
      for (std::uint64_t y : preds[x])
        if (seen.insert(y).second) todo.push_back(y);
    }
    return seen;
  };
  const auto counts = [&](const std::set<std::uint64_t>& events) {
    std::map<std::string, std::uint64_t> c;
    for (std::uint64_t x : events) c[where[x].first] = std::max(c[where[x].first], where[x].second);
    return c;
  };
  std::map<std::uint64_t, std::map<std::string, std::map<std::string, std::uint64_t>>> out;
  for (std::uint64_t e : order) {
    std::map<std::string, std::uint64_t> latest;  // per process: its latest event in e's past
    for (std::uint64_t x : past(e)) {
      const std::string& p = where[x].first;
      if (!latest.count(p) || where[x].second > where[latest[p]].second) latest[p] = x;
    }
    for (const auto& [p, x] : latest) out[e][p] = counts(past(x));
  }
  return out;
}

}  // namespace

TEST_CASE("matrix clocks in traces equal the brute force from the traces' own links on random runs") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    const std::vector<json> lines = trace_lines(with_matrix({"lamport", "vector", "hlc", "matrix"}), seed);
    const auto expected = brute_force_matrices(lines);
    std::size_t events = 0, receives = 0;
    for (const json& l : lines) {
      if (l["type"] != "event") continue;
      ++events;
      receives += l["kind"] == "receive";
      std::map<std::string, std::map<std::string, std::uint64_t>> recorded;
      for (const auto& [row, cells] : l["matrix"].items())
        for (const auto& [col, n] : cells.items()) recorded[row][col] = n.get<std::uint64_t>();
      CHECK(recorded == expected.at(l["id"].get<std::uint64_t>()));
    }
    CHECK(events > 100);
    CHECK(receives > 20);
  }
}

TEST_CASE("matrix.exact holds for the canonical matrix clock and catches row-not-merged") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    run_options o;
    o.seed = seed;
    const run_outcome fine = run_scenario(with_matrix({"matrix"}), o);
    CHECK(fine.invariants->judged() == 1);
    CHECK(fine.invariants->count("matrix.exact") == 0);
    const run_outcome wrong = run_scenario(with_matrix({"matrix"}, 1), o);
    CHECK(wrong.invariants->count("matrix.exact") > 0);
  }
}

TEST_CASE("matrix_watermark takes each column's minimum over the rows") {
  // Rows A {A:3, B:2, C:2}, B {A:2, B:2}, C {A:2, B:2, C:2}: the watermark of teaching scenario 20.
  const std::vector<std::uint64_t> m{3, 2, 2, 2, 2, 0, 2, 2, 2};
  CHECK(matrix_watermark(m, 3) == std::vector<std::uint64_t>{2, 2, 0});
}

TEST_CASE("a kind left out of clocks is not written, read or judged") {
  scenario s = make_scenario({"A", "B"});
  s.script = {at(1 * ms, 0, action_kind::send, "m", {1})};
  s.logical.clocks = {"lamport"};
  const std::vector<json> lines = trace_lines(s, 1);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["clocks"] == json::array({"lamport"}));
  for (std::size_t i = 1; i < 3; ++i) {
    CHECK(lines[i].contains("lamport"));
    CHECK_FALSE(lines[i].contains("vector"));
    CHECK_FALSE(lines[i].contains("hlc"));
    CHECK_FALSE(lines[i].contains("matrix"));
  }
  CHECK(lines[2]["lamport"] == 2);  // max(0, 1) + 1
  run_options o;
  const run_outcome out = run_scenario(s, o);
  CHECK(out.invariants->judged() == 2);  // lamport.clock_condition and lamport.rule
  CHECK_FALSE(out.invariants->epsilon());
}

TEST_CASE("a scenario file chooses its clocks, and refuses unknown kinds and clocks it did not choose") {
  const std::string head = R"({"name": "x", "processes": ["A", "B"], )";
  const scenario s = parse_scenario(head + R"("clocks": ["hlc", "matrix"]})", "c.json");
  CHECK(s.logical.clocks == std::vector<std::string>{"hlc", "matrix"});
  REQUIRE(s.logical.extra.size() == 1);
  CHECK(s.logical.extra[0].kind->name() == "matrix");
  const auto error = [&](const std::string& rest) {
    try {
      parse_scenario(head + rest, "c.json");
    } catch (const input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error(R"("clocks": ["lamport", "matrx"]})").find("at /clocks/1: expected a clock kind: one of lamport, vector, "
                                                           "hlc, matrix") != std::string::npos);
  CHECK(error(R"("clocks": ["lamport", "lamport"]})").find("each clock kind at most once") != std::string::npos);
  CHECK(error(R"("clocks": ["lamport"], "expect": [{"event": "A:x", "vector": {"A": 1}}]})").find("/expect/0") !=
        std::string::npos);
  CHECK(error(R"("clocks": ["lamport"], "expect": [{"violates": "vector.exact"}]})")
            .find("an invariant of the chosen clocks: one of lamport.clock_condition, lamport.rule") != std::string::npos);
  std::string many = R"({"name": "x", "clocks": ["matrix"], "processes": [)";
  for (int i = 0; i < 257; ++i) many += (i ? ", \"p" : "\"p") + std::to_string(i) + "\"";
  try {
    parse_scenario(many + "]}", "c.json");
    FAIL("257 processes with matrix clocks accepted");
  } catch (const input_error& e) {
    CHECK(std::string(e.what()).find("at most 256 processes for matrix clocks") != std::string::npos);
  }
}

namespace {

// A library user's kind: each process counts its events; the variant forgets receives. Its one
// invariant says the count is the event's seq.
class event_count_clock final : public logical_clock {
 public:
  event_count_clock(std::size_t n, bool skip_receive) : counts_(n, 0), skip_receive_(skip_receive) {}
  std::string_view name() const override { return "event_count"; }
  std::string_view variant() const override { return skip_receive_ ? "skip-receive" : "canonical"; }
  void tick(process_id p, event_kind, sim_time) override { ++counts_[p]; }
  void receive(process_id p, message_slot, sim_time) override { counts_[p] += skip_receive_ ? 0 : 1; }
  void capture(process_id, message_slot) override {}
  void reserve_slots(std::size_t) override {}
  void checkpoint(process_id) override {}
  void restore(process_id) override {}
  void reset(process_id p) override { counts_[p] = 0; }
  stamp_words stamp(process_id p) const override { return {&counts_[p], 1}; }

 private:
  std::vector<std::uint64_t> counts_;
  bool skip_receive_;
};

class event_count_judge final : public clock_judge {
 public:
  void judge(const event_record& e, stamp_words stamp, const causality&, clock_findings& out) override {
    if (stamp[0] != e.seq) out.violated(0, [&] { return "count " + std::to_string(stamp[0]) + " is not the seq"; });
  }
};

class event_count final : public clock_kind {
 public:
  std::string_view name() const override { return "event_count"; }
  std::span<const std::string_view> variants() const override { return variants_; }
  std::unique_ptr<logical_clock> make(std::size_t n, std::size_t variant, const json&) const override {
    return std::make_unique<event_count_clock>(n, variant == 1);
  }
  json write(stamp_words s, std::span<const std::string>) const override { return s[0]; }
  std::string read(const json& v, std::span<const std::string>, std::vector<std::uint64_t>& words) const override {
    if (!v.is_number_unsigned()) return "a count";
    words = {v.get<std::uint64_t>()};
    return "";
  }
  std::string text(stamp_words s, std::span<const std::string>) const override { return std::to_string(s[0]); }
  std::string rule(const clock_step& s, std::span<const std::string>) const override {
    return "count " + std::to_string(s.after[0]);
  }
  std::span<const std::string_view> invariants() const override { return invariants_; }
  std::unique_ptr<clock_judge> make_judge(std::span<const std::string>) const override {
    return std::make_unique<event_count_judge>();
  }

 private:
  static constexpr std::string_view variants_[] = {"canonical", "skip-receive"};
  static constexpr std::string_view invariants_[] = {"event_count.is_seq"};
};

}  // namespace

TEST_CASE("a library user registers a clock kind of their own: chosen, written, read back and judged") {
  clock_registry registry = clock_registry::standard();
  registry.add(std::make_shared<event_count>());
  CHECK_THROWS_AS(registry.add(std::make_shared<event_count>()), std::invalid_argument);
  const std::string text = R"({"name": "count", "processes": ["A", "B"], "clocks": ["lamport", "event_count"],
    "logical": {"event_count": {"variant": "VARIANT"}},
    "script": [{"at": "1ms", "process": "A", "do": "send", "to": "B", "label": "m"},
               {"at": "3ms", "process": "B", "do": "local", "label": "after"}],
    "expect": [{"event": "B:after", "event_count": 2, "lamport": 3}, {"violates": "event_count.is_seq"}]})";
  const auto with = [&](const std::string& variant) {
    std::string t = text;
    t.replace(t.find("VARIANT"), 7, variant);
    return parse_scenario(t, "count.json", registry);
  };
  CHECK_THROWS_AS(parse_scenario(text, "count.json"), input_error);  // the standard registry has no such kind

  const scenario fine = with("canonical");
  const temp_file trace("count.jsonl");
  run_options o;
  o.trace_path = trace.str();
  const run_outcome out = run_scenario(fine, o);
  CHECK(out.invariants->judged() == 3);
  CHECK(out.invariants->count("event_count.is_seq") == 0);
  // Its share of the clock comparison, by the defaults: 8 bytes per word (one), edges undecided.
  // Events A#1 (send), B#1 (receive), B#2: 24 bytes; the one message 8; edges A#1 -> B#1, B#1 -> B#2.
  REQUIRE(out.clocks->result().kinds.size() == 1);
  const clock_comparison::kind_share& share = out.clocks->result().kinds[0];
  CHECK(share.name == "event_count");
  CHECK(share.encoding == "8 bytes per stamp word");
  CHECK(share.event_bytes == 24);
  CHECK(share.message_bytes == 8);
  CHECK(share.edges == 2);
  CHECK(share.edges_undecided == 2);
  CHECK(share.edges_broken == 0);
  REQUIRE(out.expectations.size() == 2);
  CHECK(out.expectations[0].outcome == expectation_result::status::met);    // B: receive 1, local 2
  CHECK(out.expectations[1].outcome == expectation_result::status::unmet);  // nothing violated
  std::istringstream lines(read_file(trace.path));
  std::string header, a, b1, b2;
  std::getline(lines, header);
  std::getline(lines, a);
  std::getline(lines, b1);
  std::getline(lines, b2);
  CHECK(json::parse(header)["clocks"] == json::array({"lamport", "event_count"}));
  CHECK(json::parse(b2)["event_count"] == 2);
  CHECK_FALSE(json::parse(b2).contains("vector"));

  // Read back, the trace names the kind: the registry that knows it replays and judges it.
  trace_reader reader(trace.str(), registry);
  causality truth;
  invariant_checker checker(truth);
  event_observer* observers[] = {&truth, &checker};
  reader.replay(observers);
  CHECK(checker.judged() == 3);
  CHECK_THROWS_AS(trace_reader(trace.str()), input_error);

  const run_outcome wrong = run_scenario(with("skip-receive"), run_options{});
  CHECK(wrong.invariants->count("event_count.is_seq") == 2);  // B's receive (0) and its local (1)
  CHECK(wrong.expectations[1].outcome == expectation_result::status::met);
}

TEST_CASE("exports show a module kind beside the standard ones, and refuse a clock the run lacks") {
  const scratch tmp;
  const std::string trace = (tmp.dir / "m.jsonl").string();
  REQUIRE(run_cli("run '" + source_path("scenarios/teaching/20_matrix_knowledge.json") + "' --trace '" + trace + "'").code == 0);
  const auto exported = [&](const std::string& format, const std::string& more = "") {
    return export_trace(tmp, trace, format, more);
  };
  // Node-link JSON: the run's clocks, and each event's matrix as the trace writes it. A#3 (id 7) is
  // worked out in the scenario's notes.
  const json graph = json::parse(exported("json"));
  CHECK(graph["graph"]["clocks"] == json::array({"vector", "matrix"}));
  const json last = graph["nodes"][6];
  CHECK(last["matrix"] == json::parse(R"({"A":{"A":3,"B":2,"C":2},"B":{"A":2,"B":2},"C":{"A":2,"B":2,"C":2}})"));
  CHECK(last["vector"] == json::parse(R"({"A":3,"B":2,"C":2})"));
  CHECK_FALSE(last.contains("lamport"));
  // DOT labels as text; --clocks picks the matrix alone.
  const std::string dot = exported("dot", "--clocks matrix");
  CHECK(dot.find("append-x\\nlocal #1\\nmatrix {A:{A:1}}") != std::string::npos);
  CHECK(dot.find("V {") == std::string::npos);
  CHECK(exported("svg", "--clocks matrix").find(" · labels: matrix") != std::string::npos);
  CHECK(exported("perfetto").find(R"("matrix": {"A":{"A":1}})") != std::string::npos);
  // A clock the run does not have: exit 2, naming those it has, and no file.
  const std::string refused = (tmp.dir / "refused.dot").string();
  const cli_result r = run_cli("export '" + trace + "' --to dot --clocks lamport -o '" + refused + "'");
  CHECK(r.code == 2);
  CHECK(r.err.find("expected clocks of the run (vector, matrix) or \"all\", found \"lamport\"") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(refused));
}
