// The scenario's expectations: values of an event, relations between two, invariants violated.
#include "core/concat.hpp"
#include "hbsim/data/data_judge.hpp"
#include "hbsim/kernel/ntp_note.hpp"
#include "hbsim/truth/row_limit.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

expectation reader::read_expectation(const json& v, const std::string& path) const {
  // An event's values may be those of any chosen clock.
  std::vector<std::string_view> event_fields{"event"};
  event_fields.insert(event_fields.end(), logical_.clocks.begin(), logical_.clocks.end());
  std::vector<std::string_view> all_fields = event_fields;
  all_fields.insert(all_fields.end(), {"before", "concurrent", "violates"});
  // A clock the scenario could choose but does not: said so, rather than as an unknown field.
  if (v.is_object())
    for (const std::string& name : registry_.names())
      if (get(v, name) && !logical_.has(name))
        fail(child(path, name), concat("a value of a clock the scenario chooses (", join_names(std::span(event_fields).subspan(1)), ")"),
             concat("\"", name, "\", which \"clocks\" leaves out"), concat("add \"", name, "\" to \"clocks\""));
  check_fields(v, path, "an expectation", all_fields);
  expectation e;
  e.path = path;
  e.source = v.dump();
  const std::string_view kind = which_one(v, path, expectation_names, "an expectation");
  const std::string kind_path = child(path, kind);
  if (kind == "event") {
    check_fields(v, path, "an event expectation", event_fields);
    e.type = expectation::kind::event_values;
    e.a = read_event_ref(v["event"], kind_path);
    const std::span<const std::string_view> values = std::span(event_fields).subspan(1);
    if (std::none_of(values.begin(), values.end(), [&](std::string_view k) { return get(v, k) != nullptr; }))
      fail(path, concat("at least one of ", join_names(values), " (the values the event must have)"), "none of them");
    read_event_values(v, path, e);
    return e;
  }
  if (kind == "violates") {
    static constexpr std::array<std::string_view, 1> f{"violates"};
    check_fields(v, path, "a violates expectation", f);
    e.type = expectation::kind::violates;
    const std::vector<std::string_view> judged = judged_invariants();
    e.invariant = judged[read_choice(v["violates"], kind_path, judged, "an invariant of the chosen clocks")];
    return e;
  }
  const std::array<std::string_view, 1> f{kind};
  check_fields(v, path, "a " + std::string(kind) + " expectation", f);
  e.type = kind == "before" ? expectation::kind::before : expectation::kind::concurrent;
  // Beyond that many processes without vector clocks the ground truth keeps edges, not the causal past a
  // relation needs.
  if (!truth_keeps_rows(process_count_, logical_.has("vector")))
    fail(kind_path,
         concat("at most ", row_max_processes, " processes for a \"", kind, "\" expectation without vector clocks"),
         concat(process_count_, " processes"), R"(add vector clocks: "clocks": ["lamport", "vector", "hlc"])");
  const json& pair = v[std::string(kind)];
  if (!pair.is_array() || pair.size() != 2) wrong(pair, kind_path, "an array of two event references");
  e.a = read_event_ref(pair[0], child(kind_path, 0));
  e.b = read_event_ref(pair[1], child(kind_path, 1));
  return e;
}

// The values an event expectation names, clock by clock.
void reader::read_event_values(const json& v, const std::string& path, expectation& e) const {
  for (std::size_t i = 0; i < logical_.extra.size(); ++i) {
    const clock_kind& kind = *logical_.extra[i].kind;
    const json* x = get(v, kind.name());
    if (!x) continue;
    std::vector<std::uint64_t> words;
    if (const std::string wanted = kind.read(*x, process_names_, words); !wanted.empty())
      wrong(*x, child(path, kind.name()), wanted);
    e.stamps.emplace_back(i, std::move(words));
  }
  if (const json* x = get(v, "lamport"))
    e.lamport = read_uint(*x, child(path, "lamport"), 0, std::numeric_limits<std::uint64_t>::max());
  if (const json* x = get(v, "vector")) {
    const std::string p = child(path, "vector");
    if (!x->is_object()) wrong(*x, p, "a vector clock: an object {process name: count}");
    std::vector<std::uint32_t> dense(process_count_, 0);
    for (const auto& [name, count] : x->items()) {
      // A note is told from an entry of a process called "note" by its type.
      if (name == "note" && count.is_string()) continue;
      const std::string entry = child(p, name);
      dense[resolve(name, entry)] =
          static_cast<std::uint32_t>(read_uint(count, entry, 0, std::numeric_limits<std::uint32_t>::max()));
    }
    e.vector = std::move(dense);
  }
  if (const json* x = get(v, "hlc")) {
    // l_ns: l in nanoseconds, as --json writes it beside l, so that a `found` pasted here is read.
    static constexpr std::array<std::string_view, 3> hlc_fields{"l", "l_ns", "c"};
    const std::string p = child(path, "hlc");
    check_fields(*x, p, "an HLC stamp", hlc_fields);
    if (!get(*x, "l") && !get(*x, "l_ns") && !get(*x, "c")) wrong(*x, p, "an HLC stamp with l (or l_ns), c or both");
    if (const json* l = get(*x, "l")) e.hlc_l = read_duration(*l, child(p, "l"), sign::any);
    if (const json* ns = get(*x, "l_ns")) {
      const std::string at = child(p, "l_ns");
      const bool fits = ns->is_number_integer() &&
                        (!ns->is_number_unsigned() || ns->get<std::uint64_t>() <= std::uint64_t{INT64_MAX});
      if (!fits) wrong(*ns, at, "an integer number of nanoseconds");
      const sim_time l = ns->get<sim_time>();
      if (e.hlc_l && *e.hlc_l != l)
        fail(at, concat("the l beside it in nanoseconds, ", *e.hlc_l, " (", format_duration(*e.hlc_l), ")"), std::to_string(l));
      e.hlc_l = l;
    }
    if (const json* c = get(*x, "c"))
      e.hlc_c = read_uint(*c, child(p, "c"), 0, std::numeric_limits<std::uint64_t>::max());
  }
}

// The invariants a violates expectation may name: those of the chosen clocks only (one of another kind could never
// be violated), of the data, the delivery groups and NTP when the scenario has them.
std::vector<std::string_view> reader::judged_invariants() const {
  std::vector<std::string_view> judged;
  for (const std::string_view name : invariant_names)
    if (logical_.has(name.substr(0, name.find('.')))) judged.push_back(name);
  for (const chosen_clock& c : logical_.extra) judged.insert(judged.end(), c.kind->invariants().begin(), c.kind->invariants().end());
  if (has_data_) judged.insert(judged.end(), data_invariant_names().begin(), data_invariant_names().end());
  if (delivery_) judged.insert(judged.end(), delivery_invariant_names.begin(), delivery_invariant_names.end());
  if (ntp_) judged.push_back(ntp_invariant_name);
  return judged;
}

}  // namespace hbsim::scenario_internal
