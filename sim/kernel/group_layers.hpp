// What the kernel adds to a run for one of its delivery groups: layers, each with the processes it
// serves, and for a sequencer the behaviour that relays.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "hbsim/kernel/behaviour.hpp"
#include "hbsim/kernel/delivery_group.hpp"
#include "hbsim/kernel/delivery_policy.hpp"

namespace hbsim {

struct group_parts {
  std::vector<std::pair<std::shared_ptr<delivery_policy>, std::vector<process_id>>> layers;
  std::shared_ptr<behaviour> relay;  // attached to the group's sequencer
};
group_parts group_layers(const delivery_group& g);

}  // namespace hbsim
