// Every scenario shipped in scenarios/ runs, passes its `expect` block, and is deterministic, also
// across build types when another build's binary is given (HBSIM_REFERENCE_BINARY).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

#include "cli_fixture.hpp"
#include "core/sha256.hpp"
#include "hbsim/run/runner.hpp"

using namespace hbsim;
using namespace hbsim::testing;
namespace fs = std::filesystem;

namespace {
std::vector<fs::path> shipped_scenarios() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(source_path("scenarios")))
    if (e.is_regular_file() && e.path().extension() == ".json" && e.path().filename() != "schema.json")
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// tests/data/trace_sha256.txt: "HASH  scenarios/FILE" lines, as sha256sum prints them. A change that alters any
/// shipped scenario's trace shows here; update a line only when the change of that run is intended.
std::map<std::string, std::string> pinned_trace_hashes() {
  std::map<std::string, std::string> out;
  std::istringstream in(read_file(source_path("tests/data/trace_sha256.txt")));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string hash, file;
    fields >> hash >> file;
    out[file] = hash;
  }
  return out;
}
}  // namespace

TEST_CASE("sha256 of the published test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  sha256 pieces;
  pieces.update("ab");
  pieces.update("c");
  CHECK(pieces.hex_digest() == sha256_hex("abc"));
  // On a thread of its own, many pieces (more than wait at once), twice: the hash starts over.
  sha256 threaded(true);
  for (int round = 0; round < 2; ++round) {
    threaded.update("ab");
    for (int i = 0; i < 20; ++i) threaded.update(std::string(1000, static_cast<char>('a' + i)));
    std::string whole = "ab";
    for (int i = 0; i < 20; ++i) whole += std::string(1000, static_cast<char>('a' + i));
    CHECK(threaded.hex_digest() == sha256_hex(whole));
  }
  // The published vector for "a" a million times.
  sha256 million(true);
  for (int i = 0; i < 1000; ++i) million.update(std::string(1000, 'a'));
  CHECK(million.hex_digest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("at least eight documented scenarios are shipped") {
  const auto files = shipped_scenarios();
  CHECK(files.size() >= 8);
  for (const fs::path& f : files) {
    CAPTURE(f);
    const scenario s = load_scenario(f.string());
    CHECK_FALSE(s.description.empty());
    CHECK_FALSE(s.expect.empty());
  }
}

TEST_CASE("every shipped scenario runs and meets its expectations") {
  for (const fs::path& f : shipped_scenarios()) {
    CAPTURE(f);
    const scenario s = load_scenario(f.string());
    const run_outcome out = run_scenario(s);
    for (const expectation_result& x : out.expectations) {
      CAPTURE(x.spec->source);
      CAPTURE(found_text(x, out.invariants->process_names()));
      CHECK(x.outcome == expectation_result::status::met);
    }
    CHECK(out.ok());
  }
}

TEST_CASE("every shipped scenario gives byte-identical traces on two runs, across builds, and as pinned") {
  const std::string reference = HBSIM_REFERENCE_BINARY;
  std::map<std::string, std::string> pinned = pinned_trace_hashes();
  for (const fs::path& f : shipped_scenarios()) {
    CAPTURE(f);
    const cli_result first = run_cli("run --trace - '" + f.string() + "'");
    const cli_result second = run_cli("run --trace - '" + f.string() + "'");
    CHECK(first.code == 0);
    CHECK(first.out.size() > 100);
    CHECK(first.out == second.out);
    const std::string relative = fs::relative(f, source_path("")).generic_string();
    CAPTURE(relative);
    CHECK(sha256_hex(first.out) == pinned[relative]);
    pinned.erase(relative);
    if (!reference.empty()) {
      const cli_result other = run_cli("run --trace - '" + f.string() + "'", reference);
      CHECK(other.code == 0);
      CHECK(other.out == first.out);
    }
  }
  for (const auto& entry : pinned) {
    CAPTURE(entry.first);
    FAIL_CHECK("pinned in tests/data/trace_sha256.txt but not shipped");
  }
}

TEST_CASE("every summary carries the trace's SHA-256, as pinned, written or not") {
  const std::map<std::string, std::string> pinned = pinned_trace_hashes();
  const std::string trace = unique_temp_path("sha-trace").string() + ".jsonl";
  for (const fs::path& f : shipped_scenarios()) {
    const std::string relative = fs::relative(f, source_path("")).generic_string();
    CAPTURE(relative);
    REQUIRE(pinned.count(relative) == 1);
    const std::string& hash = pinned.at(relative);
    const cli_result text = run_cli("run '" + f.string() + "'");
    CHECK(text.code == 0);
    CHECK(text.out.find("\ntrace_sha256 " + hash + "\n") != std::string::npos);
    const cli_result json = run_cli("run --json --trace '" + trace + "' '" + f.string() + "'");
    CHECK(json.code == 0);
    CHECK(nlohmann::json::parse(json.out).at("trace_sha256") == hash);
    CHECK(sha256_hex(read_file(trace)) == hash);
    fs::remove(trace);
  }
}
