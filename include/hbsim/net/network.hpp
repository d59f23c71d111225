// The simulated network: per-link delay, loss and duplication, overridable per directed link with
// wildcards, and cut by partitions. Every fate of a message is decided when it is sent. A link's `fifo`
// is configured here and kept by the receiver's delivery policy (kernel/fifo_delivery), not by delays.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hbsim/core/distribution.hpp"
#include "hbsim/core/random.hpp"
#include "hbsim/core/ids.hpp"
#include "hbsim/net/message_fate.hpp"
#include "hbsim/net/link_table.hpp"

namespace hbsim {

struct link_config {
  distribution delay = distribution::constant(ns_per_ms);
  double loss = 0;
  double duplicate = 0;
  bool fifo = false;
};

/// One entry of `network.links`: the fields it sets override, for the links it matches.
struct link_override {
  std::optional<process_id> from;  // nullopt: "*"
  std::optional<process_id> to;
  std::optional<distribution> delay;
  std::optional<double> loss;
  std::optional<double> duplicate;
  std::optional<bool> fifo;
};

struct network_config {
  link_config defaults;
  std::vector<link_override> links;  // later entries win, field by field
};

enum class hold_mode : std::uint8_t { drop, hold };

/// A partition or a one-way cut over [at, heal). Kept per process, not per link, so that it costs
/// O(processes) memory however many processes a run has.
struct link_block {
  std::size_t fault = 0;  // its index in the scenario's `faults`
  sim_time at = 0;
  std::optional<sim_time> heal;
  hold_mode mode = hold_mode::drop;
  std::vector<std::uint32_t> group_of;  // a partition: its group per process; empty for a cut
  std::vector<bool> from, to;           // a cut: the processes on each side

  /// Whether it stops the link from → to.
  bool stops(process_id a, process_id c) const {
    return group_of.empty() ? a != c && from[a] && to[c] : group_of[a] != group_of[c];
  }
};

class network {
 public:
  network(network_config config, std::vector<link_block> blocks, std::size_t processes,
          const random_source& source);

  /// Decides the fate of a message sent at t. The n-th message on a link draws from that link's n-th
  /// stream, in this order: loss; then, if not lost, duplication; then one delay per copy.
  message_fate route(process_id from, process_id to, sim_time t);
  /// The configuration that applies to one directed link.
  link_config link(process_id from, process_id to) const;
  /// Whether some link is FIFO.
  bool any_fifo() const;

 private:
  static constexpr std::uint32_t unresolved = ~std::uint32_t{0};
  const link_config& config_of(process_id from, process_id to);

  network_config config_;
  std::vector<link_block> blocks_;
  random_source source_;
  std::vector<link_config> configs_;         // distinct resolved configurations
  // A link carries fewer than 2^32 messages because a run has fewer than 2^32 events.
  link_table<std::uint32_t> sent_;          // messages sent so far: the next one's stream index
  link_table<std::uint32_t> config_index_;  // only with `links` overrides; `unresolved` until first use
};

}  // namespace hbsim
