#include "hbsim/network.hpp"

#include <algorithm>
#include <limits>

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
    : config_(std::move(config)), blocks_(std::move(blocks)), n_(processes), source_(source) {
  configs_.push_back(config_.defaults);
  if (n_ <= dense_limit) dense_.resize(n_ * n_);
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

std::uint32_t network::config_index(process_id from, process_id to) {
  if (config_.links.empty()) return 0;
  const link_config c = link(from, to);
  const auto it = std::find_if(configs_.begin(), configs_.end(), [&](const link_config& k) { return same(k, c); });
  if (it != configs_.end()) return static_cast<std::uint32_t>(it - configs_.begin());
  configs_.push_back(c);
  return static_cast<std::uint32_t>(configs_.size() - 1);
}

network::link_state& network::state(process_id from, process_id to) {
  const std::uint64_t key = std::uint64_t{from} * n_ + to;
  link_state& s = n_ <= dense_limit ? dense_[key] : sparse_[key];
  if (s.config == unused) {
    s.rng = source_.link_stream(from, to);
    s.config = config_index(from, to);
  }
  return s;
}

message_fate network::route(process_id from, process_id to, sim_time t) {
  link_state& s = state(from, to);
  const link_config& c = configs_[s.config];
  // Always the same four draws, so a partition or a changed probability never shifts the numbers
  // later messages on this link get.
  const bool lost = s.rng.chance(c.loss);
  const bool duplicated = s.rng.chance(c.duplicate);
  const sim_time delay[2] = {c.delay.sample_delay(s.rng), c.delay.sample_delay(s.rng)};

  message_fate f;
  sim_time release = t;  // when the message may start travelling
  const std::size_t link = std::size_t{from} * n_ + to;
  for (const link_block& b : blocks_) {
    if (t < b.at || (b.heal && t >= *b.heal) || !b.blocks[link]) continue;
    if (b.mode == hold_mode::drop || !b.heal) {
      f.dropped = true;
      f.reason = drop_reason::partition;
      return f;
    }
    f.held = true;
    release = std::max(release, *b.heal);
  }
  if (lost) {
    f.dropped = true;
    f.reason = drop_reason::loss;
    return f;
  }
  f.copies = duplicated ? 2 : 1;
  for (int i = 0; i < f.copies; ++i) {
    // Saturating add: a delay drawn from a heavy tail may be huge.
    sim_time a = delay[i] > std::numeric_limits<sim_time>::max() - release ? std::numeric_limits<sim_time>::max()
                                                                            : release + delay[i];
    if (c.fifo) a = std::max(a, s.last_arrival);
    s.last_arrival = std::max(s.last_arrival, a);
    f.arrival[i] = a;
  }
  return f;
}

}  // namespace hbsim
