#include "hbsim/trace/trace_writer.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>

#include "core/prefetch.hpp"
#include "core/sha256.hpp"
#include "hbsim/clocks/clock_kind.hpp"
#include "hbsim/data/data_note.hpp"
#include "hbsim/kernel/ntp_note.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

namespace {

constexpr std::size_t number = 20;  // the longest decimal int64 or uint64, sign included

template <std::size_t N>
char* lit(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
}
char* raw(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
// The eight decimal digits of v < 10^8, leading zeros included, one per byte, the first in the lowest
// byte: halves, then quarters, then single digits, each step on all the parts at once. A division is a
// multiplication and a shift, exact for the parts' ranges; q | r << s, where r = x - q * d, is written
// (x << s) - q * (d << s - 1).
std::uint64_t digit_bytes(std::uint64_t v) {
  const std::uint64_t q = (v * 3518437209) >> 45;                 // v / 10000
  std::uint64_t x = (v << 32) - q * 42949672959999;               // 32-bit parts: v / 10^4, v % 10^4
  const std::uint64_t h = ((x * 10486) >> 20) & 0x0000007F0000007F;  // each / 100
  x = (x << 16) - h * 6553599;                                    // 16-bit parts: / 100, % 100 of each
  const std::uint64_t t = ((x * 103) >> 10) & 0x000F000F000F000F;  // each / 10
  return (x << 8) - t * 2559;                                     // bytes: / 10, % 10 of each
}

// The text of each number below 10^4 (the common vector entry), its digits from the lowest byte on.
struct small_numbers {
  std::array<std::uint32_t, 10000> text{};
  constexpr small_numbers() {
    for (std::uint32_t v = 0; v < text.size(); ++v) {
      char digits[4] = {};
      const int n = 1 + (v >= 10) + (v >= 100) + (v >= 1000);
      for (std::uint32_t i = 0, rest = v; i < static_cast<std::uint32_t>(n); ++i, rest /= 10)
        digits[n - 1 - i] = static_cast<char>('0' + rest % 10);
      for (int i = 0; i < 4; ++i)
        text[v] |= static_cast<std::uint32_t>(static_cast<unsigned char>(digits[i])) << (8 * i);
    }
  }
};
constexpr small_numbers small{};

// A number in decimal, as std::to_chars writes it; writes up to `number` bytes from p (8 at least).
char* num(char* p, std::uint64_t v) {
  if constexpr (std::endian::native != std::endian::little) return std::to_chars(p, p + number, v).ptr;
  if (v < 10000) {
    std::memcpy(p, &small.text[v], 4);
    return p + 1 + (v >= 10) + (v >= 100) + (v >= 1000);
  }
  if (v >= 100000000) return std::to_chars(p, p + number, v).ptr;
  const std::uint64_t x = digit_bytes(v);
  const auto zeros = static_cast<unsigned>(std::countr_zero(x)) / 8;  // x has a digit not 0: v >= 10^4
  const std::uint64_t text = (x | 0x3030303030303030) >> (8 * zeros);
  std::memcpy(p, &text, 8);
  return p + 8 - zeros;
}
char* num(char* p, std::int64_t v) {
  if (v >= 0) return num(p, static_cast<std::uint64_t>(v));
  *p++ = '-';
  return num(p, 0 - static_cast<std::uint64_t>(v));
}

}  // namespace

char* write_json_string(char* p, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  *p++ = '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      *p++ = '\\';
      *p++ = ch;
    } else if (c < 0x20) {
      p = lit(p, "\\u00");
      *p++ = hex[c >> 4];
      *p++ = hex[c & 15];
    } else {
      *p++ = ch;
    }
  }
  *p++ = '"';
  return p;
}

void append_json_string(std::string& out, std::string_view s) {
  const std::size_t start = out.size();
  out.resize(start + 6 * s.size() + 2);
  out.resize(static_cast<std::size_t>(write_json_string(out.data() + start, s) - out.data()));
}

trace_writer::trace_writer(std::string path, bool hash_on_own_thread)
    : hash_(std::make_unique<sha256>(hash_on_own_thread)), out_(std::move(path), "trace") {
  out_.set_tap([h = hash_.get()](std::string_view bytes) { h->update(bytes); });
}

trace_writer::~trace_writer() = default;

char* trace_writer::reserve(std::size_t bound) { return out_.reserve(bound); }

void trace_writer::end_line(char* end) { out_.advance(lit(end, "}\n")); }

char* trace_writer::name(char* p, process_id q) const { return raw(p, names_[q]); }

void trace_writer::ahead(const event_record& next) const {
  prefetch(&names_[next.process], sizeof(std::string));
  if (message_arrived(next.kind)) prefetch(&names_[next.from], sizeof(std::string));
  for (const sent_message& m : next.messages) prefetch(&names_[m.to], sizeof(std::string));
}

void trace_writer::on_start(const run_header& h) {
  plain_names_ = h.process_names;
  const std::size_t n = h.process_names.size();
  names_.clear();
  names_.reserve(n);
  for (const std::string& name : h.process_names) {
    std::string q;
    append_json_string(q, name);
    longest_name_ = std::max(longest_name_, q.size());
    names_.push_back(q);  // a copy: a short name's fits inside it, where q's buffer took room for escapes
  }
  const logical_config& clocks = h.source->logical;
  places_ = stamp_index(clocks);
  // Vector entries' keys, only for a run with vectors (16 MB at a million processes).
  key_stride_ = std::max<std::size_t>(16, (longest_name_ + 1 + 15) / 16 * 16);
  key_blocks_.clear();
  key_length_.clear();
  if (places_.vector != stamp_index::none) {
    key_blocks_.assign(n * key_stride_, 0);
    for (process_id i = 0; i < n; ++i) {
      char* p = raw(&key_blocks_[i * key_stride_], names_[i]);
      *p = ':';
      key_length_.push_back(static_cast<std::uint8_t>(std::min<std::size_t>(names_[i].size() + 1, 255)));
    }
  }
  extra_.clear();
  for (const chosen_clock& c : clocks.extra) extra_.push_back(c.kind.get());
  std::size_t clock_names = 0;
  for (const std::string& c : clocks.clocks) clock_names += 6 * c.size() + 3;
  // The options a reader needs to judge some kinds' stamps (an epoch Lamport clock's bound).
  nlohmann::json recorded = nlohmann::json::object();
  if (places_.vector != stamp_index::none && !clocks.vector_opts.standard()) recorded["vector"] = clocks.vector_opts.to_json();
  for (const chosen_clock& c : clocks.extra)
    if (nlohmann::json o = c.kind->recorded_options(); !o.is_null()) recorded[c.kind->name()] = std::move(o);
  const std::string options = recorded.empty() ? std::string() : recorded.dump();
  // The delivery groups, so that hbsim check judges their order from the trace as the run did.
  const std::string delivery =
      h.source->delivery.empty() ? std::string() : delivery_groups_json(h.source->delivery, h.process_names).dump();
  char* p = reserve(128 + 6 * h.source->name.size() + n * (longest_name_ + 1) + clock_names +
                    options.size() + delivery.size());
  p = lit(p, "{\"type\":\"header\",\"format\":\"hbsim-trace/1\",\"scenario\":");
  p = write_json_string(p, h.source->name);
  p = lit(p, ",\"seed\":");
  p = num(p, h.seed);
  p = lit(p, ",\"processes\":[");
  for (process_id i = 0; i < n; ++i) {
    if (i) *p++ = ',';
    p = name(p, i);
  }
  *p++ = ']';
  if (!h.source->logical.standard()) {
    p = lit(p, ",\"clocks\":[");
    for (std::size_t i = 0; i < h.source->logical.clocks.size(); ++i) {
      if (i) *p++ = ',';
      p = write_json_string(p, h.source->logical.clocks[i]);
    }
    *p++ = ']';
  }
  if (!options.empty()) {
    p = lit(p, ",\"logical\":");
    p = std::copy(options.begin(), options.end(), p);
  }
  if (!delivery.empty()) {
    p = lit(p, ",\"delivery\":");
    p = std::copy(delivery.begin(), delivery.end(), p);
  }
  end_line(p);
}

namespace {
// The vector entries an event's line takes room for: a dense stamp's every one (each is written, then
// passed over when 0), a sparse one's non-zero ones.
std::size_t vector_entries(vector_stamp v) { return v.sparse() ? v.nonzero() : v.size(); }
}  // namespace

// An upper bound of the event's line; formats first what the modules write as text (the other kinds' fields, data,
// NTP), whose sizes it adds. This and the event line's other parts are `inline`, used here only: they run once
// per event, and on_event then compiles as one function again (callgrind: 9.6 M fewer instructions on the bench).
inline std::size_t trace_writer::event_bound(const event_record& e) {
  std::size_t bound = 512 + 6 * e.label.size() + 2 * longest_name_ + vector_entries(places_.vector_of(e)) * (key_stride_ + number + 1) +
                      e.pruned.size() * (longest_name_ + 1) +
                      e.messages.size() * (longest_name_ + 48);
  extra_text_.resize(extra_.size());
  for (std::size_t i = 0; i < extra_.size(); ++i) {
    extra_text_[i] = extra_[i]->write(e.stamps[places_.extra[i]], plain_names_).dump();
    bound += extra_text_[i].size() + 6 * extra_[i]->name().size() + 4;
  }
  if (e.data) {
    data_text_ = trace_fields(*e.data, e.id);
    bound += data_text_.size();
  }
  if (e.ntp) {
    ntp_text_ = trace_field(*e.ntp);
    bound += ntp_text_.size();
  }
  if (e.commit) bound += 64;
  return bound;
}

void trace_writer::on_event(const event_record& e) {
  char* p = reserve(event_bound(e));
  p = lit(p, "{\"type\":\"event\",\"id\":");
  p = num(p, e.id);
  p = lit(p, ",\"process\":");
  p = name(p, e.process);
  p = lit(p, ",\"seq\":");
  p = num(p, e.seq);
  p = lit(p, ",\"kind\":\"");
  p = raw(p, to_string(e.kind));
  p = lit(p, "\",\"label\":");
  p = write_json_string(p, e.label);
  p = lit(p, ",\"time\":");
  p = num(p, e.time);
  p = lit(p, ",\"pt\":");
  p = num(p, e.pt);
  p = clock_fields(p, e);
  p = message_fields(p, e);
  if (e.data) p = raw(p, data_text_);
  if (e.ntp) p = raw(p, ntp_text_);
  if (e.commit) {
    p = lit(p, ",\"commit\":{\"s\":");
    p = num(p, e.commit->s);
    if (e.commit->done()) {
      p = lit(p, ",\"waited\":");
      p = num(p, e.commit->waited);
    }
    *p++ = '}';
  }
  end_line(p);
}

// lamport, vector, pruned, hlc and the other kinds' fields (event_bound formatted those), as the run chose them.
inline char* trace_writer::clock_fields(char* p, const event_record& e) const {
  if (places_.lamport != stamp_index::none) {
    p = lit(p, ",\"lamport\":");
    p = num(p, lamport_of(e.stamps[places_.lamport]));
  }
  if (places_.vector != stamp_index::none) p = vector(p, vector_of(e.stamps[places_.vector]));
  if (!e.pruned.empty()) {
    p = lit(p, ",\"pruned\":[");
    for (std::size_t i = 0; i < e.pruned.size(); ++i) {
      if (i) *p++ = ',';
      p = name(p, e.pruned[i]);
    }
    *p++ = ']';
  }
  if (places_.hlc != stamp_index::none) {
    const hlc_stamp h = hlc_of(e.stamps[places_.hlc]);
    p = lit(p, ",\"hlc\":[");
    p = num(p, h.l);
    *p++ = ',';
    p = num(p, h.c);
    *p++ = ']';
  }
  for (std::size_t i = 0; i < extra_.size(); ++i) {
    *p++ = ',';
    p = write_json_string(p, extra_[i]->name());
    *p++ = ':';
    p = raw(p, extra_text_[i]);
  }
  return p;
}

inline char* trace_writer::message_fields(char* p, const event_record& e) const {
  if (e.kind == event_kind::send) {
    p = lit(p, ",\"messages\":[");
    for (std::size_t i = 0; i < e.messages.size(); ++i) {
      if (i) *p++ = ',';
      p = lit(p, "{\"id\":");
      p = num(p, e.messages[i].id);
      p = lit(p, ",\"to\":");
      p = name(p, e.messages[i].to);
      if (e.messages[i].copies > 1) p = lit(p, ",\"copies\":2");
      *p++ = '}';
    }
    *p++ = ']';
  } else if (message_arrived(e.kind)) {
    p = lit(p, ",\"message\":");
    p = num(p, e.message);
    p = lit(p, ",\"from\":");
    p = name(p, e.from);
    p = lit(p, ",\"send\":");
    p = num(p, e.send_event);
    if (e.arrived != no_arrival) {
      p = lit(p, ",\"arrived\":");
      p = num(p, e.arrived);
    }
  }
  return p;
}

// Every entry of a dense stamp is written, each followed by a comma, but the cursor passes only the
// non-zero ones: no branch on a vector's zeros, whose pattern a CPU cannot foresee. A sparse stamp
// holds its non-zero entries only. The members the loop reads are copied to locals first: the
// compiler cannot tell that the line's bytes do not overwrite them.
char* trace_writer::vector(char* p, vector_stamp v) const {
  p = lit(p, ",\"vector\":{");
  char* const first = p;
  const char* const keys = key_blocks_.data();
  const std::uint8_t* const length = key_length_.data();
  const std::size_t stride = key_stride_;
  const auto entry = [&](std::size_t i, std::uint64_t value) {
    const char* const key = keys + i * stride;
    if (stride == 16)
      std::memcpy(p, key, 16);  // a constant size: compiled to two moves
    else
      std::memcpy(p, key, stride);
    return num(p + length[i], value);
  };
  if (v.sparse()) {
    v.for_each([&](std::size_t i, std::uint64_t value) {
      char* const end = entry(i, value);
      *end = ',';
      p = end + 1;
    });
  } else {
    const std::span<const std::uint64_t> w = v.dense_words();
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::uint64_t value = w[i];
      char* const end = entry(i, value);
      *end = ',';
      p = value != 0 ? end + 1 : p;
    }
  }
  if (p != first) --p;  // the last entry's comma
  *p++ = '}';
  return p;
}

void trace_writer::on_drop(const drop_record& d) {
  char* p = reserve(256 + 2 * longest_name_);
  p = lit(p, "{\"type\":\"drop\",\"message\":");
  p = num(p, d.message);
  p = lit(p, ",\"from\":");
  p = name(p, d.from);
  p = lit(p, ",\"to\":");
  p = name(p, d.to);
  p = lit(p, ",\"time\":");
  p = num(p, d.time);
  p = lit(p, ",\"reason\":\"");
  p = raw(p, to_string(d.reason));
  *p++ = '"';
  if (d.duplicate) p = lit(p, ",\"duplicate\":true");
  end_line(p);
}

void trace_writer::on_fault(const fault_record& r) {
  // A cut read from a hand-written trace may name a process more than once.
  std::size_t named = 1;
  if (const auto* part = std::get_if<partition_fault>(&r.what)) named = part->group_of.size();
  if (const auto* c = std::get_if<cut_fault>(&r.what)) named = c->from.size() + c->to.size();
  char* p = reserve(256 + named * (longest_name_ + 4));
  const auto list = [&](const std::vector<process_id>& ps) {
    *p++ = '[';
    for (std::size_t i = 0; i < ps.size(); ++i) {
      if (i) *p++ = ',';
      p = name(p, ps[i]);
    }
    *p++ = ']';
  };
  const auto ending = [&]<std::size_t N>(const char(&key)[N]) {
    p = lit(p, key);
    p = r.end < 0 ? lit(p, "null") : num(p, r.end);
  };
  const auto mode = [&](hold_mode m) { p = m == hold_mode::hold ? lit(p, ",\"mode\":\"hold\"") : lit(p, ",\"mode\":\"drop\""); };
  p = lit(p, "{\"type\":\"fault\",\"time\":");
  p = num(p, r.time);
  if (const auto* part = std::get_if<partition_fault>(&r.what)) {
    p = lit(p, ",\"fault\":\"partition\",\"groups\":[");
    const auto groups = part->applied_groups();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (g) *p++ = ',';
      list(groups[g]);
    }
    *p++ = ']';
    mode(part->mode);
    ending(",\"heal\":");
  } else if (const auto* c = std::get_if<cut_fault>(&r.what)) {
    p = lit(p, ",\"fault\":\"cut\",\"from\":");
    list(c->from);
    p = lit(p, ",\"to\":");
    list(c->to);
    mode(c->mode);
    ending(",\"heal\":");
  } else if (const auto* s = std::get_if<clock_step_fault>(&r.what)) {
    p = lit(p, ",\"fault\":\"clock_step\",\"process\":");
    p = name(p, s->process);
    p = lit(p, ",\"by\":");
    p = num(p, s->by);
  } else if (const auto* pa = std::get_if<pause_fault>(&r.what)) {
    p = lit(p, ",\"fault\":\"pause\",\"process\":");
    p = name(p, pa->process);
    p = pa->clock_running ? lit(p, ",\"clock\":\"running\"") : lit(p, ",\"clock\":\"frozen\"");
    ending(",\"until\":");
  }
  end_line(p);
}

void trace_writer::commit() {
  out_.commit();
  digest_ = hash_->hex_digest();
}

}  // namespace hbsim
