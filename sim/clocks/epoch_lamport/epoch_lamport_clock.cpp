#include "hbsim/clocks/epoch_lamport/epoch_lamport_clock.hpp"

#include <algorithm>
#include <array>

#include "core/concat.hpp"

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 4> names = {"canonical", "old-epoch-ignored", "raw-wrap", "bound-on-tick-only"};
constexpr std::size_t summary_rows = 12;  // processes listed one by one; beyond, the largest over them
}

std::span<const std::string_view> epoch_lamport_variant_names() { return names; }

epoch_stamp epoch_lamport_step(epoch_lamport_variant variant, std::uint64_t max, epoch_stamp before,
                               const epoch_stamp* message) {
  using v = epoch_lamport_variant;
  if (message && variant == v::old_epoch_ignored && message->epoch < before.epoch) return before;
  const epoch_stamp merged = message ? std::max(before, *message) : before;
  if (variant == v::raw_wrap) return {merged.epoch, merged.c == max ? 0 : merged.c + 1};  // c + 1 mod 2^bits
  if (message && variant == v::bound_on_tick_only) return {merged.epoch, merged.c + 1};
  return merged.c == max ? epoch_stamp{merged.epoch + 1, 1} : epoch_stamp{merged.epoch, merged.c + 1};
}

epoch_lamport_clock::epoch_lamport_clock(std::size_t processes, epoch_lamport_settings settings,
                                         epoch_lamport_variant variant)
    : settings_(settings),
      variant_(variant),
      peak_c_(processes, 0),
      low_epoch_(processes, no_stamp),
      peak_epoch_(processes, 0),
      overflows_(processes, 0) {
  words_.reserve(2 * processes);
  for (std::size_t p = 0; p < processes; ++p) words_.insert(words_.end(), {0, settings.start});
}

void epoch_lamport_clock::step(process_id p, const epoch_stamp* message) {
  const epoch_stamp before = value(p), merged = message ? std::max(before, *message) : before;
  const epoch_stamp after = epoch_lamport_step(variant_, settings_.max(), before, message);
  // An overflow: the tick found c at the bound and left it, to a new epoch or (raw-wrap) back to 0.
  overflows_[p] += merged.c == settings_.max() && (after.epoch != merged.epoch || after.c < merged.c);
  words_[2 * p] = after.epoch;
  words_[2 * p + 1] = after.c;
  peak_c_[p] = std::max(peak_c_[p], after.c);
  low_epoch_[p] = std::min(low_epoch_[p], after.epoch);
  peak_epoch_[p] = std::max(peak_epoch_[p], after.epoch);
}

void epoch_lamport_clock::tick(process_id p, event_kind, sim_time) { step(p, nullptr); }

void epoch_lamport_clock::receive(process_id p, message_slot slot, sim_time) {
  const epoch_stamp m{slots_[2 * slot], slots_[2 * slot + 1]};
  step(p, &m);
}

void epoch_lamport_clock::capture(process_id p, message_slot slot) {
  std::copy_n(&words_[2 * p], 2, &slots_[2 * slot]);
}
void epoch_lamport_clock::reserve_slots(std::size_t count) { slots_.resize(2 * count); }

void epoch_lamport_clock::checkpoint(process_id p) {
  if (saved_.empty()) {  // every process's checkpoint is its start until it takes one
    saved_.resize(words_.size());
    for (std::size_t q = 0; q < saved_.size(); q += 2) {
      saved_[q] = 0;
      saved_[q + 1] = settings_.start;
    }
  }
  std::copy_n(&words_[2 * p], 2, &saved_[2 * p]);
}
void epoch_lamport_clock::restore(process_id p) {
  if (saved_.empty()) reset(p);
  else std::copy_n(&saved_[2 * p], 2, &words_[2 * p]);
}
void epoch_lamport_clock::reset(process_id p) {
  words_[2 * p] = 0;
  words_[2 * p + 1] = settings_.start;
}

std::string epoch_lamport_clock::summary(std::span<const std::string> names) const {
  const std::uint64_t max = settings_.max();
  const auto below = [&](std::uint64_t c) {
    return c == max ? std::string("at the bound") : c > max ? concat(c - max, " above the bound (out of range)")
                                                            : concat(max - c, " below the bound");
  };
  const auto epochs = [&](std::uint64_t low, std::uint64_t peak, std::uint64_t overflows) {
    std::string out = low == peak ? concat("epoch ", peak) : concat("epochs ", low, " to ", peak);
    return overflows == 0 ? out : out.append(concat(", ", overflows, overflows == 1 ? " overflow" : " overflows"));
  };
  std::string out = concat("\nepoch_lamport  c <= ", max, " (", settings_.bits, " bits); every process started at (0, ",
                           settings_.start, ")\n");
  if (names.size() <= summary_rows) {
    std::size_t width = 7;
    for (const std::string& n : names) width = std::max(width, std::min<std::size_t>(n.size(), 24));
    for (process_id p = 0; p < names.size(); ++p) {
      std::string name = names[p];
      name.resize(std::max(width, name.size()), ' ');
      // What its stamps reached, not its start (0, start), which is no event's.
      if (low_epoch_[p] == no_stamp)
        out.append(concat("  ", name, "  no event\n"));
      else
        out.append(concat("  ", name, "  largest c ", peak_c_[p], ", ", below(peak_c_[p]), "; ",
                          epochs(low_epoch_[p], peak_epoch_[p], overflows_[p]), "\n"));
    }
    return out;
  }
  const auto c_at = std::max_element(peak_c_.begin(), peak_c_.end()) - peak_c_.begin();
  const auto epoch_at = std::max_element(peak_epoch_.begin(), peak_epoch_.end()) - peak_epoch_.begin();
  std::uint64_t overflows = 0;
  for (const std::uint64_t o : overflows_) overflows += o;
  return out.append(concat("  largest c ", peak_c_[c_at], " (", names[c_at], "), ", below(peak_c_[c_at]),
                           "; largest epoch ", peak_epoch_[epoch_at], " (", names[epoch_at], "); ", overflows,
                           overflows == 1 ? " overflow" : " overflows", " in all\n"));
}

}  // namespace hbsim
