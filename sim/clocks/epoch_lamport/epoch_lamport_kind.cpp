#include "clocks/epoch_lamport/epoch_lamport_kind.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "clocks/rule_text.hpp"
#include "core/concat.hpp"
#include "hbsim/clocks/epoch_lamport/epoch_lamport_clock.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/truth/causality.hpp"

namespace hbsim {

namespace {

using words = std::vector<std::uint64_t>;
using names_span = std::span<const std::string>;
using variant = epoch_lamport_variant;

constexpr std::array<std::string_view, 2> option_names = {"bits", "start"};
constexpr std::array<std::string_view, 4> invariant_names = {
    "epoch_lamport.clock_condition", "epoch_lamport.monotonic", "epoch_lamport.in_range", "epoch_lamport.rule"};
enum invariant_index : std::size_t { clock_condition, monotonic, in_range, rule_index };

epoch_stamp stamp_of(stamp_words w) { return {w[0], w[1]}; }
words words_of(epoch_stamp s) { return {s.epoch, s.c}; }
std::string text_of(epoch_stamp s) { return concat("(", s.epoch, ", ", s.c, ")"); }

// The block's options (those it leaves out keep their defaults); throws input_error for one it refuses.
epoch_lamport_settings read_settings(const nlohmann::json& block) {
  epoch_lamport_settings out;
  if (const auto b = block.find("bits"); b != block.end()) {
    if (!b->is_number_unsigned() || b->get<std::uint64_t>() < 1 || b->get<std::uint64_t>() > 63)
      throw input_error("", "/bits", "an integer from 1 to 63, the width of c (c <= 2^bits - 1)", describe_json(*b));
    out.bits = static_cast<unsigned>(b->get<std::uint64_t>());
  }
  if (const auto s = block.find("start"); s != block.end()) {
    if (!s->is_number_unsigned() || s->get<std::uint64_t>() > out.max())
      throw input_error("", "/start",
                        concat("an integer from 0 to ", out.max(), ", the bound of c (2^bits - 1 with bits ", out.bits, ")"),
                        describe_json(*s));
    out.start = s->get<std::uint64_t>();
  }
  return out;
}

// The rule under `v` at one event, as narration words it: the formula, and the variant where it
// changes what the canonical rule does.
rule_clause clause_of(variant v, std::uint64_t max, epoch_stamp before, const epoch_stamp* m) {
  const std::string name = concat("epoch_lamport variant ", epoch_lamport_variant_names()[static_cast<std::size_t>(v)]);
  if (m && v == variant::old_epoch_ignored && m->epoch < before.epoch)
    return {name, concat("(e, c) stays ", text_of(before)), true,
            concat("ignores the message's ", text_of(*m), ", from an older epoch: no merge, no tick")};
  const epoch_stamp merged = m ? std::max(before, *m) : before;
  // A receive's merge first; then the tick, of the merged stamp.
  const std::string merge = m ? concat("(e, c) = max(", text_of(before), ", ", text_of(*m), ") = ", text_of(merged),
                                      ", then ")
                               : std::string();
  const std::string tick = m ? std::string() : std::string("(e, c) = ");
  const std::string e = std::to_string(merged.epoch);
  if (merged.c != max) return {{}, concat(merge, tick, "(", e, ", ", merged.c, " + 1)"), false, {}};
  if (v == variant::raw_wrap)
    return {name, concat(merge, tick, "(", e, ", (", max, " + 1) mod ", max + 1, ")"), false,
            concat("c wraps to 0, the epoch stays ", e)};
  if (m && v == variant::bound_on_tick_only)
    return {name, concat(merge, "(", e, ", ", max, " + 1)"), false,
            concat("a receive does not check the bound: c passes MAX ", max)};
  return {{}, concat(merge, "c = MAX ", max, ", so a new epoch: ", tick, "(", e, " + 1, 0 + 1)"), false, {}};
}

std::string narrated_step(variant v, std::uint64_t max, epoch_stamp before, const epoch_stamp* m,
                          epoch_stamp recorded) {
  const epoch_stamp expected = epoch_lamport_step(v, max, before, m);
  return narrated_rule(clause_of(v, max, before, m), expected == recorded, text_of(expected), "epoch_lamport",
                       text_of(recorded));
}

// The four invariants, event after event: each edge a -> b (the previous event of b's process, a
// receive's send) must have stamp(a) < stamp(b); process order also for monotonic; c <= MAX; and the
// canonical rule from the previous recorded stamp (the initial (0, start) for a first event) and the
// send's.
class epoch_lamport_judge final : public clock_judge {
 public:
  epoch_lamport_judge(names_span names, epoch_lamport_settings settings)
      : names_(names.begin(), names.end()), settings_(settings), latest_(names.size(), {0, settings.start}) {}

  void judge(const event_record& e, stamp_words words, const causality& truth, clock_findings& out) override {
    const process_id p = e.process;
    const epoch_stamp now = stamp_of(words), before = latest_[p];
    const std::string here = concat(names_[p], "#", e.seq);
    if (e.seq > 1 && !(before < now)) {
      const auto broken = [&] {
        return concat("the previous event of ", names_[p], ", ", names_[p], "#", e.seq - 1, ", has ", text_of(before),
                      ", and ", here, " ", text_of(now), " is not above it");
      };
      out.violated(clock_condition, broken);
      out.violated(monotonic, broken);
    }
    const send* m = truth.merged() ? &sends_[truth.slot()] : nullptr;
    if (m && !(m->stamp < now))
      out.violated(clock_condition, [&] {
        return concat("its message's send ", names_[m->process], "#", m->seq, " has ", text_of(m->stamp), ", and ",
                      here, " ", text_of(now), " is not above it");
      });
    const std::uint64_t max = settings_.max();
    if (now.c > max)
      out.violated(in_range, [&] { return concat("c = ", now.c, " > MAX ", max, " (", settings_.bits, " bits)"); });
    // A receive whose send is not in the trace has no message stamp to judge its rule from.
    const bool known = e.kind != event_kind::receive || m;
    const epoch_stamp* message = m ? &m->stamp : nullptr;
    if (known && epoch_lamport_step(variant::canonical, max, before, message) != now)
      out.violated(rule_index, [&] { return narrated_step(variant::canonical, max, before, message, now); });
    latest_[p] = now;
    if (truth.sent_slot() != causality::no_slot) {
      if (sends_.size() < truth.slots()) sends_.resize(truth.slots());
      sends_[truth.sent_slot()] = {now, p, e.seq};
    }
  }

 private:
  struct send {
    epoch_stamp stamp;
    process_id process = 0;
    std::uint64_t seq = 0;
  };
  std::vector<std::string> names_;
  epoch_lamport_settings settings_;
  std::vector<epoch_stamp> latest_;  // per process: its latest recorded stamp
  std::vector<send> sends_;          // per send slot of the ground truth
};

class epoch_lamport final : public clock_kind {
 public:
  explicit epoch_lamport(epoch_lamport_settings settings = {}) : settings_(settings) {}

  std::string_view name() const override { return "epoch_lamport"; }
  std::span<const std::string_view> variants() const override { return epoch_lamport_variant_names(); }
  std::span<const std::string_view> options() const override { return option_names; }
  std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t variant, const nlohmann::json&) const override {
    return std::make_unique<epoch_lamport_clock>(processes, settings_, static_cast<epoch_lamport_variant>(variant));
  }
  std::shared_ptr<const clock_kind> configure(const nlohmann::json& block) const override {
    return std::make_shared<epoch_lamport>(read_settings(block));
  }
  nlohmann::json recorded_options() const override { return {{"bits", settings_.bits}, {"start", settings_.start}}; }

  nlohmann::json write(stamp_words w, names_span) const override { return nlohmann::json::array({w[0], w[1]}); }
  std::string read(const nlohmann::json& v, names_span, words& out) const override {
    if (!v.is_array() || v.size() != 2 || !v[0].is_number_unsigned() || !v[1].is_number_unsigned())
      return "[epoch, c]: two integers from 0 to 18446744073709551615";
    out = {v[0].get<std::uint64_t>(), v[1].get<std::uint64_t>()};
    return "";
  }
  std::string text(stamp_words w, names_span) const override { return text_of(stamp_of(w)); }

  std::string rule(const clock_step& s, names_span) const override {
    const epoch_stamp m = s.message.empty() ? epoch_stamp{} : stamp_of(s.message);
    return narrated_step(static_cast<variant>(s.variant), settings_.max(), stamp_of(s.before),
                         s.message.empty() ? nullptr : &m, stamp_of(s.after));
  }
  words canonical(const clock_step& s) const override {
    const epoch_stamp m = s.message.empty() ? epoch_stamp{} : stamp_of(s.message);
    return words_of(epoch_lamport_step(variant::canonical, settings_.max(), stamp_of(s.before),
                                       s.message.empty() ? nullptr : &m));
  }

  std::span<const std::string_view> invariants() const override { return invariant_names; }
  std::unique_ptr<clock_judge> make_judge(names_span processes) const override {
    return std::make_unique<epoch_lamport_judge>(processes, settings_);
  }

  // On the wire c takes the bytes its bits need, the epoch 4 (a 32-bit epoch outlasts any run).
  std::uint64_t bytes(stamp_words) const override { return epoch_bytes + c_bytes(); }
  std::string encoding(std::size_t) const override {
    return concat(epoch_bytes, "-byte epoch + ", c_bytes(), "-byte c (", settings_.bits, " bits)");
  }
  // Lexicographic, epoch first: a smaller stamp cannot come after; equal stamps tell nothing apart.
  stamp_order order(stamped a, stamped b) const override {
    const epoch_stamp x = stamp_of(a.words), y = stamp_of(b.words);
    return x < y ? stamp_order::before : y < x ? stamp_order::after : stamp_order::equal;
  }

 private:
  static constexpr std::uint64_t epoch_bytes = 4;
  std::uint64_t c_bytes() const { return (settings_.bits + 7) / 8; }
  epoch_lamport_settings settings_;
};

}  // namespace

std::shared_ptr<const clock_kind> epoch_lamport_kind() { return std::make_shared<epoch_lamport>(); }

}  // namespace hbsim
