#include "clocks/vector/vector_judge.hpp"

#include "hbsim/clocks/vector/vector_clock.hpp"

namespace hbsim::vector_judge {

std::string inexact(row v, row truth, std::span<const std::string> names) {
  std::size_t j = 0;
  while (v[j] == truth[j]) ++j;
  return std::string("V[").append(names[j]).append("] = ").append(std::to_string(v[j])).append(", but ")
      .append(std::to_string(truth[j])).append(truth[j] == 1 ? " event of " : " events of ").append(names[j])
      .append(truth[j] == 1 ? " is" : " are").append(" in its causal past (itself included): the exact vector is ")
      .append(vector_text(truth, names));
}

std::string edge_broken(row va, row vb, std::span<const std::string> names) {
  return std::string("a → b but V(a) = ").append(vector_text(va, names)).append(" is not below V(b) = ")
      .append(vector_text(vb, names));
}

std::string concurrent_below(row va, row vb, std::span<const std::string> names) {
  return std::string("V(a) = ").append(vector_text(va, names)).append(" < V(b) = ").append(vector_text(vb, names))
      .append(", yet a and b are concurrent");
}

}  // namespace hbsim::vector_judge
