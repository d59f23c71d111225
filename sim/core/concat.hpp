// Building texts from pieces, for the messages and narrations people read.
#pragma once

#include <string>

namespace hbsim {

/// The pieces appended in order. Appends only: GCC 12 warns falsely (-Wrestrict) on
/// "literal" + std::string at -O3.
template <class... T>
std::string concat(const T&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

}  // namespace hbsim
