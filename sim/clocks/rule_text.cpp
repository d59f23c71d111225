#include "clocks/rule_text.hpp"

#include "core/concat.hpp"

namespace hbsim {

std::string narrated_rule(const rule_clause& c, bool matches, const std::string& expected, std::string_view clock,
                          const std::string& recorded) {
  std::string out = c.variant.empty() ? std::string() : concat(c.variant, ": ");
  out.append(c.formula);
  if (!matches) out.append(" would give ").append(expected);
  else if (!c.shows_value) out.append(" = ").append(expected);
  if (!c.why.empty()) out.append(" (").append(c.why).append(")");
  if (!matches)
    out.append(concat(", but the run recorded ", clock, " = ", recorded, ", which this rule does not give"));
  return out;
}

explained_rule explained(std::string rule, std::string_view note, bool canonical, const std::string& recorded) {
  rule.append(note);
  if (!canonical) rule.append("; but ").append(recorded).append(" was recorded: not the canonical rule");
  return {std::move(rule), canonical};
}

}  // namespace hbsim
