#include "hbsim/run/field_override.hpp"

#include <charconv>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"

namespace hbsim {

namespace {

using json = nlohmann::json;

const char* const pointer_form = "a JSON pointer to a field, e.g. /network/delay or /processes/0/name";

// Where o.value goes: the parent must exist, an object (any key: the reader then refuses unknown fields with the
// closest names) or an array (an index in it, or - to append).
void apply(json& doc, const field_override& o, const std::string& option) {
  json::json_pointer pointer;
  try {
    pointer = json::json_pointer(o.path);
  } catch (const json::exception&) {
    throw input_error(option, "", pointer_form, quoted_excerpt(o.path), "a / before each field, ~0 for ~, ~1 for /");
  }
  if (pointer.empty()) throw input_error(option, "", pointer_form, "the empty path (the whole scenario)");
  const json::json_pointer parent = pointer.parent_pointer();
  if (!doc.contains(parent)) {
    json::json_pointer found = parent.parent_pointer();
    while (!doc.contains(found)) found = found.parent_pointer();
    throw input_error(option, o.path, "a path whose parent " + parent.to_string() + " is in the scenario",
                      "nothing there (the scenario's deepest part on that path is " +
                          (found.empty() ? std::string("the whole scenario") : found.to_string()) + ")");
  }
  json& p = doc[parent];
  const std::string key = pointer.back();
  if (p.is_object()) {
    p[key] = o.value;
    return;
  }
  if (!p.is_array())
    throw input_error(option, o.path, "an object or an array at " + parent.to_string(), describe_json(p));
  if (key == "-") {
    p.push_back(o.value);
    return;
  }
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), index);
  if (error != std::errc() || end != key.data() + key.size() || index >= p.size())
    throw input_error(option, o.path,
                      "an index of " + parent.to_string() + " (0 to " + std::to_string(p.size()) +
                          " - 1), or - to append",
                      quoted_excerpt(key));
  p[index] = o.value;
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
  const std::string_view value = assignment.substr(eq + 1);
  json parsed = json::parse(value, nullptr, false);
  return {std::string(assignment.substr(0, eq)), parsed.is_discarded() ? json(std::string(value)) : std::move(parsed)};
}

scenario load_scenario(const std::string& path, std::span<const field_override> overrides,
                       const clock_registry& registry) {
  const auto name = [&](const field_override& o) { return "--set " + o.text() + " (in " + path + ")"; };
  try {
    return load_scenario(
        path, [&](json& doc) {
          for (const field_override& o : overrides) apply(doc, o, name(o));
        },
        registry);
  } catch (const input_error& e) {
    for (auto o = overrides.rbegin(); o != overrides.rend(); ++o)
      if (e.file() == path && concerns(e.path(), o->path))
        throw input_error(name(*o), e.path(), e.expected(), e.found(), e.hint(), e.line(), e.column());
    throw;
  }
}

}  // namespace hbsim
