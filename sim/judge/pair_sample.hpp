// The clock report's estimates: a uniform sample of a run's events (reservoir sampling, Algorithm L,
// from a stream of the run's seed), each with its ground-truth row, whose pairs with each other stand
// for all the run's pairs. A pair x before y (by id) is related when x is among the first row(y)[x's
// process] events of its process. Each count is estimated as a share of its whole (related or
// concurrent pairs, exact elsewhere), with a 95 % confidence interval: Wilson's, for the number of
// independent pairs that the jackknife over the sampled events (leaving out one event and its pairs at
// a time) finds, since pairs sharing an event are not independent. Memory: capacity × (processes + 8) words; cost: a comparison per event, a row copy and
// three draws per event taken (about capacity × ln(events / capacity) in all), capacity² / 2 pairs at the end.
#pragma once

#include <cstdint>
#include <vector>

#include "hbsim/core/random.hpp"
#include "hbsim/judge/clock_report.hpp"

namespace hbsim {

class pair_sample {
 public:
  pair_sample(std::size_t processes, std::size_t capacity, std::uint64_t seed);

  /// e, seen by the ground truth, whose row after e is `truth` (e's own entry is taken from e).
  void on_event(const event_record& e, causality::row truth, std::uint64_t lamport);

  struct estimates {
    clock_comparison::estimate pt_inverted, pt_tied, lamport_not_below;  // shares of the related pairs
    clock_comparison::estimate lamport_ordered, lamport_tied;             // shares of the concurrent pairs
  };
  estimates estimate() const;
  std::size_t size() const { return members_.size(); }

 private:
  struct member {
    event_id id;
    process_id process;
    std::uint32_t seq;
    sim_time pt;
    std::uint64_t lamport;
  };
  void take(std::size_t slot, const event_record& e, causality::row truth, std::uint64_t lamport);
  void shrink();                       // w_ times the largest of capacity_ uniform draws
  std::uint64_t after(std::uint64_t i);  // the index of the next event taken, after event i


  std::size_t n_;
  std::size_t capacity_;
  random_stream stream_;
  std::uint64_t seen_ = 0;
  double w_ = 1;
  std::uint64_t next_ = 0;
  std::vector<member> members_;
  std::vector<std::uint32_t> rows_;  // members_[i]'s row at [i × n_, (i + 1) × n_)
};

}  // namespace hbsim
