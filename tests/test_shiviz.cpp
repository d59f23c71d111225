// Checking ShiViz/GoVector logs: the sample logs in tests/data/shiviz, each problem worked out by hand
// from the file, and malformed logs as input errors.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "hbsim/input_error.hpp"
#include "hbsim/shiviz_log.hpp"

using namespace hbsim;
namespace fs = std::filesystem;

namespace {

shiviz_report check_sample(const std::string& name) {
  return check_shiviz_log(std::string(HBSIM_SOURCE_DIR) + "/tests/data/shiviz/" + name);
}

input_error log_error(const std::string& text) {
  const fs::path path = fs::temp_directory_path() / ("hbsim-shiviz-" + std::to_string(::getpid()) + ".log");
  std::ofstream(path, std::ios::binary) << text;
  try {
    check_shiviz_log(path.string());
  } catch (const input_error& e) {
    fs::remove(path);
    return e;
  }
  fs::remove(path);
  FAIL("no input_error for " << text);
  return input_error("", "", "", "");
}

}  // namespace

TEST_CASE("shiviz: sound logs pass") {
  const shiviz_report one = check_sample("client_server.log");
  CHECK(one.ok());
  CHECK(one.executions == 1);
  CHECK(one.events == 6);
  CHECK(one.counts == std::array<std::uint64_t, shiviz_rule_count>{});

  // Two executions; in the second, A's clock names C's event before C's lines come in the file.
  const shiviz_report two = check_sample("executions.log");
  CHECK(two.ok());
  CHECK(two.executions == 2);
  CHECK(two.events == 9);
}

TEST_CASE("shiviz: an own entry that does not start at 1") {
  const shiviz_report r = check_sample("own_entry_start.log");
  CHECK(r.events == 4);
  REQUIRE(r.problems.size() == 2);
  CHECK(r.counts[static_cast<std::size_t>(shiviz_rule::own_entry)] == 2);
  // B's receive does not count itself: B's entry is absent, so 0.
  CHECK(r.problems[0].rule == shiviz_rule::own_entry);
  CHECK(r.problems[0].line == 3);
  CHECK(r.problems[0].host == "B");
  CHECK(r.problems[0].execution.empty());
  CHECK(r.problems[0].detail == "its own entry is 0, expected 1 at its first event");
  // C starts at 2; its next event (3) then rises by one, which is sound.
  CHECK(r.problems[1].line == 5);
  CHECK(r.problems[1].host == "C");
  CHECK(r.problems[1].detail == "its own entry is 2, expected 1 at its first event");
}

TEST_CASE("shiviz: a gap in a host's own entry") {
  const shiviz_report r = check_sample("own_entry_gap.log");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].rule == shiviz_rule::own_entry);
  CHECK(r.problems[0].line == 7);
  CHECK(r.problems[0].host == "A");
  CHECK(r.problems[0].detail == "its own entry is 4, expected 3 (one more than at its previous event, line 3)");
}

TEST_CASE("shiviz: a clock that claims events the log does not have") {
  const shiviz_report r = check_sample("known_events.log");
  CHECK(r.executions == 1);
  CHECK(r.events == 3);
  REQUIRE(r.problems.size() == 2);
  CHECK(r.counts[static_cast<std::size_t>(shiviz_rule::known_events)] == 2);
  CHECK(r.problems[0].rule == shiviz_rule::known_events);
  CHECK(r.problems[0].execution == "phantom");
  CHECK(r.problems[0].line == 4);
  CHECK(r.problems[0].host == "B");
  CHECK(r.problems[0].detail == "its clock says A has had 2 events, but A has 1 event in this execution");
  // A:2 again, and C, which has no event at all.
  CHECK(r.problems[1].line == 6);
  CHECK(r.problems[1].detail ==
        "its clock says A has had 2 events, but A has 1 event in this execution (and 1 more such entries)");
}

TEST_CASE("shiviz: an entry that decreases along a host") {
  const shiviz_report r = check_sample("monotonic.log");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].rule == shiviz_rule::monotonic);
  CHECK(r.problems[0].line == 7);
  CHECK(r.problems[0].host == "B");
  CHECK(r.problems[0].detail == "entry A fell from 2 (line 5) to 1");
}

TEST_CASE("shiviz: a host named in a clock with no events, executions checked apart") {
  const fs::path path = fs::temp_directory_path() / ("hbsim-shiviz-apart-" + std::to_string(::getpid()) + ".log");
  // Each execution on its own: B's events in the first do not count in the second, and A's own
  // entry starts again at 1.
  std::ofstream(path) << "=== one ===\nB {\"B\":1}\nb\nA {\"A\":1, \"B\":1}\na\n"
                         "=== two ===\nA {\"A\":1, \"B\":1}\na again\n=== three ===\n";
  const shiviz_report r = check_shiviz_log(path.string());
  fs::remove(path);
  CHECK(r.executions == 3);
  CHECK(r.events == 3);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].rule == shiviz_rule::known_events);
  CHECK(r.problems[0].execution == "two");
  CHECK(r.problems[0].line == 7);
  CHECK(r.problems[0].detail == "its clock says B has had 1 event, but B has no event in this execution");
}

TEST_CASE("shiviz: many problems are counted, a few kept") {
  const fs::path path = fs::temp_directory_path() / ("hbsim-shiviz-many-" + std::to_string(::getpid()) + ".log");
  {
    std::ofstream out(path);
    for (int i = 1; i <= 1000; ++i) out << "A {\"A\":" << 2 * i << "}\nevery event skips one\n";
  }
  const shiviz_report r = check_shiviz_log(path.string());
  fs::remove(path);
  // Each event expects one more than the previous own entry: 2 vs 1, 4 vs 3, ...: 1000 problems.
  CHECK(r.counts[static_cast<std::size_t>(shiviz_rule::own_entry)] == 1000);
  REQUIRE(r.problems.size() == shiviz_report::kept_per_rule);
  CHECK(r.problems.back().line == 2 * shiviz_report::kept_per_rule - 1);
}

TEST_CASE("shiviz: malformed logs are input errors with their line") {
  struct bad {
    std::string name, text;
    std::size_t line;
    std::string path;
    std::string found;
  };
  const std::vector<bad> cases = {
      {"not JSON", "A {\"A\":1\nx\n", 1, "", ""},
      {"a negative entry", "A {\"A\":1}\nx\nB {\"B\":-1}\ny\n", 3, "/B", "-1"},
      {"a fractional entry", "A {\"A\":1.5}\nx\n", 1, "/A", "1.5"},
      {"a string entry", "A {\"A\":\"1\"}\nx\n", 1, "/A", "\"1\""},
      {"a clock that is an array", "A [1]\nx\n", 1, "", "[1]"},
      {"no host", " {\"A\":1}\nx\n", 1, "", ""},
      {"a description missing at the end", "A {\"A\":1}\nx\nA {\"A\":2}\n", 4, "", "the end of the file"},
      {"a separator instead of a description", "A {\"A\":1}\n=== two ===\n", 2, "", "separator"},
      {"prose", "A {\"A\":1}\nx\nhello world\n", 3, "", "hello world"},
      {"a duplicate host in a clock", "A {\"A\":1, \"A\":2}\nx\n", 1, "/A", "a second time"},
      {"an empty file", "", 0, "", "an empty file"},
  };
  for (const bad& c : cases) {
    INFO(c.name);
    const input_error e = log_error(c.text);
    CHECK(e.line() == c.line);
    CHECK(e.path() == c.path);
    CHECK_FALSE(e.expected().empty());
    CHECK(e.found().find(c.found) != std::string::npos);
  }
  // A syntax error's column counts from the start of the line, not of the clock.
  const input_error syntax = log_error("host {\"host\":}\nx\n");
  CHECK(syntax.column() == 14);
}
