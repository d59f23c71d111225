// ShiViz/GoVector logs, read as ShiViz reads them with the regular expression
// `(?<host>\S*) (?<clock>{.*})\n(?<event>.*)` (GoVector's order) and the delimiter
// `^=== (?<trace>.*) ===$`, and checked for what their vector clocks prove by themselves: such a
// log has no message ids, so the clocks must hold together on their own.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hbsim {

/// One event of a log.
struct shiviz_event {
  std::uint32_t host = 0;   // index into shiviz_execution::hosts
  std::uint64_t own = 0;    // its own entry; 0 when its clock has none
  std::size_t line = 0;     // the line of its clock
  std::uint32_t clock_begin = 0, clock_end = 0;  // its clock: entries [begin, end) of shiviz_execution::entries
  // The line after the clock, then the non-blank lines ShiViz skips up to the next event, joined by '\n'.
  std::string description;
};

/// One execution, as ShiViz parses it.
struct shiviz_execution {
  using entry = std::pair<std::uint32_t, std::uint64_t>;  // (host index, value)

  std::string name;      // the delimiter's name; "" for the text before the first delimiter
  std::size_t line = 0;  // the line of its delimiter; 0 when none opens it
  std::size_t skipped_lines = 0;  // non-blank lines before its first event, which ShiViz skips
  std::size_t dropped_line = 0;   // an event line ending the log, which ShiViz does not read; 0 when none
  std::vector<std::string> hosts;     // every host with an event or a non-zero entry, in order of first appearance
  std::vector<shiviz_event> events;   // in file order
  std::vector<entry> entries;         // every clock's non-zero entries, each clock in host order
  /// Per host, its events (indices into events) in ShiViz's order: by own entry, ties in file order.
  std::vector<std::vector<std::uint32_t>> by_host;

  std::span<const entry> clock(const shiviz_event& e) const;
  /// The entry of `host` in e's clock, 0 when absent.
  std::uint64_t entry_of(const shiviz_event& e, std::uint32_t host) const;
  /// The event of `host` whose own entry is `own` (the first in ShiViz's order when several are); -1 when none.
  std::int64_t find(std::uint32_t host, std::uint64_t own) const;
};

struct shiviz_read_options {
  bool descriptions = true;  // keep each event's description (checking needs none)
};

/// Reads the log execution by execution, calling `each` with every execution in file order (the
/// execution is valid during the call only), so that memory follows the largest execution. As
/// ShiViz does: a line whose first " {" begins a clock ending the line with '}' is an event, and the
/// line after it is its description whatever it holds (empty when a delimiter follows); other lines
/// are skipped (hbsim adds the non-blank ones after a description to it); executions whose text is
/// blank are dropped, and so is an event line that ends the log (ShiViz trims the log, and its
/// regular expression then finds no line break after it). Malformed input is an input_error naming
/// the file, the line, what was expected and what was found: a clock that is not a JSON object of
/// non-negative integers (after ShiViz's retry with \" read as "), an execution with text but no
/// event, an execution name used twice, a file without events.
void read_shiviz_log(const std::string& path, const shiviz_read_options& options,
                     const std::function<void(const shiviz_execution&)>& each);

/// Whether a file reads as a ShiViz log although its first line is neither an event line nor a
/// delimiter (ShiViz skips what comes before the first event): an event line comes later, and the
/// first non-blank line is no JSON object, as an hbsim trace's lines are.
bool has_shiviz_events(const std::string& path);

/// The rules, per execution, each judged along a host in ShiViz's order (by own entry).
enum class shiviz_rule : std::uint8_t {
  own_entry,     // a host's own entry is 1 at its first event and rises by exactly one per event
  known_events,  // when an entry V[j] rises, j has at least V[j] events in the execution
  monotonic,     // no entry decreases from one event of a host to its next
  merge,         // when an entry V[j] rises, j's event number V[j] knew nothing V does not, and not this event
};
inline constexpr std::size_t shiviz_rule_count = 4;
/// "shiviz.own_entry", "shiviz.known_events", "shiviz.monotonic", "shiviz.merge".
std::string_view to_string(shiviz_rule r);

struct shiviz_problem {
  shiviz_rule rule;
  std::string execution;  // its name
  std::size_t line;       // the clock line of the event
  std::string host;       // the host of the event
  std::string detail;     // what is wrong, with the numbers
};

struct shiviz_report {
  static constexpr std::size_t kept_per_rule = 5;
  std::size_t executions = 0;
  std::uint64_t events = 0;
  std::uint64_t skipped_lines = 0;                        // non-blank lines before an execution's first event
  std::size_t dropped_line = 0;                           // shiviz_execution::dropped_line of the last execution
  std::array<std::uint64_t, shiviz_rule_count> counts{};  // every problem, by rule
  std::vector<shiviz_problem> problems;                   // the first kept_per_rule of each rule, in file order
  bool ok() const { return problems.empty(); }
};

/// Judges one execution into `report`: counts every problem, keeps the first few of each rule.
void check_shiviz_execution(const shiviz_execution& x, shiviz_report& report);

/// Reads and judges the whole log (read_shiviz_log's input errors apply).
shiviz_report check_shiviz_log(const std::string& path);

}  // namespace hbsim
