#include "hbsim/trace/trace_reader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/trace/trace_writer.hpp"

namespace hbsim {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Lines and JSON

namespace {

// UTF-8's byte order mark, which some editors put first in a file: skipped there, refused elsewhere.
constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

}  // namespace

line_reader::line_reader(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec)) throw input_error(path_, "", "a readable file", "a directory");
  errno = 0;
  in_ = std::fopen(path_.c_str(), "rb");
  if (!in_)
    throw input_error(path_, "", "a readable file", errno != 0 ? std::strerror(errno) : "a file that cannot be opened");
  // A small file is read whole by the first fill, which then sees its end.
  constexpr std::size_t most = 1 << 20;
  struct stat st {};
  const bool regular = ::fstat(::fileno(in_), &st) == 0 && S_ISREG(st.st_mode);
  buf_.resize(regular ? std::min(static_cast<std::size_t>(st.st_size) + 1, most) : most);
}

line_reader::~line_reader() {
  if (in_) std::fclose(in_);
}

bool line_reader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) {
    if (buf_.size() > limits::file_bytes)
      throw input_error(path_, "", "lines of at most " + std::to_string(limits::file_bytes) + " bytes",
                        "a longer line", "", line_ + 1);
    buf_.resize(buf_.size() * 2);
  }
  const std::size_t wanted = buf_.size() - end_;
  const std::size_t n = std::fread(buf_.data() + end_, 1, wanted, in_);
  if (n < wanted) {  // fread stops short only at the end of the file or on an error
    if (std::ferror(in_)) throw input_error(path_, "", "a readable file", "a read error", "", line_ + 1);
    eof_ = true;
  }
  end_ += n;
  return n != 0;
}

bool line_reader::next(std::string_view& line) {
  std::size_t scanned = 0;  // bytes after begin_ known to hold no newline
  for (;;) {
    const char* start = buf_.data() + begin_;
    if (const void* nl = std::memchr(start + scanned, '\n', end_ - begin_ - scanned)) {
      const auto length = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      begin_ += length + 1;
      line = {start, length};
      break;
    }
    scanned = end_ - begin_;
    if (!fill()) {
      if (begin_ == end_) return false;
      line = {buf_.data() + begin_, end_ - begin_};  // the last line has no newline
      begin_ = end_;
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line_ == 0 && line.starts_with(byte_order_mark)) line.remove_prefix(byte_order_mark.size());
  ++line_;
  return true;
}

std::FILE* line_reader::release(std::vector<char>& ahead) {
  ahead.assign(buf_.data() + begin_, buf_.data() + end_);
  begin_ = end_ = 0;
  std::FILE* const rest = std::exchange(in_, nullptr);
  if (!eof_) return rest;
  std::fclose(rest);
  return nullptr;
}

namespace {

// A JSON Pointer token: "~" and "/" escaped.
std::string pointer_token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~')
      out.append("~0");
    else if (c == '/')
      out.append("~1");
    else
      out.push_back(c);
  }
  return out;
}

}  // namespace

namespace {

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

json parse_json_line(std::string_view text, const std::string& file, std::size_t line, std::size_t column) {
  // The parser's callback tracks where it is, to refuse duplicate keys and deep nesting with a path.
  struct frame {
    bool object;
    std::size_t index = 0;                // array: elements completed
    std::string key;                      // object: the key being read
    std::unordered_set<std::string> keys;  // object: the keys seen
  };
  std::vector<frame> frames;
  const auto path = [&](std::size_t depth) {
    std::string out;
    for (std::size_t i = 0; i < depth; ++i)
      out.append("/").append(frames[i].object ? pointer_token(frames[i].key) : std::to_string(frames[i].index));
    return out;
  };
  const auto completed = [&] {
    if (!frames.empty() && !frames.back().object) ++frames.back().index;
  };
  const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (frames.size() >= static_cast<std::size_t>(limits::nesting_depth))
          throw input_error(file, path(frames.size()),
                            "at most " + std::to_string(limits::nesting_depth) + " levels of nested objects and arrays",
                            "a deeper nesting", "", line);
        frames.push_back({event == json::parse_event_t::object_start, 0, {}, {}});
        break;
      case json::parse_event_t::key: {
        frame& f = frames.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second)
          throw input_error(file, path(frames.size()), "each field at most once in an object",
                            quoted_excerpt(f.key).append(" a second time"), "", line);
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames.pop_back();
        completed();
        break;
      case json::parse_event_t::value:
        completed();
        break;
    }
    return true;
  };
  // nlohmann skips a byte order mark at the start of what it parses: here that is a line's start.
  if (text.starts_with(byte_order_mark))
    throw input_error(file, "", "a JSON value (a byte order mark may only begin the file)",
                      "a byte order mark (EF BB BF)", "", line, column + 1);
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::parse_error& e) {
    auto [expected, found] = json_syntax_error(e.what());
    throw input_error(file, "", expected, found, "JSON syntax error", line, column + e.byte);
  } catch (const json::exception& e) {  // a number too large for a double
    auto [expected, found] = json_syntax_error(e.what());
    throw input_error(file, "", expected, found, "JSON syntax error", line);
  }
}

// ---------------------------------------------------------------------------------------------
// Format detection

namespace {

bool shiviz_shaped(std::string_view line) {
  if (line.size() >= 8 && line.starts_with("=== ") && line.ends_with(" ===")) return true;
  const auto space = line.find(' ');
  if (space == 0 || space == std::string_view::npos) return false;
  const std::string_view host = line.substr(0, space), clock = line.substr(space + 1);
  return host.find('\t') == std::string_view::npos && clock.size() >= 2 && clock.front() == '{' &&
         clock.back() == '}';
}

}  // namespace

trace_format detect_trace_format(const std::string& path) {
  line_reader in(path);
  std::string_view line;
  while (in.next(line)) {
    if (blank(line)) continue;
    if (line.front() == '{') {
      const json v = json::parse(line.begin(), line.end(), nullptr, false);
      if (v.is_object() && v.contains("type") && v["type"] == "header") return trace_format::hbsim;
    }
    if (shiviz_shaped(line)) return trace_format::shiviz;
    throw input_error(path, "",
                      "an hbsim trace (a first line {\"type\":\"header\",...}) or a ShiViz/GoVector log (a first line "
                      "`host {clock}` or `=== name ===`)",
                      std::string("the line ").append(quoted_excerpt(line)), "", in.line_number());
  }
  throw input_error(path, "", "an hbsim trace or a ShiViz/GoVector log", "an empty file");
}

// ---------------------------------------------------------------------------------------------
// The trace
//
// replay() reads ahead on threads of its own: they read batches of lines and parse those in the
// writer's shape (the fast path below). The calling thread checks what needs the lines before (ids,
// seq, references to earlier events), parses the other lines through nlohmann (the slow path, the
// authority on what is accepted and on every error message) and calls the observers, in file order.
// Reading thus costs the observers, the invariant checker above all, little of their time.

namespace {

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t uint32_max = std::numeric_limits<std::uint32_t>::max();

// What a field may hold, for messages.
constexpr const char* any_integer = "an integer that fits in signed 64 bits";
constexpr const char* count = "a non-negative integer that fits in signed 64 bits";
constexpr const char* vector_entry = "an integer from 0 to 4294967295";

// The fast path reads the lines hbsim writes, byte for byte in the writer's shape. Anything else
// (another key order, spaces, escapes, a value out of range, an error) makes it give up, and the line
// is read again through nlohmann, which is the authority on what is accepted and on error messages.
// Each step takes the position and returns the one after what it read, or nullptr to give up; a
// null position passes through the following steps, so a sequence needs one test at its end.
inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

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

// How many of the 8 bytes of x (the first character in the lowest byte) are decimal digits before
// the first that is not (8: all are). A byte is a digit when its high nibble is 3 and stays 3 after
// adding 6; a carry out of a byte only reaches bytes after a non-digit, which do not count.
[[gnu::always_inline]] inline unsigned leading_digits(std::uint64_t x) {
  constexpr std::uint64_t high = 0xF0F0F0F0F0F0F0F0;
  const std::uint64_t nibbles = (x & high) | (((x + 0x0606060606060606) & high) >> 4);
  return static_cast<unsigned>(std::countr_zero(nibbles ^ 0x3333333333333333)) / 8;
}

// The value of the first k (1 to 8) digits of x: pairs, then quadruples, then all eight combined
// by multiplication.
[[gnu::always_inline]] inline std::uint64_t digits_value(std::uint64_t x, unsigned k) {
  x = (x & 0x0F0F0F0F0F0F0F0F) << (8 * (8 - k));  // the missing leading digits become zeros
  x = (x * 2561) >> 8;                            // 10 * byte + next byte
  x = ((x & 0x00FF00FF00FF00FF) * 6553601) >> 16;
  return ((x & 0x0000FFFF0000FFFF) * 42949672960001) >> 32;
}

// A JSON integer in [0, 2^63 - 1], read eight digits at a time where the line has room.
[[gnu::always_inline]] inline const char* uint_at(const char* p, const char* end, std::uint64_t& v) {
  if (!p) return nullptr;
  // Most numbers have fewer than 8 digits and are read at once.
  if (end - p >= 8) {
    const std::uint64_t chunk = load8(p);
    const unsigned k = leading_digits(chunk);
    if (k - 1 < 7) {
      if (k > 1 && *p == '0') return nullptr;  // JSON has no leading zeros
      v = digits_value(chunk, k);
      return p + k;
    }
  }
  static constexpr std::uint64_t scale[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  const char* const start = p;
  std::uint64_t x = 0;
  // More than 19 digits may have wrapped around; they are refused below, so wrapping is harmless.
  while (p - start <= 19) {
    if (end - p >= 8) {
      const std::uint64_t chunk = load8(p);
      const unsigned k = leading_digits(chunk);
      x = x * scale[k] + (k == 0 ? 0 : digits_value(chunk, k));
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
  p = uint_at(p + negative, end, x);  // refuses -2^63 too; the slow path accepts it
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
std::optional<event_kind> kind_named(std::string_view s) {
  return enum_named<event_kind, event_kind_count>(s, to_string);
}
std::optional<drop_reason> reason_named(std::string_view s) {
  return enum_named<drop_reason, drop_reason_count>(s, to_string);
}

template <class Enum, std::size_t N>
std::string enum_list(std::string_view (*name)(Enum)) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out.append(i + 1 == N ? " or " : ", ");
    out.append(name(static_cast<Enum>(i)));
  }
  return out;
}

// Which of the fields that depend on the kind a line has.
struct present {
  bool messages = false, message = false, from = false, send = false;
};

// The header's processes, as both threads look them up. Not changed during a replay.
class process_table {
 public:
  explicit process_table(const scenario& header) : n(header.processes.size()) {
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
  }

  std::optional<process_id> find(std::string_view name) const {
    for (std::size_t slot = hash(name);; ++slot) {
      const process_id q = slots_[slot & (slots_.size() - 1)];
      if (q == no_process) return std::nullopt;
      if (names[q] == name) return q;
    }
  }

  /// An event line in the writer's shape: fills r (but its spans), vector (n entries) and messages.
  bool fast_event(std::string_view text, event_record& r, std::uint32_t* vector,
                  std::vector<sent_message>& messages) const;
  bool fast_drop(std::string_view text, drop_record& d) const;

  const std::size_t n;
  std::vector<std::string> names;
  std::string known;  // the first names, for messages

 private:
  const char* name_at(const char* p, const char* end, process_id& q) const {
    std::string_view s;
    p = string_at(p, end, s);
    if (!p) return nullptr;
    const auto found = find(s);
    if (!found) return nullptr;
    q = *found;
    return p;
  }

  // A vector key as the writer writes it ("name":). One of at most 16 bytes is compared with two
  // masked 8-byte loads instead of memcmp.
  struct key {
    explicit key(std::string quoted) : text(std::move(quoted)) {
      if (text.size() > 16) return;
      char bytes[16] = {}, ones[16] = {};
      std::memcpy(bytes, text.data(), text.size());
      std::memset(ones, 0xFF, text.size());
      for (int i = 0; i < 2; ++i) {
        word[i] = load8(bytes + 8 * i);
        mask[i] = load8(ones + 8 * i);
      }
    }
    bool at(const char* p, const char* end) const {
      return static_cast<std::size_t>(end - p) >= text.size() && std::memcmp(p, text.data(), text.size()) == 0;
    }
    template <bool wide>  // a key of at most 16 (wide) or 8 bytes, with 16 bytes readable at p
    bool at_short(const char* p) const {
      if constexpr (wide) return (((load8(p) ^ word[0]) & mask[0]) | ((load8(p + 8) ^ word[1]) & mask[1])) == 0;
      return ((load8(p) ^ word[0]) & mask[0]) == 0;
    }
    std::uint64_t word[2] = {}, mask[2] = {};
    std::string text;
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
};

bool process_table::fast_event(std::string_view text, event_record& r, std::uint32_t* const vector,
                               std::vector<sent_message>& messages) const {
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
  p = lit(p, end, ",\"lamport\":");
  p = uint_at(p, end, r.lamport);
  p = lit(p, end, ",\"vector\":{");
  if (!p || p == end) return false;
  const auto k = kind_named(kind);
  if (!k) return false;
  r.kind = *k;
  // Entries in process order, as the writer lists them, the zeros left out. Each key is compared
  // with the next process's (so a dense vector costs no lookup), else looked up by name; the entries
  // skipped on the way are zeros. Another order is left to the slow path.
  const key* const ks = keys.data();
  process_id next = 0;
  bool more = *p != '}';
  const auto look_up = [&](process_id& q) {
    std::string_view name;
    const char* after = string_at(p, end, name);
    const auto found = after && after != end && *after == ':' ? find(name) : std::nullopt;
    if (!found || *found < next) return false;
    q = *found;
    std::fill(vector + next, vector + q, 0);
    return true;
  };
  // The hot loop, while the line has room for the 16-byte key compare and the 8-byte digit load and
  // numbers have at most 7 digits; the general loop below takes over from where it stops.
  const auto hot = [&]<bool wide>() {
    while (more && end - p >= 32) {
      process_id q = next;
      if ((q == n || !ks[q].template at_short<wide>(p)) && !look_up(q)) return false;
      const char* const digits = p + ks[q].text.size();
      const std::uint64_t chunk = load8(digits);
      const unsigned d = leading_digits(chunk);
      if (d - 1 >= 7 || (d > 1 && *digits == '0')) break;
      vector[q] = static_cast<std::uint32_t>(digits_value(chunk, d));
      next = q + 1;
      p = digits + d;
      if (*p != ',') {
        more = false;
        break;
      }
      ++p;
    }
    return true;
  };
  if (key_bytes_ <= 8 ? !hot.template operator()<false>() : key_bytes_ <= 16 && !hot.template operator()<true>())
    return false;
  while (more) {
    process_id q = next;
    if ((q == n || !ks[q].at(p, end)) && !look_up(q)) return false;
    std::uint64_t v = 0;
    p = uint_at(p + ks[q].text.size(), end, v);
    if (!p || p == end || v > static_cast<std::uint64_t>(uint32_max)) return false;
    vector[q] = static_cast<std::uint32_t>(v);
    next = q + 1;
    more = *p == ',';
    p += more;
  }
  std::fill(vector + next, vector + n, 0);
  std::uint64_t c = 0;
  p = lit(p, end, "},\"hlc\":[");
  p = int_at(p, end, r.hlc.l);
  p = lit(p, end, ",");
  p = uint_at(p, end, c);
  p = lit(p, end, "]");
  r.hlc.c = c;
  if (r.kind == event_kind::send) {
    p = lit(p, end, ",\"messages\":[");
    if (!p || p == end) return false;
    for (more = *p != ']'; more;) {
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
      if (!p || p == end) return false;
      messages.push_back(m);
      more = *p == ',';
      p += more;
    }
    p = lit(p, end, "]");
  } else if (r.kind == event_kind::receive || r.kind == event_kind::reject) {
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

// ---- the links between records ----

// A message sent and not yet received or dropped as often as it was sent.
struct flight {
  message_id id;
  event_id send;
  process_id from, to;
  std::uint8_t copies;  // as sent: 2 when the network duplicated it
  std::uint8_t left;    // copies neither received nor dropped yet
  bool original_dropped = false, duplicate_dropped = false;
};

// The messages in flight by id: memory follows them, not the trace's length. Open addressing with
// linear probing, at most half full, removal by shifting back the entries after (no tombstones): a
// replay adds and removes one per message, which a node per message (std::unordered_map) made a
// tenth of the replaying thread's time.
class flight_table {
 public:
  flight_table() { grow(); }
  flight* find(message_id id) {
    for (std::size_t i = home(id);; i = (i + 1) & mask_) {
      if (slots_[i].left == 0) return nullptr;
      if (slots_[i].id == id) return &slots_[i];
    }
  }
  /// The flight now under m.id, and whether it is m (false: another one had that id).
  std::pair<flight*, bool> add(const flight& m) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    std::size_t i = home(m.id);
    for (; slots_[i].left != 0; i = (i + 1) & mask_)
      if (slots_[i].id == m.id) return {&slots_[i], false};
    slots_[i] = m;
    ++size_;
    return {&slots_[i], true};
  }
  void remove(flight& m) {
    std::size_t hole = static_cast<std::size_t>(&m - slots_.data());
    for (std::size_t i = (hole + 1) & mask_; slots_[i].left != 0; i = (i + 1) & mask_) {
      // An entry moves back into the hole unless its home lies cyclically in (hole, i].
      if (((i - home(slots_[i].id)) & mask_) >= ((i - hole) & mask_)) {
        slots_[hole] = slots_[i];
        hole = i;
      }
    }
    slots_[hole].left = 0;
    --size_;
  }

 private:
  std::size_t home(message_id id) const { return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15u) >> shift_); }
  void grow() {
    std::vector<flight> old(std::max<std::size_t>(16, 2 * slots_.size()), flight{});
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    shift_ = 64 - std::countr_zero(slots_.size());
    size_ = 0;
    for (const flight& m : old)
      if (m.left != 0) add(m);
  }
  std::vector<flight> slots_;  // a free slot has left == 0
  std::size_t mask_ = 0;
  int shift_ = 0;
  std::size_t size_ = 0;
};

// ---- reading ahead ----

struct parsed_line {
  enum class shape : std::uint8_t { blank, event, drop, other };  // other: for the slow path
  shape what = shape::other;
  std::size_t number = 0;
  std::string_view text;  // in the batch
  event_record event;     // but its spans, which the replaying thread sets
  std::size_t vector_at = 0, messages_at = 0, messages = 0;
  drop_record drop{};
};

// Whole lines of the file, read straight into one buffer, and what the fast path made of them.
struct batch {
  std::size_t sequence = 0;      // in file order
  std::unique_ptr<char[]> text;  // not a vector: growing it must not fill it with zeros first
  std::size_t capacity = 0, size = 0;
  std::vector<parsed_line> lines;
  std::unique_ptr<std::uint32_t[]> vectors;  // n entries per line, written by the fast path
  std::size_t vector_entries = 0;            // allocated
  std::vector<sent_message> messages;
  std::exception_ptr error;  // reading failed after the lines above
  bool last = false;

  void reserve(std::size_t bytes) {
    if (bytes <= capacity) return;
    capacity = std::max(bytes, 2 * capacity);
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size != 0) std::memcpy(bigger.get(), text.get(), size);
    text = std::move(bigger);
  }
  void reserve_vectors(std::size_t entries) {
    if (entries <= vector_entries) return;
    vectors = std::make_unique_for_overwrite<std::uint32_t[]>(entries);
    vector_entries = entries;
  }
};

// Reads batches of lines ahead of the replay and parses them, on threads of its own. Reading is
// sequential (one thread at a time, in file order); parsing, the costly part, runs on several
// threads at once; the replay takes the batches back in file order. When the whole rest of the file
// is in memory already (a small file), threads would cost more than they save: the replaying thread
// cuts and parses each batch itself, in buffers the size of what is left.
class read_ahead {
 public:
  /// Reads on from where `in` stopped: the reader is spent.
  read_ahead(line_reader& in, const process_table& table)
      : path_(in.path()),
        table_(table),
        lines_per_batch_(std::max<std::size_t>(1, entries_per_batch / table.n)),
        lines_(in.line_number()),
        file_(in.release(carry_)),
        eof_(file_ == nullptr),
        // Two parsing threads even on two cores: the replaying thread waits for them part of the time.
        pool_(eof_ ? 1 : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 4) + 2) {
    for (auto& b : pool_) free_.push_back(&b);
    if (eof_) return;
    try {
      for (std::size_t i = 0; i + 2 < pool_.size(); ++i) threads_.emplace_back([this] { run(); });
    } catch (...) {  // no thread to be had: stop those started
      stop();
      throw;
    }
  }
  ~read_ahead() { stop(); }
  read_ahead(const read_ahead&) = delete;
  read_ahead& operator=(const read_ahead&) = delete;

  /// The next batch in file order; the last one has `last` set.
  batch& next() {
    if (threads_.empty()) {  // everything is in memory: cut and parse here
      batch& b = pool_.front();
      cut_next(b);
      parse_all(b);
      return b;
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() && ready_.front()->sequence == next_; });
    std::pop_heap(ready_.begin(), ready_.end(), later);
    batch* b = ready_.back();
    ready_.pop_back();
    ++next_;
    return *b;
  }
  /// Gives a batch back for reuse.
  void done(batch& b) {
    if (threads_.empty()) return;
    {
      const std::lock_guard lock(mutex_);
      free_.push_back(&b);
    }
    changed_.notify_all();
  }

 private:
  static constexpr std::size_t read_size = 1 << 20;
  static constexpr std::size_t entries_per_batch = 1 << 18;  // vector entries, which bound a batch of many processes

  static bool later(const batch* a, const batch* b) { return a->sequence > b->sequence; }

  void stop() {
    {
      const std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    for (std::thread& t : threads_) t.join();
    if (file_) std::fclose(file_);
  }

  void run() {
    for (;;) {
      batch* b = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || finished_ || !free_.empty(); });
        if (stop_ || finished_) return;
        b = free_.back();
        free_.pop_back();
      }
      bool cut = false;
      {
        // The file and what is left of it go to one thread at a time, in file order. Never held
        // together with mutex_.
        const std::lock_guard reading(reading_);
        cut = !cut_all_;
        if (cut) cut_next(*b);
      }
      if (!cut) {  // another thread cut the last batch meanwhile
        const std::lock_guard lock(mutex_);
        free_.push_back(b);
        finished_ = true;
        return;
      }
      parse_all(*b);
      {
        const std::lock_guard lock(mutex_);
        finished_ = finished_ || b->last;
        ready_.push_back(b);
        std::push_heap(ready_.begin(), ready_.end(), later);
      }
      changed_.notify_all();
    }
  }

  // The next lines of the file into b, in file order; an error goes with the lines read before it.
  void cut_next(batch& b) {
    b.sequence = sequence_++;
    b.lines.clear();
    b.messages.clear();
    b.error = nullptr;
    try {
      b.last = !cut(b);
    } catch (...) {  // handed to the replay, after the lines read before
      b.error = std::current_exception();
      b.last = true;
    }
    cut_all_ = b.last;
  }

  void parse_all(batch& b) const {
    try {
      b.reserve_vectors(b.lines.size() * table_.n);
      for (parsed_line& l : b.lines) parse(l, b);
    } catch (...) {  // out of memory: the lines not parsed go to the slow path, then the error is thrown
      b.error = std::current_exception();
      b.last = true;
    }
  }

  // Reads whole lines into b, straight from the file after the lines left over from the previous
  // batch, and cuts them apart. False when the file has no more lines.
  bool cut(batch& b) {
    b.size = 0;
    b.reserve(carry_.size() + (eof_ ? 0 : read_size));
    if (!carry_.empty()) std::memcpy(b.text.get(), carry_.data(), carry_.size());
    b.size = carry_.size();
    carry_.clear();
    // Read (unless enough was left over), and go on while the buffer holds no whole line.
    if (!eof_ && b.size < read_size) read_more(b);
    for (std::size_t scanned = 0; !eof_ && !std::memchr(b.text.get() + scanned, '\n', b.size - scanned);) {
      scanned = b.size;
      if (b.size > limits::file_bytes)
        throw input_error(path_, "", "lines of at most " + std::to_string(limits::file_bytes) + " bytes",
                          "a longer line", "", lines_ + 1);
      read_more(b);
    }
    // Whole lines end at the last newline; at the end of the file, what follows it is the last line.
    const char* const begin = b.text.get();
    const char* const end = eof_ ? begin + b.size : static_cast<const char*>(memrchr(begin, '\n', b.size)) + 1;
    const char* p = begin;
    while (p != end && b.lines.size() < lines_per_batch_) {
      const auto* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      parsed_line& l = b.lines.emplace_back();
      l.text = {p, static_cast<std::size_t>((newline ? newline : end) - p)};
      if (!l.text.empty() && l.text.back() == '\r') l.text.remove_suffix(1);
      l.number = ++lines_;
      p = newline ? newline + 1 : end;
    }
    carry_.assign(p, begin + b.size);
    return !eof_ || !carry_.empty();
  }

  void read_more(batch& b) {
    b.reserve(b.size + read_size);
    const std::size_t n = std::fread(b.text.get() + b.size, 1, read_size, file_);
    if (n < read_size) {  // fread stops short only at the end of the file or on an error
      if (std::ferror(file_)) throw input_error(path_, "", "a readable file", "a read error", "", lines_ + 1);
      eof_ = true;
    }
    b.size += n;
  }

  void parse(parsed_line& l, batch& b) const {
    const std::string_view text = l.text;
    l.vector_at = static_cast<std::size_t>(&l - b.lines.data()) * table_.n;
    if (blank(text)) {
      l.what = parsed_line::shape::blank;
    } else if (text.starts_with("{\"type\":\"event\",")) {
      l.messages_at = b.messages.size();
      if (table_.fast_event(text, l.event, b.vectors.get() + l.vector_at, b.messages)) {
        l.what = parsed_line::shape::event;
        l.messages = b.messages.size() - l.messages_at;
      } else {
        b.messages.resize(l.messages_at);
      }
    } else if (text.starts_with("{\"type\":\"drop\",") && table_.fast_drop(text, l.drop)) {
      l.what = parsed_line::shape::drop;
    }
  }

  const std::string path_;
  const process_table& table_;
  const std::size_t lines_per_batch_;
  // The reading side, under reading_.
  std::mutex reading_;
  std::size_t lines_;        // lines cut so far
  std::vector<char> carry_;  // the bytes after the last line cut: a partial line, or lines left for the next batch
  std::FILE* file_;          // null once the whole file is in carry_
  bool eof_;
  bool cut_all_ = false;  // the last batch has been cut
  // The batches, under mutex_.
  std::vector<batch> pool_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<batch*> free_;
  std::vector<batch*> ready_;  // a heap, earliest first
  std::size_t sequence_ = 0, next_ = 0;
  bool finished_ = false;  // no more batches to read: the threads end
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last: started when everything above exists
};

}  // namespace

// The replaying thread's side: checks what needs the lines before (ids, seq, references), reads the
// lines the fast path left through nlohmann, and calls the observers.
struct trace_reader::state {
  state(trace_reader& r, const process_table& t, std::span<event_observer* const> obs)
      : reader(r), table(t), observers(obs), dense(t.n), last_seq(t.n) {}

  trace_reader& reader;
  const process_table& table;
  std::span<event_observer* const> observers;
  std::size_t line = 0;

  // A record read by the slow path.
  event_record rec;
  std::vector<std::uint32_t> dense;
  std::vector<sent_message> messages;

  std::vector<std::uint64_t> last_seq;
  event_id next_id = 1;
  sim_time latest = 0;

  [[noreturn]] void fail(std::string path, std::string expected, std::string found) const {
    throw input_error(reader.path_, std::move(path), std::move(expected), std::move(found), "", line);
  }

  void replay_batch(const batch& b) {
    for (const parsed_line& l : b.lines) {
      line = l.number;
      switch (l.what) {
        case parsed_line::shape::blank:
          break;
        case parsed_line::shape::event: {
          event_record r = l.event;
          r.vector = {b.vectors.get() + l.vector_at, table.n};
          r.messages = {b.messages.data() + l.messages_at, l.messages};
          finish_event(r, {true, true, true, true});
          break;
        }
        case parsed_line::shape::drop:
          finish_drop(l.drop);
          break;
        case parsed_line::shape::other:
          slow(l.text);
          break;
      }
    }
  }

  // ---- the slow path: a parsed line, every field checked with its path ----

  const json* field(const json& o, const char* key, const char* what, bool required = true) const {
    const auto it = o.find(key);
    if (it != o.end()) return &*it;
    if (required) fail(std::string("/").append(key), what, std::string("no field \"").append(key).append("\""));
    return nullptr;
  }

  std::int64_t integer(const json& v, const std::string& path, const char* what, std::int64_t lo,
                       std::int64_t hi) const {
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(hi) && static_cast<std::int64_t>(u) >= lo) return static_cast<std::int64_t>(u);
    } else if (v.is_number_integer()) {
      const auto i = v.get<std::int64_t>();
      if (i >= lo && i <= hi) return i;
    }
    fail(path, what, describe_json(v));
  }
  // The field `key` of o; the `_field` helpers name the path after the key, the others take a path.
  std::int64_t integer_field(const json& o, const char* key, const char* what, std::int64_t lo, std::int64_t hi) const {
    return integer(*field(o, key, what), std::string("/").append(key), what, lo, hi);
  }
  std::uint64_t counter(const json& v, const std::string& path) const {
    return static_cast<std::uint64_t>(integer(v, path, count, 0, int64_max));
  }
  std::uint64_t counter_field(const json& o, const char* key) const {
    return static_cast<std::uint64_t>(integer_field(o, key, count, 0, int64_max));
  }
  sim_time time_field(const json& o, const char* key) const {
    return integer_field(o, key, any_integer, int64_min, int64_max);
  }

  const std::string& string(const json& v, const std::string& path, const std::string& what) const {
    if (!v.is_string()) fail(path, what, describe_json(v));
    return v.get_ref<const std::string&>();
  }

  std::string process_wanted() const {
    return std::string("a process named in the header (").append(table.known).append(")");
  }
  process_id process(const json& v, const std::string& path) const {
    const auto q = table.find(string(v, path, process_wanted()));
    if (!q) fail(path, process_wanted(), describe_json(v));
    return *q;
  }
  process_id process_field(const json& o, const char* key) const {
    return process(*field(o, key, process_wanted().c_str()), std::string("/").append(key));
  }
  std::vector<process_id> process_list(const json& v, const std::string& path) const {
    if (!v.is_array()) fail(path, "an array of process names", describe_json(v));
    std::vector<process_id> out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(process(v[i], path + "/" + std::to_string(i)));
    return out;
  }

  hold_mode mode(const json& o) const {
    const json* m = field(o, "mode", "", false);
    if (!m) return hold_mode::drop;
    const std::string& s = string(*m, "/mode", "\"drop\" or \"hold\"");
    if (s == "drop") return hold_mode::drop;
    if (s == "hold") return hold_mode::hold;
    fail("/mode", "\"drop\" or \"hold\"", describe_json(*m));
  }

  std::optional<sim_time> heal(const json& o) const {
    const json* h = field(o, "heal", "", false);
    if (!h || h->is_null()) return std::nullopt;
    return integer(*h, "/heal", "a time (an integer that fits in signed 64 bits) or null", int64_min, int64_max);
  }

  present slow_event(const json& o) {
    present has;
    rec = {};
    messages.clear();
    event_record& r = rec;
    r.id = counter_field(o, "id");
    r.process = process_field(o, "process");
    r.seq = counter_field(o, "seq");
    const std::string kinds = enum_list<event_kind, event_kind_count>(to_string);
    const json& kind = *field(o, "kind", kinds.c_str());
    const auto k = kind.is_string() ? kind_named(kind.get_ref<const std::string&>()) : std::nullopt;
    if (!k) fail("/kind", kinds, describe_json(kind));
    r.kind = *k;
    r.label = string(*field(o, "label", "a label (a string)"), "/label", "a label (a string)");
    r.time = time_field(o, "time");
    r.pt = time_field(o, "pt");
    r.lamport = counter_field(o, "lamport");
    const char* entries = "an object of vector entries {name: n}";
    const json& vector = *field(o, "vector", entries);
    if (!vector.is_object()) fail("/vector", entries, describe_json(vector));
    std::fill(dense.begin(), dense.end(), 0);
    for (const auto& [name, value] : vector.items()) {
      const std::string path = std::string("/vector/").append(pointer_token(name));
      const auto q = table.find(name);
      if (!q) fail(path, process_wanted(), std::string("an entry for ").append(quoted_excerpt(name)));
      dense[*q] = static_cast<std::uint32_t>(integer(value, path, vector_entry, 0, uint32_max));
    }
    const char* hlc_form = "[l, c]: two integers that fit in signed 64 bits, c non-negative";
    const json& hlc = *field(o, "hlc", hlc_form);
    if (!hlc.is_array() || hlc.size() != 2) fail("/hlc", hlc_form, describe_json(hlc));
    r.hlc.l = integer(hlc[0], "/hlc/0", any_integer, int64_min, int64_max);
    r.hlc.c = counter(hlc[1], "/hlc/1");
    if (const json* ms = field(o, "messages", "", false)) {
      const char* form = "an array of messages {\"id\": m, \"to\": name}";
      if (!ms->is_array()) fail("/messages", form, describe_json(*ms));
      for (std::size_t i = 0; i < ms->size(); ++i) {
        const json& m = (*ms)[i];
        const std::string path = "/messages/" + std::to_string(i);
        if (!m.is_object()) fail(path, "a message {\"id\": m, \"to\": name}", describe_json(m));
        const auto id = m.find("id"), to = m.find("to"), copies = m.find("copies");
        if (id == m.end()) fail(path + "/id", "the message's id", "no field \"id\"");
        if (to == m.end()) fail(path + "/to", "the message's destination", "no field \"to\"");
        sent_message sent{counter(*id, path + "/id"), process(*to, path + "/to")};
        if (copies != m.end())
          sent.copies = static_cast<std::uint8_t>(integer(*copies, path + "/copies", "1 or 2", 1, 2));
        messages.push_back(sent);
      }
      has.messages = true;
    }
    if (const json* m = field(o, "message", "", false)) {
      r.message = counter(*m, "/message");
      has.message = true;
    }
    if (const json* f = field(o, "from", "", false)) {
      r.from = process(*f, "/from");
      has.from = true;
    }
    if (const json* s = field(o, "send", "", false)) {
      r.send_event = counter(*s, "/send");
      has.send = true;
    }
    r.vector = dense;
    r.messages = messages;
    return has;
  }

  drop_record slow_drop(const json& o) const {
    drop_record d{};
    d.message = counter_field(o, "message");
    d.from = process_field(o, "from");
    d.to = process_field(o, "to");
    d.time = time_field(o, "time");
    const std::string reasons = enum_list<drop_reason, drop_reason_count>(to_string);
    const json& reason = *field(o, "reason", reasons.c_str());
    const auto why = reason.is_string() ? reason_named(reason.get_ref<const std::string&>()) : std::nullopt;
    if (!why) fail("/reason", reasons, describe_json(reason));
    d.reason = *why;
    if (const json* dup = field(o, "duplicate", "", false)) {
      if (!dup->is_boolean()) fail("/duplicate", "true or false", describe_json(*dup));
      d.duplicate = dup->get<bool>();
    }
    return d;
  }

  // Rebuilds the fault into the header, where observers find it at fault_record::index.
  fault_record slow_fault(const json& o) {
    scenario& h = reader.header_;
    if (h.faults.size() >= limits::list_entries)
      fail("", std::string("at most ").append(std::to_string(limits::list_entries)).append(" fault lines"),
           "one more");
    fault f;
    f.at = time_field(o, "time");
    f.path = std::string("line ").append(std::to_string(line));
    fault_record r{fault_record::kind::partition, f.at, -1, h.faults.size()};
    const char* kinds = "partition, cut, pause or clock_step (crash and restart are events)";
    const json& kind = *field(o, "fault", kinds);
    const std::string& k = string(kind, "/fault", kinds);
    if (k == "partition") {
      partition_fault p;
      const char* form = "an array of groups of process names";
      const json& groups = *field(o, "groups", form);
      if (!groups.is_array()) fail("/groups", form, describe_json(groups));
      constexpr auto none = ~std::uint32_t{0};
      p.group_of.assign(table.n, none);
      for (std::size_t g = 0; g < groups.size(); ++g) {
        const std::string path = "/groups/" + std::to_string(g);
        p.groups.push_back(process_list(groups[g], path));
        for (std::size_t i = 0; i < p.groups.back().size(); ++i) {
          const process_id q = p.groups.back()[i];
          if (p.group_of[q] != none)
            fail(path + "/" + std::to_string(i), "each process in one group at most",
                 std::string(quoted_excerpt(table.names[q])).append(" again"));
          p.group_of[q] = static_cast<std::uint32_t>(g);
        }
      }
      for (auto& g : p.group_of)
        if (g == none) g = static_cast<std::uint32_t>(groups.size());  // the processes not named
      p.heal = heal(o);
      p.mode = mode(o);
      r.end = p.heal.value_or(-1);
      f.what = std::move(p);
    } else if (k == "cut") {
      cut_fault c;
      c.from = process_list(*field(o, "from", "an array of process names"), "/from");
      c.to = process_list(*field(o, "to", "an array of process names"), "/to");
      c.heal = heal(o);
      c.mode = mode(o);
      r.type = fault_record::kind::cut;
      r.end = c.heal.value_or(-1);
      f.what = std::move(c);
    } else if (k == "pause") {
      pause_fault p;
      p.process = process_field(o, "process");
      if (const json* clock = field(o, "clock", "", false)) {
        const std::string& s = string(*clock, "/clock", "\"frozen\" or \"running\"");
        if (s != "frozen" && s != "running") fail("/clock", "\"frozen\" or \"running\"", describe_json(*clock));
        p.clock_running = s == "running";
      }
      r.end = integer_field(o, "until", "the time the pause ends (an integer, not before the fault's time)", f.at, int64_max);
      p.duration = r.end - f.at;
      r.type = fault_record::kind::pause;
      f.what = p;
    } else if (k == "clock_step") {
      clock_step_fault s;
      s.process = process_field(o, "process");
      s.by = time_field(o, "by");
      r.type = fault_record::kind::clock_step;
      f.what = s;
    } else {
      fail("/fault", kinds, describe_json(kind));
    }
    h.faults.push_back(std::move(f));
    return r;
  }

  void slow(std::string_view text) {
    const json o = parse_json_line(text, reader.path_, line);
    if (!o.is_object()) fail("", "a JSON object", describe_json(o));
    const char* types = "a line type among header, event, drop and fault";
    const json& type = *field(o, "type", types);
    const std::string& t = string(type, "/type", types);
    if (t == "event") {
      const present has = slow_event(o);
      finish_event(rec, has);
    } else if (t == "drop") {
      finish_drop(slow_drop(o));
    } else if (t == "fault") {
      const fault_record r = slow_fault(o);
      latest = std::max(latest, r.time);
      for (event_observer* obs : observers) obs->on_fault(r);
    } else if (t == "header") {
      fail("/type", "an event, drop or fault line (the header comes once, first)", describe_json(type));
    } else {
      fail("/type", types, describe_json(type));
    }
  }

  // ---- what both paths share ----

  void finish_event(event_record& r, present has) {
    if (r.id != next_id)
      fail("/id", std::string("event id ").append(std::to_string(next_id)).append(" (one more than the previous event's)"),
           std::to_string(r.id));
    const std::uint64_t seq = last_seq[r.process] + 1;
    if (r.seq != seq)
      fail("/seq",
           std::string("seq ").append(std::to_string(seq)).append(" (one more than ").append(table.names[r.process])
               .append("'s previous event)"),
           std::to_string(r.seq));
    if (r.kind == event_kind::send) {
      if (!has.messages)
        fail("/messages", "the messages of a send: [{\"id\": m, \"to\": name}, ...]", "no field \"messages\"");
      take_off(r);
    } else {
      r.messages = {};
    }
    if (r.kind == event_kind::receive || r.kind == event_kind::reject) {
      const std::string kind(to_string(r.kind));
      if (!has.message) fail("/message", std::string("the id of the message of a ").append(kind), "no field \"message\"");
      if (!has.from) fail("/from", std::string("the sender of the message of a ").append(kind), "no field \"from\"");
      if (!has.send) fail("/send", std::string("the id of the send event of a ").append(kind), "no field \"send\"");
      arrive(r);
    } else {
      r.message = 0;
      r.from = no_process;
      r.send_event = 0;
    }
    last_seq[r.process] = seq;
    ++next_id;
    latest = std::max(latest, r.time);
    for (event_observer* o : observers) o->on_event(r);
  }

  void finish_drop(const drop_record& d) {
    drop(d);
    latest = std::max(latest, d.time);
    for (event_observer* o : observers) o->on_drop(d);
  }

  // ---- the links between records ----
  //
  // A receive or reject takes one copy of a message in flight: sent (earlier in the file) to its
  // process by the sender and the send event it names; a drop takes one of the copies too, the
  // original or the network's duplicate. So every observer finds the same send behind a receive,
  // whether it looks it up by the message's id or by the send event's.

  flight_table in_flight;

  // "message 7 (A to B, sent by event 2)"
  std::string message_text(const flight& m, bool with_send = true) const {
    return concat("message ", std::to_string(m.id), " (", table.names[m.from], " to ", table.names[m.to],
                  with_send ? concat(", sent by event ", std::to_string(m.send)) : "", ")");
  }
  static std::string not_in_flight(message_id id) {
    return concat("message ", std::to_string(id),
                  ", which is not in flight: no earlier send sent it, or each copy was received or dropped already");
  }
  static std::string in_flight_wanted(std::string_view to = {}) {
    return concat("the id of a message in flight", to.empty() ? "" : concat(" to ", to),
                  ": sent by an earlier send, not yet received or dropped as often as it was sent");
  }

  void take_off(const event_record& r) {
    for (std::size_t i = 0; i < r.messages.size(); ++i) {
      const sent_message& m = r.messages[i];
      const auto [sent, fresh] = in_flight.add({m.id, r.id, r.process, m.to, m.copies, m.copies});
      if (!fresh)
        fail(concat("/messages/", std::to_string(i), "/id"),
             "the id of a message not in flight (an id is free again once every copy was received or dropped)",
             concat(message_text(*sent), ", still in flight"));
    }
  }

  void arrive(const event_record& r) {
    flight* const m = in_flight.find(r.message);
    if (!m) fail("/message", in_flight_wanted(table.names[r.process]), not_in_flight(r.message));
    if (m->to != r.process)
      fail("/message",
           concat("a message sent to ", table.names[r.process], " (the process of this ", to_string(r.kind), ")"),
           message_text(*m));
    if (r.from != m->from)
      fail("/from", concat(quoted_excerpt(table.names[m->from]), ", the sender of ", message_text(*m)),
           quoted_excerpt(table.names[r.from]));
    if (r.send_event != m->send)
      fail("/send", concat(std::to_string(m->send), ", the event that sent ", message_text(*m, false)),
           std::to_string(r.send_event));
    settle(*m);
  }

  void drop(const drop_record& d) {
    flight* const m = in_flight.find(d.message);
    if (!m) fail("/message", in_flight_wanted(), not_in_flight(d.message));
    if (d.from != m->from)
      fail("/from", concat(quoted_excerpt(table.names[m->from]), ", the sender of ", message_text(*m)),
           quoted_excerpt(table.names[d.from]));
    if (d.to != m->to)
      fail("/to", concat(quoted_excerpt(table.names[m->to]), ", the destination of ", message_text(*m)),
           quoted_excerpt(table.names[d.to]));
    if (d.duplicate && m->copies == 1)
      fail("/duplicate", concat("false or no field: ", message_text(*m), " was sent in one copy (no \"copies\": 2)"),
           "true");
    bool& dropped = d.duplicate ? m->duplicate_dropped : m->original_dropped;
    if (dropped)
      fail(d.duplicate ? "/duplicate" : "/message", concat("a copy of ", message_text(*m), " not dropped yet"),
           d.duplicate ? "its duplicate dropped a second time" : "its original copy dropped a second time");
    dropped = true;
    settle(*m);
  }

  void settle(flight& m) {
    if (--m.left == 0) in_flight.remove(m);
  }
};

trace_reader::trace_reader(std::string path) : path_(std::move(path)) {
  after_header_ = std::make_unique<line_reader>(path_);
  std::string_view text;
  do {
    if (!after_header_->next(text))
      throw input_error(path_, "", "an hbsim trace, whose first line is a header {\"type\":\"header\",...}",
                        "an empty file");
  } while (blank(text));
  header_line_ = after_header_->line_number();
  const std::size_t line = header_line_;
  const auto fail = [&](std::string where, std::string expected, std::string found) {
    throw input_error(path_, std::move(where), std::move(expected), std::move(found), "", line);
  };
  const json o = parse_json_line(text, path_, line);
  if (!o.is_object()) fail("", "a header line {\"type\":\"header\",...}", describe_json(o));
  const auto need = [&](const char* key, const char* what) -> const json& {
    const auto it = o.find(key);
    if (it == o.end()) fail(std::string("/").append(key), what, std::string("no field \"").append(key).append("\""));
    return *it;
  };
  const json& type = need("type", "\"header\" on the first line");
  if (type != "header") fail("/type", "\"header\" on the first line", describe_json(type));
  const json& format = need("format", "\"hbsim-trace/1\"");
  if (format != "hbsim-trace/1") fail("/format", "\"hbsim-trace/1\"", describe_json(format));
  const json& name = need("scenario", "the scenario's name (a string)");
  if (!name.is_string()) fail("/scenario", "the scenario's name (a string)", describe_json(name));
  header_.file = path_;
  header_.name = name.get<std::string>();
  const json& seed = need("seed", "an unsigned 64-bit integer");
  if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<std::int64_t>() >= 0))
    fail("/seed", "an unsigned 64-bit integer", describe_json(seed));
  header_.seed = seed.get<std::uint64_t>();
  const std::string list = "an array of 1 to " + std::to_string(limits::processes) + " process names";
  const json& processes = need("processes", list.c_str());
  if (!processes.is_array() || processes.empty() || processes.size() > limits::processes)
    fail("/processes", list, describe_json(processes));
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < processes.size(); ++i) {
    const json& p = processes[i];
    const std::string path = "/processes/" + std::to_string(i);
    if (!p.is_string() || p.get_ref<const std::string&>().empty())
      fail(path, "a process name (a non-empty string)", describe_json(p));
    if (!seen.emplace(p.get_ref<const std::string&>(), i).second)
      fail(path, "a name not listed before", describe_json(p).append(" again"));
    header_.processes.push_back({p.get<std::string>(), {}});
  }
}

trace_reader::~trace_reader() = default;

void trace_reader::replay(std::span<event_observer* const> observers) {
  header_.faults.clear();
  // The first replay goes on from the header's reader; another one reads the file again.
  if (!after_header_) {
    after_header_ = std::make_unique<line_reader>(path_);
    std::string_view skipped;
    while (after_header_->line_number() < header_line_ && after_header_->next(skipped)) {
    }
  }
  const process_table table(header_);
  state s(*this, table, observers);
  const run_header h{&header_, header_.seed, table.names};
  read_ahead ahead(*after_header_, table);
  after_header_.reset();
  for (event_observer* o : observers) o->on_start(h);
  for (;;) {
    batch& b = ahead.next();
    s.replay_batch(b);
    if (b.error) std::rethrow_exception(b.error);
    const bool last = b.last;
    ahead.done(b);
    if (last) break;
  }
  const run_end end{s.latest, false, false};
  for (event_observer* o : observers) o->on_finish(end);
}

}  // namespace hbsim
