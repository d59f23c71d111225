// A trace's text read back by the trace reader: the records it gives, or the input_error it throws.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "hbsim/core/input_error.hpp"
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

}  // namespace hbsim::testing
