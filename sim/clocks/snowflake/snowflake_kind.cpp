#include "clocks/snowflake/snowflake_kind.hpp"

#include <array>
#include <unordered_map>

#include "core/concat.hpp"
#include "hbsim/clocks/snowflake/snowflake_clock.hpp"

namespace hbsim {

namespace {

using words = std::vector<std::uint64_t>;
using names_span = std::span<const std::string>;

std::string fields_text(std::uint64_t id) {
  const snowflake_fields f = snowflake_split(id);
  return concat("ms ", f.ms_since_epoch, " since the epoch, machine ", f.machine, ", seq ", f.seq);
}

std::string id_text(stamp_words s) { return s.empty() ? "null (refused)" : concat(s[0], " (", fields_text(s[0]), ")"); }

std::string event_name(process_id p, std::uint64_t seq, names_span names) { return concat(names[p], "#", seq); }

// snowflake.monotonic: each id of a process is greater than its previous one; snowflake.unique: no
// id is drawn twice in the run. A refused event has no id and breaks neither.
class snowflake_judge final : public clock_judge {
 public:
  explicit snowflake_judge(names_span names) : names_(names.begin(), names.end()), last_(names.size()) {}

  void judge(const event_record& e, stamp_words stamp, const causality&, clock_findings& out) override {
    if (stamp.empty()) return;
    const std::uint64_t id = stamp[0];
    latest& l = last_[e.process];
    if (l.seq != 0 && id <= l.id)
      out.violated(0, [&] {
        return concat("id ", id_text(stamp), " is not greater than the previous id of ", names_[e.process], " (",
                      event_name(e.process, l.seq, names_), "): ", id_text({&l.id, 1}));
      });
    l = {id, e.seq};
    const auto first = drawn_.try_emplace(id, e.process, e.seq);  // no structured binding: Clang 14 lambdas
    if (!first.second)
      out.violated(1, [&] {
        const auto& [process, seq] = first.first->second;
        return concat("id ", id_text(stamp), " was already drawn by ", event_name(process, seq, names_));
      });
  }

 private:
  struct latest {
    std::uint64_t id = 0;
    std::uint64_t seq = 0;  // 0: no id yet
  };
  std::vector<std::string> names_;
  std::vector<latest> last_;
  // Every id drawn, with its first event: looked up, never iterated.
  std::unordered_map<std::uint64_t, std::pair<process_id, std::uint64_t>> drawn_;  // looked up, never iterated
};

constexpr std::array<std::string_view, 2> invariant_names = {"snowflake.monotonic", "snowflake.unique"};
constexpr std::array<std::string_view, 3> option_names = {"epoch_ms", "start_unix_ms", "on_backward"};

// Which of the generator's cases gave `after` from `before`, told from the ids alone (the clock
// reading and the options are not in a trace); "" when no case gives it, not canonical when only a
// wrong variant does.
explained_rule snowflake_case(stamp_words before, stamp_words after) {
  if (after.empty()) return {"the clock read an earlier ms than at the last id (it went back): refused, null"};
  if (before.empty()) {  // the first id, or one after a refusal, whose generator's last id is further back
    const snowflake_fields a = snowflake_split(after[0]);
    return {a.seq == 0 ? concat("a new ms ", a.ms_since_epoch, ", seq 0")
                       : concat("the generator's last id had ms ", a.ms_since_epoch, ": seq ", a.seq)};
  }
  const snowflake_fields b = snowflake_split(before[0]), a = snowflake_split(after[0]);
  if (a.ms_since_epoch == b.ms_since_epoch && a.seq == b.seq + 1)
    return {concat("the clock has not passed the last id's ms ", b.ms_since_epoch, ": seq ", b.seq, " + 1 = ", a.seq)};
  if (a.ms_since_epoch == b.ms_since_epoch + 1 && a.seq == 0 && b.seq == snowflake_max_seq)
    return {concat("seq ", b.seq, " + 1 is past ", snowflake_max_seq, ": the next ms ", a.ms_since_epoch, ", seq 0")};
  if (a.ms_since_epoch > b.ms_since_epoch && a.seq == 0)
    return {concat("a new ms ", a.ms_since_epoch, " after the last id's ", b.ms_since_epoch, ", seq 0")};
  // The wrong variants' own cases: no canonical generator gives these.
  if (a.ms_since_epoch == b.ms_since_epoch && a.seq == 0 && b.seq == snowflake_max_seq)
    return {concat("snowflake variant seq-wrap: seq ", b.seq, " + 1 wraps to 0 in the same ms ", a.ms_since_epoch,
                   ": the id repeats"), false};
  if (a.ms_since_epoch < b.ms_since_epoch && a.seq == 0)
    return {concat("snowflake variant no-backward-check: the clock went back to ms ", a.ms_since_epoch,
                   ", before the last id's ", b.ms_since_epoch, ", used as it is, seq 0"), false};
  return {"", false};
}

class snowflake final : public clock_kind {
 public:
  explicit snowflake(snowflake_options options = {}) : options_(options) {}
  std::string_view name() const override { return "snowflake"; }
  std::span<const std::string_view> variants() const override { return snowflake_variant_names(); }
  std::span<const std::string_view> options() const override { return option_names; }
  std::size_t max_processes() const override { return snowflake_max_processes; }
  std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t variant, const nlohmann::json&) const override {
    return std::make_unique<snowflake_clock>(processes, static_cast<snowflake_variant>(variant), options_);
  }
  std::shared_ptr<const clock_kind> configure(const nlohmann::json& block) const override {
    return std::make_shared<snowflake>(snowflake_options::read(block));
  }

  nlohmann::json write(stamp_words s, names_span) const override {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s[0]);
  }
  std::string read(const nlohmann::json& v, names_span, words& out) const override {
    out.clear();
    if (v.is_null()) return "";
    if (!v.is_number_unsigned()) return "a snowflake id: an unsigned 64-bit integer, or null when refused";
    out.push_back(v.get<std::uint64_t>());
    return "";
  }
  std::string text(stamp_words s, names_span) const override { return id_text(s); }

  // The case the ids show, then the id's formula; a wrong variant is named in the case it changes.
  std::string rule(const clock_step& s, names_span names) const override {
    std::string out = snowflake_case(s.before, s.after).text;
    if (out.empty())
      return concat("the id went from ", id_text(s.before), " to ", id_text(s.after),
                    ", which no rule of the generator gives");
    if (s.after.empty()) return out;
    const snowflake_fields a = snowflake_split(s.after[0]);
    out.append(concat(": id = (", a.ms_since_epoch, " << 22) | (", a.machine, " << 12) | ", a.seq, " = ", s.after[0]));
    if (a.machine != s.process) out.append(concat(", but the machine of ", names[s.process], " is ", s.process));
    return out;
  }

  // The ids alone tell a case of the generator, not the stamp it should have drawn (that needs its
  // clock reading in ms, which the options give): canonical when a canonical case gave the id.
  explained_rule explain(const clock_step& s, names_span names, std::string_view note) const override {
    return {concat(rule(s, names), note), snowflake_case(s.before, s.after).canonical};
  }

  std::span<const std::string_view> invariants() const override { return invariant_names; }
  std::unique_ptr<clock_judge> make_judge(names_span processes) const override {
    return std::make_unique<snowflake_judge>(processes);
  }

  std::string encoding(std::size_t) const override { return "8 bytes per id, 0 when refused"; }
  // Ids order events by their value; an event without one is not ordered.
  stamp_order order(stamped a, stamped b) const override {
    if (a.words.empty() || b.words.empty()) return stamp_order::undecided;
    return a.words[0] < b.words[0]   ? stamp_order::before
           : a.words[0] > b.words[0] ? stamp_order::after
                                     : stamp_order::equal;
  }

 private:
  snowflake_options options_;
};

}  // namespace

std::shared_ptr<const clock_kind> snowflake_kind() { return std::make_shared<snowflake>(); }

}  // namespace hbsim
