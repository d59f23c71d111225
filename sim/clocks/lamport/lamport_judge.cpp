#include "clocks/lamport/lamport_judge.hpp"

namespace hbsim::lamport_judge {

std::string rule_broken(std::uint64_t recorded, std::uint64_t previous, const std::uint64_t* message) {
  const std::string how = message ? std::string("max(L', L_m) + 1 = max(").append(std::to_string(previous))
                                        .append(", ").append(std::to_string(*message)).append(") + 1")
                                  : std::string("L' + 1 = ").append(std::to_string(previous)).append(" + 1");
  return std::string("L = ").append(std::to_string(recorded)).append(", the canonical rule gives ").append(how)
      .append(" = ").append(std::to_string(canonical(previous, message)));
}

std::string edge_broken(std::uint64_t a, std::uint64_t b) {
  return std::string("a → b but L(a) = ").append(std::to_string(a)).append(" is not below L(b) = ")
      .append(std::to_string(b));
}

}  // namespace hbsim::lamport_judge
