#include "hbsim/judge/invariant_checker.hpp"

#include <algorithm>
#include <stdexcept>

#include "hbsim/clocks/hlc/hybrid_logical_clock.hpp"
#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

namespace {

constexpr std::array<std::string_view, invariant_count> names = {
    "lamport.clock_condition",       "lamport.rule",        "vector.exact",
    "vector.strong_clock_condition", "hlc.clock_condition", "hlc.monotonic",
    "hlc.not_behind_physical",       "hlc.rule",            "hlc.bounded_drift"};

// a < b for vectors: entrywise ≤ and different somewhere.
bool vector_less(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  bool le = true;
  bool lt = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    le = le && a[i] <= b[i];
    lt = lt || a[i] < b[i];
  }
  return le && lt;
}

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
  s.append(" ").append(to_string(e.kind)).append(" \"").append(e.label).append("\" t=").append(format_duration(e.time));
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
  for (const chosen_clock& c : clocks.extra) {
    others_.push_back({c.kind, c.kind->make_judge(names_), reports_.size()});
    for (const std::string_view name : c.kind->invariants()) reports_.push_back({std::string(name), 0, {}});
    judged_ += c.kind->invariants().size();
  }
  recent_kept_ = std::clamp<std::size_t>(ring_budget / (sizeof(std::uint32_t) * std::max<std::size_t>(1, n_ * n_)), 1,
                                         recent_most);
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
  sends_.clear();
  unverified_pairs_ = 0;
  last_.assign(n_, {});
  last_exact_.assign(n_, 1);
  own_inexact_.assign(n_, 0);
  watching_ = false;
  recent_.assign(n_ * recent_kept_, {});
}

event_snapshot invariant_checker::snapshot(const event_head& h, row v) const {
  event_snapshot s{h, {}, {}};
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] != 0) s.vector.emplace_back(static_cast<process_id>(i), v[i]);
  return s;
}

template <class Vector, class Rule>
void invariant_checker::report(invariant i, const event_head* a, Vector va, const event_head& b, row vb, Rule rule,
                               std::vector<hb_hop> path) {
  const bool judged = i <= invariant::lamport_rule                ? chosen_.lamport
                      : i <= invariant::vector_strong_clock_condition ? chosen_.vector
                                                                     : chosen_.hlc;
  violation_report& r = reports_[static_cast<std::size_t>(i)];
  if (!judged || r.count++ >= examples_kept) return;
  std::optional<event_snapshot> first;
  if (a) first = snapshot(*a, va());
  r.examples.push_back({std::move(first), snapshot(b, vb), rule(), std::move(path)});
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
    if (!vector_less(va, v)) continue;
    report(invariant::vector_strong_clock_condition, &recent_[slot], [&] { return va; }, b, v, [&] {
      return std::string("V(a) = ").append(vector_text(va, names_)).append(" < V(b) = ").append(vector_text(v, names_))
          .append(", yet a and b are concurrent");
    });
  }
}

void invariant_checker::check_strong_against_latest(const event_head& a, row va) {
  const process_id j = a.process;
  for (process_id i : knows_latest_[j]) {
    if (last_[i].id == 0) continue;
    const row vb = latest_vector(i);
    if (va[j] > vb[j] || !vector_less(va, vb)) continue;
    report(invariant::vector_strong_clock_condition, &a, [&] { return va; }, last_[i], vb, [&] {
      return std::string("V(a) = ").append(vector_text(va, names_)).append(" < V(b) = ").append(vector_text(vb, names_))
          .append(", yet a and b are concurrent");
    });
  }
  knows_latest_[j].clear();
}

void invariant_checker::start_watching(const event_head& b, row v) {
  watching_ = true;
  knows_latest_.assign(n_, {});
  for (process_id j = 0; j < n_; ++j)
    for (process_id i = 0; i < n_; ++i)
      if (i != j && truth_->truth(i)[j] == truth_->count(j)) knows_latest_[j].push_back(i);
  // b itself, as the candidate a* of the processes that knew all of its process before it.
  for (process_id i = 0; i < n_; ++i) {
    if (i == b.process || last_[i].id == 0 || truth_->truth(i)[b.process] != b.seq - 1) continue;
    const row vb = latest_vector(i);
    if (v[b.process] <= vb[b.process] && vector_less(v, vb))
      report(invariant::vector_strong_clock_condition, &b, [&] { return v; }, last_[i], vb, [&] {
        return std::string("V(a) = ").append(vector_text(v, names_)).append(" < V(b) = ").append(vector_text(vb, names_))
            .append(", yet a and b are concurrent");
      });
  }
}

void invariant_checker::on_event(const event_record& e) {
  if (truth_->latest() != e.id)
    throw std::logic_error("invariant_checker: observe the run with its causality first, then the checker");
  const process_id p = e.process;
  // Without vector clocks, the truth stands in for them: every vector check then holds at no cost.
  const row v = chosen_.vector ? e.vector : truth_->truth(p);
  const bool merges = truth_->merged();
  const send_info* m = merges ? &sends_[truth_->slot()] : nullptr;
  const row_ref before = truth_->before();  // p's truth before e
  const row_ref sent = truth_->sent();
  event_head& prev = last_[p];
  const bool has_prev = prev.id != 0;
  const event_head b{e.id, p, e.seq, e.kind, std::string(e.label), e.time, e.pt, e.lamport, e.hlc, chosen_};
  const auto sent_vec = [&] { return truth_->view(m->vector, scratch_b_); };

  if (watching_) check_strong_against_latest(b, v);
  if (merges && watching_)
    for (process_id k = 0; k < n_; ++k)
      if (k != p && truth_->at(sent, k) > truth_->at(before, k) && truth_->at(sent, k) == truth_->count(k))
        knows_latest_[k].push_back(p);

  // The recorded vector against e's ground truth; branch-free, so that it vectorises: the checker's hot path.
  const row truth = truth_->truth(p);
  std::uint32_t mismatches = 0;
  for (std::size_t k = 0; k < n_; ++k) mismatches += v[k] != truth[k];
  const bool exact = mismatches == 0;
  const std::uint32_t* prev_vec = last_exact_[p] ? nullptr : truth_->data(latest_row_[p]);
  // Exact vectors at both ends of an edge satisfy the strong clock condition on it (ground truth
  // strictly grows along edges); otherwise compare, with the previous event's vector as recorded or,
  // when it was exact, its truth: p's truth before this event.
  bool prev_ok = true;
  bool sent_ok = true;
  const auto less = [&](const std::uint32_t* a) {
    std::uint32_t greater = 0, smaller = 0;
    for (std::size_t k = 0; k < n_; ++k) {
      greater |= a[k] > v[k];
      smaller |= a[k] < v[k];
    }
    return greater == 0 && smaller != 0;
  };
  const auto prev_row = [&] { return prev_vec ? row(prev_vec, n_) : truth_->view(before, scratch_c_); };
  if (has_prev && !(exact && !prev_vec)) prev_ok = less(prev_row().data());
  if (merges && !(exact && m->exact)) sent_ok = less(sent_vec().data());

  const std::uint64_t l_prev = has_prev ? prev.lamport : 0;
  const hlc_stamp h_prev = has_prev ? prev.hlc : hlc_stamp{};
  const std::uint64_t l_expected = merges ? std::max(l_prev, m->send.lamport) + 1 : l_prev + 1;
  const hlc_stamp h_expected = merges ? hlc_receive(h_prev, m->send.hlc, e.pt) : hlc_tick(h_prev, e.pt);
  const auto none = [] { return row(); };

  if (!exact)
    report(invariant::vector_exact, nullptr, none, b, v, [&] {
      std::size_t j = 0;
      while (v[j] == truth[j]) ++j;
      return std::string("V[").append(names_[j]).append("] = ").append(std::to_string(v[j])).append(", but ")
          .append(std::to_string(truth[j])).append(" events of ").append(names_[j])
          .append(" are in its causal past (itself included): the exact vector is ").append(vector_text(truth, names_));
    });
  if (v[p] != e.seq) own_inexact_[p] = e.seq;

  // The canonical rules, from the previous event of the process and the message's send.
  const event_head* rule_a = merges ? &m->send : has_prev ? &prev : nullptr;
  const auto rule_path = [&] {
    return rule_a ? std::vector<hb_hop>{{rule_a->id, e.id, merges}} : std::vector<hb_hop>{};
  };
  const auto rule_va = [&] { return merges ? sent_vec() : prev_row(); };
  if (e.lamport != l_expected)
    report(invariant::lamport_rule, rule_a, rule_va, b, v, [&] {
      std::string how = merges ? std::string("max(L', L_m) + 1 = max(").append(std::to_string(l_prev)).append(", ")
                                     .append(std::to_string(m->send.lamport)).append(") + 1")
                               : std::string("L' + 1 = ").append(std::to_string(l_prev)).append(" + 1");
      return std::string("L = ").append(std::to_string(e.lamport)).append(", the canonical rule gives ").append(how)
          .append(" = ").append(std::to_string(l_expected));
    }, rule_path());
  if (e.hlc != h_expected)
    report(invariant::hlc_rule, rule_a, rule_va, b, v, [&] {
      std::string s = std::string("HLC = ").append(to_string(e.hlc)).append(", the canonical rule gives ")
                          .append(to_string(h_expected)).append(" from (l', c') = ").append(to_string(h_prev))
                          .append(", pt = ").append(format_duration(e.pt));
      if (merges) s.append(", message (l_m, c_m) = ").append(to_string(m->send.hlc));
      return s;
    }, rule_path());

  // Edge conditions, on process order and on the message edge; transitivity extends them to every
  // pair a → b, and the first broken edge on any path is the smallest witness.
  const auto edge = [&](const event_head& a, auto va, bool message, bool vector_ok) {
    const auto path = [&] { return std::vector<hb_hop>{{a.id, e.id, message}}; };
    if (!(a.lamport < e.lamport))
      report(invariant::lamport_clock_condition, &a, va, b, v, [&] {
        return std::string("a → b but L(a) = ").append(std::to_string(a.lamport)).append(" is not below L(b) = ")
            .append(std::to_string(e.lamport));
      }, path());
    if (!(a.hlc < e.hlc)) {
      const auto rule = [&] {
        return std::string("a → b but hlc(a) = ").append(to_string(a.hlc)).append(" is not below hlc(b) = ")
            .append(to_string(e.hlc));
      };
      report(invariant::hlc_clock_condition, &a, va, b, v, rule, path());
      if (!message) report(invariant::hlc_monotonic, &a, va, b, v, rule, path());
    }
    if (!vector_ok)
      report(invariant::vector_strong_clock_condition, &a, va, b, v, [&] {
        return std::string("a → b but V(a) = ").append(vector_text(va(), names_)).append(" is not below V(b) = ")
            .append(vector_text(v, names_));
      }, path());
  };
  if (has_prev) edge(prev, prev_row, false, prev_ok);
  if (merges) edge(m->send, sent_vec, true, sent_ok);

  if (!exact && !watching_) start_watching(b, v);
  if (watching_) check_strong_against_recent(b, v);

  // HLC against physical time.
  if (e.hlc.l < e.pt)
    report(invariant::hlc_not_behind_physical, nullptr, none, b, v, [&] {
      return std::string("l = ").append(format_duration(e.hlc.l)).append(" is behind pt = ").append(format_duration(e.pt));
    });
  max_reading_ = std::max(max_reading_, e.pt);
  if (e.hlc.l > max_reading_)
    report(invariant::hlc_bounded_drift, nullptr, none, b, v, [&] {
      return std::string("l = ").append(format_duration(e.hlc.l))
          .append(" exceeds every physical reading taken so far (the largest is ").append(format_duration(max_reading_))
          .append(")");
    });
  const sim_time ahead = sub_sat(e.hlc.l, e.pt);
  if (chosen_.hlc) epsilon_ = epsilon_ ? std::max(*epsilon_, ahead) : ahead;

  judge_others(e, b, v);
  remember(e, b, v, exact);
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
    findings out(*this, others_[k], b, v, e.stamps[k]);
    others_[k].judge->judge(e, e.stamps[k], *truth_, out);
  }
}

void invariant_checker::remember(const event_record& e, const event_head& b, row v, bool exact) {
  // The holders share e's truth row when its vector was exact, or one copy of an inexact vector.
  const process_id p = e.process;
  row_ref vector{truth_->current(p).row, p, v[p]};
  if (exact) {
    truth_->share(vector);  // its reference is handed to latest_row_ below
  } else {
    vector.row = truth_->take_row();
    std::copy(v.begin(), v.end(), truth_->data(vector.row));
  }
  truth_->release({latest_row_[p], 0, 0});
  latest_row_[p] = vector.row;
  last_exact_[p] = exact;
  if (e.kind == event_kind::send && !e.messages.empty()) {
    if (sends_.size() < truth_->slots()) sends_.resize(truth_->slots());
    send_info& s = sends_[truth_->slot()];
    if (s.held) truth_->release(s.vector);
    s = {b, truth_->share(vector), exact, true};
  }
  const std::size_t slot = p * recent_kept_ + e.seq % recent_kept_;
  truth_->release(recent_row_[slot]);
  recent_row_[slot] = truth_->share(vector);
  recent_[slot] = b;
  last_[p] = b;
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
    json w = {{"b", event(x.b)}, {"rule", x.rule}, {"path", path}};
    if (x.a) w["a"] = event(*x.a);
    return w;
  };
  json more = json::array();
  for (std::size_t i = 1; i < r.examples.size(); ++i) more.push_back(example(r.examples[i]));
  return {{"invariant", r.name}, {"count", r.count}, {"witness", example(r.examples.front())},
          {"more", more}};
}

}  // namespace hbsim
