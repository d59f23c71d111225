#include "hbsim/core/output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "hbsim/core/input_error.hpp"

namespace hbsim {

namespace {

// The live temporary files, for the signal handler: a fixed table it walks without allocating or
// locking. Process-wide because a signal is; it holds nothing a simulation depends on. 64 files at
// a time (a trace and many exports); a file beyond them is still removed by its owner, only not on a
// signal. A slot is a seqlock: `version` is odd while its path changes, so a handler running on
// another thread than the one changing it removes a path only if it read it whole.
struct temp_slot {
  std::atomic<bool> taken{false};
  std::atomic<std::uint32_t> version{0};
  std::array<std::atomic<char>, PATH_MAX> path{};
};
std::array<temp_slot, 64> temp_slots;
static_assert(std::atomic<char>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free,
              "the signal handler may only read lock-free atomics");

template <class Change>
void change_slot(temp_slot& s, Change change) {
  s.version.fetch_add(1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  change(s.path);
  s.version.fetch_add(1, std::memory_order_release);
}

int register_temporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;  // the system could not create it anyway
  for (std::size_t i = 0; i < temp_slots.size(); ++i) {
    temp_slot& s = temp_slots[i];
    bool free = false;
    if (!s.taken.compare_exchange_strong(free, true, std::memory_order_acquire)) continue;
    change_slot(s, [&](auto& p) {
      for (std::size_t k = 0; k <= path.size(); ++k) p[k].store(path.c_str()[k], std::memory_order_relaxed);
    });
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temporary(int slot) {
  temp_slot& s = temp_slots[static_cast<std::size_t>(slot)];
  change_slot(s, [](auto& p) { p[0].store('\0', std::memory_order_relaxed); });
  s.taken.store(false, std::memory_order_release);
}

}  // namespace

// Async-signal-safe: atomic loads and unlink() only.
void remove_temporaries() noexcept {
  char path[PATH_MAX];
  for (temp_slot& s : temp_slots) {
    const std::uint32_t version = s.version.load(std::memory_order_acquire);
    if (version % 2 != 0) continue;
    std::size_t n = 0;
    while (n + 1 < PATH_MAX && (path[n] = s.path[n].load(std::memory_order_relaxed)) != '\0') ++n;
    path[n] = '\0';
    std::atomic_thread_fence(std::memory_order_acquire);
    if (n != 0 && s.version.load(std::memory_order_relaxed) == version) ::unlink(path);
  }
}

namespace {

// Async-signal-safe: remove_temporaries(), signal() and raise() only.
extern "C" void remove_temporaries_and_die(int sig) {
  remove_temporaries();
  // Blocked until the handler returns, then delivered with the default action: the process ends by
  // this signal, as it would have without the handler.
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// The descriptor a path names directly, as /dev/fd/N or /proc/PID/fd/N (a symbolic link that the kernel
// resolves to what the descriptor holds, a pipe as well as a file), or -1.
int descriptor_named(const std::filesystem::path& p) {
  const std::filesystem::path dir = p.parent_path();
  const std::string above = dir.parent_path().string();
  if (dir.filename() != "fd" || !(dir == "/dev/fd" || above.starts_with("/proc/"))) return -1;
  const std::string n = p.filename().string();
  int fd = -1;
  const auto [end, err] = std::from_chars(n.data(), n.data() + n.size(), fd);
  return err == std::errc() && end == n.data() + n.size() ? fd : -1;
}

// A path after its symbolic links, followed one at a time, or the descriptor it names: a descriptor's
// own link must not be followed (a pipe's leads nowhere, a file's to a name whose replacing would leave
// the descriptor writing elsewhere).
struct followed_path {
  std::filesystem::path target;  // absolute
  int fd = -1;
  bool linked = false;  // through at least one symbolic link
};

followed_path followed(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code e;
  followed_path f{fs::absolute(path, e).lexically_normal()};
  if (e) return {path};
  for (int hops = 0; hops < 40; ++hops) {  // as the kernel's ELOOP
    if (f.fd = descriptor_named(f.target); f.fd >= 0) return f;
    if (!fs::is_symlink(fs::symlink_status(f.target, e)) || e) break;
    const fs::path to = fs::read_symlink(f.target, e);
    if (e) break;
    f.target = (to.is_absolute() ? to : f.target.parent_path() / to).lexically_normal();
    f.linked = true;
  }
  return f;
}

// Whether writing `path` replaces a file: standard output and devices are written in place, and
// naming one twice (/dev/null) destroys nothing.
bool names_a_file(const std::string& path) {
  struct stat st {};
  return path != "-" && (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode));
}

bool exists(const std::string& path) {
  std::error_code e;
  return std::filesystem::exists(path, e);
}

// The same file under any spelling: compared by device and inode when both exist, by absolute path
// with symbolic links resolved when neither does yet.
bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code e;
  const bool has_a = exists(a), has_b = exists(b);
  if (has_a && has_b) return fs::equivalent(a, b, e);
  return !has_a && !has_b && fs::weakly_canonical(fs::absolute(a, e), e) == fs::weakly_canonical(fs::absolute(b, e), e);
}

}  // namespace

temporary_path::temporary_path(std::string path) : path_(std::move(path)), slot_(register_temporary(path_)) {}

temporary_path::~temporary_path() {
  if (!path_.empty()) std::remove(path_.c_str());
  release();
}

void temporary_path::release() {
  if (slot_ >= 0) unregister_temporary(slot_);
  slot_ = -1;
  path_.clear();
}

void remove_temporaries_on_signals() {
  static constexpr std::array signals{SIGINT, SIGTERM, SIGHUP, SIGPIPE};
  struct sigaction handler {};
  handler.sa_handler = remove_temporaries_and_die;
  sigemptyset(&handler.sa_mask);
  for (const int sig : signals) sigaddset(&handler.sa_mask, sig);  // one cleanup at a time
  for (const int sig : signals) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0) continue;
    if ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL) continue;
    ::sigaction(sig, &handler, nullptr);
  }
}

std::string output_target(const std::string& path) {
  if (path.empty() || path == "-") return path;
  const followed_path f = followed(path);
  if (f.fd == STDOUT_FILENO) return "-";
  return f.fd < 0 && f.linked ? f.target.string() : path;
}

void check_output_paths(std::span<const std::string> inputs, std::span<const output_request> outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string path(outputs[i].path);
    const std::string option(outputs[i].option);
    const bool piped = output_target(path) == "-";
    for (std::size_t j = 0; j < i; ++j) {
      const std::string other(outputs[j].path);
      if (piped ? output_target(other) == "-" : names_a_file(path) && same_file(path, other))
        throw input_error(option, "", "a file other than the one " + std::string(outputs[j].option) + " writes",
                          "\"" + path + "\", the same " + (piped ? "standard output" : "file"));
    }
    if (!names_a_file(path)) continue;
    for (const std::string& input : inputs)  // one that is not there has an error of its own
      if (input != "-" && exists(input) && same_file(path, input))
        throw input_error(option, "", "a file other than " + input + ", which hbsim reads",
                          "\"" + path + "\", the same file");
  }
}

output_file::output_file(std::string path, std::string_view what) : path_(std::move(path)), what_(what) {
  struct stat st {};
  buf_.resize(flush_at + (64 << 10));
  if (path_.empty()) return;
  const followed_path f = path_ == "-" ? followed_path{} : followed(path_);
  if (path_ == "-" || f.fd == STDOUT_FILENO) {
    out_ = stdout;
  } else if (f.fd >= 0) {
    // Written through a copy of that descriptor: it shares the offset, so what the process writes there
    // otherwise (stderr's messages) is neither truncated nor overwritten.
    const int copy = ::dup(f.fd);
    out_ = copy < 0 ? nullptr : ::fdopen(copy, "wb");
    if (copy >= 0 && !out_) ::close(copy);
  } else if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    out_ = std::fopen(path_.c_str(), "wb");
  } else {
    // Beside the file itself, through any links to it: renamed over a link, it would replace the link.
    // The pid keeps two hbsim processes writing the same target from sharing a temporary file.
    target_ = f.target.string();
    temp_.emplace(target_ + ".tmp." + std::to_string(::getpid()));
    out_ = std::fopen(temp_->str().c_str(), "wb");
  }
  if (!out_) {
    const int err = errno;
    temp_.reset();
    throw input_error(path_, "", "a file hbsim can write the " + what_ + " to", std::strerror(err));
  }
}

output_file::~output_file() {
  if (out_ && out_ != stdout) std::fclose(out_);
}

void output_file::make_room(std::size_t bound) {
  flush();
  if (buf_.size() < bound) buf_.resize(bound);
}

void output_file::flush() {
  if (used_ != 0 && tap_) tap_(std::string_view(buf_.data(), used_));
  if (used_ != 0 && !path_.empty() && std::fwrite(buf_.data(), 1, used_, out_) != used_) fail(errno);
  bytes_ += used_;
  used_ = 0;
}

void output_file::fail(int error) {
  if (out_ && out_ != stdout) std::fclose(out_);
  out_ = nullptr;
  temp_.reset();
  throw output_error("cannot write the " + what_ + (path_ == "-" ? " to standard output" : " " + path_) + ": " +
                     std::strerror(error));
}

void output_file::commit() {
  if (path_.empty()) return flush();
  if (!out_) throw std::logic_error("output_file::commit called twice");
  flush();
  if (out_ == stdout) {
    if (std::fflush(stdout) != 0) fail(errno);
    out_ = nullptr;
    return;
  }
  if (std::fflush(out_) != 0) fail(errno);
  const int closed = std::fclose(out_);
  out_ = nullptr;
  if (closed != 0 || (temp_ && std::rename(temp_->str().c_str(), target_.c_str()) != 0)) fail(errno);
  if (temp_) temp_->release();
}

}  // namespace hbsim
