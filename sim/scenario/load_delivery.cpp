// The scenario's delivery groups (SPEC §10): who delivers to whom in which order.
#include <algorithm>

#include "core/concat.hpp"
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

inline constexpr std::array<std::string_view, 3> order_names{"fifo", "causal", "total"};  // delivery_order order
inline constexpr std::array<std::string_view, 2> via_names{"sequencer", "lamport"};        // total_via order

namespace {

bool link_is_fifo(const network_config& net, process_id from, process_id to) {
  bool fifo = net.defaults.fifo;
  for (const link_override& o : net.links)
    if ((!o.from || *o.from == from) && (!o.to || *o.to == to) && o.fifo) fifo = *o.fifo;
  return fifo;
}

}  // namespace

// A wrong layer on purpose (SPEC §10's variants), named in the file as --variant names it on the command line.
void reader::read_delivery_variant(const json& v, const std::string& path, delivery_group& g) const {
  const json* variant = get(v, "variant");
  if (!variant) return;
  const std::string p = child(path, "variant");
  if (g.order == delivery_order::causal)
    g.causal = static_cast<causal_variant>(read_choice(*variant, p, causal_variant_names(), "a causal variant"));
  else if (g.order == delivery_order::total)
    g.total = static_cast<total_variant>(read_choice(*variant, p, total_variant_names(), "a total variant"));
  else
    wrong(*variant, p, R"(no "variant": a fifo group has none)");
}

delivery_group reader::read_delivery_group(const json& v, const std::string& path, const network_config& net) const {
  static constexpr std::array<std::string_view, 5> fields{"group", "order", "via", "sequencer", "variant"};
  check_fields(v, path, "a delivery group", fields);
  delivery_group g;
  const json& group = need(v, path, "group", R"(the group's members: an array of process names, or "*")");
  if (group.is_string() && group == "*") {
    for (process_id p = 0; p < process_count_; ++p) g.members.push_back(p);
  } else {
    if (!group.is_array()) wrong(group, child(path, "group"), R"(an array of process names, or "*")");
    g.members = read_process_list(group, child(path, "group"));
    std::sort(g.members.begin(), g.members.end());
  }
  if (g.members.size() < 2) wrong(group, child(path, "group"), "at least two processes");
  g.order = static_cast<delivery_order>(
      read_choice(need(v, path, "order", "a delivery order"), child(path, "order"), order_names, "a delivery order"));
  if (g.order != delivery_order::fifo && g.members.size() > delivery_group_most)
    fail(child(path, "group"), concat("at most ", delivery_group_most, " processes in a causal or total group"),
         concat(g.members.size(), " processes"));
  read_delivery_variant(v, path, g);
  const json* via = get(v, "via");
  if (g.order != delivery_order::total) {
    if (via) wrong(*via, child(path, "via"), R"(no "via": it is for "total" order only)");
    if (const json* s = get(v, "sequencer")) wrong(*s, child(path, "sequencer"), R"(no "sequencer": it is for "total" order only)");
    return g;
  }
  if (!via) fail(path, R"("via": "sequencer" or "lamport" for total order)", "none");
  g.via = static_cast<total_via>(read_choice(*via, child(path, "via"), via_names, "how total order is kept"));
  const json* sequencer = get(v, "sequencer");
  if (g.via == total_via::sequencer) {
    if (!sequencer) fail(path, R"("sequencer": the process that numbers the group's messages)", "none");
    g.sequencer = read_process(*sequencer, child(path, "sequencer"));
    return g;
  }
  if (sequencer) wrong(*sequencer, child(path, "sequencer"), R"(no "sequencer" with "via": "lamport")");
  // Acknowledgements only tell that every earlier message has arrived over FIFO links.
  for (process_id a : g.members)
    for (process_id b : g.members)
      if (a != b && !link_is_fifo(net, a, b))
        fail(child(path, "via"), R"(FIFO links between the members of a "lamport" group ("network": {"fifo": true}, or a "links" override))",
             concat("the link ", process_names_[a], " -> ", process_names_[b], ", which is not FIFO"));
  return g;
}

delivery_config reader::read_recorded_delivery(const json& v, std::span<const std::string> process_names) {
  process_count_ = process_names.size();
  for (process_id i = 0; i < process_count_; ++i) {
    process_names_.push_back(process_names[i]);
    process_index_.emplace(process_names[i], i);
  }
  network_config fifo;  // the run's links were checked when it was loaded
  fifo.defaults.fifo = true;
  return {read_list<delivery_group>(v, "/delivery", "delivery groups",
                                    [&](const json& x, const std::string& p, std::size_t) {
                                      return read_delivery_group(x, p, fifo);
                                    })};
}

}  // namespace hbsim::scenario_internal

namespace hbsim {

nlohmann::json delivery_groups_json(const delivery_config& c, std::span<const std::string> process_names) {
  using scenario_internal::order_names;
  using scenario_internal::via_names;
  nlohmann::json groups = nlohmann::json::array();
  for (const delivery_group& g : c.groups) {
    nlohmann::json members = nlohmann::json::array();
    for (const process_id p : g.members) members.push_back(process_names[p]);
    nlohmann::json x = {{"group", std::move(members)}, {"order", order_names[static_cast<std::size_t>(g.order)]}};
    if (g.order == delivery_order::total) {
      x["via"] = via_names[static_cast<std::size_t>(g.via)];
      if (g.via == total_via::sequencer) x["sequencer"] = process_names[g.sequencer];
    }
    groups.push_back(std::move(x));
  }
  return groups;
}

delivery_config read_delivery_groups(const nlohmann::json& v, const std::string& file,
                                     std::span<const std::string> process_names) {
  scenario_internal::reader r(file, clock_registry::standard());
  return r.read_recorded_delivery(v, process_names);
}

}  // namespace hbsim
