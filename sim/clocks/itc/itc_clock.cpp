#include "hbsim/clocks/itc/itc_clock.hpp"

#include <array>

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 2> names = {"canonical", "no-join"};
}

std::span<const std::string_view> itc_variant_names() { return names; }

itc_clock::itc_clock(std::size_t processes, itc_variant variant)
    : variant_(variant), ids_(itc_ids(processes)), stamps_(processes), words_(processes) {
  for (process_id p = 0; p < processes; ++p) reset(p);
}

void itc_clock::set(process_id p, itc_stamp s) {
  stamps_[p] = std::move(s);
  itc_encode(stamps_[p], words_[p]);
}

void itc_clock::tick(process_id p, event_kind, sim_time) { set(p, itc_event(stamps_[p])); }

void itc_clock::receive(process_id p, message_slot slot, sim_time) {
  if (variant_ == itc_variant::canonical) set(p, itc_event(itc_join(stamps_[p], {itc_id_leaf(false), slots_[slot]})));
  else set(p, itc_event(stamps_[p]));
}

void itc_clock::capture(process_id p, message_slot slot) { slots_[slot] = itc_peek(stamps_[p]).event; }

void itc_clock::checkpoint(process_id p) {
  if (saved_.empty()) saved_.resize(stamps_.size());
  saved_[p] = stamps_[p];
}
void itc_clock::restore(process_id p) {
  if (saved_.empty() || !saved_[p]) reset(p);
  else set(p, *saved_[p]);
}
// Starting over keeps the process's id: it is its share of the interval, not state it learned.
void itc_clock::reset(process_id p) { set(p, {ids_[p], itc_event_leaf(0)}); }

}  // namespace hbsim
