// Checking a ShiViz/GoVector log (the format of GoVector's logs, ShiViz's regular expression
// `(?<host>\S*) (?<clock>{.*})\n(?<event>.*)`): each event is a line `host {"host": n, ...}` and a
// description line; lines `=== name ===` separate executions. Such a log carries vector clocks
// only, no message ids, so what can be proved is what the clocks say of themselves.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hbsim {

/// The rules, per execution. Each names what a sound vector clock log cannot show.
enum class shiviz_rule : std::uint8_t {
  own_entry,     // a host's own entry is 1 at its first event and rises by exactly one per event
  known_events,  // V[j] ≤ the number of events of host j in the execution
  monotonic,     // no entry decreases from one event of a host to its next
};
inline constexpr std::size_t shiviz_rule_count = 3;
/// "shiviz.own_entry", "shiviz.known_events", "shiviz.monotonic".
std::string_view to_string(shiviz_rule r);

struct shiviz_problem {
  shiviz_rule rule;
  std::string execution;  // its name; "" before the first `=== name ===` line
  std::size_t line;       // the clock line of the event
  std::string host;       // the host of the event
  std::string detail;     // what is wrong, with the numbers
};

struct shiviz_report {
  static constexpr std::size_t kept_per_rule = 5;
  std::size_t executions = 0;
  std::uint64_t events = 0;
  std::array<std::uint64_t, shiviz_rule_count> counts{};  // every problem, by rule
  std::vector<shiviz_problem> problems;                   // the first kept_per_rule of each rule, in file order
  bool ok() const { return problems.empty(); }
};

/// Reads the log twice (the first pass counts each execution's events per host, which the second
/// pass's checks need), so memory follows the hosts, not the log's length. Malformed input (a clock
/// that is not a JSON object of non-negative integers, a missing description line, a line that is
/// neither an event nor a separator) is an input_error naming the file, the line, what was expected
/// and what was found.
shiviz_report check_shiviz_log(const std::string& path);

}  // namespace hbsim
