// References to events: "proc:label", "proc:label#k" (k-th match in process order), "proc#n"
// (n-th event of proc, from 1). Used by `after` and by expectations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hbsim/kernel/event.hpp"

namespace hbsim {

struct event_ref {
  std::string text;         // as written
  process_id process = 0;
  std::string label;        // empty for "proc#n"
  bool by_seq = false;      // "proc#n"
  std::uint64_t index = 0;  // k or n; 0 = "the only match"

  /// Whether the event is a candidate for this reference (same process and label, or seq n).
  bool matches(const event_record& e) const;
};

/// Splits a reference's text; the process name is resolved by the caller. Returns nullopt and sets
/// `why` when the form is wrong.
struct event_ref_parts {
  std::string process;
  std::string label;
  bool by_seq = false;
  std::uint64_t index = 0;
};
std::optional<event_ref_parts> parse_event_ref(std::string_view text, std::string* why);

}  // namespace hbsim
