#include "hbsim/expectation_checker.hpp"

#include "hbsim/input_error.hpp"
#include "hbsim/scenario.hpp"

namespace hbsim {

nlohmann::json clocks_json(std::uint64_t lamport, std::span<const std::uint32_t> vector, hlc_stamp hlc,
                           std::span<const std::string> names) {
  nlohmann::json v = nlohmann::json::object();
  for (std::size_t i = 0; i < vector.size(); ++i)
    if (vector[i] != 0) v[names[i]] = vector[i];
  return {{"lamport", lamport}, {"vector", v}, {"hlc", {{"l", format_duration(hlc.l)}, {"c", hlc.c}}}};
}

expectation_checker::expectation_checker(const scenario& s) : scenario_(&s) {
  for (std::size_t i = 0; i < s.expect.size(); ++i)
    if (s.expect[i].type == expectation::kind::event_values) {
      valued_.push_back(i);
      trackers_.emplace_back(s.expect[i].a);
    }
  captured_.resize(valued_.size());
}

void expectation_checker::on_start(const run_header& h) { names_.assign(h.process_names.begin(), h.process_names.end()); }

void expectation_checker::on_event(const event_record& e) {
  for (std::size_t k = 0; k < trackers_.size(); ++k) {
    if (!trackers_[k].offer(e)) continue;
    captured& c = captured_[k];
    c.seen = true;
    c.lamport = e.lamport;
    c.vector.assign(e.vector.begin(), e.vector.end());
    c.hlc = e.hlc;
  }
}

void expectation_checker::on_finish(const run_end&) {
  for (std::size_t k = 0; k < trackers_.size(); ++k)
    if (!trackers_[k].sound()) {
      const expectation& x = scenario_->expect[valued_[k]];
      throw input_error(scenario_->file, x.path + "/event", "a reference that names exactly one event",
                        trackers_[k].problem(names_));
    }
  results_.clear();
  std::size_t k = 0;
  for (const expectation& x : scenario_->expect) {
    if (x.type != expectation::kind::event_values) {
      results_.push_back({&x, expectation_result::status::unchecked,
                          "not checked by this version: before, concurrent and violates need the "
                          "happens-before checker"});
      continue;
    }
    const captured& c = captured_[k++];
    bool ok = (!x.lamport || *x.lamport == c.lamport) && (!x.vector || *x.vector == c.vector) &&
              (!x.hlc_l || *x.hlc_l == c.hlc.l) && (!x.hlc_c || *x.hlc_c == c.hlc.c);
    results_.push_back({&x, ok ? expectation_result::status::met : expectation_result::status::unmet,
                        clocks_json(c.lamport, c.vector, c.hlc, names_)});
  }
}

}  // namespace hbsim
