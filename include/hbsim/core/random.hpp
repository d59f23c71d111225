// Every random choice comes from one seeded source, split into independent streams: one per
// process and purpose, one per directed link. A stream is counter-based (key, counter), so adding a
// process or a link never shifts the numbers another stream draws.
#pragma once

#include <cstdint>

namespace hbsim {

/// SplitMix64's finalizer: a bijective 64-bit mix, the building block of the streams.
std::uint64_t mix64(std::uint64_t x);

/// One independent stream of 64-bit random numbers.
class random_stream {
 public:
  explicit random_stream(std::uint64_t key = 0) : key_(key), mixed_key_(mix64(key)) {}

  std::uint64_t next_u64();
  /// Uniform in [0, 1) with 53 random bits.
  double next_unit();
  /// Uniform in (0, 1): never 0, for logarithms.
  double next_open_unit();
  /// Uniform integer in [0, n); n > 0. Unbiased (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t n);
  /// True with probability p (p <= 0: never, p >= 1: always; draws one number either way).
  bool chance(double p);

  std::uint64_t key() const { return key_; }
  std::uint64_t position() const { return counter_; }

 private:
  std::uint64_t key_;
  std::uint64_t mixed_key_;  // mix64(key_), computed once rather than per draw
  std::uint64_t counter_ = 0;
};

/// What a process stream is for; each purpose is a separate stream so that, say, enabling clock
/// sync does not change the workload's choices.
enum class stream_purpose : std::uint64_t { workload = 1, clock = 2, user = 3 };

/// The seeded source the streams derive from.
class random_source {
 public:
  explicit random_source(std::uint64_t seed);
  std::uint64_t seed() const { return seed_; }
  random_stream process_stream(std::uint32_t process, stream_purpose purpose) const;
  /// The stream of the index-th message sent on the directed link from → to. A stream per message
  /// (rather than one per link advanced by each message) needs no per-link state, and the draws of a
  /// message never depend on how many numbers earlier messages on its link consumed.
  random_stream link_stream(std::uint32_t from, std::uint32_t to, std::uint64_t index) const;
  /// A stream for one numbered draw of something that is sampled lazily (clock sync epochs).
  random_stream indexed_stream(std::uint32_t process, stream_purpose purpose, std::uint64_t index) const;

 private:
  std::uint64_t seed_;
  std::uint64_t link_base_;  // the seed and the link tag, absorbed once
};

}  // namespace hbsim
