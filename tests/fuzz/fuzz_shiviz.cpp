// libFuzzer target: ShiViz/GoVector logs, as `hbsim check` reads them (check_shiviz_log). Whatever
// the bytes, the check returns a report or throws an input_error naming the file; anything else is a
// finding.
#include <cstdint>

#include "fuzz_support.hpp"
#include "hbsim/trace/shiviz_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = hbsim::fuzz::as_file(data, size);
  hbsim::fuzz::read_or_refuse(path, [&] { hbsim::check_shiviz_log(path); });
  return 0;
}
