#include "clocks/hlc/hlc_kind.hpp"

#include <algorithm>

#include "clocks/hlc/hlc_judge.hpp"
#include "clocks/rule_text.hpp"
#include "core/concat.hpp"
#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/core/time.hpp"

namespace hbsim {

namespace {

using words = std::vector<std::uint64_t>;
using names_span = std::span<const std::string>;

std::string num(std::uint64_t v) { return std::to_string(v); }
std::string dur(sim_time t) { return format_duration(t); }
words as_words(hlc_stamp h) { const auto w = hlc_words(h); return {w.begin(), w.end()}; }

constexpr std::array<std::string_view, 1> option_names = {"max_offset"};

std::string narrated(const rule_clause& c, hlc_stamp expected, hlc_stamp recorded) {
  return narrated_rule(c, expected == recorded, to_string(expected), "HLC", to_string(recorded));
}

// Kulkarni's local/send rule: l = max(l, pt); c = c + 1 if l did not move, else 0. A message ignored
// (variant ignore-message) goes the same way.
std::string tick_rule(hlc_variant v, hlc_stamp b, const hlc_stamp* m, sim_time pt, hlc_stamp recorded) {
  const std::string name = concat("hlc variant ", to_string(v));
  hlc_stamp expected = hlc_tick(b, pt);
  const bool moved = expected.l != b.l;
  const std::string l = concat("HLC l = max(", dur(b.l), ", pt ", dur(pt), ") = ", dur(expected.l), ", c = ");
  const std::string counted = concat(l, "c + 1 = ", num(b.c), " + 1");
  rule_clause c{{}, moved ? concat(l, "0 (l moved to pt)") : concat(counted, " (l unchanged)"), false, {}};
  if (m) {
    c.variant = name;
    c.why = concat("ignores the message's ", to_string(*m));
  } else if (v == hlc_variant::no_counter_reset && moved) {
    expected.c = b.c + 1;
    c = {name, counted, false, "keeps counting although l moved to pt"};
  }
  return narrated(c, expected, recorded);
}

// Kulkarni's receive rule: l = max(l, l_m, pt); c by which of them l came from.
std::string receive_rule(hlc_variant v, hlc_stamp b, hlc_stamp m, sim_time pt, hlc_stamp recorded) {
  const std::string name = concat("hlc variant ", to_string(v));
  hlc_stamp expected = hlc_receive(b, m, pt);
  const std::string l =
      concat("HLC l = max(", dur(b.l), ", ", dur(m.l), ", pt ", dur(pt), ") = ", dur(expected.l), ", c = ");
  const bool own = expected.l == b.l;
  const bool from_m = expected.l == m.l;
  rule_clause c;
  if (v == hlc_variant::no_counter_reset && !own && !from_m) {
    expected.c = b.c + 1;
    c = {name, concat(l, "c + 1 = ", num(b.c), " + 1"), false, "keeps counting although l came from pt"};
  } else if (v == hlc_variant::reset_on_receive && !from_m) {
    expected.c = 1;
    c = {name, concat(l, "1"), false, "c = 1 unless l comes from the message"};
  } else if (own && from_m) {
    c = {{}, concat(l, "max(c, c_m) + 1 = max(", num(b.c), ", ", num(m.c), ") + 1 (l from both)"), false, {}};
  } else if (own) {
    c = {{}, concat(l, "c + 1 = ", num(b.c), " + 1 (l kept)"), false, {}};
  } else if (from_m) {
    c = {{}, concat(l, "c_m + 1 = ", num(m.c), " + 1 (l from the message)"), false, {}};
  } else {
    c = {{}, concat(l, "0 (l from pt)"), false, {}};
  }
  return narrated(c, expected, recorded);
}

// Explain's words for the canonical rule.
std::string explained_how(hlc_stamp own, const hlc_stamp* m, sim_time pt, hlc_stamp v) {
  if (!m) {
    std::string t = concat("l = max(l', pt) = max(", dur(own.l), ", ", dur(pt), ") = ", dur(v.l), "; ");
    return t.append(v.l == own.l ? concat("l is unchanged, so c = c' + 1 = ", num(own.c), " + 1 = ", num(v.c))
                                 : std::string("pt is ahead of l', so c = 0"));
  }
  std::string t = concat("l = max(l', l_m, pt) = max(", dur(own.l), ", ", dur(m->l), ", ", dur(pt), ") = ", dur(v.l), "; ");
  if (v.l == own.l && v.l == m->l)
    return t.append(concat("l equals both l' and l_m, so c = max(c', c_m) + 1 = max(", num(own.c), ", ", num(m->c),
                           ") + 1 = ", num(v.c)));
  if (v.l == own.l)
    return t.append(concat("l is still the process's own l', so c = c' + 1 = ", num(own.c), " + 1 = ", num(v.c)));
  if (v.l == m->l) return t.append(concat("l comes from the message, so c = c_m + 1 = ", num(m->c), " + 1 = ", num(v.c)));
  return t.append("pt is ahead of both l' and l_m, so c = 0");
}

class hlc_module final : public clock_kind {
 public:
  std::string_view name() const override { return "hlc"; }
  std::span<const std::string_view> variants() const override { return hlc_variant_names(); }
  std::span<const std::string_view> options() const override { return option_names; }
  std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t variant,
                                      const nlohmann::json& block) const override {
    std::optional<sim_time> max_offset;
    if (block.contains("max_offset")) max_offset = parse_duration(block["max_offset"].get<std::string>());
    return std::make_unique<hybrid_logical_clock>(processes, static_cast<hlc_variant>(variant), max_offset);
  }

  nlohmann::json write(stamp_words w, names_span) const override {
    const hlc_stamp h = hlc_of(w);
    return nlohmann::json::array({h.l, h.c});
  }
  std::string read(const nlohmann::json& v, names_span, words& out) const override {
    const std::string wanted = "[l, c]: two integers that fit in signed 64 bits, c non-negative";
    if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() || !v[1].is_number_unsigned()) return wanted;
    if (v[0].is_number_unsigned() && v[0].get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return wanted;
    if (v[1].get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return wanted;
    out = as_words({v[0].get<sim_time>(), v[1].get<std::uint64_t>()});
    return "";
  }
  std::string text(stamp_words w, names_span) const override { return to_string(hlc_of(w)); }

  std::string rule(const clock_step& s, names_span) const override {
    const auto v = static_cast<hlc_variant>(s.variant);
    const hlc_stamp b = hlc_of(s.before), recorded = hlc_of(s.after);
    if (s.message.empty()) return tick_rule(v, b, nullptr, s.pt, recorded);
    const hlc_stamp m = hlc_of(s.message);
    if (v == hlc_variant::ignore_message) return tick_rule(v, b, &m, s.pt, recorded);
    return receive_rule(v, b, m, s.pt, recorded);
  }
  std::string stated(stamp_words w, names_span) const override { return concat("HLC ", to_string(hlc_of(w))); }
  words canonical(const clock_step& s) const override { return as_words(expected(s)); }
  explained_rule explain(const clock_step& s, names_span, std::string_view note) const override {
    const hlc_stamp v = expected(s), recorded = hlc_of(s.after);
    const hlc_stamp m = s.message.empty() ? hlc_stamp{} : hlc_of(s.message);
    return explained(explained_how(hlc_of(s.before), s.message.empty() ? nullptr : &m, s.pt, v), note, v == recorded,
                     to_string(recorded));
  }
  explained_rule restored(const clock_step& s, names_span) const override {
    const hlc_stamp now = hlc_of(s.after);
    if (now.l < s.pt) return {concat("l = ", dur(now.l), " is behind pt ", dur(s.pt), ": not the canonical rule"), false};
    return {concat("(l, c) = ", to_string(now), ", ticked at pt ", dur(s.pt),
                   " from clocks restored from a checkpoint (not in the trace, so not checked)"),
            true};
  }

  std::span<const std::string_view> invariants() const override { return hlc_judge::invariants; }
  std::unique_ptr<clock_judge> make_judge(names_span) const override { return nullptr; }

  // The (l, c) order, which users read as the order of events.
  stamp_order order(stamped a, stamped b) const override {
    const auto o = hlc_of(a.words) <=> hlc_of(b.words);
    return o < 0 ? stamp_order::before : o > 0 ? stamp_order::after : stamp_order::equal;
  }

 private:
  static hlc_stamp expected(const clock_step& s) {
    const hlc_stamp b = hlc_of(s.before);
    return s.message.empty() ? hlc_tick(b, s.pt) : hlc_receive(b, hlc_of(s.message), s.pt);
  }
};

}  // namespace

std::shared_ptr<const clock_kind> hlc_kind() { return std::make_shared<hlc_module>(); }

}  // namespace hbsim
