// Decimal digits read eight bytes at a time (SWAR), for the line codec's fast paths.
#pragma once

#include <bit>
#include <cstdint>

namespace hbsim::trace_internal {

// How many of the 8 bytes of x (the first character in the lowest byte) are decimal digits before
// the first that is not (8: all are); `values` is x with '0' taken from each byte, so the bytes of
// those digits hold their values. A borrow from a byte below '0' only reaches the bytes after it, and
// so does a carry from adding 0x76, whose high bit tells a value above 9: neither touches the digits
// that count.
[[gnu::always_inline]] inline unsigned leading_digits(std::uint64_t x, std::uint64_t& values) {
  values = x - 0x3030303030303030;
  return static_cast<unsigned>(std::countr_zero((values | (values + 0x7676767676767676)) & 0x8080808080808080)) / 8;
}

// The value of the first k (1 to 8) bytes of x, each a digit's value (0 to 9): pairs, then
// quadruples, then all eight combined by multiplication.
[[gnu::always_inline]] inline std::uint64_t value_of_digits(std::uint64_t x, unsigned k) {
  x <<= 8 * (8 - k);  // the bytes after the digits go, the missing leading digits become zeros
  x = (x * 2561) >> 8;  // 10 * byte + next byte
  x = ((x & 0x00FF00FF00FF00FF) * 6553601) >> 16;
  return ((x & 0x0000FFFF0000FFFF) * 42949672960001) >> 32;
}

}  // namespace hbsim::trace_internal
