#include "hbsim/judge/clock_report.hpp"

#include "hbsim/scenario/scenario.hpp"
#include "judge/vector_cost.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <queue>
#include <stdexcept>
#include <utility>
#include <vector>

// How the pairs are counted without visiting them. Along each process p the report keeps the
// ground-truth vector of its latest event (entry j = how many of j's events are in its causal past),
// merged on receives as a vector clock would be: the causal past of an event b of p is j's first
// T(b)[j] events for every j (p's first seq − 1 without b itself). So the related pairs are Σ_b
// (|past(b)| − 1), the concurrent ones all pairs minus those, and "a in past(b) with pt(a) > pt(b)"
// is Σ_j (how many of j's first T(b)[j] readings exceed pt(b)), from each process's readings in seq
// order (value_history: binary search while they never decreased, blocks past that). Most events
// need none of this: the largest reading in b's past is carried along edges (as HLC carries l), and
// when it is below pt(b) nothing in the past can be above or equal. The same goes for Lamport values,
// where that fast path always holds for a correct clock (a → b implies L(a) < L(b)). Cost per event:
// O(n) for a receive's merge (as the vector clock itself), O(n log k) for the events whose past holds
// a reading at or above their own. The Lamport ties among all pairs are counted at the end, merging
// the processes' values.
//
// A kind module's share is counted on its own stamps: bytes per event and per message, and on each
// edge a → b (the previous event of b's process, a receive's send) the order the kind gives a and b,
// from the latest stamp of each process and the stamp of each send in flight.

namespace hbsim {

namespace {

struct counts {
  std::uint64_t greater = 0;
  std::uint64_t equal = 0;
};

// The values one process's events took (pt or Lamport), in seq order, answering "how many of the
// first k are above x, how many equal to x". The values before the first decrease (all of them,
// usually) are sorted: two binary searches. Past it, the tail is cut in blocks of block_size values
// with their min and max, and the running max of the tail up to each block's end, so that the
// blocks wholly below x (all but a few recent ones, unless the clock went back far) are skipped by
// one binary search, and those wholly above x counted without a look inside. The running max starts
// at the tail so that one large step back (a clock stepped by hours) costs nothing once passed; a
// second one makes queries below its peak walk the blocks since then, O(1) each.
template <class T>
class value_history {
 public:
  static constexpr std::size_t block_size = 32;

  void push(T v) {
    const std::size_t i = values_.size();
    if (sorted_until_ == i && (i == 0 || !(v < values_.back()))) {
      ++sorted_until_;
    } else {
      tail_max_ = sorted_until_ == i ? v : std::max(tail_max_, v);
    }
    if (i % block_size == 0) {
      blocks_.push_back({v, v, tail_max_});
    } else {
      block& b = blocks_.back();
      b.min = std::min(b.min, v);
      b.max = std::max(b.max, v);
      b.tail_max = tail_max_;
    }
    values_.push_back(v);
  }

  counts count(std::size_t k, T x) const {
    const std::size_t s = std::min(k, sorted_until_);
    counts c;
    const T* v = values_.data();
    if (s > 0 && !(v[s - 1] < x)) {
      const T* lo = std::lower_bound(v, v + s, x);
      const T* hi = std::upper_bound(lo, v + s, x);
      c = {static_cast<std::uint64_t>(v + s - hi), static_cast<std::uint64_t>(hi - lo)};
    }
    if (k <= sorted_until_ || blocks_[(k - 1) / block_size].tail_max < x) return c;
    // The tail's part [s, k): the rest of the block holding s, whole blocks, the start of the block holding k.
    const std::size_t first_whole = (s + block_size - 1) / block_size;
    const std::size_t end_whole = k / block_size;
    if (first_whole > end_whole) {
      add_range(s, k, x, c);
      return c;
    }
    if (s < first_whole * block_size) add_range(s, first_whole * block_size, x, c);
    const auto reaching = std::partition_point(
        blocks_.begin() + static_cast<std::ptrdiff_t>(first_whole), blocks_.begin() + static_cast<std::ptrdiff_t>(end_whole),
        [x](const block& b) { return b.tail_max < x; });
    for (auto b = static_cast<std::size_t>(reaching - blocks_.begin()); b < end_whole; ++b)
      add_range(b * block_size, (b + 1) * block_size, x, c);
    if (end_whole * block_size < k) add_range(end_whole * block_size, k, x, c);
    return c;
  }

  /// The values in non-decreasing order (a sorted copy when they are not already).
  std::vector<T> sorted_values() && {
    if (sorted_until_ != values_.size()) std::sort(values_.begin(), values_.end());
    blocks_ = {};
    return std::move(values_);
  }

 private:
  struct block {
    T min, max;
    T tail_max;  // the largest value past the sorted prefix, up to this block's end
  };
  // Values [from, to), all in one block, whose min and max (of the whole block) settle most ranges unseen.
  void add_range(std::size_t from, std::size_t to, T x, counts& c) const {
    const block& b = blocks_[from / block_size];
    if (b.max < x) return;
    if (b.min > x) {
      c.greater += to - from;
      return;
    }
    for (std::size_t i = from; i < to; ++i) {  // branch-free
      c.greater += values_[i] > x;
      c.equal += values_[i] == x;
    }
  }

  std::vector<T> values_;
  std::vector<block> blocks_;
  std::size_t sorted_until_ = 0;  // length of the sorted prefix
  T tail_max_{};                  // the largest value past it
};

// Unordered pairs with equal values, over several sorted sequences: a k-way merge.
std::uint64_t equal_pairs(const std::vector<std::vector<std::uint64_t>>& runs) {
  using head = std::pair<std::uint64_t, std::size_t>;  // value, run
  std::priority_queue<head, std::vector<head>, std::greater<>> heap;
  std::vector<std::size_t> next(runs.size(), 1);
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (!runs[i].empty()) heap.push({runs[i][0], i});
  std::uint64_t pairs = 0, same = 0, current = 0;
  while (!heap.empty()) {
    const auto [v, i] = heap.top();
    heap.pop();
    if (same > 0 && v == current) {
      ++same;
    } else {
      pairs += same * (same - 1) / 2;
      current = v;
      same = 1;
    }
    if (next[i] < runs[i].size()) heap.push({runs[i][next[i]++], i});
  }
  return pairs + (same > 0 ? same * (same - 1) / 2 : 0);
}

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

// The processes with an event of the largest reading in a causal past: the only ones whose events can
// tie with an event reading that much, so the count of ties looks at them, not at every process.
// Carried along edges as the largest reading is; past `most` of them, all processes.
struct max_holders {
  static constexpr std::size_t most = 64;
  std::vector<process_id> list;  // sorted
  bool all = false;

  void assign(const max_holders& o) {
    list.assign(o.list.begin(), o.list.end());
    all = o.all;
  }
  void only(process_id p) {
    list.assign(1, p);
    all = false;
  }
  void add(process_id p) {
    if (all) return;
    const auto at = std::lower_bound(list.begin(), list.end(), p);
    if (at != list.end() && *at == p) return;
    if (list.size() == most) {
      all = true;
      list.clear();
      return;
    }
    list.insert(at, p);
  }
  void merge(const max_holders& o) {
    if (o.all) {
      all = true;
      list.clear();
    }
    for (const process_id p : o.list) add(p);
  }
};

}  // namespace

struct clock_report::state {
  struct process {
    value_history<sim_time> pts;
    value_history<std::uint64_t> lamports;
    report_event max_pt;           // the largest pt in its latest event's causal past, that event included
    max_holders holders;           // who has an event reading max_pt.pt in that past
    std::uint64_t max_lamport = 0;  // likewise
  };
  // What a send's messages carry along their edge, in its slot of the ground truth.
  struct send {
    report_event max_pt;
    max_holders holders;
    std::uint64_t max_lamport = 0;
    process_id process = 0;
  };
  max_holders past_holders;  // of the event being seen: who has its past's largest reading
  // A chosen kind module's stamps that later edges need.
  struct kind_stamps {
    std::shared_ptr<const clock_kind> kind;
    std::vector<std::vector<std::uint64_t>> latest;  // per process: its latest event's stamp
    std::vector<std::vector<std::uint64_t>> sends;   // per send slot: the send's stamp
  };

  std::size_t n = 0;
  std::vector<std::string> names;
  std::vector<process> procs;
  std::vector<send> sends;
  clock_comparison r;
  double lead_sum = 0;
  std::uint64_t related_lamport_equal = 0;
  std::vector<kind_stamps> kinds;  // in clock_comparison::kinds order
  std::optional<vector_cost> vector_options;  // with logical.vector options

  /// Each kind module's bytes at e and its order on e's edges; before e's send takes its slot.
  void tally_kinds(const event_record& e, const causality& truth);
};

void clock_report::state::tally_kinds(const event_record& e, const causality& truth) {
  const process_id p = e.process;
  const bool sends_messages = truth.sent_slot() != causality::no_slot;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    kind_stamps& ks = kinds[k];
    clock_comparison::kind_share& out = r.kinds[k];
    const stamp_words stamp = e.stamps[k];
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

clock_report::clock_report(const causality& truth) : truth_(&truth), s_(std::make_unique<state>()) {}
clock_report::~clock_report() = default;

void clock_report::on_start(const run_header& h) {
  if (!truth_->keeps_rows())
    throw std::logic_error("clock_report: beyond vector_max_processes the ground truth keeps no rows to compare with");
  s_ = std::make_unique<state>();
  state& s = *s_;
  s.n = h.process_names.size();
  s.names.assign(h.process_names.begin(), h.process_names.end());
  s.procs.resize(s.n);
  s.r.processes = s.n;
  if (!h.source) return;
  s.r.shown = h.source->logical.shown();
  if (s.r.shown.vector && !h.source->logical.vector_opts.standard())
    s.vector_options.emplace(s.n, h.source->logical.vector_opts);
  for (const chosen_clock& c : h.source->logical.extra) {
    s.kinds.push_back({c.kind, std::vector<std::vector<std::uint64_t>>(s.n), {}});
    s.r.kinds.push_back({std::string(c.kind->name()), c.kind->encoding(s.n)});
  }
}

namespace {

// How far e's HLC l is ahead of its physical reading: the histogram, the sum for the mean, the largest.
void tally_hlc_lead(clock_comparison& r, double& lead_sum, const event_record& e) {
  const sim_time lead = sub_sat(e.hlc.l, e.pt);
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
  const std::size_t n = s.n;
  const process_id p = e.process;
  state::process& me = s.procs[p];
  const causality::row t = truth_->truth(p);  // e's ground truth
  const auto own = static_cast<std::uint32_t>(e.seq);
  const state::send* m = truth_->merged() ? &s.sends[truth_->slot()] : nullptr;

  // The largest pt and Lamport value in e's causal past, e excluded.
  const report_event* past_pt = me.max_pt.id != 0 ? &me.max_pt : nullptr;
  std::uint64_t past_lamport = me.max_lamport;
  max_holders& holders = s.past_holders;
  holders.assign(me.holders);
  if (m) {
    if (!past_pt || m->max_pt.pt > past_pt->pt)
      holders.assign(m->holders);
    else if (m->max_pt.pt == past_pt->pt)
      holders.merge(m->holders);
    if (!past_pt || above(m->max_pt, *past_pt)) past_pt = &m->max_pt;
    past_lamport = std::max(past_lamport, m->max_lamport);
  }
  ++r.events;
  r.related += truth_->past_size(p) - 1;

  // Pairs a → e: only when some reading in e's past reaches e's own can one be above or equal.
  if (past_pt && past_pt->pt >= e.pt) {
    const auto tally = [&](std::size_t j) {
      const counts c = s.procs[j].pts.count(j == p ? own - 1 : t[j], e.pt);
      r.pt_inverted += c.greater;
      r.pt_tied += c.equal;
    };
    // A tie with the largest reading can only come from its holders; an inversion from anywhere.
    if (past_pt->pt == e.pt && !holders.all)
      for (const process_id j : holders.list) tally(j);
    else
      for (std::size_t j = 0; j < n; ++j) tally(j);
    const sim_time by = sub_sat(past_pt->pt, e.pt);
    if (by > 0 && (!r.worst_inversion || by > r.worst_inversion->by)) {
      clock_comparison::inversion worst{*past_pt, {}, by};
      set_event(worst.b, e);
      r.worst_inversion = std::move(worst);
    }
  }
  if (past_pt && past_lamport >= e.lamport) {
    for (std::size_t j = 0; j < n; ++j) {
      const counts c = s.procs[j].lamports.count(j == p ? own - 1 : t[j], e.lamport);
      r.lamport_related_not_below += c.greater + c.equal;
      s.related_lamport_equal += c.equal;
    }
  }
  me.pts.push(e.pt);
  me.lamports.push(e.lamport);
  if (!past_pt || e.pt > past_pt->pt) {
    set_event(me.max_pt, e);
    me.holders.only(p);
  } else {
    if (past_pt != &me.max_pt) me.max_pt = *past_pt;
    me.holders.assign(holders);
    if (e.pt == past_pt->pt) me.holders.add(p);
  }
  me.max_lamport = past_pt ? std::max(past_lamport, e.lamport) : e.lamport;

  tally_hlc_lead(r, s.lead_sum, e);
  if (!s.kinds.empty()) s.tally_kinds(e, *truth_);
  if (s.vector_options) s.vector_options->on_event(e, t);
  const std::uint32_t nonzero = truth_->past_processes(p);
  r.event_entries += nonzero;
  if (truth_->sent_slot() != causality::no_slot) {
    r.messages += e.messages.size();
    r.message_entries += std::uint64_t{nonzero} * e.messages.size();
    if (s.sends.size() < truth_->slots()) s.sends.resize(truth_->slots());  // may move sends: m is not used below
    state::send& out = s.sends[truth_->sent_slot()];
    out.max_pt = me.max_pt;
    out.holders.assign(me.holders);
    out.max_lamport = me.max_lamport;
    out.process = p;
  }
}

void clock_report::on_finish(const run_end&) {
  state& s = *s_;
  clock_comparison& r = s.r;
  r.pairs = r.events * (r.events - (r.events > 0)) / 2;
  r.concurrent = r.pairs - r.related;
  std::vector<std::vector<std::uint64_t>> lamports;
  lamports.reserve(s.n);
  for (state::process& p : s.procs) {
    lamports.push_back(std::move(p.lamports).sorted_values());
    p.pts = {};  // the histories are what grows with the run: freed as soon as they are done
  }
  r.lamport_concurrent_tied = equal_pairs(lamports) - s.related_lamport_equal;
  r.lamport_concurrent_ordered = r.concurrent - r.lamport_concurrent_tied;
  r.hlc_lead_mean = r.events > 0 ? s.lead_sum / static_cast<double>(r.events) : 0.0;
  if (s.vector_options) r.vector_options_share = s.vector_options->result();
}

const clock_comparison& clock_report::result() const { return s_->r; }
std::span<const std::string> clock_report::process_names() const { return s_->names; }

double clock_comparison::sparse_bytes_per_event() const {
  return events > 0 ? static_cast<double>(sparse_entry_bytes * event_entries) / static_cast<double>(events) : 0.0;
}

double clock_comparison::sparse_bytes_per_message() const {
  return messages > 0 ? static_cast<double>(sparse_entry_bytes * message_entries) / static_cast<double>(messages) : 0.0;
}

std::optional<sim_time> clock_comparison::hlc_lead_quantile_below(double q) const {
  std::uint64_t total = hlc_behind;
  for (std::uint64_t c : hlc_lead_histogram) total += c;
  if (total == 0) return std::nullopt;
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total))));
  std::uint64_t seen = hlc_behind;
  if (seen >= rank) return 0;  // among the events with l behind pt
  for (std::size_t i = 0; i < hlc_lead_histogram.size(); ++i) {
    seen += hlc_lead_histogram[i];
    if (seen >= rank) return i + 1 < hlc_lead_bounds.size() ? std::optional(hlc_lead_bounds[i + 1]) : std::nullopt;
  }
  return std::nullopt;
}

namespace {

std::string event_text(const report_event& e, std::span<const std::string> names) {
  return std::string(names[e.process]).append("#").append(std::to_string(e.seq)).append(" ")
      .append(to_string(e.kind)).append(" \"").append(e.label).append("\"");
}

// "3 of 11 related pairs (27.3%)"; a share that rounds to 0 or 100 % without being it says so.
std::string share(std::uint64_t part, std::uint64_t whole, const char* what) {
  std::string s = std::to_string(part).append(" of ").append(std::to_string(whole)).append(" ").append(what);
  if (part == 0 || whole == 0) return s;
  const double pct = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  char text[32];
  if (pct < 0.1)
    std::snprintf(text, sizeof text, " (< 0.1%%)");
  else if (pct > 99.9 && part < whole)
    std::snprintf(text, sizeof text, " (> 99.9%%)");
  else
    std::snprintf(text, sizeof text, " (%.1f%%)", pct);
  return s.append(text);
}

std::string decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A quantile of l − pt as its range: "0", "< 10us", ">= 1s", "< 0"; a bucket reaching past the
// largest lead is cut there ("<= 1ms"), so a small run does not read "p90 < 10ms" with a max of 1ms.
std::string quantile_text(const clock_comparison& r, double q) {
  const std::optional<sim_time> below = r.hlc_lead_quantile_below(q);
  if (!below) return ">= " + format_duration(hlc_lead_bounds.back());
  if (*below == 0) return "< 0";
  if (*below == 1) return "0";
  if (*below > r.hlc_lead_max) return "<= " + format_duration(r.hlc_lead_max);
  return "< " + format_duration(*below);
}

double per(std::uint64_t sum, std::uint64_t count) {
  return count > 0 ? static_cast<double>(sum) / static_cast<double>(count) : 0.0;
}

void print_hlc(std::ostream& out, const clock_comparison& r, std::span<const std::string> names, const char* indent) {
  out << "  HLC            l - pt, how far HLC runs ahead of physical time: 0 at "
      << share(r.hlc_lead_histogram[0], r.events, "events");
  if (r.hlc_lead_max_at)
    out << ", at most " << format_duration(r.hlc_lead_max) << "\n"
        << indent << "(" << event_text(*r.hlc_lead_max_at, names) << "); median " << quantile_text(r, 0.5) << ", p90 "
        << quantile_text(r, 0.9) << ", p99 " << quantile_text(r, 0.99);
  out << "\n";
  if (r.hlc_behind > 0) out << indent << "and l < pt at " << r.hlc_behind << " events: a wrong clock\n";
}

// A kind module's lines: "  matrix         32.0 bytes per event, 26.7 per message (...)", then its edges.
void print_kind_share(std::ostream& out, const clock_comparison& r, const clock_comparison::kind_share& k,
                      const char* indent) {
  std::string name = "  " + k.name;
  name.resize(std::max<std::size_t>(name.size() + 1, std::char_traits<char>::length(indent)), ' ');
  out << name << decimal(per(k.event_bytes, r.events)) << " bytes per event, "
      << decimal(per(k.message_bytes, r.messages)) << " per message (" << k.encoding << ")\n" << indent;
  const std::string edges = std::to_string(k.edges) + " edges a -> b (process order and messages)";
  if (k.edges == 0)
    out << "has no edge a -> b to order (process order and messages)\n";
  else if (k.edges_broken == 0 && k.edges_undecided == 0)
    out << "orders all " << edges << " as a before b\n";
  else
    out << "on " << edges << ": " << k.edges_broken << " broken (b before a, equal or concurrent), "
        << k.edges_undecided << " undecided\n";
  if (k.unstamped > 0) out << indent << "and gave no stamp to " << k.unstamped << " events (refused: null in the trace)\n";
}

nlohmann::json event_json(const report_event& e, std::span<const std::string> names) {
  return {{"ref", std::string(names[e.process]).append("#").append(std::to_string(e.seq))},
          {"process", names[e.process]},
          {"seq", e.seq},
          {"kind", std::string(to_string(e.kind))},
          {"label", e.label},
          {"pt_ns", e.pt}};
}

// The vector options' lines: bytes per message by encoding on the recorded vectors, and the pairs they get wrong.
void print_vector_options(std::ostream& out, const clock_comparison& r, const char* indent) {
  const clock_comparison::vector_recorded& v = *r.vector_options_share;
  out << indent << "as recorded, " << v.options.to_json().dump() << ": per message "
      << decimal(per(v.chosen_bytes(), r.messages)) << " bytes " << to_string(v.options.encoding) << " (chosen); full "
      << decimal(per(v.full_bytes, r.messages)) << ", sparse " << decimal(per(v.sparse_bytes, r.messages))
      << ", differential " << decimal(per(v.differential_bytes, r.messages)) << "; entries pruned: " << v.pruned << "\n"
      << indent << "false concurrency on " << share(v.false_concurrency, v.judged_related, "related pairs")
      << ", false order on " << share(v.false_order, v.judged_concurrent + v.judged_related, "pairs")
      << (v.judged_events < r.events ? " (pairs of the first " + std::to_string(v.judged_events) + " events)" : "")
      << "\n";
}

}  // namespace

void print_clock_report(std::ostream& out, const clock_comparison& r, std::span<const std::string> names) {
  const char* indent = "                 ";
  out << "\nclocks compared  against the ground truth (process order and messages, whatever the clocks say)\n";
  out << "  pairs          " << r.events << " events make " << r.pairs << (r.pairs == 1 ? " pair: " : " pairs: ") << r.related
      << " causally related (a -> b), " << r.concurrent << " concurrent\n";
  out << "  physical time  " << share(r.pt_inverted, r.related, "related pairs")
      << " have pt in the wrong order, pt(a) > pt(b), and " << r.pt_tied << " equal pt\n";
  if (r.worst_inversion) {
    const auto& w = *r.worst_inversion;
    out << indent << "worst: " << event_text(w.a, names) << " at pt " << format_duration(w.a.pt) << " -> "
        << event_text(w.b, names) << " at pt " << format_duration(w.b.pt) << ", " << format_duration(w.by)
        << " backwards\n";
  }
  if (r.shown.lamport) {
    out << "  Lamport        orders " << share(r.lamport_concurrent_ordered, r.concurrent, "concurrent pairs")
        << " anyway and ties " << r.lamport_concurrent_tied << ": L(a) < L(b) does not mean a -> b\n";
    if (r.lamport_related_not_below > 0)
      out << indent << "and breaks its clock condition on " << r.lamport_related_not_below
          << " related pairs, L(a) >= L(b): a wrong clock\n";
  }
  if (r.shown.vector) {
    out << "  vector clocks  tell concurrent from related, at a cost: " << r.dense_vector_bytes()
        << " bytes per vector dense (" << r.processes << " processes x " << dense_entry_bytes << " bytes),\n"
        << indent << decimal(r.sparse_bytes_per_event()) << " per event and " << decimal(r.sparse_bytes_per_message())
        << " per message sparse (" << sparse_entry_bytes << " bytes per non-zero entry)";
    // Beside the run's scalar clocks, whose stamps are one and two 8-byte words.
    if (r.shown.lamport) out << (r.shown.hlc ? "; Lamport 8, HLC 16" : "; Lamport 8");
    else if (r.shown.hlc) out << "; HLC 16";
    out << "\n";
    if (r.vector_options_share) print_vector_options(out, r, indent);
  }
  if (r.shown.hlc) print_hlc(out, r, names, indent);
  for (const clock_comparison::kind_share& k : r.kinds) print_kind_share(out, r, k, indent);
}

nlohmann::json clock_report_json(const clock_comparison& r, std::span<const std::string> names) {
  using nlohmann::json;
  json histogram = json::array();
  for (std::size_t i = 0; i < hlc_lead_bounds.size(); ++i)
    histogram.push_back({{"from_ns", hlc_lead_bounds[i]},
                         {"to_ns", i + 1 < hlc_lead_bounds.size() ? json(hlc_lead_bounds[i + 1]) : json(nullptr)},
                         {"events", r.hlc_lead_histogram[i]}});
  const auto quantile = [&](double q) {
    const auto below = r.hlc_lead_quantile_below(q);
    return below ? json(*below) : json(nullptr);
  };
  json worst = nullptr;
  if (r.worst_inversion)
    worst = {{"a", event_json(r.worst_inversion->a, names)},
             {"b", event_json(r.worst_inversion->b, names)},
             {"by_ns", r.worst_inversion->by}};
  json out = {{"processes", r.processes},
          {"events", r.events},
          {"pairs", r.pairs},
          {"related_pairs", r.related},
          {"concurrent_pairs", r.concurrent},
          {"physical_time", {{"related_inverted", r.pt_inverted}, {"related_tied", r.pt_tied}, {"worst_inversion", worst}}},
          {"lamport",
           {{"concurrent_ordered", r.lamport_concurrent_ordered},
            {"concurrent_tied", r.lamport_concurrent_tied},
            {"related_not_below", r.lamport_related_not_below}}},
          {"vector",
           {{"dense_entry_bytes", dense_entry_bytes},
            {"dense_bytes_per_vector", r.dense_vector_bytes()},
            {"sparse_entry_bytes", sparse_entry_bytes},
            {"messages", r.messages},
            {"nonzero_entries_per_event", per(r.event_entries, r.events)},
            {"nonzero_entries_per_message", per(r.message_entries, r.messages)},
            {"sparse_bytes_per_event", r.sparse_bytes_per_event()},
            {"sparse_bytes_per_message", r.sparse_bytes_per_message()}}},
          {"hlc",
           {{"lead_max_ns", r.hlc_lead_max_at ? json(r.hlc_lead_max) : json(nullptr)},
            {"lead_max_at", r.hlc_lead_max_at ? event_json(*r.hlc_lead_max_at, names) : json(nullptr)},
            {"lead_mean_ns", r.hlc_lead_mean},
            {"behind_physical", r.hlc_behind},
            {"lead_histogram", histogram},
            {"lead_p50_below_ns", quantile(0.5)},
            {"lead_p90_below_ns", quantile(0.9)},
            {"lead_p99_below_ns", quantile(0.99)}}}};
  if (!r.shown.lamport) out.erase("lamport");
  if (const auto& v = r.vector_options_share)
    out["vector"]["recorded"] = {{"options", v->options.to_json()},
                                 {"bytes_per_message", per(v->chosen_bytes(), r.messages)},
                                 {"full_bytes_per_message", per(v->full_bytes, r.messages)},
                                 {"sparse_bytes_per_message", per(v->sparse_bytes, r.messages)},
                                 {"differential_bytes_per_message", per(v->differential_bytes, r.messages)},
                                 {"pruned_entries", v->pruned},
                                 {"judged_events", v->judged_events},
                                 {"judged_related_pairs", v->judged_related},
                                 {"judged_concurrent_pairs", v->judged_concurrent},
                                 {"false_concurrency", v->false_concurrency},
                                 {"false_order", v->false_order}};
  if (!r.shown.vector) out.erase("vector");
  if (!r.shown.hlc) out.erase("hlc");
  for (const clock_comparison::kind_share& k : r.kinds)
    out[k.name] = {{"encoding", k.encoding},
                   {"bytes_per_event", per(k.event_bytes, r.events)},
                   {"bytes_per_message", per(k.message_bytes, r.messages)},
                   {"event_bytes", k.event_bytes},
                   {"message_bytes", k.message_bytes},
                   {"edges", k.edges},
                   {"edges_broken", k.edges_broken},
                   {"edges_undecided", k.edges_undecided},
                   {"unstamped_events", k.unstamped}};
  return out;
}

}  // namespace hbsim
