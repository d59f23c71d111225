// The line codec's fast path: the lines hbsim writes, byte for byte in the writer's shape (see
// line_codec.hpp). Each step takes the position and returns the one after what it read, or nullptr
// to give up; a null position passes through the following steps, so a sequence needs one test at
// its end.
#include <algorithm>
#include <bit>
#include <string>

#include "hbsim/trace/trace_writer.hpp"
#include "trace/decimal_digits.hpp"
#include "trace/line_codec.hpp"

#include "hbsim/clocks/vector/vector_stamp.hpp"

namespace hbsim::trace_internal {

namespace {

// A literal of constant length, compared with 8-byte loads (the last one overlapping), not memcmp.
template <std::size_t N>
[[gnu::always_inline]] inline const char* lit(const char* p, const char* end, const char (&s)[N]) {
  constexpr std::size_t n = N - 1;
  if (!p || static_cast<std::size_t>(end - p) < n) return nullptr;
  if constexpr (n < 8) {
    for (std::size_t i = 0; i < n; ++i)
      if (p[i] != s[i]) return nullptr;
  } else {
    for (std::size_t i = 0; i + 8 <= n; i += 8)
      if (load8(p + i) != load8(s + i)) return nullptr;
    if constexpr (n % 8 != 0)
      if (load8(p + n - 8) != load8(s + n - 8)) return nullptr;
  }
  return p + n;
}

// A JSON integer in [0, 2^63 - 1], read eight digits at a time where the line has room.
[[gnu::always_inline]] inline const char* uint_at(const char* p, const char* end, std::uint64_t& v) {
  if (!p) return nullptr;
  // Most numbers have fewer than 8 digits and are read at once.
  if (end - p >= 8) {
    std::uint64_t values = 0;
    const unsigned k = leading_digits(load8(p), values);
    if (k - 1 < 7) {
      if (k > 1 && *p == '0') return nullptr;  // JSON has no leading zeros
      v = value_of_digits(values, k);
      return p + k;
    }
  }
  static constexpr std::uint64_t scale[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  const char* const start = p;
  std::uint64_t x = 0;
  // More than 19 digits may have wrapped around; they are refused below, so wrapping is harmless.
  while (p - start <= 19) {
    if (end - p >= 8) {
      std::uint64_t values = 0;
      const unsigned k = leading_digits(load8(p), values);
      x = x * scale[k] + (k == 0 ? 0 : value_of_digits(values, k));
      p += k;
      if (k < 8) break;
    } else {
      if (p == end || static_cast<unsigned>(*p - '0') >= 10) break;
      x = x * 10 + static_cast<unsigned>(*p++ - '0');
    }
  }
  const auto digits = p - start;
  if (digits == 0 || digits > 19 || (digits > 1 && *start == '0') || x > static_cast<std::uint64_t>(int64_max))
    return nullptr;
  v = x;
  return p;
}

[[gnu::always_inline]] inline const char* int_at(const char* p, const char* end, std::int64_t& v) {
  if (!p || p == end) return nullptr;
  const bool negative = *p == '-';
  std::uint64_t x = 0;
  p = uint_at(p + negative, end, x);  // refuses -2^63 too; the general path accepts it
  v = negative ? -static_cast<std::int64_t>(x) : static_cast<std::int64_t>(x);
  return p;
}

// The contents of a JSON string without escapes, control characters or non-ASCII bytes.
inline const char* string_at(const char* p, const char* end, std::string_view& s) {
  if (!p || p == end || *p != '"') return nullptr;
  const char* const start = ++p;
  for (; p != end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"') {
      s = {start, static_cast<std::size_t>(p - start)};
      return p + 1;
    }
    if (c < 0x20 || c >= 0x80 || c == '\\') return nullptr;
  }
  return nullptr;
}

template <class Enum, std::size_t N>
std::optional<Enum> enum_named(std::string_view s, std::string_view (*name)(Enum)) {
  for (std::size_t i = 0; i < N; ++i)
    if (name(static_cast<Enum>(i)) == s) return static_cast<Enum>(i);
  return std::nullopt;
}

}  // namespace

std::optional<event_kind> kind_named(std::string_view s) {
  return enum_named<event_kind, event_kind_count>(s, to_string);
}
std::optional<drop_reason> reason_named(std::string_view s) {
  return enum_named<drop_reason, drop_reason_count>(s, to_string);
}

process_table::process_table(const scenario& header, bool simd)
    : n(header.processes.size()),
      clocks(header.logical),
      fast(clocks.extra.empty()),
      has_lamport(clocks.has("lamport")),
      has_vector(clocks.has("vector")),
      has_hlc(clocks.has("hlc")),
      sparse_vectors(has_vector && clocks.vector_opts.sparse_rows(n)),
      vector_width(fast && has_vector && !sparse_vectors ? n : 0) {
  slots_.assign(std::bit_ceil(2 * n), no_process);
  for (process_id i = 0; i < n; ++i) {
    const std::string& name = header.processes[i].name;
    names.push_back(name);
    std::size_t slot = hash(name);
    while (slots_[slot & (slots_.size() - 1)] != no_process) ++slot;
    slots_[slot & (slots_.size() - 1)] = i;
    std::string quoted;
    append_json_string(quoted, name);
    keys.emplace_back(quoted.append(":"));
    key_bytes_ = std::max(key_bytes_, keys.back().text.size());
    if (i < 8) known.append(i ? ", " : "").append(name);
  }
  if (n > 8) known.append(", ... ").append(std::to_string(n - 8)).append(" more");
  if (simd && vector_width != 0 && simd_available() &&
      std::none_of(names.begin(), names.end(), [](const std::string& s) { return s.find(':') != std::string::npos; })) {
    for (const key& k : keys) skeleton_.append(skeleton_.empty() ? "" : ",").append(k.text);
    skeleton_ += '}';
  }
}

[[gnu::always_inline]] inline const char* process_table::name_at(const char* p, const char* end, process_id& q) const {
  std::string_view s;
  p = string_at(p, end, s);
  if (!p) return nullptr;
  const auto found = find(s);
  if (!found) return nullptr;
  q = *found;
  return p;
}

// The vector's entries after its "{", through its "}" excluded: in process order, as the writer lists
// them, the zeros left out. Each key is compared with the next process's (so a dense vector costs no
// lookup), else looked up by name; the entries skipped on the way are zeros. Another order is left to
// the general path. Not inlined into fast_event: its loop has the registers to itself (measured: 3 %
// less time per line).
[[gnu::noinline]] const char* process_table::vector_at(const char* p, const char* const end,
                                                       vector_value* const vector) const {
  // A dense vector is at least as long as the skeleton and a digit an entry.
  if (!skeleton_.empty() && static_cast<std::size_t>(end - p) > skeleton_.size() + n)
    if (const char* const close = dense_vector_at(p, end, vector)) return close;
  const key* const ks = keys.data();
  process_id next = 0;
  unsigned guess = 1;  // the digits of the entry before
  // The hot loop, from the separator after an entry while the line has room for the 16-byte key compare
  // and the 8-byte digit load and numbers have at most 7 digits; it stops at the separator after the
  // last entry it read. Its key compare takes in the comma before the key: one test less per entry
  // (measured alone: 9 % less time per line, 286 ns against 315). What the loop reads of the table is
  // in locals, and so is what it changes: the compiler cannot tell that the vector's stores leave them
  // be (measured alone: 5 % less time per line, 270 ns against 285).
  const auto hot = [&]<bool wide>() {
    const auto room = reinterpret_cast<std::uintptr_t>(end) - 32;
    const key* k = ks + next;
    const key* const last = ks + n;
    vector_value* out = vector + next;
    const char* at = p;
    unsigned g = guess;
    while (reinterpret_cast<std::uintptr_t>(at) <= room && k != last && k->template after_comma<wide>(at)) {
      const char* const digits = at + 1 + k->text.size();
      std::uint64_t x = 0;
      const unsigned d = leading_digits(load8(digits), x);
      if (d - 1 >= 7 || (d > 1 && (x & 0xFF) == 0)) break;
      *out++ = static_cast<vector_value>(value_of_digits(x, d));
      ++k;
      // Where the next entry starts, from a guess (as many digits as the entry before, as in a dense
      // vector they mostly are) rather than from d: then the next entry's loads need not wait until
      // this one's digits are counted, the chain that bounds this loop.
      at = digits + g;
      if (d != g) [[unlikely]] {
        asm volatile("");  // keeps this a branch: a conditional move would wait for d again
        g = d;
        at = digits + d;
      }
    }
    next = static_cast<process_id>(k - ks);
    p = at;
    guess = g;
  };
  // One entry at a time where the hot loop stops: the first, one after a gap (looked up), a long number,
  // the end of the line.
  for (bool more = *p != '}'; more;) {
    process_id q = next;
    if (q == n || !ks[q].at(p, end)) {
      std::string_view name;
      const char* after = string_at(p, end, name);
      const auto found = after && after != end && *after == ':' ? find(name) : std::nullopt;
      if (!found || *found < next) return nullptr;
      q = *found;
      std::fill(vector + next, vector + q, 0);
    }
    std::uint64_t v = 0;
    p = uint_at(p + ks[q].text.size(), end, v);
    if (!p || p == end || v > static_cast<std::uint64_t>(uint32_max)) return nullptr;
    vector[q] = static_cast<vector_value>(v);
    next = q + 1;
    if (key_bytes_ < 8)
      hot.template operator()<false>();
    else if (key_bytes_ < 16)
      hot.template operator()<true>();
    more = *p == ',';
    p += more;
  }
  std::fill(vector + next, vector + n, 0);
  return p;
}

// The vector's entries after its "{", through its "}" excluded, as sparse stamp words: in process order
// (another order is left to the general path), zeros left out.
const char* process_table::sparse_vector_at(const char* p, const char* const end, std::vector<vector_value>& out) const {
  out.push_back(sparse_stamp_tag | n);
  std::size_t next = 0;
  for (bool more = *p != '}'; more;) {
    process_id q = static_cast<process_id>(next);
    if (q == n || !keys[q].at(p, end)) {  // not the next process: looked up
      std::string_view name;
      const char* after = string_at(p, end, name);
      const auto found = after && after != end && *after == ':' ? find(name) : std::nullopt;
      if (!found || *found < next) return nullptr;
      q = *found;
    }
    std::uint64_t v = 0;
    p = uint_at(p + keys[q].text.size(), end, v);
    if (!p || p == end || v > static_cast<std::uint64_t>(uint32_max)) return nullptr;
    if (v != 0) out.push_back(sparse_entry(q, static_cast<std::uint32_t>(v)));
    next = std::size_t{q} + 1;
    more = *p == ',';
    p += more;
  }
  return p;
}

// A send's messages, from its "[" excluded through its "]".
[[gnu::always_inline]] inline const char* process_table::messages_at(const char* p, const char* const end,
                                                                     std::vector<sent_message>& messages) const {
  if (!p || p == end) return nullptr;
  for (bool more = *p != ']'; more;) {
    sent_message m{};
    p = lit(p, end, "{\"id\":");
    p = uint_at(p, end, m.id);
    p = lit(p, end, ",\"to\":");
    p = name_at(p, end, m.to);
    if (const char* copies = lit(p, end, ",\"copies\":2")) {
      m.copies = 2;
      p = copies;
    }
    p = lit(p, end, "}");
    if (!p || p == end) return nullptr;
    messages.push_back(m);
    more = *p == ',';
    p += more;
  }
  return lit(p, end, "]");
}

bool process_table::fast_event(std::string_view text, event_record& r, standard_values& values, vector_value* const vector_out,
                               std::vector<sent_message>& messages, std::vector<vector_value>* sparse_out) const {
  if (!fast) return false;
  const char* const end = text.data() + text.size();
  std::string_view kind;
  const char* p = lit(text.data(), end, "{\"type\":\"event\",\"id\":");
  p = uint_at(p, end, r.id);
  p = lit(p, end, ",\"process\":");
  p = name_at(p, end, r.process);
  p = lit(p, end, ",\"seq\":");
  p = uint_at(p, end, r.seq);
  p = lit(p, end, ",\"kind\":");
  p = string_at(p, end, kind);
  p = lit(p, end, ",\"label\":");
  p = string_at(p, end, r.label);
  p = lit(p, end, ",\"time\":");
  p = int_at(p, end, r.time);
  p = lit(p, end, ",\"pt\":");
  p = int_at(p, end, r.pt);
  if (has_lamport) p = uint_at(lit(p, end, ",\"lamport\":"), end, values.lamport);
  const auto k = kind_named(kind);
  if (!p || !k) return false;
  r.kind = *k;
  if (has_vector) {
    p = lit(p, end, ",\"vector\":{");
    if (!p || p == end) return false;
    p = lit(sparse_vectors ? sparse_vector_at(p, end, *sparse_out) : vector_at(p, end, vector_out), end, "}");
  }
  if (has_hlc) {
    std::uint64_t c = 0;
    p = int_at(lit(p, end, ",\"hlc\":["), end, values.hlc.l);
    p = lit(uint_at(lit(p, end, ","), end, c), end, "]");
    values.hlc.c = c;
  }
  if (r.kind == event_kind::send) {
    p = messages_at(lit(p, end, ",\"messages\":["), end, messages);
  } else if (message_arrived(r.kind)) {
    p = lit(p, end, ",\"message\":");
    p = uint_at(p, end, r.message);
    p = lit(p, end, ",\"from\":");
    p = name_at(p, end, r.from);
    p = lit(p, end, ",\"send\":");
    p = uint_at(p, end, r.send_event);
  }
  return lit(p, end, "}") == end;
}

bool process_table::fast_drop(std::string_view text, drop_record& d) const {
  const char* const end = text.data() + text.size();
  std::string_view reason;
  const char* p = lit(text.data(), end, "{\"type\":\"drop\",\"message\":");
  p = uint_at(p, end, d.message);
  p = lit(p, end, ",\"from\":");
  p = name_at(p, end, d.from);
  p = lit(p, end, ",\"to\":");
  p = name_at(p, end, d.to);
  p = lit(p, end, ",\"time\":");
  p = int_at(p, end, d.time);
  p = lit(p, end, ",\"reason\":");
  p = string_at(p, end, reason);
  if (!p) return false;
  const auto why = reason_named(reason);
  if (!why) return false;
  d.reason = *why;
  const char* dup = lit(p, end, ",\"duplicate\":true");
  d.duplicate = dup != nullptr;
  return lit(dup ? dup : p, end, "}") == end;
}

}  // namespace hbsim::trace_internal
