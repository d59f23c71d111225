#include "clocks/matrix/matrix_kind.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>

#include "core/concat.hpp"
#include "hbsim/clocks/matrix/matrix_clock.hpp"
#include "hbsim/truth/causality.hpp"

namespace hbsim {

namespace {

using words = std::vector<std::uint64_t>;
using names_span = std::span<const std::string>;

std::string row_text(stamp_words m, std::size_t row, names_span names) {
  const std::size_t n = names.size();
  std::string out = "{";
  for (std::size_t k = 0; k < n; ++k)
    if (m[row * n + k] != 0) out.append(out.size() > 1 ? ", " : "").append(concat(names[k], ":", m[row * n + k]));
  return out.append("}");
}

std::string matrix_text(stamp_words m, names_span names) {
  std::string out = "{";
  for (std::size_t row = 0; row < names.size(); ++row) {
    const auto first = m.begin() + static_cast<std::ptrdiff_t>(row * names.size());
    if (std::all_of(first, first + static_cast<std::ptrdiff_t>(names.size()), [](std::uint64_t x) { return x == 0; }))
      continue;
    out.append(out.size() > 1 ? ", " : "").append(names[row]).append(":").append(row_text(m, row, names));
  }
  return out.append("}");
}

// matrix.exact: row j of an event's matrix is the ground-truth vector of the latest event of j in its
// causal past (row p(e): e's own truth). That truth matrix follows the canonical rule on ground-truth
// rows: a receive takes the send's truth matrix row by row (of two events of j, the later has seen
// more), then the own row is the event's truth.
class matrix_judge final : public clock_judge {
 public:
  explicit matrix_judge(names_span names)
      : names_(names.begin(), names.end()), n_(names.size()), procs_(n_ * n_ * n_, 0) {}

  void judge(const event_record& e, stamp_words stamp, const causality& truth, clock_findings& out) override {
    const std::size_t n2 = n_ * n_;
    const std::span<std::uint64_t> tm(&procs_[e.process * n2], n2);
    if (truth.merged()) {
      const std::uint64_t* sent = &sends_[truth.slot() * n2];
      for (std::size_t i = 0; i < n2; ++i) tm[i] = std::max(tm[i], sent[i]);
    }
    const auto own = truth.truth(e.process);
    std::copy(own.begin(), own.end(), tm.begin() + static_cast<std::ptrdiff_t>(e.process * n_));
    if (!std::equal(tm.begin(), tm.end(), stamp.begin(), stamp.end())) out.violated(0, [&] { return mismatch(e.process, stamp, tm); });
    if (truth.sent_slot() != causality::no_slot) {
      if (sends_.size() < truth.slots() * n2) sends_.resize(truth.slots() * n2);
      std::copy(tm.begin(), tm.end(), sends_.begin() + static_cast<std::ptrdiff_t>(truth.sent_slot() * n2));
    }
  }

 private:
  std::string mismatch(process_id p, stamp_words stamp, stamp_words tm) const {
    std::size_t j = 0;
    while (std::equal(&stamp[j * n_], &stamp[j * n_] + n_, &tm[j * n_])) ++j;
    const std::uint64_t seen = tm[j * n_ + j];
    const std::string whose = j == p    ? std::string("its own row must count its causal past: ")
                              : seen == 0 ? concat("no event of ", names_[j], " is in its causal past: the exact row is ")
                                          : concat("the latest event of ", names_[j], " in its causal past (",
                                                   names_[j], "#", seen, ") has seen ");
    return concat("row ", names_[j], " of M = ", row_text(stamp, j, names_), ", but ", whose,
                  row_text(tm, j, names_));
  }
  std::vector<std::string> names_;
  std::size_t n_;
  words procs_;  // per process: the truth matrix after its latest event
  words sends_;  // per send slot of the ground truth: the truth matrix its messages carry
};

constexpr std::array<std::string_view, 1> invariant_names = {"matrix.exact"};

class matrix final : public clock_kind {
 public:
  std::string_view name() const override { return "matrix"; }
  std::span<const std::string_view> variants() const override { return matrix_variant_names(); }
  std::size_t max_processes() const override { return matrix_max_processes; }
  std::unique_ptr<logical_clock> make(std::size_t processes, std::size_t variant,
                                      const nlohmann::json&) const override {
    return std::make_unique<matrix_clock>(processes, static_cast<matrix_variant>(variant));
  }

  nlohmann::json write(stamp_words m, names_span names) const override {
    nlohmann::json out = nlohmann::json::object();
    const std::size_t n = names.size();
    for (std::size_t row = 0; row < n; ++row)
      for (std::size_t k = 0; k < n; ++k)
        if (m[row * n + k] != 0) out[names[row]][names[k]] = m[row * n + k];
    return out;
  }

  std::string read(const nlohmann::json& v, names_span names, words& out) const override {
    const std::size_t n = names.size();
    out.assign(n * n, 0);
    const auto index = [&](const std::string& name) {
      return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    const std::string wanted = "a matrix clock: {process name: {process name: count}}";
    if (!v.is_object()) return wanted;
    for (const auto& [row, cells] : v.items()) {
      const std::size_t r = index(row);
      if (r == n || !cells.is_object()) return wanted;
      for (const auto& [col, count] : cells.items()) {
        const std::size_t k = index(col);
        if (k == n || !count.is_number_unsigned()) return wanted;
        out[r * n + k] = count.get<std::uint64_t>();
      }
    }
    return "";
  }

  std::string text(stamp_words m, names_span names) const override { return matrix_text(m, names); }

  // A wrong variant is named before the canonical rule, which it does not follow.
  std::string rule(const clock_step& s, names_span names) const override {
    const std::size_t n = names.size();
    const process_id p = s.process;
    std::string out = s.variant == 0 ? std::string() : concat(name(), " variant ", variants()[s.variant], ": ");
    if (!s.message.empty())
      out.append(concat("M = max(M, M_m) row by row, row ", names[p], " also with the message's row ", names[s.from],
                        " ", row_text(s.message, s.from, names), "; then "));
    const words expected = canonical(s);
    const std::uint64_t own = expected[p * n + p];
    out.append(concat("M[", names[p], "][", names[p], "] = ", own - 1, " + 1 = ", own));
    if (std::equal(expected.begin(), expected.end(), s.after.begin(), s.after.end())) {
      // The column minima: the events of each process that, as far as p knows, every process has seen.
      const words low = matrix_watermark(s.after, n);
      std::string mark = "{";
      for (std::size_t k = 0; k < n; ++k)
        if (low[k] != 0) mark.append(mark.size() > 1 ? ", " : "").append(concat(names[k], ":", low[k]));
      return out.append(": M = ").append(matrix_text(s.after, names)).append(", watermark ").append(mark).append("}");
    }
    return out.append(concat(" would give M = ", matrix_text(expected, names), ", but the run recorded M = ",
                             matrix_text(s.after, names), ", which this rule does not give"));
  }
  words canonical(const clock_step& s) const override {
    const std::size_t n = side(s.before);
    words expected(s.before.begin(), s.before.end());
    if (!s.message.empty()) matrix_merge(expected, s.message, n, s.process, s.from);
    ++expected[s.process * n + s.process];
    return expected;
  }

  std::span<const std::string_view> invariants() const override { return invariant_names; }
  std::unique_ptr<clock_judge> make_judge(names_span processes) const override {
    return std::make_unique<matrix_judge>(processes);
  }

  // On the wire, sparse as in the trace: a non-zero entry is a 2-byte row, a 2-byte column and a
  // 4-byte count (the kernel's vector entries are 4 bytes too), all-zero entries left out.
  std::uint64_t bytes(stamp_words m) const override {
    const auto nonzero = std::count_if(m.begin(), m.end(), [](std::uint64_t x) { return x != 0; });
    return sparse_entry * static_cast<std::uint64_t>(nonzero);
  }
  std::string encoding(std::size_t n) const override {
    return concat("sparse, ", sparse_entry, " bytes per non-zero entry; dense ", n, " x ", n, " x 4 = ", 4 * n * n);
  }
  // Events are ordered as by their vector clocks: each matrix's own row.
  stamp_order order(stamped a, stamped b) const override {
    const std::size_t n = side(a.words);
    const stamp_words va = a.words.subspan(a.process * n, n), vb = b.words.subspan(b.process * n, n);
    bool below = false, above = false;
    for (std::size_t k = 0; k < n; ++k) {
      below = below || va[k] < vb[k];
      above = above || va[k] > vb[k];
    }
    return below && above ? stamp_order::concurrent
           : below        ? stamp_order::before
           : above        ? stamp_order::after
                          : stamp_order::equal;
  }

 private:
  static constexpr std::uint64_t sparse_entry = 8;
  // n, from the n × n words.
  static std::size_t side(stamp_words m) {
    std::size_t n = 0;
    while (n * n < m.size()) ++n;
    return n;
  }
};

}  // namespace

std::shared_ptr<const clock_kind> matrix_kind() { return std::make_shared<matrix>(); }

}  // namespace hbsim
