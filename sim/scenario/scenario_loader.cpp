// Reading scenario files: JSON text to a checked, name-resolved scenario (scenarios/FORMAT.md). Every
// problem becomes an input_error naming the file, the JSON path, what was expected and what was
// found; hostile input (huge, deep, duplicate keys, absurd numbers) is refused, never trusted.
// The sections are read in files of their own (scenario_reader.hpp); here, the whole scenario.
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim {

std::optional<process_id> scenario::find_process(std::string_view name) const {
  for (std::size_t i = 0; i < processes.size(); ++i)
    if (processes[i].name == name) return static_cast<process_id>(i);
  return std::nullopt;
}

std::uint64_t scenario::pending_limit() const {
  return max_pending.value_or(
      default_max_pending(processes.size(), logical.has("vector"), pending_at_start() + timers_at_start()));
}

std::uint64_t scenario::timers_at_start() const {
  std::uint64_t timers = 0;
  for (const script_action& a : script) timers += a.at.has_value();
  for (const generator& g : generate)
    if (const auto* r = std::get_if<random_generator>(&g)) timers += r->events > 0 ? processes.size() : 0;
  return timers;
}

std::uint64_t scenario::pending_at_start() const {
  std::uint64_t pending = 0;
  for (const generator& g : generate)
    if (const auto* p = std::get_if<phold_generator>(&g)) pending += p->population * processes.size();
  return pending;
}

namespace scenario_internal {

scenario reader::read(const json& root) {
  if (!root.is_object()) wrong(root, "", "a scenario (a JSON object)");
  // The version comes first: a file of another version may well have other fields.
  if (const json* version = get(root, "hbsim"); version && !(version->is_number_unsigned() && *version == 1))
    wrong(*version, "/hbsim", "format version 1");
  static constexpr std::array<std::string_view, 19> fields{
      "hbsim",   "name",   "description", "seed",   "until",  "max_events", "max_pending", "clock",    "processes",
      "network", "clocks", "logical",     "faults", "script", "on_receive", "generate",    "delivery", "expect",
      "data"};
  check_fields(root, "", "a scenario", fields);

  scenario s;
  s.file = file_;
  s.name = read_string(need(root, "", "name", "the scenario's name"), "/name", "the scenario's name");
  if (const json* f = get(root, "description")) s.description = read_string(*f, "/description", "a description");
  if (const json* f = get(root, "seed")) {
    if (!is_unsigned_integer(*f)) wrong(*f, "/seed", "an unsigned 64-bit integer");
    s.seed = f->get<std::uint64_t>();
  }
  if (const json* f = get(root, "until")) s.until = read_duration(*f, "/until", sign::non_negative);
  if (const json* f = get(root, "max_events")) s.max_events = read_uint(*f, "/max_events", 1, limits::max_events);
  if (const json* f = get(root, "max_pending")) s.max_pending = read_uint(*f, "/max_pending", 1, limits::max_pending);
  physical_clock_config clock;
  if (const json* f = get(root, "clock")) clock = read_clock(*f, "/clock", clock);
  read_processes(need(root, "", "processes", "the processes"), "/processes", clock, s);
  resolve_ntp_syncs(s);
  if (const json* f = get(root, "network")) s.network = read_network(*f, "/network");
  std::vector<std::string> clocks(std::begin(standard_clock_names), std::end(standard_clock_names));
  if (const json* f = get(root, "clocks")) clocks = read_clocks(*f, "/clocks");
  s.logical = logical_ = read_logical(get(root, "logical"), "/logical", std::move(clocks));
  // What PHOLD's initial messages must fit in: the default grows with them, up to its cap.
  max_pending_ = s.max_pending.value_or(default_max_pending(process_count_, logical_.has("vector"), limits::max_pending));
  if (const json* f = get(root, "data")) {
    s.data = read_data(*f, "/data");
    has_data_ = true;
  }
  if (const json* f = get(root, "faults"))
    s.faults = read_list<fault>(*f, "/faults", "faults",
                                [&](const json& x, const std::string& p, std::size_t) { return read_fault(x, p); });
  if (const json* f = get(root, "script"))
    s.script = read_list<script_action>(
        *f, "/script", "scripted actions",
        [&](const json& x, const std::string& p, std::size_t k) { return read_script_action(x, p, k); });
  ntp_ = s.has_ntp();
  if (const json* f = get(root, "on_receive"))
    s.on_receive = read_list<reactive_rule>(
        *f, "/on_receive", "reactive rules",
        [&](const json& x, const std::string& p, std::size_t k) { return read_rule(x, p, k); });
  if (const json* f = get(root, "generate")) {
    if (f->is_object())
      s.generate.push_back(read_generator(*f, "/generate"));
    else
      s.generate =
          read_list<generator>(*f, "/generate", "generators (or one generator object)",
                               [&](const json& x, const std::string& p, std::size_t) { return read_generator(x, p); });
  }
  if (const json* f = get(root, "delivery")) {
    s.delivery.groups = read_list<delivery_group>(
        *f, "/delivery", "delivery groups",
        [&](const json& x, const std::string& p, std::size_t) { return read_delivery_group(x, p, s.network); });
    delivery_ = !s.delivery.empty();
  }
  if (const json* f = get(root, "expect"))
    s.expect = read_list<expectation>(
        *f, "/expect", "expectations",
        [&](const json& x, const std::string& p, std::size_t) { return read_expectation(x, p); });
  return s;
}

}  // namespace scenario_internal

scenario parse_scenario(std::string_view text, const std::string& file, const clock_registry& registry) {
  return scenario_internal::reader(file, registry).read(scenario_internal::parse_json(text, file));
}

namespace {

std::string read_scenario_text(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw input_error(path, "", "a readable file", "a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw input_error(path, "", "a readable file", errno != 0 ? std::strerror(errno) : "a file that cannot be opened");
  // Read at most one byte past the limit, so a huge (or endless) file is refused without reading it all.
  std::string text;
  std::array<char, 1 << 16> buffer;
  while (text.size() <= limits::file_bytes) {
    in.read(buffer.data(), buffer.size());
    if (in.gcount() == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw input_error(path, "", "a readable file", "a read error");
  return text;
}

}  // namespace

scenario load_scenario(const std::string& path, const clock_registry& registry) {
  return parse_scenario(read_scenario_text(path), path, registry);
}

scenario load_scenario(const std::string& path, const std::function<void(nlohmann::json&)>& edit,
                       const clock_registry& registry) {
  nlohmann::json doc = scenario_internal::parse_json(read_scenario_text(path), path);
  edit(doc);
  return scenario_internal::reader(path, registry).read(doc);
}

}  // namespace hbsim

