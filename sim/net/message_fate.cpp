#include "hbsim/net/message_fate.hpp"

#include <array>

namespace hbsim {

std::string_view to_string(drop_reason r) {
  static constexpr std::array<std::string_view, drop_reason_count> names = {"loss", "partition", "crashed",
                                                                           "in_flight", "held"};
  return names[static_cast<std::size_t>(r)];
}

}  // namespace hbsim
