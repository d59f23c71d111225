// Replicated data: each policy's states and versions on small scripts, derived by hand, and each
// variant caught by the invariant that names its fault.
#include <doctest/doctest.h>

#include "data_fixture.hpp"
#include "hbsim/core/input_error.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

// Two replicas A and B on default clocks (pt = true time) and 1ms links; `data` and `script` given.
std::string two_replicas(const std::string& data, const std::string& script) {
  return R"({"name": "t", "processes": ["A", "B"], "data": )" + data + R"(, "script": [)" + script + "]}";
}

std::string put(const std::string& at, const std::string& p, const std::string& value, const std::string& extra = "") {
  return R"({"at": ")" + at + R"(", "process": ")" + p + R"(", "do": "put", "key": "cart", "value": )" + value +
         extra + "}";
}

std::string sync(const std::string& at, const std::string& from, const std::string& to) {
  return R"({"at": ")" + at + R"(", "process": ")" + from + R"(", "do": "sync", "key": "cart", "to": ")" + to + R"("})";
}

// The put of process p (the k-th, from 0).
event_id put_of(const data_run& r, process_id p, std::size_t k = 0) {
  for (const data_event& e : r.rec.events)
    if (e.note.op == data_op::put && e.process == p && k-- == 0) return e.id;
  return 0;
}

constexpr process_id A = 0, B = 1;

}  // namespace

TEST_CASE("lww: the later stamp wins at both replicas and the earlier write is lost at each") {
  // A writes at 1ms (stamp 1), B at 2ms (stamp 2). A's state reaches B at 4ms: 1 < 2, B keeps its
  // own; B's reaches A at 6ms and replaces A's. w1 was seen by both and is kept by neither.
  const auto r = run_data(two_replicas(R"({"policy": "lww"})", put("1ms", "A", R"(["phone"])") + "," +
                                                                 put("2ms", "B", R"(["laptop"])") + "," +
                                                                 sync("3ms", "A", "B") + "," + sync("5ms", "B", "A")));
  const event_id w1 = put_of(*r, A), w2 = put_of(*r, B);
  CHECK(r->rec.version(w1) == R"([1,"A"])");
  CHECK(r->rec.version(w2) == R"([2,"B"])");
  CHECK(r->rec.state(A, "cart") == std::vector<event_id>{w2});
  CHECK(r->rec.state(B, "cart") == std::vector<event_id>{w2});
  CHECK(r->count("data.no_lost_update") == 2);  // w1 at B, then at A
  CHECK(r->out.invariants->data()->lost_updates() == 1);
  CHECK(r->count("data.convergence") == 0);
  CHECK_FALSE(r->out.ok());
}

TEST_CASE("lww: equal stamps are ordered by writer, or diverge without the tie break") {
  const std::string text = two_replicas(R"({"policy": "lww"})", put("1ms", "A", "1") + "," + put("1ms", "B", "2") +
                                                                     "," + sync("3ms", "A", "B") + "," +
                                                                     sync("3ms", "B", "A"));
  // Both stamps are 1; B's index (1) is larger, so B's write wins everywhere.
  const auto canonical = run_data(text);
  const event_id wb = put_of(*canonical, B);
  CHECK(canonical->rec.state(A, "cart") == std::vector<event_id>{wb});
  CHECK(canonical->rec.state(B, "cart") == std::vector<event_id>{wb});
  CHECK(canonical->count("data.convergence") == 0);
  // Without it each keeps its own: they have seen the same writes and hold different ones.
  for (const char* variant : {"lww=no-tie-break", ""}) {
    const auto wrong = run_data(variant[0] ? text : two_replicas(R"({"policy": "lww", "tie_break": "none"})",
                                                                 put("1ms", "A", "1") + "," + put("1ms", "B", "2") +
                                                                     "," + sync("3ms", "A", "B") + "," +
                                                                     sync("3ms", "B", "A")),
                                variant);
    CHECK(wrong->rec.state(A, "cart") == std::vector<event_id>{put_of(*wrong, A)});
    CHECK(wrong->rec.state(B, "cart") == std::vector<event_id>{put_of(*wrong, B)});
    CHECK(wrong->count("data.convergence") == 1);
  }
}

TEST_CASE("lww: hlc and lamport stamps") {
  // With HLC stamps B's write at 2ms is (2ms, 0); with Lamport stamps A's second event is L = 2.
  const auto hlc = run_data(two_replicas(R"({"policy": "lww", "stamp": "hlc"})", put("2ms", "B", "1")));
  CHECK(hlc->rec.version(put_of(*hlc, B)) == R"([2000000,0,"B"])");
  const auto lamport = run_data(
      two_replicas(R"({"policy": "lww", "stamp": "lamport"})", put("1ms", "A", "1") + "," + put("2ms", "A", "2")));
  CHECK(lamport->rec.version(put_of(*lamport, A, 1)) == R"([2,"A"])");
}

TEST_CASE("version_vector: a blind write through the same replica replaces the other") {
  // Both writes at A: {A:1}, then {A:2} covers it. Blind, the second knew nothing of the first: lost.
  const auto blind = run_data(two_replicas(R"({"policy": "version_vector"})",
                                           put("1ms", "A", "1", R"(, "context": "none")") + "," +
                                               put("2ms", "A", "2", R"(, "context": "none")")));
  const event_id w1 = put_of(*blind, A), w2 = put_of(*blind, A, 1);
  CHECK(blind->rec.version(w1) == R"({"A":1})");
  CHECK(blind->rec.version(w2) == R"({"A":2})");
  CHECK(blind->rec.state(A, "cart") == std::vector<event_id>{w2});
  CHECK(blind->count("data.no_lost_update") == 1);
  // Reading first (the first put answered with its state), the second overwrites knowingly.
  const auto read = run_data(two_replicas(R"({"policy": "version_vector"})", put("1ms", "A", "1") + "," + put("2ms", "A", "2")));
  CHECK(read->count("data.no_lost_update") == 0);
  CHECK(read->out.ok());
}

TEST_CASE("version_vector: writes at two replicas become siblings, and equal-is-concurrent keeps one twice") {
  const std::string text = two_replicas(R"({"policy": "version_vector"})", put("1ms", "A", "1") + "," +
                                                                                put("1ms", "B", "2") + "," +
                                                                                sync("3ms", "A", "B") + "," +
                                                                                sync("5ms", "B", "A"));
  const auto ok = run_data(text);
  const std::vector<event_id> both{put_of(*ok, A), put_of(*ok, B)};
  CHECK(ok->rec.state(A, "cart") == both);
  CHECK(ok->rec.state(B, "cart") == both);
  CHECK(ok->out.ok());
  // B's state [wA, wB] reaches A, which holds wA: with no "equal", wA arrives as a new sibling of itself.
  const auto wrong = run_data(text, "version_vector=equal-is-concurrent");
  const event_id wa = put_of(*wrong, A), wb = put_of(*wrong, B);
  CHECK(wrong->rec.state(A, "cart") == std::vector<event_id>{wa, wa, wb});
  CHECK(wrong->count("data.siblings_concurrent") >= 1);
}

TEST_CASE("client_vector: two clients writing blind through one replica become siblings") {
  const std::string script = put("1ms", "A", "1", R"(, "client": "c1", "context": "none")") + "," +
                             put("2ms", "A", "2", R"(, "client": "c2", "context": "none")");
  const auto r = run_data(two_replicas(R"({"policy": "client_vector"})", script));
  const event_id w1 = put_of(*r, A), w2 = put_of(*r, A, 1);
  CHECK(r->rec.version(w1) == R"({"c1":1})");
  CHECK(r->rec.version(w2) == R"({"c2":1})");
  CHECK(r->rec.state(A, "cart") == std::vector<event_id>{w1, w2});
  CHECK(r->out.ok());
}

TEST_CASE("dvv: blind writes through one replica are siblings, and a write with its read context replaces them") {
  // c1 and c2 write blind at A: dots (A,1) and (A,2), empty contexts, so neither covers the other.
  // c1 reads both, then writes with context {A:2}: dot (A,3), replacing exactly what it saw.
  const std::string script = put("1ms", "A", R"("x")", R"(, "client": "c1", "context": "none")") + "," +
                             put("2ms", "A", R"("y")", R"(, "client": "c2", "context": "none")") + "," +
                             R"({"at": "3ms", "process": "A", "do": "get", "key": "cart", "client": "c1"},)" +
                             put("4ms", "A", R"("z")", R"(, "client": "c1")");
  const auto r = run_data(two_replicas(R"({"policy": "dvv"})", script));
  const event_id w1 = put_of(*r, A), w2 = put_of(*r, A, 1), w3 = put_of(*r, A, 2);
  CHECK(r->rec.version(w1) == R"({"dot":["A",1],"context":{}})");
  CHECK(r->rec.version(w2) == R"({"dot":["A",2],"context":{}})");
  CHECK(r->rec.version(w3) == R"({"dot":["A",3],"context":{"A":2}})");
  const data_event& get = r->rec.events[2];
  REQUIRE(get.note.op == data_op::get);
  CHECK(get.note.writes == std::vector<event_id>{w1, w2});
  CHECK(get.note.values == std::vector<std::string>{R"("x")", R"("y")"});
  CHECK(r->rec.state(A, "cart") == std::vector<event_id>{w3});
  CHECK(r->out.ok());
}

TEST_CASE("dvv: concurrent writes at two replicas merge into siblings, and fold-dot drops them all") {
  const std::string text =
      two_replicas(R"({"policy": "dvv"})", put("1ms", "A", "1") + "," + put("2ms", "B", "2") + "," + sync("3ms", "A", "B"));
  const auto ok = run_data(text);
  CHECK(ok->rec.state(B, "cart") == std::vector<event_id>{put_of(*ok, A), put_of(*ok, B)});
  CHECK(ok->out.ok());
  // Folded, (A,1) is in A's context and (B,1) in B's: every value's dot is covered, so B keeps none.
  const auto wrong = run_data(text, "dvv=fold-dot");
  CHECK(wrong->rec.version(put_of(*wrong, A)) == R"({"dot":["A",1],"context":{"A":1}})");
  CHECK(wrong->rec.state(B, "cart").empty());
  CHECK(wrong->count("data.no_lost_update") == 2);
}

TEST_CASE("on_write replication sends the state after each put") {
  const auto r = run_data(two_replicas(R"({"policy": "dvv", "replicate": "on_write"})", put("1ms", "A", "1")));
  // The put, its replication (a send at A) and the receive at B, which now holds the write.
  REQUIRE(r->rec.events.size() == 3);
  CHECK(r->rec.events[1].kind == event_kind::send);
  CHECK(r->rec.events[2].kind == event_kind::receive);
  CHECK(r->rec.state(B, "cart") == std::vector<event_id>{put_of(*r, A)});
}

TEST_CASE("a reactive sync answers its sender: push then pull leaves both replicas with both writes") {
  // A and B each write blind at 1 and 2ms (concurrent: two siblings under dvv). A pushes at 3ms; B's receive at 4ms
  // merges A's write into {A's, B's}, and B's rule sends that state back to the sender, A, which holds both at 5ms.
  std::string text = two_replicas(R"({"policy": "dvv"})", put("1ms", "A", "1") + "," + put("2ms", "B", "2") + "," +
                                                              sync("3ms", "A", "B").insert(1, R"("label": "push", )"));
  text.insert(text.size() - 1,
              R"(, "on_receive": [{"process": "B", "label": "push", "do": "sync", "key": "cart", "to": "sender",)"
              R"( "action_label": "pull"}])");
  const auto r = run_data(text);
  const std::vector<event_id> both{put_of(*r, A), put_of(*r, B)};
  CHECK(r->rec.state(B, "cart") == both);
  CHECK(r->rec.state(A, "cart") == both);
  // A's last data event is the receive of B's pull.
  CHECK(r->rec.events.back().process == A);
  CHECK(r->rec.events.back().kind == event_kind::receive);
  CHECK(r->out.ok());
}

TEST_CASE("a data action needs the scenario's data, and its fields their action") {
  const auto refused = [](const std::string& text) {
    try {
      parse_scenario(text, "t.json");
    } catch (const input_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused(R"({"name": "t", "processes": ["A"], "script": [)" + put("1ms", "A", "1") + "]}")
            .find("need the top-level \"data\"") != std::string::npos);
  CHECK(refused(two_replicas(R"({"policy": "lww", "stamp": "hlc"})", "").replace(1, 0, R"("clocks": ["lamport"], )"))
            .find("hlc is not in \"clocks\"") != std::string::npos);
  CHECK(refused(two_replicas(R"({"policy": "dvv", "tie_break": "none"})", "")).find("option of lww") !=
        std::string::npos);
  CHECK(refused(two_replicas(R"({"policy": "dvv"})", R"({"at": "1ms", "process": "A", "do": "local", "key": "k"})"))
            .find("only put, get and sync") != std::string::npos);
  // "sender" is a reactive rule's: a scripted sync has no message to answer.
  CHECK(refused(two_replicas(R"({"policy": "dvv"})", sync("1ms", "A", "sender"))).find("/script/0/to") !=
        std::string::npos);
}
