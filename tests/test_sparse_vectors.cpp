// Sparse vector rows (logical.vector.representation, and beyond 4,096 processes by default) against
// dense ones: the rows under random operations, entry by entry; the stamps they give and how they
// compare; and whole runs, event by event, with every verdict and output the same.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/random.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/views/summary.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {
using V = std::vector<std::uint32_t>;

V entries(const counter_row& r) {
  V v(r.size());
  for (std::size_t j = 0; j < v.size(); ++j) v[j] = r.at(j);
  return v;
}

// n counters, about `filled` of them non-zero.
V random_counters(random_stream& r, std::size_t n, std::size_t filled) {
  V v(n, 0);
  for (std::size_t i = 0; i < filled; ++i) v[r.below(n)] = static_cast<std::uint32_t>(1 + r.below(9));
  return v;
}

std::vector<std::uint64_t> sparse_words(const V& v) {
  std::vector<std::uint64_t> w{sparse_stamp_tag | v.size()};
  for (std::size_t j = 0; j < v.size(); ++j)
    if (v[j] != 0) w.push_back(sparse_entry(j, v[j]));
  return w;
}
std::vector<std::uint64_t> dense_words(const V& v) { return {v.begin(), v.end()}; }
}  // namespace

TEST_CASE("counter_row: a sparse row holds what a dense one does, operation after operation") {
  random_stream r(7);
  for (const std::size_t n : {1, 2, 5, 16, 64}) {
    // Rows made sparse and dense, and a brute-force model: plain counters.
    std::vector<counter_row> sparse(4, counter_row(n, false)), dense(4, counter_row(n, true));
    std::vector<V> model(4, V(n, 0));
    std::vector<std::uint32_t> scratch;
    bool crowded_seen = false;
    for (int step = 0; step < 400; ++step) {
      const std::size_t a = r.below(4), b = r.below(4), j = r.below(n);
      switch (r.below(10)) {
        case 0:  // rarely: a restart without a checkpoint
          sparse[a].clear();
          dense[a].clear();
          model[a].assign(n, 0);
          break;
        case 1:  // a message's copy, a checkpoint
          sparse[a].assign(sparse[b]);
          dense[a].assign(dense[b]);
          model[a] = model[b];
          break;
        case 2: case 3: case 4:  // a receive
          sparse[a].merge(sparse[b], scratch);
          dense[a].merge(dense[b], scratch);
          for (std::size_t k = 0; k < n; ++k) model[a][k] = std::max(model[a][k], model[b][k]);
          break;
        default:  // a tick
          sparse[a].increment(j);
          dense[a].increment(j);
          ++model[a][j];
      }
      for (std::size_t k = 0; k < 4; ++k) {
        REQUIRE(entries(sparse[k]) == model[k]);
        REQUIRE(entries(dense[k]) == model[k]);
        V written(n), listed(n, 0);
        sparse[k].write(written);
        REQUIRE(written == model[k]);
        sparse[k].for_each([&](std::size_t j, std::uint32_t count) { listed[j] = count; });
        REQUIRE(listed == model[k]);
        // A sparse row holds pairs while they take no more room than n counters, then counters.
        const auto nonzero = static_cast<std::size_t>(std::count_if(model[k].begin(), model[k].end(), [](auto x) { return x != 0; }));
        if (!sparse[k].dense()) REQUIRE(2 * nonzero <= n);
        crowded_seen = crowded_seen || sparse[k].dense();
      }
    }
    CHECK(crowded_seen);  // every size turned some row dense
  }
}

TEST_CASE("counter_row: a crowded row turns sparse again when cleared but a dense one stays dense") {
  counter_row s(4, false), d(4, true);
  for (std::size_t j = 0; j < 3; ++j) {
    s.increment(j);
    d.increment(j);
  }
  CHECK(s.dense());  // 3 pairs take 6 counters' room, more than 4
  s.clear();
  d.clear();
  CHECK_FALSE(s.dense());
  CHECK(d.dense());
  CHECK(entries(s) == V{0, 0, 0, 0});
  CHECK(entries(d) == V{0, 0, 0, 0});
}

TEST_CASE("vector stamps: sparse and dense forms read, compare and print alike") {
  random_stream r(11);
  const std::vector<std::string> names = {"A", "B", "C", "D", "E", "F", "G", "H"};
  for (int k = 0; k < 2000; ++k) {
    const std::size_t n = 1 + r.below(8);
    V a = random_counters(r, n, r.below(n + 1)), b = r.below(3) == 0 ? a : random_counters(r, n, r.below(n + 1));
    if (r.below(4) == 0 && n > 0) b[r.below(n)] += 1;  // one larger entry: often before/after
    const auto as = sparse_words(a), ad = dense_words(a), bs = sparse_words(b), bd = dense_words(b);
    const vector_order want = compare(std::span<const std::uint32_t>(a), std::span<const std::uint32_t>(b));
    REQUIRE(compare(vector_of(as), vector_of(bs)) == want);
    REQUIRE(compare(vector_of(as), vector_of(bd)) == want);
    REQUIRE(compare(vector_of(ad), vector_of(bs)) == want);
    REQUIRE(compare(vector_of(ad), vector_of(bd)) == want);
    REQUIRE(vector_text(vector_of(as), names, 3) == vector_text(std::span<const std::uint32_t>(a), names, 3));
    REQUIRE(vector_text(vector_of(ad), names) == vector_text(std::span<const std::uint32_t>(a), names));
    REQUIRE(vector_of(as).size() == n);
    REQUIRE(vector_of(as).nonzero() == vector_of(ad).nonzero());
    for (std::size_t j = 0; j < n; ++j) REQUIRE(vector_of(as)[j] == a[j]);
  }
  // By hand: {A:2, C:1} against {A:2, B:1, C:1} (sparse, dense): before.
  const std::vector<std::uint64_t> x = {sparse_stamp_tag | 3, sparse_entry(0, 2), sparse_entry(2, 1)};
  const std::vector<std::uint64_t> y = {2, 1, 1};
  CHECK(compare(vector_of(x), vector_of(y)) == vector_order::before);
  CHECK(compare(vector_of(y), vector_of(x)) == vector_order::after);
  CHECK(vector_text(vector_of(x), names) == "{A:2, C:1}");
  CHECK(vector_of(x)[1] == 0);
  CHECK(vector_of(x)[2] == 1);
}

namespace {
scenario with_rows(scenario s, vector_representation rows) {
  s.logical.vector_opts.representation = rows;
  return s;
}

// Everything `hbsim run --json` prints, but the wall time.
std::string summary_of(const run_outcome& out) {
  nlohmann::json j = summary_json(out.report());
  j.erase("wall_seconds");
  j.erase("events_per_second");
  return j.dump();
}
}  // namespace

TEST_CASE("a run with sparse rows stamps every event as one with dense rows, for every variant and fault") {
  for (const char* variant : {"canonical", "no-tick-send", "no-tick-receive", "no-merge", "send-previous"}) {
    for (const persist_mode persist : {persist_mode::all, persist_mode::none, persist_mode::checkpoint}) {
      for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        CAPTURE(variant);
        CAPTURE(seed);
        scenario s = faulty_random_scenario();
        apply_variant(s, std::string("vector=").append(variant));
        for (fault& f : s.faults)
          if (auto* c = std::get_if<crash_fault>(&f.what)) c->persist = persist;
        const recorded_run sparse = run_recorded(with_rows(s, vector_representation::sparse), seed);
        const recorded_run dense = run_recorded(with_rows(s, vector_representation::dense), seed);
        REQUIRE(sparse.rec.events.size() == dense.rec.events.size());
        for (std::size_t i = 0; i < dense.rec.events.size(); ++i) {
          CAPTURE(i);
          REQUIRE(sparse.rec.events[i].vector == dense.rec.events[i].vector);
          REQUIRE(sparse.rec.events[i].lamport == dense.rec.events[i].lamport);
        }
        // What the user sees: the trace (its SHA-256), the verdicts, the clock comparison, the final clocks.
        run_options o;
        o.seed = seed;
        const scenario sparse_rows = with_rows(s, vector_representation::sparse);
        const scenario dense_rows = with_rows(s, vector_representation::dense);  // the runs keep a reference
        const run_outcome a = run_scenario(sparse_rows, o);
        const run_outcome b = run_scenario(dense_rows, o);
        CHECK(a.sim->clocks().vector()->sparse());
        CHECK_FALSE(b.sim->clocks().vector()->sparse());
        CHECK(a.trace_sha256 == b.trace_sha256);
        CHECK(summary_of(a) == summary_of(b));
      }
    }
  }
}

TEST_CASE("vector rows are dense up to 4,096 processes and sparse beyond, unless the scenario says") {
  const auto sparse_at = [](std::size_t n, vector_representation rows, vector_encoding encoding = vector_encoding::full) {
    vector_options o;
    o.representation = rows;
    o.encoding = encoding;
    return vector_clock(n, vector_variant::canonical, o).sparse();
  };
  CHECK_FALSE(sparse_at(4096, vector_representation::automatic));
  CHECK(sparse_at(4097, vector_representation::automatic));
  CHECK_FALSE(sparse_at(4097, vector_representation::dense));
  CHECK(sparse_at(3, vector_representation::sparse));
  // Differential encoding's bookkeeping is dense: so are its rows.
  CHECK_FALSE(sparse_at(4097, vector_representation::automatic, vector_encoding::differential));
}

namespace {
// Each event's vector as its non-zero entries, and whether its stamp was sparse.
class entry_lists final : public event_observer {
 public:
  void on_start(const run_header& h) override { places_ = h.source ? stamp_index(h.source->logical) : stamp_index{}; }
  void on_event(const event_record& e) override {
    const vector_stamp v = places_.vector_of(e);
    sparse += v.sparse();
    auto& list = events.emplace_back();
    v.for_each([&](std::size_t j, std::uint64_t count) { list.emplace_back(j, count); });
  }
  std::vector<std::vector<std::pair<std::size_t, std::uint64_t>>> events;
  std::size_t sparse = 0;

 private:
  stamp_index places_;
};

// A run of s, its trace written to `trace`, each event's entries into `ran`.
run_outcome run_traced(const scenario& s, const temp_file& trace, entry_lists& ran) {
  run_options o;
  o.trace_path = trace.str();
  o.observers = {&ran};
  return run_scenario(s, o);
}

// A trace read back into the ground truth and the invariant checker.
struct read_back {
  entry_lists events;
  std::string verdicts;  // every verdict and witness, as JSON
  bool sparse_truth = false;
};
read_back read_trace(const std::string& path) {
  read_back out;
  trace_reader reader(path);
  causality truth;
  invariant_checker checker(truth);
  event_observer* observers[] = {&out.events, &truth, &checker};
  reader.replay(observers);
  out.verdicts = violations_json(checker).dump();
  out.sparse_truth = truth.sparse();
  return out;
}
}  // namespace

TEST_CASE("a trace of more than 4,096 processes is read back into sparse stamps, entry for entry") {
  // 5,000 processes each send once to another at about 1 ms: most vectors hold one to three entries.
  // Without the tick on receive, so that the judges' witnesses show inexact vectors read from both paths.
  scenario s = parse_scenario(R"({"name": "wide", "processes": {"count": 5000},
    "generate": {"kind": "random", "events": 1, "send_ratio": 1}})", "wide.json");
  apply_variant(s, "vector=no-tick-receive");
  const temp_file trace("wide.jsonl");
  entry_lists ran;
  const run_outcome run = run_traced(s, trace, ran);
  REQUIRE(run.invariants->count(invariant::vector_exact) > 0);
  const std::string verdicts = violations_json(*run.invariants).dump();
  const auto read_back = [&](const std::string& path) {
    const auto r = read_trace(path);
    CHECK(r.sparse_truth);
    CHECK(r.verdicts == verdicts);  // every verdict and witness as the run's
    return r.events;
  };
  const entry_lists read = read_back(trace.str());
  REQUIRE(read.events.size() == ran.events.size());
  CHECK(ran.sparse == ran.events.size());  // the run's clock keeps sparse rows at this size
  CHECK(read.sparse == read.events.size());  // and the reader gives sparse stamps
  CHECK(read.events == ran.events);

  // A line whose entries come in another order goes to the general path, and reads alike.
  std::ifstream in(trace.str());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::size_t edited = 0;
  for (std::string& line : lines) {
    auto j = nlohmann::ordered_json::parse(line);
    if (j.value("type", "") != "event" || j["vector"].size() < 2) continue;
    nlohmann::ordered_json reversed = nlohmann::ordered_json::object();
    const auto& v = j["vector"];
    std::vector<std::pair<std::string, std::uint64_t>> entries;
    for (const auto& [name, count] : v.items()) entries.emplace_back(name, count.get<std::uint64_t>());
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) reversed[it->first] = it->second;
    j["vector"] = reversed;
    line = j.dump();
    if (++edited == 20) break;
  }
  REQUIRE(edited == 20);
  std::string text;
  for (const std::string& line : lines) text.append(line).append("\n");
  const temp_file reordered("wide_reordered.jsonl", text);
  const entry_lists again = read_back(reordered.str());
  CHECK(again.events == ran.events);
  CHECK(again.sparse == again.events.size());  // the general path gives sparse stamps too: one form per trace
}

TEST_CASE("a wide trace with a kind beyond the standard three is read on the general path into sparse stamps") {
  // Epoch Lamport clocks beside the vectors: no line fits the fast path, so every vector goes through the
  // general path, whose object entries come by name ("p10" before "p2"), not by process.
  scenario s = parse_scenario(R"({"name": "wide", "processes": {"count": 4200},
    "clocks": ["lamport", "vector", "hlc", "epoch_lamport"],
    "generate": {"kind": "random", "events": 2, "send_ratio": 0.5}})", "wide.json");
  const temp_file trace("wide_epoch_lamport.jsonl");
  entry_lists ran;
  const run_outcome run = run_traced(s, trace, ran);
  REQUIRE(ran.sparse == ran.events.size());
  const auto read = read_trace(trace.str());
  CHECK(read.events.sparse == read.events.events.size());
  CHECK(read.events.events == ran.events);
  CHECK(read.sparse_truth);
  CHECK(read.verdicts == violations_json(*run.invariants).dump());
  CHECK(run.invariants->violations().empty());
}
