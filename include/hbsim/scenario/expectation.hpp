// The `expect` block of a scenario (scenarios/FORMAT.md §9): event values, before, concurrent, violates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hbsim/kernel/event.hpp"
#include "hbsim/scenario/event_ref.hpp"

namespace hbsim {

struct expectation {
  enum class kind : std::uint8_t { event_values, before, concurrent, violates };
  kind type = kind::event_values;
  std::string source;  // the expectation as written (compact JSON), for reports
  std::string path;    // JSON path, for messages
  event_ref a;         // event_values, before, concurrent
  event_ref b;         // before, concurrent
  std::optional<std::uint64_t> lamport;
  std::optional<std::vector<std::uint32_t>> vector;  // dense; entries not written are 0
  std::optional<sim_time> hlc_l;
  std::optional<std::uint64_t> hlc_c;
  /// Values of the other chosen kinds: the index in logical_config::extra and the stamp's words.
  std::vector<std::pair<std::size_t, std::vector<std::uint64_t>>> stamps;
  std::string invariant;  // violates
};

}  // namespace hbsim
