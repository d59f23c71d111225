// NTP in a scenario (FORMAT.md, NTP): the scripted action's fields and a clock's periodic `sync.ntp`,
// whose server is resolved once the processes are known.
#include <algorithm>

#include "scenario/scenario_reader.hpp"

namespace hbsim {

bool scenario::has_ntp() const {
  return std::any_of(processes.begin(), processes.end(), [](const process_spec& p) { return p.clock.ntp.has_value(); }) ||
         std::any_of(script.begin(), script.end(), [](const script_action& a) { return a.what.kind == action_kind::ntp; });
}

}  // namespace hbsim

namespace hbsim::scenario_internal {

void reader::read_ntp_options(const json& v, const std::string& path, ntp_request& r) const {
  if (const json* f = get(v, "samples"))
    r.samples = static_cast<std::uint32_t>(read_uint(*f, child(path, "samples"), 1, max_ntp_samples));
  if (const json* f = get(v, "apply"))
    r.apply = static_cast<ntp_apply>(read_choice(*f, child(path, "apply"), ntp_apply_names, "how θ is applied"));
  if (const json* f = get(v, "timeout")) r.timeout = read_duration(*f, child(path, "timeout"), sign::positive);
}

ntp_sync reader::read_ntp_sync(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 5> fields{"server", "every", "samples", "apply", "timeout"};
  check_fields(v, path, "a periodic NTP sync", fields);
  ntp_sync s;
  s.declared = static_cast<std::uint32_t>(ntp_declared_.size());
  ntp_declared_.push_back({read_name(need(v, path, "server", "the NTP server"), child(path, "server")), path});
  s.every = read_duration(need(v, path, "every", "the time between exchanges"), child(path, "every"), sign::positive);
  read_ntp_options(v, path, s);
  return s;
}

// A sync inherited from the top-level clock does not apply to its own server; one a process writes
// for itself must name another process.
void reader::resolve_ntp_syncs(scenario& s) const {
  for (process_id p = 0; p < s.processes.size(); ++p) {
    std::optional<ntp_sync>& sync = s.processes[p].clock.ntp;
    if (!sync) continue;
    const ntp_declaration& d = ntp_declared_[sync->declared];
    const std::string server_path = child(d.path, "server");
    sync->server = resolve(d.server, server_path);
    if (sync->server == p) {
      if (d.path.starts_with("/clock/")) {
        sync.reset();
        continue;
      }
      fail(server_path, "a server other than the client itself", quoted_excerpt(d.server));
    }
    if (!s.until)
      fail(d.path, R"(a scenario with "until": periodic NTP exchanges never stop by themselves)", "no \"until\"");
  }
}

}  // namespace hbsim::scenario_internal
