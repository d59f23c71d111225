#include "hbsim/views/explain.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/concat.hpp"
#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/views/explained_stamps.hpp"

namespace hbsim {

namespace {

using vec = std::vector<std::uint32_t>;

std::string num(std::uint64_t v) { return std::to_string(v); }
std::string dur(sim_time t) { return format_duration(t); }

constexpr std::size_t shown_entries = 12;  // vector entries written before "... N more"

struct clocks {
  std::uint64_t lamport = 0;
  vec vector;
  hlc_stamp hlc;
};

clocks recorded(const hb_graph& g, event_id e) {
  const hb_event x = g.event(e);
  return {x.lamport, g.recorded_vector(e), x.hlc};
}

std::string short_name(const hb_graph& g, const hb_event& x) {
  return concat(g.process_names()[x.process], "#", num(x.seq));
}

// "B#2 receive "m1" (m1 from A)".
std::string title(const hb_graph& g, event_id e) {
  const hb_event x = g.event(e);
  std::string t = concat(short_name(g, x), " ", to_string(x.kind));
  if (x.kind != event_kind::crash && x.kind != event_kind::restart) t.append(" \"").append(x.label).append("\"");
  if (x.kind == event_kind::receive || x.kind == event_kind::reject) {
    t.append(" (m").append(num(x.message));
    if (x.send_event != 0) t.append(" from ").append(g.process_names()[g.event(x.send_event).process]);
    t.append(")");
  }
  return t;
}

// "time 1ms, pt 1ms, L 2, V {A:1, B:2}, HLC (2ms, 1)": the values shown.
std::string clocks_line(const hb_graph& g, event_id e, const explained_clocks& shown) {
  const hb_event x = g.event(e);
  std::string out;
  const auto part = [&](const std::string& text) { out.append(out.empty() ? "" : ", ").append(text); };
  if (shown.times) part(concat("time ", dur(x.time), ", pt ", dur(x.pt)));
  if (shown.standard.lamport) part(concat("L ", num(x.lamport)));
  if (shown.standard.vector) part(concat("V ", vector_text(g.recorded_vector(e), g.process_names(), shown_entries)));
  if (shown.standard.hlc) part(concat("HLC ", to_string(x.hlc)));
  if (shown.kinds != nullptr)
    for (std::size_t k = 0; k < shown.kinds->kinds().size(); ++k)
      part(concat(shown.kinds->kinds()[k].kind->name(), " ",
                  shown.kinds->kinds()[k].kind->text(shown.kinds->stamp(k, e, x.process), g.process_names())));
  return out;
}

// The rule's text with `note`; if the rule's value is not the recorded one, also what was recorded.
template <class Value>
bool describe(const std::pair<Value, std::string>& rule, const Value& value, const std::string& value_text,
              std::string_view note, std::string& text) {
  text = concat(rule.second, note);
  if (rule.first == value) return true;
  text.append("; but ").append(value_text).append(" was recorded: not the canonical rule");
  return false;
}

// What the rules of one event read: the event, and what its message carries (its send's clocks).
struct rule_input {
  const hb_graph& g;
  const explained_clocks& shown;
  hb_event x;
  std::span<const std::string> names;
  bool merges;
  std::optional<clocks> carried;
};

std::string event_kind_text(const hb_graph& g, const hb_event& x) {
  const auto names = g.process_names();
  switch (x.kind) {
    case event_kind::local: return "local event: each clock ticks";
    case event_kind::send: return "send: each clock ticks, and the message carries the new values";
    case event_kind::receive: {
      const hb_event send = g.event(x.send_event);
      return concat("receive of m", num(x.message), " from ", names[send.process], ", sent by ", short_name(g, send),
                    ": each clock merges what the message carries (its send's clocks), then ticks");
    }
    case event_kind::reject:
      return concat("reject of m", num(x.message),
                    ": the HLC max-offset guard refused the message, so nothing is merged and each clock ticks "
                    "as for a local event");
    case event_kind::crash: return "crash: each clock ticks as for a local event";
    case event_kind::restart:
      return "restart: each clock ticks from the value it restarts with (kept through the crash, zero, or a "
             "checkpoint, as the scenario's persistence says)";
  }
  return {};
}

std::pair<std::uint64_t, std::string> lamport_rule(const rule_input& in, const clocks& b) {
  if (in.merges) {
    const std::uint64_t v = std::max(b.lamport, in.carried->lamport) + 1;
    return {v, concat("L = max(L', L_m) + 1 = max(", num(b.lamport), ", ", num(in.carried->lamport), ") + 1 = ", num(v))};
  }
  const std::uint64_t v = b.lamport + 1;
  return {v, concat("L = L' + 1 = ", num(b.lamport), " + 1 = ", num(v))};
}

std::string vtext(const rule_input& in, const vec& v) { return vector_text(v, in.names, shown_entries); }

std::pair<vec, std::string> vector_rule(const rule_input& in, const clocks& b) {
  const std::string& self = in.names[in.x.process];
  vec v = b.vector;
  std::string t;
  if (in.merges) {
    merge_max(v, in.carried->vector);
    t = concat("V = max(V', V_m) = max(", vtext(in, b.vector), ", ", vtext(in, in.carried->vector), ") = ", vtext(in, v),
               ", then V[", self, "] + 1 -> ");
  } else {
    t = concat("V = V' with V[", self, "] + 1: ", vtext(in, b.vector), " -> ");
  }
  ++v[in.x.process];
  t.append(vtext(in, v));
  return {v, t};
}

std::pair<hlc_stamp, std::string> hlc_rule(const rule_input& in, const clocks& b) {
  const hlc_stamp own = b.hlc;
  const sim_time pt = in.x.pt;
  if (!in.merges) {
    const hlc_stamp v = hlc_tick(own, pt);
    std::string t = concat("l = max(l', pt) = max(", dur(own.l), ", ", dur(pt), ") = ", dur(v.l), "; ");
    t.append(v.l == own.l ? concat("l is unchanged, so c = c' + 1 = ", num(own.c), " + 1 = ", num(v.c))
                          : std::string("pt is ahead of l', so c = 0"));
    return {v, t};
  }
  const hlc_stamp m = in.carried->hlc;
  const hlc_stamp v = hlc_receive(own, m, pt);
  std::string t = concat("l = max(l', l_m, pt) = max(", dur(own.l), ", ", dur(m.l), ", ", dur(pt), ") = ", dur(v.l), "; ");
  if (v.l == own.l && v.l == m.l)
    t.append(concat("l equals both l' and l_m, so c = max(c', c_m) + 1 = max(", num(own.c), ", ", num(m.c),
                    ") + 1 = ", num(v.c)));
  else if (v.l == own.l)
    t.append(concat("l is still the process's own l', so c = c' + 1 = ", num(own.c), " + 1 = ", num(v.c)));
  else if (v.l == m.l)
    t.append(concat("l comes from the message, so c = c_m + 1 = ", num(m.c), " + 1 = ", num(v.c)));
  else
    t.append("pt is ahead of both l' and l_m, so c = 0");
  return {v, t};
}

// Whether the chosen standard clocks' rules, from b, give the recorded values.
bool fits(const rule_input& in, const clocks& now, const clocks& b) {
  const standard_clocks& c = in.shown.standard;
  return (!c.lamport || lamport_rule(in, b).first == now.lamport) &&
         (!c.vector || vector_rule(in, b).first == now.vector) && (!c.hlc || hlc_rule(in, b).first == now.hlc);
}

// What a restart ticks from. L', V', (l', c') are the process's clocks after its previous event; a
// restart starts from them (persist all), from zero (none), or from a checkpoint the trace does not show.
// A trace does not record which: the standard clocks' values tell it.
enum class restart_base : std::uint8_t { previous, zero, checkpoint };

// The base of a restart, and the note its rules get.
std::pair<restart_base, std::string_view> restart_from(const rule_input& in, const clocks& now, const clocks& before,
                                                       const clocks& zero) {
  const standard_clocks& c = in.shown.standard;
  if (!c.lamport && !c.vector && !c.hlc)
    return {restart_base::previous, " (from the clocks before the crash: with none of Lamport, vector and HLC the "
                                    "trace does not tell whether they were kept)"};
  if (fits(in, now, before)) return {restart_base::previous, " (kept through the crash)"};
  if (fits(in, now, zero)) return {restart_base::zero, " (restarted from zero)"};
  return {restart_base::checkpoint, ""};
}

// The standard clocks' rules from `b`, with `note`.
void standard_rules(const rule_input& in, const clocks& now, const clocks& b, std::string_view note, event_rules& out) {
  const standard_clocks& c = in.shown.standard;
  if (c.lamport) out.lamport_canonical = describe(lamport_rule(in, b), now.lamport, num(now.lamport), note, out.lamport);
  if (c.vector) out.vector_canonical = describe(vector_rule(in, b), now.vector, vtext(in, now.vector), note, out.vector);
  if (c.hlc) out.hlc_canonical = describe(hlc_rule(in, b), now.hlc, to_string(now.hlc), note, out.hlc);
}

constexpr std::string_view restored = " restored from a checkpoint";

// From a checkpoint: what it held follows from the recorded values, as long as they are ticks.
void checkpoint_rules(const rule_input& in, const clocks& now, event_rules& out) {
  const standard_clocks& c = in.shown.standard;
  if (c.lamport) {
    out.lamport_canonical = now.lamport >= 1;
    const std::string held = num(now.lamport - 1);
    out.lamport = out.lamport_canonical ? concat("L = ", held, " + 1 = ", num(now.lamport), " (", held, restored, ")")
                                        : std::string("L = 0, which no tick gives: not the canonical rule");
  }
  const std::string& self = in.names[in.x.process];
  if (c.vector) {
    out.vector_canonical = now.vector[in.x.process] >= 1;
    vec held = now.vector;
    if (out.vector_canonical) --held[in.x.process];
    out.vector = out.vector_canonical ? concat("V = ", vtext(in, held), restored, ", then V[", self, "] + 1 -> ",
                                               vtext(in, now.vector))
                                      : concat("V[", self, "] = 0, which no tick gives: not the canonical rule");
  }
  if (c.hlc) {
    const sim_time pt = in.x.pt;
    out.hlc_canonical = now.hlc.l >= pt;
    out.hlc = out.hlc_canonical ? concat("(l, c) = ", to_string(now.hlc), ", ticked at pt ", dur(pt), " from clocks",
                                         restored, " (not in the trace, so not checked)")
                                : concat("l = ", dur(now.hlc.l), " is behind pt ", dur(pt), ": not the canonical rule");
  }
}

// Each clock kind module's rule, in its own words, from the base the standard clocks showed.
void kind_rules(const rule_input& in, event_id e, event_id previous, restart_base base, std::string_view note,
                event_rules& out) {
  const explained_stamps& stamps = *in.shown.kinds;
  const process_id p = in.x.process;
  for (std::size_t k = 0; k < stamps.kinds().size(); ++k) {
    const clock_kind& kind = *stamps.kinds()[k].kind;
    const stamp_words after = stamps.stamp(k, e, p);
    if (base == restart_base::checkpoint) {
      out.kinds.push_back(concat(kind.text(after, in.names), ", ticked from clocks", restored,
                                 " (not in the trace, so not checked)"));
      continue;
    }
    const stamp_words before = stamps.stamp(k, base == restart_base::zero ? 0 : previous, p);
    const stamp_words message = in.merges ? stamps.stamp(k, in.x.send_event, p) : stamp_words{};
    const process_id from = in.merges ? in.g.event(in.x.send_event).process : p;
    out.kinds.push_back(concat(kind.rule({in.x.kind, p, from, before, message, after}, in.names), note));
  }
}

}  // namespace

event_rules explain_rules(const hb_graph& g, event_id e, const explained_clocks& shown) {
  const hb_event x = g.event(e);
  const auto names = g.process_names();
  rule_input in{g, shown, x, names, x.kind == event_kind::receive, std::nullopt};
  if (in.merges) in.carried = recorded(g, x.send_event);
  const clocks now = recorded(g, e);
  const clocks zero{0, vec(names.size(), 0), {}};
  const event_id previous = g.event_at(x.process, x.seq - 1);
  const clocks before = previous != 0 ? recorded(g, previous) : zero;
  event_rules out;
  out.kind = event_kind_text(g, x);

  const auto [base, note] = x.kind == event_kind::restart ? restart_from(in, now, before, zero)
                                                          : std::pair{restart_base::previous, std::string_view{}};
  if (base == restart_base::checkpoint) checkpoint_rules(in, now, out);
  else standard_rules(in, now, base == restart_base::zero ? zero : before, note, out);
  if (shown.kinds != nullptr) kind_rules(in, e, previous, base, note, out);
  return out;
}

namespace {

constexpr std::size_t long_run = 6;  // program-order hops in a row beyond which the middle ones are left out
constexpr std::string_view indent = "      ";

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

void write_event(std::string& out, const hb_graph& g, event_id e, const explained_clocks& shown) {
  out.append("  ").append(title(g, e)).append("\n").append(indent).append(clocks_line(g, e, shown)).append("\n");
}

void write_rules(std::string& out, const hb_graph& g, event_id e, const explained_clocks& shown) {
  const event_rules r = explain_rules(g, e, shown);
  const auto line = [&](std::string_view clock, const std::string& rule) {
    out.append(indent).append("  ").append(pad(clock, 8)).append(" ").append(rule).append("\n");
  };
  out.append(indent).append(r.kind).append("\n");
  if (shown.standard.lamport) line("Lamport", r.lamport);
  if (shown.standard.vector) line("vector", r.vector);
  if (shown.standard.hlc) line("HLC", r.hlc);
  for (std::size_t k = 0; k < r.kinds.size(); ++k) line(shown.kinds->kinds()[k].kind->name(), r.kinds[k]);
}

// What the rules' primed and _m values are.
void write_path_legend(std::string& out, const explained_clocks& shown) {
  if (!shown.times) {
    out.append("\nThe path, each event with its vector clock after it. V' is the process's vector after its\n")
        .append("previous event; V_m the one the message carries, i.e. its send's.\n\n");
    return;
  }
  out.append("\nThe path, each event with its true time, its physical clock reading pt and its clocks after it.\n");
  std::vector<std::string_view> own, carried;
  const standard_clocks& c = shown.standard;
  if (c.lamport) own.push_back("L'"), carried.push_back("L_m");
  if (c.vector) own.push_back("V'"), carried.push_back("V_m");
  if (c.hlc) own.push_back("(l', c')"), carried.push_back("(l_m, c_m)");
  if (own.empty()) {
    out.append("Each rule reads the process's clocks after its previous event and, for a receive, those\n")
        .append("the message carries, i.e. its send's.\n\n");
    return;
  }
  const auto list = [](const std::vector<std::string_view>& v) {
    std::string t;
    for (const std::string_view s : v) t.append(t.empty() ? "" : ", ").append(s);
    return t;
  };
  out.append(list(own)).append(own.size() == 1 ? " is the process's clock" : " are the process's clocks")
      .append(" after its previous event; ").append(list(carried))
      .append(own.size() == 1 ? " the one\n" : " those\n").append("the message carries, i.e. its send's.\n\n");
}

bool message_hop(const hb_graph& g, event_id from, event_id to) {
  const hb_event y = g.event(to);
  return y.kind == event_kind::receive && y.send_event == from;
}

// An HB path, hop by hop; long runs along one process lose their middle.
void write_path(std::string& out, const hb_graph& g, const std::vector<event_id>& p, const explained_clocks& shown) {
  const auto names = g.process_names();
  const auto message = [&](std::size_t hop) { return message_hop(g, p[hop - 1], p[hop]); };
  const auto write_hop = [&](std::size_t hop) {
    const hb_event to = g.event(p[hop]);
    out.append("  hop ").append(num(hop));
    if (message(hop))
      out.append(": message m").append(num(to.message)).append(" from ").append(names[g.event(p[hop - 1]).process])
          .append(" to ").append(names[to.process]).append("\n");
    else
      out.append(": next event of ").append(names[to.process]).append("\n");
    write_event(out, g, p[hop], shown);
    write_rules(out, g, p[hop], shown);
  };
  write_path_legend(out, shown);
  write_event(out, g, p.front(), shown);
  for (std::size_t k = 1; k < p.size();) {
    if (message(k)) {
      write_hop(k++);
      continue;
    }
    std::size_t end = k;  // hops [k, end) go along one process
    while (end < p.size() && !message(end)) ++end;
    if (end - k <= long_run) {
      for (; k < end; ++k) write_hop(k);
      continue;
    }
    write_hop(k);
    write_hop(k + 1);
    out.append("  ... hops ").append(num(k + 2)).append(" to ").append(num(end - 3)).append(": ")
        .append(num(end - k - 4)).append(" more events of ").append(names[g.event(p[k]).process])
        .append(", up to ").append(short_name(g, g.event(p[end - 3]))).append(" ...\n");
    write_hop(end - 2);
    write_hop(end - 1);
    k = end;
  }
}

template <class T>
int order_of(const T& a, const T& b) {
  return a < b ? -1 : b < a ? 1 : 0;
}
std::string_view sign(int order) { return order < 0 ? " < " : order > 0 ? " > " : " = "; }
int order_of(vector_order o) {
  return o == vector_order::before ? -1 : o == vector_order::after ? 1 : 0;
}

// "  Lamport    1 < 5: " — one clock's row of the comparison.
void row(std::string& out, std::string_view clock, const std::string& a, std::string_view relation,
         const std::string& b) {
  out.append("  ").append(pad(clock, 11)).append(a).append(relation).append(b).append(": ");
}

// The clock kind modules' values of x and y: no order is defined for them here.
void write_kind_rows(std::string& out, const hb_graph& g, event_id x, event_id y, const explained_clocks& shown) {
  if (shown.kinds == nullptr) return;
  const auto names = g.process_names();
  for (std::size_t k = 0; k < shown.kinds->kinds().size(); ++k) {
    const clock_kind& kind = *shown.kinds->kinds()[k].kind;
    row(out, kind.name(), kind.text(shown.kinds->stamp(k, x, g.event(x).process), names), " vs ",
        kind.text(shown.kinds->stamp(k, y, g.event(y).process), names));
    std::string invariants;
    for (const std::string_view i : kind.invariants()) invariants.append(invariants.empty() ? "" : ", ").append(i);
    out.append("not compared here; hbsim check judges it against the causality (").append(invariants).append(")\n");
  }
}

// A clock that must order x before y (Lamport, HLC): its row, and the invariant a tie or the reverse violates.
void clock_condition_row(std::string& out, std::string_view clock, const std::string& x, int order, const std::string& y,
                         std::string_view nx, std::string_view ny, std::string_view invariant) {
  row(out, clock, x, sign(order), y);
  out.append(order < 0 ? concat(nx, " first, as the clock condition requires\n")
                       : concat(order == 0 ? std::string("tied, which violates ") : concat("says ", ny, " first, which violates "),
                                invariant, "\n"));
}

void related_vector(std::string& out, const hb_graph& g, event_id x, event_id y, std::string_view nx, std::string_view ny) {
  const auto names = g.process_names();
  const vec vx = g.recorded_vector(x), vy = g.recorded_vector(y);
  const vector_order vo = compare(vx, vy);
  row(out, "vector", vector_text(vx, names, shown_entries), vo == vector_order::concurrent ? " vs " : sign(order_of(vo)),
      vector_text(vy, names, shown_entries));
  switch (vo) {
    case vector_order::before: out.append(nx).append(" first; the vector clock sees the causality\n"); break;
    case vector_order::equal: out.append("equal, which violates vector.strong_clock_condition\n"); break;
    case vector_order::after:
      out.append("says ").append(ny).append(" first, which violates vector.strong_clock_condition\n");
      break;
    case vector_order::concurrent:
      out.append("incomparable, which violates vector.strong_clock_condition\n");
      break;
  }
}

void related_times(std::string& out, const hb_event& ex, const hb_event& ey, std::string_view nx, std::string_view ny) {
  const int pt = order_of(ex.pt, ey.pt);
  row(out, "pt", dur(ex.pt), sign(pt), dur(ey.pt));
  out.append(pt < 0    ? concat(nx, " first; physical clocks agree with causality here (under skew they need not)\n")
             : pt == 0 ? std::string("the same reading, physical clocks cannot order them\n")
                       : concat("says ", ny, " first: the physical clocks contradict causality here (skew)\n"));
  const int time = order_of(ex.time, ey.time);
  row(out, "true time", dur(ex.time), sign(time), dur(ey.time));
  out.append(time < 0 ? concat(nx, " first, as causality implies\n")
                      : std::string("the same instant (messages took no time)\n"));
}

// How the clocks order x and y, given that x → y; nx and ny are their names, "a" and "b".
void write_related_orders(std::string& out, const hb_graph& g, event_id x, event_id y, std::string_view nx,
                          std::string_view ny, const explained_clocks& shown) {
  const hb_event ex = g.event(x), ey = g.event(y);
  out.append("\nHow each clock orders them (").append(nx).append(" happens before ").append(ny)
      .append(", so every logical clock must put ").append(nx).append(" first):\n");
  if (shown.standard.lamport)
    clock_condition_row(out, "Lamport", num(ex.lamport), order_of(ex.lamport, ey.lamport), num(ey.lamport), nx, ny,
                        "lamport.clock_condition");
  if (shown.standard.vector) related_vector(out, g, x, y, nx, ny);
  if (shown.standard.hlc)
    clock_condition_row(out, "HLC", to_string(ex.hlc), order_of(ex.hlc, ey.hlc), to_string(ey.hlc), nx, ny,
                        "hlc.clock_condition");
  write_kind_rows(out, g, x, y, shown);
  if (shown.times) related_times(out, ex, ey, nx, ny);
}

// "b has seen A's events up to A#1 only, and a is A#2, so a does not happen before b".
std::string unseen(const hb_graph& g, event_id x, event_id y, std::string_view nx, std::string_view ny) {
  const hb_event ex = g.event(x);
  const std::string& p = g.process_names()[ex.process];
  const std::uint64_t seen = g.causal_past(y, ex.process);
  std::string out = concat("  ", ny, " has seen ");
  if (seen == 0) out.append("no event of ").append(p);
  else out.append(p).append("'s events up to ").append(p).append("#").append(num(seen)).append(" only");
  return out.append(", and ").append(nx).append(" is ").append(short_name(g, ex)).append(", so ").append(nx)
      .append(" does not happen before ").append(ny).append("\n");
}

// "a first" / "b first" / a tie, for an order that has no causality behind it.
std::string_view says(int order) { return order < 0 ? "a first" : order > 0 ? "b first" : "tied"; }

void concurrent_vector(std::string& out, const hb_graph& g, event_id a, event_id b) {
  const auto names = g.process_names();
  const vec va = g.recorded_vector(a), vb = g.recorded_vector(b);
  const vector_order vo = compare(va, vb);
  row(out, "vector", vector_text(va, names, shown_entries), " vs ", vector_text(vb, names, shown_entries));
  if (vo == vector_order::concurrent) {
    std::size_t ja = 0, jb = 0;  // an entry where each is ahead shows it
    while (va[ja] <= vb[ja]) ++ja;
    while (vb[jb] <= va[jb]) ++jb;
    out.append("incomparable (a is ahead on ").append(names[ja]).append(", b on ").append(names[jb])
        .append("): the vector clock shows they are concurrent\n");
  } else if (vo == vector_order::equal) {
    out.append("equal for two distinct events: this vector clock is wrong (vector.strong_clock_condition)\n");
  } else {
    const bool a_first = vo == vector_order::before;
    out.append("says ").append(a_first ? "a" : "b").append(" happens before ").append(a_first ? "b" : "a")
        .append(", but they are concurrent: this vector clock is wrong (vector.strong_clock_condition)\n");
  }
}

void write_concurrent_orders(std::string& out, const hb_graph& g, event_id a, event_id b, const explained_clocks& shown) {
  const hb_event ea = g.event(a), eb = g.event(b);
  out.append(unseen(g, a, b, "a", "b")).append(unseen(g, b, a, "b", "a"));
  out.append("\nHow each clock orders them anyway:\n");
  if (shown.standard.lamport) {
    const int lamport = order_of(ea.lamport, eb.lamport);
    row(out, "Lamport", num(ea.lamport), sign(lamport), num(eb.lamport));
    out.append(lamport == 0 ? "tied; Lamport clocks cannot order them (a total order breaks ties by process)\n"
                            : concat(says(lamport), ", an order with no causality behind it\n"));
  }
  if (shown.standard.vector) concurrent_vector(out, g, a, b);
  if (shown.standard.hlc) {
    const int hlc = order_of(ea.hlc, eb.hlc);
    row(out, "HLC", to_string(ea.hlc), sign(hlc), to_string(eb.hlc));
    out.append("the (l, c) order says ").append(says(hlc)).append("; HLC cannot detect concurrency\n");
  }
  write_kind_rows(out, g, a, b, shown);
  if (!shown.times) return;
  const int pt = order_of(ea.pt, eb.pt);
  row(out, "pt", dur(ea.pt), sign(pt), dur(eb.pt));
  out.append("physical-time order says ").append(says(pt)).append("\n");
  const int time = order_of(ea.time, eb.time);
  row(out, "true time", dur(ea.time), sign(time), dur(eb.time));
  out.append("true-time order says ").append(says(time)).append(time == 0 ? " (the same instant)\n" : "\n");
}

std::string render(const hb_graph& g, event_id a, event_id b, std::string_view ref_a, std::string_view ref_b,
                   const explained_clocks& shown) {
  std::string out;
  const auto head = [&](std::string_view n, event_id e, std::string_view ref) {
    out.append(n).append(" = ");
    if (!ref.empty()) out.append("\"").append(ref).append("\" = ");
    out.append(title(g, e)).append(", event ").append(num(e)).append("\n");
  };
  head("a", a, ref_a);
  head("b", b, ref_b);
  out.append("\n");
  const hb_relation relation = g.relation(a, b);
  switch (relation) {
    case hb_relation::same:
      out.append("a and b are the same event.\n\n");
      write_event(out, g, a, shown);
      write_rules(out, g, a, shown);
      break;
    case hb_relation::before:
    case hb_relation::after: {
      const bool before = relation == hb_relation::before;
      const event_id x = before ? a : b, y = before ? b : a;
      const std::string_view nx = before ? "a" : "b", ny = before ? "b" : "a";
      const std::vector<event_id> path = g.path(x, y);
      const std::size_t hops = path.size() - 1;
      out.append(nx).append(" happens before ").append(ny).append(" (").append(nx).append(" -> ").append(ny)
          .append("): a path of ").append(num(hops)).append(hops == 1 ? " hop" : " hops").append(" leads from ")
          .append(nx).append(" to ").append(ny)
          .append(",\neach hop to the next event of the same process or from a send to the receive of its message.\n");
      write_path(out, g, path, shown);
      write_related_orders(out, g, x, y, nx, ny, shown);
      break;
    }
    case hb_relation::concurrent:
      out.append("a and b are concurrent: no path of hops to the next event of a process or from a send to its\n")
          .append("receive leads from either one to the other.\n");
      write_concurrent_orders(out, g, a, b, shown);
      break;
  }
  return out;
}

}  // namespace

std::string explain(const hb_graph& g, event_id a, event_id b, const explained_clocks& clocks) {
  return render(g, a, b, {}, {}, clocks);
}

std::string explain(const hb_graph& g, std::string_view ref_a, std::string_view ref_b, const std::string& origin,
                    const explained_clocks& clocks) {
  const event_id a = g.resolve(ref_a, origin);
  const event_id b = g.resolve(ref_b, origin);
  return render(g, a, b, ref_a, ref_b, clocks);
}

std::vector<event_id> explained_events(const hb_graph& g, event_id a, event_id b) {
  std::vector<event_id> shown{a, b};
  if (const hb_relation r = g.relation(a, b); r == hb_relation::before || r == hb_relation::after) {
    const std::vector<event_id> path = r == hb_relation::before ? g.path(a, b) : g.path(b, a);
    shown.insert(shown.end(), path.begin(), path.end());
  }
  std::vector<event_id> out;
  for (const event_id e : shown) {
    const hb_event x = g.event(e);
    out.push_back(e);
    if (const event_id previous = g.event_at(x.process, x.seq - 1); previous != 0) out.push_back(previous);
    if (x.kind == event_kind::receive) out.push_back(x.send_event);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace hbsim
