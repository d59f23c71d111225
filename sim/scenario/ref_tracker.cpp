#include "hbsim/scenario/ref_tracker.hpp"

#include <algorithm>

#include "hbsim/core/json_text.hpp"

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
  std::string s;
  if (matches_ == 0 && ref_.by_seq) {
    s.append(proc).append(ref_.index == 1 ? " has no events"
                                          : " has fewer than " + std::to_string(ref_.index) + " events");
  } else if (matches_ == 0) {
    // Labels as JSON strings: a control character (a NUL would end the message) is escaped.
    s.append("no event of ").append(proc).append(" labelled ").append(quoted_excerpt(ref_.label)).append(" (");
    if (labels_seen_.empty()) s.append(proc).append(" has no events");
    else s.append(proc).append("'s labels:");
    for (const std::string& l : labels_seen_) s.append(" ").append(quoted_excerpt(l));
    s.append(")");
  } else if (ref_.index > 0) {
    s.append("only ").append(std::to_string(matches_)).append(matches_ == 1 ? " event of " : " events of ").append(proc).append(" labelled ");
    s.append(quoted_excerpt(ref_.label));
  } else {
    s.append(std::to_string(matches_)).append(" events:");
    for (std::size_t i = 0; i < match_seqs_.size(); ++i)
      s.append(" ").append(proc).append(":").append(ref_.label).append("#").append(std::to_string(i + 1))
          .append(" (= ").append(proc).append("#").append(std::to_string(match_seqs_[i])).append(")");
    if (matches_ > match_seqs_.size()) s.append(" ...");
    s.append("; pick one with #k");
  }
  return s;
}

}  // namespace hbsim
