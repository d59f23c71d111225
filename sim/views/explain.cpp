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

std::string clocks_line(const hb_graph& g, event_id e, bool all) {
  if (!all) return concat("V ", vector_text(g.recorded_vector(e), g.process_names(), shown_entries));
  const hb_event x = g.event(e);
  return concat("time ", dur(x.time), ", pt ", dur(x.pt), ", L ", num(x.lamport), ", V ",
             vector_text(g.recorded_vector(e), g.process_names(), shown_entries), ", HLC ", to_string(x.hlc));
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

}  // namespace

event_rules explain_rules(const hb_graph& g, event_id e) {
  const hb_event x = g.event(e);
  const auto names = g.process_names();
  const std::string& self = names[x.process];
  const clocks now = recorded(g, e);
  const clocks zero{0, vec(names.size(), 0), {}};
  const event_id previous = g.event_at(x.process, x.seq - 1);
  const clocks before = previous != 0 ? recorded(g, previous) : zero;
  const bool merges = x.kind == event_kind::receive;
  std::optional<clocks> carried;  // what the message carries: its send's clocks
  event_rules out;

  switch (x.kind) {
    case event_kind::local: out.kind = "local event: each clock ticks"; break;
    case event_kind::send: out.kind = "send: each clock ticks, and the message carries the new values"; break;
    case event_kind::receive: {
      const hb_event send = g.event(x.send_event);
      carried = recorded(g, x.send_event);
      out.kind = concat("receive of m", num(x.message), " from ", names[send.process], ", sent by ", short_name(g, send),
                     ": each clock merges what the message carries (its send's clocks), then ticks");
      break;
    }
    case event_kind::reject:
      out.kind = concat("reject of m", num(x.message),
                     ": the HLC max-offset guard refused the message, so nothing is merged and each clock ticks "
                     "as for a local event");
      break;
    case event_kind::crash: out.kind = "crash: each clock ticks as for a local event"; break;
    case event_kind::restart:
      out.kind = "restart: each clock ticks from the value it restarts with (kept through the crash, zero, or a "
                 "checkpoint, as the scenario's persistence says)";
      break;
  }
  const auto lamport_rule = [&](const clocks& b) {
    if (merges) {
      const std::uint64_t v = std::max(b.lamport, carried->lamport) + 1;
      return std::pair{v, concat("L = max(L', L_m) + 1 = max(", num(b.lamport), ", ", num(carried->lamport),
                              ") + 1 = ", num(v))};
    }
    const std::uint64_t v = b.lamport + 1;
    return std::pair{v, concat("L = L' + 1 = ", num(b.lamport), " + 1 = ", num(v))};
  };
  const auto vector_rule = [&](const clocks& b) {
    vec v = b.vector;
    std::string t;
    if (merges) {
      merge_max(v, carried->vector);
      t = concat("V = max(V', V_m) = max(", vector_text(b.vector, names, shown_entries), ", ", vector_text(carried->vector, names, shown_entries),
              ") = ", vector_text(v, names, shown_entries), ", then V[", self, "] + 1 -> ");
    } else {
      t = concat("V = V' with V[", self, "] + 1: ", vector_text(b.vector, names, shown_entries), " -> ");
    }
    ++v[x.process];
    t.append(vector_text(v, names, shown_entries));
    return std::pair{v, t};
  };
  const auto hlc_rule = [&](const clocks& b) {
    const hlc_stamp own = b.hlc;
    if (merges) {
      const hlc_stamp m = carried->hlc;
      const hlc_stamp v = hlc_receive(own, m, x.pt);
      std::string t =
          concat("l = max(l', l_m, pt) = max(", dur(own.l), ", ", dur(m.l), ", ", dur(x.pt), ") = ", dur(v.l), "; ");
      if (v.l == own.l && v.l == m.l)
        t.append(concat("l equals both l' and l_m, so c = max(c', c_m) + 1 = max(", num(own.c), ", ", num(m.c),
                     ") + 1 = ", num(v.c)));
      else if (v.l == own.l)
        t.append(concat("l is still the process's own l', so c = c' + 1 = ", num(own.c), " + 1 = ", num(v.c)));
      else if (v.l == m.l)
        t.append(concat("l comes from the message, so c = c_m + 1 = ", num(m.c), " + 1 = ", num(v.c)));
      else
        t.append("pt is ahead of both l' and l_m, so c = 0");
      return std::pair{v, t};
    }
    const hlc_stamp v = hlc_tick(own, x.pt);
    std::string t = concat("l = max(l', pt) = max(", dur(own.l), ", ", dur(x.pt), ") = ", dur(v.l), "; ");
    t.append(v.l == own.l ? concat("l is unchanged, so c = c' + 1 = ", num(own.c), " + 1 = ", num(v.c))
                          : std::string("pt is ahead of l', so c = 0"));
    return std::pair{v, t};
  };

  // L', V', (l', c') are the process's clocks after its previous event. A restart starts from them
  // (persist all), from zero (none), or from a checkpoint the trace does not show.
  const clocks* from = &before;
  std::string_view note;
  const auto fits = [&](const clocks& b) {
    return lamport_rule(b).first == now.lamport && vector_rule(b).first == now.vector && hlc_rule(b).first == now.hlc;
  };
  if (x.kind == event_kind::restart) {
    if (fits(before)) {
      note = " (kept through the crash)";
    } else if (fits(zero)) {
      from = &zero;
      note = " (restarted from zero)";
    } else {
      from = nullptr;
    }
  }
  if (from != nullptr) {
    out.lamport_canonical = describe(lamport_rule(*from), now.lamport, num(now.lamport), note, out.lamport);
    out.vector_canonical = describe(vector_rule(*from), now.vector, vector_text(now.vector, names, shown_entries), note, out.vector);
    out.hlc_canonical = describe(hlc_rule(*from), now.hlc, to_string(now.hlc), note, out.hlc);
    return out;
  }
  // From a checkpoint: what it held follows from the recorded values, as long as they are ticks.
  constexpr std::string_view restored = " restored from a checkpoint";
  out.lamport_canonical = now.lamport >= 1;
  const std::string checkpoint_lamport = num(now.lamport - 1);
  out.lamport =
      out.lamport_canonical
          ? concat("L = ", checkpoint_lamport, " + 1 = ", num(now.lamport), " (", checkpoint_lamport, restored, ")")
          : std::string("L = 0, which no tick gives: not the canonical rule");
  out.vector_canonical = now.vector[x.process] >= 1;
  if (out.vector_canonical) {
    vec checkpoint = now.vector;
    --checkpoint[x.process];
    out.vector = concat("V = ", vector_text(checkpoint, names, shown_entries), restored, ", then V[", self, "] + 1 -> ",
                     vector_text(now.vector, names, shown_entries));
  } else {
    out.vector = concat("V[", self, "] = 0, which no tick gives: not the canonical rule");
  }
  out.hlc_canonical = now.hlc.l >= x.pt;
  out.hlc = out.hlc_canonical ? concat("(l, c) = ", to_string(now.hlc), ", ticked at pt ", dur(x.pt), " from clocks",
                                    restored, " (not in the trace, so not checked)")
                              : concat("l = ", dur(now.hlc.l), " is behind pt ", dur(x.pt), ": not the canonical rule");
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

// `all`: every clock of hbsim; otherwise vector clocks only.
void write_event(std::string& out, const hb_graph& g, event_id e, bool all) {
  out.append("  ").append(title(g, e)).append("\n").append(indent).append(clocks_line(g, e, all)).append("\n");
}

void write_rules(std::string& out, const hb_graph& g, event_id e, bool all) {
  const event_rules r = explain_rules(g, e);
  out.append(indent).append(r.kind).append("\n");
  if (all) out.append(indent).append("  Lamport  ").append(r.lamport).append("\n");
  out.append(indent).append("  vector   ").append(r.vector).append("\n");
  if (all) out.append(indent).append("  HLC      ").append(r.hlc).append("\n");
}

bool message_hop(const hb_graph& g, event_id from, event_id to) {
  const hb_event y = g.event(to);
  return y.kind == event_kind::receive && y.send_event == from;
}

// An HB path, hop by hop; long runs along one process lose their middle.
void write_path(std::string& out, const hb_graph& g, const std::vector<event_id>& p, bool all) {
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
    write_event(out, g, p[hop], all);
    write_rules(out, g, p[hop], all);
  };
  if (all)
    out.append("\nThe path, each event with its true time, its physical clock reading pt and its clocks after it.\n")
        .append("L', V', (l', c') are the process's clocks after its previous event; L_m, V_m, (l_m, c_m) those\n")
        .append("the message carries, i.e. its send's.\n\n");
  else
    out.append("\nThe path, each event with its vector clock after it. V' is the process's vector after its\n")
        .append("previous event; V_m the one the message carries, i.e. its send's.\n\n");
  write_event(out, g, p.front(), all);
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

// How the clocks order x and y, given that x → y; nx and ny are their names, "a" and "b".
void write_related_orders(std::string& out, const hb_graph& g, event_id x, event_id y, std::string_view nx,
                          std::string_view ny, bool all) {
  const hb_event ex = g.event(x), ey = g.event(y);
  const auto names = g.process_names();
  const std::string first = concat(nx, " first");
  const std::string later_first = concat("says ", ny, " first, which violates ");
  out.append("\nHow each clock orders them (").append(nx).append(" happens before ").append(ny)
      .append(", so every logical clock must put ").append(nx).append(" first):\n");

  if (all) {
    const int lamport = order_of(ex.lamport, ey.lamport);
    row(out, "Lamport", num(ex.lamport), sign(lamport), num(ey.lamport));
    out.append(lamport < 0 ? concat(first, ", as the clock condition requires\n")
                           : concat(lamport == 0 ? "tied, which violates " : later_first, "lamport.clock_condition\n"));
  }

  const vec vx = g.recorded_vector(x), vy = g.recorded_vector(y);
  const vector_order vo = compare(vx, vy);
  row(out, "vector", vector_text(vx, names, shown_entries), vo == vector_order::concurrent ? " vs " : sign(order_of(vo)),
      vector_text(vy, names, shown_entries));
  switch (vo) {
    case vector_order::before: out.append(first).append("; the vector clock sees the causality\n"); break;
    case vector_order::equal: out.append("equal, which violates vector.strong_clock_condition\n"); break;
    case vector_order::after: out.append(later_first).append("vector.strong_clock_condition\n"); break;
    case vector_order::concurrent:
      out.append("incomparable, which violates vector.strong_clock_condition\n");
      break;
  }
  if (!all) return;

  const int hlc = order_of(ex.hlc, ey.hlc);
  row(out, "HLC", to_string(ex.hlc), sign(hlc), to_string(ey.hlc));
  out.append(hlc < 0 ? concat(first, ", as the clock condition requires\n")
                     : concat(hlc == 0 ? "tied, which violates " : later_first, "hlc.clock_condition\n"));

  const int pt = order_of(ex.pt, ey.pt);
  row(out, "pt", dur(ex.pt), sign(pt), dur(ey.pt));
  out.append(pt < 0    ? concat(first, "; physical clocks agree with causality here (under skew they need not)\n")
             : pt == 0 ? std::string("the same reading, physical clocks cannot order them\n")
                       : concat("says ", ny, " first: the physical clocks contradict causality here (skew)\n"));

  const int time = order_of(ex.time, ey.time);
  row(out, "true time", dur(ex.time), sign(time), dur(ey.time));
  out.append(time < 0 ? concat(first, ", as causality implies\n")
                      : std::string("the same instant (messages took no time)\n"));
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

void write_concurrent_orders(std::string& out, const hb_graph& g, event_id a, event_id b, bool all) {
  const hb_event ea = g.event(a), eb = g.event(b);
  const auto names = g.process_names();
  out.append(unseen(g, a, b, "a", "b")).append(unseen(g, b, a, "b", "a"));
  out.append("\nHow each clock orders them anyway:\n");

  if (all) {
    const int lamport = order_of(ea.lamport, eb.lamport);
    row(out, "Lamport", num(ea.lamport), sign(lamport), num(eb.lamport));
    out.append(lamport == 0 ? "tied; Lamport clocks cannot order them (a total order breaks ties by process)\n"
                            : concat(says(lamport), ", an order with no causality behind it\n"));
  }

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
  if (!all) return;

  const int hlc = order_of(ea.hlc, eb.hlc);
  row(out, "HLC", to_string(ea.hlc), sign(hlc), to_string(eb.hlc));
  out.append("the (l, c) order says ").append(says(hlc)).append("; HLC cannot detect concurrency\n");

  const int pt = order_of(ea.pt, eb.pt);
  row(out, "pt", dur(ea.pt), sign(pt), dur(eb.pt));
  out.append("physical-time order says ").append(says(pt)).append("\n");

  const int time = order_of(ea.time, eb.time);
  row(out, "true time", dur(ea.time), sign(time), dur(eb.time));
  out.append("true-time order says ").append(says(time)).append(time == 0 ? " (the same instant)\n" : "\n");
}

std::string render(const hb_graph& g, event_id a, event_id b, std::string_view ref_a, std::string_view ref_b,
                   explained_clocks clocks) {
  const bool all = clocks == explained_clocks::all;
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
      write_event(out, g, a, all);
      write_rules(out, g, a, all);
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
      write_path(out, g, path, all);
      write_related_orders(out, g, x, y, nx, ny, all);
      break;
    }
    case hb_relation::concurrent:
      out.append("a and b are concurrent: no path of hops to the next event of a process or from a send to its\n")
          .append("receive leads from either one to the other.\n");
      write_concurrent_orders(out, g, a, b, all);
      break;
  }
  return out;
}

}  // namespace

std::string explain(const hb_graph& g, event_id a, event_id b, explained_clocks clocks) {
  return render(g, a, b, {}, {}, clocks);
}

std::string explain(const hb_graph& g, std::string_view ref_a, std::string_view ref_b, const std::string& origin,
                    explained_clocks clocks) {
  const event_id a = g.resolve(ref_a, origin);
  const event_id b = g.resolve(ref_b, origin);
  return render(g, a, b, ref_a, ref_b, clocks);
}

}  // namespace hbsim
