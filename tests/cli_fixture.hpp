// Runs the hbsim binary of this build, capturing exit code, stdout and stderr; scratch directories.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hbsim::testing {

struct cli_result {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `args` is appended to the binary's path as shell words (callers quote what needs it); `wrapper`,
/// shell words too, comes before it.
inline cli_result run_cli(const std::string& args, const std::string& binary = HBSIM_BINARY,
                          const std::string& wrapper = "") {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path base = fs::temp_directory_path() /
                        ("hbsim-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  const std::string out = base.string() + ".out", err = base.string() + ".err";
  const std::string cmd = wrapper + "'" + binary + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
  const int status = std::system(cmd.c_str());
  cli_result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

// AddressSanitizer reserves terabytes of address space up front, so no address-space cap can be set
// under it; the tests built with it run the binary built with it.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool address_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool address_sanitizer = true;
#else
inline constexpr bool address_sanitizer = false;
#endif
#else
inline constexpr bool address_sanitizer = false;
#endif

/// run_cli with the binary's address space capped at `bytes` (prlimit), so that input that makes it
/// allocate without end gets bad_alloc rather than the machine; uncapped under AddressSanitizer.
inline cli_result run_cli_capped(const std::string& args, std::size_t bytes) {
  const std::string cap = address_sanitizer ? "" : "prlimit --as=" + std::to_string(bytes) + " -- ";
  return run_cli(args, HBSIM_BINARY, cap);
}

// A directory of its own per test case, removed at the end.
struct scratch {
  std::filesystem::path dir;
  scratch() {
    static int counter = 0;
    dir = std::filesystem::temp_directory_path() /
          ("hbsim-scratch-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
  }
  ~scratch() { std::filesystem::remove_all(dir); }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

inline std::string source_path(const std::string& relative) { return std::string(HBSIM_SOURCE_DIR) + "/" + relative; }

}  // namespace hbsim::testing
