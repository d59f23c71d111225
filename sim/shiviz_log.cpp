#include "hbsim/shiviz_log.hpp"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "hbsim/input_error.hpp"
#include "hbsim/json_text.hpp"
#include "hbsim/trace_reader.hpp"

namespace hbsim {

using json = nlohmann::json;

std::string_view to_string(shiviz_rule r) {
  switch (r) {
    case shiviz_rule::own_entry: return "shiviz.own_entry";
    case shiviz_rule::known_events: return "shiviz.known_events";
    case shiviz_rule::monotonic: return "shiviz.monotonic";
  }
  return "?";
}

namespace {

// The name of a `=== name ===` line.
std::optional<std::string_view> separator(std::string_view line) {
  if (line.size() < 8 || !line.starts_with("=== ") || !line.ends_with(" ===")) return std::nullopt;
  return line.substr(4, line.size() - 8);
}

struct log_event {
  std::size_t line = 0;
  std::string host;
  std::vector<std::pair<std::string, std::uint64_t>> clock;  // as written
};

// Reads the log: on_execution(name) at each separator, on_event(event) at each event, in file order.
void read_log(const std::string& path, const std::function<void(std::string)>& on_execution,
              const std::function<void(const log_event&)>& on_event) {
  line_reader in(path);
  std::string_view text;
  log_event e;
  bool any = false;
  while (in.next(text)) {
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank lines separate nothing
    any = true;
    if (const auto name = separator(text)) {
      on_execution(std::string(*name));
      continue;
    }
    e.line = in.line_number();
    const auto fail = [&](std::string path_in_clock, std::string expected, std::string found, std::size_t line) {
      throw input_error(path, std::move(path_in_clock), std::move(expected), std::move(found), "", line);
    };
    const auto space = text.find(' ');
    if (space == 0 || space == std::string_view::npos || text.find('\t') < space || text[space + 1] != '{')
      fail("", "an event line `host {clock}` (a host name, one space, its vector clock) or `=== name ===`",
           std::string("the line ").append(quoted_excerpt(text)), e.line);
    e.host.assign(text.substr(0, space));
    const json clock = parse_json_line(text.substr(space + 1), path, e.line, space + 1);
    const char* clock_form = "a vector clock: a JSON object {\"host\": n, ...} of non-negative integers";
    if (!clock.is_object()) fail("", clock_form, describe_json(clock), e.line);
    e.clock.clear();
    for (const auto& [host, value] : clock.items()) {
      if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0))
        fail(std::string("/").append(host), "a non-negative integer", describe_json(value), e.line);
      e.clock.emplace_back(host, value.get<std::uint64_t>());
    }
    const bool described = in.next(text);  // text stays the clock line at the end of the file
    if (!described || separator(text))
      fail("", std::string("the line describing the event of line ").append(std::to_string(e.line)),
           described ? std::string("the execution separator ").append(quoted_excerpt(text)) : "the end of the file",
           e.line + 1);
    on_event(e);
  }
  if (!any) throw input_error(path, "", "a ShiViz/GoVector log (lines `host {clock}` and their descriptions)", "an empty file");
}

// One execution as the first pass sees it: every host named (in an event or a clock), with its
// number of events.
struct execution {
  std::string name;
  std::unordered_map<std::string, std::uint32_t> index;
  std::vector<std::string> names;     // per index
  std::vector<std::uint64_t> events;  // per index
  std::uint64_t total = 0;

  std::uint32_t host(const std::string& h) {
    const auto [it, added] = index.try_emplace(h, static_cast<std::uint32_t>(events.size()));
    if (added) {
      names.push_back(h);
      events.push_back(0);
    }
    return it->second;
  }
};

// Where both passes are: a separator opens the next execution, except the first one when no event
// came before it (it names the first execution instead), so that the passes number executions alike.
struct execution_cursor {
  std::size_t index = 0;
  std::uint64_t events = 0;  // in the current execution so far
  bool separator() {
    if (index == 0 && events == 0) return false;
    ++index;
    events = 0;
    return true;
  }
};

std::string events(std::uint64_t n) { return std::to_string(n).append(n == 1 ? " event" : " events"); }

class checker {
 public:
  explicit checker(std::vector<execution>& executions) : executions_(executions) {}

  void start(std::size_t i) {
    current_ = &executions_[i];
    const std::size_t n = current_->events.size();
    own_.assign(n, 0);
    last_line_.assign(n, 0);
    previous_.assign(n, {});
  }

  void event(const log_event& e) {
    const execution& x = *current_;
    const std::uint32_t h = x.index.at(e.host);
    std::vector<std::pair<std::uint32_t, std::uint64_t>> clock;
    for (const auto& [host, v] : e.clock) clock.emplace_back(x.index.at(host), v);
    std::sort(clock.begin(), clock.end());
    const auto entry = [&](std::uint32_t j) -> std::uint64_t {
      const auto it = std::lower_bound(clock.begin(), clock.end(), std::pair<std::uint32_t, std::uint64_t>{j, 0});
      return it != clock.end() && it->first == j ? it->second : 0;
    };
    // Details are written only for the problems kept.
    const auto more = [](std::size_t n, const char* what) {
      return n == 0 ? std::string() : std::string(" (and ").append(std::to_string(n)).append(what);
    };

    const std::uint64_t own = entry(h), expected = own_[h] + 1;
    if (own != expected && counted(shiviz_rule::own_entry)) {
      std::string detail = std::string("its own entry is ").append(std::to_string(own)).append(", expected ");
      if (expected == 1)
        detail.append("1 at its first event");
      else
        detail.append(std::to_string(expected))
            .append(" (one more than at its previous event, line ")
            .append(std::to_string(last_line_[h]))
            .append(")");
      keep(shiviz_rule::own_entry, e, std::move(detail));
    }

    const auto claims_too_much = [&](const auto& entry_j) { return entry_j.first != h && entry_j.second > x.events[entry_j.first]; };
    if (const auto n = std::count_if(clock.begin(), clock.end(), claims_too_much); n && counted(shiviz_rule::known_events)) {
      const auto [j, v] = *std::find_if(clock.begin(), clock.end(), claims_too_much);
      const std::string& other = x.names[j];
      std::string detail = std::string("its clock says ").append(other).append(" has had ").append(events(v));
      detail.append(", but ").append(other);
      detail.append(x.events[j] == 0 ? " has no event" : std::string(" has ").append(events(x.events[j])));
      keep(shiviz_rule::known_events, e,
           detail.append(" in this execution").append(more(static_cast<std::size_t>(n) - 1, " more such entries)")));
    }

    const auto fell = [&](const auto& before) { return before.first != h && entry(before.first) < before.second; };
    const auto& previous = previous_[h];
    if (const auto n = std::count_if(previous.begin(), previous.end(), fell); n && counted(shiviz_rule::monotonic)) {
      const auto [j, before] = *std::find_if(previous.begin(), previous.end(), fell);
      keep(shiviz_rule::monotonic, e,
           std::string("entry ")
               .append(x.names[j])
               .append(" fell from ")
               .append(std::to_string(before))
               .append(" (line ")
               .append(std::to_string(last_line_[h]))
               .append(") to ")
               .append(std::to_string(entry(j)))
               .append(more(static_cast<std::size_t>(n) - 1, " more entries fell)")));
    }

    own_[h] = own;
    last_line_[h] = e.line;
    previous_[h] = std::move(clock);
  }

  shiviz_report result;

 private:
  // Counts a problem; true when it is among the first few of its rule, which are kept.
  bool counted(shiviz_rule rule) {
    return result.counts[static_cast<std::size_t>(rule)]++ < shiviz_report::kept_per_rule;
  }
  void keep(shiviz_rule rule, const log_event& e, std::string detail) {
    result.problems.push_back({rule, current_->name, e.line, e.host, std::move(detail)});
  }

  std::vector<execution>& executions_;
  execution* current_ = nullptr;
  std::vector<std::uint64_t> own_;        // per host: its own entry at its latest event
  std::vector<std::size_t> last_line_;    // per host: the line of its latest event
  std::vector<std::vector<std::pair<std::uint32_t, std::uint64_t>>> previous_;  // per host: its latest clock
};

}  // namespace

shiviz_report check_shiviz_log(const std::string& path) {
  // First pass: the hosts of each execution and their numbers of events.
  std::vector<execution> executions(1);
  execution_cursor first;
  read_log(
      path,
      [&](std::string name) {
        if (first.separator()) executions.emplace_back();
        executions.back().name = std::move(name);
      },
      [&](const log_event& e) {
        ++first.events;
        execution& x = executions.back();
        ++x.events[x.host(e.host)];
        ++x.total;
        for (const auto& entry : e.clock) x.host(entry.first);
      });

  // Second pass: the rules.
  checker check(executions);
  execution_cursor second;
  check.start(0);
  read_log(
      path,
      [&](std::string) {
        if (second.separator()) check.start(second.index);
      },
      [&](const log_event& e) {
        ++second.events;
        check.event(e);
      });
  check.result.executions = executions.size();
  for (const execution& x : executions) check.result.events += x.total;
  return std::move(check.result);
}

}  // namespace hbsim
