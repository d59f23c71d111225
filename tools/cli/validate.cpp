// hbsim validate: checks scenario files without running them, each on its own line.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/run/memory_estimate.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "subcommand.hpp"

namespace hbsim::cli {

namespace {

struct validate_args {
  std::vector<std::string> files;

  void add_to(CLI::App& cmd) { cmd.add_option("scenarios", files, "scenario files")->required(); }
};

int validate_command(const validate_args& a) {
  int code = ok;
  for (const std::string& f : a.files) {
    try {
      const scenario s = load_scenario(f);
      const std::uint64_t memory = estimate_memory(s, true).bytes;
      std::cout << "ok  " << f << ": \"" << s.name << "\", " << s.processes.size() << " processes, "
                << s.script.size() << " scripted actions, " << s.on_receive.size() << " rules, "
                << s.generate.size() << " generators, " << s.faults.size() << " faults, " << s.expect.size()
                << " expectations; a run's memory estimated at " << size_text(memory);
      // Valid, and may run on a larger machine: said, not refused (hbsim run refuses it here).
      if (const auto available = available_memory(); available && memory > *available)
        std::cout << ", more than the " << size_text(*available) << " available here: hbsim run refuses it";
      std::cout << "\n";
    } catch (const input_error& e) {
      std::cerr << "hbsim: " << e.what() << "\n";
      code = invalid;
    }
  }
  return code;
}

}  // namespace

subcommand add_validate(CLI::App& app) {
  return make_subcommand(app, "validate", "check scenario files without running them", validate_command);
}

}  // namespace hbsim::cli
