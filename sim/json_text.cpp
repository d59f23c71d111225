#include "hbsim/json_text.hpp"

namespace hbsim {

using nlohmann::json;

std::string quoted_excerpt(std::string_view s) {
  constexpr std::size_t max = 40;
  if (s.size() <= max) return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // whole characters only
  return json(std::string(s.substr(0, cut))).dump(-1, ' ', false, json::error_handler_t::replace).append("...");
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

}  // namespace hbsim
