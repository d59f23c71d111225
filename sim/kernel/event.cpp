#include "hbsim/kernel/event.hpp"

#include <array>

namespace hbsim {

std::string_view to_string(event_kind k) {
  static constexpr std::array<std::string_view, event_kind_count> names = {"local",   "send",    "receive",
                                                                          "crash",   "restart", "reject"};
  return names[static_cast<std::size_t>(k)];
}

std::string to_string(const hlc_stamp& h) {
  return std::string("(").append(format_duration(h.l)).append(", ").append(std::to_string(h.c)).append(")");
}

}  // namespace hbsim
