#include "json_output.hpp"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "hbsim/core/input_error.hpp"

namespace hbsim::cli {

void print_json_error(std::ostream& out, int code, std::string_view message, const input_error* input) {
  using json = nlohmann::ordered_json;
  json error = {{"message", message}};
  if (input) {
    const auto known = [](std::size_t n) { return n ? json(n) : json(); };
    error.update({{"file", input->file()}, {"path", input->path()}, {"expected", input->expected()},
                  {"found", input->found()}, {"hint", input->hint()}, {"line", known(input->line())},
                  {"column", known(input->column())}});
  }
  out << printed(json{{"ok", false}, {"exit", code}, {"error", error}}) << "\n";
}

bool later_mpi_rank() {
  // Open MPI's, and PMI's (MPICH, Slurm) for a job started another way.
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK"})
    if (const char* rank = std::getenv(name)) return std::string(rank) != "0";
  return false;
}

const output_request* stdout_output(std::span<const output_request> outputs, bool json) {
  const auto piped = std::find_if(outputs.begin(), outputs.end(),
                                  [](const output_request& o) { return output_target(std::string(o.path)) == "-"; });
  if (piped == outputs.end()) return nullptr;
  if (json)
    throw input_error(std::string(piped->option), "", "a file when --json prints the summary on stdout",
                      "\"" + std::string(piped->path) + "\", standard output");
  return &*piped;
}

}  // namespace hbsim::cli
