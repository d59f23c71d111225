// The hbsim command line (README: "Command line"): builds the app from the subcommands, one file each in tools/cli/,
// runs the one given and turns what it throws into a message and an exit code (subcommand.hpp).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/mapped_input.hpp"
#include "hbsim/core/output_file.hpp"
#include "json_output.hpp"
#include "subcommand.hpp"

namespace hbsim::cli {

// Each defined in its own file, tools/cli/<name>.cpp: a new subcommand is its file and its name here and in
// command_line's list, whose order is the order of `hbsim --help`.
subcommand_adder add_run, add_sweep, add_validate, add_schema, add_check, add_explain, add_report, add_export;

namespace {

// Reports an error that ends the command, on stderr; with `json` (--json is among the words), on stdout
// too (json_output.hpp). std::cerr flushes std::cout before it writes, and that flush must not throw again.
int report_error(int code, std::string_view what, bool json = false, const input_error* input = nullptr) {
  std::cout.exceptions(std::ios::goodbit);
  std::cerr << "hbsim: " << what << "\n";
  if (json && !later_mpi_rank()) print_json_error(std::cout, code, what, input);
  return code;
}

// Standard output that cannot be written (a full disk, a closed pipe) must not end in exit 0.
// std::cout throws at the first write that fails, while errno still says why.
int standard_output_failed(int error) {
  const std::string why = error ? std::strerror(error) : "a write failed";
  return report_error(unwritable, "cannot write to standard output: " + why);
}

// What is still buffered shows its failure at the last flush.
bool standard_output_flushed() {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return true;
  standard_output_failed(errno);
  return false;
}

// Whether --json is among the words of a command line that could not be parsed.
bool json_among(int argc, char** argv) {
  return std::any_of(argv + 1, argv + argc, [](const char* w) { return std::string_view(w) == "--json"; });
}

// Whether the subcommand given was given --json.
bool wants_json(const CLI::App& cmd) {
  const CLI::Option* json = cmd.get_option_no_throw("--json");
  return json && json->count() > 0;
}

int dispatch(const std::vector<subcommand>& subcommands) {
  std::cout.exceptions(std::ios::badbit);
  bool json = false;
  try {
    for (const subcommand& s : subcommands)
      if (*s.cmd) {
        json = wants_json(*s.cmd);
        return s.action();
      }
  } catch (const input_error& e) {
    return report_error(invalid, e.what(), json, &e);
  } catch (const std::bad_alloc&) {
    // Past what the memory estimate foresaw (it leaves out a run's smaller parts): too large for this machine,
    // as a run the estimate refuses is.
    return report_error(invalid,
                        "out of memory: the command needs more than this process may take (the memory available, "
                        "a container's limit or ulimit -v)",
                        json);
  } catch (const output_error& e) {
    return report_error(unwritable, e.what(), json);
  } catch (const std::ios_base::failure&) {
    return standard_output_failed(errno);
  } catch (const std::exception& e) {
    return report_error(internal, std::string("internal error: ") + e.what(), json);
  }
  return internal;
}

int command_line(int argc, char** argv) {
  CLI::App app{"hbsim: a deterministic simulator of logical time in distributed systems"};
  app.require_subcommand(1);
  // CLI11's own words, as every other error is told: prefixed, and with where to look.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("hbsim: ").append(e.what()).append(" (see hbsim --help, or hbsim COMMAND --help)\n");
  });
  app.set_version_flag("--version", "hbsim 0.1.0");
  std::vector<subcommand> subcommands;
  for (subcommand_adder* add : {add_run, add_sweep, add_validate, add_schema, add_check, add_explain, add_report, add_export})
    subcommands.push_back(add(app));
  // The command is the first word that is not an option; before it, only --help and --version belong.
  char** const command = std::find_if(argv + 1, argv + argc, [](const char* w) { return w[0] != '-'; });
  if (command != argv + argc) {
    const std::string_view word = *command;
    if (std::none_of(subcommands.begin(), subcommands.end(), [&](const subcommand& c) { return c.cmd->get_name() == word; })) {
      std::string names;
      for (const subcommand& c : subcommands) names.append(names.empty() ? "" : ", ").append(c.cmd->get_name());
      return report_error(invalid, std::string("unknown command \"").append(word).append("\": expected one of ")
                                       .append(names).append(" (see hbsim --help)"), json_among(argc, argv));
    }
    for (char** w = argv + 1; w != command; ++w)
      if (const std::string_view option = *w; option != "--help" && option != "-h" && option != "--version")
        return report_error(invalid, std::string(option).append(" goes after the command: hbsim ").append(word)
                                         .append(" ... ").append(option).append(" (see hbsim ").append(word)
                                         .append(" --help)"), json_among(argc, argv));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code == 0) return ok;  // --help, --version
    // A usage error: with --json among the words, its object on stdout too (app.exit told stderr).
    if (json_among(argc, argv) && !later_mpi_rank()) print_json_error(std::cout, invalid, e.what());
    return invalid;
  }
  return dispatch(subcommands);
}

}  // namespace

}  // namespace hbsim::cli

int main(int argc, char** argv) {
  using namespace hbsim::cli;
  hbsim::remove_temporaries_on_signals();
  hbsim::refuse_shrunk_inputs_on_sigbus();
  const int code = command_line(argc, argv);
  std::cout.exceptions(std::ios::goodbit);  // the flush at exit must not throw
  // An error already reported keeps its code; standard output failing is then said besides.
  if (code == unwritable || standard_output_flushed()) return code;
  return code == ok || code == failed ? unwritable : code;
}
