// Input files read through a mapping (a trace: trace_reader), and what a SIGBUS in one means. Touching a
// page past the end of a file that another program shortened raises SIGBUS; the reader makes its pages
// present before it reads them and reports a file that shrank as an input error, which leaves only the
// moment between. The handler below turns a SIGBUS in a registered mapping into the same input error
// (exit 2); any other SIGBUS ends the process as it would have.
#pragma once

#include <cstddef>

namespace hbsim {

/// Registers [begin, begin + size) as a mapped input file while it lives, for the handler. Process-wide
/// because a signal is: a fixed table of 16 ranges, read by the handler without locking; a mapping beyond
/// them is left out (a SIGBUS in it then ends the process by that signal).
class mapped_input_range {
 public:
  mapped_input_range(const void* begin, std::size_t size) noexcept;
  ~mapped_input_range();
  mapped_input_range(const mapped_input_range&) = delete;
  mapped_input_range& operator=(const mapped_input_range&) = delete;

 private:
  int slot_;
};

/// Installs, for SIGBUS, a handler that removes every live temporary file (output_file.hpp) and then, for a
/// fault inside a registered mapping, says on standard error that an input file shrank while it was read
/// and exits with status 2 (an input error); for any other SIGBUS, ends the process by that signal. For
/// programs (the command line); a library never installs it behind its user's back.
void refuse_shrunk_inputs_on_sigbus();

}  // namespace hbsim
