#include "hbsim/run/field_override.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"

namespace hbsim {

namespace {

using json = nlohmann::json;

const char* const pointer_form = "a JSON pointer to a field, e.g. /network/delay or /processes/0/name";

// An index of `array` from a pointer's token (`at` names the array in messages).
std::size_t index_in(const json& array, const std::string& token, const std::string& at, const field_override& o,
                     const std::string& option) {
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), index);
  // RFC 6901: an index has no leading zero ("01" names no element).
  if (error != std::errc() || end != token.data() + token.size() || index >= array.size() ||
      (token.size() > 1 && token[0] == '0'))
    throw input_error(option, o.path,
                      (array.empty() ? at + " is empty: - to append"
                                     : "an index of " + at + " (0 to " + std::to_string(array.size() - 1) +
                                           "), or - to append"),
                      quoted_excerpt(token));
  return index;
}

// The object or array that holds the field `pointer` names. A field missing on the way is added as an object
// (`--set /network/delay=...` on a file without "network"; the reader then refuses a field it does not know,
// with the closest names); an array is never grown on the way.
json& parent_of(json& doc, const json::json_pointer& pointer, const field_override& o, const std::string& option) {
  std::vector<std::string> tokens;
  for (json::json_pointer q = pointer.parent_pointer(); !q.empty(); q = q.parent_pointer()) tokens.push_back(q.back());
  json* at = &doc;
  json::json_pointer here;
  for (auto t = tokens.rbegin(); t != tokens.rend(); ++t) {
    if (at->is_object()) {
      at = &(*at)[*t];
      if (at->is_null()) *at = json::object();
    } else if (at->is_array()) {
      at = &(*at)[index_in(*at, *t, here.empty() ? "the scenario" : here.to_string(), o, option)];
    } else {
      throw input_error(option, o.path, "an object or an array at " + here.to_string(), describe_json(*at));
    }
    here /= *t;
  }
  if (!at->is_object() && !at->is_array())
    throw input_error(option, o.path, "an object or an array at " + here.to_string(), describe_json(*at));
  return *at;
}

// Where o.value goes: a field of an object (any key: the reader then refuses unknown fields with the closest
// names), or an element of an array (an index in it, or - to append).
void apply(json& doc, const field_override& o, const std::string& option) {
  json::json_pointer pointer;
  try {
    pointer = json::json_pointer(o.path);
  } catch (const json::exception&) {
    throw input_error(option, "", pointer_form, quoted_excerpt(o.path), "a / before each field, ~0 for ~, ~1 for /");
  }
  if (pointer.empty()) throw input_error(option, "", pointer_form, "the empty path (the whole scenario)");
  json& p = parent_of(doc, pointer, o, option);
  const std::string key = pointer.back();
  if (p.is_object())
    p[key] = o.value;
  else if (key == "-")
    p.push_back(o.value);
  else
    p[index_in(p, key, pointer.parent_pointer().to_string(), o, option)] = o.value;
}

// The error is about the override when it is at its path or inside what it set.
bool concerns(const std::string& error_path, const std::string& set_path) {
  return error_path == set_path || error_path.starts_with(set_path + "/") || set_path.starts_with(error_path + "/");
}

}  // namespace

std::string field_override::text() const { return path + "=" + value.dump(); }

field_override parse_override(std::string_view assignment, std::string_view option) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw input_error(std::string(option), "", "PATH=VALUE, e.g. /seed=9 or /network/delay=\"5ms\"",
                      quoted_excerpt(assignment));
  // Every path and value goes into JSON (the scenario, a sweep's lines): bytes that are not UTF-8 are refused here.
  if (!valid_utf8(assignment))
    throw input_error(std::string(option), "", "PATH=VALUE in UTF-8 text", quoted_excerpt(assignment) + ", which is not");
  const std::string_view value = assignment.substr(eq + 1);
  json parsed = json::parse(value, nullptr, false);
  return {std::string(assignment.substr(0, eq)), parsed.is_discarded() ? json(std::string(value)) : std::move(parsed)};
}

scenario load_scenario(const std::string& path, std::span<const field_override> overrides,
                       const clock_registry& registry) {
  const auto name = [&](const field_override& o) { return "--set " + o.text() + " (in " + path + ")"; };
  std::string edits;
  for (const field_override& o : overrides) edits.append(edits.empty() ? "" : ", ").append("--set ").append(o.text());
  try {
    scenario s = load_scenario(
        path, [&](json& doc) {
          for (const field_override& o : overrides) apply(doc, o, name(o));
        },
        registry);
    s.edits = edits;
    return s;
  } catch (const input_error& e) {
    if (e.file() != path || overrides.empty()) throw;
    for (auto o = overrides.rbegin(); o != overrides.rend(); ++o)
      if (concerns(e.path(), o->path))
        throw input_error(name(*o), e.path(), e.expected(), e.found(), e.hint(), e.line(), e.column());
    // Elsewhere in the file, yet maybe because of an edit (an expectation naming a process that a
    // smaller count left out): the edits are named with the file.
    throw input_error(path + " (with " + edits + ")", e.path(), e.expected(), e.found(), e.hint(), e.line(), e.column());
  }
}

}  // namespace hbsim
