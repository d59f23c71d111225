#include "clocks/vector/vector_kind.hpp"

#include <algorithm>
#include <array>

#include "clocks/vector/vector_judge.hpp"
#include "clocks/rule_text.hpp"
#include "core/concat.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"

namespace hbsim {

namespace {

using words = std::vector<std::uint64_t>;
using row = std::vector<std::uint32_t>;
using names_span = std::span<const std::string>;

std::string num(std::uint64_t v) { return std::to_string(v); }

constexpr std::size_t narrated_entries = 16;  // narration: entries written before "…(N more)"
constexpr std::size_t explained_entries = 12;  // explain: entries written before "... N more"

row as_row(stamp_words w) { return dense_row(vector_of(w)); }
// A row as stamp words in the form of `like` (a stamp of the same run): dense or sparse.
words as_words(const row& v, stamp_words like) {
  if (!vector_of(like).sparse()) return words(v.begin(), v.end());
  words out;
  append_sparse_stamp(out, v.size(), std::span<const std::uint32_t>(v));
  return out;
}

// Narration's "[1,0,2]": every entry in process order.
std::string bracket(const row& v) {
  std::string out = "[";
  for (std::size_t j = 0; j < v.size() && j < narrated_entries; ++j) out.append(j ? "," : "").append(num(v[j]));
  if (v.size() > narrated_entries) out.append(",…(").append(num(v.size() - narrated_entries)).append(" more)");
  return out.append("]");
}


// The narrated rule of a wrong variant, or the canonical one where the variant does not differ.
std::pair<rule_clause, row> variant_rule(vector_variant v, const clock_step& s) {
  const row before = as_row(s.before);
  const std::string b = bracket(before);
  const std::string name = concat("vector variant ", to_string(v));
  row expected = before;
  if (!s.message.empty()) {
    const row m = as_row(s.message);
    const std::string mt = bracket(m);
    if (v != vector_variant::no_merge) merge_max(expected, m);
    if (v != vector_variant::no_tick_receive) ++expected[s.process];
    if (v == vector_variant::no_merge)
      return {{name, concat("V = ", b, " then tick"), false, concat("ignores the message's ", mt)}, expected};
    if (v == vector_variant::no_tick_receive)
      return {{name, concat("V = max(", b, ", ", mt, ")"), false, "no tick after the merge"}, expected};
    return {{{}, concat("V = max(", b, ", ", mt, ") then tick"), false, {}}, expected};
  }
  if (s.kind == event_kind::send && v == vector_variant::no_tick_send)
    return {{name, concat("V stays ", b), true, "a send does not tick"}, expected};
  ++expected[s.process];
  if (s.kind == event_kind::send && v == vector_variant::send_previous)
    return {{name, concat("V = ", b, " then tick"), false, concat("the message carries ", b, ", from before the tick")},
            expected};
  return {{{}, concat("V = ", b, " then tick"), false, {}}, expected};
}

class vector_module final : public clock_kind {
 public:
  std::string_view name() const override { return "vector"; }
  std::span<const std::string_view> variants() const override { return vector_variant_names(); }
  std::span<const std::string_view> options() const override { return vector_options::fields(); }
  std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t variant,
                                      const nlohmann::json& block) const override {
    return std::make_unique<vector_clock>(processes, static_cast<vector_variant>(variant), vector_options::read(block));
  }

  nlohmann::json write(stamp_words v, names_span names) const override {
    nlohmann::json out = nlohmann::json::object();
    vector_of(v).for_each([&](std::size_t j, std::uint64_t count) { out[names[j]] = count; });
    return out;
  }
  std::string read(const nlohmann::json& v, names_span names, words& out) const override {
    const std::string wanted = "a vector clock: {process name: an integer from 0 to 4294967295}";
    out.assign(names.size(), 0);
    if (!v.is_object()) return wanted;
    for (const auto& [name, count] : v.items()) {
      const auto j = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
      if (j == names.size() || !count.is_number_unsigned() || count.get<std::uint64_t>() > UINT32_MAX) return wanted;
      out[j] = count.get<std::uint64_t>();
    }
    return "";
  }
  std::string text(stamp_words v, names_span names) const override { return vector_text(vector_of(v), names); }

  std::string rule(const clock_step& s, names_span names) const override {
    auto [c, expected] = variant_rule(static_cast<vector_variant>(s.variant), s);
    // Pruning (logical.vector.prune) ends the event: the dropped entries read 0.
    if (!s.pruned.empty()) {
      c.formula.append(", then prune ");
      for (std::size_t i = 0; i < s.pruned.size(); ++i) {
        c.formula.append(i ? ", " : "").append(names[s.pruned[i]]);
        expected[s.pruned[i]] = 0;
      }
      c.shows_value = false;
    }
    const row recorded = as_row(s.after);
    return narrated_rule(c, expected == recorded, bracket(expected), "V", bracket(recorded));
  }
  std::string stated(stamp_words v, names_span) const override { return concat("V = ", bracket(as_row(v))); }
  // A send-previous clock sends the row from before the send's tick.
  words sent(const clock_step& s) const override {
    const bool previous = static_cast<vector_variant>(s.variant) == vector_variant::send_previous;
    return previous ? words(s.before.begin(), s.before.end()) : words(s.after.begin(), s.after.end());
  }
  words canonical(const clock_step& s) const override {
    row v = as_row(s.before);
    if (!s.message.empty()) merge_max(v, as_row(s.message));
    ++v[s.process];
    return as_words(v, s.before);
  }
  explained_rule explain(const clock_step& s, names_span names, std::string_view note) const override {
    const auto vt = [&](const row& v) { return vector_text(v, names, explained_entries); };
    const std::string& self = names[s.process];
    const row before = as_row(s.before), after = as_row(s.after);
    row v = before;
    std::string t;
    if (!s.message.empty()) {
      const row m = as_row(s.message);
      merge_max(v, m);
      t = concat("V = max(V', V_m) = max(", vt(before), ", ", vt(m), ") = ", vt(v), ", then V[", self, "] + 1 -> ");
    } else {
      t = concat("V = V' with V[", self, "] + 1: ", vt(before), " -> ");
    }
    ++v[s.process];
    t.append(vt(v));
    if (!s.pruned.empty()) {  // logical.vector.prune: the dropped entries read 0
      t.append(", then prune ");
      for (std::size_t i = 0; i < s.pruned.size(); ++i) {
        t.append(i ? ", " : "").append(names[s.pruned[i]]);
        v[s.pruned[i]] = 0;
      }
      t.append(" -> ").append(vt(v));
    }
    return explained(std::move(t), note, v == after, vt(after));
  }
  // What the checkpoint held follows from the recorded value, as long as its own entry is a tick.
  explained_rule restored(const clock_step& s, names_span names) const override {
    const std::string& self = names[s.process];
    const row now = as_row(s.after);
    if (now[s.process] < 1) return {concat("V[", self, "] = 0, which no tick gives: not the canonical rule"), false};
    row held = now;
    --held[s.process];
    return {concat("V = ", vector_text(held, names, explained_entries), " restored from a checkpoint, then V[", self,
                   "] + 1 -> ", vector_text(now, names, explained_entries)),
            true};
  }

  std::span<const std::string_view> invariants() const override { return vector_judge::invariants; }
  std::unique_ptr<clock_judge> make_judge(names_span) const override { return nullptr; }

  // Sparse, as in the trace: the non-zero entries only.
  std::uint64_t bytes(stamp_words v) const override { return sparse_entry_bytes * vector_of(v).nonzero(); }
  std::string encoding(std::size_t n) const override {
    return concat("sparse, ", sparse_entry_bytes, " bytes per non-zero entry; dense ", n, " x ", dense_entry_bytes, " = ", dense_entry_bytes * n);
  }
  stamp_order order(stamped a, stamped b) const override {
    switch (compare(vector_of(a.words), vector_of(b.words))) {
      case vector_order::before: return stamp_order::before;
      case vector_order::after: return stamp_order::after;
      case vector_order::equal: return stamp_order::equal;
      case vector_order::concurrent: return stamp_order::concurrent;
    }
    return stamp_order::undecided;
  }
};

}  // namespace

std::shared_ptr<const clock_kind> vector_kind() { return std::make_shared<vector_module>(); }

std::vector<std::uint64_t> vector_words(std::span<const std::uint32_t> row) { return {row.begin(), row.end()}; }

}  // namespace hbsim
