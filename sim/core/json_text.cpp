#include "hbsim/core/json_text.hpp"

#include <algorithm>
#include <vector>

namespace hbsim {

namespace {

// ASCII only, whatever the locale: suggestions must not depend on the machine.
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Levenshtein distance, or more than `cap` when it exceeds it (cheap for far-apart lengths).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > cap) return cap + 1;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string join_names(std::span<const std::string_view> list) {
  std::string out;
  for (std::string_view n : list) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// `did you mean "x"?` for the closest candidate (case-insensitively equal, or within 2 edits but
// keeping something of the word: "x" does not suggest "a"), or "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  constexpr std::size_t cap = 2;
  std::string_view best;
  std::size_t best_distance = cap + 1;
  const std::string folded = lower(word);
  for (std::string_view c : candidates) {
    std::size_t d = lower(c) == folded ? 0 : edit_distance(word, c, cap);
    if (d != 0 && d >= word.size()) d = cap + 1;
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (best_distance > cap) return {};
  return "did you mean \"" + std::string(best) + "\"?";
}


using nlohmann::json;

bool valid_utf8(std::string_view s) {
  try {
    static_cast<void>(json(std::string(s)).dump());
  } catch (const json::type_error&) {
    return false;
  }
  return true;
}

std::string quoted_excerpt(std::string_view s) {
  constexpr std::size_t max = 40;
  if (s.size() <= max) return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // whole characters only
  return json(std::string(s.substr(0, cut))).dump(-1, ' ', false, json::error_handler_t::replace).append("...");
}

namespace {
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
}  // namespace

bool has_control_characters(std::string_view s) { return std::any_of(s.begin(), s.end(), is_control); }

std::string visible_text(std::string_view s) {
  if (!has_control_characters(s)) return std::string(s);
  std::string out;
  for (const char c : s) {
    if (!is_control(c)) {
      out.push_back(c);
      continue;
    }
    switch (c) {
      case '\n': out.append("\\n"); break;
      case '\t': out.append("\\t"); break;
      case '\r': out.append("\\r"); break;
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        const auto u = static_cast<unsigned char>(c);
        out.append("\\u00").append(1, hex[u >> 4]).append(1, hex[u & 15]);
      }
    }
  }
  return out;
}

std::string describe_json(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case json::value_t::string:
      return std::string("the string ").append(quoted_excerpt(v.get_ref<const std::string&>()));
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return std::string("a number (").append(v.dump()).append(")");
    case json::value_t::object:
      return v.empty() ? "an empty object" : "an object";
    case json::value_t::array:
      return v.empty() ? "an empty array" : std::string("an array of ").append(std::to_string(v.size()));
    default:
      return "binary data";
  }
}

std::pair<std::string, std::string> json_syntax_error(std::string_view what) {
  std::string found(what);
  if (const auto id = found.find("] "); id != std::string::npos) found.erase(0, id + 2);
  if (const auto dash = found.find(" - "); dash != std::string::npos) found.erase(0, dash + 3);
  std::string expected = "valid JSON";
  if (const auto exp = found.find("; expected "); exp != std::string::npos) {
    expected = found.substr(exp + 11);
    found.erase(exp);
  }
  if (found.starts_with("unexpected ")) found.erase(0, 11);
  return {expected, found};
}

std::string pointer_token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~')
      out.append("~0");
    else if (c == '/')
      out.append("~1");
    else
      out.push_back(c);
  }
  return out;
}

}  // namespace hbsim
