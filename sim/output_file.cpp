#include "hbsim/output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "hbsim/input_error.hpp"

namespace hbsim {

output_file::output_file(std::string path, std::string_view what) : path_(std::move(path)), what_(what) {
  struct stat st {};
  if (path_ == "-") {
    out_ = stdout;
  } else if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    out_ = std::fopen(path_.c_str(), "wb");
  } else {
    // The pid keeps two hbsim processes writing the same target from sharing a temporary file.
    temp_path_ = path_ + ".tmp." + std::to_string(::getpid());
    out_ = std::fopen(temp_path_.c_str(), "wb");
  }
  if (!out_) throw input_error(path_, "", "a file hbsim can write the " + what_ + " to", std::strerror(errno));
  buf_.resize(flush_at + (64 << 10));
}

output_file::~output_file() {
  if (out_ && out_ != stdout) {
    std::fclose(out_);
    if (!temp_path_.empty()) std::remove(temp_path_.c_str());
  }
}

void output_file::make_room(std::size_t bound) {
  flush();
  if (buf_.size() < bound) buf_.resize(bound);
}

void output_file::flush() {
  if (used_ != 0 && std::fwrite(buf_.data(), 1, used_, out_) != used_)
    throw std::runtime_error("hbsim: writing the " + what_ + " " + path_ + " failed: " + std::strerror(errno));
  bytes_ += used_;
  used_ = 0;
}

void output_file::commit() {
  if (!out_) throw std::logic_error("output_file::commit called twice");
  flush();
  if (out_ == stdout) {
    std::fflush(stdout);
    out_ = nullptr;
    return;
  }
  const bool ok = std::fflush(out_) == 0;
  const bool closed = std::fclose(out_) == 0;
  out_ = nullptr;
  if (!ok || !closed || (!temp_path_.empty() && std::rename(temp_path_.c_str(), path_.c_str()) != 0)) {
    const int err = errno;
    if (!temp_path_.empty()) std::remove(temp_path_.c_str());
    throw std::runtime_error("hbsim: cannot write the " + what_ + " " + path_ + ": " + std::strerror(err));
  }
}

}  // namespace hbsim
