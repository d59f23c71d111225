#include "hbsim/core/json_text.hpp"
#include "hbsim/judge/invariant_checker.hpp"

#include <algorithm>
#include <stdexcept>

#include "clocks/hlc/hlc_judge.hpp"
#include "clocks/lamport/lamport_judge.hpp"
#include "clocks/vector/vector_judge.hpp"
#include "core/prefetch.hpp"
#include "judge/delivery_judge.hpp"
#include "judge/ntp_judge.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

namespace {

// The families in the order of `invariant`: each kind's judge lists its own.
constexpr std::size_t lamport_first = 0, vector_first = 2, hlc_first = 4;
constexpr std::array<std::string_view, invariant_count> names = [] {
  std::array<std::string_view, invariant_count> n{};
  std::copy(std::begin(lamport_judge::invariants), std::end(lamport_judge::invariants), &n[lamport_first]);
  std::copy(std::begin(vector_judge::invariants), std::end(vector_judge::invariants), &n[vector_first]);
  std::copy(std::begin(hlc_judge::invariants), std::end(hlc_judge::invariants), &n[hlc_first]);
  return n;
}();
static_assert(std::size(hlc_judge::invariants) == invariant_count - hlc_first);

// Whether a sparse stamp holds exactly the non-zero entries of a row.
bool same_entries(vector_stamp v, const counter_row& r) {
  std::size_t i = 0;
  bool same = true;
  r.for_each([&](std::size_t j, std::uint32_t count) {
    same = same && i < v.nonzero() && v.entry(i) == std::pair<std::size_t, std::uint64_t>(j, count);
    ++i;
  });
  return same && i == v.nonzero();
}

// For the witnesses of one event: no earlier event's vector, no path.
causality::row no_vector() { return {}; }
std::vector<hb_hop> no_path() { return {}; }

}  // namespace

std::string_view to_string(invariant i) { return names[static_cast<std::size_t>(i)]; }
std::span<const std::string_view> invariant_names() { return names; }
std::optional<invariant> parse_invariant(std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<invariant>(i);
  return std::nullopt;
}

std::string describe(const event_snapshot& e, std::span<const std::string> names) {
  std::string s = std::string(names[e.process]).append("#").append(std::to_string(e.seq));
  s.append(" ").append(to_string(e.kind)).append(" \"").append(visible_text(e.label)).append("\" t=").append(format_duration(e.time));
  s.append(" pt=").append(format_duration(e.pt));
  if (e.shown.lamport) s.append(" L=").append(std::to_string(e.lamport));
  if (e.shown.vector) {
    s.append(" V={");
    for (std::size_t i = 0; i < e.vector.size(); ++i) {
      if (i) s.append(", ");
      s.append(names[e.vector[i].first]).append(":").append(std::to_string(e.vector[i].second));
    }
    s.append("}");
  }
  if (e.shown.hlc) s.append(" HLC=").append(to_string(e.hlc));
  for (const kept_stamp& k : e.stamps) s.append(" ").append(k.kind->name()).append("=").append(k.kind->text(k.words, names));
  return s;
}

invariant_checker::invariant_checker(causality& truth) : truth_(&truth) {}
invariant_checker::~invariant_checker() = default;

void invariant_checker::on_start(const run_header& h) {
  names_.assign(h.process_names.begin(), h.process_names.end());
  n_ = names_.size();
  const logical_config clocks = h.source ? h.source->logical : logical_config{};
  chosen_ = clocks.shown();
  reports_.clear();
  judged_ = 0;
  for (const std::string_view name : names) {
    reports_.push_back({std::string(name), 0, {}});
    judged_ += clocks.has(name.substr(0, name.find('.')));
  }
  others_.clear();
  data_.reset();
  last_data_.reset();
  places_ = stamp_index(clocks);
  recorded_.assign(chosen_.vector ? n_ : 0, 0);
  recorded_entries_.clear();
  for (std::size_t k = 0; k < clocks.extra.size(); ++k) {
    const chosen_clock& c = clocks.extra[k];
    others_.push_back({c.kind, c.kind->make_judge(names_), reports_.size(), places_.extra[k]});
    for (const std::string_view name : c.kind->invariants()) reports_.push_back({std::string(name), 0, {}});
    judged_ += c.kind->invariants().size();
  }
  delivery_.reset();
  ntp_report_.reset();
  ntp_.clear();
  ntp_count_ = 0;
  if (h.source && !h.source->delivery.empty()) {
    delivery_first_ = reports_.size();
    for (const std::string_view name : delivery_invariant_names) reports_.push_back({std::string(name), 0, {}});
    judged_ += delivery_invariant_names.size();
    delivery_ = std::make_unique<delivery_judge>(h.source->delivery, names_);
  }
  recent_kept_ = std::clamp<std::size_t>(ring_budget / (sizeof(std::uint32_t) * std::max<std::size_t>(1, n_ * n_)), 1,
                                         recent_most);
  rows_ = truth_->keeps_rows();
  latest_row_.clear();
  recent_row_.clear();
  if (rows_) {
    // Room for every process's truth, its ring and some sends in flight, so that rows rarely move.
    truth_->reserve_rows(n_ * (recent_kept_ + 2) + 64);
    // Each process's latest vector and each place of its ring hold its starting row of zeros.
    latest_row_.resize(n_);
    recent_row_.resize(n_ * recent_kept_);
    for (process_id p = 0; p < n_; ++p) {
      const row_ref start = truth_->current(p);
      latest_row_[p] = truth_->share(start).row;
      for (std::size_t i = 0; i < recent_kept_; ++i) recent_row_[p * recent_kept_ + i] = truth_->share(start);
    }
  }
  sends_.clear();
  sends_.reserve(h.pending_at_start);
  unverified_pairs_ = 0;
  last_exact_.assign(rows_ ? n_ : 0, 1);
  own_inexact_.assign(rows_ ? n_ : 0, 0);
  watching_ = false;
  recent_.assign(n_ * recent_kept_, {});
}

event_snapshot invariant_checker::snapshot(const event_head& h, row v) const {
  event_snapshot s{h, chosen_, {}, {}};
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] != 0) s.vector.emplace_back(static_cast<process_id>(i), v[i]);
  return s;
}

template <class Vector, class Rule, class Path>
void invariant_checker::report(invariant i, const event_head* a, Vector va, const event_head& b, row vb, Rule rule,
                               Path path) {
  const bool judged = i <= invariant::lamport_rule                ? chosen_.lamport
                      : i <= invariant::vector_strong_clock_condition ? chosen_.vector
                                                                     : chosen_.hlc;
  violation_report& r = reports_[static_cast<std::size_t>(i)];
  if (!judged || r.count++ >= examples_kept) return;
  std::optional<event_snapshot> first;
  if (a) first = snapshot(*a, va());
  r.examples.push_back({std::move(first), snapshot(b, vb), rule(), path()});
}

// The "only if" half of the strong clock condition: V(a) < V(b) must imply a → b. Given the "if"
// half on every edge (checked in on_event; "<" is transitive, so it then holds for every pair a → b),
// vectors strictly increase along each process. If some a ∥ b had V(a) < V(b), then a* — the first
// event of a's process outside b's causal past, a itself or a predecessor of a — would have
// V(a*) ≤ V(a) < V(b). So it suffices to test, for each event b and each other process j, the single
// candidate a* = event number truth(b)[j] + 1 of j:
// - when a* runs before b, here, if a* is among j's last recent_kept_ events (older candidates are
//   counted in unverified_pairs, not tested);
// - when a* runs after b, in check_strong_against_latest at a*'s time, against the latest event b'
//   of every process whose truth holds exactly j's events before a*: b' is b or comes after it on
//   its process, so V(b) < V(b'), and a violation with b is one with b' too.
void invariant_checker::check_strong_against_recent(const event_head& b, row v) {
  const row truth = truth_->truth(b.process);
  for (process_id j = 0; j < n_; ++j) {
    if (j == b.process || truth_->count(j) <= truth[j]) continue;  // nothing of j outside b's past yet
    const std::uint64_t candidate = truth[j] + 1;
    // a*'s own entry is its seq unless it was recorded inexact: then b, claiming no more of j than
    // its truth, cannot be above it.
    if (v[j] <= truth[j] && candidate > own_inexact_[j]) continue;
    const std::size_t slot = j * recent_kept_ + candidate % recent_kept_;
    if (truth_->count(j) - candidate >= recent_kept_ || recent_[slot].seq != candidate) {
      ++unverified_pairs_;
      continue;
    }
    if (recent_row_[slot].own > v[j]) continue;  // V(a*)[j] > V(b)[j] settles nearly every case
    const row va = truth_->view(recent_row_[slot], scratch_a_);
    if (vector_judge::less(va, v))
      report(invariant::vector_strong_clock_condition, &recent_[slot], [&] { return va; }, b, v,
             [&] { return vector_judge::concurrent_below(va, v, names_); }, no_path);
  }
}

void invariant_checker::check_strong_against_latest(const event_head& a, row va) {
  const process_id j = a.process;
  for (process_id i : knows_latest_[j]) {
    const event_head* b = latest(i);
    if (!b) continue;
    const row vb = latest_vector(i);
    if (va[j] > vb[j] || !vector_judge::less(va, vb)) continue;
    report(invariant::vector_strong_clock_condition, &a, [&] { return va; }, *b, vb,
           [&] { return vector_judge::concurrent_below(va, vb, names_); }, no_path);
  }
  knows_latest_[j].clear();
}

void invariant_checker::start_watching(const event_head& b, row v) {
  watching_ = true;
  knows_latest_.assign(n_, {});
  for (process_id j = 0; j < n_; ++j)
    for (process_id i = 0; i < n_; ++i)
      if (i != j && truth_->truth_at(i, j) == truth_->count(j)) knows_latest_[j].push_back(i);
  // b itself, as the candidate a* of the processes that knew all of its process before it.
  for (process_id i = 0; i < n_; ++i) {
    if (i == b.process || !latest(i) || truth_->truth_at(i, b.process) != b.seq - 1) continue;
    const row vb = latest_vector(i);
    if (v[b.process] <= vb[b.process] && vector_judge::less(v, vb))
      report(invariant::vector_strong_clock_condition, &b, [&] { return v; }, *latest(i), vb,
             [&] { return vector_judge::concurrent_below(v, vb, names_); }, no_path);
  }
}

// What the checks of one event share: the event, its recorded vector and the other ends of its edges.
// The checks on every event are forced inline ([[gnu::always_inline]]): on_event is the checker's hot
// loop, and as calls they cost it about 2% more instructions on scenarios/random_100k.json.
struct invariant_checker::event_view {
  const event_record& e;
  const event_head& b;
  row v;                          // its recorded vector (its truth when the run has no vector clocks)
  const send_info* m;             // a receive's send, when merged (a message edge); null otherwise
  row_ref before;                 // p's truth before e
  row_ref sent;                   // the send's truth, when m
  const event_head* prev;         // p's previous event; null for its first
  const std::uint32_t* prev_vec;  // its recorded vector when inexact; null when exact (p's truth before e)
  bool exact = false;             // v equals e's truth
};

void invariant_checker::ahead(const event_record& next) const {
  const process_id p = next.process;
  if (rows_) {
    prefetch(&last_exact_[p], sizeof(last_exact_[p]));
    prefetch(&latest_row_[p], sizeof(latest_row_[p]));
  }
  for (const std::uint64_t seq : {next.seq - 1, next.seq}) {  // the one before, and next's own place
    const std::size_t slot = p * recent_kept_ + seq % recent_kept_;
    prefetch(&recent_[slot], sizeof(event_head));
    if (rows_) prefetch(&recent_row_[slot], sizeof(row_ref));
  }
}

void invariant_checker::on_event(const event_record& e) {
  if (truth_->latest() != e.id)
    throw std::logic_error("invariant_checker: observe the run with its causality first, then the checker");
  const process_id p = e.process;
  // Without vector clocks, the truth stands in for them: every vector check then holds at no cost.
  event_head b{e.id, p, e.seq, e.kind, std::string(e.label), e.time, e.pt, places_.lamport_of(e), places_.hlc_of(e)};
  bool exact = true;  // without vector clocks, v is the truth
  if (chosen_.vector) {
    // Counters fit the truth's uint32 entries: a run has fewer than 2^32 events. One pass narrows them
    // and compares them with the truth (vector.exact).
    const vector_stamp v = vector_of(e.stamps[places_.vector]);
    if (v.sparse()) {
      // What the stamp holds, not the processes, is what it costs: recorded_ is written over the
      // entries the latest stamp set (a run's stamps have one form, run_header::sparse_rows: the clock's
      // and the trace reader's alike), and compared entry by entry with a sparse truth.
      write_over(recorded_, recorded_entries_, v);
      exact = truth_->sparse() ? same_entries(v, truth_->sparse_truth(p))
                               : std::equal(recorded_.begin(), recorded_.end(), truth_->truth(p).begin());
    } else {
      const row truth = truth_->truth(p);
      const std::span<const std::uint64_t> w = v.dense_words();
      std::uint32_t mismatches = 0;
      for (std::size_t k = 0; k < w.size(); ++k) {
        recorded_[k] = static_cast<std::uint32_t>(w[k]);
        mismatches += recorded_[k] != truth[k];
      }
      exact = mismatches == 0;
    }
  }
  event_view x{e,
               b,
               chosen_.vector ? row(recorded_) : truth_->truth(p),
               truth_->merged() ? &sends_[truth_->slot()] : nullptr,
               truth_->before(),
               truth_->sent(),
               remembered(p, e.seq - 1),
               rows_ && !last_exact_[p] ? truth_->values(latest_row_[p], scratch_d_).data() : nullptr,
               exact};
  if (watching_) watch(x);
  check_exact(x);
  check_rules(x);
  check_edges(x);
  if (!x.exact && !watching_) start_watching(b, x.v);
  if (watching_) check_strong_against_recent(b, x.v);
  check_physical(x);
  if (!others_.empty()) judge_others(e, b, x.v);
  if (e.data) judge_data(e, b, x.v);
  if (delivery_) judge_delivery(e, b, x.v);
  if (e.ntp) judge_ntp(e, b, x.v);
  remember(e, std::move(b), x.v, x.exact);
}

[[gnu::always_inline]] inline causality::row invariant_checker::prev_row(const event_view& x) {
  return x.prev_vec ? row(x.prev_vec, n_) : truth_->view(x.before, scratch_c_);
}

[[gnu::always_inline]] inline causality::row invariant_checker::sent_row(const event_view& x) {
  return truth_->view(x.m->vector, scratch_b_);
}

// e against the latest events that knew all of its process before it; then who, through e's
// message edge, now knows whose latest event.
void invariant_checker::watch(const event_view& x) {
  check_strong_against_latest(x.b, x.v);
  if (!x.m) return;
  const process_id p = x.b.process;
  for (process_id k = 0; k < n_; ++k)
    if (k != p && truth_->at(x.sent, k) > truth_->at(x.before, k) && truth_->at(x.sent, k) == truth_->count(k))
      knows_latest_[k].push_back(p);
}

// vector.exact: the recorded vector against e's ground truth (compared in on_event).
[[gnu::always_inline]] inline void invariant_checker::check_exact(const event_view& x) {
  if (!x.exact) {
    const row truth = truth_->truth(x.b.process);
    report(invariant::vector_exact, nullptr, no_vector, x.b, x.v, [&] { return vector_judge::inexact(x.v, truth, names_); },
           no_path);
  }
  if (chosen_.vector && x.v[x.b.process] != x.b.seq) own_inexact_[x.b.process] = x.b.seq;
}

// The canonical rules, from the previous event of the process and the message's send.
[[gnu::always_inline]] inline void invariant_checker::check_rules(const event_view& x) {
  const event_record& e = x.e;
  const send_info* m = x.m;
  const event_head* a = m ? &m->send : x.prev;
  const auto path = [&] { return a ? std::vector<hb_hop>{{a->id, e.id, m != nullptr}} : std::vector<hb_hop>{}; };
  const auto va = [&] { return m ? sent_row(x) : prev_row(x); };
  const std::uint64_t l_prev = x.prev ? x.prev->lamport : 0;
  const std::uint64_t* l_m = m ? &m->send.lamport : nullptr;
  if (x.b.lamport != lamport_judge::canonical(l_prev, l_m))
    report(invariant::lamport_rule, a, va, x.b, x.v, [&] { return lamport_judge::rule_broken(x.b.lamport, l_prev, l_m); },
           path);
  const hlc_stamp h_prev = x.prev ? x.prev->hlc : hlc_stamp{};
  const hlc_stamp* h_m = m ? &m->send.hlc : nullptr;
  if (x.b.hlc != hlc_judge::canonical(h_prev, h_m, e.pt))
    report(invariant::hlc_rule, a, va, x.b, x.v, [&] { return hlc_judge::rule_broken(x.b.hlc, h_prev, h_m, e.pt); }, path);
}

// Edge conditions, on process order and on the message edge; transitivity extends them to every
// pair a → b, and the first broken edge on any path is the smallest witness. Exact vectors at both
// ends of an edge satisfy the strong clock condition on it (ground truth strictly grows along
// edges); otherwise compare, with the previous event's vector as recorded or, when it was exact, its
// truth: p's truth before this event.
[[gnu::always_inline]] inline void invariant_checker::check_edges(const event_view& x) {
  if (x.prev) check_edge(x, false, (x.exact && !x.prev_vec) || vector_judge::less(prev_row(x), x.v));
  if (x.m) check_edge(x, true, (x.exact && x.m->exact) || vector_judge::less(sent_row(x), x.v));
}

// The edge from the previous event of e's process, or from e's send when `message`.
[[gnu::always_inline]] inline void invariant_checker::check_edge(const event_view& x, bool message, bool vector_ok) {
  const event_record& e = x.e;
  const event_head& a = message ? x.m->send : *x.prev;
  const auto va = [&] { return message ? sent_row(x) : prev_row(x); };
  const auto path = [&] { return std::vector<hb_hop>{{a.id, e.id, message}}; };
  if (!(a.lamport < x.b.lamport))
    report(invariant::lamport_clock_condition, &a, va, x.b, x.v,
           [&] { return lamport_judge::edge_broken(a.lamport, x.b.lamport); }, path);
  if (!(a.hlc < x.b.hlc)) {
    const auto rule = [&] { return hlc_judge::edge_broken(a.hlc, x.b.hlc); };
    report(invariant::hlc_clock_condition, &a, va, x.b, x.v, rule, path);
    if (!message) report(invariant::hlc_monotonic, &a, va, x.b, x.v, rule, path);
  }
  if (!vector_ok)
    report(invariant::vector_strong_clock_condition, &a, va, x.b, x.v,
           [&] { return vector_judge::edge_broken(va(), x.v, names_); }, path);
}

// HLC against physical time.
[[gnu::always_inline]] inline void invariant_checker::check_physical(const event_view& x) {
  const event_record& e = x.e;
  if (x.b.hlc.l < e.pt)
    report(invariant::hlc_not_behind_physical, nullptr, no_vector, x.b, x.v,
           [&] { return hlc_judge::behind_physical(x.b.hlc, e.pt); }, no_path);
  max_reading_ = std::max(max_reading_, e.pt);
  if (x.b.hlc.l > max_reading_)
    report(invariant::hlc_bounded_drift, nullptr, no_vector, x.b, x.v, [&] { return hlc_judge::drifted(x.b.hlc, max_reading_); },
           no_path);
  const sim_time ahead = sub_sat(x.b.hlc.l, e.pt);
  if (chosen_.hlc) epsilon_ = epsilon_ ? std::max(*epsilon_, ahead) : ahead;
}

// Reports of another kind's judge: one event witnesses it, shown with that kind's stamp.
class invariant_checker::findings final : public clock_findings {
 public:
  findings(invariant_checker& c, const other& o, const event_head& b, row v, stamp_words stamp)
      : c_(c), o_(o), b_(b), v_(v), stamp_(stamp) {}
  void violated(std::size_t which, const std::function<std::string()>& rule) override {
    violation_report& r = c_.reports_[o_.first_report + which];
    if (r.count++ >= examples_kept) return;
    event_snapshot s = c_.snapshot(b_, v_);
    s.stamps.push_back({o_.kind, {stamp_.begin(), stamp_.end()}});
    r.examples.push_back({std::nullopt, std::move(s), rule(), {}});
  }

 private:
  invariant_checker& c_;
  const other& o_;
  const event_head& b_;
  row v_;
  stamp_words stamp_;
};

void invariant_checker::judge_others(const event_record& e, const event_head& b, row v) {
  for (std::size_t k = 0; k < others_.size(); ++k) {
    const stamp_words stamp = e.stamps[others_[k].stamp];
    findings out(*this, others_[k], b, v, stamp);
    others_[k].judge->judge(e, stamp, *truth_, out);
  }
}

// Reports of the data judge: the event where a replica's state broke an invariant witnesses it.
class invariant_checker::data_findings final : public clock_findings {
 public:
  data_findings(invariant_checker& c, const event_snapshot& b) : c_(c), b_(b) {}
  void violated(std::size_t which, const std::function<std::string()>& rule) override {
    violation_report& r = c_.reports_[c_.first_data_report_ + which];
    if (r.count++ >= examples_kept) return;
    r.examples.push_back({std::nullopt, b_, rule(), {}});
  }

 private:
  invariant_checker& c_;
  const event_snapshot& b_;
};

void invariant_checker::judge_data(const event_record& e, const event_head& b, row v) {
  if (!data_) {
    data_ = std::make_unique<data_judge>(names_);
    first_data_report_ = reports_.size();
    for (const std::string_view name : data_invariant_names()) reports_.push_back({std::string(name), 0, {}});
    judged_ += data_invariant_names().size();
  }
  last_data_ = snapshot(b, v);
  data_findings out(*this, *last_data_);
  data_->judge(e, out);
}

void invariant_checker::on_finish(const run_end&) {
  if (!data_) return;
  data_findings out(*this, *last_data_);
  data_->finish(out);
}

void invariant_checker::judge_delivery(const event_record& e, const event_head& b, row v) {
  delivery_->judge(e, *truth_, [&](std::size_t which, const std::function<std::string()>& rule) {
    violation_report& r = reports_[delivery_first_ + which];
    if (r.count++ >= examples_kept) return;
    r.examples.push_back({std::nullopt, snapshot(b, v), rule(), {}});
  });
}

void invariant_checker::judge_ntp(const event_record& e, const event_head& b, row v) {
  if (!ntp_report_) {
    ntp_report_ = reports_.size();
    reports_.push_back({std::string(ntp_invariant_name), 0, {}});
    ++judged_;
  }
  if (ntp_count_++ < ntp_kept) ntp_.push_back({e.process, e.time, e.pt - e.time, *e.ntp});
  std::string rule = ntp_bound_broken(*e.ntp);
  if (rule.empty()) return;
  violation_report& r = reports_[*ntp_report_];
  if (r.count++ >= examples_kept) return;
  r.examples.push_back({std::nullopt, snapshot(b, v), std::move(rule), {}});
}

void invariant_checker::remember(const event_record& e, event_head&& b, row v, bool exact) {
  const process_id p = e.process;
  const std::size_t slot = p * recent_kept_ + e.seq % recent_kept_;
  // The holders share e's truth row when its vector was exact, or one copy of an inexact vector; without
  // rows every vector is exact and none is held.
  row_ref vector;
  if (rows_) {
    vector = truth_->current(p);
    if (exact) {
      truth_->share(vector);  // its reference is handed to latest_row_ below
    } else {
      vector = {truth_->take_row(v), p, v[p]};
    }
    truth_->release({latest_row_[p], 0, 0});
    latest_row_[p] = vector.row;
    last_exact_[p] = exact;
  }
  if (truth_->sent_slot() != causality::no_slot) {
    if (sends_.size() < truth_->slots()) sends_.resize(truth_->slots());
    send_info& s = sends_[truth_->sent_slot()];
    if (s.held) truth_->release(s.vector);
    s = {b, rows_ ? truth_->share(vector) : row_ref{}, exact, rows_};
  }
  if (rows_) {
    truth_->release(recent_row_[slot]);
    recent_row_[slot] = truth_->share(vector);
  }
  recent_[slot] = std::move(b);
}

std::uint64_t invariant_checker::count(std::string_view name) const {
  for (const violation_report& r : reports_)
    if (r.name == name) return r.count;
  return 0;
}

std::vector<violation_report> invariant_checker::violations() const {
  std::vector<violation_report> out;
  for (const violation_report& r : reports_)
    if (r.count) out.push_back(r);
  return out;
}

nlohmann::json violation_json(const violation_report& r, std::span<const std::string> names) {
  using nlohmann::json;
  const auto event = [&](const event_snapshot& e) {
    json out = {{"id", e.id},       {"process", names[e.process]}, {"seq", e.seq}, {"kind", to_string(e.kind)},
                {"label", e.label}, {"time", e.time},              {"pt", e.pt}};
    if (e.shown.lamport) out["lamport"] = e.lamport;
    if (e.shown.vector) {
      json v = json::object();
      for (const auto& [p, n] : e.vector) v[names[p]] = n;
      out["vector"] = v;
    }
    if (e.shown.hlc) out["hlc"] = {e.hlc.l, e.hlc.c};
    for (const kept_stamp& k : e.stamps) out[std::string(k.kind->name())] = k.kind->write(k.words, names);
    return out;
  };
  const auto example = [&](const violation_example& x) {
    json path = json::array();
    for (const hb_hop& h : x.path)
      path.push_back({{"from", h.from}, {"to", h.to}, {"edge", h.message ? "message" : "process order"}});
    // "a" is null for a rule about one event (vector.exact, hlc.not_behind_physical...): every witness has the same keys.
    return json{{"a", x.a ? event(*x.a) : json(nullptr)}, {"b", event(x.b)}, {"rule", x.rule}, {"path", path}};
  };
  json more = json::array();
  for (std::size_t i = 1; i < r.examples.size(); ++i) more.push_back(example(r.examples[i]));
  return {{"invariant", r.name}, {"count", r.count}, {"witness", example(r.examples.front())},
          {"more", more}};
}

}  // namespace hbsim
