// The clock kinds a scenario may choose in `clocks`, by name. A value, not a global: the standard
// registry lists lamport, vector and hlc (built into the kernel, with typed fields everywhere) and the
// kinds that are modules (matrix); a library user copies it and adds kinds of their own.
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
  /// lamport, vector, hlc and every kind module shipped with hbsim.
  static clock_registry standard();

  /// Adds a kind; throws std::invalid_argument when its name is taken.
  void add(std::shared_ptr<const clock_kind> kind);
  /// The module of that name; null for lamport, vector, hlc and unknown names.
  std::shared_ptr<const clock_kind> find(std::string_view name) const;
  /// Every kind's name: the standard three, then the modules in the order they were added.
  std::vector<std::string> names() const;

 private:
  std::vector<std::shared_ptr<const clock_kind>> kinds_;
};

}  // namespace hbsim
