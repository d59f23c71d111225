#include "hbsim/core/json_text.hpp"
#include "hbsim/judge/clock_report.hpp"

#include "hbsim/scenario/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hbsim {

double clock_comparison::sparse_bytes_per_event() const {
  return events > 0 ? static_cast<double>(sparse_entry_bytes * event_entries) / static_cast<double>(events) : 0.0;
}

double clock_comparison::sparse_bytes_per_message() const {
  return messages > 0 ? static_cast<double>(sparse_entry_bytes * message_entries) / static_cast<double>(messages) : 0.0;
}

std::optional<sim_time> clock_comparison::hlc_lead_quantile_below(double q) const {
  std::uint64_t total = hlc_behind;
  for (std::uint64_t c : hlc_lead_histogram) total += c;
  if (total == 0) return std::nullopt;
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total))));
  std::uint64_t seen = hlc_behind;
  if (seen >= rank) return 0;  // among the events with l behind pt
  for (std::size_t i = 0; i < hlc_lead_histogram.size(); ++i) {
    seen += hlc_lead_histogram[i];
    if (seen >= rank) return i + 1 < hlc_lead_bounds.size() ? std::optional(hlc_lead_bounds[i + 1]) : std::nullopt;
  }
  return std::nullopt;
}

namespace {

std::string event_text(const report_event& e, std::span<const std::string> names) {
  return std::string(names[e.process]).append("#").append(std::to_string(e.seq)).append(" ")
      .append(to_string(e.kind)).append(" \"").append(visible_text(e.label)).append("\"");
}

// "12.3%, 95% interval 11.9–12.7%, from 52000 sampled pairs": an estimated share, its interval, what it
// was read from. A share in percent: "12.3", and two significant digits below 1 % ("0.0042", never
// "4.2e-03"), so that a small share and its interval do not both read 0.0.
std::string percent(double share) {
  const double pct = 100.0 * share;
  char text[32];
  if (pct >= 1 || pct <= 0)
    std::snprintf(text, sizeof text, "%.1f", pct);
  else
    std::snprintf(text, sizeof text, "%.*f", 1 - static_cast<int>(std::floor(std::log10(pct))), pct);
  return text;
}

std::string interval_text(const clock_comparison::estimate& e) {
  return percent(e.share).append("%, 95% interval ").append(percent(e.low)).append("–").append(percent(e.high))
      .append("%, from ").append(std::to_string(e.sampled_pairs)).append(" sampled pairs");
}

// An estimate read from no sampled pair (the sampled events make no pair of its whole: with many
// processes and few messages, no related pair) has no value to give.
constexpr const char* unestimated = "not estimated: no sampled pair to read it from; --compare exact counts it";

// "3 of 11 related pairs (27.3%)"; a share that rounds to 0 or 100 % without being it says so. An
// estimated part reads "≈ 1234 of 11000 related pairs (≈ 11.2%, 95% interval 10.8–11.6%, from 52000 sampled pairs)".
std::string share(std::uint64_t part, std::uint64_t whole, const char* what,
                  const std::optional<clock_comparison::estimate>& estimated = std::nullopt) {
  if (estimated && estimated->sampled_pairs == 0)
    return std::string("? of ").append(std::to_string(whole)).append(" ").append(what).append(" (")
        .append(unestimated).append(")");
  std::string s = std::string(estimated ? "≈ " : "").append(std::to_string(part)).append(" of ")
      .append(std::to_string(whole)).append(" ").append(what);
  if (estimated) return s.append(" (≈ ").append(interval_text(*estimated)).append(")");
  if (part == 0 || whole == 0) return s;
  const double pct = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  char text[32];
  if (pct < 0.1)
    std::snprintf(text, sizeof text, " (< 0.1%%)");
  else if (pct > 99.9 && part < whole)
    std::snprintf(text, sizeof text, " (> 99.9%%)");
  else
    std::snprintf(text, sizeof text, " (%.1f%%)", pct);
  return s.append(text);
}

// A count alone: "42", or "≈ 42 (3.1%, 95% interval 2.9–3.3%, from 52000 sampled pairs)" when estimated.
std::string about(std::uint64_t count, const std::optional<clock_comparison::estimate>& estimated) {
  if (!estimated) return std::to_string(count);
  if (estimated->sampled_pairs == 0) return std::string("? (").append(unestimated).append(")");
  return std::string("≈ ").append(std::to_string(count)).append(" (").append(interval_text(*estimated)).append(")");
}

std::string decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A quantile of l − pt as its range: "0", "< 10us", ">= 1s", "< 0"; a bucket reaching past the
// largest lead is cut there ("<= 1ms"), so a small run does not read "p90 < 10ms" with a max of 1ms.
std::string quantile_text(const clock_comparison& r, double q) {
  const std::optional<sim_time> below = r.hlc_lead_quantile_below(q);
  if (!below) return ">= " + format_duration(hlc_lead_bounds.back());
  if (*below == 0) return "< 0";
  if (*below == 1) return "0";
  if (*below > r.hlc_lead_max) return "<= " + format_duration(r.hlc_lead_max);
  return "< " + format_duration(*below);
}

double per(std::uint64_t sum, std::uint64_t count) {
  return count > 0 ? static_cast<double>(sum) / static_cast<double>(count) : 0.0;
}

void print_hlc(std::ostream& out, const clock_comparison& r, std::span<const std::string> names, const char* indent) {
  out << "  HLC            l - pt, how far HLC runs ahead of physical time: 0 at "
      << share(r.hlc_lead_histogram[0], r.events, "events");
  if (r.hlc_lead_max_at)
    out << ", at most " << format_duration(r.hlc_lead_max) << "\n"
        << indent << "(" << event_text(*r.hlc_lead_max_at, names) << "); median " << quantile_text(r, 0.5) << ", p90 "
        << quantile_text(r, 0.9) << ", p99 " << quantile_text(r, 0.99);
  out << "\n";
  if (r.hlc_behind > 0) out << indent << "and l < pt at " << r.hlc_behind << " events: a wrong clock\n";
}

// A kind module's lines: "  matrix         32.0 bytes per event, 26.7 per message (...)", then its edges.
void print_kind_share(std::ostream& out, const clock_comparison& r, const clock_comparison::kind_share& k,
                      const char* indent) {
  std::string name = "  " + k.name;
  name.resize(std::max<std::size_t>(name.size() + 1, std::char_traits<char>::length(indent)), ' ');
  out << name << decimal(per(k.event_bytes, r.events)) << " bytes per event, "
      << decimal(per(k.message_bytes, r.messages)) << " per message (" << k.encoding << ")\n" << indent;
  const std::string edges = std::to_string(k.edges) + " edges a -> b (process order and messages)";
  if (k.edges == 0)
    out << "has no edge a -> b to order (process order and messages)\n";
  else if (k.edges_broken == 0 && k.edges_undecided == 0)
    out << "orders all " << edges << " as a before b\n";
  else
    out << "on " << edges << ": " << k.edges_broken << " broken (b before a, equal or concurrent), "
        << k.edges_undecided << " undecided\n";
  if (k.unstamped > 0) out << indent << "and gave no stamp to " << k.unstamped << " events (refused: null in the trace)\n";
}

nlohmann::json event_json(const report_event& e, std::span<const std::string> names) {
  return {{"ref", std::string(names[e.process]).append("#").append(std::to_string(e.seq))},
          {"process", names[e.process]},
          {"seq", e.seq},
          {"kind", std::string(to_string(e.kind))},
          {"label", e.label},
          {"pt_ns", e.pt}};
}

// The vector options' lines: bytes per message by encoding on the recorded vectors, and the pairs they get wrong.
void print_vector_options(std::ostream& out, const clock_comparison& r, const char* indent) {
  const clock_comparison::vector_recorded& v = *r.vector_options_share;
  out << indent << "as recorded, " << v.options.to_json().dump() << ": per message "
      << decimal(per(v.chosen_bytes(), r.messages)) << " bytes " << to_string(v.options.encoding) << " (chosen); full "
      << decimal(per(v.full_bytes, r.messages)) << ", sparse " << decimal(per(v.sparse_bytes, r.messages))
      << ", differential " << decimal(per(v.differential_bytes, r.messages)) << "; entries pruned: " << v.pruned << "\n"
      << indent << "false concurrency on " << share(v.false_concurrency, v.judged_related, "related pairs")
      << ", false order on " << share(v.false_order, v.judged_concurrent + v.judged_related, "pairs")
      << (v.judged_events < r.events ? " (pairs of the first " + std::to_string(v.judged_events) + " events)" : "")
      << "\n";
}

// "counted", and when the pair counts are estimated the sample's size and each estimate beside its count.
void add_estimates_json(nlohmann::json& out, const clock_comparison& r) {
  out["counted"] = r.estimated ? "estimate" : "exact";
  if (!r.estimated) return;
  out["sampled_events"] = r.sampled_events;
  const auto add = [&out](const char* part, const char* name, const std::optional<clock_comparison::estimate>& e) {
    if (e && e->sampled_pairs == 0) out[part][name] = nullptr;  // not estimated: no count to give
    if (e)
      out[part][std::string(name).append("_estimate")] = {
          {"share", e->sampled_pairs ? nlohmann::json(e->share) : nlohmann::json()},
          {"plus_minus_95", e->sampled_pairs ? nlohmann::json(e->plus_minus) : nlohmann::json()},
          {"interval_95", e->sampled_pairs ? nlohmann::json::array({e->low, e->high}) : nlohmann::json()},
          {"sampled_pairs", e->sampled_pairs}};
  };
  add("physical_time", "related_inverted", r.pt_inverted_estimate);
  add("physical_time", "related_tied", r.pt_tied_estimate);
  add("lamport", "concurrent_ordered", r.lamport_concurrent_ordered_estimate);
  add("lamport", "concurrent_tied", r.lamport_concurrent_tied_estimate);
  add("lamport", "related_not_below", r.lamport_related_not_below_estimate);
}

}  // namespace

void print_clock_report(std::ostream& out, const clock_comparison& r, std::span<const std::string> names) {
  const char* indent = "                 ";
  out << "\nclocks compared  against the ground truth (process order and messages, whatever the clocks say)\n";
  out << "  pairs          " << r.events << " events make " << r.pairs << (r.pairs == 1 ? " pair: " : " pairs: ") << r.related
      << " causally related (a -> b), " << r.concurrent << " concurrent\n";
  if (r.estimated)
    out << indent << "counts marked ≈ are estimated from the pairs of " << r.sampled_events
        << " events sampled at random (--compare exact counts every pair)\n";
  out << "  physical time  " << share(r.pt_inverted, r.related, "related pairs", r.pt_inverted_estimate)
      << " have pt in the wrong order, pt(a) > pt(b), and " << about(r.pt_tied, r.pt_tied_estimate) << " equal pt\n";
  if (r.worst_inversion) {
    const auto& w = *r.worst_inversion;
    out << indent << "worst: " << event_text(w.a, names) << " at pt " << format_duration(w.a.pt) << " -> "
        << event_text(w.b, names) << " at pt " << format_duration(w.b.pt) << ", " << format_duration(w.by)
        << " backwards\n";
  }
  if (r.shown.lamport) {
    out << "  Lamport        orders "
        << share(r.lamport_concurrent_ordered, r.concurrent, "concurrent pairs", r.lamport_concurrent_ordered_estimate)
        << " anyway and ties " << about(r.lamport_concurrent_tied, r.lamport_concurrent_tied_estimate)
        << ": L(a) < L(b) does not mean a -> b\n";
    if (r.lamport_related_not_below > 0)
      out << indent << "and breaks its clock condition on "
          << about(r.lamport_related_not_below, r.lamport_related_not_below_estimate)
          << (r.lamport_related_not_below == 1 ? " related pair" : " related pairs") << ", L(a) >= L(b): a wrong clock\n";
  }
  if (r.shown.vector) {
    out << "  vector clocks  tell concurrent from related, at a cost: " << r.dense_vector_bytes()
        << " bytes per vector dense (" << r.processes << " processes x " << dense_entry_bytes << " bytes),\n"
        << indent << decimal(r.sparse_bytes_per_event()) << " per event and " << decimal(r.sparse_bytes_per_message())
        << " per message sparse (" << sparse_entry_bytes << " bytes per non-zero entry)";
    // Beside the run's scalar clocks, whose stamps are one and two 8-byte words.
    if (r.shown.lamport) out << (r.shown.hlc ? "; Lamport 8, HLC 16" : "; Lamport 8");
    else if (r.shown.hlc) out << "; HLC 16";
    out << "\n";
    if (r.vector_options_share) print_vector_options(out, r, indent);
  }
  if (r.shown.hlc) print_hlc(out, r, names, indent);
  for (const clock_comparison::kind_share& k : r.kinds) print_kind_share(out, r, k, indent);
}

nlohmann::json clock_report_json(const clock_comparison& r, std::span<const std::string> names) {
  using nlohmann::json;
  json histogram = json::array();
  for (std::size_t i = 0; i < hlc_lead_bounds.size(); ++i)
    histogram.push_back({{"from_ns", hlc_lead_bounds[i]},
                         {"to_ns", i + 1 < hlc_lead_bounds.size() ? json(hlc_lead_bounds[i + 1]) : json(nullptr)},
                         {"events", r.hlc_lead_histogram[i]}});
  const auto quantile = [&](double q) {
    const auto below = r.hlc_lead_quantile_below(q);
    return below ? json(*below) : json(nullptr);
  };
  json worst = nullptr;
  if (r.worst_inversion)
    worst = {{"a", event_json(r.worst_inversion->a, names)},
             {"b", event_json(r.worst_inversion->b, names)},
             {"by_ns", r.worst_inversion->by}};
  json out = {{"processes", r.processes},
          {"events", r.events},
          {"pairs", r.pairs},
          {"related_pairs", r.related},
          {"concurrent_pairs", r.concurrent},
          {"physical_time", {{"related_inverted", r.pt_inverted}, {"related_tied", r.pt_tied}, {"worst_inversion", worst}}},
          {"lamport",
           {{"concurrent_ordered", r.lamport_concurrent_ordered},
            {"concurrent_tied", r.lamport_concurrent_tied},
            {"related_not_below", r.lamport_related_not_below}}},
          {"vector",
           {{"dense_entry_bytes", dense_entry_bytes},
            {"dense_bytes_per_vector", r.dense_vector_bytes()},
            {"sparse_entry_bytes", sparse_entry_bytes},
            {"messages", r.messages},
            {"nonzero_entries_per_event", per(r.event_entries, r.events)},
            {"nonzero_entries_per_message", per(r.message_entries, r.messages)},
            {"sparse_bytes_per_event", r.sparse_bytes_per_event()},
            {"sparse_bytes_per_message", r.sparse_bytes_per_message()}}},
          {"hlc",
           {{"lead_max_ns", r.hlc_lead_max_at ? json(r.hlc_lead_max) : json(nullptr)},
            {"lead_max_at", r.hlc_lead_max_at ? event_json(*r.hlc_lead_max_at, names) : json(nullptr)},
            {"lead_mean_ns", r.hlc_lead_mean},
            {"behind_physical", r.hlc_behind},
            {"lead_histogram", histogram},
            {"lead_p50_below_ns", quantile(0.5)},
            {"lead_p90_below_ns", quantile(0.9)},
            {"lead_p99_below_ns", quantile(0.99)}}}};
  add_estimates_json(out, r);
  if (!r.shown.lamport) out.erase("lamport");
  if (const auto& v = r.vector_options_share)
    out["vector"]["recorded"] = {{"options", v->options.to_json()},
                                 {"bytes_per_message", per(v->chosen_bytes(), r.messages)},
                                 {"full_bytes_per_message", per(v->full_bytes, r.messages)},
                                 {"sparse_bytes_per_message", per(v->sparse_bytes, r.messages)},
                                 {"differential_bytes_per_message", per(v->differential_bytes, r.messages)},
                                 {"pruned_entries", v->pruned},
                                 {"judged_events", v->judged_events},
                                 {"judged_related_pairs", v->judged_related},
                                 {"judged_concurrent_pairs", v->judged_concurrent},
                                 {"false_concurrency", v->false_concurrency},
                                 {"false_order", v->false_order}};
  if (!r.shown.vector) out.erase("vector");
  if (!r.shown.hlc) out.erase("hlc");
  for (const clock_comparison::kind_share& k : r.kinds)
    out[k.name] = {{"encoding", k.encoding},
                   {"bytes_per_event", per(k.event_bytes, r.events)},
                   {"bytes_per_message", per(k.message_bytes, r.messages)},
                   {"event_bytes", k.event_bytes},
                   {"message_bytes", k.message_bytes},
                   {"edges", k.edges},
                   {"edges_broken", k.edges_broken},
                   {"edges_undecided", k.edges_undecided},
                   {"unstamped_events", k.unstamped}};
  return out;
}

}  // namespace hbsim
