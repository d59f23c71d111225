// The scenario's faults: partitions, cuts, crashes, clock steps and pauses.
#include "hbsim/core/time.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

fault reader::read_fault(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 14> all_fields{
      "at",      "partition",        "cut", "crash", "clock_step", "pause", "heal", "mode", "restart",
      "persist", "checkpoint_every", "by",  "for",   "clock"};
  check_fields(v, path, "a fault", all_fields);
  const std::string_view kind = which_one(v, path, fault_names, "a fault");
  fault out;
  out.path = path;
  out.at = read_duration(need(v, path, "at", "when the fault happens"), child(path, "at"), sign::non_negative);
  const json& subject = *get(v, kind);
  const std::string subject_path = child(path, kind);

  if (kind == "partition") {
    static constexpr std::array<std::string_view, 4> f{"at", "partition", "heal", "mode"};
    check_fields(v, path, "a partition fault", f);
    partition_fault p = read_partition(subject, subject_path);
    p.heal = read_later(v, path, "heal", out.at);
    p.mode = read_hold_mode(v, path);
    out.what = std::move(p);
  } else if (kind == "cut") {
    static constexpr std::array<std::string_view, 4> f{"at", "cut", "heal", "mode"};
    check_fields(v, path, "a cut fault", f);
    static constexpr std::array<std::string_view, 2> ends{"from", "to"};
    check_fields(subject, subject_path, "a cut", ends);
    cut_fault c;
    c.from = read_process_list(need(subject, subject_path, "from", "the senders it cuts"), child(subject_path, "from"));
    c.to = read_process_list(need(subject, subject_path, "to", "the receivers it cuts"), child(subject_path, "to"));
    c.heal = read_later(v, path, "heal", out.at);
    c.mode = read_hold_mode(v, path);
    out.what = std::move(c);
  } else if (kind == "crash") {
    out.what = read_crash(v, path, out.at);
  } else if (kind == "clock_step") {
    static constexpr std::array<std::string_view, 3> f{"at", "clock_step", "by"};
    check_fields(v, path, "a clock_step fault", f);
    clock_step_fault c;
    c.process = read_process(subject, subject_path);
    c.by = read_duration(need(v, path, "by", "how far the clock jumps"), child(path, "by"), sign::any);
    out.what = c;
  } else {
    static constexpr std::array<std::string_view, 4> f{"at", "pause", "for", "clock"};
    check_fields(v, path, "a pause fault", f);
    pause_fault p;
    p.process = read_process(subject, subject_path);
    p.duration = read_duration(need(v, path, "for", "how long the pause lasts"), child(path, "for"), sign::positive);
    check_end(out.at, 2, p.duration, child(path, "for"));
    if (const json* c = get(v, "clock"))
      p.clock_running = read_choice(*c, child(path, "clock"), pause_clock_names, "the clock during the pause") == 1;
    out.what = p;
  }
  return out;
}

// The optional field `key` of fault v: a time later than the fault's `at`.
std::optional<sim_time> reader::read_later(const json& v, const std::string& path, std::string_view key,
                                           sim_time at) const {
  const json* f = get(v, key);
  if (f == nullptr) return std::nullopt;
  const sim_time t = read_duration(*f, child(path, key), sign::non_negative);
  if (t <= at) wrong(*f, child(path, key), "a time later than at (" + format_duration(at) + ")");
  return t;
}

hold_mode reader::read_hold_mode(const json& v, const std::string& path) const {
  const json* f = get(v, "mode");
  return f ? static_cast<hold_mode>(read_choice(*f, child(path, "mode"), hold_mode_names, "a partition mode"))
           : hold_mode::drop;
}

// A partition's groups; the processes in none form one more group.
partition_fault reader::read_partition(const json& subject, const std::string& path) const {
  partition_fault p;
  const json& groups = read_array(subject, path, "groups of process names", true);
  p.group_of.assign(process_count_, std::numeric_limits<std::uint32_t>::max());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const std::string group_path = child(path, g);
    p.groups.push_back(read_process_list(groups[g], group_path));
    for (const process_id member : p.groups.back()) {
      std::uint32_t& of = p.group_of[member];
      if (of != std::numeric_limits<std::uint32_t>::max())
        fail(group_path, "groups that share no process",
             "\"" + process_names_[member] + "\" in group " + std::to_string(of) + " and in group " +
                 std::to_string(g));
      of = static_cast<std::uint32_t>(g);
    }
  }
  for (std::uint32_t& of : p.group_of)
    if (of == std::numeric_limits<std::uint32_t>::max()) of = static_cast<std::uint32_t>(p.groups.size());
  return p;
}

crash_fault reader::read_crash(const json& v, const std::string& path, sim_time at) const {
  static constexpr std::array<std::string_view, 5> f{"at", "crash", "restart", "persist", "checkpoint_every"};
  check_fields(v, path, "a crash fault", f);
  crash_fault c;
  c.process = read_process(*get(v, "crash"), child(path, "crash"));
  c.restart = read_later(v, path, "restart", at);
  if (const json* p = get(v, "persist"))
    c.persist = static_cast<persist_mode>(read_choice(*p, child(path, "persist"), persist_names, "a persist mode"));
  const json* every = get(v, "checkpoint_every");
  if (c.persist == persist_mode::checkpoint) {
    c.checkpoint_every = read_uint(need(v, path, "checkpoint_every", "required with persist \"checkpoint\""),
                                   child(path, "checkpoint_every"), 1, std::numeric_limits<std::uint64_t>::max());
  } else if (every != nullptr) {
    fail(child(path, "checkpoint_every"), "checkpoint_every only with \"persist\": \"checkpoint\"",
         "it with persist \"" + std::string(persist_names[static_cast<std::size_t>(c.persist)]) + "\"");
  }
  return c;
}

}  // namespace hbsim::scenario_internal
