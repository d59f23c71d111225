// An output file that appears whole or not at all: written under a temporary name next to the
// target and renamed by commit(), so a failed run or export never leaves a half-written file.
// "-" writes to standard output; a device or a pipe (/dev/null, a FIFO) is written in place. A
// symbolic link is followed: its target is written (a link stays a link), and a path that names an
// open descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N) writes to that descriptor, standard
// output being "-" (output_target).
// Temporary files are removed by their owner, and also when SIGINT, SIGTERM, SIGHUP or SIGPIPE ends
// the process, once remove_temporaries_on_signals() has been called.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hbsim {

/// An output that could not be written: a full disk, a closed pipe, an I/O error. Not invalid input
/// (the command was sound) and not a bug; `hbsim` exits 4.
class output_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A file that must not outlive its owner: removed by the destructor unless released, and by the
/// signal handler if a signal ends the process first. Creates nothing itself; register the path
/// before creating the file, so that no moment leaves it unregistered.
class temporary_path {
 public:
  explicit temporary_path(std::string path);
  ~temporary_path();
  temporary_path(const temporary_path&) = delete;
  temporary_path& operator=(const temporary_path&) = delete;

  /// The file is no longer temporary (it was renamed into place): forget it without removing it.
  void release();
  const std::string& str() const { return path_; }

 private:
  std::string path_;
  int slot_ = -1;  // in the table the signal handler walks; -1: not there (released, or no room)
};

/// Installs, for SIGINT, SIGTERM, SIGHUP and SIGPIPE, a handler that removes every live temporary
/// file and then ends the process by the same signal (so the exit status is the conventional one).
/// A signal the program already ignores (nohup) or handles itself is left alone. For programs (the
/// command line); a library never installs it behind its user's back.
void remove_temporaries_on_signals();

/// Removes every live temporary file now. Async-signal-safe: for signal handlers (mapped_input.hpp).
void remove_temporaries() noexcept;

/// Where writing `path` lands: "-" for standard output under any name (/dev/stdout, /dev/fd/1,
/// /proc/self/fd/1, or a link to one); for a symbolic link, what it leads to (a link to a missing file:
/// the file it would be); else `path`.
std::string output_target(const std::string& path);

/// One output a command was asked to write, for check_output_paths: `option` names it in messages.
struct output_request {
  std::string_view option;
  std::string_view path;
};

/// Throws input_error when an output would destroy an input (the same file under any spelling: a
/// symbolic link, ./x, a hard link) or another output, or when two outputs go to standard output
/// ("-"). Devices (/dev/null) may be named more than once.
void check_output_paths(std::span<const std::string> inputs, std::span<const output_request> outputs);

class output_file {
 public:
  /// `what` names the file in errors ("trace", "export"). Throws input_error when it cannot be opened.
  /// `path` "" writes nowhere: the bytes only pass the tap (the fingerprint of a trace nobody asked for).
  explicit output_file(std::string path, std::string_view what = "output");
  /// Removes the temporary file unless commit() succeeded.
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  void write(std::string_view s) {
    char* p = reserve(s.size());
    s.copy(p, s.size());
    advance(p + s.size());
  }
  /// Room for `bound` bytes at the end of the buffer; write, then advance() to where writing ended.
  char* reserve(std::size_t bound) {
    if (buf_.size() - used_ < bound) make_room(bound);
    return buf_.data() + used_;
  }
  void advance(char* end) {
    used_ = static_cast<std::size_t>(end - buf_.data());
    if (used_ >= flush_at) flush();
  }

  /// Flushes and puts the file in place. Throws output_error when the output cannot be written.
  void commit();
  /// Bytes handed to the operating system so far (all of them after commit()).
  std::uint64_t bytes_written() const { return bytes_; }
  const std::string& path() const { return path_; }
  /// `tap` sees every byte, in order, in pieces of up to a megabyte, before they are written.
  void set_tap(std::function<void(std::string_view)> tap) { tap_ = std::move(tap); }

 private:
  static constexpr std::size_t flush_at = std::size_t{1} << 20;
  void make_room(std::size_t bound);
  void flush();
  [[noreturn]] void fail(int error);

  std::string path_;
  std::string target_;  // the file that path_ names, through its links: where temp_ is renamed to
  std::string what_;
  std::optional<temporary_path> temp_;
  std::FILE* out_ = nullptr;
  std::vector<char> buf_;
  std::size_t used_ = 0;
  std::uint64_t bytes_ = 0;
  std::function<void(std::string_view)> tap_;
};

}  // namespace hbsim
