// An output file that appears whole or not at all: written under a temporary name next to the
// target and renamed by commit(), so a failed run or export never leaves a half-written file.
// "-" writes to standard output; a device or a pipe (/dev/null, a FIFO) is written in place.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace hbsim {

class output_file {
 public:
  /// `what` names the file in errors ("trace", "export"). Throws input_error when it cannot be opened.
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

  /// Flushes and puts the file in place. Throws std::runtime_error when the output cannot be written.
  void commit();
  /// Bytes handed to the operating system so far (all of them after commit()).
  std::uint64_t bytes_written() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  static constexpr std::size_t flush_at = std::size_t{1} << 20;
  void make_room(std::size_t bound);
  void flush();

  std::string path_;
  std::string what_;
  std::string temp_path_;
  std::FILE* out_ = nullptr;
  std::vector<char> buf_;
  std::size_t used_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace hbsim
