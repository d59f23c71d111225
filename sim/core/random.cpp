#include "hbsim/core/random.hpp"

#include <stdexcept>

namespace hbsim {

namespace {

// 2^64/φ, SplitMix64's increment: odd, so counter·golden visits every 64-bit value once.
constexpr std::uint64_t golden = 0x9E3779B97F4A7C15;

// Kind tags for random_source, so a process stream, a link stream and an indexed stream never
// share a key even when their numeric arguments coincide.
constexpr std::uint64_t tag_process = 0x70726F63;  // "proc"
constexpr std::uint64_t tag_link = 0x6C696E6B;     // "link"
constexpr std::uint64_t tag_indexed = 0x696E6478;  // "indx"

// GCC/Clang builtin; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 u128;

// Folds one more value into a key. For a fixed h, v ↦ result is a bijection (three bijections
// composed), so keys differing in one argument never collide; the two mixes put at least two
// full avalanche rounds between any argument and the key.
std::uint64_t absorb(std::uint64_t h, std::uint64_t v) { return mix64(h ^ mix64(v + golden)); }

}  // namespace

std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
  return x ^ (x >> 31);
}

// Output i is mix64(mix64(key) ^ mix64(golden·(i + 1))). The counter half is exactly the SplitMix64
// sequence (which passes BigCrush: Steele, Lea & Flood, OOPSLA 2014) and a bijection of i, so for a
// fixed key the outputs never repeat within 2^64 draws. The key is mixed on its own, so even keys 1
// and 2 differ in about half their bits. Two streams thus feed the final mix inputs that differ by a
// fixed pseudo-random XOR at equal positions and by unrelated values elsewhere: unlike SplitMix64
// seeded with different states (streams that are shifted copies of one sequence, and overlap), their
// outputs are related by nothing beyond chance. Three mixes per draw cost a few nanoseconds.
std::uint64_t random_stream::next_u64() {
  const std::uint64_t out = mix64(mixed_key_ ^ mix64(golden * (counter_ + 1)));
  ++counter_;
  return out;
}

double random_stream::next_unit() { return static_cast<double>(next_u64() >> 11) * 0x1p-53; }

// (k + ½)·2^-52 for a 52-bit k: strictly inside (0, 1), exactly representable, symmetric around ½,
// and one draw per value.
double random_stream::next_open_unit() { return (static_cast<double>(next_u64() >> 12) + 0.5) * 0x1p-52; }

// Lemire, "Fast random integer generation in an interval" (2019): the high word of x·n is uniform
// once the low words that would make some outcomes one more likely are rejected.
std::uint64_t random_stream::below(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("random_stream::below: n must be positive");
  u128 m = static_cast<u128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      m = static_cast<u128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

// next_unit is in [0, 1), so p <= 0 never succeeds and p >= 1 always does, without a special case
// that would skip the draw and shift the rest of the stream.
bool random_stream::chance(double p) { return next_unit() < p; }

random_stream random_source::process_stream(std::uint32_t process, stream_purpose purpose) const {
  return random_stream(
      absorb(absorb(absorb(seed_, tag_process), process), static_cast<std::uint64_t>(purpose)));
}

random_source::random_source(std::uint64_t seed) : seed_(seed), link_base_(absorb(seed, tag_link)) {}

random_stream random_source::link_stream(std::uint32_t from, std::uint32_t to, std::uint64_t index) const {
  // from and to share one absorbed word: the pair is one link, and it saves a mixing round per message.
  return random_stream(absorb(absorb(link_base_, (std::uint64_t{from} << 32) | to), index));
}

random_stream random_source::indexed_stream(std::uint32_t process, stream_purpose purpose,
                                             std::uint64_t index) const {
  return random_stream(absorb(
      absorb(absorb(absorb(seed_, tag_indexed), process), static_cast<std::uint64_t>(purpose)), index));
}

}  // namespace hbsim
