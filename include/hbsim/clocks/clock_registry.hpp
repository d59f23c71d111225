// The clock kinds a scenario may choose in `clocks`, by name. A value, not a global: the standard
// registry holds the modules of lamport, vector and hlc (the standard kinds, whose variants and options
// logical_config holds itself: they stay out of logical_config::extra), matrix and epoch_lamport; a library
// user copies it and adds kinds of their own.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

/// The kinds a scenario without `clocks` runs, in this order.
inline constexpr std::string_view standard_clock_names[] = {"lamport", "vector", "hlc"};
bool is_standard_clock(std::string_view name);

class clock_registry {
 public:
  /// lamport, vector, hlc and every other kind module shipped with hbsim.
  static clock_registry standard();

  /// Adds a kind; throws std::invalid_argument when its name is taken.
  void add(std::shared_ptr<const clock_kind> kind);
  /// The module of that name, standard or not; null for unknown names.
  std::shared_ptr<const clock_kind> find(std::string_view name) const;
  /// Every kind's name in the order they were added: the standard three first.
  std::vector<std::string> names() const;

 private:
  std::vector<std::shared_ptr<const clock_kind>> kinds_;
};

}  // namespace hbsim
