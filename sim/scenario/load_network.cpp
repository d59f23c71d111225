// The scenario's network: the default link and the overrides per pair of processes.
#include "scenario/scenario_reader.hpp"

namespace hbsim::scenario_internal {

void reader::read_link_fields(const json& v, const std::string& path, link_override& out) const {
  if (const json* f = get(v, "delay")) out.delay = read_distribution(*f, child(path, "delay"), false);
  if (const json* f = get(v, "loss")) out.loss = read_probability(*f, child(path, "loss"));
  if (const json* f = get(v, "duplicate")) out.duplicate = read_probability(*f, child(path, "duplicate"));
  if (const json* f = get(v, "fifo")) out.fifo = read_bool(*f, child(path, "fifo"));
}

network_config reader::read_network(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 5> fields{"delay", "loss", "duplicate", "fifo", "links"};
  check_fields(v, path, "a network", fields);
  network_config net;
  link_override defaults;
  read_link_fields(v, path, defaults);
  net.defaults.delay = defaults.delay.value_or(net.defaults.delay);
  net.defaults.loss = defaults.loss.value_or(net.defaults.loss);
  net.defaults.duplicate = defaults.duplicate.value_or(net.defaults.duplicate);
  net.defaults.fifo = defaults.fifo.value_or(net.defaults.fifo);
  if (const json* links = get(v, "links")) {
    net.links =
        read_list<link_override>(*links, child(path, "links"), "link overrides",
                                 [&](const json& l, const std::string& p, std::size_t) { return read_link(l, p); });
  }
  return net;
}

link_override reader::read_link(const json& v, const std::string& path) const {
  static constexpr std::array<std::string_view, 6> fields{"from", "to", "delay", "loss", "duplicate", "fifo"};
  check_fields(v, path, "a link override", fields);
  link_override out;
  out.from = read_process_or_any(need(v, path, "from", R"(a process or "*")"), child(path, "from"));
  out.to = read_process_or_any(need(v, path, "to", R"(a process or "*")"), child(path, "to"));
  read_link_fields(v, path, out);
  return out;
}

}  // namespace hbsim::scenario_internal
