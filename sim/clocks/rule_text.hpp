// The wording the standard kinds share for their rules: narration's clause ("[variant: ]formula[ =
// value][ (why)]") and explain's verdict on a recorded value the canonical rule does not give.
#pragma once

#include <string>
#include <string_view>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

/// One clock's part of a narrated event line.
struct rule_clause {
  std::string variant;  // "lamport variant no-tick-local", empty when the canonical rule applied
  std::string formula;
  bool shows_value = false;  // the formula already is the value ("L stays 3")
  std::string why;
};

/// The clause with the value it gives; when the run recorded something else, "formula would give
/// expected, but the run recorded CLOCK = recorded, which this rule does not give".
std::string narrated_rule(const rule_clause& c, bool matches, const std::string& expected, std::string_view clock,
                          const std::string& recorded);

/// Explain's text: the rule, `note`, and when not canonical, "; but RECORDED was recorded: not the canonical rule".
explained_rule explained(std::string rule, std::string_view note, bool canonical, const std::string& recorded);

}  // namespace hbsim
