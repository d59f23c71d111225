#include "kernel/group_layers.hpp"

#include <algorithm>
#include <array>

#include "kernel/causal_delivery.hpp"
#include "kernel/fifo_delivery.hpp"
#include "kernel/lamport_delivery.hpp"
#include "kernel/sequencer_delivery.hpp"

namespace hbsim {

std::string_view to_string(delivery_order o) {
  static constexpr std::array<std::string_view, 3> names{"fifo", "causal", "total"};
  return names[static_cast<std::size_t>(o)];
}

std::span<const std::string_view> causal_variant_names() {
  static constexpr std::array<std::string_view, 3> names{"canonical", "no-hold", "count-all-events"};
  return names;
}

std::span<const std::string_view> total_variant_names() {
  static constexpr std::array<std::string_view, 2> names{"canonical", "arrival-order"};
  return names;
}

bool is_member(const delivery_group& g, process_id p) {
  return std::binary_search(g.members.begin(), g.members.end(), p);
}

bool addresses_group(const delivery_group& g, process_id from, std::span<const process_id> to) {
  if (!is_member(g, from)) return false;
  std::vector<process_id> addressed;
  for (process_id d : to)
    if (d != from && is_member(g, d)) addressed.push_back(d);
  std::sort(addressed.begin(), addressed.end());
  return std::unique(addressed.begin(), addressed.end()) - addressed.begin() ==
         static_cast<std::ptrdiff_t>(g.members.size() - 1);
}

bool is_relay(const delivery_group& g, process_id from, std::span<const process_id> to, std::string_view label) {
  if (g.order != delivery_order::total || g.via != total_via::sequencer || from != g.sequencer ||
      !label.starts_with("seq:"))
    return false;
  std::vector<process_id> addressed(to.begin(), to.end());
  std::sort(addressed.begin(), addressed.end());
  addressed.erase(std::unique(addressed.begin(), addressed.end()), addressed.end());
  std::vector<process_id> members = g.members;
  members.erase(std::remove(members.begin(), members.end(), g.sequencer), members.end());
  return addressed == members;
}

bool is_stamped_broadcast(const delivery_group& g, process_id from, std::span<const process_id> to) {
  return g.order == delivery_order::total && g.via == total_via::lamport && addresses_group(g, from, to) &&
         std::find(to.begin(), to.end(), from) != to.end();
}

group_parts group_layers(const delivery_group& g) {
  group_parts out;
  switch (g.order) {
    case delivery_order::fifo: {
      // Sequence numbers per sender and receiver: each member's layer orders what members send it.
      auto group = std::make_shared<const delivery_group>(g);
      for (process_id q : g.members)
        out.layers.push_back(
            {std::make_shared<fifo_delivery>([group](process_id from) { return is_member(*group, from); }, true), {q}});
      break;
    }
    case delivery_order::causal: out.layers.push_back({std::make_shared<causal_delivery>(g), g.members}); break;
    case delivery_order::total: {
      if (g.via == total_via::lamport) {
        out.layers.push_back({std::make_shared<lamport_delivery>(g), g.members});
        break;
      }
      auto layer = std::make_shared<sequencer_delivery>(g);
      std::vector<process_id> at = g.members;
      if (!is_member(g, g.sequencer)) at.insert(std::upper_bound(at.begin(), at.end(), g.sequencer), g.sequencer);
      out.layers.push_back({layer, std::move(at)});
      out.relay = layer;
      break;
    }
  }
  return out;
}

}  // namespace hbsim
