// --set PATH=VALUE (SPEC §11): a scenario field overridden by JSON pointer before the scenario is read, so the run is
// the one of a file edited that way.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

struct field_override {
  std::string path;      // a JSON pointer, "/network/delay"
  nlohmann::json value;  // what goes there
  /// "PATH=VALUE" with VALUE as compact JSON: given back to --set, it makes the same override.
  std::string text() const;
};

/// Parses "PATH=VALUE": VALUE as JSON, or as a string when it is not JSON. Throws input_error naming `option`.
field_override parse_override(std::string_view assignment, std::string_view option = "--set");

/// Reads the scenario file with the overrides applied in order, then validates it. Throws input_error naming the
/// override (and its path) when its path is malformed or leads nowhere, or the scenario it makes is invalid there;
/// an unknown field is refused with the closest names.
scenario load_scenario(const std::string& path, std::span<const field_override> overrides,
                       const clock_registry& registry = clock_registry::standard());

}  // namespace hbsim
