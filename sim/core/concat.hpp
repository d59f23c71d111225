// Building texts from pieces, for the messages and narrations people read.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

namespace hbsim {

/// The pieces appended in order, integers in decimal. Appends only: GCC 12 warns falsely
/// (-Wrestrict) on "literal" + std::string at -O3.
template <class... T>
std::string concat(const T&... parts) {
  std::string out;
  const auto add = [&out](const auto& part) {
    if constexpr (std::is_integral_v<std::decay_t<decltype(part)>>) out.append(std::to_string(part));
    else out.append(part);
  };
  (add(parts), ...);
  return out;
}

/// "1st", "2nd", "3rd", "4th", "11th", "21st".
inline std::string ordinal(std::uint64_t k) {
  const std::uint64_t tens = k % 100, units = k % 10;
  const char* suffix = tens >= 11 && tens <= 13 ? "th" : units == 1 ? "st" : units == 2 ? "nd" : units == 3 ? "rd" : "th";
  return concat(k, suffix);
}

}  // namespace hbsim
