// The vector clock invariants, from recorded vectors and the ground truth (the causal past of each event,
// as counts of each process's events): what holds, inline for the invariant checker's hot path
// (judge/invariant_checker.cpp, which also searches the concurrent pairs that the "only if" half of the
// strong clock condition needs among the events it keeps), and the broken rules with their numbers, for
// its witnesses.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace hbsim::vector_judge {

inline constexpr std::string_view invariants[] = {"vector.exact", "vector.strong_clock_condition"};

using row = std::span<const std::uint32_t>;

/// a < b for vectors: entrywise ≤ and different somewhere. Branch-free: it runs on every edge whose
/// ends are not both exact.
[[gnu::always_inline]] inline bool less(row a, row b) {
  std::uint32_t greater = 0, smaller = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    greater |= a[i] > b[i];
    smaller |= a[i] < b[i];
  }
  return greater == 0 && smaller != 0;
}

/// vector.exact, broken: how the recorded vector differs from the event's causal past (the invariant
/// checker compares them as it reads the stamp).
std::string inexact(row v, row truth, std::span<const std::string> names);

/// vector.strong_clock_condition, its "if" half on an edge a → b: V(a) < V(b).
std::string edge_broken(row va, row vb, std::span<const std::string> names);
/// Its "only if" half on a pair a ∥ b: V(a) < V(b) must not hold.
std::string concurrent_below(row va, row vb, std::span<const std::string> names);

}  // namespace hbsim::vector_judge
