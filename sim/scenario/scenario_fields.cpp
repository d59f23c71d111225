// The scenario reader's objects, fields and scalars, shared by every section (scenario_reader.hpp).
#include <algorithm>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/time.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

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
  const std::string expected = "a label of 1 to " + std::to_string(limits::name_length) + " bytes";
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
  if (!is_unsigned_integer(v) || v.get<std::uint64_t>() < min || v.get<std::uint64_t>() > max)
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

}  // namespace hbsim::scenario_internal
