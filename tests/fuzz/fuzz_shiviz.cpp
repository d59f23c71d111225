// libFuzzer target: ShiViz/GoVector logs, as `hbsim check` reads them (check_shiviz_log). Whatever
// the bytes, the check returns a report or throws an input_error naming the file; anything else is a
// finding.
#include <cstdint>

#include "fuzz_support.hpp"
#include "hbsim/trace/shiviz_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static hbsim::fuzz::input_file input;
  const std::string& path = input.write(data, size);
  try {
    hbsim::check_shiviz_log(path);
  } catch (const hbsim::input_error& e) {
    hbsim::fuzz::expect_names(e, path);
  }
  return 0;
}
