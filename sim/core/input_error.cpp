#include "hbsim/core/input_error.hpp"

#include <utility>

namespace hbsim {

namespace {

// "FILE:LINE:COL: at PATH: expected X, found Y (HINT)", each part only when known.
std::string compose(const std::string& file, const std::string& path, const std::string& expected,
                    const std::string& found, const std::string& hint, std::size_t line, std::size_t column) {
  // Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string at -O3.
  std::string out = file.empty() ? "<input>" : file;
  if (line != 0) out.append(":").append(std::to_string(line));
  if (line != 0 && column != 0) out.append(":").append(std::to_string(column));
  out.append(": ");
  if (!path.empty()) out.append("at ").append(path).append(": ");
  if (!expected.empty()) out.append("expected ").append(expected);
  if (!found.empty()) out.append(expected.empty() ? "found " : ", found ").append(found);
  if (!hint.empty()) out.append(" (").append(hint).append(")");
  return out;
}

}  // namespace

input_error::input_error(std::string file, std::string path, std::string expected, std::string found, std::string hint,
                         std::size_t line, std::size_t column)
    : std::runtime_error(compose(file, path, expected, found, hint, line, column)),
      file_(std::move(file)),
      path_(std::move(path)),
      expected_(std::move(expected)),
      found_(std::move(found)),
      hint_(std::move(hint)),
      line_(line),
      column_(column) {}

}  // namespace hbsim
