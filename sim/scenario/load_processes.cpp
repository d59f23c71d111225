// The scenario's processes and clocks: distributions, physical clocks, processes and the names
// that refer to them, the clock kinds chosen and the logical clocks' options.
#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/lamport/lamport_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/time.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

distribution reader::read_distribution(const json& v, const std::string& path, bool may_be_negative) const {
  const sign value_sign = may_be_negative ? sign::any : sign::non_negative;
  if (v.is_string()) return distribution::constant(read_duration(v, path, value_sign));
  if (!v.is_object()) wrong(v, path, std::string(duration_form) + R"(, or an object {"dist": ...} (a distribution))");
  static constexpr std::array<std::string_view, 9> all_fields{"dist",   "value",  "min",   "max",  "mean",
                                                              "stddev", "median", "sigma", "alpha"};
  check_fields(v, path, "a distribution", all_fields);
  const std::string dist_path = child(path, "dist");
  const auto k = static_cast<distribution::kind>(
      read_choice(need(v, path, "dist", "the kind of distribution"), dist_path, distribution_names, "a distribution"));
  auto param = [&](std::string_view key) -> const json& {
    return need(v, path, key, "a parameter of the distribution");
  };
  auto duration = [&](std::string_view key, sign s) { return read_duration(param(key), child(path, key), s); };
  auto number = [&](std::string_view key, std::string_view what) {
    return read_number(param(key), child(path, key), 0, std::numeric_limits<double>::max(), what);
  };
  switch (k) {
    case distribution::kind::constant: {
      static constexpr std::array<std::string_view, 2> f{"dist", "value"};
      check_fields(v, path, "a constant distribution", f);
      return distribution::constant(duration("value", value_sign));
    }
    case distribution::kind::uniform: {
      static constexpr std::array<std::string_view, 3> f{"dist", "min", "max"};
      check_fields(v, path, "a uniform distribution", f);
      const sim_time min = duration("min", value_sign);
      const sim_time max = duration("max", sign::any);
      if (max < min) wrong(param("max"), child(path, "max"), "a maximum not below the minimum " + format_duration(min));
      return distribution::uniform(min, max);
    }
    case distribution::kind::normal: {
      static constexpr std::array<std::string_view, 3> f{"dist", "mean", "stddev"};
      check_fields(v, path, "a normal distribution", f);
      return distribution::normal(duration("mean", sign::any), duration("stddev", sign::non_negative));
    }
    case distribution::kind::exponential: {
      static constexpr std::array<std::string_view, 2> f{"dist", "mean"};
      check_fields(v, path, "an exponential distribution", f);
      return distribution::exponential(duration("mean", sign::positive));
    }
    case distribution::kind::lognormal: {
      static constexpr std::array<std::string_view, 3> f{"dist", "median", "sigma"};
      check_fields(v, path, "a lognormal distribution", f);
      return distribution::lognormal(duration("median", sign::positive), number("sigma", "a number of 0 or more"));
    }
    case distribution::kind::pareto: {
      static constexpr std::array<std::string_view, 3> f{"dist", "min", "alpha"};
      check_fields(v, path, "a pareto distribution", f);
      const sim_time min = duration("min", sign::positive);
      const double alpha = number("alpha", "a number greater than 0");
      if (alpha <= 0) wrong(param("alpha"), child(path, "alpha"), "a number greater than 0");
      return distribution::pareto(min, alpha);
    }
  }
  return distribution::constant(0);  // unreachable: read_choice returned a valid kind
}

physical_clock_config reader::read_clock(const json& v, const std::string& path, physical_clock_config base) const {
  static constexpr std::array<std::string_view, 4> fields{"offset", "drift_ppm", "resolution", "sync"};
  check_fields(v, path, "a physical clock", fields);
  if (const json* f = get(v, "offset")) base.offset = read_duration(*f, child(path, "offset"), sign::any);
  if (const json* f = get(v, "drift_ppm"))
    base.drift_ppm = read_number(*f, child(path, "drift_ppm"), -1e6, 1e6, "a drift in ppm from -1000000 to 1000000");
  if (const json* f = get(v, "resolution"))
    base.resolution = read_duration(*f, child(path, "resolution"), sign::positive);
  if (const json* f = get(v, "sync")) {
    static constexpr std::array<std::string_view, 3> sync_fields{"every", "error", "ntp"};
    const std::string sync_path = child(path, "sync");
    check_fields(*f, sync_path, "a clock sync", sync_fields);
    if (const json* ntp = get(*f, "ntp")) {
      static constexpr std::array<std::string_view, 1> ntp_only{"ntp"};
      check_fields(*f, sync_path, R"(a clock sync by NTP ("every" goes inside "ntp"; no "error"))", ntp_only);
      base.ntp = read_ntp_sync(*ntp, child(sync_path, "ntp"));
      base.sync.reset();
      return base;
    }
    base.ntp.reset();
    clock_sync sync;
    sync.every =
        read_duration(need(*f, sync_path, "every", "the sync period"), child(sync_path, "every"), sign::positive);
    sync.error = read_distribution(need(*f, sync_path, "error", "the offset right after a sync"),
                                   child(sync_path, "error"), true);
    base.sync = std::move(sync);
  }
  return base;
}

void reader::read_numbered_processes(const json& v, const std::string& path, const physical_clock_config& base,
                                     scenario& s) {
  static constexpr std::array<std::string_view, 2> fields{"count", "prefix"};
  check_fields(v, path, "numbered processes", fields);
  const std::uint64_t count = read_uint(need(v, path, "count", "how many processes"), child(path, "count"), 1,
                                        limits::processes);
  std::string prefix = "p";
  if (const json* f = get(v, "prefix")) {
    // The prefix followed by the largest number must be a valid name.
    prefix = read_name(*f, child(path, "prefix"));
    if (prefix.size() + std::to_string(count - 1).size() > limits::name_length)
      fail(child(path, "prefix"), concat("a prefix of at most ", limits::name_length - std::to_string(count - 1).size(),
                                         " letters, so that the names fit in ", limits::name_length),
           concat(prefix.size(), " letters"));
  }
  s.processes.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    process_spec spec{prefix, base};
    spec.name += std::to_string(i);
    process_index_.emplace(spec.name, static_cast<process_id>(i));
    s.processes.push_back(std::move(spec));
  }
}

void reader::read_processes(const json& v, const std::string& path, const physical_clock_config& base, scenario& s) {
  if (v.is_object()) {
    read_numbered_processes(v, path, base, s);
  } else {
    read_process_list(v, path, base, s);
  }
  process_count_ = s.processes.size();
  for (const process_spec& spec : s.processes) process_names_.push_back(spec.name);
}

void reader::read_process_list(const json& v, const std::string& path, const physical_clock_config& base,
                               scenario& s) {
  const json& list = read_array(v, path, R"(processes, or {"count": n, "prefix": "p"})", true);
  if (list.size() > limits::processes) wrong(v, path, "at most " + std::to_string(limits::processes) + " processes");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = child(path, i);
    process_spec spec{{}, base};
    if (list[i].is_object()) {
      static constexpr std::array<std::string_view, 2> fields{"name", "clock"};
      check_fields(list[i], p, "a process", fields);
      spec.name = read_name(need(list[i], p, "name", "the process name"), child(p, "name"));
      if (const json* c = get(list[i], "clock")) spec.clock = read_clock(*c, child(p, "clock"), base);
    } else {
      spec.name = read_name(list[i], p);
    }
    const auto id = static_cast<process_id>(i);
    if (!process_index_.emplace(spec.name, id).second)
      fail(p, "unique process names", "\"" + spec.name + "\" a second time");
    s.processes.push_back(std::move(spec));
  }
}

process_id reader::read_process(const json& v, const std::string& path) const {
  return resolve(read_string(v, path, "a process name"), path);
}

process_id reader::resolve(std::string_view name, const std::string& path, std::string_view expected) const {
  const auto it = process_index_.find(name);
  if (it != process_index_.end()) return it->second;
  std::string hint = did_you_mean(name, std::vector<std::string_view>(process_names_.begin(), process_names_.end()));
  if (hint.empty()) {
    constexpr std::size_t shown = 8;
    hint = "known processes:";
    for (std::size_t i = 0; i < std::min(shown, process_names_.size()); ++i)
      hint += (i ? ", " : " ") + process_names_[i];
    if (process_names_.size() > shown) hint += ", ...";
  }
  fail(path, std::string(expected), "the unknown process " + quoted_excerpt(std::string(name)), hint);
}

std::optional<process_id> reader::read_process_or_any(const json& v, const std::string& path) const {
  const std::string& name = read_string(v, path, R"(a process name or "*")");
  if (name == "*") return std::nullopt;
  return resolve(name, path, R"(the name of a process of the scenario, or "*" for every process)");
}

// A name, or a non-empty array of distinct names.
std::vector<process_id> reader::read_process_list(const json& v, const std::string& path) const {
  if (!v.is_array()) return {read_process(v, path)};
  const json& list = read_array(v, path, "process names", true);
  std::vector<process_id> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const process_id p = read_process(list[i], child(path, i));
    if (std::find(out.begin(), out.end(), p) != out.end()) wrong(list[i], child(path, i), "each process at most once");
    out.push_back(p);
  }
  return out;
}


std::vector<std::string> reader::read_clocks(const json& v, const std::string& path) const {
  const std::vector<std::string> known = registry_.names();
  const std::vector<std::string_view> choices(known.begin(), known.end());
  const json& list = read_array(v, path, "clock kind names", true);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = child(path, i);
    std::string name(choices[read_choice(list[i], p, choices, "a clock kind")]);
    if (std::find(out.begin(), out.end(), name) != out.end()) wrong(list[i], p, "each clock kind at most once");
    if (const auto kind = registry_.find(name); kind && process_count_ > kind->max_processes())
      fail(p, concat("at most ", kind->max_processes(), " processes for ", name, " clocks"),
           concat(process_count_, " processes"));
    out.push_back(std::move(name));
  }
  return out;
}

logical_config reader::read_logical(const json* v, const std::string& path, std::vector<std::string> clocks) const {
  logical_config out;
  out.clocks = std::move(clocks);
  const json none = json::object();
  if (v == nullptr) v = &none;
  const std::vector<std::string> known = registry_.names();
  const std::vector<std::string_view> fields(known.begin(), known.end());
  check_fields(*v, path, "the logical clocks' options", fields);
  // Each clock's block: its fields, then the variant's index among `variant_names`.
  auto variant = [&](std::string_view clock, names block_fields, names variant_names) -> std::optional<std::size_t> {
    const json* block = get(*v, clock);
    if (block == nullptr) return std::nullopt;
    const std::string p = child(path, clock);
    check_fields(*block, p, "the options of the " + std::string(clock) + " clock", block_fields);
    const json* name = get(*block, "variant");
    if (name == nullptr) return std::nullopt;
    return read_choice(*name, child(p, "variant"), variant_names, "a " + std::string(clock) + " variant");
  };
  static constexpr std::array<std::string_view, 1> plain{"variant"};
  static constexpr std::array<std::string_view, 2> hlc_fields{"variant", "max_offset"};
  std::vector<std::string_view> vector_fields{"variant"};
  vector_fields.insert(vector_fields.end(), vector_options::fields().begin(), vector_options::fields().end());
  if (const auto i = variant("lamport", plain, lamport_variant_names()))
    out.lamport = *parse_lamport_variant(lamport_variant_names()[*i]);
  if (const auto i = variant("vector", vector_fields, vector_variant_names()))
    out.vector = *parse_vector_variant(vector_variant_names()[*i]);
  if (const json* block = get(*v, "vector")) {
    try {
      out.vector_opts = vector_options::read(*block);
    } catch (const input_error& e) {
      fail(child(path, "vector") + e.path(), e.expected(), e.found(), e.hint());
    }
  }
  if (const auto i = variant("hlc", hlc_fields, hlc_variant_names()))
    out.hlc = *parse_hlc_variant(hlc_variant_names()[*i]);
  if (const json* hlc = get(*v, "hlc"))
    if (const json* m = get(*hlc, "max_offset"))
      out.hlc_max_offset = read_duration(*m, child(child(path, "hlc"), "max_offset"), sign::non_negative);
  for (const std::string& name : known) {
    // The standard kinds' blocks are read above, into their typed fields.
    const auto kind = registry_.find(name);
    if (!kind || is_standard_clock(name)) continue;
    std::vector<std::string_view> block_fields{"variant"};
    block_fields.insert(block_fields.end(), kind->options().begin(), kind->options().end());
    const std::size_t chosen = variant(name, block_fields, kind->variants()).value_or(0);
    const json block = get(*v, name) ? *get(*v, name) : json::object();
    std::shared_ptr<const clock_kind> configured;
    try {
      configured = kind->configure(block);
    } catch (const input_error& e) {
      fail(child(path, name) + e.path(), e.expected(), e.found(), e.hint());
    }
    if (!configured) configured = kind;
    if (out.has(name)) out.extra.push_back({configured, chosen, block});
  }
  // The modules in `clocks` order: an event's stamps follow it.
  std::stable_sort(out.extra.begin(), out.extra.end(), [&](const chosen_clock& a, const chosen_clock& b) {
    return std::find(out.clocks.begin(), out.clocks.end(), a.kind->name()) <
           std::find(out.clocks.begin(), out.clocks.end(), b.kind->name());
  });
  return out;
}

}  // namespace hbsim::scenario_internal
