// A trace's text read back by the trace reader: the records it gives, or the input_error it throws.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/core/input_error.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

namespace hbsim::testing {

/// `text` written to a file whose name ends with `name`, then replayed into a recorder.
inline recorder records_of(const std::string& text, const std::string& name = "fine.jsonl") {
  const temp_file trace(name, text);
  trace_reader reader(trace.str());
  recorder records;
  event_observer* observers[] = {&records};
  reader.replay(observers);
  return records;
}

/// What the reader throws for `text`, read from a file whose name ends with broken.jsonl; a failed
/// test when it throws nothing.
inline input_error read_error(const std::string& text) {
  try {
    records_of(text, "broken.jsonl");
  } catch (const input_error& e) {
    return e;
  }
  FAIL("no input_error for " << text);
  return input_error("", "", "", "");
}

/// Every line of the trace `hbsim run` writes for s with this seed, header first.
inline std::vector<nlohmann::json> trace_lines(const scenario& s, std::uint64_t seed) {
  const temp_file trace("run.jsonl");
  run_options o;
  o.seed = seed;
  o.trace_path = trace.str();
  run_scenario(s, o);
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(trace.path));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace hbsim::testing
