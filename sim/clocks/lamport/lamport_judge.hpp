// The Lamport invariants of one event, from the stamps at the ends of its edges: what holds, inline for
// the invariant checker's hot path (judge/invariant_checker.cpp), and the broken rule with its numbers,
// for its witnesses.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace hbsim::lamport_judge {

inline constexpr std::string_view invariants[] = {"lamport.clock_condition", "lamport.rule"};

/// lamport.rule: L = max(L', L_m) + 1 at a receive that merged a message, L' + 1 at any other event.
[[gnu::always_inline]] inline std::uint64_t canonical(std::uint64_t previous, const std::uint64_t* message) {
  return message ? std::max(previous, *message) + 1 : previous + 1;
}
std::string rule_broken(std::uint64_t recorded, std::uint64_t previous, const std::uint64_t* message);

/// lamport.clock_condition on one edge a → b (process order or a message): L(a) < L(b).
std::string edge_broken(std::uint64_t a, std::uint64_t b);

}  // namespace hbsim::lamport_judge
