#include "clocks/truetime/truetime_kind.hpp"

#include <array>
#include <optional>

#include "core/concat.hpp"
#include "hbsim/clocks/truetime/truetime_clock.hpp"
#include "hbsim/core/time.hpp"

namespace hbsim {

namespace {

using words = std::vector<std::uint64_t>;
using names_span = std::span<const std::string>;

sim_time earliest(stamp_words s) { return static_cast<sim_time>(s[0]); }
sim_time latest(stamp_words s) { return static_cast<sim_time>(s[1]); }

std::string interval_text(stamp_words s) {
  return s.size() != 2 ? std::string("none yet")
                       : concat("[", format_duration(earliest(s)), ", ", format_duration(latest(s)), "]");
}

// truetime.contains_true_time: earliest ≤ the event's true time ≤ latest. truetime.commit_wait: at a
// commit's `-done` event, earliest > s. truetime.external_consistency: a commit done, in true time, before
// another commit starts has the smaller s; events come in true time order, so the judge keeps the
// largest s of the commits done before the current time, and those done at it apart.
class truetime_judge final : public clock_judge {
 public:
  explicit truetime_judge(names_span names) : names_(names.begin(), names.end()) {}

  void judge(const event_record& e, stamp_words stamp, const causality&, clock_findings& out) override {
    if (stamp.size() != 2 || earliest(stamp) > e.time || e.time > latest(stamp))
      out.violated(0, [&] {
        if (stamp.size() != 2) return std::string("no interval");
        const sim_time error = sub_sat(e.pt, e.time), half = sub_sat(latest(stamp), earliest(stamp)) / 2;
        return concat("TT.now() = ", interval_text(stamp), " does not contain the true time ", format_duration(e.time),
                      ": the clock is off by pt - time = ", format_duration(error), ", more than epsilon ",
                      format_duration(half));
      });
    if (e.time > now_) {
      if (done_now_ && (!done_before_ || done_now_->s > done_before_->s)) done_before_ = done_now_;
      done_now_.reset();
      now_ = e.time;
    }
    if (!e.commit) return;
    const sim_time s = e.commit->s;
    if (!e.commit->done()) {
      if (done_before_ && done_before_->s >= s)
        out.violated(2, [&] {
          return concat("commit ", e.label, " at ", names_[e.process], " starts at ", format_duration(e.time),
                        " with s = ", format_duration(s), ", after ", done_before_->label, " at ",
                        names_[done_before_->process], " finished at ", format_duration(done_before_->time),
                        " with s = ", format_duration(done_before_->s), ": the later commit has no larger s");
        });
      return;
    }
    if (stamp.size() == 2 && earliest(stamp) <= s)
      out.violated(1, [&] {
        return concat(e.label, ": earliest ", format_duration(earliest(stamp)), " is not past s = ", format_duration(s),
                      ": the commit wait ended too soon");
      });
    if (!done_now_ || s > done_now_->s) done_now_ = done_commit{s, e.time, e.process, std::string(e.label)};
  }

 private:
  struct done_commit {
    sim_time s;
    sim_time time;
    process_id process;
    std::string label;
  };
  std::vector<std::string> names_;
  sim_time now_ = time_min;
  std::optional<done_commit> done_before_;  // the largest s of the commits done before now_
  std::optional<done_commit> done_now_;     // the largest s of those done at now_
};

constexpr std::array<std::string_view, 3> invariant_names = {
    "truetime.contains_true_time", "truetime.commit_wait", "truetime.external_consistency"};
constexpr std::array<std::string_view, 1> option_names = {"epsilon"};

class truetime final : public clock_kind {
 public:
  std::string_view name() const override { return "truetime"; }
  std::span<const std::string_view> variants() const override { return truetime_variant_names(); }
  std::span<const std::string_view> options() const override { return option_names; }
  explicit truetime(truetime_options options = {}) : options_(options) {}
  std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t, const nlohmann::json&) const override {
    return std::make_unique<truetime_clock>(processes, options_);
  }
  std::shared_ptr<const clock_kind> configure(const nlohmann::json& block) const override {
    return std::make_shared<truetime>(truetime_options::read(block));
  }

  nlohmann::json write(stamp_words s, names_span) const override {
    return s.size() == 2 ? nlohmann::json::array({earliest(s), latest(s)}) : nlohmann::json(nullptr);
  }
  // The trace's integers (ns); an expectation may write durations ("99.88ms").
  std::string read(const nlohmann::json& v, names_span, words& out) const override {
    const std::string wanted = "a TrueTime interval: [earliest, latest], ns or durations";
    out.clear();
    if (!v.is_array() || v.size() != 2) return wanted;
    for (const nlohmann::json& end : v) {
      if (end.is_number_integer() && !(end.is_number_unsigned() && end.get<std::uint64_t>() > INT64_MAX))
        out.push_back(static_cast<std::uint64_t>(end.get<std::int64_t>()));
      else if (const auto t = end.is_string() ? parse_duration(end.get_ref<const std::string&>()) : std::nullopt)
        out.push_back(static_cast<std::uint64_t>(*t));
      else
        return wanted;
    }
    return earliest(out) <= latest(out) ? "" : wanted;
  }
  std::string text(stamp_words s, names_span) const override { return interval_text(s); }

  // ε is read back from the interval: the options, the true time and the last sync are not in a trace.
  std::string rule(const clock_step& s, names_span) const override {
    const sim_time half = sub_sat(latest(s.after), earliest(s.after)) / 2;
    std::string out = concat("TT.now() = [pt - e, pt + e], e = ", format_duration(half), ": [",
                             format_duration(s.pt), " - ", format_duration(half), ", ", format_duration(s.pt), " + ",
                             format_duration(half), "] = ", interval_text(s.after));
    if (!centered(s)) out.append(concat(", which is not centered on pt ", format_duration(s.pt), ": no rule gives it"));
    return out;
  }
  explained_rule explain(const clock_step& s, names_span names, std::string_view note) const override {
    return {concat(rule(s, names), note), centered(s)};
  }

  std::span<const std::string_view> invariants() const override { return invariant_names; }
  std::unique_ptr<clock_judge> make_judge(names_span names) const override {
    return std::make_unique<truetime_judge>(names);
  }

  std::string encoding(std::size_t) const override { return "16 bytes per interval, two int64 ns"; }
  // a before b only when a's interval ends before b's begins; overlapping intervals cannot tell.
  stamp_order order(stamped a, stamped b) const override {
    if (a.words.size() != 2 || b.words.size() != 2) return stamp_order::undecided;
    return latest(a.words) < earliest(b.words)   ? stamp_order::before
           : latest(b.words) < earliest(a.words) ? stamp_order::after
                                                 : stamp_order::undecided;
  }

 private:
  truetime_options options_;
  static bool centered(const clock_step& s) {
    const sim_time half = sub_sat(latest(s.after), earliest(s.after)) / 2;
    return sub_sat(s.pt, half) == earliest(s.after) && add_sat(s.pt, half) == latest(s.after);
  }
};

}  // namespace

std::shared_ptr<const clock_kind> truetime_kind() { return std::make_shared<truetime>(); }

}  // namespace hbsim
