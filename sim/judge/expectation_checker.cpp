#include "hbsim/judge/expectation_checker.hpp"

#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim {

nlohmann::json clocks_json(std::uint64_t lamport, std::span<const std::uint32_t> vector, hlc_stamp hlc,
                           std::span<const std::string> names) {
  nlohmann::json v = nlohmann::json::object();
  for (std::size_t i = 0; i < vector.size(); ++i)
    if (vector[i] != 0) v[names[i]] = vector[i];
  return {{"lamport", lamport}, {"vector", v}, {"hlc", {{"l", format_duration(hlc.l)}, {"c", hlc.c}}}};
}

std::string found_text(const expectation_result& r, std::span<const std::string> names) {
  if (!r.clocks) return r.relation;
  const event_clocks& c = *r.clocks;
  return std::string("lamport ").append(std::to_string(c.lamport)).append(", vector ")
      .append(vector_text(c.vector, names)).append(", hlc ").append(to_string(c.hlc));
}

nlohmann::json found_json(const expectation_result& r, std::span<const std::string> names) {
  if (!r.clocks) return r.relation;
  return clocks_json(r.clocks->lamport, r.clocks->vector, r.clocks->hlc, names);
}

expectation_checker::expectation_checker(const scenario& s, const causality& truth,
                                         const invariant_checker& invariants)
    : scenario_(&s), truth_(&truth), invariants_(&invariants), relations_(s.expect.size(), relation::unknown) {
  for (std::size_t i = 0; i < s.expect.size(); ++i) {
    const expectation& x = s.expect[i];
    if (x.type == expectation::kind::violates) continue;
    watched_.emplace_back(i, 0, x.a);
    if (x.type != expectation::kind::event_values) watched_.emplace_back(i, 1, x.b);
  }
}

void expectation_checker::on_start(const run_header& h) { names_.assign(h.process_names.begin(), h.process_names.end()); }

void expectation_checker::on_event(const event_record& e) {
  for (std::size_t k = 0; k < watched_.size(); ++k) {
    watched& w = watched_[k];
    if (!w.tracker.offer(e)) continue;
    w.seen = true;
    w.process = e.process;
    w.seq = e.seq;
    w.id = e.id;
    w.values = {e.lamport, {e.vector.begin(), e.vector.end()}, e.hlc};
    if (scenario_->expect[w.expectation].type == expectation::kind::event_values) continue;
    // The pair's relation is decided when its later event happens: only then is its causal past
    // complete, and the earlier one, if in it, is there already.
    const bool is_b = w.side == 1;
    const watched& other = is_b ? watched_[k - 1] : watched_[k + 1];
    if (!other.seen) continue;
    relation r;
    if (other.id == e.id)
      r = relation::same;
    else if (truth_->truth(e.process)[other.process] >= other.seq)
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
      throw input_error(scenario_->file, x.path + field, "a reference that names exactly one event",
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
                        (!x.hlc_l || *x.hlc_l == c.hlc.l) && (!x.hlc_c || *x.hlc_c == c.hlc.c);
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
        const auto which = parse_invariant(x.invariant);
        const std::uint64_t n = which ? invariants_->count(*which) : 0;
        results_.push_back({&x, n > 0 ? status::met : status::unmet, std::nullopt,
                            std::to_string(n).append(n == 1 ? " violation" : " violations")});
        break;
      }
    }
  }
}

}  // namespace hbsim
