// Lessons 54-56 (replicated data) in the numbers their `expect` blocks cannot state: each put's version,
// the replicas' states, and the summary's per-key writes, lost updates, most siblings and bytes of
// versions, under the file's policy and under --set '/data/policy="dvv"'. Every value is worked out by
// hand from the rules of scenarios/FORMAT.md (Replicated data): a put's vector is the join of its
// context's versions with its own entry (the server's or the client's) raised one past any the replica
// holds; a dvv put's dot is (server, one past the server's largest counter in the state or the context);
// a version costs 16 bytes per vector entry and 16 per dot. The files' notes give the same working.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_fixture.hpp"
#include "sweep_fixture.hpp"

using namespace hbsim::testing;
using nlohmann::json;

namespace {

struct lesson_run {
  json summary;              // hbsim run --json
  std::vector<json> events;  // the trace's lines that carry data
};

/// Runs scenarios/teaching/FILE, with `policy` set in place of the file's when not empty.
lesson_run run_lesson(const std::string& file, const std::string& policy = "") {
  scratch dir;
  std::string args =
      "run --json --trace '" + (dir / "t.jsonl") + "' '" + source_path("scenarios/teaching/" + file) + "'";
  if (!policy.empty()) args += " --set '/data/policy=\"" + policy + "\"'";
  const cli_result r = run_cli(args);
  CHECK(r.code == 0);
  lesson_run out;
  out.summary = json::parse(r.out);
  for (json& line : json_lines(read_file(dir / "t.jsonl")))
    if (line.contains("data")) out.events.push_back(std::move(line));
  return out;
}

/// The summary's one key: {writes, lost updates, most siblings, bytes of versions, the largest version's}.
std::vector<std::uint64_t> key_numbers(const lesson_run& r, const std::string& key) {
  const json& data = r.summary.at("data");
  REQUIRE(data.at("keys").size() == 1);
  const json& k = data.at("keys").at(0);
  CHECK(k.at("key") == key);
  CHECK(data.at("lost_updates") == k.at("lost_updates"));
  return {k.at("writes"), k.at("lost_updates"), k.at("siblings_max"), k.at("metadata_bytes"), k.at("metadata_bytes_max")};
}

/// Each put's version, by write id.
std::map<std::uint64_t, json> versions(const lesson_run& r) {
  std::map<std::uint64_t, json> out;
  for (const json& e : r.events)
    if (e.at("data").at("op") == "put") out[e.at("data").at("write")] = e.at("data").at("version");
  return out;
}

/// The state of `key` each event that changed it left, by event id.
std::map<std::uint64_t, std::vector<std::uint64_t>> states(const lesson_run& r, const std::string& key) {
  std::map<std::uint64_t, std::vector<std::uint64_t>> out;
  for (const json& e : r.events)
    if (e.contains("state") && e.at("state").contains(key))
      out[e.at("id")] = e.at("state").at(key).get<std::vector<std::uint64_t>>();
  return out;
}

std::map<std::uint64_t, json> parse_versions(const std::map<std::uint64_t, std::string>& texts) {
  std::map<std::uint64_t, json> out;
  for (const auto& [write, text] : texts) out[write] = json::parse(text);
  return out;
}

}  // namespace

TEST_CASE("lesson 54: the room's version vectors count writes, the servers' vector clocks count events") {
  // Writes 1 (Alice on eu, nothing read: {eu:1}), 5 (Bob on us, from the empty room he read at 1 ms: us's
  // entry one past the largest held, write 1's 0: {us:1}), 7 (Bob's merge, context [1, 5]: {eu:1, us:1}
  // with us raised past 1: {eu:1, us:2}). States: eu [1] at 1; us [1] at its receive 4, [1, 5] at 5
  // ({us:1} covers not {eu:1}), [7] at 7; eu [7] at its receive 9.
  const lesson_run r = run_lesson("54_chat_version_vs_vector_clock.json");
  CHECK(versions(r) == parse_versions({{1, R"({"eu":1})"}, {5, R"({"us":1})"}, {7, R"({"eu":1,"us":2})"}}));
  CHECK(states(r, "room") == std::map<std::uint64_t, std::vector<std::uint64_t>>{
                                 {1, {1}}, {4, {1}}, {5, {1, 5}}, {7, {7}}, {9, {7}}});
  // 3 writes, none lost, 2 values at us after write 5, 16 + 16 + 32 = 64 bytes.
  CHECK(key_numbers(r, "room") == std::vector<std::uint64_t>{3, 0, 2, 64, 32});
  // Bob's reload (event 6) returns both siblings.
  for (const json& e : r.events)
    if (e.at("id") == 6) CHECK(e.at("data").at("writes") == json::array({1, 5}));
}

TEST_CASE("lesson 54: explain says where happens-before and the data disagree on the two posts") {
  // eu#1 -> eu#2 (sync) -> us#2 (its receive) -> us#3: the events order the posts, but Bob's context
  // was empty, so the data holds them concurrent.
  scratch dir;
  const std::string trace = dir / "chat.jsonl";
  REQUIRE(run_cli("run --trace '" + trace + "' '" +
                  source_path("scenarios/teaching/54_chat_version_vs_vector_clock.json") + "'")
              .code == 0);
  const cli_result r = run_cli("explain '" + trace + "' eu:alice-hi us:bob-hello");
  CHECK(r.code == 0);
  CHECK(r.out.find("a happens before b (a -> b): a path of 3 hops") != std::string::npos);
  CHECK(r.out.find("neither write is in the other's causal past") != std::string::npos);
  CHECK(r.out.find("They differ: happens-before says a happens before b, the data does not order the writes") !=
        std::string::npos);
}

TEST_CASE("lesson 55: the same writes cost 208 bytes as client vectors and 176 as dotted version vectors") {
  // Writes 1 (Ann on eu) and 2 (Cy on us), nothing read; 9 (Ben on eu) and 10 (Dee on us), each having
  // read [1, 2]; 16 (Eve on eu), having read [9, 10]. Event ids as in the file's note.
  const std::map<std::uint64_t, std::vector<std::uint64_t>> cart_states{
      {1, {1}}, {2, {2}}, {5, {1, 2}}, {6, {1, 2}}, {9, {9}},
      {10, {10}}, {13, {9, 10}}, {14, {9, 10}}, {16, {16}}, {18, {16}}};

  // Client vectors: a write joins what its client read and sets its client's entry to 1 (each client
  // writes once): 1, 1, 3, 3 and 5 entries.
  const lesson_run by_client = run_lesson("55_cart_client_vector_vs_dvv.json");
  CHECK(versions(by_client) == parse_versions({{1, R"({"ann":1})"},
                                               {2, R"({"cy":1})"},
                                               {9, R"({"ann":1,"ben":1,"cy":1})"},
                                               {10, R"({"ann":1,"cy":1,"dee":1})"},
                                               {16, R"({"ann":1,"ben":1,"cy":1,"dee":1,"eve":1})"}}));
  CHECK(states(by_client, "cart") == cart_states);
  // 16 x (1 + 1 + 3 + 3 + 5) = 208.
  CHECK(key_numbers(by_client, "cart") == std::vector<std::uint64_t>{5, 0, 2, 208, 80});

  // Dotted version vectors: 9's context is {eu:1} join {us:1} and its dot (eu, max(1, 1) + 1); 16's
  // context joins 9's and 10's contexts and dots, {eu:2, us:2}, and its dot is (eu, 3).
  const lesson_run dotted = run_lesson("55_cart_client_vector_vs_dvv.json", "dvv");
  CHECK(versions(dotted) == parse_versions({{1, R"({"dot":["eu",1],"context":{}})"},
                                            {2, R"({"dot":["us",1],"context":{}})"},
                                            {9, R"({"dot":["eu",2],"context":{"eu":1,"us":1}})"},
                                            {10, R"({"dot":["us",2],"context":{"eu":1,"us":1}})"},
                                            {16, R"({"dot":["eu",3],"context":{"eu":2,"us":2}})"}}));
  CHECK(states(dotted, "cart") == cart_states);
  // 16 + 16 + 3 x (16 + 2 x 16) = 176.
  CHECK(key_numbers(dotted, "cart") == std::vector<std::uint64_t>{5, 0, 2, 176, 48});
}

TEST_CASE("lesson 56: twelve clients make client vectors of up to 12 entries, dotted ones stay at 3") {
  // Round r (1 to 6) writes 10r - 7 on east and 10r - 5 on west, each having read both writes of round
  // r - 1: their join plus its own entry, 2(r - 1) + 1 entries. Write 62, Ann again on north, joins all
  // twelve and raises ann past the 1 held: 12 entries, ann:2.
  const lesson_run by_client = run_lesson("56_cart_client_vectors_grow.json");
  const std::map<std::uint64_t, std::size_t> entries{{3, 1},  {5, 1},  {13, 3}, {15, 3}, {23, 5},  {25, 5}, {33, 7},
                                                     {35, 7}, {43, 9}, {45, 9}, {53, 11}, {55, 11}, {62, 12}};
  const std::map<std::uint64_t, json> v = versions(by_client);
  REQUIRE(v.size() == entries.size());
  for (const auto& entry : entries) {
    const std::uint64_t write = entry.first;  // a plain name: Clang 14's CAPTURE cannot take a structured binding
    const std::size_t n = entry.second;
    CAPTURE(write);
    REQUIRE(v.count(write) == 1);
    CHECK(v.at(write).size() == n);
  }
  CHECK(v.at(53) ==
        json::parse(R"({"ann":1,"ben":1,"cy":1,"dee":1,"eve":1,"fay":1,"gus":1,"hal":1,"ida":1,"jo":1,"kim":1})"));
  CHECK(v.at(62).at("ann") == 2);
  CHECK(v.at(62).at("lee") == 1);
  // Every replica ends with write 62 alone: east and west at their receives 64 and 65.
  const auto cart = states(by_client, "cart");
  CHECK(cart.at(64) == std::vector<std::uint64_t>{62});
  CHECK(cart.at(65) == std::vector<std::uint64_t>{62});
  // 2 x 16 x (1 + 3 + 5 + 7 + 9 + 11) + 16 x 12 = 1152 + 192 = 1344 bytes, 13 writes, 2 siblings at most.
  CHECK(key_numbers(by_client, "cart") == std::vector<std::uint64_t>{13, 0, 2, 1344, 192});

  // The same run with dotted version vectors: round 1 (east, 1) and (west, 1) with empty contexts; round
  // r > 1 (east, r) or (west, r) with context {east: r - 1, west: r - 1}; write 62 (north, 1) with
  // {east: 6, west: 6}. 2 x 16 + 10 x 48 + 48 = 560 bytes.
  const lesson_run dotted = run_lesson("56_cart_client_vectors_grow.json", "dvv");
  const std::map<std::uint64_t, json> d = versions(dotted);
  CHECK(d.at(3) == json::parse(R"({"dot":["east",1],"context":{}})"));
  CHECK(d.at(35) == json::parse(R"({"dot":["west",4],"context":{"east":3,"west":3}})"));
  CHECK(d.at(53) == json::parse(R"({"dot":["east",6],"context":{"east":5,"west":5}})"));
  CHECK(d.at(62) == json::parse(R"({"dot":["north",1],"context":{"east":6,"west":6}})"));
  CHECK(key_numbers(dotted, "cart") == std::vector<std::uint64_t>{13, 0, 2, 560, 48});
}
