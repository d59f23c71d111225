#include "hbsim/net/network.hpp"

#include <algorithm>

namespace hbsim {

namespace {
bool same(const link_config& a, const link_config& b) {
  return a.delay.type() == b.delay.type() && a.delay.first() == b.delay.first() &&
         a.delay.second() == b.delay.second() && a.loss == b.loss && a.duplicate == b.duplicate &&
         a.fifo == b.fifo;
}
}  // namespace

network::network(network_config config, std::vector<link_block> blocks, std::size_t processes,
                 const random_source& source)
    : config_(std::move(config)), blocks_(std::move(blocks)), source_(source), sent_(processes, 0) {
  configs_.push_back(config_.defaults);
  if (!config_.links.empty()) config_index_ = link_table<std::uint32_t>(processes, unresolved);
}

bool network::any_fifo() const {
  return config_.defaults.fifo || std::any_of(config_.links.begin(), config_.links.end(),
                                              [](const link_override& o) { return o.fifo.value_or(false); });
}

link_config network::link(process_id from, process_id to) const {
  link_config c = config_.defaults;
  for (const link_override& o : config_.links) {
    if ((o.from && *o.from != from) || (o.to && *o.to != to)) continue;
    if (o.delay) c.delay = *o.delay;
    if (o.loss) c.loss = *o.loss;
    if (o.duplicate) c.duplicate = *o.duplicate;
    if (o.fifo) c.fifo = *o.fifo;
  }
  return c;
}

const link_config& network::config_of(process_id from, process_id to) {
  if (config_.links.empty()) return configs_[0];
  std::uint32_t& index = config_index_(from, to);
  if (index == unresolved) {
    const link_config c = link(from, to);
    const auto it = std::find_if(configs_.begin(), configs_.end(), [&](const link_config& k) { return same(k, c); });
    index = static_cast<std::uint32_t>(it - configs_.begin());
    if (it == configs_.end()) configs_.push_back(c);
  }
  return configs_[index];
}

message_fate network::route(process_id from, process_id to, sim_time t) {
  const link_config& c = config_of(from, to);
  random_stream rng = source_.link_stream(from, to, sent_(from, to)++);

  message_fate f;
  f.fifo_link = c.fifo;
  sim_time release = t;  // when the message may start travelling
  for (const link_block& b : blocks_) {
    if (t < b.at || (b.heal && t >= *b.heal) || !b.stops(from, to)) continue;
    f.fault = b.fault;
    if (b.mode == hold_mode::drop || !b.heal) {
      f.dropped = true;
      f.reason = drop_reason::partition;
      return f;
    }
    f.held = true;
    release = std::max(release, *b.heal);
  }
  f.released = release;
  if (rng.chance(c.loss)) {
    f.dropped = true;
    f.reason = drop_reason::loss;
    return f;
  }
  f.copies = rng.chance(c.duplicate) ? 2 : 1;
  for (int i = 0; i < f.copies; ++i) {
    f.delay[i] = c.delay.sample_delay(rng);
    f.arrival[i] = add_sat(release, f.delay[i]);  // a delay drawn from a heavy tail may be huge
  }
  return f;
}

}  // namespace hbsim
