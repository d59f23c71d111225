// The line codec's general path (see line_codec.hpp): a line parsed by nlohmann, every field checked
// with its JSON path.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "hbsim/clocks/vector/vector_stamp.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "trace/json_lines.hpp"
#include "trace/line_codec.hpp"

namespace hbsim::trace_internal {

using json = nlohmann::json;

namespace {

// What a field may hold, for messages.
constexpr const char* any_integer = "an integer that fits in signed 64 bits";
constexpr const char* count = "a non-negative integer that fits in signed 64 bits";
constexpr const char* vector_entry = "an integer from 0 to 4294967295";

template <class Enum, std::size_t N>
std::string enum_list(std::string_view (*name)(Enum)) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out.append(i + 1 == N ? " or " : ", ");
    out.append(name(static_cast<Enum>(i)));
  }
  return out;
}

}  // namespace

void json_line_codec::fail(std::string path, std::string expected, std::string found) const {
  throw input_error(file_, std::move(path), std::move(expected), std::move(found), "", line);
}

const json* json_line_codec::field(const json& o, const char* key, const char* what, bool required) const {
  const auto it = o.find(key);
  if (it != o.end()) return &*it;
  if (required) fail(std::string("/").append(key), what, std::string("no field \"").append(key).append("\""));
  return nullptr;
}

std::int64_t json_line_codec::integer(const json& v, const std::string& path, const char* what, std::int64_t lo,
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
std::int64_t json_line_codec::integer_field(const json& o, const char* key, const char* what, std::int64_t lo, std::int64_t hi) const {
  return integer(*field(o, key, what), std::string("/").append(key), what, lo, hi);
}
std::uint64_t json_line_codec::counter(const json& v, const std::string& path) const {
  return static_cast<std::uint64_t>(integer(v, path, count, 0, int64_max));
}
std::uint64_t json_line_codec::counter_field(const json& o, const char* key) const {
  return static_cast<std::uint64_t>(integer_field(o, key, count, 0, int64_max));
}
sim_time json_line_codec::time_field(const json& o, const char* key) const {
  return integer_field(o, key, any_integer, int64_min, int64_max);
}

const std::string& json_line_codec::string(const json& v, const std::string& path, const std::string& what) const {
  if (!v.is_string()) fail(path, what, describe_json(v));
  return v.get_ref<const std::string&>();
}

std::string json_line_codec::process_wanted() const {
  return std::string("a process named in the header (").append(table_.known).append(")");
}
process_id json_line_codec::process(const json& v, const std::string& path) const {
  const auto q = table_.find(string(v, path, process_wanted()));
  if (!q) fail(path, process_wanted(), describe_json(v));
  return *q;
}
process_id json_line_codec::process_field(const json& o, const char* key) const {
  return process(*field(o, key, process_wanted().c_str()), std::string("/").append(key));
}
std::vector<process_id> json_line_codec::process_list(const json& v, const std::string& path) const {
  if (!v.is_array()) fail(path, "an array of process names", describe_json(v));
  std::vector<process_id> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(process(v[i], path + "/" + std::to_string(i)));
  return out;
}

hold_mode json_line_codec::mode(const json& o) const {
  const json* m = field(o, "mode", "", false);
  if (!m) return hold_mode::drop;
  const std::string& s = string(*m, "/mode", "\"drop\" or \"hold\"");
  if (s == "drop") return hold_mode::drop;
  if (s == "hold") return hold_mode::hold;
  fail("/mode", "\"drop\" or \"hold\"", describe_json(*m));
}

template <class Enum, std::size_t N>
Enum json_line_codec::enum_field(const json& o, const char* key, std::optional<Enum> (*named)(std::string_view)) const {
  const std::string names = enum_list<Enum, N>(to_string);
  const json& v = *field(o, key, names.c_str());
  const auto e = v.is_string() ? named(v.get_ref<const std::string&>()) : std::nullopt;
  if (!e) fail(std::string("/").append(key), names, describe_json(v));
  return *e;
}

std::optional<sim_time> json_line_codec::heal(const json& o) const {
  const json* h = field(o, "heal", "", false);
  if (!h || h->is_null()) return std::nullopt;
  return integer(*h, "/heal", "a time (an integer that fits in signed 64 bits) or null", int64_min, int64_max);
}

present json_line_codec::read_event(const json& o) {
  present has;
  rec_ = {};
  values_ = {};
  messages_.clear();
  pruned_.clear();
  event_record& r = rec_;
  r.id = counter_field(o, "id");
  r.process = process_field(o, "process");
  r.seq = counter_field(o, "seq");
  r.kind = enum_field<event_kind, event_kind_count>(o, "kind", kind_named);
  r.label = string(*field(o, "label", "a label (a string)"), "/label", "a label (a string)");
  r.time = time_field(o, "time");
  r.pt = time_field(o, "pt");
  values_.lamport = table_.clocks.has("lamport") ? counter_field(o, "lamport") : 0;
  if (table_.clocks.has("vector")) read_vector(o);
  if (table_.clocks.has("hlc")) read_hlc(o);
  read_stamps(o);
  if (const json* ms = field(o, "messages", "", false)) {
    read_messages(*ms);
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
  if (const json* d = field(o, "data", "", false)) {
    read_data(*d, field(o, "state", "", false));
    r.data = &data_;
  }
  if (const json* n = field(o, "ntp", "", false)) {
    read_ntp(*n);
    r.ntp = &ntp_;
  }
  if (field(o, "arrived", "", false)) r.arrived = time_field(o, "arrived");
  if (const json* c = field(o, "commit", "", false)) {
    read_commit(*c);
    r.commit = &commit_;
  }
  if (const json* p = field(o, "pruned", "", false)) pruned_ = process_list(*p, "/pruned");
  r.pruned = pruned_;
  r.messages = messages_;
  stamps_.fill(r, values_, vector(), words_);
  return has;
}

void json_line_codec::read_commit(const json& c) {
  const char* form = R"({"s": ns} or {"s": ns, "waited": ns}: integers that fit in signed 64 bits, waited non-negative)";
  if (!c.is_object() || !c.contains("s") || c.size() != (c.contains("waited") ? 2u : 1u))
    fail("/commit", form, describe_json(c));
  commit_.s = integer(c["s"], "/commit/s", form, int64_min, int64_max);
  commit_.waited = c.contains("waited") ? integer(c["waited"], "/commit/waited", form, 0, int64_max) : -1;
}

void json_line_codec::read_hlc(const json& o) {
  const char* hlc_form = "[l, c]: two integers that fit in signed 64 bits, c non-negative";
  const json& hlc = *field(o, "hlc", hlc_form);
  if (!hlc.is_array() || hlc.size() != 2) fail("/hlc", hlc_form, describe_json(hlc));
  values_.hlc.l = integer(hlc[0], "/hlc/0", any_integer, int64_min, int64_max);
  values_.hlc.c = counter(hlc[1], "/hlc/1");
}

void json_line_codec::read_stamps(const json& o) {
  const auto& extra = table_.clocks.extra;
  words_.resize(extra.size());
  for (std::size_t i = 0; i < extra.size(); ++i) {
    const clock_kind& kind = *extra[i].kind;
    const std::string key(kind.name());
    const std::string wanted = kind.read(*field(o, key.c_str(), "the value of a clock the header names"), table_.names,
                                         words_[i]);
    if (!wanted.empty()) fail(std::string("/").append(pointer_token(key)), wanted, describe_json(o[key]));
  }
}

void json_line_codec::read_vector(const json& o) {
  const char* entries = "an object of vector entries {name: n}";
  const json& vector = *field(o, "vector", entries);
  if (!vector.is_object()) fail("/vector", entries, describe_json(vector));
  std::fill(dense_.begin(), dense_.end(), 0);
  sparse_.clear();
  for (const auto& [name, value] : vector.items()) {
    const std::string path = std::string("/vector/").append(pointer_token(name));
    const auto q = table_.find(name);
    if (!q) fail(path, process_wanted(), std::string("an entry for ").append(quoted_excerpt(name)));
    const auto count = static_cast<std::uint32_t>(integer(value, path, vector_entry, 0, uint32_max));
    if (!table_.sparse_vectors)
      dense_[*q] = count;
    else if (count != 0)
      sparse_.push_back(sparse_entry(*q, count));
  }
  if (!table_.sparse_vectors) return;
  // The object's entries come by name; a stamp's by process. Each process once: an object's names differ.
  std::sort(sparse_.begin(), sparse_.end());
  sparse_.insert(sparse_.begin(), sparse_stamp_tag | table_.n);
}

void json_line_codec::read_messages(const json& ms) {
  const char* form = "an array of messages {\"id\": m, \"to\": name}";
  if (!ms.is_array()) fail("/messages", form, describe_json(ms));
  for (std::size_t i = 0; i < ms.size(); ++i) {
    const json& m = ms[i];
    const std::string path = "/messages/" + std::to_string(i);
    if (!m.is_object()) fail(path, "a message {\"id\": m, \"to\": name}", describe_json(m));
    const auto id = m.find("id"), to = m.find("to"), copies = m.find("copies");
    if (id == m.end()) fail(path + "/id", "the message's id", "no field \"id\"");
    if (to == m.end()) fail(path + "/to", "the message's destination", "no field \"to\"");
    sent_message sent{counter(*id, path + "/id"), process(*to, path + "/to")};
    if (copies != m.end())
      sent.copies = static_cast<std::uint8_t>(integer(*copies, path + "/copies", "1 or 2", 1, 2));
    messages_.push_back(sent);
  }
}

drop_record json_line_codec::read_drop(const json& o) const {
  drop_record d{};
  d.message = counter_field(o, "message");
  d.from = process_field(o, "from");
  d.to = process_field(o, "to");
  d.time = time_field(o, "time");
  d.reason = enum_field<drop_reason, drop_reason_count>(o, "reason", reason_named);
  if (const json* dup = field(o, "duplicate", "", false)) {
    if (!dup->is_boolean()) fail("/duplicate", "true or false", describe_json(*dup));
    d.duplicate = dup->get<bool>();
  }
  return d;
}


fault_record json_line_codec::read_fault(const json& o, std::size_t index) const {
  if (index >= limits::list_entries)
    fail("", std::string("at most ").append(std::to_string(limits::list_entries)).append(" fault lines"),
         "one more");
  fault_record r;
  r.time = time_field(o, "time");
  r.index = index;
  const char* kinds = "partition, cut, pause or clock_step (crash and restart are events)";
  const json& kind = *field(o, "fault", kinds);
  const std::string& k = string(kind, "/fault", kinds);
  if (k == "partition") {
    partition_fault p = read_partition(o);
    r.end = p.heal.value_or(-1);
    r.what = std::move(p);
  } else if (k == "cut") {
    cut_fault c;
    c.from = process_list(*field(o, "from", "an array of process names"), "/from");
    c.to = process_list(*field(o, "to", "an array of process names"), "/to");
    c.heal = heal(o);
    c.mode = mode(o);
    r.end = c.heal.value_or(-1);
    r.what = std::move(c);
  } else if (k == "pause") {
    pause_fault p;
    p.process = process_field(o, "process");
    if (const json* clock = field(o, "clock", "", false)) {
      const std::string& s = string(*clock, "/clock", "\"frozen\" or \"running\"");
      if (s != "frozen" && s != "running") fail("/clock", "\"frozen\" or \"running\"", describe_json(*clock));
      p.clock_running = s == "running";
    }
    r.end = integer_field(o, "until", "the time the pause ends (an integer, not before the fault's time)", r.time, int64_max);
    p.duration = r.end - r.time;
    r.what = p;
  } else if (k == "clock_step") {
    clock_step_fault s;
    s.process = process_field(o, "process");
    s.by = time_field(o, "by");
    r.what = s;
  } else {
    fail("/fault", kinds, describe_json(kind));
  }
  return r;
}

partition_fault json_line_codec::read_partition(const json& o) const {
  partition_fault p;
  const char* form = "an array of groups of process names";
  const json& groups = *field(o, "groups", form);
  if (!groups.is_array()) fail("/groups", form, describe_json(groups));
  constexpr auto none = ~std::uint32_t{0};
  p.group_of.assign(table_.n, none);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const std::string path = "/groups/" + std::to_string(g);
    p.groups.push_back(process_list(groups[g], path));
    for (std::size_t i = 0; i < p.groups.back().size(); ++i) {
      const process_id q = p.groups.back()[i];
      if (p.group_of[q] != none)
        fail(path + "/" + std::to_string(i), "each process in one group at most",
             std::string(quoted_excerpt(table_.names[q])).append(" again"));
      p.group_of[q] = static_cast<std::uint32_t>(g);
    }
  }
  for (auto& g : p.group_of)
    if (g == none) g = static_cast<std::uint32_t>(groups.size());  // the processes not named
  p.heal = heal(o);
  p.mode = mode(o);
  return p;
}

}  // namespace hbsim::trace_internal
