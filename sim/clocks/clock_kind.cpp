#include "hbsim/clocks/clock_kind.hpp"

#include <algorithm>

#include "core/concat.hpp"

namespace hbsim {

std::string clock_kind::stated(stamp_words stamp, std::span<const std::string> names) const {
  return concat(name(), " ", text(stamp, names));
}

std::vector<std::uint64_t> clock_kind::sent(const clock_step& step) const { return {step.after.begin(), step.after.end()}; }

std::vector<std::uint64_t> clock_kind::canonical(const clock_step& step) const {
  return {step.after.begin(), step.after.end()};
}

explained_rule clock_kind::explain(const clock_step& step, std::span<const std::string> names,
                                   std::string_view note) const {
  clock_step canonical_step = step;
  canonical_step.variant = 0;
  const std::vector<std::uint64_t> expected = canonical(step);
  return {concat(rule(canonical_step, names), note),
          std::equal(expected.begin(), expected.end(), step.after.begin(), step.after.end())};
}

explained_rule clock_kind::restored(const clock_step& step, std::span<const std::string> names) const {
  return {concat(text(step.after, names), ", ticked from clocks restored from a checkpoint (not in the trace, so not checked)"),
          true};
}

}  // namespace hbsim
