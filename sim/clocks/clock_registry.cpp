#include "hbsim/clocks/clock_registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "clocks/epoch_lamport/epoch_lamport_kind.hpp"
#include "clocks/hlc/hlc_kind.hpp"
#include "clocks/itc/itc_kind.hpp"
#include "clocks/lamport/lamport_kind.hpp"
#include "clocks/matrix/matrix_kind.hpp"
#include "clocks/snowflake/snowflake_kind.hpp"
#include "clocks/truetime/truetime_kind.hpp"
#include "clocks/vector/vector_kind.hpp"

namespace hbsim {

bool is_standard_clock(std::string_view name) {
  return std::find(std::begin(standard_clock_names), std::end(standard_clock_names), name) !=
         std::end(standard_clock_names);
}

clock_registry clock_registry::standard() {
  // The standard kinds first, in standard_clock_names order; add() refuses their names to anyone else.
  clock_registry r;
  r.kinds_ = {lamport_kind(), vector_kind(), hlc_kind()};
  r.add(matrix_kind());
  r.add(epoch_lamport_kind());
  r.add(itc_kind());
  r.add(snowflake_kind());
  r.add(truetime_kind());
  return r;
}

void clock_registry::add(std::shared_ptr<const clock_kind> kind) {
  if (is_standard_clock(kind->name()) || find(kind->name()))
    throw std::invalid_argument("a clock kind named \"" + std::string(kind->name()) + "\" is already registered");
  kinds_.push_back(std::move(kind));
}

std::shared_ptr<const clock_kind> clock_registry::find(std::string_view name) const {
  for (const auto& k : kinds_)
    if (k->name() == name) return k;
  return nullptr;
}

std::vector<std::string> clock_registry::names() const {
  std::vector<std::string> out;
  for (const auto& k : kinds_) out.emplace_back(k->name());
  return out;
}

}  // namespace hbsim
