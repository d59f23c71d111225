#include "hbsim/ref_tracker.hpp"

#include <algorithm>

namespace hbsim {

namespace {
constexpr std::size_t shown = 8;  // candidates listed in a message
}

bool ref_tracker::offer(const event_record& e) {
  if (e.process != ref_.process) return false;
  if (!ref_.by_seq && labels_seen_.size() < shown &&
      std::find(labels_seen_.begin(), labels_seen_.end(), e.label) == labels_seen_.end())
    labels_seen_.emplace_back(e.label);
  if (!ref_.matches(e)) return false;
  ++matches_;
  if (match_seqs_.size() < shown) match_seqs_.push_back(e.seq);
  if (ref_.by_seq) return true;
  return ref_.index == 0 ? matches_ == 1 : matches_ == ref_.index;
}

bool ref_tracker::sound() const {
  if (ref_.by_seq || ref_.index == 0) return matches_ == 1;
  return matches_ >= ref_.index;
}

std::string ref_tracker::problem(std::span<const std::string> names) const {
  const std::string& proc = names[ref_.process];
  if (matches_ == 0) {
    if (ref_.by_seq) return proc + " has fewer than " + std::to_string(ref_.index) + " events";
    std::string s = "no event of " + proc + " has the label \"" + ref_.label + "\"";
    if (labels_seen_.empty()) return s + "; " + proc + " has no events";
    s += "; " + proc + "'s labels are:";
    for (const std::string& l : labels_seen_) s += " \"" + l + "\"";
    return s;
  }
  if (ref_.index > 0)
    return "only " + std::to_string(matches_) + " events of " + proc + " have the label \"" + ref_.label + "\"";
  std::string s = "it matches " + std::to_string(matches_) + " events:";
  for (std::size_t i = 0; i < match_seqs_.size(); ++i)
    s += " " + proc + ":" + ref_.label + "#" + std::to_string(i + 1) + " (= " + proc + "#" +
         std::to_string(match_seqs_[i]) + ")";
  if (matches_ > match_seqs_.size()) s += " ...";
  return s + "; pick one with #k";
}

}  // namespace hbsim
