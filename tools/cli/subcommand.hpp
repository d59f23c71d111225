// A subcommand of the hbsim command line: its options on the CLI11 app, its action, its exit codes
// (README, "Command line"). Each subcommand lives in its own file, tools/cli/<name>.cpp; main.cpp lists them.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace hbsim::cli {

// 0 every check holds, 1 a check failed, 2 invalid input, 3 internal error, 4 an output could not be
// written: the command was sound and so was the run, but a full disk or a closed pipe stopped it,
// neither invalid input nor a bug.
enum exit_code { ok = 0, failed = 1, invalid = 2, internal = 3, unwritable = 4 };

struct subcommand {
  CLI::App* cmd;                // its options; true after parsing when this subcommand was given
  std::function<int()> action;  // returns an exit_code; throws input_error, output_error
};

// "1 event", "3 events": a count and its noun, the plural given when adding an "s" does not make it.
inline std::string counted(std::uint64_t n, const std::string& one, const std::string& many = "") {
  return std::to_string(n).append(" ").append(n == 1 ? one : many.empty() ? one + "s" : many);
}

// For an option whose empty value would silently mean what leaving it out means (an output that writes
// nothing, every clock, no bound): refused, saying what was `expected`.
inline CLI::Validator not_empty(const std::string& expected) {
  return CLI::Validator(
      [expected](const std::string& value) { return value.empty() ? "expected " + expected + ", found \"\"" : std::string(); },
      "");
}
inline const CLI::Validator output_path = not_empty("a file name");

// Adds a subcommand and its options to the app. The action reads the options as parsed, so their
// variables live as long as it does.
using subcommand_adder = subcommand(CLI::App& app);

// The subcommand `name` whose options are the members of an Args (added by its add_to(CLI::App&)),
// which `action` then reads.
template <class Args>
subcommand make_subcommand(CLI::App& app, std::string name, std::string description, int (*action)(const Args&)) {
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(std::move(name), std::move(description));
  args->add_to(*cmd);
  return {cmd, [args, action] { return action(*args); }};
}

}  // namespace hbsim::cli
