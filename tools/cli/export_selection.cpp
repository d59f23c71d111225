#include "export_selection.hpp"

#include <optional>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/time.hpp"
#include "subcommand.hpp"

namespace hbsim::cli {

namespace {

std::optional<sim_time> time_option(const std::string& name, const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::string why;
  const auto t = parse_duration(text, &why);
  if (!t) throw input_error(name, "", "a true time such as 5ms, 1.5s or 250us", "\"" + text + "\"", why);
  return t;
}

}  // namespace

void export_selection::add_to(CLI::App& cmd) {
  std::string kinds;
  for (const std::string& k : clock_registry::standard().names()) kinds.append(kinds.empty() ? "" : ", ").append(k);
  cmd.add_option("--clocks", clocks, "clocks that label events, comma-separated (among the run's: " + kinds + "), or all")
      ->check(not_empty("clock names separated by commas, or all"));
  cmd.add_option("--from", from, "export only events at or after this true time (e.g. 5ms)")
      ->check(not_empty("a true time such as 5ms"));
  cmd.add_option("--until", until, "export only events at or before this true time")
      ->check(not_empty("a true time such as 5ms"));
  cmd.add_option("--processes", processes, "export only these processes (names, repeatable or comma-separated)")
      ->delimiter(',');
}

std::string export_selection::given() const {
  if (!clocks.empty()) return "--clocks";
  if (!from.empty()) return "--from";
  if (!until.empty()) return "--until";
  return processes.empty() ? "" : "--processes";
}

export_options export_selection::options() const {
  export_options o;
  o.clocks = parse_clocks(clocks.empty() ? "all" : clocks, clock_registry::standard().names());
  o.from = time_option("--from", from);
  o.to = time_option("--until", until);
  if (o.from && o.to && *o.to < *o.from)
    throw input_error("--until", "", "a time at or after --from (" + from + ")", until, "the window would hold no event");
  o.processes = processes;
  return o;
}

std::string format_list() {
  std::string out;
  for (std::string_view f : export_formats()) out.append(out.empty() ? "" : ", ").append(f);
  return out;
}

}  // namespace hbsim::cli
