// The SIGBUS handler of mapped inputs (mapped_input.hpp), in a child process: a file mapped and then cut
// short by "another program" (the child itself), its page touched. Registered, the fault is an input error
// (exit 2, one line on stderr); not registered, the child ends by SIGBUS as it would have.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "temp_files.hpp"
#include "hbsim/core/mapped_input.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

// The wait status of a child that maps `path` (two pages), registers the mapping or not, truncates the file
// and reads from its second page, its stderr going to `err`.
int touch_cut_file(const scratch& tmp, const std::string& name, const std::string& err, bool registered) {
  const std::string text(2 * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)), 'x');
  const std::string path = tmp.write(name, text);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // only system calls from here: the child of a test process
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int fd = ::open(path.c_str(), O_RDWR);
    if (err_fd < 0 || fd < 0 || ::dup2(err_fd, STDERR_FILENO) < 0) ::_exit(100);
    refuse_shrunk_inputs_on_sigbus();
    auto* const p = static_cast<volatile char*>(::mmap(nullptr, text.size(), PROT_READ, MAP_SHARED, fd, 0));
    if (p == MAP_FAILED) ::_exit(101);
    const mapped_input_range range(const_cast<const char*>(p), registered ? text.size() : 0);
    if (::ftruncate(fd, 0) != 0) ::_exit(102);
    const char c = p[text.size() - 1];  // SIGBUS: past the end of the file now
    ::_exit(c == 'x' ? 103 : 104);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  return status;
}

}  // namespace

TEST_CASE("SIGBUS in a mapped input is an input error (exit 2) and elsewhere ends the process by that signal") {
  const scratch tmp;
  const int registered = touch_cut_file(tmp, "trace.jsonl", tmp / "err", true);
  REQUIRE(WIFEXITED(registered));
  CHECK(WEXITSTATUS(registered) == 2);
  CHECK(read_file(tmp / "err") ==
        "hbsim: an input file shrank while it was read (SIGBUS): read a copy that is not being written\n");
  const int other = touch_cut_file(tmp, "other.jsonl", tmp / "err2", false);
  CHECK(WIFSIGNALED(other));
  CHECK(WTERMSIG(other) == SIGBUS);
  CHECK(read_file(tmp / "err2").empty());
}
