// hbsim validate: checks scenario files without running them, each on its own line.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hbsim/core/json_text.hpp"
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

// Whether `file` is a JSON Schema (an object with "$schema"), which `hbsim validate scenarios/*.json`
// meets beside the scenarios: said and passed over, not an error.
bool json_schema(const std::string& file) {
  std::ifstream in(file);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  return j.is_object() && j.contains("$schema");
}

int validate_command(const validate_args& a) {
  int code = ok;
  for (const std::string& f : a.files) {
    try {
      const scenario s = load_scenario(f);
      const memory_estimate memory = estimate_memory(s, true);
      std::cout << "ok  " << f << ": \"" << visible_text(s.name) << "\", " << counted(s.processes.size(), "process", "processes")
                << ", " << counted(s.script.size(), "scripted action") << ", " << counted(s.on_receive.size(), "rule")
                << ", " << counted(s.generate.size(), "generator") << ", " << counted(s.faults.size(), "fault") << ", "
                << counted(s.expect.size(), "expectation") << "; a run's memory estimated at " << size_text(memory.bytes);
      if (memory.most > memory.bytes)
        std::cout << " as its sparse vectors start, up to " << size_text(memory.most) << " if they fill up";
      // Valid, and may run on a larger machine: said, not refused (hbsim run refuses it here).
      if (const auto available = available_memory(); available && memory.bytes > *available)
        std::cout << ", more than the " << size_text(*available) << " available here: hbsim run refuses it";
      else if (available && memory.most > *available)
        std::cout << ", more than the " << size_text(*available)
                  << " available here: hbsim run stops it (exit 2) if it grows past that";
      std::cout << "\n";
    } catch (const input_error& e) {
      if (e.path() == "/$schema" && json_schema(f)) {  // refused at its first field: a small file, read again
        std::cout << "skip " << f << ": a JSON Schema (such as scenarios/schema.json), not a scenario\n";
        continue;
      }
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
