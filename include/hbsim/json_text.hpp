// Describing JSON input in error messages: what was found, and what a syntax error means. Shared by
// every reader of JSON (scenarios, traces, ShiViz logs) so their messages read alike.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace hbsim {

/// "a number (5)", "the string \"x\"", "an object"...: what was found, for messages.
std::string describe_json(const nlohmann::json& v);
/// s as a JSON string, cut after 40 bytes (with "..."), for messages.
std::string quoted_excerpt(std::string_view s);
/// nlohmann's parse error text ("[json.exception.parse_error.101] parse error at line 1, column 5:
/// syntax error while parsing array - unexpected end of input; expected ']'") as (expected, found).
std::pair<std::string, std::string> json_syntax_error(std::string_view what);

}  // namespace hbsim
