#include "hbsim/scenario/event_ref.hpp"

#include <limits>

namespace hbsim {

namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// A positive decimal integer that fits in 64 bits.
std::optional<std::uint64_t> parse_index(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
    value = value * 10 + d;
  }
  if (value == 0) return std::nullopt;
  return value;
}

std::optional<event_ref_parts> fail(std::string* why, const char* message) {
  if (why) *why = message;
  return std::nullopt;
}

}  // namespace

std::optional<event_ref_parts> parse_event_ref(std::string_view text, std::string* why) {
  constexpr const char* bad_index = "'#' must be followed by a positive integer (1 is the first)";
  event_ref_parts parts;
  // The process ends at the first ':' (a label may hold more); without one, the form is "proc#n".
  const std::size_t colon = text.find(':');
  const std::size_t end = colon != std::string_view::npos ? colon : text.find('#');
  if (end == std::string_view::npos)
    return fail(why, R"(no ':' or '#': write "proc:label", "proc:label#k" or "proc#n")");
  const std::string_view process = text.substr(0, end);
  if (process.empty()) return fail(why, "the process name before ':' or '#' is empty");
  for (char c : process)
    if (!is_name_char(c)) return fail(why, "a process name may only hold letters, digits, '_', '.' and '-'");
  parts.process = process;

  if (colon == std::string_view::npos) {
    const auto n = parse_index(text.substr(end + 1));
    if (!n) return fail(why, bad_index);
    parts.by_seq = true;
    parts.index = *n;
    return parts;
  }
  // After the label, the last '#' introduces k; a label may hold '#' before it.
  std::string_view label = text.substr(colon + 1);
  if (const std::size_t hash = label.rfind('#'); hash != std::string_view::npos) {
    const auto k = parse_index(label.substr(hash + 1));
    if (!k) return fail(why, bad_index);
    parts.index = *k;
    label = label.substr(0, hash);
  }
  if (label.empty()) return fail(why, "the label after ':' is empty");
  parts.label = label;
  return parts;
}

bool event_ref::matches(const event_record& e) const {
  if (e.process != process) return false;
  return by_seq ? e.seq == index : e.label == label;
}

}  // namespace hbsim
