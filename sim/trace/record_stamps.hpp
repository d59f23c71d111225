// A replayed event's stamps (event_record::stamps: one per kind of `clocks`, in its order), from the
// standard kinds' values the reader parsed and the other kinds' words. Its buffers are reused event
// after event: the stamps stay valid until the next fill.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "hbsim/clocks/clock_set.hpp"

namespace hbsim::trace_internal {

/// The Lamport and HLC values of a line, as a reader parses them (0 when the run did not choose them).
struct standard_values {
  std::uint64_t lamport = 0;
  hlc_stamp hlc;
};

class record_stamps {
 public:
  explicit record_stamps(const logical_config& clocks) : places_(clocks), stamps_(clocks.clocks.size()) {}

  /// `vector`: the event's vector (one counter per process), which the stamps point to; `extra`: the
  /// words of logical_config::extra's kinds, in its order.
  void fill(event_record& r, const standard_values& values, stamp_words vector,
            std::span<const std::vector<std::uint64_t>> extra = {}) {
    if (places_.lamport != stamp_index::none) {
      lamport_ = values.lamport;
      stamps_[places_.lamport] = {&lamport_, 1};
    }
    if (places_.vector != stamp_index::none) stamps_[places_.vector] = vector;
    if (places_.hlc != stamp_index::none) {
      hlc_ = hlc_words(values.hlc);
      stamps_[places_.hlc] = hlc_;
    }
    for (std::size_t k = 0; k < extra.size(); ++k) stamps_[places_.extra[k]] = extra[k];
    r.stamps = stamps_;
  }

 private:
  stamp_index places_;
  std::vector<stamp_words> stamps_;
  std::uint64_t lamport_ = 0;
  std::array<std::uint64_t, 2> hlc_{};
};

}  // namespace hbsim::trace_internal
