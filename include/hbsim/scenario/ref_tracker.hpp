// Resolves one event reference against a run as it proceeds: finds the event it names, and knows
// at the end whether the reference was sound (exactly one match for "proc:label", a k-th match for
// "#k", an n-th event for "proc#n"), with the candidates to show when it was not.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hbsim/kernel/event.hpp"
#include "hbsim/scenario/event_ref.hpp"

namespace hbsim {

class ref_tracker {
 public:
  explicit ref_tracker(event_ref ref) : ref_(std::move(ref)) {}

  /// Feeds one event; true when it is the event the reference names.
  bool offer(const event_record& e);
  /// True when the reference named exactly one event of the run.
  bool sound() const;
  /// Why it is not sound, listing candidates ("matches 2 events: A:ping#1 (A#3), A:ping#2 (A#7)"
  /// or "matches no event; A's labels are: ...").
  std::string problem(std::span<const std::string> process_names) const;
  const event_ref& ref() const { return ref_; }

 private:
  event_ref ref_;
  std::uint64_t matches_ = 0;
  std::vector<std::uint64_t> match_seqs_;     // first few matches, for messages
  std::vector<std::string> labels_seen_;      // first few distinct labels of the process
};

}  // namespace hbsim
