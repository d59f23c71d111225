// How the exports write an event's values as text: numbers, process names as JSON strings, a vector
// clock as a JSON object, and a one-line summary of the clocks chosen with --clocks. Shared so that
// every format spells a value alike.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/clocks/clock_kind.hpp"
#include "hbsim/clocks/stamp_index.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/kernel/event.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "hbsim/views/exporter.hpp"

namespace hbsim {

template <typename Integer>
void append_number(std::string& out, Integer v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

/// Appends `s` with each control character other than tab and newline (a label may hold any, NUL
/// included) replaced by its Unicode control picture: NUL by ␀ (U+2400), ESC by ␛ (U+241B), DEL by ␡
/// (U+2421). XML 1.0 cannot carry them, even escaped, and Graphviz stops reading at a NUL; the
/// picture still shows where one was.
inline void append_visible(std::string& out, std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n') {
      out.push_back(ch);
      continue;
    }
    const unsigned picture = c == 0x7f ? 0x2421 : 0x2400 + c;  // three bytes of UTF-8
    out.push_back(static_cast<char>(0xe0 | picture >> 12));
    out.push_back(static_cast<char>(0x80 | (picture >> 6 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (picture & 0x3f)));
  }
}

/// Each name as a quoted, escaped JSON string, by process id.
inline std::vector<std::string> quoted_names(std::span<const std::string> names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const std::string& n : names) append_json_string(out.emplace_back(), n);
  return out;
}

/// {"A":2,"B":3}: the non-zero entries in process order (as the trace writes them, and as ShiViz reads them).
/// `v`: a vector_stamp, or a row of uint32 counters.
template <class Vector>
void append_vector_json(std::string& out, const Vector& v, const std::vector<std::string>& quoted) {
  out.push_back('{');
  bool first = true;
  for_each(v, [&](std::size_t p, std::uint64_t count) {
    if (!first) out.push_back(',');
    first = false;
    out.append(quoted[p]).push_back(':');
    append_number(out, count);
  });
  out.push_back('}');
}

/// Whether a delivery group held e back: a receive whose copy arrived before it.
inline bool held_back(const event_record& e) { return e.kind == event_kind::receive && e.arrived != no_arrival && e.arrived < e.time; }

/// , "arrived": ns for a receive a delivery group ordered (as the trace writes it); nothing otherwise.
inline void append_arrived_json(std::string& out, const event_record& e) {
  if (e.arrived == no_arrival) return;
  out.append(", \"arrived\": ");
  append_number(out, e.arrived);
}

/// , "matrix": {...} for each module kind shown, as the trace writes its field.
inline void append_other_clocks_json(std::string& out, const event_record& e, std::span<const shown_clock> clocks,
                                     std::span<const std::string> names) {
  for (const shown_clock& c : clocks) {
    if (!c.kind) continue;
    out.append(", ");
    append_json_string(out, c.name);
    out.append(": ").append(c.kind->write(e.stamps[c.stamp], names).dump());
  }
}

/// "L 2 | V {A:2, B:1} | HLC (3ms, 0) | matrix {A:{A:1}}" for the clocks shown (the standard ones first),
/// joined by `separator`; for people.
inline std::string clock_summary(const event_record& e, std::span<const std::string> names,
                                 std::span<const shown_clock> clocks, std::string_view separator) {
  std::string out;
  const auto next = [&] {
    if (!out.empty()) out.append(separator);
  };
  const auto stamp = [&](export_clock c) {
    const auto it = std::find_if(clocks.begin(), clocks.end(), [&](const shown_clock& s) { return s.standard == c; });
    return it == clocks.end() ? std::optional<stamp_words>() : e.stamps[it->stamp];
  };
  if (const auto l = stamp(export_clock::lamport)) out.append("L ").append(std::to_string(lamport_of(*l)));
  if (const auto v = stamp(export_clock::vector)) {
    next();
    out.append("V {");
    bool first = true;
    vector_of(*v).for_each([&](std::size_t p, std::uint64_t count) {
      out.append(first ? "" : ", ").append(names[p]).push_back(':');
      append_number(out, count);
      first = false;
    });
    out.push_back('}');
  }
  if (const auto h = stamp(export_clock::hlc)) {
    next();
    out.append("HLC ").append(to_string(hlc_of(*h)));
  }
  for (const shown_clock& c : clocks)
    if (c.kind) {
      next();
      out.append(c.name).append(" ").append(c.kind->text(e.stamps[c.stamp], names));
    }
  return out;
}

}  // namespace hbsim
