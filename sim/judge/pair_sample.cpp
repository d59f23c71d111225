#include "judge/pair_sample.hpp"

#include "core/det_math.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hbsim {

namespace {

// The sample's stream: apart from every stream the run draws from (process and link streams are
// derived from the seed otherwise), so that comparing the clocks never changes the run.
constexpr std::uint64_t sample_tag = 0x636c6f636b73616dULL;  // "clocksam"

// Each sampled event's pairs with the others, counted by what the pair is.
struct tally {
  std::uint32_t related = 0, concurrent = 0;
  std::uint32_t pt_inverted = 0, pt_tied = 0, lamport_not_below = 0;  // among its related pairs
  std::uint32_t lamport_ordered = 0, lamport_tied = 0;                // among its concurrent pairs
};

void add(tally& to, const tally& d) {
  to.related += d.related;
  to.concurrent += d.concurrent;
  to.pt_inverted += d.pt_inverted;
  to.pt_tied += d.pt_tied;
  to.lamport_not_below += d.lamport_not_below;
  to.lamport_ordered += d.lamport_ordered;
  to.lamport_tied += d.lamport_tied;
}

// part / whole over the sampled pairs, and its 95 % interval: the jackknife's variance (the ratio
// recomputed without each sampled event in turn, its pairs being those it is part of) gives the
// effective number of independent pairs, n = share (1 − share) / variance, and the interval is
// Wilson's for that n: within [0, 1], and not symmetric about the share. Wilson's, not share ± 1.96
// √variance, so that a share seen as 0 (or 1) on the sample still gets an interval: then n is taken as
// the sampled events.
clock_comparison::estimate jackknife(const std::vector<tally>& per, std::uint32_t tally::*part,
                                     std::uint32_t tally::*whole) {
  std::uint64_t num = 0, den = 0;
  for (const tally& t : per) {
    num += t.*part;
    den += t.*whole;
  }
  num /= 2;  // each pair is in two events' tallies
  den /= 2;
  if (den == 0) return {};
  std::vector<double> without;
  without.reserve(per.size());
  for (const tally& t : per)
    if (den > t.*whole)
      without.push_back(static_cast<double>(num - t.*part) / static_cast<double>(den - t.*whole));
  double var = 0;
  if (without.size() > 1) {
    const double m = static_cast<double>(without.size());
    const double mean = std::accumulate(without.begin(), without.end(), 0.0) / m;
    for (const double w : without) var += (w - mean) * (w - mean);
    var *= (m - 1) / m;
  }
  const double share = static_cast<double>(num) / static_cast<double>(den);
  const double spread = share * (1 - share);
  const double n = std::min(static_cast<double>(den), var > 0 && spread > 0 ? spread / var
                                                                             : static_cast<double>(per.size()));
  constexpr double z = 1.96;
  const double center = (share + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z * std::sqrt(spread / n + z * z / (4 * n * n)) / (1 + z * z / n);
  const double low = std::max(0.0, center - half), high = std::min(1.0, center + half);
  return {share, std::max(share - low, high - share), den, low, high};
}

}  // namespace

pair_sample::pair_sample(std::size_t processes, std::size_t capacity, std::uint64_t seed)
    : n_(processes), capacity_(std::max<std::size_t>(capacity, 2)), stream_(mix64(seed ^ sample_tag)) {}

void pair_sample::on_event(const event_record& e, causality::row truth, std::uint64_t lamport) {
  const std::uint64_t i = seen_++;
  if (i < capacity_) {
    members_.emplace_back();
    rows_.resize(rows_.size() + n_);
    take(members_.size() - 1, e, truth, lamport);
    if (i + 1 == capacity_) {
      shrink();
      next_ = after(i);
    }
  } else if (i == next_) {
    take(static_cast<std::size_t>(stream_.below(capacity_)), e, truth, lamport);
    shrink();
    next_ = after(i);
  }
}

// Algorithm L (Li 1994): the sample holds the capacity events with the smallest uniform keys, w is the
// largest key kept, so the gap to the next event whose key falls below it is geometric with parameter
// w; a few draws per event taken, none per event passed over.
void pair_sample::shrink() { w_ *= det_exp(det_log(stream_.next_open_unit()) / static_cast<double>(capacity_)); }

std::uint64_t pair_sample::after(std::uint64_t i) {
  const double u = stream_.next_open_unit();
  // log(1 − w) < 0 unless w rounds to 0 or 1: then never again, or the next event.
  const double log_kept = 1 - w_ > 0 ? det_log(1 - w_) : -0x1p62;
  const double gap = log_kept < 0 ? std::floor(det_log(u) / log_kept) : 0x1p62;
  return i + 1 + static_cast<std::uint64_t>(std::min(gap, 0x1p62));
}

void pair_sample::take(std::size_t slot, const event_record& e, causality::row truth, std::uint64_t lamport) {
  members_[slot] = {e.id, e.process, static_cast<std::uint32_t>(e.seq), e.pt, lamport};
  std::uint32_t* row = rows_.data() + slot * n_;
  std::copy(truth.begin(), truth.end(), row);
  row[e.process] = static_cast<std::uint32_t>(e.seq);
}

pair_sample::estimates pair_sample::estimate() const {
  std::vector<std::size_t> order(members_.size());  // by id: x before y in each pair
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) { return members_[a].id < members_[b].id; });
  std::vector<member> sorted(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) sorted[i] = members_[order[i]];
  std::vector<tally> per(order.size());  // in that order
  for (std::size_t yi = 0; yi < sorted.size(); ++yi) {
    const member y = sorted[yi];
    const std::uint32_t* row = rows_.data() + order[yi] * n_;
    tally ty;
    for (std::size_t xi = 0; xi < yi; ++xi) {  // branch-free: a few adds per pair
      const member& x = sorted[xi];
      const std::uint32_t related = x.seq <= row[x.process], concurrent = 1 - related;
      const std::uint32_t lamport_tied = concurrent & (x.lamport == y.lamport);
      const tally d{related,
                    concurrent,
                    related & (x.pt > y.pt),
                    related & (x.pt == y.pt),
                    related & (x.lamport >= y.lamport),
                    concurrent - lamport_tied,
                    lamport_tied};
      add(per[xi], d);
      add(ty, d);
    }
    add(per[yi], ty);
  }
  return {jackknife(per, &tally::pt_inverted, &tally::related), jackknife(per, &tally::pt_tied, &tally::related),
          jackknife(per, &tally::lamport_not_below, &tally::related),
          jackknife(per, &tally::lamport_ordered, &tally::concurrent),
          jackknife(per, &tally::lamport_tied, &tally::concurrent)};
}

}  // namespace hbsim
