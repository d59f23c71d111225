// The clock report's share for vector options (clock_comparison::vector_recorded), from the recorded
// vectors: each message's bytes under every encoding, the pruned entries, and the order the recorded
// vectors give the pairs of the first vector_pairs_judged events against the ground truth. Memory:
// the differential bookkeeping (vector_changes, processes² entries) and the judged events' vectors.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hbsim/clocks/vector/vector_changes.hpp"
#include "hbsim/judge/clock_report.hpp"

namespace hbsim {

class vector_cost {
 public:
  vector_cost(std::size_t processes, const vector_options& options);

  /// e with its vector stamp v, seen by the ground truth, whose row for e is `truth`.
  void on_event(const event_record& e, vector_stamp v, causality::row truth);
  const clock_comparison::vector_recorded& result() const { return r_; }

 private:
  struct judged {
    process_id process;
    std::uint32_t seq;
  };
  std::size_t n_;
  std::uint64_t judged_most_;
  clock_comparison::vector_recorded r_;
  vector_changes links_;
  std::vector<std::uint64_t> carried_;  // scratch: a message's differential entries
  std::vector<judged> events_;          // the judged events, and their vectors row by row
  std::vector<std::uint64_t> vectors_;
};

}  // namespace hbsim
