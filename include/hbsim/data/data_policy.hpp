// A policy of replicated data as one module, like a clock kind: its name (the scenario's
// `data.policy`), variants and options, how a replica applies a write and merges the state another
// replica sent, and how it writes the metadata it keeps. make_policy() lists the policies.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/core/ids.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/data/data_config.hpp"

namespace hbsim {

/// A stored value's metadata; each policy uses its part.
struct version {
  std::vector<std::uint64_t> stamp;              // lww: the stamp's numbers, then the writer's index
  std::map<std::string, std::uint64_t> vector;   // version and client vectors; dvv: the context
  std::string dot_replica;                       // dvv: the dot (r, n)
  std::uint64_t dot_n = 0;
};

struct stored_value {
  event_id write = 0;
  std::string value;  // JSON text
  version v;
};

/// A replica's state of one key: the values it keeps (siblings), ascending by write.
using key_state = std::vector<stored_value>;

/// A write as the policy sees it.
struct write_request {
  event_id write = 0;
  std::string value;
  process_id replica = 0;       // where it is put
  std::string replica_name;
  std::string client;
  version context;              // the join of what the client's context holds
  sim_time pt = 0;              // the put event's stamps, for lww
  std::uint64_t lamport = 0;
  sim_time hlc_l = 0;
  std::uint64_t hlc_c = 0;
};

class data_policy {
 public:
  virtual ~data_policy() = default;
  virtual std::string_view name() const = 0;
  /// Its variants, canonical first.
  virtual std::span<const std::string_view> variants() const = 0;
  /// The fields of `data` it reads besides policy, replicate and variant.
  virtual std::span<const std::string_view> options() const { return {}; }

  /// Applies the write at its replica; returns the version the write got.
  virtual version put(key_state& s, const write_request& w) const = 0;
  /// Merges the state another replica sent.
  virtual void merge(key_state& s, const key_state& incoming) const = 0;
  /// What a context made of these stored values knows: their join.
  virtual void join(version& into, const version& v) const = 0;
  /// The version as trace JSON text; `names` are the processes.
  virtual std::string write(const version& v, std::span<const std::string> names) const = 0;
};

/// A version's size on the wire, the same rule for every policy (so a trace's version, read back, has it
/// too): 8 bytes per stamp word (lww's writer an 8-byte id), 16 per vector entry (an id and a counter),
/// 16 for a dvv's dot.
constexpr std::uint64_t version_bytes(std::size_t stamp_words, std::size_t vector_entries, bool dot) {
  return 8 * stamp_words + 16 * vector_entries + (dot ? 16 : 0);
}
inline std::uint64_t version_bytes(const version& v) {
  return version_bytes(v.stamp.size(), v.vector.size(), !v.dot_replica.empty());
}

/// The policies a scenario may name, in the order FORMAT.md gives them.
std::span<const std::string_view> data_policy_names();
/// The policy of the config (its name one of data_policy_names()); throws std::invalid_argument otherwise.
std::unique_ptr<data_policy> make_policy(const data_config& c);

}  // namespace hbsim
