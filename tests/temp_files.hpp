// Temporary files and directories of the tests, each removed at the end of its scope, and reading a
// file whole.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hbsim::testing {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A path in the temporary directory that no other test uses: the process id keeps apart the cases
/// CTest runs side by side, the counter those of one process. `name` ends it, extension and all.
inline std::filesystem::path unique_temp_path(const std::string& name) {
  static int counter = 0;
  return std::filesystem::temp_directory_path() /
         ("hbsim-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + name);
}

/// A file holding `content` (empty when not given), removed at the end of its scope.
struct temp_file {
  explicit temp_file(const std::string& name, const std::string& content = {}) : path(unique_temp_path(name)) {
    std::ofstream(path, std::ios::binary) << content;
  }
  ~temp_file() { std::filesystem::remove(path); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  std::string str() const { return path.string(); }
  std::filesystem::path path;
};

/// A directory of its own, removed with all it holds at the end of its scope: for files a command
/// writes (whose absence may be the point) and for several files at once.
struct scratch {
  std::filesystem::path dir = unique_temp_path("scratch");
  scratch() { std::filesystem::create_directories(dir); }
  ~scratch() { std::filesystem::remove_all(dir); }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
  /// Writes `text` to the file `name` in the directory; its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
    return *this / name;
  }
};

}  // namespace hbsim::testing
