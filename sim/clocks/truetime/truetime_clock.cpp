#include "hbsim/clocks/truetime/truetime_clock.hpp"

#include <array>
#include <cmath>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/core/time.hpp"

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 1> names = {"canonical"};
constexpr const char* epsilon_form = R"(a duration, or {"base": duration, "drift_ppm": number})";

__extension__ typedef __int128 wide;  // GCC/Clang builtin; __extension__ keeps -Wpedantic quiet

sim_time read_epsilon_duration(const nlohmann::json& v, const std::string& path) {
  std::string why;
  const auto t = v.is_string() ? parse_duration(v.get_ref<const std::string&>(), &why) : std::nullopt;
  if (!t || *t < 0) throw input_error("", path, "a duration of 0 or more", describe_json(v), why);
  return *t;
}
}  // namespace

std::span<const std::string_view> truetime_variant_names() { return names; }

truetime_options truetime_options::read(const nlohmann::json& block) {
  truetime_options o;
  const auto it = block.find("epsilon");
  if (it == block.end()) return o;
  if (it->is_string()) return {read_epsilon_duration(*it, "/epsilon"), 0};
  if (!it->is_object()) throw input_error("", "/epsilon", epsilon_form, describe_json(*it));
  for (const auto& [field, value] : it->items())
    if (field != "base" && field != "drift_ppm" && field != "note")
      throw input_error("", "/epsilon/" + field, epsilon_form, "a field \"" + field + "\"");
  if (const auto base = it->find("base"); base != it->end()) o.base = read_epsilon_duration(*base, "/epsilon/base");
  if (const auto drift = it->find("drift_ppm"); drift != it->end()) {
    if (!drift->is_number() || !std::isfinite(drift->get<double>()) || drift->get<double>() < 0 ||
        drift->get<double>() > 1e6)
      throw input_error("", "/epsilon/drift_ppm", "a number of ppm from 0 to 1000000", describe_json(*drift));
    o.drift_ppm = drift->get<double>();
  }
  return o;
}

// In parts per 10^12 and __int128, floored, as the physical clock's drift: no double rounding on the way.
sim_time truetime_options::epsilon(sim_time t, sim_time t_sync) const {
  const wide ppt = std::llround(drift_ppm * 1e6);
  const wide grown = ppt * (static_cast<wide>(t) - t_sync) / 1'000'000'000'000;
  const wide e = base + grown;
  return e > time_max ? time_max : static_cast<sim_time>(e);
}

truetime_clock::truetime_clock(std::size_t processes, truetime_options options)
    : options_(options), words_(2 * processes, 0), stamped_(processes, 0) {}

void truetime_clock::tick(process_id p, event_kind, sim_time pt) {
  words_[2 * p] = static_cast<std::uint64_t>(sub_sat(pt, epsilon_));
  words_[2 * p + 1] = static_cast<std::uint64_t>(add_sat(pt, epsilon_));
  stamped_[p] = 1;
}

void truetime_clock::receive(process_id p, message_slot, sim_time pt) { tick(p, event_kind::receive, pt); }

}  // namespace hbsim
