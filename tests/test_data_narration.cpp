// Replicated data in words: the narration's "data:" lines and the invariants' witnesses, on small runs
// worked by hand from the policies' rules (scenarios/FORMAT.md, Replicated data). Default clocks read
// true time plus their offset; lww's physical stamp is that reading in whole ms; links take 1ms.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "data_fixture.hpp"
#include "hbsim/judge/hb_graph.hpp"
#include "hbsim/views/explain.hpp"
#include "hbsim/views/explained_stamps.hpp"
#include "hbsim/views/narrator.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

// The narration's data and violation lines (those indented under an event), in order.
std::string data_lines(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::ostringstream out;
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("    data: ", 0) == 0 || line.rfind("    violates ", 0) == 0) out << line << "\n";
  return out.str();
}

std::string narrate_data(std::string_view scenario_text) {
  std::ostringstream out;
  narrator n(out);
  const scenario s = parse_scenario(scenario_text, "test.json");
  simulation sim(s);
  sim.observe(n);
  sim.run();
  return data_lines(out.str());
}

// B's clock runs 500ms slow. A puts the phone and sends its cart to B; B reads it and writes the cart
// with the laptop added, a write whose context holds A's: causally later, but stamped earlier.
constexpr std::string_view skewed_lww = R"({"name": "t", "processes": ["A", {"name": "B", "clock": {"offset": "-500ms"}}],
  "data": {"policy": "lww"},
  "script": [
    {"at": "0ms", "process": "A", "do": "put", "key": "cart", "value": ["phone"]},
    {"at": "100ms", "process": "A", "do": "sync", "key": "cart", "to": "B"},
    {"at": "200ms", "process": "B", "do": "get", "key": "cart"},
    {"at": "300ms", "process": "B", "do": "put", "key": "cart", "value": ["phone", "laptop"]}]})";

// The first example of invariant `name` in the run's reports.
std::string witness(const data_run& r, std::string_view name) {
  for (const violation_report& v : r.out.invariants->violations())
    if (v.name == name && !v.examples.empty()) return v.examples.front().rule;
  return "";
}

// hbsim explain's text for two references of the scenario's run.
std::string explain_run(std::string_view scenario_text, std::string_view a, std::string_view b) {
  const scenario s = parse_scenario(scenario_text, "test.json");
  simulation sim(s);
  hb_graph_builder builder;
  explained_stamps stamps;
  sim.observe(builder);
  sim.observe(stamps);
  sim.run();
  return explain(builder.build(), a, b, "", stamps.clocks());
}

// The part an explanation of writes a and b adds: who they are, the data's verdict, and happens-before's.
std::string writes_part(const std::string& a, const std::string& b, const std::string& verdict,
                        const std::string& events) {
  return "\nThe writes' own causality (what their contexts carry, not the events' happens-before):\n  a is " + a +
         "\n  b is " + b + "\n  " + verdict + "\n  " + events + "\n";
}

// The explanation's last part, from its heading on.
std::string data_part(const std::string& text) {
  const std::size_t at = text.find("\nThe writes' own causality");
  return at == std::string::npos ? std::string() : text.substr(at);
}

}  // namespace

TEST_CASE("data narration: last-writer-wins under skew drops the causally later write, and says why") {
  // Event ids: 1 A's put (t 0, pt 0: stamp 0), 2 A's sync (100ms), 3 B's receive (101ms), 4 B's get
  // (200ms), 5 B's put (t 300ms, pt 300 - 500 = -200ms: stamp -200). An lww version is two 8-byte words.
  // At 5, [0,"A"] > [-200,"B"]: B keeps write 1, and write 5, whose context [1] (B's get) holds write 1,
  // is lost at once; it came 300ms after write 1 in true time, but B's offset is -500ms against A's 0.
  const std::string why =
      "write 1 won by its stamp, [0,\"A\"] over [-200,\"B\"], yet write 5 is the later one: write 1 is in its causal "
      "past; write 5 was put 300ms later in true time, but B's clock was 500ms behind A's (pt minus true time -500ms "
      "against 0ns)";
  CHECK(narrate_data(skewed_lww) ==
        "    data: write 1: A puts cart = [\"phone\"], context empty, version [0,\"A\"] (16 B); cart now holds [1]\n"
        "    data: sends cart = [1]\n"
        "    data: merges A's cart = [1] into []: cart now holds [1]\n"
        "    data: B gets cart: [\"phone\"] (write 1)\n"
        "    data: write 5: B puts cart = [\"phone\",\"laptop\"], context [1], version [-200,\"B\"] (16 B); write 5 is "
        "lost: " + why + "; cart stays [1]\n"
        "    violates data.no_lost_update: write 5 (cart = [\"phone\",\"laptop\"] put at B, pt -200ms) is lost at B: B "
        "holds \"cart\" = [write 1 (cart = [\"phone\"] put at A, pt 0ns)], which does not have write 5 in its causal "
        "past: " + why + "\n");
  // hbsim check words the witness alike.
  const auto r = run_data(skewed_lww);
  CHECK(witness(*r, "data.no_lost_update") ==
        "write 5 (cart = [\"phone\",\"laptop\"] put at B, pt -200ms) is lost at B: B holds \"cart\" = [write 1 (cart = "
        "[\"phone\"] put at A, pt 0ns)], which does not have write 5 in its causal past: " + why);
}

TEST_CASE("data narration: concurrent lww writes, the earlier one lost with no skew to blame") {
  // A writes at 1ms (stamp 1), B at 2ms (stamp 2), neither having read anything; A's cart reaches B at
  // 4ms (event 4): [2,"B"] > [1,"A"], B keeps write 2 and write 1 is lost there. Write 1 is the earlier
  // in true time, so no clock lag is named.
  const auto r = run_data(R"({"name": "t", "processes": ["A", "B"], "data": {"policy": "lww"}, "script": [
    {"at": "1ms", "process": "A", "do": "put", "key": "cart", "value": ["phone"]},
    {"at": "2ms", "process": "B", "do": "put", "key": "cart", "value": ["laptop"]},
    {"at": "3ms", "process": "A", "do": "sync", "key": "cart", "to": "B"}]})");
  CHECK(witness(*r, "data.no_lost_update") ==
        "write 1 (cart = [\"phone\"] put at A, pt 1ms) is lost at B: B holds \"cart\" = [write 2 (cart = [\"laptop\"] "
        "put at B, pt 2ms)], which does not have write 1 in its causal past: write 2 won by its stamp, [2,\"B\"] over "
        "[1,\"A\"], and neither write is in the other's causal past: they are concurrent");
}

TEST_CASE("data narration: dotted version vectors keep siblings, a get returns them, a write that read them replaces them") {
  // Event ids: 1 A's put (dot (A,1), context {}), 2 B's put (dot (B,1)), 3 A's sync, 4 B's receive (4ms):
  // union [1, 2], neither dot in the other's (empty) context: siblings. 5 B's get returns both. 6 B's put
  // with context [1, 2]: C = {A:1, B:1}, n = max(C[B] = 1, the dot (B,1)) + 1 = 2; it covers both dots.
  // Bytes: 16 for the dot, 16 per context entry: 16, 16, 48.
  CHECK(narrate_data(R"({"name": "t", "processes": ["A", "B"], "data": {"policy": "dvv"}, "script": [
    {"at": "1ms", "process": "A", "do": "put", "key": "cart", "value": ["phone"]},
    {"at": "2ms", "process": "B", "do": "put", "key": "cart", "value": ["laptop"]},
    {"at": "3ms", "process": "A", "do": "sync", "key": "cart", "to": "B"},
    {"at": "5ms", "process": "B", "do": "get", "key": "cart"},
    {"at": "6ms", "process": "B", "do": "put", "key": "cart", "value": ["phone", "laptop"]}]})") ==
        "    data: write 1: A puts cart = [\"phone\"], context empty, version {\"dot\":[\"A\",1],\"context\":{}} (16 B); "
        "cart now holds [1]\n"
        "    data: write 2: B puts cart = [\"laptop\"], context empty, version {\"dot\":[\"B\",1],\"context\":{}} (16 B); "
        "cart now holds [2]\n"
        "    data: sends cart = [1]\n"
        "    data: merges A's cart = [1] into [2]: keeps write 1 as a sibling of write 2: neither is in the other's "
        "causal past; cart now holds [1, 2]\n"
        "    data: B gets cart: 2 siblings, [\"phone\"] (write 1), [\"laptop\"] (write 2)\n"
        "    data: write 6: B puts cart = [\"phone\",\"laptop\"], context [1, 2], version "
        "{\"dot\":[\"B\",2],\"context\":{\"A\":1,\"B\":1}} (48 B); write 1 gives way to write 6, whose causal past "
        "holds it; write 2 gives way to write 6, whose causal past holds it; cart now holds [6]\n");
}

TEST_CASE("explain between writes: the data's causality beside happens-before, agreeing") {
  // skewed_lww: A#1 put -> A#2 sync send -> B#1 its receive -> B#2 get -> B#3 put; write 5's context is
  // B's get, [1]: both orders say a first.
  CHECK(data_part(explain_run(skewed_lww, "A#1", "B#3")) ==
        writes_part("write 1 (cart = [\"phone\"] put at A, pt 0ns)",
                    "write 5 (cart = [\"phone\",\"laptop\"] put at B, pt -200ms)",
                    "a's write is in b's causal past: 1 in 5's context", "Happens-before agrees: a happens before b."));
  // An event that is not a put has no part.
  CHECK(data_part(explain_run(skewed_lww, "A#1", "B#2")).empty());
}

TEST_CASE("explain between writes: a blind write after the message, a client between replicas") {
  // B receives A's cart (event 3) and then writes blindly ("context": "none"): happens-before orders
  // A#1 before B#2, yet write 4's context is empty, so the data holds the two writes concurrent.
  const std::string blind = explain_run(R"({"name": "t", "processes": ["A", "B"], "data": {"policy": "dvv"}, "script": [
    {"at": "1ms", "process": "A", "do": "put", "key": "cart", "value": 1},
    {"at": "2ms", "process": "A", "do": "sync", "key": "cart", "to": "B"},
    {"at": "4ms", "process": "B", "do": "put", "key": "cart", "value": 2, "context": "none"}]})",
                                        "A#1", "B#2");
  CHECK(data_part(blind) ==
        writes_part("write 1 (cart = 1 put at A, pt 1ms)", "write 4 (cart = 2 put at B, pt 4ms)",
                    "neither write is in the other's causal past: concurrent writes, which a policy keeps as siblings "
                    "or loses one of",
                    "They differ: happens-before says a happens before b, the data does not order the writes: no "
                    "message between them carried the earlier write to the later one's client (a message that does "
                    "not carry the key tells the data nothing)"));
  // Client alice reads write 1 at A (event 2) and writes at B (write 3) with that context, then writes
  // again at B (write 4) with the state her put answered, [3]. No message was sent: A#1 and B#2 are
  // concurrent events, while write 1 is in write 4's causal past through write 3.
  const std::string carried = explain_run(R"({"name": "t", "processes": ["A", "B"], "data": {"policy": "dvv"}, "script": [
    {"at": "1ms", "process": "A", "do": "put", "key": "cart", "value": 1},
    {"at": "2ms", "process": "A", "do": "get", "key": "cart", "client": "alice"},
    {"at": "3ms", "process": "B", "do": "put", "key": "cart", "value": 2, "client": "alice"},
    {"at": "4ms", "process": "B", "do": "put", "key": "cart", "value": 3, "client": "alice"}]})",
                                          "A#1", "B#2");
  CHECK(data_part(carried) ==
        writes_part("write 1 (cart = 1 put at A, pt 1ms)", "write 4 (cart = 3 put at B, pt 4ms)",
                    "a's write is in b's causal past: 1 in 3's context, 3 in 4's context",
                    "They differ: happens-before says a and b are concurrent, the data orders them: a client carried "
                    "the write it had read to another replica, which no message shows"));
}

TEST_CASE("hbsim explain on a trace: the writes' contexts are read back from the file") {
  // Lesson 52: the web's put (write 5) read the phone (write 1) through its get: context [1]. pt: the
  // mobile's clock reads P = 1609459200s at 0, the web's P - 2s at 1.5s, so P - 0.5s.
  const scratch tmp;
  const std::string trace = tmp / "cart.jsonl";
  const std::string lesson = source_path("scenarios/teaching/52_cart_lww_skew.json");
  REQUIRE(run_cli("run --trace '" + trace + "' '" + lesson + "'").code == 0);
  const cli_result r = run_cli("explain '" + trace + "' mobile:put-phone web:put-laptop");
  CHECK(r.code == 0);
  CHECK(data_part(r.out) ==
        writes_part("write 1 (cart = [\"phone\"] put at mobile, pt 1609459200s)",
                    "write 5 (cart = [\"phone\",\"laptop\"] put at web, pt 1609459199.5s)",
                    "a's write is in b's causal past: 1 in 5's context", "Happens-before agrees: a happens before b."));
}

TEST_CASE("hbsim check of a trace gives the run's per-key data numbers, the versions' bytes read back") {
  // Lesson 51 (dvv): the phone's put (mobile,1) and the laptop's (web,1) are blind: a dot, an empty context,
  // 16 bytes each; put-both read both: its dot and context {mobile:1, web:1}, 16 + 2 x 16 = 48. In all 80.
  // No write is lost; the web holds both siblings at once.
  const scratch tmp;
  const std::string trace = tmp / "cart.jsonl";
  const std::string lesson = source_path("scenarios/teaching/51_cart_dvv_siblings.json");
  const std::string line = "  \"cart\": 3 writes, 0 lost, 2 values at most, 80 bytes of versions (the largest 48)\n";
  const cli_result run = run_cli("run --trace '" + trace + "' '" + lesson + "'");
  REQUIRE(run.code == 0);
  CHECK(run.out.find(line) != std::string::npos);
  const cli_result check = run_cli("check '" + trace + "'");
  CHECK(check.code == 0);
  CHECK(check.out.find("\ndata          0 lost updates\n" + line) != std::string::npos);
  const auto j = nlohmann::json::parse(run_cli("check --json '" + trace + "'").out);
  CHECK(j["data"]["keys"][0]["metadata_bytes"] == 80);
  CHECK(j["data"]["keys"][0]["metadata_bytes_max"] == 48);
  CHECK(j["data"]["keys"][0]["lost_updates"] == 0);
}
