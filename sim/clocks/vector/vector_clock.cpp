#include "hbsim/clocks/vector/vector_clock.hpp"

#include <algorithm>
#include <array>

namespace hbsim {

namespace {
constexpr std::array<std::string_view, 5> names = {"canonical", "no-tick-send", "no-tick-receive", "no-merge",
                                                   "send-previous"};
}

std::span<const std::string_view> vector_variant_names() { return names; }
std::string_view to_string(vector_variant v) { return names[static_cast<std::size_t>(v)]; }
std::optional<vector_variant> parse_vector_variant(std::string_view name) {
  return find_variant<vector_variant>(names, name);
}

vector_clock::vector_clock(std::size_t processes, vector_variant variant, vector_options options)
    : n_(processes),
      variant_(variant),
      options_(options),
      sparse_(options.sparse_rows(processes)),
      rows_(processes, counter_row(processes, !sparse_)),
      before_send_(processes, !sparse_) {
  if (!options_.standard()) changes_.emplace(processes);
}

void vector_clock::tick(process_id p, event_kind kind, sim_time) {
  if (kind == event_kind::send) {
    if (variant_ == vector_variant::no_tick_send) return;
    if (variant_ == vector_variant::send_previous) before_send_.assign(rows_[p]);
  }
  rows_[p].increment(p);
  settle(p);
}

void vector_clock::receive(process_id p, message_slot slot, sim_time) {
  if (variant_ != vector_variant::no_merge) {
    if (options_.encoding != vector_encoding::differential) {
      rows_[p].merge(slots_[slot], scratch_);
    } else {
      // The link's last message before this one, as the sender saw it when it sent.
      std::uint32_t since = 0;
      for (const auto& [to, last] : slot_links_[slot])
        if (to == p) since = last;
      received_.resize(n_);
      carried_entries(slots_[slot].counters(), {&slot_changed_[slot * n_], n_}, since, received_);
      rows_[p].merge(received_);
    }
  }
  if (variant_ != vector_variant::no_tick_receive) rows_[p].increment(p);
  settle(p);
}

void vector_clock::settle(process_id p) {
  if (!changes_) return;  // options keep dense rows
  pruned_.clear();
  pruned_by_ = p;
  changes_->event(p, std::span<const std::uint32_t>(rows_[p].counters()), now_);
  if (options_.prunes()) changes_->prune(p, rows_[p].counters(), now_, options_, pruned_);
}

void vector_clock::address(process_id p, message_slot slot, std::span<const process_id> to) {
  if (options_.encoding != vector_encoding::differential) return;
  auto& links = slot_links_[slot];
  links.clear();
  for (const process_id q : to) links.emplace_back(q, changes_->link(p, q));
  for (const process_id q : to) changes_->sent(p, q);
}

void vector_clock::capture(process_id p, message_slot slot) {
  slots_[slot].assign(variant_ == vector_variant::send_previous ? before_send_ : rows_[p]);
  if (options_.encoding == vector_encoding::differential) {
    const auto changed = changes_->changed_at(p);
    std::copy(changed.begin(), changed.end(), slot_changed_.begin() + static_cast<std::ptrdiff_t>(slot * n_));
  }
}

void vector_clock::reserve_slots(std::size_t count) {
  slots_.resize(count, counter_row(n_, !sparse_));
  if (options_.encoding != vector_encoding::differential) return;
  slot_changed_.resize(count * n_);
  slot_links_.resize(count);
}

void vector_clock::checkpoint(process_id p) {
  if (saved_.empty()) saved_.assign(n_, counter_row(n_, !sparse_));
  saved_[p].assign(rows_[p]);
}

void vector_clock::restore(process_id p) {
  if (saved_.empty())
    rows_[p].clear();
  else
    rows_[p].assign(saved_[p]);
}

void vector_clock::reset(process_id p) { rows_[p].clear(); }

void vector_clock::describe(process_id p, event_record& record) const {
  if (pruned_by_ == p) record.pruned = pruned_;
}

stamp_words vector_clock::stamp(process_id p) const {
  const counter_row& r = rows_[p];
  if (!r.made_sparse()) {
    const std::span<const std::uint32_t> counters = r.counters();
    words_.assign(counters.begin(), counters.end());
    return words_;
  }
  // Sparse even when crowded: readers then see one form in a run.
  words_.clear();
  append_sparse_stamp(words_, n_, r);
  return words_;
}

}  // namespace hbsim
