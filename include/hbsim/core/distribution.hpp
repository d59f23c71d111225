// Distributions of durations (network delay, think time, sync error), sampled identically on every
// platform: no std::*_distribution, and the few transcendental functions are the project's own.
#pragma once

#include <string>

#include "hbsim/core/random.hpp"
#include "hbsim/core/time.hpp"

namespace hbsim {

class distribution {
 public:
  enum class kind { constant, uniform, normal, exponential, lognormal, pareto };

  static distribution constant(sim_time value);
  static distribution uniform(sim_time min, sim_time max);            // integers in [min, max]
  static distribution normal(sim_time mean, sim_time stddev);
  static distribution exponential(sim_time mean);
  static distribution lognormal(sim_time median, double sigma);
  static distribution pareto(sim_time min, double alpha);

  distribution() : distribution(constant(0)) {}

  /// One sample in nanoseconds, rounded to the nearest integer, saturated to the int64 range.
  /// May be negative (a sync error); delays clamp with sample_delay.
  sim_time sample(random_stream& rng) const;
  /// A sample for a delay: negative values (normal) become 0.
  sim_time sample_delay(random_stream& rng) const;

  kind type() const { return kind_; }
  /// The distribution's mean in ns (infinite for pareto with alpha <= 1), for tests and summaries.
  double mean() const;
  /// Readable form, e.g. "normal(mean 5ms, stddev 1ms)".
  std::string describe() const;

  /// Parameters, meaning by kind: constant (value), uniform (min, max), normal (mean, stddev),
  /// exponential (mean), lognormal (median, sigma), pareto (min, alpha).
  double first() const { return a_; }
  double second() const { return b_; }

 private:
  distribution(kind k, double a, double b) : kind_(k), a_(a), b_(b) {}
  kind kind_;
  double a_;
  double b_;
};

}  // namespace hbsim
