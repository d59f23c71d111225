// Where each chosen kind's stamp sits among an event's stamps (event_record::stamps holds one per kind
// of the scenario's `clocks`, in its order). Built once per run, so that no consumer looks a kind up by
// name per event.
#pragma once

#include <cstddef>
#include <vector>

namespace hbsim {

struct logical_config;

struct stamp_index {
  static constexpr std::size_t none = ~std::size_t{0};
  /// The standard kinds' places; none when the run did not choose them.
  std::size_t lamport = none, vector = none, hlc = none;
  /// The place of each kind of logical_config::extra, in its order.
  std::vector<std::size_t> extra;

  stamp_index() = default;
  explicit stamp_index(const logical_config& config);
};

}  // namespace hbsim
