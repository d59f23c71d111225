// A scenario's delivery groups (SPEC §10, scenarios/FORMAT.md "Delivery layers"): which processes
// deliver their messages to one another in which order. The kernel stacks one layer per group above
// the FIFO links of each member; the judges check the order it promises.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "hbsim/core/ids.hpp"

namespace hbsim {

enum class delivery_order : std::uint8_t { fifo, causal, total };
enum class total_via : std::uint8_t { sequencer, lamport };
std::string_view to_string(delivery_order o);

/// Deliberately wrong layers (--variant causal=no-hold), for teaching and for testing the judges.
enum class causal_variant : std::uint8_t { canonical, no_hold, count_all_events };
enum class total_variant : std::uint8_t { canonical, arrival_order };
std::span<const std::string_view> causal_variant_names();
std::span<const std::string_view> total_variant_names();

struct delivery_group {
  std::vector<process_id> members;  // ascending, at least two
  delivery_order order = delivery_order::fifo;
  total_via via = total_via::sequencer;  // total only
  process_id sequencer = 0;              // total via sequencer only
  causal_variant causal = causal_variant::canonical;  // causal only
  total_variant total = total_variant::canonical;     // total only
};

struct delivery_config {
  std::vector<delivery_group> groups;
  bool empty() const { return groups.empty(); }
};

/// The group messages: a message of a send event of a member to another member. For `causal` and `total`,
/// only when the send addresses every other member (a broadcast to the group); `fifo` orders every one.
bool is_member(const delivery_group& g, process_id p);
bool addresses_group(const delivery_group& g, process_id from, std::span<const process_id> to);
/// A sequencer's relay (total via a sequencer): its send labelled seq:LABEL to every member but itself.
bool is_relay(const delivery_group& g, process_id from, std::span<const process_id> to, std::string_view label);
/// A message of a total group via Lamport stamps, as its send shows it: to every member, its sender too
/// (the layer's acknowledgements go to the others only).
bool is_stamped_broadcast(const delivery_group& g, process_id from, std::span<const process_id> to);

/// The invariants a run with delivery groups checks (judge/delivery_judge).
inline constexpr std::array<std::string_view, 3> delivery_invariant_names{"delivery.fifo", "delivery.causal",
                                                                          "delivery.total_order"};

/// At most this many members in a causal or total group: each member keeps a counter per member.
inline constexpr std::size_t delivery_group_most = 1024;

}  // namespace hbsim
