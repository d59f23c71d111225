#include "hbsim/data/data_policy.hpp"

#include <array>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "data/policies.hpp"
#include "data/vector_math.hpp"

namespace hbsim {

namespace data_internal {

std::string vector_json(const counters& v) {
  std::string out = "{";
  for (const auto& [name, n] : v) {
    if (out.size() > 1) out += ',';
    out += nlohmann::json(name).dump() + ':' + std::to_string(n);
  }
  return out + '}';
}

}  // namespace data_internal

std::span<const std::string_view> data_policy_names() {
  static constexpr std::array<std::string_view, 4> names{"lww", "version_vector", "client_vector", "dvv"};
  return names;
}

std::unique_ptr<data_policy> make_policy(const data_config& c) {
  using namespace data_internal;
  if (c.policy == "lww") return make_lww(c);
  if (c.policy == "version_vector") return make_vector_policy(c, false);
  if (c.policy == "client_vector") return make_vector_policy(c, true);
  if (c.policy == "dvv") return make_dvv(c);
  throw std::invalid_argument("hbsim: unknown data policy " + c.policy);
}

}  // namespace hbsim
