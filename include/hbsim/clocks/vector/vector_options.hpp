// The options of vector clocks (`logical.vector`): how a message encodes its vector, and how a process
// prunes its own. Full encoding without pruning is the canonical vector clock; the others trade bytes
// for assumptions (differential: FIFO, lossless links) or for exactness (pruning).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hbsim/core/time.hpp"

namespace hbsim {

enum class vector_encoding { full, sparse, differential };
std::string_view to_string(vector_encoding e);
std::span<const std::string_view> vector_encoding_names();

/// How the clock keeps its vectors in memory (counter_row.hpp); stamps and verdicts are the same.
enum class vector_representation { automatic, dense, sparse };
/// Processes up to which `automatic` keeps dense rows: beyond, sparse ones.
inline constexpr std::size_t dense_rows_most = 4096;

struct vector_options {
  vector_encoding encoding = vector_encoding::full;
  std::size_t max_entries = 0;   // prune past this many non-zero entries (the own one counted); 0: no cap
  std::optional<sim_time> idle;  // prune entries unchanged for longer than this (true time)
  vector_representation representation = vector_representation::automatic;

  bool prunes() const { return max_entries != 0 || idle.has_value(); }
  /// Whether a clock of that many processes keeps sparse rows: only with full encoding and no pruning,
  /// whose bookkeeping is dense.
  bool sparse_rows(std::size_t processes) const {
    return representation == vector_representation::sparse ||
           (representation == vector_representation::automatic && standard() && processes > dense_rows_most);
  }
  /// Full encoding, no pruning: what the trace's header leaves out.
  bool standard() const { return encoding == vector_encoding::full && !prunes(); }
  /// The fields of a `logical.vector` block besides `variant`.
  static std::span<const std::string_view> fields();
  /// A `logical.vector` block's options; throws input_error (path from the block, "/prune/idle") on a
  /// misuse.
  static vector_options read(const nlohmann::json& block);
  /// As a `logical.vector` block writes them (without `variant`, and without `representation`, which
  /// changes no stamp), for a trace's header.
  nlohmann::json to_json() const;
};

}  // namespace hbsim
