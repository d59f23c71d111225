// Invalid input: a scenario, a trace or a command line that cannot be used. Exit code 2.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace hbsim {

class input_error : public std::runtime_error {
 public:
  /// file: the input's name; path: JSON path ("/processes/2/clock/drift_ppm", "" for the whole
  /// document); expected / found: what the input should have had and what it has; hint: "did you
  /// mean ...", the accepted form, candidates. line/column: 1-based, 0 when unknown.
  input_error(std::string file, std::string path, std::string expected, std::string found,
              std::string hint = {}, std::size_t line = 0, std::size_t column = 0);

  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  const std::string& expected() const { return expected_; }
  const std::string& found() const { return found_; }
  const std::string& hint() const { return hint_; }
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }

 private:
  std::string file_, path_, expected_, found_, hint_;
  std::size_t line_, column_;
};

}  // namespace hbsim
