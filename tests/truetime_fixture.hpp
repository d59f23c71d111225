// Scenarios with the truetime clock, for the TrueTime tests.
#pragma once

#include <nlohmann/json.hpp>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim::testing {

/// The scenario with the truetime clock alone, its `epsilon` as written in `logical.truetime`.
inline scenario with_truetime(scenario s, nlohmann::json epsilon) {
  s.logical.clocks = {"truetime"};
  s.logical.extra.push_back({clock_registry::standard().find("truetime"), 0, {{"epsilon", std::move(epsilon)}}});
  return s;
}

}  // namespace hbsim::testing
