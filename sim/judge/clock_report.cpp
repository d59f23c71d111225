#include "hbsim/judge/clock_report.hpp"

#include "hbsim/scenario/scenario.hpp"
#include "judge/equal_value_pairs.hpp"
#include "judge/max_holders.hpp"
#include "judge/pair_sample.hpp"
#include "judge/value_history.hpp"
#include "judge/vector_cost.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

// How the pairs are counted without visiting them. Along each process p the report keeps the
// ground-truth vector of its latest event (entry j = how many of j's events are in its causal past),
// merged on receives as a vector clock would be: the causal past of an event b of p is j's first
// T(b)[j] events for every j (p's first seq − 1 without b itself). So the related pairs are Σ_b
// (|past(b)| − 1), the concurrent ones all pairs minus those, and "a in past(b) with pt(a) > pt(b)"
// is Σ_j (how many of j's first T(b)[j] readings exceed pt(b)), from each process's readings in seq
// order (value_history). Most events need none of this: the largest reading in b's past is carried
// along edges (as HLC carries l), and when it is below pt(b) nothing in the past can be above or
// equal. The same goes for Lamport values, where that fast path always holds for a correct clock
// (a → b implies L(a) < L(b)). Cost per event: O(n) for a receive's merge (as the vector clock
// itself), O(n log k) for the events whose past holds a reading at or above their own. The Lamport
// ties among all pairs are counted as the values come (equal_value_pairs), less the related ones.
//
// When the pair counts are estimated (pair_sample), the readings are not kept; what the carried
// largest readings tell stays exact: a count that no event's past could add to is 0, and without a
// broken clock condition the Lamport ties are all concurrent pairs, so exact too.
//
// A kind module's share is counted on its own stamps: bytes per event and per message, and on each
// edge a → b (the previous event of b's process, a receive's send) the order the kind gives a and b,
// from the latest stamp of each process and the stamp of each send in flight.

namespace hbsim {

const char* to_string(compare_mode m) {
  switch (m) {
    case compare_mode::automatic: return "auto";
    case compare_mode::exact: return "exact";
    case compare_mode::estimate: return "estimate";
  }
  return "auto";
}

std::optional<compare_mode> parse_compare_mode(std::string_view name) {
  for (const compare_mode m : {compare_mode::automatic, compare_mode::exact, compare_mode::estimate})
    if (name == to_string(m)) return m;
  return std::nullopt;
}

namespace {

// The larger reading wins; among equal readings the earlier event, so that the example shown is
// the first event that read it.
bool above(const report_event& a, const report_event& b) { return a.pt > b.pt || (a.pt == b.pt && a.id < b.id); }

void set_event(report_event& out, const event_record& e) {
  out.id = e.id;
  out.process = e.process;
  out.seq = e.seq;
  out.kind = e.kind;
  out.label.assign(e.label);  // into the capacity already there: no allocation per event
  out.pt = e.pt;
}

// The sample's size: the one asked for, else sample_events_most, fewer with many processes.
std::size_t sample_capacity(const compare_options& o, std::size_t processes) {
  if (o.sample_events > 0) return o.sample_events;
  return std::clamp<std::size_t>(sample_entries / std::max<std::size_t>(processes, 1), 64, sample_events_most);
}

}  // namespace

struct clock_report::state {
  struct process {
    value_history<sim_time> pts;  // kept while the counts are exact
    value_history<std::uint64_t> lamports;
    report_event max_pt;            // the largest pt in its latest event's causal past, that event included
    max_holders holders;            // who has an event reading max_pt.pt in that past
    std::uint64_t max_lamport = 0;  // likewise
  };
  // What a send's messages carry along their edge, in its slot of the ground truth.
  struct send {
    report_event max_pt;
    max_holders holders;
    std::uint64_t max_lamport = 0;
    process_id process = 0;
  };
  // The largest readings in the causal past of the event being seen, that event excluded.
  struct past {
    const report_event* max_pt = nullptr;  // null when the past is empty
    std::uint64_t max_lamport = 0;
  };
  max_holders past_holders;  // of the event being seen: who has its past's largest reading
  // A chosen kind module's stamps that later edges need.
  struct kind_stamps {
    std::shared_ptr<const clock_kind> kind;
    std::size_t stamp;  // its index in event_record::stamps
    std::vector<std::vector<std::uint64_t>> latest;  // per process: its latest event's stamp
    std::vector<std::vector<std::uint64_t>> sends;   // per send slot: the send's stamp
  };

  std::size_t n = 0;
  std::vector<std::string> names;
  std::vector<process> procs;
  std::vector<send> sends;
  clock_comparison r;
  double lead_sum = 0;
  bool exact = true;  // the readings are kept, the pair counts exact
  std::uint64_t exact_events = 0;  // automatic: how many
  // Whether some event's past held a pt above its own, equal to it, a Lamport value at or above its own.
  bool pt_above_seen = false, pt_equal_seen = false, lamport_broke = false;
  std::uint64_t related_lamport_equal = 0;
  equal_value_pairs lamport_values;
  std::optional<pair_sample> sample;
  std::vector<kind_stamps> kinds;  // in clock_comparison::kinds order
  stamp_index places;
  std::optional<vector_cost> vector_options;  // with logical.vector options

  past past_of(const event_record& e, const causality& truth);
  /// The pairs a → e by what the readings say: exactly when they are kept; the worst inversion always.
  void count_pairs(const event_record& e, causality::row t, const past& pa);
  /// e's largest readings for the edges leaving it.
  void carry(const event_record& e, const past& pa);
  /// Each kind module's bytes at e and its order on e's edges; before e's send takes its slot.
  void tally_kinds(const event_record& e, const causality& truth);
  void drop_readings();
  void finish_estimates();
};

void clock_report::state::tally_kinds(const event_record& e, const causality& truth) {
  const process_id p = e.process;
  const bool sends_messages = truth.sent_slot() != causality::no_slot;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    kind_stamps& ks = kinds[k];
    clock_comparison::kind_share& out = r.kinds[k];
    const stamp_words stamp = e.stamps[ks.stamp];
    const auto edge = [&](process_id from, const std::vector<std::uint64_t>& a) {
      const stamp_order o = ks.kind->order({from, a}, {p, stamp});
      ++out.edges;
      out.edges_broken += o != stamp_order::before && o != stamp_order::undecided;
      out.edges_undecided += o == stamp_order::undecided;
    };
    if (e.seq > 1) edge(p, ks.latest[p]);
    if (truth.merged()) edge(sends[truth.slot()].process, ks.sends[truth.slot()]);
    out.unstamped += stamp.empty();
    const std::uint64_t bytes = ks.kind->bytes(stamp);
    out.event_bytes += bytes;
    if (sends_messages) {
      out.message_bytes += ks.kind->message_bytes(stamp) * e.messages.size();
      if (ks.sends.size() < truth.slots()) ks.sends.resize(truth.slots());
      ks.sends[truth.sent_slot()].assign(stamp.begin(), stamp.end());
    }
    ks.latest[p].assign(stamp.begin(), stamp.end());
  }
}

clock_report::state::past clock_report::state::past_of(const event_record& e, const causality& truth) {
  process& me = procs[e.process];
  const send* m = truth.merged() ? &sends[truth.slot()] : nullptr;
  past pa{me.max_pt.id != 0 ? &me.max_pt : nullptr, me.max_lamport};
  if (exact) {  // only the exact counts need the holders
    const bool message_above = m && (!pa.max_pt || m->max_pt.pt > pa.max_pt->pt);
    past_holders.assign(message_above ? m->holders : me.holders);
    if (m && !message_above && m->max_pt.pt == pa.max_pt->pt) past_holders.merge(m->holders);
  }
  if (m) {
    if (!pa.max_pt || above(m->max_pt, *pa.max_pt)) pa.max_pt = &m->max_pt;
    pa.max_lamport = std::max(pa.max_lamport, m->max_lamport);
  }
  return pa;
}

void clock_report::state::count_pairs(const event_record& e, causality::row t, const past& pa) {
  const process_id p = e.process;
  const auto own = static_cast<std::uint32_t>(e.seq);
  // Pairs a → e: only when some reading in e's past reaches e's own can one be above or equal.
  if (pa.max_pt && pa.max_pt->pt >= e.pt) {
    pt_equal_seen = true;
    pt_above_seen |= pa.max_pt->pt > e.pt;
    const auto tally = [&](std::size_t j) {
      const value_counts c = procs[j].pts.count(j == p ? own - 1 : t[j], e.pt);
      r.pt_inverted += c.greater;
      r.pt_tied += c.equal;
    };
    // A tie with the largest reading can only come from its holders; an inversion from anywhere.
    if (exact && pa.max_pt->pt == e.pt && !past_holders.all)
      for (const process_id j : past_holders.list) tally(j);
    else if (exact)
      for (std::size_t j = 0; j < n; ++j) tally(j);
    const sim_time by = sub_sat(pa.max_pt->pt, e.pt);
    if (by > 0 && (!r.worst_inversion || by > r.worst_inversion->by)) {
      clock_comparison::inversion worst{*pa.max_pt, {}, by};
      set_event(worst.b, e);
      r.worst_inversion = std::move(worst);
    }
  }
  if (pa.max_pt && pa.max_lamport >= places.lamport_of(e)) {
    lamport_broke = true;
    for (std::size_t j = 0; exact && j < n; ++j) {
      const value_counts c = procs[j].lamports.count(j == p ? own - 1 : t[j], places.lamport_of(e));
      r.lamport_related_not_below += c.greater + c.equal;
      related_lamport_equal += c.equal;
    }
  }
}

void clock_report::state::carry(const event_record& e, const past& pa) {
  const process_id p = e.process;
  process& me = procs[p];
  if (exact) {
    me.pts.push(e.pt);
    me.lamports.push(places.lamport_of(e));
  }
  if (!pa.max_pt || e.pt > pa.max_pt->pt) {
    set_event(me.max_pt, e);
    if (exact) me.holders.only(p);
  } else {
    if (pa.max_pt != &me.max_pt) me.max_pt = *pa.max_pt;
    if (exact) std::swap(me.holders, past_holders);  // past_holders is filled again for the next event
    if (exact && e.pt == pa.max_pt->pt) me.holders.add(p);
  }
  me.max_lamport = pa.max_pt ? std::max(pa.max_lamport, places.lamport_of(e)) : places.lamport_of(e);
}

void clock_report::state::drop_readings() {
  exact = false;
  for (process& p : procs) {  // the histories are what grows with the run
    p.pts = {};
    p.lamports = {};
  }
}

clock_report::clock_report(const causality& truth, compare_options options)
    : truth_(&truth), options_(options), s_(std::make_unique<state>()) {}
clock_report::~clock_report() = default;

void clock_report::on_start(const run_header& h) {
  if (!truth_->keeps_rows())
    throw std::logic_error("clock_report: the ground truth keeps no rows to compare with");
  s_ = std::make_unique<state>();
  state& s = *s_;
  s.n = h.process_names.size();
  s.names.assign(h.process_names.begin(), h.process_names.end());
  s.procs.resize(s.n);
  s.r.processes = s.n;
  s.exact = options_.mode != compare_mode::estimate;
  s.exact_events = exact_events(options_, s.n);
  if (options_.mode != compare_mode::exact) s.sample.emplace(s.n, sample_capacity(options_, s.n), h.seed);
  if (!h.source) return;
  s.r.shown = h.source->logical.shown();
  if (s.r.shown.vector && !h.source->logical.vector_opts.standard())
    s.vector_options.emplace(s.n, h.source->logical.vector_opts);
  s.places = stamp_index(h.source->logical);
  for (std::size_t k = 0; k < h.source->logical.extra.size(); ++k) {
    const chosen_clock& c = h.source->logical.extra[k];
    s.kinds.push_back({c.kind, s.places.extra[k], std::vector<std::vector<std::uint64_t>>(s.n), {}});
    s.r.kinds.push_back({std::string(c.kind->name()), c.kind->encoding(s.n)});
  }
}

namespace {

// How far e's HLC l is ahead of its physical reading: the histogram, the sum for the mean, the largest.
void tally_hlc_lead(clock_comparison& r, double& lead_sum, const event_record& e, hlc_stamp hlc) {
  const sim_time lead = sub_sat(hlc.l, e.pt);
  if (lead < 0)
    ++r.hlc_behind;
  else
    ++r.hlc_lead_histogram[static_cast<std::size_t>(
        std::upper_bound(hlc_lead_bounds.begin(), hlc_lead_bounds.end(), lead) - hlc_lead_bounds.begin() - 1)];
  lead_sum += static_cast<double>(lead);
  if (!r.hlc_lead_max_at || lead > r.hlc_lead_max) {
    r.hlc_lead_max = lead;
    r.hlc_lead_max_at.emplace();
    set_event(*r.hlc_lead_max_at, e);
  }
}

}  // namespace

void clock_report::on_event(const event_record& e) {
  if (truth_->latest() != e.id)
    throw std::logic_error("clock_report: observe the run with its causality first, then the report");
  state& s = *s_;
  clock_comparison& r = s.r;
  const process_id p = e.process;
  if (s.exact && options_.mode == compare_mode::automatic && r.events == s.exact_events) s.drop_readings();
  const causality::row t = truth_->truth(p);  // e's ground truth
  const state::past pa = s.past_of(e, *truth_);
  ++r.events;
  r.related += truth_->past_size(p) - 1;
  s.count_pairs(e, t, pa);
  s.carry(e, pa);
  s.lamport_values.add(s.places.lamport_of(e));
  if (s.sample) s.sample->on_event(e, t, s.places.lamport_of(e));

  tally_hlc_lead(r, s.lead_sum, e, s.places.hlc_of(e));
  if (!s.kinds.empty()) s.tally_kinds(e, *truth_);
  if (s.vector_options) s.vector_options->on_event(e, s.places.vector_of(e), t);
  const std::uint32_t nonzero = truth_->past_processes(p);
  r.event_entries += nonzero;
  if (truth_->sent_slot() != causality::no_slot) {
    r.messages += e.messages.size();
    r.message_entries += std::uint64_t{nonzero} * e.messages.size();
    if (s.sends.size() < truth_->slots()) s.sends.resize(truth_->slots());  // may move sends: pa is not used below
    state::send& out = s.sends[truth_->sent_slot()];
    const state::process& me = s.procs[p];
    out.max_pt = me.max_pt;
    if (s.exact) out.holders.assign(me.holders);
    out.max_lamport = me.max_lamport;
    out.process = p;
  }
}

namespace {

// An estimated count: share × whole, unless no event could add to it or its whole is empty (then
// exactly 0, no estimate).
void set_estimate(std::uint64_t& count, std::optional<clock_comparison::estimate>& out,
                  const clock_comparison::estimate& e, std::uint64_t whole, bool possible) {
  if (!possible || whole == 0) {
    count = 0;
    out.reset();
    return;
  }
  count = static_cast<std::uint64_t>(std::llround(e.share * static_cast<double>(whole)));
  out = e;
}

}  // namespace

void clock_report::state::finish_estimates() {
  const pair_sample::estimates e = sample->estimate();
  r.estimated = true;
  r.sampled_events = sample->size();
  set_estimate(r.pt_inverted, r.pt_inverted_estimate, e.pt_inverted, r.related, pt_above_seen);
  set_estimate(r.pt_tied, r.pt_tied_estimate, e.pt_tied, r.related, pt_equal_seen);
  if (lamport_broke) {  // otherwise the Lamport figures are exact (see the top of this file)
    set_estimate(r.lamport_related_not_below, r.lamport_related_not_below_estimate, e.lamport_not_below, r.related,
                 true);
    set_estimate(r.lamport_concurrent_tied, r.lamport_concurrent_tied_estimate, e.lamport_tied, r.concurrent, true);
    set_estimate(r.lamport_concurrent_ordered, r.lamport_concurrent_ordered_estimate, e.lamport_ordered, r.concurrent,
                 true);
  }
  // A sample of every event holds every pair: its shares are the counts themselves, exact.
  if (r.sampled_events < r.events) return;
  r.estimated = false;
  for (auto* estimate : {&r.pt_inverted_estimate, &r.pt_tied_estimate, &r.lamport_related_not_below_estimate,
                         &r.lamport_concurrent_tied_estimate, &r.lamport_concurrent_ordered_estimate})
    estimate->reset();
}

void clock_report::on_finish(const run_end&) {
  state& s = *s_;
  clock_comparison& r = s.r;
  r.pairs = r.events * (r.events - (r.events > 0)) / 2;
  r.concurrent = r.pairs - r.related;
  r.lamport_concurrent_tied = s.lamport_values.pairs() - s.related_lamport_equal;
  r.lamport_concurrent_ordered = r.concurrent - r.lamport_concurrent_tied;
  if (!s.exact) s.finish_estimates();
  s.drop_readings();
  s.sample.reset();
  r.hlc_lead_mean = r.events > 0 ? s.lead_sum / static_cast<double>(r.events) : 0.0;
  if (s.vector_options) r.vector_options_share = s.vector_options->result();
}

const clock_comparison& clock_report::result() const { return s_->r; }
std::span<const std::string> clock_report::process_names() const { return s_->names; }

}  // namespace hbsim
