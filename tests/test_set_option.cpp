// hbsim run --set PATH=VALUE (SPEC §11): a scenario field overridden by JSON pointer, exactly as if the file said so,
// and errors that name the option, the path, what was expected and what was found.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "hbsim/run/field_override.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

// Three processes, a random workload: the seed decides who sends to whom.
std::string small_random(const std::string& seed) {
  return R"({"hbsim": 1, "name": "small-random", "description": "a small random workload", "seed": )" + seed +
         R"(, "processes": ["a", "b", "c"], "network": {"delay": "1ms"},
  "generate": {"kind": "random", "events": 20, "send_ratio": 0.5, "interval": "1ms"},
  "expect": [{"event": "a#1", "lamport": 1, "vector": {"a": 1}}]})";
}

}  // namespace

TEST_CASE("--set /seed=9 makes the trace of the file edited to seed 9") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random("1"));
  const std::string edited = dir.write("t.json", small_random("9"));
  const cli_result set = run_cli("run --trace - --set /seed=9 '" + file + "'");
  const cli_result plain = run_cli("run --trace - '" + file + "'");
  const cli_result other = run_cli("run --trace - '" + edited + "'");
  CHECK(set.code == 0);
  CHECK(other.code == 0);
  CHECK(set.out == other.out);
  CHECK(set.out != plain.out);
}

TEST_CASE("--set takes JSON, or else a string, and later settings win") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random("1"));
  // "2ms" is not JSON: taken as the string "2ms", as if the file said "delay": "2ms".
  const cli_result as_string = run_cli("run --json --set /network/delay=2ms '" + file + "'");
  const cli_result as_json = run_cli("run --json --set '/network/delay=\"2ms\"' '" + file + "'");
  const cli_result one_ms = run_cli("run --json '" + file + "'");
  const cli_result twice = run_cli("run --json --set /network/delay=2ms --set /network/delay=1ms '" + file + "'");
  REQUIRE(as_string.code == 0);
  const auto hash = [](const cli_result& r) { return nlohmann::json::parse(r.out).at("trace_sha256"); };
  CHECK(hash(as_string) == hash(as_json));
  CHECK(hash(as_string) != hash(one_ms));
  CHECK(hash(twice) == hash(one_ms));
  // An array element, by index.
  const cli_result named = run_cli("run --trace - --set '/processes/2=\"zed\"' '" + file + "'");
  CHECK(named.code == 0);
  CHECK(named.out.find("\"processes\":[\"a\",\"b\",\"zed\"]") != std::string::npos);
}

TEST_CASE("--set makes the sections missing on its path, as if the file had them") {
  scratch dir;
  std::string bare = small_random("1");
  const std::string network = R"("network": {"delay": "1ms"},)";
  bare.erase(bare.find(network), network.size());
  std::string slow = small_random("1");
  slow.replace(slow.find(network), network.size(), R"("network": {"delay": "3ms"},)");
  const std::string file = dir.write("bare.json", bare);
  const std::string full = dir.write("slow.json", slow);
  const cli_result set = run_cli("run --trace - --set '/network/delay=\"3ms\"' '" + file + "'");
  const cli_result edited = run_cli("run --trace - '" + full + "'");
  CHECK(set.code == 0);
  CHECK(set.out == edited.out);
  CHECK(run_cli("run --trace - '" + file + "'").out != edited.out);  // the default delay is 1ms
}

TEST_CASE("--set errors name the option, the path, what was expected and what was found, and exit 2") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random("1"));
  const auto refused = [&](const std::string& set, const std::string& expected_text) {
    CAPTURE(set);
    const cli_result r = run_cli("run --set '" + set + "' '" + file + "'");
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("--set") != std::string::npos);
    CHECK(r.err.find(expected_text) != std::string::npos);
    return r.err;
  };
  refused("seed=9", "a JSON pointer");           // no leading /
  refused("/seed~2=9", "a JSON pointer");        // ~2 is no escape
  refused("=9", "PATH=VALUE");
  // A missing object on the way is made, then refused by the reader like any unknown field.
  const std::string nowhere = refused("/network/nowhere/delay=1", "at /network/nowhere:");
  CHECK(nowhere.find("found the field \"nowhere\"") != std::string::npos);
  const std::string unknown = refused("/network/delya=\"1ms\"", "at /network/delya:");
  CHECK(unknown.find("did you mean \"delay\"?") != std::string::npos);
  const std::string invalid = refused("/seed=-1", "at /seed:");
  CHECK(invalid.find("found a number (-1)") != std::string::npos);
  refused("/processes/7=\"x\"", "an index of /processes (0 to 2), or - to append");
  refused("/processes/01=\"x\"", "an index of /processes (0 to 2), or - to append");  // RFC 6901: no leading 0
  refused("/seed/x=1", "an object or an array at /seed");
  refused("=", "PATH=VALUE");
}

TEST_CASE("an error elsewhere in a file edited by --set names the edits with the file") {
  // three_clocks expects values of A, B and C events and their hlc: with the clocks cut to Lamport and
  // vectors, /expect/0/hlc is refused, though no --set touched /expect.
  const std::string file = source_path("scenarios/three_clocks.json");
  const cli_result r = run_cli("run --set /seed=3 --set '/clocks=[\"lamport\",\"vector\"]' '" + file + "'");
  CHECK(r.code == 2);
  CHECK(r.err.find(file + " (with --set /seed=3, --set /clocks=[\"lamport\",\"vector\"]): at /expect/0/hlc: ") !=
        std::string::npos);
  CHECK(r.err.find("expected a value of a clock the scenario chooses (lamport, vector), found \"hlc\", which "
                   "\"clocks\" leaves out (add \"hlc\" to \"clocks\")") != std::string::npos);
  // Without edits, the file alone.
  const std::string unedited = run_cli("run '" + source_path("tests/bad_input/semantic/commit_unknown_process.json") + "'").err;
  CHECK(unedited.find("(with") == std::string::npos);
}

TEST_CASE("an error found after the run that an edit caused names the edits too and so does the summary") {
  const std::string file = source_path("scenarios/three_clocks.json");
  // Until 1ms, B's "draft" (at 1.5ms) never happens: the reference /expect/2/event names no event.
  const cli_result cut = run_cli("run --set /until=1ms '" + file + "'");
  CHECK(cut.code == 2);
  CHECK(cut.err.find(file + " (with --set /until=\"1ms\"): at /expect/2/event: expected a reference that names "
                     "exactly one event, found no event of B labelled \"draft\"") != std::string::npos);
  const cli_result seeded = run_cli("run --set /seed=4 '" + file + "'");
  CHECK(seeded.code == 0);
  CHECK(seeded.out.find("hbsim run: three-clocks (" + file + " with --set /seed=4), seed 4\n") != std::string::npos);
}

TEST_CASE("field_override gives back what --set takes") {
  const field_override o = parse_override("/network/delay=5ms");
  CHECK(o.path == "/network/delay");
  CHECK(o.value == "5ms");
  CHECK(o.text() == "/network/delay=\"5ms\"");
  CHECK(parse_override(o.text()).value == o.value);
  CHECK(parse_override("/seed=9").value == 9);
  CHECK(parse_override("/a=[1,2]").value == nlohmann::json::array({1, 2}));
  CHECK(parse_override("/a=").value == "");
}
