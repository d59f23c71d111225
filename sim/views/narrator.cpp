#include "hbsim/core/json_text.hpp"
#include "hbsim/views/narrator.hpp"

#include <algorithm>
#include <span>
#include <string_view>

#include "clocks/hlc/hlc_kind.hpp"
#include "clocks/lamport/lamport_kind.hpp"
#include "clocks/vector/vector_kind.hpp"
#include "core/concat.hpp"
#include "hbsim/clocks/clock_kind.hpp"
#include "hbsim/clocks/vector/vector_changes.hpp"
#include "hbsim/core/time.hpp"
#include "hbsim/kernel/ntp_note.hpp"
#include "hbsim/data/data_judge.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

namespace {

std::string num(std::uint64_t v) { return std::to_string(v); }
std::string dur(sim_time t) { return format_duration(t); }

constexpr std::size_t none = stamp_index::none;

std::string_view persist_text(persist_mode m) {
  switch (m) {
    case persist_mode::all: return "persist all";
    case persist_mode::none: return "persist none";
    case persist_mode::checkpoint: return "persist checkpoint";
  }
  return "";
}

// The event that ends an NTP exchange: the kept sample's readings, θ and δ worked out, what was applied.
std::string ntp_text(const ntp_note& n, sim_time time, sim_time pt) {
  if (n.answered == 0)
    return concat("; ends an NTP exchange: none of its ", num(n.samples), " samples was answered, nothing applied");
  const ntp_outcome o{0, time, pt - time, n};
  std::string out = concat("; ends an NTP exchange (", num(n.answered), " of ", num(n.samples),
                           " samples answered; kept the one of least delta): T1 ", dur(n.t1), ", T2 ", dur(n.t2), ", T3 ",
                           dur(n.t3), ", T4 ", dur(n.t4));
  out.append(concat("; theta = ((T2 - T1) + (T3 - T4)) / 2 = (", dur(n.t2 - n.t1), " + ", dur(n.t3 - n.t4), ") / 2 = ",
                    dur(n.offset), "; delta = (T4 - T1) - (T3 - T2) = ", dur(n.t4 - n.t1), " - ", dur(n.t3 - n.t2),
                    " = ", dur(n.delay), "; the true offset was ", dur(n.true_offset), " (theta is off by ",
                    dur(n.offset - n.true_offset), ")"));
  switch (n.apply) {
    case ntp_apply::step: return out.append(concat("; step: the clock jumps by ", dur(n.offset), ", its offset to true time ",
                                                   dur(o.before), " -> ", dur(o.after())));
    case ntp_apply::slew:
      return out.append(concat("; slew: the clock runs 500 ppm ", n.offset < 0 ? "slower" : "faster", " until ",
                               dur(o.settled()), ", its offset to true time ", dur(o.before), " -> ", dur(o.after())));
    case ntp_apply::none: return out.append("; none: measured only, the clock is left as it is");
  }
  return out;
}
// The data invariants a narrated event breaks, one indented line each.
class data_lines final : public clock_findings {
 public:
  void violated(std::size_t which, const std::function<std::string()>& rule) override {
    text.append(concat("    violates ", data_invariant_names()[which], ": ", rule(), "\n"));
  }
  std::string text;
};

}  // namespace

narrator::narrator(std::ostream& out) : out_(out) {}
narrator::~narrator() = default;

std::string narrator::name(process_id p) const { return p < names_.size() ? names_[p] : concat("#", num(p)); }

std::string narrator::message_name(message_id id, process_id from, process_id to) const {
  return concat("m", num(id), " ", name(from), "→", name(to));
}

std::string narrator::fault_name(std::size_t index) const {
  std::string out = concat("fault #", num(index));
  const auto it = faults_.find(index);
  if (it == faults_.end()) return out;
  const fault_record& f = it->second;
  if (f.type() == fault_record::kind::partition) out.insert(0, "partition ");
  if (f.type() == fault_record::kind::cut) out.insert(0, "cut ");
  out.append(concat(" (from ", dur(f.time)));
  out.append(f.end >= 0 ? concat(", heals at ", dur(f.end), ")") : std::string(", never heals)"));
  return out;
}

std::string narrator::title(const event_record& e) const {
  std::string t = concat("[", dur(e.time), "] ", name(e.process), "#", num(e.seq), " ", to_string(e.kind));
  if (e.kind != event_kind::crash && e.kind != event_kind::restart) t.append(concat(" \"", visible_text(e.label), "\""));
  if (e.kind == event_kind::send) {
    t.append(" to ");
    for (std::size_t i = 0; i < e.messages.size(); ++i) t.append(i ? ", " : "").append(name(e.messages[i].to));
  }
  if (message_arrived(e.kind)) {
    t.append(concat(" (m", num(e.message), " from ", name(e.from)));
    if (const auto it = messages_.find(e.message); it != messages_.end()) {
      t.append(concat("#", num(it->second.send_seq)));
      if (it->second.copies < it->second.sent_copies) t.append(", its other copy");
    }
    t.append(")");
  }
  return t.append(concat(", pt ", dur(e.pt)));
}

narrator::clocks narrator::stamps_of(const event_record& e) const {
  clocks out;
  out.reserve(kinds_.size());
  for (const chosen& c : kinds_) out.emplace_back(e.stamps[c.stamp].begin(), e.stamps[c.stamp].end());
  return out;
}

std::string narrator::rules(const event_record& e, const clocks& before, const clocks* carried, const clocks& after) const {
  std::string out;
  const auto part = [&](const std::string& text) { out.append(out.empty() ? "" : "; ").append(text); };
  if (e.kind == event_kind::receive && (!carried || carried->size() != before.size())) {
    for (std::size_t k = 0; k < kinds_.size(); ++k) part(kinds_[k].kind->stated(after[k], names_));
    return out.append(" (what the message carried is unknown: its send is not in this run)");
  }
  // Each kind narrates its own rule; a wrong variant is named in the clause it changes.
  for (std::size_t k = 0; k < kinds_.size(); ++k)
    part(kinds_[k].kind->rule({e.kind, e.process, e.from, before[k], carried ? stamp_words((*carried)[k]) : stamp_words{},
                               after[k], e.pt, kinds_[k].variant, e.pruned},
                              names_));
  return out;
}

std::pair<const narrator::clocks*, std::string> narrator::restart_from(const event_record& e) const {
  const process_id p = e.process;
  if (!e.crash) return {&last_[p], "from the clocks it had before the crash"};
  switch (e.crash->persist) {
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
  const logical_config config = source_ ? source_->logical : logical_config{};
  kinds_.clear();
  initial_.assign(n, {});
  const stamp_index places(config);
  const auto standard = [&](std::shared_ptr<const clock_kind> kind, std::size_t variant, std::size_t stamp,
                            std::size_t words) {
    if (stamp == none) return;
    kinds_.push_back({std::move(kind), variant, stamp});
    for (clocks& c : initial_) c.emplace_back(words, 0);
  };
  standard(lamport_kind(), static_cast<std::size_t>(config.lamport), places.lamport, 1);
  vector_ = kinds_.size();
  standard(vector_kind(), static_cast<std::size_t>(config.vector), places.vector, n);
  if (vector_ == kinds_.size()) vector_ = none;
  links_.reset();
  if (vector_ != none && config.vector_opts.encoding == vector_encoding::differential)
    links_ = std::make_unique<vector_changes>(n);
  hlc_ = kinds_.size();
  standard(hlc_kind(), static_cast<std::size_t>(config.hlc), places.hlc, 2);
  if (hlc_ == kinds_.size()) hlc_ = none;
  for (std::size_t k = 0; k < config.extra.size(); ++k) {
    kinds_.push_back({config.extra[k].kind, config.extra[k].variant, places.extra[k]});
    const auto fresh = config.extra[k].make(n);
    for (process_id p = 0; p < n; ++p) initial_[p].emplace_back(fresh->stamp(p).begin(), fresh->stamp(p).end());
  }
  last_ = initial_;
  checkpoint_ = initial_;
  checkpoint_taken_.assign(n, 0);
  messages_.clear();
  faults_.clear();
  data_.reset();
  std::string names;
  for (std::size_t i = 0; i < n; ++i) names.append(i ? ", " : "").append(names_[i]);
  out_ << "narration of \"" << visible_text(source_ ? source_->name : std::string()) << "\", seed " << h.seed
       << ", processes " << names << "\n";
  if (!source_) return;
  const logical_config& l = source_->logical;
  std::string wrong;  // every chosen kind whose variant is not its canonical rule (its first)
  for (const chosen& c : kinds_)
    if (c.variant != 0) wrong.append(concat(wrong.empty() ? "" : ", ", c.kind->name(), " ", c.kind->variants()[c.variant]));
  if (!wrong.empty()) out_ << "wrong clocks selected: " << wrong << "\n";
  if (vector_ != none && !l.vector_opts.standard())
    out_ << "vector clocks " << l.vector_opts.to_json().dump() << ": a message carries its vector in the "
         << to_string(l.vector_opts.encoding) << " encoding"
         << (l.vector_opts.prunes() ? "; each event ends by pruning the process's own vector" : "") << "\n";
  if (l.hlc_max_offset) out_ << "HLC max_offset " << dur(*l.hlc_max_offset) << ": messages whose l is further ahead of the receiver's pt are rejected\n";
}

void narrator::on_event(const event_record& e) {
  if (e.process >= last_.size()) return;
  const clocks* carried = nullptr;
  if (message_arrived(e.kind))
    if (const auto it = messages_.find(e.message); it != messages_.end()) carried = it->second.carried.get();
  std::string line = title(e);
  const clocks* before = &last_[e.process];
  switch (e.kind) {
    case event_kind::reject: {
      line.append(": refused by the HLC max-offset guard");
      if (carried && hlc_ != none && source_ && source_->logical.hlc_max_offset) {
        const sim_time l = hlc_of((*carried)[hlc_]).l;
        line.append(concat(", l_m - pt = ", dur(l), " - ", dur(e.pt), " = ", dur(sub_sat(l, e.pt)), " > max_offset ",
                           dur(*source_->logical.hlc_max_offset)));
      }
      line.append("; nothing is merged and the clocks tick as for a local event");
      break;
    }
    case event_kind::restart: {
      const auto [from, why] = restart_from(e);
      before = from;
      line.append(concat(", ", why));
      break;
    }
    default: break;
  }
  if (e.kind == event_kind::receive && e.arrived != no_arrival && e.arrived < e.time)
    line.append(concat(" (arrived at ", dur(e.arrived), ", held back ", dur(e.time - e.arrived),
                       " by its delivery group)"));
  clocks after = stamps_of(e);
  line.append(": ").append(rules(e, *before, e.kind == event_kind::receive ? carried : nullptr, after));
  if (e.ntp) line.append(ntp_text(*e.ntp, e.time, e.pt));
  if (e.commit) line.append(commit_text(e, after));
  if (e.kind == event_kind::crash && e.crash)
    line.append(concat("; ", name(e.process), " is down ",
                       e.crash->restart ? concat("until ", dur(*e.crash->restart)) : std::string("for good"), " (",
                       persist_text(e.crash->persist), "): messages reaching it meanwhile are dropped"));
  if (e.numbered)  // a sequencer's relay, labelled "seq:LABEL" by the layer
    line.append(concat("; ", name(e.process), " numbers ", visible_text(e.label.substr(4)), " as #", num(e.numbered)));
  out_ << line << "\n";
  if (e.data) {
    if (!data_) data_ = std::make_unique<data_judge>(names_);
    data_lines broken;
    out_ << "    data: " << data_->tell(e, broken) << "\n" << broken.text;
  }

  clocks& now = last_[e.process];
  if (e.kind == event_kind::send && !e.messages.empty()) {
    // What the messages carry, as each kind's variant says (send-previous: the row from before the tick).
    clocks sent;
    for (std::size_t k = 0; k < kinds_.size(); ++k)
      sent.push_back(kinds_[k].kind->sent({e.kind, e.process, e.from, now[k], {}, after[k], e.pt, kinds_[k].variant, {}}));
    const auto stamp = std::make_shared<const clocks>(std::move(sent));
    for (const sent_message& m : e.messages) messages_[m.id] = {stamp, e.seq, m.copies, m.copies};
    if (links_) {
      links_->event(e.process, std::span<const std::uint64_t>(after[vector_]), e.time);
      differential(e, *stamp);
    }
  } else if (links_) {
    links_->event(e.process, std::span<const std::uint64_t>(after[vector_]), e.time);
  }
  now = std::move(after);
  if (e.checkpointed) {
    checkpoint_[e.process] = now;
    checkpoint_taken_[e.process] = e.seq;
  }
  if (message_arrived(e.kind)) copy_done(e.message);
}

// Each message's own clocks: the vector entries its link carries.
void narrator::differential(const event_record& e, const clocks& sent) {
  // The vector the messages carry, as the variant says (send-previous: from before the tick); dense,
  // as differential encoding keeps its rows.
  const std::span<const std::uint64_t> full = sent[vector_];
  std::vector<std::uint64_t> row(full.size());
  for (const sent_message& m : e.messages) {
    carried_entries(full, links_->changed_at(e.process), links_->link(e.process, m.to), row);
    clocks own = sent;
    own[vector_] = row;
    messages_[m.id].carried = std::make_shared<const clocks>(std::move(own));
  }
  for (const sent_message& m : e.messages) links_->sent(e.process, m.to);
}

void narrator::on_hold(const hold_record& h) {
  out_ << "[" << dur(h.time) << "] " << message_name(h.message, h.from, h.to) << " held: " << (*h.why)(names_)
       << "\n";
}

// A TrueTime commit: s = pt + ε, so 2ε = 2(s - pt); its `-done` event: earliest, from its interval, past s.
std::string narrator::commit_text(const event_record& e, const clocks& after) const {
  const sim_time s = e.commit->s;
  if (!e.commit->done())
    return concat("; commit ", visible_text(e.label), ": s = latest = ", dur(s), "; waits until earliest > s: 2e = ",
                  dur(sub_sat(s, e.pt) * 2));
  std::string out = concat("; commit done: waited ", dur(e.commit->waited), " since s = ", dur(s), " was taken");
  for (std::size_t k = 0; k < kinds_.size(); ++k)
    if (kinds_[k].kind->name() == "truetime" && after[k].size() == 2)
      out.append(concat(", earliest = ", dur(static_cast<sim_time>(after[k][0])), " > s"));
  return out;
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
        // Later than release + delay: a FIFO link keeps it behind an earlier message, or the receiver's
        // delivery group will hold it back once arrived; or the sum saturated.
        const sim_time reached = add_sat(r.released, r.delay[c]);
        const bool behind = r.arrival[c] != time_max && r.arrival[c] > reached;
        line.append(concat("delay ", dur(r.delay[c]), ", arrives at ",
                           dur(behind && !r.fifo_link ? reached : r.arrival[c])));
        if (r.arrival[c] == time_max)
          line.append(" (the end of time: the delay overflows the clock)");
        else if (behind && r.fifo_link)
          line.append(" (not before the message ahead of it: FIFO link)");
        else if (behind)
          line.append(concat(", to be held back by its delivery group until ", dur(r.arrival[c]), " (as known at the send)"));
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
    case drop_reason::held: what.append("still held back by its delivery group at the end of the run"); break;
    case drop_reason::loss: what.append("lost by the network"); break;
    case drop_reason::partition: what.append("dropped by a partition"); break;
  }
  // Loss and partitions strike at the send, whose message lines (on_route) already told them.
  const bool at_send = d.reason == drop_reason::loss || d.reason == drop_reason::partition;
  if (!(at_send && told)) out_ << "[" << dur(d.time) << "] " << what << "\n";
  copy_done(d.message);
}

void narrator::on_fault(const fault_record& f) {
  faults_.insert_or_assign(f.index, f);
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
  if (!data_) return;
  data_lines broken;
  data_->finish(broken);
  out_ << broken.text;
}

}  // namespace hbsim
