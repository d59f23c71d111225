#include "hbsim/data/written_version.hpp"

#include <nlohmann/json.hpp>

#include "data/vector_math.hpp"

namespace hbsim {

namespace {

data_internal::counters counters_of(const nlohmann::json& v) {
  data_internal::counters out;
  for (const auto& item : v.items()) out[item.key()] = 0;
  return out;
}

}  // namespace

std::uint64_t written_version_bytes(const nlohmann::json& v) {
  // lww writes each stamp word and its writer's index (as the name) one element each.
  if (v.is_array()) return 8 * v.size();
  if (!v.is_object()) return 0;
  const auto context = v.find("context");
  if (v.contains("dot") && context != v.end() && context->is_object()) return 16 + data_internal::vector_bytes(counters_of(*context));
  return data_internal::vector_bytes(counters_of(v));
}

}  // namespace hbsim
