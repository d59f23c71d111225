// Describing JSON input in error messages: what was found, and what a syntax error means. Shared by
// every reader of JSON (scenarios, traces, ShiViz logs) so their messages read alike.
#pragma once

#include <cstdint>
#include <span>
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
/// Whether v is an integer from 0 to 2^64 - 1 (nlohmann reads -0 as a signed one).
inline bool is_unsigned_integer(const nlohmann::json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
}
/// s for a terminal: each control character (newline, tab and DEL included) written as JSON escapes it
/// ("\\n", "\\u001b"), so that a label or a name read from a file cannot split a line of the summary or
/// send the terminal an escape sequence; anything else as it is.
std::string visible_text(std::string_view s);
/// Whether s holds a control character (below U+0020, or DEL), which visible_text would escape.
bool has_control_characters(std::string_view s);
/// Whether s is UTF-8 text, as a JSON string must be (nlohmann's own test).
bool valid_utf8(std::string_view s);
/// A key as one token of a JSON Pointer (RFC 6901): "~" as "~0", "/" as "~1".
std::string pointer_token(std::string_view key);
/// "a, b, c".
std::string join_names(std::span<const std::string_view> names);
/// `did you mean "x"?` for the candidate closest to word (equal but for case, or within 2 edits while
/// keeping something of the word: "x" does not suggest "a"), or "" when none is close.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace hbsim
