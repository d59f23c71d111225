// Where each chosen kind's stamp sits among an event's stamps (event_record::stamps holds one per kind
// of the scenario's `clocks`, in its order). Built once per run, so that no consumer looks a kind up by
// name per event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/lamport/lamport_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/kernel/event.hpp"

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

  /// The standard kinds' stamps of an event of the run, decoded; 0, (0, 0) and no entries when the run
  /// did not choose the kind.
  std::uint64_t lamport_of(const event_record& e) const {
    return lamport == none ? 0 : hbsim::lamport_of(e.stamps[lamport]);
  }
  hlc_stamp hlc_of(const event_record& e) const { return hlc == none ? hlc_stamp{} : hbsim::hlc_of(e.stamps[hlc]); }
  vector_stamp vector_of(const event_record& e) const {
    return vector == none ? vector_stamp{} : hbsim::vector_of(e.stamps[vector]);
  }
};

}  // namespace hbsim
