// What the vector-keeping policies share: vectors of named counters, compared, joined and written.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace hbsim::data_internal {

using counters = std::map<std::string, std::uint64_t>;

enum class vector_order { before, after, equal, concurrent };

inline std::uint64_t entry(const counters& v, const std::string& name) {
  const auto it = v.find(name);
  return it == v.end() ? 0 : it->second;
}

/// a ≥ b entrywise.
inline bool covers(const counters& a, const counters& b) {
  for (const auto& [name, n] : b)
    if (entry(a, name) < n) return false;
  return true;
}

inline vector_order compare(const counters& a, const counters& b) {
  const bool ab = covers(b, a), ba = covers(a, b);
  if (ab && ba) return vector_order::equal;
  if (ab) return vector_order::before;
  if (ba) return vector_order::after;
  return vector_order::concurrent;
}

inline void raise(counters& v, const std::string& name, std::uint64_t n) {
  if (n == 0) return;
  std::uint64_t& e = v[name];
  if (e < n) e = n;
}

inline void join_into(counters& into, const counters& v) {
  for (const auto& [name, n] : v) raise(into, name, n);
}

/// {"A":1,"B":2}: names as JSON strings (process and client names need no escaping but quotes are kept safe).
std::string vector_json(const counters& v);

}  // namespace hbsim::data_internal
