// hbsim schema: prints the JSON Schema of scenario files, compiled in so that the binary works away
// from the source tree.
#include <iostream>

#include "schema_text.hpp"
#include "subcommand.hpp"

namespace hbsim::cli {

subcommand add_schema(CLI::App& app) {
  auto* cmd = app.add_subcommand("schema", "print the JSON Schema of scenario files");
  return {cmd, [] {
            std::cout << hbsim_schema_text;
            return int{ok};
          }};
}

}  // namespace hbsim::cli
