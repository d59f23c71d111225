// The HTML export's plot of replicated data's version metadata: per key, the bytes of the versions
// each replica holds after each event that changed its state (FORMAT.md, Replicated data). Client
// vectors grow with the clients that wrote, dotted version vectors with the replicas.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "views/space_time_diagram.hpp"

namespace hbsim {

/// Per key, ascending: one <svg class="metadata" data-key=...> with a step line per replica whose
/// state of the key the shown events changed; empty without data.
std::vector<std::pair<std::string, std::string>> metadata_plot_svgs(const diagram_exporter& d);

}  // namespace hbsim
