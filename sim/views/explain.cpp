#include "hbsim/core/json_text.hpp"
#include "hbsim/views/explain.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <tuple>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "clocks/hlc/hlc_kind.hpp"
#include "clocks/lamport/lamport_kind.hpp"
#include "clocks/vector/vector_kind.hpp"
#include "core/concat.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/data/data_judge.hpp"
#include "hbsim/views/explained_stamps.hpp"

namespace hbsim {

namespace {

using vec = std::vector<std::uint32_t>;

std::string num(std::uint64_t v) { return std::to_string(v); }
std::string dur(sim_time t) { return format_duration(t); }

constexpr std::size_t shown_entries = 12;  // vector entries written before "... N more"

std::string short_name(const hb_graph& g, const hb_event& x) {
  return concat(g.process_names()[x.process], "#", num(x.seq));
}

// "B#2 receive "m1" (m1 from A)".
std::string title(const hb_graph& g, event_id e) {
  const hb_event x = g.event(e);
  std::string t = concat(short_name(g, x), " ", to_string(x.kind));
  if (x.kind != event_kind::crash && x.kind != event_kind::restart) t.append(" \"").append(visible_text(x.label)).append("\"");
  if (message_arrived(x.kind)) {
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

// One chosen kind's stamps around an explained event: after it, after the process's previous event,
// a process's initial ones, and what its message carries (empty unless it is a receive).
struct kind_stamps {
  const clock_kind* kind;
  bool standard;
  std::vector<std::uint64_t> after, previous, zero, message;
};

// A standard kind's stamp at event e, from the happens-before graph; its zero stamp at event 0.
std::vector<std::uint64_t> standard_words(const hb_graph& g, std::string_view kind, event_id e) {
  const std::size_t n = g.process_names().size();
  if (kind == "lamport") return {e != 0 ? g.event(e).lamport : 0};
  if (kind == "vector") return e != 0 ? vector_words(g.recorded_vector(e)) : std::vector<std::uint64_t>(n, 0);
  const auto h = hlc_words(e != 0 ? g.event(e).hlc : hlc_stamp{});
  return {h.begin(), h.end()};
}

// The chosen kinds' stamps at e: the standard ones (lamport, vector, hlc), then the modules'.
std::vector<kind_stamps> stamps_at(const hb_graph& g, event_id e, event_id previous, bool merges,
                                   const explained_clocks& shown) {
  static const std::shared_ptr<const clock_kind> standard[] = {lamport_kind(), vector_kind(), hlc_kind()};
  const std::array<bool, 3> chosen = {shown.standard.lamport, shown.standard.vector, shown.standard.hlc};
  const hb_event x = g.event(e);
  std::vector<kind_stamps> out;
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    if (!chosen[k]) continue;
    const std::string_view name = standard[k]->name();
    std::vector<std::uint64_t> message;
    if (merges) {
      const auto carried = name == "vector" ? g.carried_vector(e) : std::nullopt;  // differential encoding
      message = carried ? vector_words(*carried) : standard_words(g, name, x.send_event);
    }
    out.push_back({standard[k].get(), true, standard_words(g, name, e), standard_words(g, name, previous),
                   standard_words(g, name, 0), std::move(message)});
  }
  if (shown.kinds == nullptr) return out;
  const explained_stamps& stamps = *shown.kinds;
  const auto words = [&](std::size_t k, event_id at) {
    const stamp_words w = stamps.stamp(k, at, x.process);
    return std::vector<std::uint64_t>(w.begin(), w.end());
  };
  for (std::size_t k = 0; k < stamps.kinds().size(); ++k)
    out.push_back({stamps.kinds()[k].kind.get(), false, words(k, e), words(k, previous), words(k, 0),
                   merges ? words(k, x.send_event) : std::vector<std::uint64_t>{}});
  return out;
}

// What a restart ticks from. L', V', (l', c') are the process's clocks after its previous event; a
// restart starts from them (persist all), from zero (none), or from a checkpoint the trace does not show.
// A trace does not record which: the standard clocks' values tell it.
enum class restart_base : std::uint8_t { previous, zero, checkpoint };

// The step of one kind at the event, from `base`.
clock_step step_of(const hb_event& x, process_id from, const kind_stamps& s, restart_base base,
                   std::span<const process_id> pruned = {}) {
  return {x.kind, x.process, from, base == restart_base::zero ? s.zero : s.previous, s.message, s.after, x.pt, 0, pruned};
}

// The base of a restart, and the note its rules get.
std::pair<restart_base, std::string_view> restart_from(const hb_event& x, const std::vector<kind_stamps>& kinds) {
  const auto fits = [&](restart_base base) {
    for (const kind_stamps& s : kinds)
      if (s.standard && s.kind->canonical(step_of(x, x.process, s, base)) != s.after) return false;
    return true;
  };
  if (std::none_of(kinds.begin(), kinds.end(), [](const kind_stamps& s) { return s.standard; }))
    return {restart_base::previous, " (from the clocks before the crash: with none of Lamport, vector and HLC the "
                                    "trace does not tell whether they were kept)"};
  if (fits(restart_base::previous)) return {restart_base::previous, " (kept through the crash)"};
  if (fits(restart_base::zero)) return {restart_base::zero, " (restarted from zero)"};
  return {restart_base::checkpoint, ""};
}

}  // namespace

event_rules explain_rules(const hb_graph& g, event_id e, const explained_clocks& shown) {
  const hb_event x = g.event(e);
  const auto names = g.process_names();
  const bool merges = x.kind == event_kind::receive;
  const std::vector<kind_stamps> kinds = stamps_at(g, e, g.event_at(x.process, x.seq - 1), merges, shown);
  event_rules out;
  out.kind = event_kind_text(g, x);

  const auto [base, note] = x.kind == event_kind::restart ? restart_from(x, kinds)
                                                          : std::pair{restart_base::previous, std::string_view{}};
  // Each kind words its own rule, from the base the standard clocks showed.
  const process_id from = merges ? g.event(x.send_event).process : x.process;
  for (const kind_stamps& s : kinds) {
    const clock_step step = step_of(x, from, s, base, g.pruned(e));
    explained_rule r = base == restart_base::checkpoint ? s.kind->restored(step, names) : s.kind->explain(step, names, note);
    const std::string_view kind = s.kind->name();
    if (!s.standard) out.kinds.push_back(std::move(r.text));
    else if (kind == "lamport") std::tie(out.lamport, out.lamport_canonical) = std::tie(r.text, r.canonical);
    else if (kind == "vector") std::tie(out.vector, out.vector_canonical) = std::tie(r.text, r.canonical);
    else std::tie(out.hlc, out.hlc_canonical) = std::tie(r.text, r.canonical);
  }
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

// ", arrived at 2.5ms and held back 7.5ms by its delivery group" for a receive that waited for its order.
std::string held_back(const hb_event& e) {
  if (e.arrived == no_arrival || e.arrived >= e.time) return {};
  return concat(", arrived at ", dur(e.arrived), " and held back ", dur(e.time - e.arrived),
                " by its delivery group (the receive happens at delivery)");
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
          .append(" to ").append(names[to.process]).append(held_back(to)).append("\n");
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
  out.append("  ").append(pad(clock, 10)).append(" ").append(a).append(relation).append(b).append(": ");
}

// The clock kind modules' rows: each kind's own order of x and y (clock_kind::order) against the causality.
// `related`: x happens before y, named nx and ny; otherwise they are concurrent (named "a" and "b").
void write_kind_rows(std::string& out, const hb_graph& g, event_id x, event_id y, const explained_clocks& shown,
                     bool related, std::string_view nx, std::string_view ny) {
  if (shown.kinds == nullptr) return;
  const auto names = g.process_names();
  const process_id px = g.event(x).process, py = g.event(y).process;
  for (std::size_t k = 0; k < shown.kinds->kinds().size(); ++k) {
    const clock_kind& kind = *shown.kinds->kinds()[k].kind;
    const stamp_words sx = shown.kinds->stamp(k, x, px), sy = shown.kinds->stamp(k, y, py);
    const stamp_order o = kind.order({px, sx}, {py, sy});
    const std::string_view relation = o == stamp_order::before  ? " < "
                                      : o == stamp_order::after ? " > "
                                      : o == stamp_order::equal ? " = "
                                                                : " vs ";
    row(out, kind.name(), kind.text(sx, names), relation, kind.text(sy, names));
    std::string verdict;
    switch (o) {
      case stamp_order::undecided: verdict = "its stamps cannot order these two"; break;
      case stamp_order::before:
        verdict = related ? concat(nx, " first, as causality requires") : "a first, an order with no causality behind it";
        break;
      case stamp_order::after:
        verdict = related ? concat("says ", ny, " first, against causality")
                          : std::string("b first, an order with no causality behind it");
        break;
      case stamp_order::equal: verdict = "equal stamps: no order"; break;
      case stamp_order::concurrent:
        verdict = related ? std::string("says concurrent, but they are not") : std::string("concurrent, as they are");
        break;
    }
    std::string invariants;
    for (const std::string_view i : kind.invariants()) invariants.append(invariants.empty() ? "" : ", ").append(i);
    out.append(verdict).append(" (hbsim check judges ").append(invariants).append(")\n");
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
  write_kind_rows(out, g, x, y, shown, true, nx, ny);
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
  write_kind_rows(out, g, a, b, shown, false, "a", "b");
  if (!shown.times) return;
  const int pt = order_of(ea.pt, eb.pt);
  row(out, "pt", dur(ea.pt), sign(pt), dur(eb.pt));
  out.append("physical-time order says ").append(says(pt)).append("\n");
  const int time = order_of(ea.time, eb.time);
  row(out, "true time", dur(ea.time), sign(time), dur(eb.time));
  out.append("true-time order says ").append(says(time)).append(time == 0 ? " (the same instant)\n" : "\n");
}

std::string_view relation_text(hb_relation r) {
  switch (r) {
    case hb_relation::before: return "a happens before b";
    case hb_relation::after: return "b happens before a";
    case hb_relation::concurrent: return "a and b are concurrent";
    case hb_relation::same: break;
  }
  return "a and b are the same event";
}

// Two puts: whether one write is in the other's causal past by what their contexts carry (the ground
// truth of the data invariants), beside the events' happens-before, which can differ.
void write_data_causality(std::string& out, event_id a, event_id b, hb_relation events, const data_judge& writes) {
  const std::optional<bool> ab = writes.in_past(a, b), ba = writes.in_past(b, a);
  if (!ab || !ba || a == b) return;
  out.append("\nThe writes' own causality (what their contexts carry, not the events' happens-before):\n")
      .append("  a is ").append(writes.describe(a)).append("\n  b is ").append(writes.describe(b)).append("\n  ");
  const hb_relation data = *ab ? hb_relation::before : *ba ? hb_relation::after : hb_relation::concurrent;
  if (*ab) out.append("a's write is in b's causal past: ").append(writes.context_path(a, b));
  else if (*ba) out.append("b's write is in a's causal past: ").append(writes.context_path(b, a));
  else
    out.append("neither write is in the other's causal past: concurrent writes, which a policy keeps as siblings or "
               "loses one of");
  out.append("\n");
  if (data == events) {
    out.append("  Happens-before agrees: ").append(relation_text(events)).append(".\n");
    return;
  }
  out.append("  They differ: happens-before says ").append(relation_text(events)).append(", the data ")
      .append(data == hb_relation::concurrent ? "does not order the writes" : "orders them")
      .append(data == hb_relation::concurrent
                  ? ": no message between them carried the earlier write to the later one's client (a message that "
                    "does not carry the key tells the data nothing)\n"
                  : ": a client carried the write it had read to another replica, which no message shows\n");
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
  if (shown.writes != nullptr) write_data_causality(out, a, b, relation, *shown.writes);
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
