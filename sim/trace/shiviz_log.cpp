#include "hbsim/trace/shiviz_log.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/trace/trace_reader.hpp"

namespace hbsim {

using json = nlohmann::json;

std::string_view to_string(shiviz_rule r) {
  switch (r) {
    case shiviz_rule::own_entry: return "shiviz.own_entry";
    case shiviz_rule::known_events: return "shiviz.known_events";
    case shiviz_rule::monotonic: return "shiviz.monotonic";
    case shiviz_rule::merge: return "shiviz.merge";
  }
  return "?";
}

std::span<const shiviz_execution::entry> shiviz_execution::clock(const shiviz_event& e) const {
  return std::span(entries).subspan(e.clock_begin, e.clock_end - e.clock_begin);
}

std::uint64_t shiviz_execution::entry_of(const shiviz_event& e, std::uint32_t host) const {
  const auto c = clock(e);
  const auto it = std::lower_bound(c.begin(), c.end(), entry{host, 0});
  return it != c.end() && it->first == host ? it->second : 0;
}

std::int64_t shiviz_execution::find(std::uint32_t host, std::uint64_t own) const {
  const std::vector<std::uint32_t>& mine = by_host[host];
  const auto it = std::lower_bound(mine.begin(), mine.end(), own,
                                   [&](std::uint32_t i, std::uint64_t v) { return events[i].own < v; });
  return it != mine.end() && events[*it].own == own ? std::int64_t{*it} : -1;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Reading

// JavaScript's \s, as far as ASCII goes.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool blank(std::string_view s) { return std::all_of(s.begin(), s.end(), is_space); }

// The name of a delimiter line: ShiViz's `^=== (?<trace>.*) ===$`.
std::optional<std::string_view> delimiter(std::string_view line) {
  if (line.size() < 8 || !line.starts_with("=== ") || !line.ends_with(" ===")) return std::nullopt;
  return line.substr(4, line.size() - 8);
}

// Where the clock of an event line starts: `(?<host>\S*) (?<clock>{.*})` followed by a line break
// matches from the first " {" of a line ending with '}'. npos when the line is no event line.
std::size_t clock_start(std::string_view line) {
  const std::size_t space = line.find(" {");
  if (space == std::string_view::npos || line.back() != '}' || space + 2 >= line.size()) return std::string_view::npos;
  return space + 1;
}

// The host: the non-space characters just before the clock's space (\S* is greedy, the match leftmost).
std::string_view host_before(std::string_view line, std::size_t clock) {
  std::size_t begin = clock - 1;
  while (begin > 0 && !is_space(line[begin - 1])) --begin;
  return line.substr(begin, clock - 1 - begin);
}

// JSON.parse, then, as ShiViz does for TLA+'s clocks, JSON.parse with \" read as ". The error shown
// is the first one: it is about the text as written.
json parse_clock(std::string_view text, const std::string& path, std::size_t line, std::size_t column) {
  try {
    return parse_json_line(text, path, line, column);
  } catch (const input_error&) {
    if (text.find("\\\"") == std::string_view::npos) throw;
    std::string unescaped;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '"') ++i;
      unescaped.push_back(text[i]);
    }
    try {
      return parse_json_line(unescaped, path, line, column);
    } catch (const input_error&) {
    }
    throw;
  }
}

// The clocks GoVector and hbsim write, {"A":1, "B":2}, read without a JSON parser: plain keys (no
// escape, no control or non-ASCII byte), values of at most 19 digits. False for anything else,
// which parse_clock then reads: it is the authority on what is accepted and on error messages.
bool plain_clock(std::string_view text, std::vector<std::pair<std::string_view, std::uint64_t>>& out) {
  out.clear();
  std::size_t i = 1;  // after the '{'
  const auto skip = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  skip();
  if (text[i] == '}') return i + 1 == text.size();
  for (;;) {
    if (text[i] != '"') return false;
    const std::size_t begin = ++i;
    while (i < text.size() && text[i] != '"') {
      const auto c = static_cast<unsigned char>(text[i++]);
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
    }
    if (i == text.size()) return false;
    const std::string_view key = text.substr(begin, i++ - begin);
    skip();
    if (i == text.size() || text[i++] != ':') return false;
    skip();
    const std::size_t digits = i;
    std::uint64_t value = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && i - digits < 19; ++i)
      value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (i == digits || (text[digits] == '0' && i - digits > 1)) return false;
    out.emplace_back(key, value);
    skip();
    if (i == text.size()) return false;
    if (text[i] == '}') return i + 1 == text.size();
    if (text[i++] != ',') return false;
    skip();
  }
}

class log_reader {
 public:
  log_reader(const std::string& path, const shiviz_read_options& options,
             const std::function<void(const shiviz_execution&)>& each)
      : in_(path), options_(options), each_(each) {}

  void read() {
    std::string_view text;
    bool described = true;  // the previous line was no event line
    while (in_.next(text)) {
      if (!described) {
        described = true;
        if (!delimiter(text)) {  // the line after an event line is its description, whatever it holds
          describe(text);
          continue;
        }
      }
      if (const auto name = delimiter(text)) {
        finish();
        open(*name);
        open_clock_ = 0;
        continue;
      }
      if (blank(text)) continue;
      open_clock_ = 0;
      content_ = true;
      if (const std::size_t clock = clock_start(text); clock != std::string_view::npos) {
        add_event(text, clock);
        described = false;
        open_clock_ = in_.line_number();
      } else if (x_.events.empty()) {
        ++x_.skipped_lines;
      } else if (options_.descriptions) {
        x_.events.back().description.append("\n").append(text);
      }
    }
    if (open_clock_ != 0) drop_last_event();
    finish();
    if (!any_)
      throw input_error(in_.path(), "",
                        "a ShiViz/GoVector log (lines `host {clock}`, each followed by its description)",
                        in_.line_number() == 0 ? "an empty file" : "no event line");
  }

 private:
  void open(std::string_view name) {
    x_.name.assign(name);
    x_.line = in_.line_number();
  }

  // ShiViz trims the log, so an event line followed by blank lines only ends it, with no line
  // break after it for its regular expression: the event is not read.
  void drop_last_event() {
    x_.dropped_line = x_.events.back().line;
    x_.entries.resize(x_.events.back().clock_begin);
    x_.events.pop_back();
    x_.hosts.resize(hosts_before_last_);
    x_.by_host.resize(hosts_before_last_);
  }

  void describe(std::string_view text) {
    if (!blank(text)) open_clock_ = 0;  // ShiViz trims the log's end: a blank line there describes nothing
    if (options_.descriptions) x_.events.back().description.assign(text);
  }

  std::uint32_t host(std::string_view name) {
    const auto [it, added] = host_index_.try_emplace(std::string(name), static_cast<std::uint32_t>(x_.hosts.size()));
    if (added) {
      x_.hosts.emplace_back(name);
      x_.by_host.emplace_back();
    }
    return it->second;
  }

  void add_event(std::string_view text, std::size_t at) {
    shiviz_event e;
    hosts_before_last_ = x_.hosts.size();
    e.host = host(host_before(text, at));
    e.line = in_.line_number();
    e.clock_begin = static_cast<std::uint32_t>(x_.entries.size());
    if (!add_plain_clock(text.substr(at))) add_json_clock(text, at, e);
    if (x_.entries.size() > std::numeric_limits<std::uint32_t>::max())
      throw input_error(in_.path(), "", "at most 4294967295 clock entries in an execution", "more", "", e.line);
    e.clock_end = static_cast<std::uint32_t>(x_.entries.size());
    e.own = x_.entry_of(e, e.host);
    x_.events.push_back(std::move(e));
  }

  // Adds the clock's non-zero entries (ShiViz drops zero ones), sorted by host, new hosts in name
  // order as the JSON parser gives them; false, with nothing added, unless the clock is plain and
  // names no host twice.
  bool add_plain_clock(std::string_view text) {
    if (!plain_clock(text, plain_)) return false;
    std::sort(plain_.begin(), plain_.end());
    if (std::adjacent_find(plain_.begin(), plain_.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }) != plain_.end())
      return false;
    const auto begin = static_cast<std::ptrdiff_t>(x_.entries.size());
    for (const auto& [name, v] : plain_)
      if (v != 0) x_.entries.emplace_back(host(name), v);
    std::sort(x_.entries.begin() + begin, x_.entries.end());
    return true;
  }

  void add_json_clock(std::string_view text, std::size_t at, const shiviz_event& e) {
    const auto fail = [&](std::string path, std::string expected, std::string found) {
      throw input_error(in_.path(), std::move(path), std::move(expected), std::move(found), "", e.line);
    };
    const json clock = parse_clock(text.substr(at), in_.path(), e.line, at);
    if (!clock.is_object())
      fail("", "a vector clock: a JSON object {\"host\": n, ...} of non-negative integers", describe_json(clock));
    for (const auto& [name, value] : clock.items()) {
      if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0))
        fail(concat("/", name), "a non-negative integer of at most 18446744073709551615 (64 bits)", describe_json(value));
      const auto v = value.get<std::uint64_t>();
      if (v != 0) x_.entries.emplace_back(host(name), v);
    }
    std::sort(x_.entries.begin() + e.clock_begin, x_.entries.end());
  }

  [[noreturn]] void refuse_empty() const {
    const std::string where = x_.line ? concat("the execution of line ", std::to_string(x_.line)) : "the log's start";
    const std::string found =
        x_.dropped_line
            ? concat("only the one that ends the log, line ", std::to_string(x_.dropped_line))
            : concat(std::to_string(x_.skipped_lines), x_.skipped_lines == 1 ? " line without one" : " lines without one");
    throw input_error(in_.path(), "", concat("an event line `host {clock}` followed by a line in ", where), found,
                      "ShiViz refuses an execution without events", x_.line);
  }

  // Ends the current execution: hands it over if it has text, then starts the next afresh.
  void finish() {
    if (content_) {
      if (x_.events.empty()) refuse_empty();
      if (const auto [it, added] = names_.try_emplace(x_.name, x_.line); !added)
        throw input_error(in_.path(), "", "a name no other execution has (ShiViz keys executions by name)",
                          concat(quoted_excerpt(x_.name), ", the name of the execution of line ",
                                 std::to_string(it->second)),
                          "", x_.line);
      for (std::uint32_t i = 0; i < x_.events.size(); ++i) x_.by_host[x_.events[i].host].push_back(i);
      for (auto& mine : x_.by_host)
        std::stable_sort(mine.begin(), mine.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return x_.events[a].own < x_.events[b].own; });
      each_(x_);
      any_ = true;
    }
    x_ = shiviz_execution{};
    host_index_.clear();
    content_ = false;
  }

  line_reader in_;
  const shiviz_read_options& options_;
  const std::function<void(const shiviz_execution&)>& each_;
  shiviz_execution x_;
  // Looked up, never iterated, so their order reaches no output.
  std::unordered_map<std::string, std::uint32_t> host_index_;  // looked up, never iterated
  std::unordered_map<std::string, std::size_t> names_;  // of the executions handed over, with their lines; looked up, never iterated
  bool content_ = false;       // the current execution has non-blank text
  bool any_ = false;           // an execution was handed over
  std::size_t open_clock_ = 0;  // the last event line, while only blank lines follow it
  std::size_t hosts_before_last_ = 0;  // hosts known before the last event line
  std::vector<std::pair<std::string_view, std::uint64_t>> plain_;  // the clock being read
};

// ---------------------------------------------------------------------------------------------
// Checking

std::string events(std::uint64_t n) { return std::to_string(n).append(n == 1 ? " event" : " events"); }
std::string more(std::size_t n, const char* what) {
  return n == 0 ? std::string() : concat(" (and ", std::to_string(n), what, ")");
}

class execution_checker {
 public:
  execution_checker(const shiviz_execution& x, shiviz_report& report) : x_(x), report_(report) {
    // The previous event of each event along its host, in ShiViz's order.
    previous_.assign(x.events.size(), -1);
    for (const auto& mine : x.by_host)
      for (std::size_t k = 1; k < mine.size(); ++k) previous_[mine[k]] = mine[k - 1];
  }

  // Events in file order, so that the problems kept are the first ones in the file.
  void run() {
    for (std::uint32_t i = 0; i < x_.events.size(); ++i) check(i);
  }

 private:
  struct change {
    std::uint32_t host;
    std::uint64_t before, now;
  };

  void check(std::uint32_t i) {
    const shiviz_event& e = x_.events[i];
    const shiviz_event* before = previous_[i] >= 0 ? &x_.events[static_cast<std::size_t>(previous_[i])] : nullptr;
    own_entry(e, before);
    changes(e, before);
    known_events(e);
    monotonic(e, before);
    merge(e);
  }

  void own_entry(const shiviz_event& e, const shiviz_event* before) {
    const std::uint64_t expected = before ? before->own + 1 : 1;
    if (e.own == expected || !counted(shiviz_rule::own_entry)) return;
    std::string detail = concat("its own entry is ", std::to_string(e.own), ", expected ");
    if (before)
      detail.append(concat(std::to_string(expected), " (one more than at its previous event, line ",
                           std::to_string(before->line), ")"));
    else
      detail.append("1 at its first event");
    keep(shiviz_rule::own_entry, e, std::move(detail));
  }

  // The entries of other hosts that differ from the host's previous event (absent entries are 0).
  void changes(const shiviz_event& e, const shiviz_event* before) {
    changes_.clear();
    const auto now = x_.clock(e);
    const auto then = before ? x_.clock(*before) : std::span<const shiviz_execution::entry>();
    auto a = then.begin();
    auto b = now.begin();
    while (a != then.end() || b != now.end()) {
      const bool from_then = b == now.end() || (a != then.end() && a->first <= b->first);
      const bool from_now = a == then.end() || (b != now.end() && b->first <= a->first);
      const std::uint32_t j = from_then ? a->first : b->first;
      const std::uint64_t was = from_then ? a++->second : 0, is = from_now ? b++->second : 0;
      if (j != e.host && was != is) changes_.push_back({j, was, is});
    }
  }

  std::uint64_t events_of(std::uint32_t j) const { return x_.by_host[j].size(); }

  void known_events(const shiviz_event& e) {
    const auto too_many = [&](const change& c) { return c.now > c.before && c.now > events_of(c.host); };
    const auto n = static_cast<std::size_t>(std::count_if(changes_.begin(), changes_.end(), too_many));
    if (n == 0 || !counted(shiviz_rule::known_events)) return;
    const change& c = *std::find_if(changes_.begin(), changes_.end(), too_many);
    const std::string& other = x_.hosts[c.host];
    const std::uint64_t has = events_of(c.host);
    keep(shiviz_rule::known_events, e,
         concat("its clock says ", other, " has had ", events(c.now), ", but ", other,
                has == 0 ? " has no event" : concat(" has ", events(has)), " in this execution",
                more(n - 1, " more such entries")));
  }

  void monotonic(const shiviz_event& e, const shiviz_event* before) {
    const auto fell = [](const change& c) { return c.now < c.before; };
    const auto n = static_cast<std::size_t>(std::count_if(changes_.begin(), changes_.end(), fell));
    if (n == 0 || !counted(shiviz_rule::monotonic)) return;
    const change& c = *std::find_if(changes_.begin(), changes_.end(), fell);
    keep(shiviz_rule::monotonic, e,
         concat("entry ", x_.hosts[c.host], " fell from ", std::to_string(c.before), " (line ",
                std::to_string(before->line), ") to ", std::to_string(c.now), more(n - 1, " more entries fell")));
  }

  // An entry that rises names the event the host learnt of; that event's clock must be below this
  // one (what it knew, this event knows) and must not count this event already.
  void merge(const shiviz_event& e) {
    const auto mine = x_.clock(e);
    std::string first;
    std::size_t n = 0;
    for (const change& c : changes_) {
      if (c.now < c.before || c.now > events_of(c.host)) continue;
      const std::int64_t f = x_.find(c.host, c.now);
      if (f < 0) continue;  // a gap in that host's own entries, a problem of its own
      const shiviz_event& known = x_.events[static_cast<std::size_t>(f)];
      auto here = mine.begin();  // both clocks are in host order: one walk along each
      for (const auto& [m, w] : x_.clock(known)) {
        while (here != mine.end() && here->first < m) ++here;
        const std::uint64_t v = here != mine.end() && here->first == m ? here->second : 0;
        const bool cycle = m == e.host && w >= e.own;
        if (!cycle && (m == e.host || w <= v)) continue;
        if (n++ == 0 && report_.counts[static_cast<std::size_t>(shiviz_rule::merge)] < shiviz_report::kept_per_rule)
          first = merge_detail(e, known, m, w, v, cycle);
      }
    }
    if (n != 0 && counted(shiviz_rule::merge)) keep(shiviz_rule::merge, e, first + more(n - 1, " more such entries"));
  }

  // e knows `known`, whose entry m is w where e's is v.
  std::string merge_detail(const shiviz_event& e, const shiviz_event& known, std::uint32_t m, std::uint64_t w,
                           std::uint64_t v, bool cycle) const {
    const std::string name = concat(x_.hosts[known.host], "#", std::to_string(known.own));
    const std::string head = concat("it knows ", name, " (line ", std::to_string(known.line), ")");
    if (cycle)
      return concat(head, ", which already knows it: ", name, "'s entry ", x_.hosts[m], " is ", std::to_string(w),
                    ", this event's own entry ", std::to_string(e.own));
    return concat(head, ", but not all ", name, " knew: entry ", x_.hosts[m], " is ", std::to_string(v), " here and ",
                  std::to_string(w), " there");
  }

  // Counts a problem; true when it is among the first few of its rule, which are kept.
  bool counted(shiviz_rule rule) {
    return report_.counts[static_cast<std::size_t>(rule)]++ < shiviz_report::kept_per_rule;
  }
  void keep(shiviz_rule rule, const shiviz_event& e, std::string detail) {
    report_.problems.push_back({rule, x_.name, e.line, x_.hosts[e.host], std::move(detail)});
  }

  const shiviz_execution& x_;
  shiviz_report& report_;
  std::vector<std::int64_t> previous_;  // per event: the previous one of its host, -1 for the first
  std::vector<change> changes_;         // of the event being checked
};

}  // namespace

void read_shiviz_log(const std::string& path, const shiviz_read_options& options,
                     const std::function<void(const shiviz_execution&)>& each) {
  log_reader(path, options, each).read();
}

bool has_shiviz_events(const std::string& path) {
  line_reader in(path);
  std::string_view text;
  bool first = true;
  while (in.next(text)) {
    if (blank(text)) continue;
    if (first && *std::find_if_not(text.begin(), text.end(), is_space) == '{') return false;
    first = false;
    if (clock_start(text) != std::string_view::npos) return true;
  }
  return false;
}

void check_shiviz_execution(const shiviz_execution& x, shiviz_report& report) {
  ++report.executions;
  report.events += x.events.size();
  report.skipped_lines += x.skipped_lines;
  if (x.dropped_line) report.dropped_line = x.dropped_line;
  execution_checker(x, report).run();
}

shiviz_report check_shiviz_log(const std::string& path) {
  shiviz_report report;
  read_shiviz_log(path, {.descriptions = false}, [&](const shiviz_execution& x) { check_shiviz_execution(x, report); });
  return report;
}

}  // namespace hbsim
