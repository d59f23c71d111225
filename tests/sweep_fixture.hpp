// What the tests of hbsim sweep share: a small scenario, and reading the JSON lines of --out.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hbsim::testing {

inline const std::string small_random = R"({"hbsim": 1, "name": "small-random", "description": "a small random workload",
  "processes": ["a", "b", "c"], "network": {"delay": "1ms"},
  "generate": {"kind": "random", "events": 20, "send_ratio": 0.5, "interval": "1ms"},
  "expect": [{"event": "a#1", "lamport": 1, "vector": {"a": 1}}]})";

inline std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace hbsim::testing
