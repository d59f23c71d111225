#include "hbsim/clocks/lamport/lamport_clock.hpp"

#include <algorithm>
#include <array>

#include "core/prefetch.hpp"

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 5> names = {"canonical", "no-tick-local", "ignore-message",
                                                   "double-tick-receive", "fresh-per-event"};
}

std::span<const std::string_view> lamport_variant_names() { return names; }
std::string_view to_string(lamport_variant v) { return names[static_cast<std::size_t>(v)]; }
std::optional<lamport_variant> parse_lamport_variant(std::string_view name) {
  return find_variant<lamport_variant>(names, name);
}

lamport_clock::lamport_clock(std::size_t processes, lamport_variant variant)
    : variant_(variant), value_(processes, 0) {}

void lamport_clock::tick(process_id p, event_kind kind, sim_time) {
  switch (variant_) {
    case lamport_variant::no_tick_local:
      if (kind != event_kind::local) ++value_[p];
      break;
    case lamport_variant::fresh_per_event:  // a new clock object starts at 0 for every event
      value_[p] = 1;
      break;
    default:
      ++value_[p];
  }
}

void lamport_clock::prefetch(process_id p, message_slot slot) const {
  hbsim::prefetch(&value_[p], sizeof(std::uint64_t));
  hbsim::prefetch(&slots_[slot], sizeof(std::uint64_t));
}

void lamport_clock::receive(process_id p, message_slot slot, sim_time) {
  const std::uint64_t m = slots_[slot];
  std::uint64_t& l = value_[p];
  switch (variant_) {
    case lamport_variant::ignore_message: l = l + 1; break;
    case lamport_variant::double_tick_receive: l = std::max(l + 1, m) + 1; break;
    case lamport_variant::fresh_per_event: l = m + 1; break;
    default: l = std::max(l, m) + 1;
  }
}

void lamport_clock::capture(process_id p, message_slot slot) { slots_[slot] = value_[p]; }
void lamport_clock::reserve_slots(std::size_t count) { slots_.resize(count); }

void lamport_clock::checkpoint(process_id p) {
  if (saved_.empty()) saved_.assign(value_.size(), 0);
  saved_[p] = value_[p];
}
void lamport_clock::restore(process_id p) { value_[p] = saved_.empty() ? 0 : saved_[p]; }
void lamport_clock::reset(process_id p) { value_[p] = 0; }

}  // namespace hbsim
