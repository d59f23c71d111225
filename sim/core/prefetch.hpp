// Asking for memory before it is read. With a million processes each event touches tables that are
// rarely in the cache; fetching the next event's entries while this one runs hides those misses.
// A hint only: it changes no value, so runs stay byte-identical whatever it guesses.
#pragma once

#include <cstddef>

namespace hbsim {

/// Fetch the cache lines of [p, p + bytes) for reading and writing.
inline void prefetch(const void* p, std::size_t bytes) {
  constexpr std::size_t line = 64;
  const char* c = static_cast<const char*>(p);
  for (std::size_t k = 0; k < bytes; k += line) __builtin_prefetch(c + k, 1);
  __builtin_prefetch(c + bytes - 1, 1);  // the last line, when p is not aligned to one
}

}  // namespace hbsim
