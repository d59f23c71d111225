#include "hbsim/judge/expectation_checker.hpp"

#include <algorithm>

#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

nlohmann::json clocks_json(const event_clocks& c, std::span<const std::string> names) {
  nlohmann::json out = nlohmann::json::object();
  if (c.shown.lamport) out["lamport"] = c.lamport;
  if (c.shown.vector) {
    nlohmann::json v = nlohmann::json::object();
    for (std::size_t i = 0; i < c.vector.size(); ++i)
      if (c.vector[i] != 0) v[names[i]] = c.vector[i];
    out["vector"] = v;
  }
  // l as an expectation writes it, and in nanoseconds for a script (the trace's and a witness's unit).
  if (c.shown.hlc) out["hlc"] = {{"l", format_duration(c.hlc.l)}, {"l_ns", c.hlc.l}, {"c", c.hlc.c}};
  for (const kept_stamp& k : c.stamps) out[std::string(k.kind->name())] = k.kind->write(k.words, names);
  return out;
}

void keep_clocks(const event_record& e, const logical_config& clocks, const stamp_index& places, standard_clocks shown,
                 event_clocks& into) {
  into.lamport = places.lamport_of(e);
  into.vector = dense_row(places.vector_of(e));
  into.hlc = places.hlc_of(e);
  into.shown = shown;
  into.stamps.resize(clocks.extra.size());
  for (std::size_t i = 0; i < clocks.extra.size(); ++i) {
    into.stamps[i].kind = clocks.extra[i].kind;
    const stamp_words w = e.stamps[places.extra[i]];
    into.stamps[i].words.assign(w.begin(), w.end());
  }
}

std::string found_text(const expectation_result& r, std::span<const std::string> names) {
  if (!r.clocks) return r.relation;
  const event_clocks& c = *r.clocks;
  std::string out;
  const auto part = [&](std::string_view kind, const std::string& value) {
    out.append(out.empty() ? "" : ", ").append(kind).append(" ").append(value);
  };
  if (c.shown.lamport) part("lamport", std::to_string(c.lamport));
  if (c.shown.vector) part("vector", vector_text(c.vector, names));
  if (c.shown.hlc) part("hlc", to_string(c.hlc));
  for (const kept_stamp& k : c.stamps) part(k.kind->name(), k.kind->text(k.words, names));
  return out;
}

nlohmann::json found_json(const expectation_result& r, std::span<const std::string> names) {
  if (!r.clocks) return r.relation;
  return clocks_json(*r.clocks, names);
}

expectation_checker::expectation_checker(const scenario& s, const causality& truth,
                                         const invariant_checker& invariants)
    : scenario_(&s), shown_(s.logical.shown()), places_(s.logical), truth_(&truth), invariants_(&invariants), relations_(s.expect.size(), relation::unknown) {
  for (std::size_t i = 0; i < s.expect.size(); ++i) {
    const expectation& x = s.expect[i];
    if (x.type == expectation::kind::violates) continue;
    watched_.emplace_back(i, 0, x.a);
    if (x.type != expectation::kind::event_values) watched_.emplace_back(i, 1, x.b);
  }
}

void expectation_checker::on_start(const run_header& h) { names_ = h.process_names; }

void expectation_checker::on_event(const event_record& e) {
  for (std::size_t k = 0; k < watched_.size(); ++k) {
    watched& w = watched_[k];
    if (!w.tracker.offer(e)) continue;
    w.seen = true;
    w.process = e.process;
    w.seq = e.seq;
    w.id = e.id;
    keep_clocks(e, scenario_->logical, places_, shown_, w.values);
    if (scenario_->expect[w.expectation].type == expectation::kind::event_values) continue;
    // The pair's relation is decided when its later event happens: only then is its causal past
    // complete, and the earlier one, if in it, is there already.
    const bool is_b = w.side == 1;
    const watched& other = is_b ? watched_[k - 1] : watched_[k + 1];
    if (!other.seen) continue;
    relation r;
    if (other.id == e.id)
      r = relation::same;
    else if (truth_->truth_at(e.process, other.process) >= other.seq)
      r = is_b ? relation::before : relation::after;  // the other one is in e's past
    else
      r = relation::concurrent;
    relations_[w.expectation] = r;
  }
}

void expectation_checker::on_finish(const run_end&) {
  for (const watched& w : watched_)
    if (!w.tracker.sound()) {
      const expectation& x = scenario_->expect[w.expectation];
      const std::string field = x.type == expectation::kind::event_values ? std::string("/event")
                                : std::string(x.type == expectation::kind::before ? "/before/" : "/concurrent/")
                                      .append(std::to_string(w.side));
      throw input_error(scenario_->source(), x.path + field, "a reference that names exactly one event",
                        w.tracker.problem(names_));
    }
  static constexpr const char* relation_names[] = {"unknown", "the same event", "before", "after", "concurrent"};
  results_.clear();
  std::size_t k = 0;
  for (std::size_t i = 0; i < scenario_->expect.size(); ++i) {
    const expectation& x = scenario_->expect[i];
    using status = expectation_result::status;
    switch (x.type) {
      case expectation::kind::event_values: {
        const event_clocks& c = watched_[k++].values;
        const bool ok = (!x.lamport || *x.lamport == c.lamport) && (!x.vector || *x.vector == c.vector) &&
                        (!x.hlc_l || *x.hlc_l == c.hlc.l) && (!x.hlc_c || *x.hlc_c == c.hlc.c) &&
                        std::all_of(x.stamps.begin(), x.stamps.end(),
                                    [&](const auto& s) { return c.stamps[s.first].words == s.second; });
        results_.push_back({&x, ok ? status::met : status::unmet, c, {}});
        break;
      }
      case expectation::kind::before:
      case expectation::kind::concurrent: {
        k += 2;
        const relation want = x.type == expectation::kind::before ? relation::before : relation::concurrent;
        results_.push_back({&x, relations_[i] == want ? status::met : status::unmet, std::nullopt,
                            std::string(x.a.text).append(" is ").append(relation_names[static_cast<int>(relations_[i])])
                                .append(relations_[i] == relation::same ? " as " : relations_[i] == relation::concurrent ? " with " : " ")
                                .append(x.b.text)});
        break;
      }
      case expectation::kind::violates: {
        const std::uint64_t n = invariants_->count(x.invariant);
        results_.push_back({&x, n > 0 ? status::met : status::unmet, std::nullopt,
                            std::to_string(n).append(n == 1 ? " violation" : " violations")});
        break;
      }
    }
  }
}

}  // namespace hbsim
