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

void merge_max(std::span<std::uint32_t> into, std::span<const std::uint32_t> other) {
  // A plain loop over raw pointers: compilers vectorise it, and it is the hot path of receives.
  std::uint32_t* a = into.data();
  const std::uint32_t* b = other.data();
  const std::size_t n = into.size();
  for (std::size_t i = 0; i < n; ++i) a[i] = a[i] < b[i] ? b[i] : a[i];
}

namespace {
template <class Counter>
vector_order order_of(std::span<const Counter> a, std::span<const Counter> b) {
  bool le = true;
  bool ge = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    le = le && a[i] <= b[i];
    ge = ge && a[i] >= b[i];
  }
  if (le && ge) return vector_order::equal;
  if (le) return vector_order::before;
  if (ge) return vector_order::after;
  return vector_order::concurrent;
}
}  // namespace

vector_order compare(vector_stamp a, vector_stamp b) { return order_of(a, b); }
vector_order compare(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) { return order_of(a, b); }

vector_clock::vector_clock(std::size_t processes, vector_variant variant, vector_options options)
    : n_(processes), variant_(variant), options_(options), rows_(processes * processes, 0) {
  if (!options_.standard()) changes_.emplace(processes);
}

void vector_clock::tick(process_id p, event_kind kind, sim_time) {
  if (kind == event_kind::send) {
    if (variant_ == vector_variant::no_tick_send) return;
    if (variant_ == vector_variant::send_previous) {
      const auto r = value(p);
      before_send_.assign(r.begin(), r.end());
    }
  }
  ++rows_[p * n_ + p];
  settle(p);
}

void vector_clock::receive(process_id p, message_slot slot, sim_time) {
  if (variant_ != vector_variant::no_merge) {
    if (options_.encoding != vector_encoding::differential) {
      merge_max(row(p), carried(slot));
    } else {
      // The link's last message before this one, as the sender saw it when it sent.
      std::uint32_t since = 0;
      for (const auto& [to, last] : slot_links_[slot])
        if (to == p) since = last;
      received_.resize(n_);
      carried_entries(carried(slot), {&slot_changed_[slot * n_], n_}, since, received_);
      merge_max(row(p), received_);
    }
  }
  if (variant_ != vector_variant::no_tick_receive) ++rows_[p * n_ + p];
  settle(p);
}

void vector_clock::settle(process_id p) {
  if (!changes_) return;
  pruned_.clear();
  pruned_by_ = p;
  changes_->event(p, value(p), now_);
  if (options_.prunes()) changes_->prune(p, row(p), now_, options_, pruned_);
}

void vector_clock::address(process_id p, message_slot slot, std::span<const process_id> to) {
  if (options_.encoding != vector_encoding::differential) return;
  auto& links = slot_links_[slot];
  links.clear();
  for (const process_id q : to) links.emplace_back(q, changes_->link(p, q));
  for (const process_id q : to) changes_->sent(p, q);
}

void vector_clock::capture(process_id p, message_slot slot) {
  const auto from = variant_ == vector_variant::send_previous ? std::span<const std::uint32_t>(before_send_)
                                                              : value(p);
  std::copy(from.begin(), from.end(), slots_.begin() + static_cast<std::ptrdiff_t>(slot * n_));
  if (options_.encoding == vector_encoding::differential) {
    const auto changed = changes_->changed_at(p);
    std::copy(changed.begin(), changed.end(), slot_changed_.begin() + static_cast<std::ptrdiff_t>(slot * n_));
  }
}

void vector_clock::reserve_slots(std::size_t count) {
  slots_.resize(count * n_);
  if (options_.encoding != vector_encoding::differential) return;
  slot_changed_.resize(count * n_);
  slot_links_.resize(count);
}

void vector_clock::checkpoint(process_id p) {
  if (saved_.empty()) saved_.assign(rows_.size(), 0);
  const auto r = value(p);
  std::copy(r.begin(), r.end(), saved_.begin() + static_cast<std::ptrdiff_t>(p * n_));
}

void vector_clock::restore(process_id p) {
  auto r = row(p);
  if (saved_.empty())
    std::fill(r.begin(), r.end(), 0);
  else
    std::copy_n(saved_.begin() + static_cast<std::ptrdiff_t>(p * n_), n_, r.begin());
}

void vector_clock::reset(process_id p) {
  auto r = row(p);
  std::fill(r.begin(), r.end(), 0);
}

void vector_clock::describe(process_id p, event_record& record) const {
  if (pruned_by_ == p) record.pruned = pruned_;
}

stamp_words vector_clock::stamp(process_id p) const {
  const auto r = value(p);
  words_.assign(r.begin(), r.end());
  return words_;
}

namespace {
template <class Counter>
std::string text_of(std::span<const Counter> v, std::span<const std::string> names, std::size_t shown) {
  std::string out = "{";
  std::size_t written = 0, nonzero = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == 0) continue;
    if (nonzero++ >= shown) continue;
    if (written++) out.append(", ");
    out.append(names[i]).append(":").append(std::to_string(v[i]));
  }
  if (nonzero > written) out.append(", ... ").append(std::to_string(nonzero - written)).append(" more");
  return out.append("}");
}
}  // namespace

std::string vector_text(vector_stamp v, std::span<const std::string> names, std::size_t shown) {
  return text_of(v, names, shown);
}
std::string vector_text(std::span<const std::uint32_t> v, std::span<const std::string> names, std::size_t shown) {
  return text_of(v, names, shown);
}

}  // namespace hbsim
