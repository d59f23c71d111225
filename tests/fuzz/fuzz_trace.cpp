// libFuzzer target: hbsim trace files, as `hbsim check`, `report`, `explain` and `export` read them:
// format detection, then the reader replaying every record. Whatever the bytes, each step either
// succeeds or throws an input_error naming the file; any other exception, a crash, a hang or a
// sanitizer report is a finding. The observers of the commands are left out: they would triple the
// time per input, and they are not what reads the bytes.
#include <cstdint>

#include "fuzz_support.hpp"
#include "hbsim/trace/trace_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = hbsim::fuzz::as_file(data, size);
  hbsim::fuzz::read_or_refuse(path, [&] { hbsim::detect_trace_format(path); });
  // report, explain and export read the file as an hbsim trace whatever it looks like.
  hbsim::fuzz::read_or_refuse(path, [&] {
    hbsim::trace_reader reader(path);
    reader.replay({});
  });
  return 0;
}
