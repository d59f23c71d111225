// The scenario's replicated data: the `data` block and the put, get and sync actions.
#include "core/concat.hpp"
#include "hbsim/data/data_policy.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

namespace {

constexpr std::array<std::string_view, 2> replicate_names{"manual", "on_write"};  // replicate_mode order
constexpr std::array<std::string_view, 3> stamp_names{"physical", "hlc", "lamport"};  // lww_stamp order
constexpr std::array<std::string_view, 2> tie_break_names{"writer", "none"};
constexpr std::array<std::string_view, 2> context_names{"read", "none"};

}  // namespace

data_config reader::read_data(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 5> fields{"policy", "replicate", "variant", "stamp", "tie_break"};
  check_fields(v, path, "replicated data", fields);
  data_config c;
  c.policy = data_policy_names()[read_choice(need(v, path, "policy", "the policy that resolves writes"),
                                             child(path, "policy"), data_policy_names(), "a data policy")];
  const auto policy = make_policy(c);
  for (std::string_view f : std::span(fields).subspan(3))
    if (const json* x = get(v, f);
        x && std::find(policy->options().begin(), policy->options().end(), f) == policy->options().end())
      wrong(*x, child(path, f), concat("no \"", f, "\": it is an option of lww, not of ", c.policy));
  if (const json* x = get(v, "replicate"))
    c.replicate = static_cast<replicate_mode>(read_choice(*x, child(path, "replicate"), replicate_names, "a replication"));
  if (const json* x = get(v, "variant")) c.variant = read_choice(*x, child(path, "variant"), policy->variants(), "a variant");
  if (const json* x = get(v, "tie_break")) c.tie_break = read_choice(*x, child(path, "tie_break"), tie_break_names, "a tie break") == 0;
  if (const json* x = get(v, "stamp")) {
    c.stamp = static_cast<lww_stamp>(read_choice(*x, child(path, "stamp"), stamp_names, "a stamp"));
    const std::string clock(stamp_names[static_cast<std::size_t>(c.stamp)]);
    if (c.stamp != lww_stamp::physical && !logical_.has(clock))
      wrong(*x, child(path, "stamp"), concat("a stamp of a chosen clock kind (", clock, " is not in \"clocks\")"));
  }
  return c;
}

data_action reader::read_data_action(const json& v, const std::string& path, data_op op, bool to_sender) const {
  const std::string_view what = action_names[3 + static_cast<std::size_t>(op)];
  if (!has_data_)
    fail(child(path, "do"), "local, send or broadcast: put, get and sync need the top-level \"data\"",
         concat("\"", what, "\""), R"(add "data": {"policy": "dvv"} (or lww, version_vector, client_vector))");
  data_action a;
  a.op = op;
  const auto only = [&](std::string_view field, bool allowed) {
    const json* x = get(v, field);
    if (x && !allowed) wrong(*x, child(path, field), concat("no \"", field, "\" in a ", what));
    return x;
  };
  const bool sync = op == data_op::sync;
  if (const json* k = sync ? get(v, "key") : &need(v, path, "key", "the key")) {
    a.key = read_label(*k, child(path, "key"));
    if (a.key == "*" && sync) a.key.clear();
    else if (a.key == "*") wrong(*k, child(path, "key"), concat("one key (\"*\" is for a sync)"));
  }
  if (op == data_op::put) a.value = need(v, path, "value", "the value written").dump();
  only("value", op == data_op::put);
  if (const json* c = only("client", !sync)) a.client = read_name(*c, child(path, "client"));
  if (const json* c = only("context", op == data_op::put))
    a.read_context = read_choice(*c, child(path, "context"), context_names, "a context") == 0;
  if (const json* t = only("to", sync); t && !to_sender && !(t->is_string() && t->get_ref<const std::string&>() == "*"))
    a.to = read_process_list(*t, child(path, "to"));
  return a;
}

}  // namespace hbsim::scenario_internal
