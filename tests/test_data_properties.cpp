// Replicated data on random runs: dvv never loses a write, keeps only pairwise-concurrent siblings
// and converges after a full exchange, by a ground truth the test recomputes from the events itself;
// lww's lost updates match a brute-force count from the trace.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "data_fixture.hpp"
#include "hbsim/core/random.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/truth/causality.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

constexpr int replicas = 3;
const char* const names[replicas] = {"A", "B", "C"};

// A random script over 3 replicas, 2 keys and 3 clients within 100ms, delays 1–5ms; then (when
// `exchange`) at 200ms every replica sends every key to every other.
std::string random_scenario(const std::string& policy, std::uint64_t seed, bool blind_only, bool exchange) {
  random_stream rng(random_source(seed).process_stream(0, stream_purpose::workload));
  std::string script;
  for (int i = 0; i < 30; ++i) {
    const std::string at = std::to_string(rng.below(100'000)) + "us";
    const std::string p = names[rng.below(replicas)];
    const std::string key = rng.chance(0.5) ? "x" : "y";
    const std::string client = std::string("c").append(std::to_string(rng.below(3)));  // GCC 12: no -Wrestrict
    std::string a = R"({"at": ")" + at + R"(", "process": ")" + p + R"(", )";
    const std::uint64_t what = rng.below(4);
    if (what <= 1)
      a += R"("do": "put", "key": ")" + key + R"(", "value": )" + std::to_string(i) + R"(, "client": ")" + client +
           R"(", "context": ")" + (blind_only || rng.chance(0.3) ? "none" : "read") + "\"}";
    else if (what == 2)
      a += R"("do": "get", "key": ")" + key + R"(", "client": ")" + client + "\"}";
    else
      a += R"("do": "sync", "key": ")" + key + R"(", "to": ")" + names[rng.below(replicas)] + "\"}";
    if (!script.empty()) script += ',';
    script += a;
  }
  if (exchange)
    for (const char* p : names) script += R"(,{"at": "200ms", "process": ")" + std::string(p) + R"(", "do": "sync"})";
  return R"({"name": "random", "processes": ["A", "B", "C"], "network": {"delay": {"dist": "uniform", "min": "1ms", "max": "5ms"}},
            "data": {"policy": ")" +
         policy + R"("}, "script": [)" + script + "]}";
}

// Each write's causal past by the definition (its context's writes and their pasts), from the puts.
std::map<event_id, std::set<event_id>> pasts(const data_recorder& rec) {
  std::map<event_id, std::set<event_id>> out;
  for (const data_event& e : rec.events) {
    if (e.note.op != data_op::put) continue;
    std::set<event_id>& p = out[e.id];
    for (event_id c : e.note.context) {
      p.insert(c);
      p.insert(out[c].begin(), out[c].end());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("dvv on random runs: siblings pairwise concurrent, nothing lost, convergence after a full exchange") {
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    CAPTURE(seed);
    const auto r = run_data(random_scenario("dvv", seed, false, true));
    const auto past = pasts(r->rec);
    // Every state any event left: no write in it is in another's past, nor there twice.
    for (const data_event& e : r->rec.events)
      for (const key_writes& k : e.note.state)
        for (event_id a : k.second)
          for (event_id b : k.second) CHECK((a == b || past.at(b).count(a) == 0));
    for (const std::string key : {"x", "y"}) {
      const auto first = r->rec.state(0, key);
      for (process_id p = 1; p < replicas; ++p) CHECK(r->rec.state(p, key) == first);
    }
    CHECK(r->count("data.no_lost_update") == 0);
    CHECK(r->count("data.siblings_concurrent") == 0);
    CHECK(r->count("data.convergence") == 0);
    CHECK(r->out.lost_updates() == 0);
  }
}

TEST_CASE("dvv=fold-dot on random runs: the checker finds lost updates") {
  std::uint64_t lost = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) lost += run_data(random_scenario("dvv", seed, false, true), "dvv=fold-dot")->count("data.no_lost_update");
  CHECK(lost > 0);
}

TEST_CASE("lww's lost updates on random runs match a brute-force count from the trace") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    const scenario s = parse_scenario(random_scenario("lww", seed, true, true), "random.json");
    const temp_file trace("lww.jsonl");
    run_options o;
    o.trace_path = trace.path.string();
    o.judge_thread = false;
    const run_outcome live = run_scenario(s, o);
    // Read the trace back: its data notes, and the checker's verdict on the file alone.
    data_recorder rec;
    causality truth;
    invariant_checker checker(truth);
    trace_reader reader(trace.path.string());
    event_observer* observers[] = {&rec, &truth, &checker};
    reader.replay(observers);
    // Blind writes have no past: a replica lost every write it saw (put there, or in a state a sync
    // carried to it) that its final state does not hold; the lost updates are their union.
    std::map<process_id, std::map<std::string, std::vector<event_id>>> state;
    std::map<event_id, std::vector<key_writes>> carried;
    std::map<process_id, std::set<std::pair<std::string, event_id>>> seen;
    for (const data_event& e : rec.events) {
      if (e.note.op == data_op::put) seen[e.process].insert({e.note.key, e.id});
      if (e.note.op == data_op::sync && e.kind == event_kind::send)
        for (const std::string& key : e.note.keys) carried[e.id].emplace_back(key, state[e.process][key]);
      if (e.note.op == data_op::sync && e.kind == event_kind::receive)
        for (const key_writes& k : carried[e.send_event])
          for (event_id w : k.second) seen[e.process].insert({k.first, w});
      for (const key_writes& k : e.note.state) state[e.process][k.first] = k.second;
    }
    std::set<event_id> lost;
    for (const auto& [p, writes] : seen)
      for (const auto& [key, w] : writes)
        if (std::count(state[p][key].begin(), state[p][key].end(), w) == 0) lost.insert(w);
    CHECK(live.lost_updates() == lost.size());
    REQUIRE(checker.data() != nullptr);
    CHECK(checker.data()->lost_updates() == lost.size());
    CHECK(checker.count("data.no_lost_update") == live.invariants->count("data.no_lost_update"));
  }
}
