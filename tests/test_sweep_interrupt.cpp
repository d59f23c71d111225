// Ctrl-C or SIGTERM during hbsim sweep: the runs under way finish, the runs done are kept in --out (a prefix of
// the full output, whole lines in order) and hbsim exits 128 + the signal (130 for SIGINT, 143 for SIGTERM).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "background_hbsim.hpp"
#include "cli_fixture.hpp"

using namespace hbsim::testing;
namespace fs = std::filesystem;

namespace {

// Each run long enough (thousands of events) that the sweep is far from done when the signal comes.
const std::string slow_random = R"({"hbsim": 1, "name": "slow-random", "description": "a larger random workload",
  "processes": ["a", "b", "c"], "network": {"delay": "1ms"},
  "generate": {"kind": "random", "events": 2000, "send_ratio": 0.5, "interval": "1ms"}})";

// The sweep's runs have begun once its second thread exists (--jobs 2): its Ctrl-C handler is in place by then.
// False when hbsim ended first or two minutes went by.
bool wait_for_runs(background_hbsim& hbsim) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  const fs::path tasks = "/proc/" + std::to_string(hbsim.pid()) + "/task";
  while (std::chrono::steady_clock::now() < deadline) {
    if (!hbsim.running()) return false;
    std::error_code error;
    std::size_t threads = 0;
    for (fs::directory_iterator t(tasks, error), end; !error && t != end; t.increment(error)) ++threads;
    if (threads >= 2) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("Ctrl-C or SIGTERM during hbsim sweep keeps the runs done in --out in order and exits 128 + the signal") {
  // SIGTERM is what kill, timeout and CI runners send.
  for (const int sig : {SIGINT, SIGTERM}) {
    CAPTURE(sig);
    scratch dir;
    const std::string file = dir.write("s.json", slow_random);
    background_hbsim hbsim(dir, {"sweep", file, "--seeds", "1..100000", "--jobs", "2", "--out", dir / "out.jsonl"});
    REQUIRE(wait_for_runs(hbsim));
    std::this_thread::sleep_for(std::chrono::seconds(1));  // some runs done, usually; none is fine too
    REQUIRE(::kill(hbsim.pid(), sig) == 0);
    const int status = hbsim.wait();
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 128 + sig);
    const std::string out = read_file(dir / "stdout");
    CHECK(out.find("(stopped early), 0 failed") != std::string::npos);
    CHECK(out.find("result     stopped\n") != std::string::npos);
    // Whole JSON lines, seeds 1, 2, 3... with none missing: the first runs of the full output.
    const std::string text = read_file(dir / "out.jsonl");
    CHECK((text.empty() || text.back() == '\n'));
    std::istringstream in(text);
    std::uint64_t seed = 0;
    for (std::string line; std::getline(in, line);) {
      CAPTURE(line);
      const nlohmann::json l = nlohmann::json::parse(line);
      CHECK(l.at("seed") == ++seed);
      CHECK(l.at("ok") == true);
    }
    CHECK(seed < 100000);
    // No temporary file left beside them.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"out.jsonl", "s.json", "stderr", "stdout"});
  }
}
