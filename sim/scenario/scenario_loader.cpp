// Reading scenario files: JSON text to a checked, name-resolved scenario (SPEC §1–5). Every
// problem becomes an input_error naming the file, the JSON path, what was expected and what was
// found; hostile input (huge, deep, duplicate keys, absurd numbers) is refused, never trusted.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <span>

#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/lamport/lamport_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

std::optional<process_id> scenario::find_process(std::string_view name) const {
  for (std::size_t i = 0; i < processes.size(); ++i)
    if (processes[i].name == name) return static_cast<process_id>(i);
  return std::nullopt;
}

std::uint64_t scenario::pending_limit() const { return max_pending.value_or(default_max_pending(processes.size())); }

namespace {

using json = nlohmann::json;
using names = std::span<const std::string_view>;

// ---------------------------------------------------------------------------------------------
// Text to JSON. nlohmann's own DOM parser keeps the last of duplicate keys and has no depth limit,
// so a SAX handler builds the document, refusing both, and reports where it stopped.

std::string pointer_token(std::string_view key) {  // RFC 6901 escaping
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string child(const std::string& path, std::string_view key) { return path + '/' + pointer_token(key); }
std::string child(const std::string& path, std::size_t index) { return path + '/' + std::to_string(index); }

// 1-based line and column (in characters, not bytes) of the byte at `offset`.
std::pair<std::size_t, std::size_t> locate(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++column;
    }
  }
  return {line, column};
}

// nlohmann's SAX interface does not tell where a value is; this iterator remembers the furthest
// character the lexer has read, which is the end of the token just delivered.
class tracking_iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  tracking_iterator() = default;
  tracking_iterator(const char* p, const char** furthest) : p_(p), furthest_(furthest) {}
  reference operator*() const {
    *furthest_ = p_;
    return *p_;
  }
  tracking_iterator& operator++() {
    ++p_;
    return *this;
  }
  tracking_iterator operator++(int) {
    tracking_iterator old = *this;
    ++p_;
    return old;
  }
  friend bool operator==(const tracking_iterator& a, const tracking_iterator& b) { return a.p_ == b.p_; }

 private:
  const char* p_ = nullptr;
  const char** furthest_ = nullptr;
};

class dom_builder final : public nlohmann::json_sax<json> {
 public:
  dom_builder(std::string_view text, const std::string& file, const char** furthest)
      : text_(text), file_(file), furthest_(furthest) {}

  json take() { return std::move(root_); }

  bool null() override { return put(nullptr); }
  bool boolean(bool v) override { return put(v); }
  bool number_integer(number_integer_t v) override { return put(v); }
  bool number_unsigned(number_unsigned_t v) override { return put(v); }
  bool number_float(number_float_t v, const string_t&) override { return put(v); }
  bool string(string_t& v) override { return put(std::move(v)); }
  bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (open_.back().value->contains(k))
      fail_here(child(path(), k), "each field at most once in an object", "\"" + k + "\" a second time");
    key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing
    // array - unexpected end of input; expected ']'": keep what follows " - ", split at "; expected ".
    // A number too large for a double comes as "[json.exception.out_of_range.406] number overflow ...".
    auto [expected, found] = json_syntax_error(e.what());
    // position counts the characters read, the offending one included.
    const auto [line, column] = locate(text_, position == 0 ? 0 : position - 1);
    throw input_error(file_, "", expected, found, "JSON syntax error", line, column);
  }

 private:
  struct open_container {
    json* value;
    std::string segment;  // its last path token
  };

  std::string path() const {
    std::string out;
    for (std::size_t i = 1; i < open_.size(); ++i) out += '/' + open_[i].segment;
    return out;
  }

  [[noreturn]] void fail_here(const std::string& path, const std::string& expected, const std::string& found) const {
    const auto [line, column] = locate(text_, static_cast<std::size_t>(*furthest_ - text_.data()));
    throw input_error(file_, path, expected, found, "", line, column);
  }

  // Stores a value where the parser is, returning it. Pointers to open containers stay valid: only
  // the innermost one grows, and a std::map or the end of a vector never moves what it holds.
  json* place(json&& v, std::string* segment) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& top = *open_.back().value;
    if (top.is_array()) {
      if (segment) *segment = std::to_string(top.size());
      top.push_back(std::move(v));
      return &top.back();
    }
    if (segment) *segment = pointer_token(key_);
    json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }

  bool put(json&& v) {
    place(std::move(v), nullptr);
    return true;
  }

  bool open(json&& v) {
    if (open_.size() >= static_cast<std::size_t>(limits::nesting_depth))
      fail_here(path(), "at most " + std::to_string(limits::nesting_depth) + " levels of nested objects and arrays",
                "a deeper nesting");
    std::string segment;
    json* placed = place(std::move(v), &segment);
    open_.push_back({placed, std::move(segment)});
    return true;
  }

  bool close() {
    open_.pop_back();
    return true;
  }

  std::string_view text_;
  const std::string& file_;
  const char** furthest_;
  json root_;
  std::vector<open_container> open_;
  std::string key_;
};

json parse_json(std::string_view text, const std::string& file) {
  if (text.size() > limits::file_bytes)
    throw input_error(file, "", "at most " + std::to_string(limits::file_bytes) + " bytes",
                      std::to_string(text.size()) + " bytes");
  // nlohmann's lexer takes a NUL byte for the end of the input, and would ignore what follows it.
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    const auto [line, column] = locate(text, nul);
    throw input_error(file, "", "JSON text", "a NUL byte, byte " + std::to_string(nul + 1) + " of the file",
                      "JSON text holds none; inside a string, write \\u0000", line, column);
  }
  const char* furthest = text.data();
  dom_builder builder(text, file, &furthest);
  json::sax_parse(tracking_iterator(text.data(), &furthest), tracking_iterator(text.data() + text.size(), &furthest),
                  &builder);
  return builder.take();
}

// ---------------------------------------------------------------------------------------------
// Describing what was found, and suggesting what was meant.

std::string join(names list) { return join_names(list); }

// ---------------------------------------------------------------------------------------------
// Vocabulary.

constexpr std::array<std::string_view, 2> hold_mode_names{"drop", "hold"};             // hold_mode order
constexpr std::array<std::string_view, 3> persist_names{"all", "none", "checkpoint"};  // persist_mode order
constexpr std::array<std::string_view, 3> action_names{"local", "send", "broadcast"};  // action_kind order
constexpr std::array<std::string_view, 2> pause_clock_names{"frozen", "running"};
constexpr std::array<std::string_view, 2> generator_names{"random", "phold"};  // generator order
constexpr std::array<std::string_view, 6> distribution_names{"constant",    "uniform",   "normal",
                                                             "exponential", "lognormal", "pareto"};
constexpr std::array<std::string_view, 5> fault_names{"partition", "cut", "crash", "clock_step", "pause"};
constexpr std::array<std::string_view, 4> expectation_names{"event", "before", "concurrent", "violates"};
constexpr std::array<std::string_view, 9> invariant_names{"lamport.clock_condition",
                                                          "lamport.rule",
                                                          "vector.exact",
                                                          "vector.strong_clock_condition",
                                                          "hlc.clock_condition",
                                                          "hlc.monotonic",
                                                          "hlc.not_behind_physical",
                                                          "hlc.rule",
                                                          "hlc.bounded_drift"};

constexpr std::string_view duration_form = R"(a duration string such as "5ms", "1.5ms", "-20ms" or "2s")";

enum class sign { any, non_negative, positive };

// ---------------------------------------------------------------------------------------------
// The reader: one function per kind of value, each checking its input fully.

class reader {
 public:
  explicit reader(const std::string& file) : file_(file) {}

  scenario read(const json& root);

 private:
  [[noreturn]] void fail(const std::string& path, const std::string& expected, const std::string& found,
                         const std::string& hint = {}) const {
    throw input_error(file_, path, expected, found, hint);
  }
  [[noreturn]] void wrong(const json& v, const std::string& path, const std::string& expected,
                          const std::string& hint = {}) const {
    fail(path, expected, describe_json(v), hint);
  }

  // Objects and their fields.
  void check_fields(const json& v, const std::string& path, std::string_view what, names known) const;
  static const json* get(const json& object, std::string_view key);
  const json& need(const json& object, const std::string& path, std::string_view key, std::string_view what) const;
  std::string_view which_one(const json& object, const std::string& path, names keys, std::string_view what) const;

  // Scalars.
  const std::string& read_string(const json& v, const std::string& path, std::string_view what) const;
  std::string read_label(const json& v, const std::string& path) const;
  std::string read_name(const json& v, const std::string& path) const;
  std::size_t read_choice(const json& v, const std::string& path, names choices, std::string_view what) const;
  std::uint64_t read_uint(const json& v, const std::string& path, std::uint64_t min, std::uint64_t max) const;
  double read_number(const json& v, const std::string& path, double min, double max, std::string_view what) const;
  double read_probability(const json& v, const std::string& path) const;
  bool read_bool(const json& v, const std::string& path) const;
  sim_time read_duration(const json& v, const std::string& path, sign s) const;
  void check_end(sim_time start, std::uint64_t count, sim_time every, const std::string& path) const;
  const json& read_array(const json& v, const std::string& path, std::string_view what, bool non_empty) const;

  // Structures.
  distribution read_distribution(const json& v, const std::string& path, bool may_be_negative) const;
  physical_clock_config read_clock(const json& v, const std::string& path, physical_clock_config base) const;
  void read_processes(const json& v, const std::string& path, const physical_clock_config& base, scenario& s);
  process_id read_process(const json& v, const std::string& path) const;
  process_id resolve(std::string_view name, const std::string& path,
                     std::string_view expected = "the name of a process of the scenario") const;
  std::optional<process_id> read_process_or_any(const json& v, const std::string& path) const;
  std::vector<process_id> read_process_list(const json& v, const std::string& path) const;
  void read_link_fields(const json& v, const std::string& path, link_override& out) const;
  network_config read_network(const json& v, const std::string& path) const;
  link_override read_link(const json& v, const std::string& path) const;
  logical_config read_logical(const json& v, const std::string& path) const;
  fault read_fault(const json& v, const std::string& path) const;
  event_ref read_event_ref(const json& v, const std::string& path) const;
  action read_action(const json& v, const std::string& path, std::string_view label_field, bool sender_allowed) const;
  script_action read_script_action(const json& v, const std::string& path, std::size_t k) const;
  reactive_rule read_rule(const json& v, const std::string& path, std::size_t k) const;
  generator read_generator(const json& v, const std::string& path);
  expectation read_expectation(const json& v, const std::string& path) const;

  template <class T, class F>
  std::vector<T> read_list(const json& v, const std::string& path, std::string_view what, F&& one) const {
    const json& list = read_array(v, path, what, false);
    std::vector<T> out;
    out.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(one(list[i], child(path, i), i + 1));
    return out;
  }

  const std::string& file_;
  std::size_t process_count_ = 0;
  std::uint64_t max_pending_ = 0;
  std::uint64_t pending_at_start_ = 0;  // PHOLD's initial messages so far
  std::map<std::string, process_id, std::less<>> process_index_;
  std::vector<std::string> process_names_;  // in declaration order
};

void reader::check_fields(const json& v, const std::string& path, std::string_view what, names known) const {
  if (!v.is_object()) wrong(v, path, std::string(what) + " (an object)");
  for (const auto& [key, value] : v.items()) {
    if (key == "note") {
      if (!value.is_string()) wrong(value, child(path, key), "a string (a note the simulator ignores)");
      continue;
    }
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::vector<std::string_view> candidates(known.begin(), known.end());
      candidates.push_back("note");
      fail(child(path, key), "a field of " + std::string(what) + " (" + join(candidates) + ")",
           "the field \"" + key + "\"", did_you_mean(key, candidates));
    }
  }
}

const json* reader::get(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const json& reader::need(const json& object, const std::string& path, std::string_view key,
                         std::string_view what) const {
  const json* v = get(object, key);
  if (v == nullptr)
    fail(path, "a field \"" + std::string(key) + "\" (" + std::string(what) + ")", "an object without it");
  return *v;
}

// Exactly one of `keys` is present: returns it.
std::string_view reader::which_one(const json& object, const std::string& path, names keys,
                                   std::string_view what) const {
  std::vector<std::string_view> present;
  for (std::string_view k : keys)
    if (get(object, k)) present.push_back(k);
  if (present.size() != 1)
    fail(path, std::string(what) + ": exactly one of " + join(keys),
         present.empty() ? "none of them" : "several: " + join(present));
  return present.front();
}

const std::string& reader::read_string(const json& v, const std::string& path, std::string_view what) const {
  if (!v.is_string()) wrong(v, path, std::string(what) + " (a string)");
  return v.get_ref<const std::string&>();
}

std::string reader::read_label(const json& v, const std::string& path) const {
  const std::string& s = read_string(v, path, "a label");
  const std::string expected = "a label of 1 to " + std::to_string(limits::name_length) + " characters";
  if (s.empty()) wrong(v, path, expected);
  if (s.size() > limits::name_length) fail(path, expected, "a string of " + std::to_string(s.size()) + " bytes");
  return s;
}

std::string reader::read_name(const json& v, const std::string& path) const {
  const std::string expected =
      "a process name of 1 to " + std::to_string(limits::name_length) + " letters, digits, '_', '.' or '-'";
  if (!v.is_string()) wrong(v, path, expected);
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() > limits::name_length) fail(path, expected, "a string of " + std::to_string(s.size()) + " bytes");
  // [A-Za-z0-9_.-]+, spelled out because std::isalnum depends on the locale.
  const bool ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
  if (!ok) wrong(v, path, expected);
  return s;
}

std::size_t reader::read_choice(const json& v, const std::string& path, names choices, std::string_view what) const {
  const std::string expected = std::string(what) + ": one of " + join(choices);
  if (!v.is_string()) wrong(v, path, expected);
  const auto it = std::find(choices.begin(), choices.end(), v.get_ref<const std::string&>());
  if (it == choices.end()) wrong(v, path, expected, did_you_mean(v.get_ref<const std::string&>(), choices));
  return static_cast<std::size_t>(it - choices.begin());
}

std::uint64_t reader::read_uint(const json& v, const std::string& path, std::uint64_t min, std::uint64_t max) const {
  // A float is refused even when whole ("2.0"): counts are written as integers.
  const bool integer = v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (!integer || v.get<std::uint64_t>() < min || v.get<std::uint64_t>() > max)
    wrong(v, path, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return v.get<std::uint64_t>();
}

double reader::read_number(const json& v, const std::string& path, double min, double max,
                           std::string_view what) const {
  if (!v.is_number() || v.get<double>() < min || v.get<double>() > max) wrong(v, path, std::string(what));
  return v.get<double>();
}

double reader::read_probability(const json& v, const std::string& path) const {
  return read_number(v, path, 0, 1, "a probability (a number from 0 to 1)");
}

bool reader::read_bool(const json& v, const std::string& path) const {
  if (!v.is_boolean()) wrong(v, path, "true or false");
  return v.get<bool>();
}

sim_time reader::read_duration(const json& v, const std::string& path, sign s) const {
  if (!v.is_string()) wrong(v, path, std::string(duration_form));
  std::string why;
  const auto t = parse_duration(v.get_ref<const std::string&>(), &why);
  if (!t) wrong(v, path, std::string(duration_form), why);
  if (s == sign::non_negative && *t < 0) wrong(v, path, "a duration of 0 or more");
  if (s == sign::positive && *t <= 0) wrong(v, path, "a duration greater than 0");
  return *t;
}

// The last of `count` occurrences from `start`, `every` apart, must still be a time.
void reader::check_end(sim_time start, std::uint64_t count, sim_time every, const std::string& path) const {
  sim_time span = 0, end = 0;
  if (count > static_cast<std::uint64_t>(std::numeric_limits<sim_time>::max()) ||
      __builtin_mul_overflow(static_cast<sim_time>(count - 1), every, &span) ||
      __builtin_add_overflow(start, span, &end))
    fail(path, "times within the int64 nanosecond range (about 292 years)", "a time past it");
}

const json& reader::read_array(const json& v, const std::string& path, std::string_view what, bool non_empty) const {
  const std::string expected = std::string(non_empty ? "a non-empty array of " : "an array of ") + std::string(what);
  if (!v.is_array() || (non_empty && v.empty())) wrong(v, path, expected);
  if (v.size() > limits::list_entries)
    wrong(v, path, expected + " with at most " + std::to_string(limits::list_entries) + " entries");
  return v;
}

distribution reader::read_distribution(const json& v, const std::string& path, bool may_be_negative) const {
  const sign value_sign = may_be_negative ? sign::any : sign::non_negative;
  if (v.is_string()) return distribution::constant(read_duration(v, path, value_sign));
  if (!v.is_object()) wrong(v, path, std::string(duration_form) + R"(, or an object {"dist": ...} (a distribution))");
  static constexpr std::array<std::string_view, 9> all_fields{"dist",   "value",  "min",   "max",  "mean",
                                                              "stddev", "median", "sigma", "alpha"};
  check_fields(v, path, "a distribution", all_fields);
  const std::string dist_path = child(path, "dist");
  const auto k = static_cast<distribution::kind>(
      read_choice(need(v, path, "dist", "the kind of distribution"), dist_path, distribution_names, "a distribution"));
  auto param = [&](std::string_view key) -> const json& {
    return need(v, path, key, "a parameter of the distribution");
  };
  auto duration = [&](std::string_view key, sign s) { return read_duration(param(key), child(path, key), s); };
  auto number = [&](std::string_view key, std::string_view what) {
    return read_number(param(key), child(path, key), 0, std::numeric_limits<double>::max(), what);
  };
  switch (k) {
    case distribution::kind::constant: {
      static constexpr std::array<std::string_view, 2> f{"dist", "value"};
      check_fields(v, path, "a constant distribution", f);
      return distribution::constant(duration("value", value_sign));
    }
    case distribution::kind::uniform: {
      static constexpr std::array<std::string_view, 3> f{"dist", "min", "max"};
      check_fields(v, path, "a uniform distribution", f);
      const sim_time min = duration("min", value_sign);
      const sim_time max = duration("max", sign::any);
      if (max < min) wrong(param("max"), child(path, "max"), "a maximum not below the minimum " + format_duration(min));
      return distribution::uniform(min, max);
    }
    case distribution::kind::normal: {
      static constexpr std::array<std::string_view, 3> f{"dist", "mean", "stddev"};
      check_fields(v, path, "a normal distribution", f);
      return distribution::normal(duration("mean", sign::any), duration("stddev", sign::non_negative));
    }
    case distribution::kind::exponential: {
      static constexpr std::array<std::string_view, 2> f{"dist", "mean"};
      check_fields(v, path, "an exponential distribution", f);
      return distribution::exponential(duration("mean", sign::positive));
    }
    case distribution::kind::lognormal: {
      static constexpr std::array<std::string_view, 3> f{"dist", "median", "sigma"};
      check_fields(v, path, "a lognormal distribution", f);
      return distribution::lognormal(duration("median", sign::positive), number("sigma", "a number of 0 or more"));
    }
    case distribution::kind::pareto: {
      static constexpr std::array<std::string_view, 3> f{"dist", "min", "alpha"};
      check_fields(v, path, "a pareto distribution", f);
      const sim_time min = duration("min", sign::positive);
      const double alpha = number("alpha", "a number greater than 0");
      if (alpha <= 0) wrong(param("alpha"), child(path, "alpha"), "a number greater than 0");
      return distribution::pareto(min, alpha);
    }
  }
  return distribution::constant(0);  // unreachable: read_choice returned a valid kind
}

physical_clock_config reader::read_clock(const json& v, const std::string& path, physical_clock_config base) const {
  static constexpr std::array<std::string_view, 4> fields{"offset", "drift_ppm", "resolution", "sync"};
  check_fields(v, path, "a physical clock", fields);
  if (const json* f = get(v, "offset")) base.offset = read_duration(*f, child(path, "offset"), sign::any);
  if (const json* f = get(v, "drift_ppm"))
    base.drift_ppm = read_number(*f, child(path, "drift_ppm"), -1e6, 1e6, "a drift in ppm from -1000000 to 1000000");
  if (const json* f = get(v, "resolution"))
    base.resolution = read_duration(*f, child(path, "resolution"), sign::positive);
  if (const json* f = get(v, "sync")) {
    static constexpr std::array<std::string_view, 2> sync_fields{"every", "error"};
    const std::string sync_path = child(path, "sync");
    check_fields(*f, sync_path, "a clock sync", sync_fields);
    clock_sync sync;
    sync.every =
        read_duration(need(*f, sync_path, "every", "the sync period"), child(sync_path, "every"), sign::positive);
    sync.error = read_distribution(need(*f, sync_path, "error", "the offset right after a sync"),
                                   child(sync_path, "error"), true);
    base.sync = std::move(sync);
  }
  return base;
}

void reader::read_processes(const json& v, const std::string& path, const physical_clock_config& base, scenario& s) {
  const json& list = read_array(v, path, "processes", true);
  if (list.size() > limits::processes) wrong(v, path, "at most " + std::to_string(limits::processes) + " processes");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = child(path, i);
    process_spec spec{{}, base};
    if (list[i].is_object()) {
      static constexpr std::array<std::string_view, 2> fields{"name", "clock"};
      check_fields(list[i], p, "a process", fields);
      spec.name = read_name(need(list[i], p, "name", "the process name"), child(p, "name"));
      if (const json* c = get(list[i], "clock")) spec.clock = read_clock(*c, child(p, "clock"), base);
    } else {
      spec.name = read_name(list[i], p);
    }
    const auto id = static_cast<process_id>(i);
    if (!process_index_.emplace(spec.name, id).second)
      fail(p, "unique process names", "\"" + spec.name + "\" a second time");
    s.processes.push_back(std::move(spec));
  }
  process_count_ = s.processes.size();
  for (const process_spec& spec : s.processes) process_names_.push_back(spec.name);
}

process_id reader::read_process(const json& v, const std::string& path) const {
  return resolve(read_string(v, path, "a process name"), path);
}

process_id reader::resolve(std::string_view name, const std::string& path, std::string_view expected) const {
  const auto it = process_index_.find(name);
  if (it != process_index_.end()) return it->second;
  std::string hint = did_you_mean(name, std::vector<std::string_view>(process_names_.begin(), process_names_.end()));
  if (hint.empty()) {
    constexpr std::size_t shown = 8;
    hint = "known processes:";
    for (std::size_t i = 0; i < std::min(shown, process_names_.size()); ++i)
      hint += (i ? ", " : " ") + process_names_[i];
    if (process_names_.size() > shown) hint += ", ...";
  }
  fail(path, std::string(expected), "the unknown process " + quoted_excerpt(std::string(name)), hint);
}

std::optional<process_id> reader::read_process_or_any(const json& v, const std::string& path) const {
  const std::string& name = read_string(v, path, R"(a process name or "*")");
  if (name == "*") return std::nullopt;
  return resolve(name, path, R"(the name of a process of the scenario, or "*" for every process)");
}

// A name, or a non-empty array of distinct names.
std::vector<process_id> reader::read_process_list(const json& v, const std::string& path) const {
  if (!v.is_array()) return {read_process(v, path)};
  const json& list = read_array(v, path, "process names", true);
  std::vector<process_id> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const process_id p = read_process(list[i], child(path, i));
    if (std::find(out.begin(), out.end(), p) != out.end()) wrong(list[i], child(path, i), "each process at most once");
    out.push_back(p);
  }
  return out;
}

void reader::read_link_fields(const json& v, const std::string& path, link_override& out) const {
  if (const json* f = get(v, "delay")) out.delay = read_distribution(*f, child(path, "delay"), false);
  if (const json* f = get(v, "loss")) out.loss = read_probability(*f, child(path, "loss"));
  if (const json* f = get(v, "duplicate")) out.duplicate = read_probability(*f, child(path, "duplicate"));
  if (const json* f = get(v, "fifo")) out.fifo = read_bool(*f, child(path, "fifo"));
}

network_config reader::read_network(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 5> fields{"delay", "loss", "duplicate", "fifo", "links"};
  check_fields(v, path, "a network", fields);
  network_config net;
  link_override defaults;
  read_link_fields(v, path, defaults);
  net.defaults.delay = defaults.delay.value_or(net.defaults.delay);
  net.defaults.loss = defaults.loss.value_or(net.defaults.loss);
  net.defaults.duplicate = defaults.duplicate.value_or(net.defaults.duplicate);
  net.defaults.fifo = defaults.fifo.value_or(net.defaults.fifo);
  if (const json* links = get(v, "links")) {
    net.links =
        read_list<link_override>(*links, child(path, "links"), "link overrides",
                                 [&](const json& l, const std::string& p, std::size_t) { return read_link(l, p); });
  }
  return net;
}

link_override reader::read_link(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 6> fields{"from", "to", "delay", "loss", "duplicate", "fifo"};
  check_fields(v, path, "a link override", fields);
  link_override out;
  out.from = read_process_or_any(need(v, path, "from", R"(a process or "*")"), child(path, "from"));
  out.to = read_process_or_any(need(v, path, "to", R"(a process or "*")"), child(path, "to"));
  read_link_fields(v, path, out);
  return out;
}

logical_config reader::read_logical(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 3> fields{"lamport", "vector", "hlc"};
  check_fields(v, path, "the logical clocks' options", fields);
  logical_config out;
  // Each clock's block: its fields, then the variant's index among `variant_names`.
  auto variant = [&](std::string_view clock, names block_fields, names variant_names) -> std::optional<std::size_t> {
    const json* block = get(v, clock);
    if (block == nullptr) return std::nullopt;
    const std::string p = child(path, clock);
    check_fields(*block, p, "the options of the " + std::string(clock) + " clock", block_fields);
    const json* name = get(*block, "variant");
    if (name == nullptr) return std::nullopt;
    return read_choice(*name, child(p, "variant"), variant_names, "a " + std::string(clock) + " variant");
  };
  static constexpr std::array<std::string_view, 1> plain{"variant"};
  static constexpr std::array<std::string_view, 2> hlc_fields{"variant", "max_offset"};
  if (const auto i = variant("lamport", plain, lamport_variant_names()))
    out.lamport = *parse_lamport_variant(lamport_variant_names()[*i]);
  if (const auto i = variant("vector", plain, vector_variant_names()))
    out.vector = *parse_vector_variant(vector_variant_names()[*i]);
  if (const auto i = variant("hlc", hlc_fields, hlc_variant_names()))
    out.hlc = *parse_hlc_variant(hlc_variant_names()[*i]);
  if (const json* hlc = get(v, "hlc"))
    if (const json* m = get(*hlc, "max_offset"))
      out.hlc_max_offset = read_duration(*m, child(child(path, "hlc"), "max_offset"), sign::non_negative);
  return out;
}

fault reader::read_fault(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 14> all_fields{
      "at",      "partition",        "cut", "crash", "clock_step", "pause", "heal", "mode", "restart",
      "persist", "checkpoint_every", "by",  "for",   "clock"};
  check_fields(v, path, "a fault", all_fields);
  const std::string_view kind = which_one(v, path, fault_names, "a fault");
  fault out;
  out.path = path;
  out.at = read_duration(need(v, path, "at", "when the fault happens"), child(path, "at"), sign::non_negative);
  auto later = [&](std::string_view key) -> std::optional<sim_time> {
    const json* f = get(v, key);
    if (f == nullptr) return std::nullopt;
    const sim_time t = read_duration(*f, child(path, key), sign::non_negative);
    if (t <= out.at) wrong(*f, child(path, key), "a time later than at (" + format_duration(out.at) + ")");
    return t;
  };
  auto mode = [&]() {
    const json* f = get(v, "mode");
    return f ? static_cast<hold_mode>(read_choice(*f, child(path, "mode"), hold_mode_names, "a partition mode"))
             : hold_mode::drop;
  };
  const json& subject = *get(v, kind);
  const std::string subject_path = child(path, kind);

  if (kind == "partition") {
    static constexpr std::array<std::string_view, 4> f{"at", "partition", "heal", "mode"};
    check_fields(v, path, "a partition fault", f);
    partition_fault p;
    const json& groups = read_array(subject, subject_path, "groups of process names", true);
    p.group_of.assign(process_count_, std::numeric_limits<std::uint32_t>::max());
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string group_path = child(subject_path, g);
      p.groups.push_back(read_process_list(groups[g], group_path));
      for (const process_id member : p.groups.back()) {
        std::uint32_t& of = p.group_of[member];
        if (of != std::numeric_limits<std::uint32_t>::max())
          fail(group_path, "groups that share no process",
               "\"" + process_names_[member] + "\" in group " + std::to_string(of) + " and in group " +
                   std::to_string(g));
        of = static_cast<std::uint32_t>(g);
      }
    }
    for (std::uint32_t& of : p.group_of)
      if (of == std::numeric_limits<std::uint32_t>::max()) of = static_cast<std::uint32_t>(p.groups.size());
    p.heal = later("heal");
    p.mode = mode();
    out.what = std::move(p);
  } else if (kind == "cut") {
    static constexpr std::array<std::string_view, 4> f{"at", "cut", "heal", "mode"};
    check_fields(v, path, "a cut fault", f);
    static constexpr std::array<std::string_view, 2> ends{"from", "to"};
    check_fields(subject, subject_path, "a cut", ends);
    cut_fault c;
    c.from = read_process_list(need(subject, subject_path, "from", "the senders it cuts"), child(subject_path, "from"));
    c.to = read_process_list(need(subject, subject_path, "to", "the receivers it cuts"), child(subject_path, "to"));
    c.heal = later("heal");
    c.mode = mode();
    out.what = std::move(c);
  } else if (kind == "crash") {
    static constexpr std::array<std::string_view, 5> f{"at", "crash", "restart", "persist", "checkpoint_every"};
    check_fields(v, path, "a crash fault", f);
    crash_fault c;
    c.process = read_process(subject, subject_path);
    c.restart = later("restart");
    if (const json* p = get(v, "persist"))
      c.persist = static_cast<persist_mode>(read_choice(*p, child(path, "persist"), persist_names, "a persist mode"));
    const json* every = get(v, "checkpoint_every");
    if (c.persist == persist_mode::checkpoint) {
      c.checkpoint_every = read_uint(need(v, path, "checkpoint_every", "required with persist \"checkpoint\""),
                                     child(path, "checkpoint_every"), 1, std::numeric_limits<std::uint64_t>::max());
    } else if (every != nullptr) {
      fail(child(path, "checkpoint_every"), "checkpoint_every only with \"persist\": \"checkpoint\"",
           "it with persist \"" + std::string(persist_names[static_cast<std::size_t>(c.persist)]) + "\"");
    }
    out.what = c;
  } else if (kind == "clock_step") {
    static constexpr std::array<std::string_view, 3> f{"at", "clock_step", "by"};
    check_fields(v, path, "a clock_step fault", f);
    clock_step_fault c;
    c.process = read_process(subject, subject_path);
    c.by = read_duration(need(v, path, "by", "how far the clock jumps"), child(path, "by"), sign::any);
    out.what = c;
  } else {
    static constexpr std::array<std::string_view, 4> f{"at", "pause", "for", "clock"};
    check_fields(v, path, "a pause fault", f);
    pause_fault p;
    p.process = read_process(subject, subject_path);
    p.duration = read_duration(need(v, path, "for", "how long the pause lasts"), child(path, "for"), sign::positive);
    check_end(out.at, 2, p.duration, child(path, "for"));
    if (const json* c = get(v, "clock"))
      p.clock_running = read_choice(*c, child(path, "clock"), pause_clock_names, "the clock during the pause") == 1;
    out.what = p;
  }
  return out;
}

event_ref reader::read_event_ref(const json& v, const std::string& path) const {
  constexpr std::string_view form = R"(an event reference "proc:label", "proc:label#k" or "proc#n")";
  const std::string& text = read_string(v, path, form);
  std::string why;
  const auto parts = parse_event_ref(text, &why);
  if (!parts) wrong(v, path, std::string(form), why);
  event_ref ref;
  ref.text = text;
  ref.process = resolve(parts->process, path);
  ref.label = parts->label;
  ref.by_seq = parts->by_seq;
  ref.index = parts->index;
  return ref;
}

// The action part shared by scripted actions and reactive rules: do, to, and the new event's label.
// The label stays empty when not written (a written one never is): the caller supplies the default.
action reader::read_action(const json& v, const std::string& path, std::string_view label_field,
                           bool sender_allowed) const {
  action a;
  a.kind = static_cast<action_kind>(
      read_choice(need(v, path, "do", "what the process does"), child(path, "do"), action_names, "an action"));
  const json* to = get(v, "to");
  if (a.kind == action_kind::send) {
    const json& t = need(v, path, "to", "the destinations of a send");
    if (sender_allowed && t.is_string() && t.get_ref<const std::string&>() == "sender")
      a.to_sender = true;
    else
      a.to = read_process_list(t, child(path, "to"));
  } else if (to != nullptr) {
    wrong(*to, child(path, "to"), "no \"to\": only a send has destinations (broadcast sends to every other process)");
  }
  if (const json* label = get(v, label_field)) a.label = read_label(*label, child(path, label_field));
  return a;
}

script_action reader::read_script_action(const json& v, const std::string& path, std::size_t k) const {
  static constexpr std::array<std::string_view, 8> fields{"at", "after", "delay", "process",
                                                          "do", "to",    "label", "repeat"};
  check_fields(v, path, "a scripted action", fields);
  static constexpr std::array<std::string_view, 2> when{"at", "after"};
  script_action s;
  s.path = path;
  s.process = read_process(need(v, path, "process", "the process that acts"), child(path, "process"));
  if (which_one(v, path, when, "a scripted action") == "at") {
    s.at = read_duration(v["at"], child(path, "at"), sign::non_negative);
    if (const json* d = get(v, "delay"))
      wrong(*d, child(path, "delay"), "no \"delay\" with \"at\" (it goes with \"after\")");
  } else {
    s.after = read_event_ref(v["after"], child(path, "after"));
    if (const json* d = get(v, "delay")) s.delay = read_duration(*d, child(path, "delay"), sign::non_negative);
  }
  s.what = read_action(v, path, "label", false);
  if (s.what.label.empty())
    s.what.label = std::string(action_names[static_cast<std::size_t>(s.what.kind)]) + std::to_string(k);
  if (const json* r = get(v, "repeat")) {
    static constexpr std::array<std::string_view, 2> repeat_fields{"count", "every"};
    const std::string p = child(path, "repeat");
    check_fields(*r, p, "a repetition", repeat_fields);
    s.repeat_count = read_uint(need(*r, p, "count", "how many times in all"), child(p, "count"), 1,
                               std::numeric_limits<std::uint64_t>::max());
    s.repeat_every =
        read_duration(need(*r, p, "every", "the time between occurrences"), child(p, "every"), sign::positive);
    check_end(s.at.value_or(0), s.repeat_count, s.repeat_every, p);
  }
  return s;
}

reactive_rule reader::read_rule(const json& v, const std::string& path, std::size_t k) const {
  static constexpr std::array<std::string_view, 6> fields{"process", "label", "do", "to", "action_label", "delay"};
  check_fields(v, path, "a reactive rule", fields);
  reactive_rule r;
  r.path = path;
  if (const json* p = get(v, "process")) r.process = read_process_or_any(*p, child(path, "process"));
  if (const json* l = get(v, "label"); l != nullptr && !(l->is_string() && l->get_ref<const std::string&>() == "*"))
    r.label = read_label(*l, child(path, "label"));
  r.what = read_action(v, path, "action_label", true);
  if (r.what.label.empty()) r.what.label = "rule" + std::to_string(k);
  if (const json* d = get(v, "delay")) r.delay = read_duration(*d, child(path, "delay"), sign::non_negative);
  return r;
}

generator reader::read_generator(const json& v, const std::string& path) {
  static constexpr std::array<std::string_view, 8> all_fields{"kind",       "events",   "send_ratio", "interval",
                                                              "population", "messages", "think",      "remote"};
  check_fields(v, path, "a generator", all_fields);
  const std::size_t kind = read_choice(need(v, path, "kind", "the kind of generator"), child(path, "kind"),
                                       generator_names, "a generator kind");
  constexpr auto any_count = std::numeric_limits<std::uint64_t>::max();
  if (kind == 0) {
    static constexpr std::array<std::string_view, 4> f{"kind", "events", "send_ratio", "interval"};
    check_fields(v, path, "a random generator", f);
    random_generator g;
    if (const json* x = get(v, "events")) g.events = read_uint(*x, child(path, "events"), 0, any_count);
    if (const json* x = get(v, "send_ratio")) g.send_ratio = read_probability(*x, child(path, "send_ratio"));
    if (const json* x = get(v, "interval")) g.interval = read_distribution(*x, child(path, "interval"), false);
    return g;
  }
  static constexpr std::array<std::string_view, 5> f{"kind", "population", "messages", "think", "remote"};
  check_fields(v, path, "a phold generator", f);
  phold_generator g;
  const json* population = get(v, "population");
  if (population) g.population = read_uint(*population, child(path, "population"), 1, any_count);
  // Every initial message is pending at the start: more than max_pending in all could never run.
  const std::uint64_t most = (max_pending_ - pending_at_start_) / process_count_;
  if (g.population > most)
    fail(child(path, "population"), "a population from 1 to " + std::to_string(most),
         population ? describe_json(*population) : "the default, 1",
         "the initial messages, population × " + std::to_string(process_count_) + " processes" +
             (pending_at_start_ ? " plus " + std::to_string(pending_at_start_) + " of the earlier PHOLD generators"
                                : "") +
             ", must fit in max_pending (" + std::to_string(max_pending_) + "): they are all pending at the start");
  pending_at_start_ += g.population * process_count_;
  if (const json* x = get(v, "messages")) g.messages = read_uint(*x, child(path, "messages"), 0, any_count);
  if (const json* x = get(v, "think")) g.think = read_distribution(*x, child(path, "think"), false);
  if (const json* x = get(v, "remote")) g.remote = read_probability(*x, child(path, "remote"));
  return g;
}

expectation reader::read_expectation(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 7> all_fields{"event",  "lamport",    "vector",  "hlc",
                                                              "before", "concurrent", "violates"};
  check_fields(v, path, "an expectation", all_fields);
  expectation e;
  e.path = path;
  e.source = v.dump();
  const std::string_view kind = which_one(v, path, expectation_names, "an expectation");
  const std::string kind_path = child(path, kind);
  if (kind == "event") {
    static constexpr std::array<std::string_view, 4> f{"event", "lamport", "vector", "hlc"};
    check_fields(v, path, "an event expectation", f);
    e.type = expectation::kind::event_values;
    e.a = read_event_ref(v["event"], kind_path);
    if (!get(v, "lamport") && !get(v, "vector") && !get(v, "hlc"))
      fail(path, "at least one of lamport, vector, hlc (the values the event must have)", "none of them");
    if (const json* x = get(v, "lamport"))
      e.lamport = read_uint(*x, child(path, "lamport"), 0, std::numeric_limits<std::uint64_t>::max());
    if (const json* x = get(v, "vector")) {
      const std::string p = child(path, "vector");
      if (!x->is_object()) wrong(*x, p, "a vector clock: an object {process name: count}");
      std::vector<std::uint32_t> dense(process_count_, 0);
      for (const auto& [name, count] : x->items()) {
        // A note is told from an entry of a process called "note" by its type.
        if (name == "note" && count.is_string()) continue;
        const std::string entry = child(p, name);
        dense[resolve(name, entry)] =
            static_cast<std::uint32_t>(read_uint(count, entry, 0, std::numeric_limits<std::uint32_t>::max()));
      }
      e.vector = std::move(dense);
    }
    if (const json* x = get(v, "hlc")) {
      static constexpr std::array<std::string_view, 2> hlc_fields{"l", "c"};
      const std::string p = child(path, "hlc");
      check_fields(*x, p, "an HLC stamp", hlc_fields);
      if (!get(*x, "l") && !get(*x, "c")) wrong(*x, p, "an HLC stamp with l, c or both");
      if (const json* l = get(*x, "l")) e.hlc_l = read_duration(*l, child(p, "l"), sign::any);
      if (const json* c = get(*x, "c"))
        e.hlc_c = read_uint(*c, child(p, "c"), 0, std::numeric_limits<std::uint64_t>::max());
    }
    return e;
  }
  if (kind == "violates") {
    static constexpr std::array<std::string_view, 1> f{"violates"};
    check_fields(v, path, "a violates expectation", f);
    e.type = expectation::kind::violates;
    e.invariant = invariant_names[read_choice(v["violates"], kind_path, invariant_names, "an invariant name")];
    return e;
  }
  const std::array<std::string_view, 1> f{kind};
  check_fields(v, path, "a " + std::string(kind) + " expectation", f);
  e.type = kind == "before" ? expectation::kind::before : expectation::kind::concurrent;
  const json& pair = v[std::string(kind)];
  if (!pair.is_array() || pair.size() != 2) wrong(pair, kind_path, "an array of two event references");
  e.a = read_event_ref(pair[0], child(kind_path, 0));
  e.b = read_event_ref(pair[1], child(kind_path, 1));
  return e;
}

scenario reader::read(const json& root) {
  if (!root.is_object()) wrong(root, "", "a scenario (a JSON object)");
  // The version comes first: a file of another version may well have other fields.
  if (const json* version = get(root, "hbsim"); version && !(version->is_number_unsigned() && *version == 1))
    wrong(*version, "/hbsim", "format version 1");
  static constexpr std::array<std::string_view, 16> fields{
      "hbsim",   "name",    "description", "seed",   "until",      "max_events", "max_pending", "clock",
      "processes", "network", "logical", "faults", "script", "on_receive", "generate",   "expect"};
  check_fields(root, "", "a scenario", fields);

  scenario s;
  s.file = file_;
  s.name = read_string(need(root, "", "name", "the scenario's name"), "/name", "the scenario's name");
  if (const json* f = get(root, "description")) s.description = read_string(*f, "/description", "a description");
  if (const json* f = get(root, "seed")) {
    if (!f->is_number_unsigned()) wrong(*f, "/seed", "an unsigned 64-bit integer");
    s.seed = f->get<std::uint64_t>();
  }
  if (const json* f = get(root, "until")) s.until = read_duration(*f, "/until", sign::non_negative);
  if (const json* f = get(root, "max_events")) s.max_events = read_uint(*f, "/max_events", 1, limits::max_events);
  if (const json* f = get(root, "max_pending")) s.max_pending = read_uint(*f, "/max_pending", 1, limits::max_pending);
  physical_clock_config clock;
  if (const json* f = get(root, "clock")) clock = read_clock(*f, "/clock", clock);
  read_processes(need(root, "", "processes", "the processes"), "/processes", clock, s);
  max_pending_ = s.pending_limit();
  if (const json* f = get(root, "network")) s.network = read_network(*f, "/network");
  if (const json* f = get(root, "logical")) s.logical = read_logical(*f, "/logical");
  if (const json* f = get(root, "faults"))
    s.faults = read_list<fault>(*f, "/faults", "faults",
                                [&](const json& x, const std::string& p, std::size_t) { return read_fault(x, p); });
  if (const json* f = get(root, "script"))
    s.script = read_list<script_action>(
        *f, "/script", "scripted actions",
        [&](const json& x, const std::string& p, std::size_t k) { return read_script_action(x, p, k); });
  if (const json* f = get(root, "on_receive"))
    s.on_receive = read_list<reactive_rule>(
        *f, "/on_receive", "reactive rules",
        [&](const json& x, const std::string& p, std::size_t k) { return read_rule(x, p, k); });
  if (const json* f = get(root, "generate")) {
    if (f->is_object())
      s.generate.push_back(read_generator(*f, "/generate"));
    else
      s.generate =
          read_list<generator>(*f, "/generate", "generators (or one generator object)",
                               [&](const json& x, const std::string& p, std::size_t) { return read_generator(x, p); });
  }
  if (const json* f = get(root, "expect"))
    s.expect = read_list<expectation>(
        *f, "/expect", "expectations",
        [&](const json& x, const std::string& p, std::size_t) { return read_expectation(x, p); });
  return s;
}

}  // namespace

scenario parse_scenario(std::string_view text, const std::string& file) {
  return reader(file).read(parse_json(text, file));
}

scenario load_scenario(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw input_error(path, "", "a readable file", "a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw input_error(path, "", "a readable file", errno != 0 ? std::strerror(errno) : "a file that cannot be opened");
  // Read at most one byte past the limit, so a huge (or endless) file is refused without reading it all.
  std::string text;
  std::array<char, 1 << 16> buffer;
  while (text.size() <= limits::file_bytes) {
    in.read(buffer.data(), buffer.size());
    if (in.gcount() == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw input_error(path, "", "a readable file", "a read error");
  return parse_scenario(text, path);
}

}  // namespace hbsim
