// The NTP field of a trace's event line (FORMAT.md, NTP): `ntp` back into the note that the judge,
// the summary and the views read, so that `hbsim check` judges a trace as it judged the run.
#include <array>
#include <nlohmann/json.hpp>

#include "hbsim/core/json_text.hpp"
#include "trace/line_codec.hpp"

namespace hbsim::trace_internal {

using nlohmann::json;

void json_line_codec::read_ntp(const json& n) {
  ntp_ = ntp_note{};
  if (!n.is_object()) fail("/ntp", "an object {\"samples\": ...}", describe_json(n));
  auto number = [&](const char* key, const char* what, std::int64_t lo, std::int64_t hi) {
    const std::string path = std::string("/ntp/").append(key);
    const auto it = n.find(key);
    if (it == n.end()) fail(path, what, std::string("no field \"").append(key).append("\""));
    return integer(*it, path, what, lo, hi);
  };
  constexpr const char* samples = "a number of samples from 1 to 65535";
  ntp_.samples = static_cast<std::uint32_t>(number("samples", samples, 1, 65535));
  ntp_.answered = static_cast<std::uint32_t>(
      number("answered", "a number of answered samples, from 0 to \"samples\"", 0, ntp_.samples));
  constexpr const char* modes = R"("step", "slew" or "none")";
  const std::string& apply = string(*field(n, "apply", modes), "/ntp/apply", modes);
  std::size_t k = 0;
  while (k < ntp_apply_names.size() && ntp_apply_names[k] != apply) ++k;
  if (k == ntp_apply_names.size()) fail("/ntp/apply", modes, describe_json(n["apply"]));
  ntp_.apply = static_cast<ntp_apply>(k);
  if (ntp_.answered == 0) return;
  constexpr const char* any = "an integer that fits in signed 64 bits";
  const std::array<std::pair<const char*, sim_time*>, 11> fields{
      {{"t1", &ntp_.t1}, {"t2", &ntp_.t2}, {"t3", &ntp_.t3}, {"t4", &ntp_.t4}, {"offset", &ntp_.offset},
       {"delay", &ntp_.delay}, {"true_offset", &ntp_.true_offset}, {"true_t1", &ntp_.true_t1},
       {"true_t2", &ntp_.true_t2}, {"true_t3", &ntp_.true_t3}, {"true_t4", &ntp_.true_t4}}};
  for (const auto& [key, out] : fields) *out = number(key, any, int64_min, int64_max);
}

}  // namespace hbsim::trace_internal
