// The dvv policy against published DVVSet behaviour: worked examples of the EUnit tests in
// ricardobcl/Dotted-Version-Vectors, src/dvvset.erl (the Dotted Version Vector Set Riak uses),
// tests update_test, sync_update_test and sync_test, replayed as scripts. DVVSet writes a replica's
// state as {id, counter, [values newest first]}; the values there are the siblings, and hbsim keeps
// the same writes. hbsim's dot (r, n) is the n-th value of id r in DVVSet's list; a client's context
// is DVVSet's join(...) of what it read. Each expected state and version is derived again here by the
// rules of scenarios/FORMAT.md (dvv).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "data_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

std::string act(const std::string& at, const std::string& p, const std::string& rest) {
  return R"({"at": ")" + at + R"(", "process": ")" + p + R"(", )" + rest + "}";
}
std::string put(const std::string& at, const std::string& p, const std::string& value, const std::string& client,
                const std::string& context = "read") {
  return act(at, p,
             R"("do": "put", "key": "k", "value": ")" + value + R"(", "client": ")" + client + R"(", "context": ")" +
                 context + "\"");
}
std::string get(const std::string& at, const std::string& p, const std::string& client) {
  return act(at, p, R"("do": "get", "key": "k", "client": ")" + client + "\"");
}
std::string sync(const std::string& at, const std::string& from, const std::string& to) {
  return act(at, from, R"("do": "sync", "key": "k", "to": ")" + to + "\"");
}

std::unique_ptr<data_run> run_dvv(const std::vector<std::string>& script) {
  std::string text = R"({"name": "dvvset", "processes": ["a", "b", "c"], "data": {"policy": "dvv"}, "script": [)";
  for (std::size_t i = 0; i < script.size(); ++i) text += (i ? "," : "") + script[i];
  return run_data(text + "]}");
}

using ids = std::vector<event_id>;
constexpr process_id a = 0, b = 1, c = 2;

}  // namespace

TEST_CASE("dvvset sync_update_test: a write with an old context keeps the concurrent sibling") {
  // Mary writes v1 without a context: {a,1,[v1]} (write 1, dot (a,1)). Peter reads it (event 2): VV
  // [{a,1}]. Mary writes v2 blind: n = max(0, the state's 1) + 1 = 2, {a,2,[v2,v1]}, both kept (write
  // 3). Peter writes v3 with context {a:1}: n = max(1, 2) + 1 = 3, it covers dot (a,1) only:
  // {a,3,[v3,v2]}, the state [3, 4].
  const auto r = run_dvv({put("1ms", "a", "v1", "mary", "none"), get("2ms", "a", "peter"),
                          put("3ms", "a", "v2", "mary", "none"), put("4ms", "a", "v3", "peter")});
  CHECK(r->rec.version(1) == R"({"dot":["a",1],"context":{}})");
  CHECK(r->rec.version(3) == R"({"dot":["a",2],"context":{}})");
  CHECK(r->rec.version(4) == R"({"dot":["a",3],"context":{"a":1}})");
  CHECK(r->rec.state(a, "k") == ids{3, 4});
  CHECK(r->out.ok());
}

TEST_CASE("dvvset update_test: A1, A4 and A3 (a write at another replica from the same old context)") {
  // A0 = {a,1,[v1]}: c1 writes v1 (write 1); c0 and c2 read it (events 2, 3): join(A0) = {a:1}.
  // A1 = {a,2,[v2]}: c1 writes v2 with the state its put answered, [1], so context {a:1}, dot (a,2),
  // replacing write 1 (write 4). Replica a sends A1 to b (event 5, received 6 at 5ms).
  // A4 = {a,3,[v5,v2]}: c0 writes v5 at a with context {a:1}: dot (a, max(1, 2) + 1 = 3), and write
  // 4's dot (a,2) is not covered: siblings [4, 7]. A3 = {a,2,[v2]},{b,1,[v4]}: c2 writes v4 at b, which
  // holds A1, with the same context: dot (b, 0 + 1), (a,2) not covered: siblings [4, 8].
  const auto r = run_dvv({put("1ms", "a", "v1", "c1", "none"), get("2ms", "a", "c0"), get("2ms", "a", "c2"),
                          put("3ms", "a", "v2", "c1"), sync("4ms", "a", "b"), put("6ms", "a", "v5", "c0"),
                          put("7ms", "b", "v4", "c2")});
  CHECK(r->rec.version(4) == R"({"dot":["a",2],"context":{"a":1}})");
  CHECK(r->rec.version(7) == R"({"dot":["a",3],"context":{"a":1}})");
  CHECK(r->rec.state(a, "k") == ids{4, 7});
  CHECK(r->rec.version(8) == R"({"dot":["b",1],"context":{"a":1}})");
  CHECK(r->rec.state(b, "k") == ids{4, 8});
  CHECK(r->out.ok());
}

TEST_CASE("dvvset sync_test: sync([A4, A3]) keeps the two writes of v3 and drops v2") {
  // A1 = {a,2,[v2]} as in update_test (writes 1 and 2, the second with context {a:1}). Replica a sends
  // it to b and c (event 3, received 4 and 5 at 4ms). A3 = update(new_list(join(A1),[v3]), b): a client
  // of b reads [2] (event 6) and writes v3 with context {a:2}: dot (b,1), covering (a,2): b holds [7].
  // A4, the same at c: events 8 and 9, dot (c,1), c holds [9]. b sends A3 to c (event 10, received 11
  // at 11ms): the union [7, 9], neither dot in the other's context {a:2}: {a,2,[]},{b,1,[v3]},{c,1,[v3]}.
  const auto r = run_dvv({put("1ms", "a", "v1", "x", "none"), put("2ms", "a", "v2", "x"), sync("3ms", "a", "*"),
                          get("6ms", "b", "y"), put("7ms", "b", "v3", "y"), get("8ms", "c", "z"),
                          put("9ms", "c", "v3", "z"), sync("10ms", "b", "c")});
  CHECK(r->rec.version(2) == R"({"dot":["a",2],"context":{"a":1}})");
  CHECK(r->rec.version(7) == R"({"dot":["b",1],"context":{"a":2}})");
  CHECK(r->rec.version(9) == R"({"dot":["c",1],"context":{"a":2}})");
  CHECK(r->rec.state(b, "k") == ids{7});
  CHECK(r->rec.state(c, "k") == ids{7, 9});
  CHECK(r->out.ok());
}
