// The trace's line codec: one line of an hbsim trace into a record. Two paths read a line:
// - the fast path (line_codec_fast.cpp) reads the lines hbsim writes, byte for byte in the writer's
//   shape, on the read-ahead threads. Anything else (another key order, spaces, escapes, a value out
//   of range, an error) makes it give up;
// - the general path (line_codec_json.cpp) then reads the line through nlohmann, on the replaying
//   thread: it is the authority on what is accepted and on every error message.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/data/data_note.hpp"
#include "hbsim/kernel/ntp_note.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "trace/record_stamps.hpp"

namespace hbsim::trace_internal {

inline constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t uint32_max = std::numeric_limits<std::uint32_t>::max();

/// What the fast path writes a vector's entries as: the one place to change for another element type.
using vector_value = std::uint64_t;

inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

std::optional<event_kind> kind_named(std::string_view s);
std::optional<drop_reason> reason_named(std::string_view s);

// Which of the fields that depend on the kind a line has.
struct present {
  bool messages = false, message = false, from = false, send = false;
};

// The header's processes, as both threads look them up. Not changed during a replay.
class process_table {
 public:
  /// `simd`: whether dense vectors may be read 64 bytes at a time where the processor can (the tests
  /// compare both ways).
  explicit process_table(const scenario& header, bool simd = true);

  std::optional<process_id> find(std::string_view name) const {
    for (std::size_t slot = hash(name);; ++slot) {
      const process_id q = slots_[slot & (slots_.size() - 1)];
      if (q == no_process) return std::nullopt;
      if (names[q] == name) return q;
    }
  }

  /// An event line in the writer's shape: fills r (but its spans), values, vector_out (vector_width
  /// entries) or, with sparse_vectors, appends the vector to sparse_out as sparse stamp words
  /// (vector_stamp.hpp), and messages.
  bool fast_event(std::string_view text, event_record& r, standard_values& values, vector_value* vector_out,
                  std::vector<sent_message>& messages, std::vector<vector_value>* sparse_out = nullptr) const;
  bool fast_drop(std::string_view text, drop_record& d) const;
  /// Whether dense vectors are read 64 bytes at a time (line_codec_simd.cpp).
  bool simd_vectors() const { return !skeleton_.empty(); }
  /// A dense vector's entries after its "{", that way (n entries), to its "}" (returned); nullptr when it is
  /// not one such a vector, and then the scalar loop reads it. Public for the tests, which compare the two.
  const char* dense_vector_at(const char* p, const char* end, vector_value* vector) const;

  const std::size_t n;
  std::vector<std::string> names;
  std::string known;  // the first names, for messages
  const logical_config& clocks;  // the header's: the fast path reads the standard kinds only
  // Asked once rather than on every line: whether the fast path reads these lines (no other kinds),
  // and which of the standard fields they have, in the writer's order (lamport, vector, hlc).
  const bool fast;
  const bool has_lamport, has_vector, has_hlc;
  /// Whether both paths read vectors into sparse stamps (as many words as non-zero entries, plus
  /// one), as a run of that many processes keeps them (logical.vector.representation): a vector of a
  /// hundred thousand processes is then not spread over as many words on every line, and every stamp
  /// of a trace has one form.
  const bool sparse_vectors;
  /// Entries of an event's vector on the fast path: n, or 0 without vectors (a run of Lamport and HLC
  /// may have a million processes) or with sparse ones.
  const std::size_t vector_width;

 private:
  // Steps of the fast path (line_codec_fast.cpp): each returns the position after what it read,
  // or nullptr to give up.
  const char* name_at(const char* p, const char* end, process_id& q) const;
  const char* vector_at(const char* p, const char* end, vector_value* vector) const;
  static bool simd_available();
  const char* sparse_vector_at(const char* p, const char* end, std::vector<vector_value>& out) const;
  const char* messages_at(const char* p, const char* end, std::vector<sent_message>& messages) const;

  // A vector key as the writer writes it ("name":). With the comma before it, one of at most 15 bytes
  // is compared with two masked 8-byte loads instead of memcmp.
  struct key {
    explicit key(std::string quoted) : text(std::move(quoted)) { masked("," + text, comma_word, comma_mask); }
    bool at(const char* p, const char* end) const {
      return static_cast<std::size_t>(end - p) >= text.size() && std::memcmp(p, text.data(), text.size()) == 0;
    }
    template <bool wide>  // "," and the key: at most 16 (wide) or 8 bytes, with 16 bytes readable at p
    bool after_comma(const char* p) const {
      return matches<wide>(p, comma_word, comma_mask);
    }
    std::uint64_t comma_word[2] = {}, comma_mask[2] = {};
    std::string text;

   private:
    static void masked(const std::string& s, std::uint64_t (&w)[2], std::uint64_t (&m)[2]) {
      if (s.size() > 16) return;
      char bytes[16] = {}, ones[16] = {};
      std::memcpy(bytes, s.data(), s.size());
      std::memset(ones, 0xFF, s.size());
      for (int i = 0; i < 2; ++i) {
        w[i] = load8(bytes + 8 * i);
        m[i] = load8(ones + 8 * i);
      }
    }
    template <bool wide>
    static bool matches(const char* p, const std::uint64_t (&w)[2], const std::uint64_t (&m)[2]) {
      if constexpr (wide) return (((load8(p) ^ w[0]) & m[0]) | ((load8(p + 8) ^ w[1]) & m[1])) == 0;
      return ((load8(p) ^ w[0]) & m[0]) == 0;
    }
  };

  // Names by hash, open addressing in a table at most half full: cheaper than std::hash on the
  // three names of each line.
  static std::size_t hash(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325;  // FNV-1a
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
  std::vector<process_id> slots_;
  std::vector<key> keys;
  std::size_t key_bytes_ = 0;  // the longest key
  // A dense vector's bytes but its numbers ("p0":,"p1":,...}), for dense_vector_at; empty when it is not
  // used: no such processor, or a name with a ':' (a number could then hide inside a key).
  std::string skeleton_;
};

// The general path: a line parsed by nlohmann, every field checked, every error naming the file, the
// line and the JSON path inside it. Used by the replaying thread only.
class json_line_codec {
 public:
  json_line_codec(const std::string& file, const process_table& table)
      : file_(file), table_(table), dense_(table.sparse_vectors ? 0 : table.n), stamps_(table.clocks) {}

  /// The line being read, for error messages.
  std::size_t line = 0;

  [[noreturn]] void fail(std::string path, std::string expected, std::string found) const;
  /// The field `key` of o, or an error when it is required and missing (else null).
  const nlohmann::json* field(const nlohmann::json& o, const char* key, const char* what, bool required = true) const;
  const std::string& string(const nlohmann::json& v, const std::string& path, const std::string& what) const;

  /// An event line into event(), which is valid until the next call.
  present read_event(const nlohmann::json& o);
  const event_record& event() const { return rec_; }
  event_record& event() { return rec_; }
  /// Its Lamport and HLC values and its vector, which its stamps point to.
  const standard_values& values() const { return values_; }
  stamp_words vector() const { return table_.sparse_vectors ? sparse_ : dense_; }
  drop_record read_drop(const nlohmann::json& o) const;
  /// A fault line into a record that carries the fault; `index` counts the fault lines before it.
  fault_record read_fault(const nlohmann::json& o, std::size_t index) const;

 private:
  std::int64_t integer(const nlohmann::json& v, const std::string& path, const char* what, std::int64_t lo,
                       std::int64_t hi) const;
  std::int64_t integer_field(const nlohmann::json& o, const char* key, const char* what, std::int64_t lo,
                             std::int64_t hi) const;
  std::uint64_t counter(const nlohmann::json& v, const std::string& path) const;
  std::uint64_t counter_field(const nlohmann::json& o, const char* key) const;
  sim_time time_field(const nlohmann::json& o, const char* key) const;
  std::string process_wanted() const;
  process_id process(const nlohmann::json& v, const std::string& path) const;
  process_id process_field(const nlohmann::json& o, const char* key) const;
  std::vector<process_id> process_list(const nlohmann::json& v, const std::string& path) const;
  hold_mode mode(const nlohmann::json& o) const;
  std::optional<sim_time> heal(const nlohmann::json& o) const;
  /// The field `key` of o: one of the N names of Enum.
  template <class Enum, std::size_t N>
  Enum enum_field(const nlohmann::json& o, const char* key, std::optional<Enum> (*named)(std::string_view)) const;
  void read_vector(const nlohmann::json& o);
  void read_hlc(const nlohmann::json& o);
  /// The fields of the kinds beyond the standard three, through their modules.
  void read_stamps(const nlohmann::json& o);
  void read_messages(const nlohmann::json& ms);
  /// A data event's `data` and `state` (line_codec_data.cpp) into data_.
  void read_data(const nlohmann::json& d, const nlohmann::json* state);
  /// An NTP exchange's `ntp` (line_codec_ntp.cpp) into ntp_.
  void read_ntp(const nlohmann::json& n);
  /// A TrueTime commit's `commit`: {"s": ns} on the commit event, {"s": ns, "waited": ns} on its `-done`.
  void read_commit(const nlohmann::json& c);
  std::vector<event_id> write_ids(const nlohmann::json& v, const std::string& path) const;
  partition_fault read_partition(const nlohmann::json& o) const;

  const std::string& file_;
  const process_table& table_;
  event_record rec_;
  standard_values values_;
  std::vector<std::uint64_t> dense_;   // the vector, one word per process
  std::vector<std::uint64_t> sparse_;  // or its sparse stamp words (process_table::sparse_vectors)
  std::vector<sent_message> messages_;
  std::vector<process_id> pruned_;
  std::vector<std::vector<std::uint64_t>> words_;  // per kind beyond the standard three
  record_stamps stamps_;
  data_note data_;
  ntp_note ntp_;
  commit_note commit_;
};

}  // namespace hbsim::trace_internal
