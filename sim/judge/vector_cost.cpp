#include "judge/vector_cost.hpp"

#include <algorithm>

namespace hbsim {

namespace {
std::uint64_t nonzero(std::span<const std::uint64_t> v) {
  return static_cast<std::uint64_t>(std::count_if(v.begin(), v.end(), [](std::uint64_t x) { return x != 0; }));
}
}  // namespace

std::uint64_t clock_comparison::vector_recorded::chosen_bytes() const {
  switch (options.encoding) {
    case vector_encoding::full: return full_bytes;
    case vector_encoding::sparse: return sparse_bytes;
    case vector_encoding::differential: return differential_bytes;
  }
  return full_bytes;
}

vector_cost::vector_cost(std::size_t processes, const vector_options& options)
    : n_(processes),
      judged_most_(std::min(vector_pairs_judged, vector_pairs_entries / std::max<std::uint64_t>(processes, 1))),
      links_(processes),
      carried_(processes) {
  r_.options = options;
}

void vector_cost::on_event(const event_record& e, vector_stamp stamp, causality::row truth) {
  const std::span<const std::uint64_t> v = stamp.dense_words();  // vector options keep dense rows
  const process_id p = e.process;
  r_.pruned += e.pruned.size();
  links_.event(p, v, e.time);
  if (e.kind == event_kind::send) {
    const std::uint64_t entries = nonzero(v);
    for (const sent_message& m : e.messages) {
      r_.full_bytes += dense_entry_bytes * n_;
      r_.sparse_bytes += sparse_entry_bytes * entries;
      carried_entries(v, links_.changed_at(p), links_.link(p, m.to), carried_);
      r_.differential_bytes += sparse_entry_bytes * nonzero(carried_);
    }
    for (const sent_message& m : e.messages) links_.sent(p, m.to);
  }
  if (r_.judged_events == judged_most_) return;
  // Each earlier judged event a against e: a → e iff a is among the first truth[p(a)] events of p(a).
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const vector_stamp va(std::span<const std::uint64_t>(&vectors_[i * n_], n_));
    const bool related = events_[i].seq <= truth[events_[i].process];
    const vector_order o = compare(va, v);
    if (related) {
      ++r_.judged_related;
      r_.false_concurrency += o == vector_order::concurrent || o == vector_order::equal;
      r_.false_order += o == vector_order::after;
    } else {
      ++r_.judged_concurrent;
      r_.false_order += o == vector_order::before || o == vector_order::after;
    }
  }
  ++r_.judged_events;
  events_.push_back({p, static_cast<std::uint32_t>(e.seq)});
  vectors_.insert(vectors_.end(), v.begin(), v.end());
}

}  // namespace hbsim
