// A replayed event's stamps (event_record::stamps: one per kind of `clocks`, in its order), from the
// standard kinds' fields the reader parsed and the other kinds' words. Its buffers are reused event
// after event: the stamps stay valid until the next fill.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "hbsim/clocks/clock_set.hpp"

namespace hbsim::trace_internal {

class record_stamps {
 public:
  explicit record_stamps(const logical_config& clocks) : places_(clocks), stamps_(clocks.clocks.size()) {}

  /// `extra`: the words of logical_config::extra's kinds, in its order.
  void fill(event_record& r, std::span<const std::vector<std::uint64_t>> extra = {}) {
    if (places_.lamport != stamp_index::none) {
      lamport_ = r.lamport;
      stamps_[places_.lamport] = {&lamport_, 1};
    }
    if (places_.vector != stamp_index::none) {
      vector_.assign(r.vector.begin(), r.vector.end());
      stamps_[places_.vector] = vector_;
    }
    if (places_.hlc != stamp_index::none) {
      hlc_ = hlc_words(r.hlc);
      stamps_[places_.hlc] = hlc_;
    }
    for (std::size_t k = 0; k < extra.size(); ++k) stamps_[places_.extra[k]] = extra[k];
    r.stamps = stamps_;
  }

 private:
  stamp_index places_;
  std::vector<stamp_words> stamps_;
  std::uint64_t lamport_ = 0;
  std::vector<std::uint64_t> vector_;
  std::array<std::uint64_t, 2> hlc_{};
};

}  // namespace hbsim::trace_internal
