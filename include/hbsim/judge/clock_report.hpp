// The clock comparison report: the lesson of a run in numbers. Physical time contradicts causality
// (related pairs whose pt runs backwards), Lamport orders pairs without knowing whether they are
// related (concurrent pairs it orders anyway), vector clocks tell concurrency at a cost (bytes per
// message and per event), HLC stays close to physical time (how far l runs ahead of pt), and each
// other chosen kind (a clock_kind module) costs its bytes and orders the run's edges. Pairs are
// judged against the ground-truth happens-before relation (process order plus message edges),
// computed here whatever the clocks under test record, so a wrong clock variant cannot skew it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/clocks/clock_set.hpp"
#include "hbsim/kernel/observer.hpp"
#include "hbsim/truth/causality.hpp"

namespace hbsim {

/// An event as the report names it.
struct report_event {
  event_id id = 0;
  process_id process = 0;
  std::uint64_t seq = 0;
  event_kind kind = event_kind::local;
  std::string label;
  sim_time pt = 0;
};

/// The clock report judges the pairs of the first this many events of a run with vector options
/// (clock_comparison::vector_recorded), each pair costing a comparison of two vectors; fewer when the
/// processes are many, so that it keeps at most vector_pairs_entries vector entries.
inline constexpr std::uint64_t vector_pairs_judged = 2000;
inline constexpr std::uint64_t vector_pairs_entries = std::uint64_t{1} << 20;

/// How the pair counts are taken: exact (each process's pt and Lamport readings kept, about 20 bytes
/// per event), estimated from a sample of pairs, or exact up to exact_events_most events and estimated
/// past them (the default). Every other figure is exact in every mode.
enum class compare_mode { automatic, exact, estimate };
/// "auto", "exact", "estimate"; parse_compare_mode returns nullopt for any other name.
const char* to_string(compare_mode m);
std::optional<compare_mode> parse_compare_mode(std::string_view name);
inline constexpr std::uint64_t exact_events_most = 1'000'000;
/// The exact counts' cost per event grows with the processes (each keeps its own history of readings,
/// and an event whose past reads above its own pt searches all of them): by default (automatic) they
/// are exact for at most exact_work_most / processes events (131,072 at 1,024 processes), which keeps
/// the comparison within about a fifth of the run's time.
inline constexpr std::uint64_t exact_work_most = std::uint64_t{1} << 27;
/// The sample: this many events (their pairs with each other), fewer with many processes so that it
/// keeps at most sample_entries ground-truth entries (one row of processes entries per sampled event).
inline constexpr std::size_t sample_events_most = 2048;
inline constexpr std::size_t sample_entries = std::size_t{1} << 20;
struct compare_options {
  compare_mode mode = compare_mode::automatic;
  std::size_t sample_events = 0;  // 0: sample_events_most, or fewer with many processes (see above)
  std::uint64_t exact_events_most = hbsim::exact_events_most;  // automatic: exact up to this many events
                                                               // (fewer with many processes: exact_events)
};
/// How many events automatic counts exactly with this many processes.
inline std::uint64_t exact_events(const compare_options& o, std::size_t processes) {
  return std::min(o.exact_events_most, exact_work_most / std::max<std::size_t>(processes, 1));
}

/// l − pt per event falls in one of these half-open ranges, in ns: [0, 1) (l = pt exactly),
/// [1, 1us), [1us, 10us), [10us, 100us), [100us, 1ms), [1ms, 10ms), [10ms, 100ms), [100ms, 1s),
/// [1s, ∞): decades, so the histogram is fixed in size and reads the same at any scale.
inline constexpr std::array<sim_time, 9> hlc_lead_bounds = {0,          1,           1'000,      10'000,       100'000,
                                                            1'000'000, 10'000'000, 100'000'000, 1'000'000'000};

struct clock_comparison {
  standard_clocks shown;  // the run's: the report covers those it has
  bool estimated = false;           // some pair counts below are estimates (their *_estimate say which)
  std::uint64_t sampled_events = 0;  // when estimated: the events sampled, whose pairs the estimates read
  std::size_t processes = 0;
  std::uint64_t events = 0;
  std::uint64_t pairs = 0;       // unordered pairs of distinct events
  std::uint64_t related = 0;     // pairs with a → b
  std::uint64_t concurrent = 0;  // pairs with neither a → b nor b → a

  // Physical time on related pairs a → b.
  std::uint64_t pt_inverted = 0;  // pt(a) > pt(b)
  std::uint64_t pt_tied = 0;      // pt(a) = pt(b)
  struct inversion {
    report_event a, b;
    sim_time by = 0;  // pt(a) − pt(b)
  };
  std::optional<inversion> worst_inversion;  // the largest; the first found among equals (exact in every mode)

  // An estimated count's share of its whole (related or concurrent pairs, exact), from the sampled
  // pairs of that whole, with the half-width of its 95 % confidence interval (pair_sample.hpp); the count
  // itself is then share x whole, rounded.
  struct estimate {
    double share = 0;
    double plus_minus = 0;  // the larger of the interval's two halves
    std::uint64_t sampled_pairs = 0;
    double low = 0, high = 0;  // the interval, within [0, 1]: Wilson's is not symmetric about the share
  };
  std::optional<estimate> pt_inverted_estimate, pt_tied_estimate;

  // Lamport.
  std::uint64_t lamport_concurrent_ordered = 0;  // a ∥ b with L(a) ≠ L(b): an order Lamport invents
  std::uint64_t lamport_concurrent_tied = 0;     // a ∥ b with L(a) = L(b)
  std::uint64_t lamport_related_not_below = 0;   // a → b with L(a) ≥ L(b): 0 unless the clock is wrong
  // Estimated only when the clock condition broke somewhere (else they are exact whatever the mode).
  std::optional<estimate> lamport_concurrent_ordered_estimate, lamport_concurrent_tied_estimate,
      lamport_related_not_below_estimate;

  // HLC: l − pt per event.
  std::array<std::uint64_t, hlc_lead_bounds.size()> hlc_lead_histogram{};  // by hlc_lead_bounds
  std::uint64_t hlc_behind = 0;  // events with l < pt, outside the histogram: a wrong clock
  std::optional<report_event> hlc_lead_max_at;  // the event with the largest l − pt (the first among equals)
  sim_time hlc_lead_max = 0;
  double hlc_lead_mean = 0;

  // Vector clocks, counted on the exact vectors (what a correct vector clock carries): a message
  // carries its send's vector.
  std::uint64_t messages = 0;         // one per destination of a send
  std::uint64_t event_entries = 0;    // non-zero entries, summed over events
  std::uint64_t message_entries = 0;  // non-zero entries, summed over messages

  // Vector options (logical.vector) other than the canonical full, unpruned vector: counted on the
  // vectors the run recorded. Bytes per message under each encoding: full, every entry; sparse, the
  // send's non-zero entries; differential, the non-zero entries changed since the sender's last message
  // on that link. Pairs are judged among the first vector_pairs_judged events (each with every earlier
  // one): a → b whose vectors are concurrent or equal (false concurrency), and pairs the vectors
  // order that are concurrent or ordered the other way (false order). Equal vectors of concurrent
  // events count as neither.
  struct vector_recorded {
    vector_options options;
    std::uint64_t full_bytes = 0, sparse_bytes = 0, differential_bytes = 0;  // summed over messages
    std::uint64_t pruned = 0;           // entries pruned, summed over events
    std::uint64_t judged_events = 0;    // events whose pairs were judged
    std::uint64_t judged_related = 0;   // their pairs a → b
    std::uint64_t judged_concurrent = 0;
    std::uint64_t false_concurrency = 0;
    std::uint64_t false_order = 0;
    std::uint64_t chosen_bytes() const;  // the chosen encoding's
  };
  std::optional<vector_recorded> vector_options_share;

  // The chosen kinds that are modules (clock_kind), in the scenario's order, counted on the stamps
  // the run recorded. Their pairs are judged on the edges a → b only (process order and message
  // edges): judging every pair would keep every stamp. A kind that orders every edge rightly and
  // whose order is transitive (a partial order, such as the matrix's own-row vector order) then
  // orders every related pair rightly; what it does with concurrent pairs is not counted here.
  struct kind_share {
    std::string name;
    std::string encoding;             // how its bytes are counted (clock_kind::encoding)
    std::uint64_t event_bytes = 0;    // clock_kind::bytes, summed over events
    std::uint64_t message_bytes = 0;  // summed over messages: a message carries its send's stamp
    std::uint64_t edges = 0;          // process order and message edges a → b
    std::uint64_t edges_broken = 0;   // ordered b before a, equal or concurrent
    std::uint64_t edges_undecided = 0;
    std::uint64_t unstamped = 0;      // events the kind gave no stamp (a snowflake id refused)
  };
  std::vector<kind_share> kinds;

  std::uint64_t dense_vector_bytes() const { return dense_entry_bytes * processes; }
  double sparse_bytes_per_event() const;
  double sparse_bytes_per_message() const;
  /// The upper bound of the histogram range holding the q-quantile of l − pt (q in (0, 1]); nullopt
  /// when it is the open last range or there is no event.
  std::optional<sim_time> hlc_lead_quantile_below(double q) const;
};

/// Counts the report's pairs without visiting them: an event's causal past is, per process j, the
/// first k_j events of j (k_j = its ground-truth vector's entry), so "how many a in past(b) have
/// pt(a) > pt(b)" is a sum over j of "how many of j's first k_j readings exceed x", answered by a
/// search from the end (or by blocks when a clock went backwards) of j's readings. And when the
/// largest reading in b's past (carried along edges like HLC's l) is below pt(b), the answer is 0 at
/// once. Exact, hence memory that grows with the run: each event's pt and Lamport value (16 bytes,
/// plus 1.5 for blocks), about 20 bytes per event at peak on PHOLD, freed by on_finish. Past
/// exact_events() events (compare_mode::automatic), or from the start (estimate), those readings
/// are dropped and the counts that need them estimated from the pairs of a uniform sample of the
/// run's events (reservoir sampling from a stream of the run's seed: the same run, the same sample),
/// a fixed memory of sample_entries entries. The rest follows the processes and the messages in
/// flight (for each chosen kind module, the latest stamp of each process and the stamp of each send
/// in flight), and the Lamport values' ties (4 bytes per value up to the largest).
class clock_report final : public event_observer {
 public:
  /// Observe the run with `truth` first: pairs are judged against it.
  explicit clock_report(const causality& truth, compare_options options = {});
  ~clock_report() override;
  clock_report(const clock_report&) = delete;
  clock_report& operator=(const clock_report&) = delete;

  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  void on_finish(const run_end& end) override;

  /// The figures; complete once on_finish has run (the Lamport ties are counted then).
  const clock_comparison& result() const;
  std::span<const std::string> process_names() const;

 private:
  struct state;
  const causality* truth_;
  compare_options options_;
  std::unique_ptr<state> s_;
};

/// The "clocks compared" section of a summary, for a student: each clock's lesson in one or two lines.
void print_clock_report(std::ostream& out, const clock_comparison& r, std::span<const std::string> names);
nlohmann::json clock_report_json(const clock_comparison& r, std::span<const std::string> names);

}  // namespace hbsim
