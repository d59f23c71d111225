#include "hbsim/data/written_version.hpp"

#include <nlohmann/json.hpp>

#include "hbsim/data/data_policy.hpp"

namespace hbsim {

std::uint64_t written_version_bytes(const nlohmann::json& v) {
  // lww writes each stamp word and its writer (as the name) one element each.
  if (v.is_array()) return version_bytes(v.size(), 0, false);
  if (!v.is_object()) return 0;
  const auto dot = v.find("dot");
  const auto context = v.find("context");
  if (dot != v.end() && dot->is_array() && context != v.end() && context->is_object())
    return version_bytes(0, context->size(), true);
  return version_bytes(0, v.size(), false);
}

}  // namespace hbsim
