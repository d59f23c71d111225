// With --json, an error that ends a command is one JSON object on stdout as well as a message on
// stderr, so that a script reading stdout finds {"ok": false, ...} rather than nothing (README,
// "Command line").
#pragma once

#include <iosfwd>
#include <string_view>

namespace hbsim {
class input_error;
}

namespace hbsim::cli {

/// {"ok": false, "exit": code, "error": {"message": ..., and an input error's file, path, expected, found,
/// hint, line, column}} on `out`, one object; bytes that are not UTF-8 (a path, a quoted argument) are
/// replaced, never thrown on.
void print_json_error(std::ostream& out, int code, std::string_view message, const input_error* input = nullptr);

/// Whether this process is a rank other than the first of an MPI job: its output is not the job's, and
/// CLI11 reads the command line on every rank, before a sweep's ranks other than 0 are silenced.
bool later_mpi_rank();

}  // namespace hbsim::cli
