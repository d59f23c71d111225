// Every scenario shipped in scenarios/ runs, passes its `expect` block, and is deterministic, also
// across build types when another build's binary is given (HBSIM_REFERENCE_BINARY).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "cli_fixture.hpp"
#include "hbsim/runner.hpp"

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
}  // namespace

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
      CAPTURE(x.found.dump());
      CHECK(x.outcome == expectation_result::status::met);
    }
    CHECK(out.ok());
  }
}

TEST_CASE("every shipped scenario gives byte-identical traces on two runs and across builds") {
  const std::string reference = HBSIM_REFERENCE_BINARY;
  for (const fs::path& f : shipped_scenarios()) {
    CAPTURE(f);
    const cli_result first = run_cli("run --trace - '" + f.string() + "'");
    const cli_result second = run_cli("run --trace - '" + f.string() + "'");
    CHECK(first.code == 0);
    CHECK(first.out.size() > 100);
    CHECK(first.out == second.out);
    if (!reference.empty()) {
      const cli_result other = run_cli("run --trace - '" + f.string() + "'", reference);
      CHECK(other.code == 0);
      CHECK(other.out == first.out);
    }
  }
}
