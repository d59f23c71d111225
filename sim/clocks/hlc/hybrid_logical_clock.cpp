#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"

#include <algorithm>
#include <array>

#include "core/prefetch.hpp"

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 4> names = {"canonical", "no-counter-reset", "reset-on-receive",
                                                   "ignore-message"};
}

std::span<const std::string_view> hlc_variant_names() { return names; }
std::string_view to_string(hlc_variant v) { return names[static_cast<std::size_t>(v)]; }
std::optional<hlc_variant> parse_hlc_variant(std::string_view name) {
  return find_variant<hlc_variant>(names, name);
}

hlc_stamp hlc_tick(hlc_stamp current, sim_time pt) {
  const sim_time l = std::max(current.l, pt);
  return {l, l == current.l ? current.c + 1 : 0};
}

hlc_stamp hlc_receive(hlc_stamp current, hlc_stamp m, sim_time pt) {
  const sim_time l = std::max({current.l, m.l, pt});
  std::uint64_t c = 0;
  if (l == current.l && l == m.l)
    c = std::max(current.c, m.c) + 1;
  else if (l == current.l)
    c = current.c + 1;
  else if (l == m.l)
    c = m.c + 1;
  return {l, c};
}

hybrid_logical_clock::hybrid_logical_clock(std::size_t processes, hlc_variant variant,
                                           std::optional<sim_time> max_offset)
    : variant_(variant), max_offset_(max_offset), value_(processes) {}

void hybrid_logical_clock::tick(process_id p, event_kind, sim_time pt) {
  hlc_stamp& v = value_[p];
  if (variant_ == hlc_variant::no_counter_reset)
    v = {std::max(v.l, pt), v.c + 1};
  else
    v = hlc_tick(v, pt);
}

void hybrid_logical_clock::prefetch(process_id p, message_slot slot) const {
  hbsim::prefetch(&value_[p], sizeof(hlc_stamp));
  hbsim::prefetch(&slots_[slot], sizeof(hlc_stamp));
}

void hybrid_logical_clock::receive(process_id p, message_slot slot, sim_time pt) {
  hlc_stamp& v = value_[p];
  const hlc_stamp m = slots_[slot];
  switch (variant_) {
    case hlc_variant::ignore_message: v = hlc_tick(v, pt); break;
    case hlc_variant::no_counter_reset: {
      // Where the canonical rule would reset c to 0 (pt is ahead of both), this one keeps counting.
      const hlc_stamp canonical = hlc_receive(v, m, pt);
      const bool pt_won = canonical.l != v.l && canonical.l != m.l;
      v = pt_won ? hlc_stamp{canonical.l, v.c + 1} : canonical;
      break;
    }
    case hlc_variant::reset_on_receive: {
      const hlc_stamp canonical = hlc_receive(v, m, pt);
      v = canonical.l == m.l ? canonical : hlc_stamp{canonical.l, 1};
      break;
    }
    case hlc_variant::canonical: v = hlc_receive(v, m, pt); break;
  }
}

void hybrid_logical_clock::capture(process_id p, message_slot slot) { slots_[slot] = value_[p]; }

bool hybrid_logical_clock::accepts(process_id, message_slot slot, sim_time pt) const {
  if (!max_offset_) return true;
  sim_time ahead;
  // l and pt may be anywhere in the int64 range: an overflowing difference is far ahead or far behind.
  if (__builtin_sub_overflow(slots_[slot].l, pt, &ahead)) return slots_[slot].l < pt;
  return ahead <= *max_offset_;
}

void hybrid_logical_clock::reserve_slots(std::size_t count) { slots_.resize(count); }
void hybrid_logical_clock::checkpoint(process_id p) {
  if (saved_.empty()) saved_.resize(value_.size());
  saved_[p] = value_[p];
}
void hybrid_logical_clock::restore(process_id p) { value_[p] = saved_.empty() ? hlc_stamp{} : saved_[p]; }
void hybrid_logical_clock::reset(process_id p) { value_[p] = {}; }
stamp_words hybrid_logical_clock::stamp(process_id p) const {
  words_ = hlc_words(value_[p]);
  return words_;
}

}  // namespace hbsim
