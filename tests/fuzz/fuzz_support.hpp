// What the libFuzzer targets share: an input as a file, and the rule that every refusal names it.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hbsim/core/input_error.hpp"

namespace hbsim::fuzz {

/// The readers take a path: each input is written to one in-memory file of this process (a memfd,
/// named by its /proc path), rewritten per input. Not a file on disk: truncating one for each input
/// can wait on the device (discard), which slowed the targets a hundredfold.
class input_file {
 public:
  input_file() : fd_(::memfd_create("hbsim-fuzz-input", 0)), path_("/proc/self/fd/" + std::to_string(fd_)) {
    if (fd_ < 0) fail("memfd_create");
  }
  ~input_file() { ::close(fd_); }
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;

  const std::string& write(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) fail("ftruncate");
    for (std::size_t done = 0; done < size;) {
      const ::ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<::off_t>(done));
      if (n <= 0) fail("pwrite");
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  [[noreturn]] static void fail(const char* what) {
    std::perror(what);
    std::abort();
  }
  int fd_;
  std::string path_;
};

/// A refusal is an input_error naming the input: anything else is a finding.
inline void expect_names(const input_error& e, const std::string& file) {
  if (e.file() == file) return;
  std::fprintf(stderr, "input_error names \"%s\", not the input \"%s\": %s\n", e.file().c_str(), file.c_str(),
               e.what());
  std::abort();
}

/// Runs `read`, which reads the input `file`: it succeeds, or refuses with an input_error naming the
/// file; any other exception escapes to libFuzzer, a finding.
template <class Read>
void read_or_refuse(const std::string& file, Read&& read) {
  try {
    read();
  } catch (const input_error& e) {
    expect_names(e, file);
  }
}

/// The bytes of this input as the one input_file of the process; its path.
inline const std::string& as_file(const std::uint8_t* data, std::size_t size) {
  static input_file input;
  return input.write(data, size);
}

}  // namespace hbsim::fuzz
