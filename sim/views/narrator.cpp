#include "hbsim/views/narrator.hpp"

#include <algorithm>
#include <span>
#include <string_view>

#include "core/concat.hpp"
#include "hbsim/clocks/clock_kind.hpp"
#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

namespace {

std::string num(std::uint64_t v) { return std::to_string(v); }
std::string dur(sim_time t) { return format_duration(t); }

constexpr std::size_t shown_entries = 16;  // vector entries written before "…(N more)"

std::string vector_text(std::span<const std::uint32_t> v) {
  std::string out = "[";
  for (std::size_t j = 0; j < v.size() && j < shown_entries; ++j) out.append(j ? "," : "").append(num(v[j]));
  if (v.size() > shown_entries) out.append(",…(").append(num(v.size() - shown_entries)).append(" more)");
  return out.append("]");
}

// One clock's part of an event line: "[variant: ]formula[ = value][ (why)]", or, when the run recorded
// something else than the formula gives, "formula would give value, but the run recorded ...".
struct clause {
  std::string variant;  // "lamport variant no-tick-local", empty when the canonical rule applied
  std::string formula;
  bool shows_value = false;  // the formula already is the value ("L stays 3")
  std::string why;
};

template <class Value>
std::string finish(const clause& c, const Value& expected, const Value& recorded, std::string_view clock,
                   std::string (*text)(Value)) {
  std::string out = c.variant.empty() ? std::string() : concat(c.variant, ": ");
  out.append(c.formula);
  const bool matches = expected == recorded;
  if (!matches) out.append(" would give ").append(text(expected));
  else if (!c.shows_value) out.append(" = ").append(text(expected));
  if (!c.why.empty()) out.append(" (").append(c.why).append(")");
  if (!matches)
    out.append(concat(", but the run recorded ", clock, " = ", text(recorded), ", which this rule does not give"));
  return out;
}

std::string lamport_rule(lamport_variant v, event_kind kind, std::uint64_t before, const std::uint64_t* m,
                         std::uint64_t recorded) {
  const std::string b = num(before);
  const std::string name = concat("lamport variant ", to_string(v));
  const std::string fresh = before == 0 ? std::string("a new clock at 0 for every event")
                                        : concat("a new clock at 0 for every event: forgets ", b);
  clause c;
  std::uint64_t expected = before + 1;
  if (m) {
    const std::string mt = num(*m);
    switch (v) {
      case lamport_variant::ignore_message:
        c = {name, concat("L = ", b, " + 1"), false, concat("ignores the message's ", mt)};
        break;
      case lamport_variant::double_tick_receive:
        expected = std::max(before + 1, *m) + 1;
        c = {name, concat("L = max(", b, " + 1, ", mt, ") + 1"), false, "ticks once more before the merge"};
        break;
      case lamport_variant::fresh_per_event:
        expected = *m + 1;
        c = {name, concat("L = max(0, ", mt, ") + 1"), false, fresh};
        break;
      default:
        expected = std::max(before, *m) + 1;
        c = {{}, concat("L = max(", b, ", ", mt, ") + 1"), false, {}};
    }
  } else if (v == lamport_variant::no_tick_local && kind == event_kind::local) {
    expected = before;
    c = {name, concat("L stays ", b), true, "a local event does not tick"};
  } else if (v == lamport_variant::fresh_per_event) {
    expected = 1;
    c = {name, "L = 0 + 1", false, fresh};
  } else {
    c = {{}, concat("L = ", b, " + 1"), false, {}};
  }
  return finish<std::uint64_t>(c, expected, recorded, "L", num);
}

using vec = std::vector<std::uint32_t>;
std::string vec_value(vec v) { return vector_text(v); }

std::string vector_rule(vector_variant v, event_kind kind, process_id self, const vec& before, const vec* m,
                        std::span<const std::uint32_t> recorded) {
  const std::string b = vector_text(before);
  const std::string name = concat("vector variant ", to_string(v));
  vec expected = before;
  clause c;
  if (m) {
    const std::string mt = vector_text(*m);
    if (v != vector_variant::no_merge) merge_max(expected, *m);
    if (v != vector_variant::no_tick_receive) ++expected[self];
    if (v == vector_variant::no_merge)
      c = {name, concat("V = ", b, " then tick"), false, concat("ignores the message's ", mt)};
    else if (v == vector_variant::no_tick_receive)
      c = {name, concat("V = max(", b, ", ", mt, ")"), false, "no tick after the merge"};
    else
      c = {{}, concat("V = max(", b, ", ", mt, ") then tick"), false, {}};
  } else if (kind == event_kind::send && v == vector_variant::no_tick_send) {
    c = {name, concat("V stays ", b), true, "a send does not tick"};
  } else {
    ++expected[self];
    c = {{}, concat("V = ", b, " then tick"), false, {}};
    if (kind == event_kind::send && v == vector_variant::send_previous)
      c = {name, c.formula, false, concat("the message carries ", b, ", from before the tick")};
  }
  return finish<vec>(c, expected, vec(recorded.begin(), recorded.end()), "V", vec_value);
}

std::string hlc_rule(hlc_variant v, hlc_stamp b, const hlc_stamp* m, sim_time pt, hlc_stamp recorded) {
  const std::string name = concat("hlc variant ", to_string(v));
  hlc_stamp expected;
  clause c;
  if (!m || v == hlc_variant::ignore_message) {
    // Kulkarni's local/send rule: l = max(l, pt); c = c + 1 if l did not move, else 0.
    expected = hlc_tick(b, pt);
    const bool moved = expected.l != b.l;
    const std::string l = concat("HLC l = max(", dur(b.l), ", pt ", dur(pt), ") = ", dur(expected.l), ", c = ");
    const std::string counted = concat(l, "c + 1 = ", num(b.c), " + 1");
    c = {{}, moved ? concat(l, "0 (l moved to pt)") : concat(counted, " (l unchanged)"), false, {}};
    if (m) {
      c.variant = name;
      c.why = concat("ignores the message's ", to_string(*m));
    } else if (v == hlc_variant::no_counter_reset && moved) {
      expected.c = b.c + 1;
      c = {name, counted, false, "keeps counting although l moved to pt"};
    }
    return finish<hlc_stamp>(c, expected, recorded, "HLC", [](hlc_stamp h) { return to_string(h); });
  }
  // Kulkarni's receive rule: l = max(l, l_m, pt); c by which of them l came from.
  expected = hlc_receive(b, *m, pt);
  const std::string l =
      concat("HLC l = max(", dur(b.l), ", ", dur(m->l), ", pt ", dur(pt), ") = ", dur(expected.l), ", c = ");
  const bool own = expected.l == b.l;
  const bool from_m = expected.l == m->l;
  if (v == hlc_variant::no_counter_reset && !own && !from_m) {
    expected.c = b.c + 1;
    c = {name, concat(l, "c + 1 = ", num(b.c), " + 1"), false, "keeps counting although l came from pt"};
  } else if (v == hlc_variant::reset_on_receive && !from_m) {
    expected.c = 1;
    c = {name, concat(l, "1"), false, "c = 1 unless l comes from the message"};
  } else if (own && from_m) {
    c = {{}, concat(l, "max(c, c_m) + 1 = max(", num(b.c), ", ", num(m->c), ") + 1 (l from both)"), false, {}};
  } else if (own) {
    c = {{}, concat(l, "c + 1 = ", num(b.c), " + 1 (l kept)"), false, {}};
  } else if (from_m) {
    c = {{}, concat(l, "c_m + 1 = ", num(m->c), " + 1 (l from the message)"), false, {}};
  } else {
    c = {{}, concat(l, "0 (l from pt)"), false, {}};
  }
  return finish<hlc_stamp>(c, expected, recorded, "HLC", [](hlc_stamp h) { return to_string(h); });
}

std::string_view persist_text(persist_mode m) {
  switch (m) {
    case persist_mode::all: return "persist all";
    case persist_mode::none: return "persist none";
    case persist_mode::checkpoint: return "persist checkpoint";
  }
  return "";
}

}  // namespace

narrator::narrator(std::ostream& out) : out_(out) {}
narrator::~narrator() = default;

std::string narrator::name(process_id p) const { return p < names_.size() ? names_[p] : concat("#", num(p)); }

std::string narrator::message_name(message_id id, process_id from, process_id to) const {
  return concat("m", num(id), " ", name(from), "→", name(to));
}

std::string narrator::fault_name(std::size_t index) const {
  std::string out = concat("fault #", num(index));
  if (!source_ || index >= source_->faults.size()) return out;
  const fault& f = source_->faults[index];
  std::optional<sim_time> heal;
  if (const auto* p = std::get_if<partition_fault>(&f.what)) {
    out.insert(0, "partition ");
    heal = p->heal;
  } else if (const auto* c = std::get_if<cut_fault>(&f.what)) {
    out.insert(0, "cut ");
    heal = c->heal;
  }
  out.append(concat(" (from ", dur(f.at)));
  out.append(heal ? concat(", heals at ", dur(*heal), ")") : std::string(", never heals)"));
  return out;
}

std::string narrator::title(const event_record& e) const {
  std::string t = concat("[", dur(e.time), "] ", name(e.process), "#", num(e.seq), " ", to_string(e.kind));
  if (e.kind != event_kind::crash && e.kind != event_kind::restart) t.append(concat(" \"", e.label, "\""));
  if (e.kind == event_kind::send) {
    t.append(" to ");
    for (std::size_t i = 0; i < e.messages.size(); ++i) t.append(i ? ", " : "").append(name(e.messages[i].to));
  }
  if (e.kind == event_kind::receive || e.kind == event_kind::reject) {
    t.append(concat(" (m", num(e.message), " from ", name(e.from)));
    if (const auto it = messages_.find(e.message); it != messages_.end()) {
      t.append(concat("#", num(it->second.send_seq)));
      if (it->second.copies < it->second.sent_copies) t.append(", its other copy");
    }
    t.append(")");
  }
  return t.append(concat(", pt ", dur(e.pt)));
}

std::string narrator::rules(const event_record& e, const clocks& before, const clocks* carried) const {
  const logical_config variants = source_ ? source_->logical : logical_config{};
  const standard_clocks chosen = variants.shown();
  const bool merges = e.kind == event_kind::receive;
  std::string out;
  const auto part = [&](const std::string& text) { out.append(out.empty() ? "" : "; ").append(text); };
  if (merges && (!carried || carried->vector.size() != before.vector.size())) {
    if (chosen.lamport) part(concat("L = ", num(e.lamport)));
    if (chosen.vector) part(concat("V = ", vector_text(e.vector)));
    if (chosen.hlc) part(concat("HLC ", to_string(e.hlc)));
    for (std::size_t k = 0; k < variants.extra.size(); ++k)
      part(concat(variants.extra[k].kind->name(), " ", variants.extra[k].kind->text(e.stamps[k], names_)));
    return out.append(" (what the message carried is unknown: its send is not in this run)");
  }
  const std::uint64_t* ml = merges ? &carried->lamport : nullptr;
  const vec* mv = merges ? &carried->vector : nullptr;
  const hlc_stamp* mh = merges ? &carried->hlc : nullptr;
  if (chosen.lamport) part(lamport_rule(variants.lamport, e.kind, before.lamport, ml, e.lamport));
  if (chosen.vector) part(vector_rule(variants.vector, e.kind, e.process, before.vector, mv, e.vector));
  if (chosen.hlc) part(hlc_rule(variants.hlc, before.hlc, mh, e.pt, e.hlc));
  // The other kinds narrate their own rules; a wrong variant is named before its clause.
  for (std::size_t k = 0; k < variants.extra.size(); ++k) {
    const chosen_clock& c = variants.extra[k];
    const clock_step step{e.kind, e.process, e.from, before.extra[k], merges ? stamp_words(carried->extra[k]) : stamp_words{},
                          e.stamps[k]};
    part(concat(c.variant == 0 ? std::string() : concat(c.kind->name(), " variant ", c.kind->variants()[c.variant], ": "),
                c.kind->rule(step, names_)));
  }
  return out;
}

std::pair<const narrator::clocks*, std::string> narrator::restart_from(process_id p, sim_time t) const {
  const crash_fault* crash = nullptr;
  if (source_)
    for (const fault& f : source_->faults)
      if (const auto* c = std::get_if<crash_fault>(&f.what); c && c->process == p && c->restart == t) {
        crash = c;
        break;
      }
  if (!crash) return {&last_[p], "from the clocks it had before the crash"};
  switch (crash->persist) {
    case persist_mode::all: return {&last_[p], "persist all: from the clocks kept through the crash"};
    case persist_mode::none: return {&initial_[p], "persist none: from zero"};
    case persist_mode::checkpoint:
      return {&checkpoint_[p], checkpoint_taken_[p] ? concat("persist checkpoint: from the checkpoint after its event #",
                                                        num(checkpoint_taken_[p]))
                                                    : std::string("persist checkpoint: from zero, no checkpoint taken yet")};
  }
  return {&last_[p], {}};
}

void narrator::on_start(const run_header& h) {
  source_ = h.source;
  names_.assign(h.process_names.begin(), h.process_names.end());
  const std::size_t n = names_.size();
  // Every process starts from its clocks' initial values: zeros, or what a kind module's fresh clock holds.
  const logical_config chosen = source_ ? source_->logical : logical_config{};
  initial_.assign(n, {0, vec(chosen.has("vector") ? n : 0, 0), {}, {}});
  for (const chosen_clock& c : chosen.extra) {
    const auto fresh = c.make(n);
    for (process_id p = 0; p < n; ++p) initial_[p].extra.emplace_back(fresh->stamp(p).begin(), fresh->stamp(p).end());
  }
  last_ = initial_;
  checkpoint_ = initial_;
  checkpoint_taken_.assign(n, 0);
  checkpoint_every_.assign(n, 0);
  messages_.clear();
  std::string names;
  for (std::size_t i = 0; i < n; ++i) names.append(i ? ", " : "").append(names_[i]);
  out_ << "narration of \"" << (source_ ? source_->name : std::string()) << "\", seed " << h.seed
       << ", processes " << names << "\n";
  if (!source_) return;
  // The kernel checkpoints after every k-th event of a process, k from its last crash fault with persist checkpoint.
  for (const fault& f : source_->faults)
    if (const auto* c = std::get_if<crash_fault>(&f.what); c && c->persist == persist_mode::checkpoint && c->process < n)
      checkpoint_every_[c->process] = c->checkpoint_every;
  const logical_config& l = source_->logical;
  std::string wrong;
  if (l.lamport != lamport_variant::canonical) wrong.append(concat("lamport ", to_string(l.lamport)));
  if (l.vector != vector_variant::canonical) wrong.append(concat(wrong.empty() ? "" : ", ", "vector ", to_string(l.vector)));
  if (l.hlc != hlc_variant::canonical) wrong.append(concat(wrong.empty() ? "" : ", ", "hlc ", to_string(l.hlc)));
  if (!wrong.empty()) out_ << "wrong clocks selected: " << wrong << "\n";
  if (l.hlc_max_offset) out_ << "HLC max_offset " << dur(*l.hlc_max_offset) << ": messages whose l is further ahead of the receiver's pt are rejected\n";
}

void narrator::on_event(const event_record& e) {
  if (e.process >= last_.size()) return;
  const clocks* carried = nullptr;
  if (e.kind == event_kind::receive || e.kind == event_kind::reject)
    if (const auto it = messages_.find(e.message); it != messages_.end()) carried = it->second.carried.get();
  std::string line = title(e);
  const clocks* before = &last_[e.process];
  switch (e.kind) {
    case event_kind::reject: {
      line.append(": refused by the HLC max-offset guard");
      if (carried && source_ && source_->logical.hlc_max_offset)
        line.append(concat(", l_m - pt = ", dur(carried->hlc.l), " - ", dur(e.pt), " = ", dur(sub_sat(carried->hlc.l, e.pt)),
                        " > max_offset ", dur(*source_->logical.hlc_max_offset)));
      line.append("; nothing is merged and the clocks tick as for a local event");
      break;
    }
    case event_kind::restart: {
      const auto [from, why] = restart_from(e.process, e.time);
      before = from;
      line.append(concat(", ", why));
      break;
    }
    default: break;
  }
  line.append(": ").append(rules(e, *before, e.kind == event_kind::receive ? carried : nullptr));
  if (e.kind == event_kind::crash && source_) {
    for (const fault& f : source_->faults)
      if (const auto* c = std::get_if<crash_fault>(&f.what); c && c->process == e.process && f.at == e.time) {
        line.append(concat("; ", name(e.process), " is down ",
                        c->restart ? concat("until ", dur(*c->restart)) : std::string("for good"), " (",
                        persist_text(c->persist), "): messages reaching it meanwhile are dropped"));
        break;
      }
  }
  out_ << line << "\n";

  clocks& now = last_[e.process];
  if (e.kind == event_kind::send && !e.messages.empty()) {
    // A send-previous vector clock sends the row from before the send's tick: the previous event's.
    const bool previous = source_ && source_->logical.vector == vector_variant::send_previous;
    clocks sent{e.lamport, previous ? now.vector : vec(e.vector.begin(), e.vector.end()), e.hlc, {}};
    for (const stamp_words w : e.stamps) sent.extra.emplace_back(w.begin(), w.end());
    const auto stamp = std::make_shared<const clocks>(std::move(sent));
    for (const sent_message& m : e.messages) messages_[m.id] = {stamp, e.seq, m.copies, m.copies};
  }
  now.lamport = e.lamport;
  now.vector.assign(e.vector.begin(), e.vector.end());
  now.hlc = e.hlc;
  for (std::size_t k = 0; k < e.stamps.size(); ++k) now.extra[k].assign(e.stamps[k].begin(), e.stamps[k].end());
  if (const std::uint64_t k = checkpoint_every_[e.process]; k != 0 && e.seq % k == 0) {
    checkpoint_[e.process] = now;
    checkpoint_taken_[e.process] = e.seq;
  }
  if (e.kind == event_kind::receive || e.kind == event_kind::reject) copy_done(e.message);
}

void narrator::copy_done(message_id id) {
  const auto it = messages_.find(id);
  if (it == messages_.end()) return;
  if (--it->second.copies <= 0) messages_.erase(it);
}

void narrator::on_route(const route_record& r) {
  const auto it = messages_.find(r.message);
  if (it != messages_.end()) {
    it->second.routed = true;
    it->second.arrival[0] = r.arrival[0];
    it->second.arrival[1] = r.arrival[1];
  }
  std::string line = concat("    ", message_name(r.message, r.from, r.to), ": ");
  if (r.dropped && r.reason == drop_reason::partition) {
    line.append(concat("dropped by ", fault_name(r.fault)));
  } else {
    if (r.held) line.append(concat("held by ", fault_name(r.fault), " until ", dur(r.released), ", then "));
    if (r.dropped) {
      line.append("lost by the network");
    } else {
      if (r.copies > 1) line.append("duplicated by the network: ");
      for (int c = 0; c < r.copies && c < 2; ++c) {
        if (r.copies > 1) line.append(concat(c ? "; " : "", "copy ", num(static_cast<std::uint64_t>(c) + 1), " "));
        line.append(concat("delay ", dur(r.delay[c]), ", arrives at ", dur(r.arrival[c])));
        // Later than release + delay: a FIFO link kept it behind an earlier message, or the sum saturated.
        if (r.arrival[c] == time_max)
          line.append(" (the end of time: the delay overflows the clock)");
        else if (r.arrival[c] - r.delay[c] > r.released)
          line.append(" (not before the message ahead of it: FIFO link)");
      }
    }
  }
  out_ << line << "\n";
}

void narrator::on_drop(const drop_record& d) {
  const auto it = messages_.find(d.message);
  const bool told = it != messages_.end() && it->second.routed;
  std::string what = concat(message_name(d.message, d.from, d.to), d.duplicate ? " (its duplicate)" : "", ": ");
  switch (d.reason) {
    case drop_reason::crashed: what.append(concat("arrives at ", name(d.to), ", which is crashed: dropped")); break;
    case drop_reason::in_flight: {
      what.append("still in flight at the end of the run");
      if (told) what.append(concat(" (due at ", dur(it->second.arrival[d.duplicate ? 1 : 0]), ")"));
      break;
    }
    case drop_reason::loss: what.append("lost by the network"); break;
    case drop_reason::partition: what.append("dropped by a partition"); break;
  }
  // Loss and partitions strike at the send, whose message lines (on_route) already told them.
  const bool at_send = d.reason == drop_reason::loss || d.reason == drop_reason::partition;
  if (!(at_send && told)) out_ << "[" << dur(d.time) << "] " << what << "\n";
  copy_done(d.message);
}

void narrator::on_fault(const fault_record& f) {
  std::string line = concat("[", dur(f.time), "] fault #", num(f.index), " takes effect: ");
  const auto until = [&] { return f.end < 0 ? std::string("never heals") : concat("heals at ", dur(f.end)); };
  const auto set = [&](std::span<const process_id> ps) {
    std::string out = "{";
    for (std::size_t i = 0; i < ps.size(); ++i) out.append(i ? ", " : "").append(name(ps[i]));
    return out.append("}");
  };
  const auto mode = [](hold_mode m) {
    return m == hold_mode::drop ? "messages sent across it are dropped" : "messages sent across it wait for the heal";
  };
  if (const auto* p = std::get_if<partition_fault>(&f.what)) {
    line.append("partition ");
    std::string parts;
    for (const auto& g : p->applied_groups()) parts.append(parts.empty() ? "" : " | ").append(set(g));
    line.append(parts).append(concat(", ", until(), "; ", mode(p->mode)));
  } else if (const auto* c = std::get_if<cut_fault>(&f.what)) {
    line.append(concat("cut from ", set(c->from), " to ", set(c->to), ", ", until(), "; ", mode(c->mode)));
  } else if (const auto* s = std::get_if<clock_step_fault>(&f.what)) {
    line.append(concat(name(s->process), "'s physical clock steps by ", dur(s->by)));
  } else if (const auto* w = std::get_if<pause_fault>(&f.what)) {
    line.append(concat(name(w->process), " pauses until ", dur(f.end), ", its clock ", w->clock_running ? "running" : "frozen",
                    "; arrivals and actions wait until it resumes"));
  }
  out_ << line << "\n";
}

void narrator::on_finish(const run_end& end) {
  out_ << "[" << dur(end.time) << "] end of the run";
  if (end.hit_until) out_ << ": reached until";
  if (end.hit_max_events) out_ << ": reached max_events";
  if (end.hit_max_pending) out_ << ": reached max_pending";
  out_ << "\n";
}

}  // namespace hbsim
