// libFuzzer target: scenario files, as `hbsim run` and `hbsim validate` load them. Whatever the bytes,
// the loader returns a scenario or throws an input_error naming the file; any other exception, a
// crash, a hang or a sanitizer report is a finding.
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "hbsim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string file = "fuzz-scenario.json";
  hbsim::fuzz::read_or_refuse(file, [&] {
    hbsim::parse_scenario(std::string_view(reinterpret_cast<const char*>(data), size), file);
  });
  return 0;
}
