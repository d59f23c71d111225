#include "clocks/lamport/lamport_kind.hpp"

#include <algorithm>
#include <array>

#include "clocks/lamport/lamport_judge.hpp"
#include "clocks/rule_text.hpp"
#include "core/concat.hpp"
#include "hbsim/clocks/lamport/lamport_clock.hpp"

namespace hbsim {

namespace {

using words = std::vector<std::uint64_t>;
using names_span = std::span<const std::string>;

std::string num(std::uint64_t v) { return std::to_string(v); }


// The narrated rule of a wrong variant, or the canonical one where the variant does not differ.
std::pair<rule_clause, std::uint64_t> variant_rule(lamport_variant v, event_kind kind, std::uint64_t before,
                                                   const std::uint64_t* m) {
  const std::string b = num(before);
  const std::string name = concat("lamport variant ", to_string(v));
  const std::string fresh = before == 0 ? std::string("a new clock at 0 for every event")
                                        : concat("a new clock at 0 for every event: forgets ", b);
  if (m) {
    const std::string mt = num(*m);
    switch (v) {
      case lamport_variant::ignore_message:
        return {{name, concat("L = ", b, " + 1"), false, concat("ignores the message's ", mt)}, before + 1};
      case lamport_variant::double_tick_receive:
        return {{name, concat("L = max(", b, " + 1, ", mt, ") + 1"), false, "ticks once more before the merge"},
                std::max(before + 1, *m) + 1};
      case lamport_variant::fresh_per_event:
        return {{name, concat("L = max(0, ", mt, ") + 1"), false, fresh}, *m + 1};
      default: return {{{}, concat("L = max(", b, ", ", mt, ") + 1"), false, {}}, std::max(before, *m) + 1};
    }
  }
  if (v == lamport_variant::no_tick_local && kind == event_kind::local)
    return {{name, concat("L stays ", b), true, "a local event does not tick"}, before};
  if (v == lamport_variant::fresh_per_event) return {{name, "L = 0 + 1", false, fresh}, 1};
  return {{{}, concat("L = ", b, " + 1"), false, {}}, before + 1};
}

class lamport final : public clock_kind {
 public:
  std::string_view name() const override { return "lamport"; }
  std::span<const std::string_view> variants() const override { return lamport_variant_names(); }
  std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t variant, const nlohmann::json&) const override {
    return std::make_unique<lamport_clock>(processes, static_cast<lamport_variant>(variant));
  }

  nlohmann::json write(stamp_words stamp, names_span) const override { return stamp[0]; }
  std::string read(const nlohmann::json& v, names_span, words& out) const override {
    if (!v.is_number_unsigned()) return "a Lamport clock: an integer from 0 to 18446744073709551615";
    out.assign(1, v.get<std::uint64_t>());
    return "";
  }
  std::string text(stamp_words stamp, names_span) const override { return num(stamp[0]); }

  std::string rule(const clock_step& s, names_span) const override {
    const auto [c, expected] = variant_rule(static_cast<lamport_variant>(s.variant), s.kind, s.before[0],
                                            s.message.empty() ? nullptr : s.message.data());
    return narrated_rule(c, expected == s.after[0], num(expected), "L", num(s.after[0]));
  }
  std::string stated(stamp_words stamp, names_span) const override { return concat("L = ", num(stamp[0])); }
  words canonical(const clock_step& s) const override {
    return {(s.message.empty() ? s.before[0] : std::max(s.before[0], s.message[0])) + 1};
  }
  explained_rule explain(const clock_step& s, names_span, std::string_view note) const override {
    const std::string b = num(s.before[0]), v = num(canonical(s)[0]);
    const std::string how = s.message.empty() ? concat("L = L' + 1 = ", b, " + 1 = ", v)
                                              : concat("L = max(L', L_m) + 1 = max(", b, ", ", num(s.message[0]),
                                                       ") + 1 = ", v);
    return explained(how, note, canonical(s)[0] == s.after[0], num(s.after[0]));
  }
  // What the checkpoint held follows from the recorded value, as long as it is a tick.
  explained_rule restored(const clock_step& s, names_span) const override {
    const std::uint64_t now = s.after[0];
    if (now < 1) return {"L = 0, which no tick gives: not the canonical rule", false};
    const std::string held = num(now - 1);
    return {concat("L = ", held, " + 1 = ", num(now), " (", held, " restored from a checkpoint)"), true};
  }

  std::span<const std::string_view> invariants() const override { return lamport_judge::invariants; }
  std::unique_ptr<clock_judge> make_judge(names_span) const override { return nullptr; }

  // A smaller L cannot come after; equal values tell nothing apart.
  stamp_order order(stamped a, stamped b) const override {
    const std::uint64_t x = a.words[0], y = b.words[0];
    return x < y ? stamp_order::before : x > y ? stamp_order::after : stamp_order::equal;
  }
};

}  // namespace

std::shared_ptr<const clock_kind> lamport_kind() { return std::make_shared<lamport>(); }

}  // namespace hbsim
