#include "hbsim/clocks/stamp_index.hpp"

#include "hbsim/clocks/clock_set.hpp"

namespace hbsim {

stamp_index::stamp_index(const logical_config& config) {
  const auto place = [&](std::string_view kind) {
    const auto it = std::find(config.clocks.begin(), config.clocks.end(), kind);
    return it == config.clocks.end() ? none : static_cast<std::size_t>(it - config.clocks.begin());
  };
  lamport = place("lamport");
  vector = place("vector");
  hlc = place("hlc");
  for (const chosen_clock& c : config.extra) extra.push_back(place(c.kind->name()));
}

}  // namespace hbsim
