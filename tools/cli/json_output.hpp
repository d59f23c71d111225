// What --json prints: JSON text that bytes which are not UTF-8 (a file's path, a quoted argument) cannot
// stop, and, for an error that ends a command, one JSON object on stdout as well as a message on stderr,
// so that a script reading stdout finds {"ok": false, ...} rather than nothing (README, "Command line").
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "hbsim/core/output_file.hpp"

namespace hbsim {
class input_error;
}

namespace hbsim::cli {

/// j as indented JSON text, each byte that is not UTF-8 replaced (U+FFFD), never thrown on.
template <class Json>
std::string printed(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

/// {"ok": false, "exit": code, "error": {"message": ..., and an input error's file, path, expected, found,
/// hint, line, column}} on `out`, one object, printed as above.
void print_json_error(std::ostream& out, int code, std::string_view message, const input_error* input = nullptr);

/// The output written to standard output, or null (check_output_paths allows one at most): the summary then
/// goes to stderr. With `json`, whose object is stdout's, such an output is refused (input_error).
const output_request* stdout_output(std::span<const output_request> outputs, bool json);

/// Whether this process is a rank other than the first of an MPI job: its output is not the job's, and
/// CLI11 reads the command line on every rank, before a sweep's ranks other than 0 are silenced.
bool later_mpi_rank();

}  // namespace hbsim::cli
