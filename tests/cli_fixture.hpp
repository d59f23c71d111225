// Runs the hbsim binary of this build, capturing exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "temp_files.hpp"

namespace hbsim::testing {

struct cli_result {
  int code = -1;
  std::string out;
  std::string err;
};

/// `args` is appended to the binary's path as shell words (callers quote what needs it); `wrapper`,
/// shell words too, comes before it.
inline cli_result run_cli(const std::string& args, const std::string& binary = HBSIM_BINARY,
                          const std::string& wrapper = "") {
  const std::string base = unique_temp_path("cli").string();
  const std::string out = base + ".out", err = base + ".err";
  const std::string cmd = wrapper + "'" + binary + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
  const int status = std::system(cmd.c_str());
  cli_result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
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

/// `hbsim export TRACE --to FORMAT MORE` into a file in `dir`: its text. A failed export fails the test.
inline std::string export_trace(const scratch& dir, const std::string& trace, const std::string& format,
                                const std::string& more = "") {
  const std::string out = (dir.dir / ("out." + format)).string();
  REQUIRE(run_cli("export '" + trace + "' --to " + format + " -o '" + out + "' " + more).code == 0);
  return read_file(out);
}

inline std::string source_path(const std::string& relative) { return std::string(HBSIM_SOURCE_DIR) + "/" + relative; }

}  // namespace hbsim::testing
