#include "clocks/itc/itc_kind.hpp"

#include <array>

#include "core/concat.hpp"
#include "hbsim/clocks/itc/itc_clock.hpp"
#include "hbsim/truth/causality.hpp"

namespace hbsim {

namespace {

using words = std::vector<std::uint64_t>;
using names_span = std::span<const std::string>;

// What a message carries: a step's message stamp is either that already (narration passes what sent()
// gives) or the send's own stamp (explanations pass the send's), whose id it must not take.
itc_stamp carried(stamp_words message) { return itc_peek(itc_decode(message)); }

words encoded(const itc_stamp& s) {
  words out;
  itc_encode(s, out);
  return out;
}

nlohmann::json id_json(const itc_id_tree& i) {
  if (i.leaf()) return i.one ? 1 : 0;
  return nlohmann::json::array({id_json(i.halves[0]), id_json(i.halves[1])});
}

nlohmann::json event_json(const itc_event_tree& e) {
  if (e.leaf()) return e.n;
  return nlohmann::json::array({e.n, event_json(e.halves[0]), event_json(e.halves[1])});
}

// Depth-limited so that a hostile trace cannot exhaust the stack.
constexpr int deepest = 256;

bool read_id(const nlohmann::json& v, itc_id_tree& out, int depth) {
  if (v.is_number_unsigned() && v.get<std::uint64_t>() <= 1) {
    out = itc_id_leaf(v.get<std::uint64_t>() == 1);
    return true;
  }
  if (!v.is_array() || v.size() != 2 || depth == deepest) return false;
  itc_id_tree l, r;
  if (!read_id(v[0], l, depth + 1) || !read_id(v[1], r, depth + 1)) return false;
  out = itc_id_node(std::move(l), std::move(r));
  return true;
}

// Counts below 2^62, so that the words' 2n + 1 and any lift stay in range.
bool read_event(const nlohmann::json& v, itc_event_tree& out, int depth) {
  const auto count = [](const nlohmann::json& n) { return n.is_number_unsigned() && n.get<std::uint64_t>() < (std::uint64_t{1} << 62); };
  if (count(v)) {
    out = itc_event_leaf(v.get<std::uint64_t>());
    return true;
  }
  if (!v.is_array() || v.size() != 3 || !count(v[0]) || depth == deepest) return false;
  itc_event_tree l, r;
  if (!read_event(v[1], l, depth + 1) || !read_event(v[2], r, depth + 1)) return false;
  out = itc_event_node(v[0].get<std::uint64_t>(), std::move(l), std::move(r));
  return true;
}

// itc.strong_clock_condition: a → b iff stamp(a) ≤ stamp(b) and they differ (event trees, by leq).
// Checked at each event b of p on what decides every pair, given normal forms (leq is then a partial
// order whose equal stamps are equal trees): b's predecessor on p and a receive's send must be strictly
// below b; for every other process j, the first event of j outside b's causal past must not be below b
// (nor any later one of j, which is above it), and b must not be below the latest event of j (nor any
// earlier one, below it). Beyond the rows the ground truth keeps, only the edges are checked.
class itc_judge final : public clock_judge {
 public:
  explicit itc_judge(names_span names) : names_(names.begin(), names.end()), history_(names.size()) {}

  void judge(const event_record& e, stamp_words stamp, const causality& truth, clock_findings& out) override {
    const process_id p = e.process;
    itc_event_tree tree = itc_decode(stamp).event;
    const stamped_event b{&tree, p, e.seq};
    if (e.seq > 1 && !history_[p].empty()) below({&history_[p].back(), p, e.seq - 1}, b, out);
    if (truth.merged()) {
      const sent& s = sends_[truth.slot()];
      below({&s.event, s.process, s.seq}, b, out);
    }
    if (truth.keeps_rows()) {
      const auto row = truth.truth(p);
      for (process_id j = 0; j < history_.size(); ++j) {
        if (j == p) continue;
        const std::vector<itc_event_tree>& h = history_[j];
        if (row[j] < h.size()) not_below({&h[row[j]], j, row[j] + 1}, b, out);
        if (!h.empty()) not_below(b, {&h.back(), j, h.size()}, out);
      }
    }
    if (truth.sent_slot() != causality::no_slot) {
      if (sends_.size() < truth.slots()) sends_.resize(truth.slots());
      sends_[truth.sent_slot()] = {tree, p, e.seq};
    }
    if (truth.keeps_rows()) history_[p].push_back(std::move(tree));
    else history_[p].assign(1, std::move(tree));
  }

 private:
  struct sent {
    itc_event_tree event;
    process_id process = 0;
    std::uint64_t seq = 0;
  };
  struct stamped_event {
    const itc_event_tree* tree;
    process_id process;
    std::uint64_t seq;
  };
  std::string name(const stamped_event& x) const { return concat(names_[x.process], "#", x.seq); }

  // a → b: a's tree must be strictly below b's.
  void below(const stamped_event& a, const stamped_event& b, clock_findings& out) const {
    const bool equal = *a.tree == *b.tree;
    if (!equal && itc_leq(*a.tree, *b.tree)) return;
    out.violated(0, [&] {
      return concat(name(a), " → ", name(b), " but ", name(a), "'s event tree ", itc_text(*a.tree),
                    equal ? " equals " : " is not below ", name(b), "'s ", itc_text(*b.tree));
    });
  }
  // Not a → b: a's tree must not be strictly below b's.
  void not_below(const stamped_event& a, const stamped_event& b, clock_findings& out) const {
    if (!itc_leq(*a.tree, *b.tree) || *a.tree == *b.tree) return;
    out.violated(0, [&] {
      return concat(name(a), " does not happen before ", name(b), " but ", name(a), "'s event tree ",
                    itc_text(*a.tree), " ≤ ", name(b), "'s ", itc_text(*b.tree));
    });
  }

  std::vector<std::string> names_;
  std::vector<std::vector<itc_event_tree>> history_;  // per process: its events' trees (the latest only without rows)
  std::vector<sent> sends_;                           // per send slot of the ground truth
};

constexpr std::array<std::string_view, 1> invariant_names = {"itc.strong_clock_condition"};

class itc final : public clock_kind {
 public:
  std::string_view name() const override { return "itc"; }
  std::span<const std::string_view> variants() const override { return itc_variant_names(); }
  std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t variant,
                                      const nlohmann::json&) const override {
    return std::make_unique<itc_clock>(processes, static_cast<itc_variant>(variant));
  }

  nlohmann::json write(stamp_words w, names_span) const override {
    const itc_stamp s = itc_decode(w);
    return {{"id", id_json(s.id)}, {"event", event_json(s.event)}};
  }

  std::string read(const nlohmann::json& v, names_span, words& out) const override {
    const std::string wanted =
        "an interval tree clock stamp in normal form: {\"id\": ID, \"event\": EV}, ID = 0, 1 or [ID, ID], EV = n or "
        "[n, EV, EV]";
    itc_stamp s;
    if (!v.is_object() || v.size() != 2 || !v.contains("id") || !v.contains("event") || !read_id(v["id"], s.id, 0) ||
        !read_event(v["event"], s.event, 0) || !itc_normal(s))
      return wanted;
    itc_encode(s, out);
    return "";
  }

  std::string text(stamp_words w, names_span) const override { return itc_text(itc_decode(w)); }

  // The canonical rule with its steps; a wrong variant is named before it, and a recorded stamp the rule
  // does not give is pointed out.
  std::string rule(const clock_step& s, names_span) const override {
    std::string out = s.variant == 0 ? std::string() : concat(name(), " variant ", variants()[s.variant], ": ");
    itc_stamp x = itc_decode(s.before);
    if (!s.message.empty()) {
      const itc_stamp m = carried(s.message);
      const itc_stamp joined = itc_join(x, m);
      out.append(concat("join(", itc_text(x), ", ", itc_text(m), ") = ", itc_text(joined), "; then "));
      x = joined;
    }
    const itc_event_tree filled = itc_fill(x.id, x.event);
    const itc_stamp expected = itc_event(x);
    out.append(filled == x.event ? concat("event: fill changes nothing, grow gives ", itc_text(expected.event))
                                 : concat("event: fill gives ", itc_text(expected.event)));
    const itc_stamp after = itc_decode(s.after);
    if (after == expected) return out.append(concat(": stamp ", itc_text(after)));
    return out.append(concat(", would give ", itc_text(expected), ", but the run recorded ", itc_text(after),
                             ", which this rule does not give"));
  }
  words sent(const clock_step& s) const override { return encoded(itc_peek(itc_decode(s.after))); }
  words canonical(const clock_step& s) const override {
    itc_stamp x = itc_decode(s.before);
    if (!s.message.empty()) x = itc_join(x, carried(s.message));
    return encoded(itc_event(x));
  }

  std::span<const std::string_view> invariants() const override { return invariant_names; }
  std::unique_ptr<clock_judge> make_judge(names_span processes) const override {
    return std::make_unique<itc_judge>(processes);
  }

  std::uint64_t bytes(stamp_words w) const override {
    const itc_stamp s = itc_decode(w);
    return whole_bytes(itc_id_bits(s.id) + itc_event_bits(s.event));
  }
  // A message carries the anonymous id 0: 3 bits.
  std::uint64_t message_bytes(stamp_words w) const override {
    return whole_bytes(itc_id_bits(itc_id_leaf(false)) + itc_event_bits(itc_decode(w).event));
  }
  std::string encoding(std::size_t) const override {
    return "the paper's binary encoding, in whole bytes; a message's id 0 takes 3 bits";
  }
  stamp_order order(stamped a, stamped b) const override {
    const itc_event_tree ea = itc_decode(a.words).event, eb = itc_decode(b.words).event;
    if (ea == eb) return stamp_order::equal;
    if (itc_leq(ea, eb)) return stamp_order::before;
    if (itc_leq(eb, ea)) return stamp_order::after;
    return stamp_order::concurrent;
  }

 private:
  static std::uint64_t whole_bytes(std::uint64_t bits) { return (bits + 7) / 8; }
};

}  // namespace

std::shared_ptr<const clock_kind> itc_kind() { return std::make_shared<itc>(); }

}  // namespace hbsim
