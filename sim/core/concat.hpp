// Building texts from pieces, for the messages and narrations people read.
#pragma once

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

}  // namespace hbsim
