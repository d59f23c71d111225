#include "hbsim/core/json_text.hpp"
#include "hbsim/views/summary.hpp"

#include "hbsim/clocks/vector/vector_clock.hpp"
#include "hbsim/judge/clock_report.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/truth/row_limit.hpp"
#include "core/concat.hpp"

#include <algorithm>
#include <iomanip>
#include <optional>
#include <sstream>

namespace hbsim {

namespace {

constexpr std::size_t shown_processes = 12;  // summary rows before "... N more"
constexpr std::size_t shown_entries = 8;     // vector entries per row
constexpr std::size_t json_processes = 256;  // final clocks in --json

// Why a run has no clock comparison though it was not turned off, or nothing.
std::optional<std::string> comparison_left_out(std::size_t processes, const scenario& sc) {
  if (truth_keeps_rows(processes, sc.logical.has("vector"))) return std::nullopt;
  return concat("beyond ", row_max_processes,
                " processes without vector clocks the ground truth keeps the run's edges, which the invariants "
                "need, not each event's causal past, which the comparison needs");
}

// `text` broken at spaces into lines of at most `width` columns, the lines after the first indented by
// `indent` (the first starts there already).
std::string wrapped(const std::string& text, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t column = indent;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    if (column > indent && column + 1 + word.size() > width) {
      out.append("\n").append(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out.append(" ");
      ++column;
    }
    out.append(word);
    column += word.size();
  }
  return out;
}

std::string stop_reason(const run_stats& s, const scenario& sc) {
  if (s.hit_max_events) return "max_events reached: the run was cut short";
  if (s.hit_max_pending)
    return "max_pending reached: more than " + std::to_string(sc.pending_limit()) +
           " messages in flight and timers pending at once; the run was cut short (raise max_pending in the "
           "scenario if that many are expected)";
  if (s.hit_until) return "until reached";
  return "no event left";
}

// An expectation in one short line: "B:hello  lamport 3, vector {A:2, B:2}, hlc (3ms, 1)".
std::string expectation_text(const expectation& x, const logical_config& logical, std::span<const std::string> names) {
  switch (x.type) {
    case expectation::kind::before: return x.a.text + " before " + x.b.text;
    case expectation::kind::concurrent: return x.a.text + " concurrent with " + x.b.text;
    case expectation::kind::violates: return "violates " + x.invariant;
    case expectation::kind::event_values: break;
  }
  std::string out = x.a.text + " ";
  const auto part = [&](const std::string& p) { out.append(out.back() == ' ' ? " " : ", ").append(p); };
  if (x.lamport) part("lamport " + std::to_string(*x.lamport));
  if (x.vector) part("vector " + vector_text(*x.vector, names, shown_entries));
  if (x.hlc_l || x.hlc_c)
    part("hlc (" + (x.hlc_l ? format_duration(*x.hlc_l) : std::string("*")) + ", " +
         (x.hlc_c ? std::to_string(*x.hlc_c) : std::string("*")) + ")");
  for (const auto& [k, words] : x.stamps) {
    const clock_kind& kind = *logical.extra[k].kind;
    part(std::string(kind.name()).append(" ").append(kind.text(words, names)));
  }
  return out;
}

std::string status_word(expectation_result::status s) {
  switch (s) {
    case expectation_result::status::met: return "ok  ";
    case expectation_result::status::unmet: return "FAIL";
  }
  return "";
}

// Whether a `violates` expectation names this invariant: then its violation is what the scenario
// demonstrates, not a failure.
bool is_expected(std::span<const std::string> expected, const std::string& invariant) {
  return std::find(expected.begin(), expected.end(), invariant) != expected.end();
}

std::vector<std::string> expected_violations(const run_report& r) {
  std::vector<std::string> out;
  for (const expectation_result& x : r.expectations)
    if (x.spec->type == expectation::kind::violates) out.push_back(x.spec->invariant);
  return out;
}

// The final clocks table: a column per standard kind, the other kinds as text.
void print_final_clocks(std::ostream& out, const simulation& sim) {
  const auto names = sim.process_names();
  const scenario& sc = sim.source();
  out << "\nfinal clocks" << (names.size() > shown_processes ? " (first " + std::to_string(shown_processes - 2) + " and last 2 processes)" : "") << "\n";
  std::size_t width = 7;
  for (const std::string& n : names) width = std::max(width, n.size());
  width = std::min<std::size_t>(width, 24);
  const clock_set& c = sim.clocks();
  std::ostringstream head;
  head << "  " << std::left << std::setw(static_cast<int>(width)) << "process";
  if (c.lamport()) head << "  " << std::setw(10) << "lamport";
  if (c.hlc()) head << (c.lamport() ? "" : "  ") << std::setw(24) << "hlc (l, c)";
  if (c.vector()) head << (c.lamport() || c.hlc() ? "" : "  ") << "vector";
  std::string header = head.str();
  out << header.erase(header.find_last_not_of(' ') + 1) << "\n";
  for (process_id p = 0; p < names.size(); ++p) {
    if (names.size() > shown_processes && p == shown_processes - 2) {
      out << "  ... " << names.size() - shown_processes << " more\n";
      p = static_cast<process_id>(names.size() - 2);
    }
    std::ostringstream row;
    row << std::left << "  " << std::setw(static_cast<int>(width)) << names[p];
    if (c.lamport()) row << "  " << std::setw(10) << c.lamport()->value(p);
    if (const hybrid_logical_clock* hlc = c.hlc())
      row << (c.lamport() ? "" : "  ") << std::setw(24) << to_string(hlc->value(p));
    if (c.vector()) row << (c.lamport() || c.hlc() ? "" : "  ") << vector_text(vector_of(c.vector()->stamp(p)), names, shown_entries);
    // The other kinds: on the process's line when it has no standard clock, else a line each under it.
    const bool inline_first = !c.lamport() && !c.vector() && !c.hlc();
    for (std::size_t k = 0; k < c.extra().size(); ++k) {
      const clock_kind& kind = *sc.logical.extra[k].kind;
      if (k > 0 || !inline_first) row << "\n  " << std::setw(static_cast<int>(width)) << "";
      row << "  " << kind.name() << " " << kind.text(c.extra()[k]->stamp(p), names);
    }
    std::string line = row.str();
    out << line.erase(line.find_last_not_of(' ') + 1) << "\n";
  }
}

}  // namespace

void print_data(std::ostream& out, const data_judge& d) {
  out << "\ndata          " << d.lost_updates() << (d.lost_updates() == 1 ? " lost update\n" : " lost updates\n");
  for (const data_key_summary& k : d.keys())
    out << "  \"" << k.key << "\": " << k.writes << (k.writes == 1 ? " write, " : " writes, ") << k.lost << " lost, "
        << k.siblings << (k.siblings == 1 ? " value" : " values") << " at most, " << k.metadata_bytes
        << " bytes of versions (the largest " << k.metadata_bytes_max << ")\n";
}

nlohmann::json data_json(const data_judge& d) {
  nlohmann::json keys = nlohmann::json::array();
  for (const data_key_summary& k : d.keys())
    keys.push_back({{"key", k.key},
                    {"writes", k.writes},
                    {"lost_updates", k.lost},
                    {"siblings_max", k.siblings},
                    {"metadata_bytes", k.metadata_bytes},
                    {"metadata_bytes_max", k.metadata_bytes_max}});
  return {{"lost_updates", d.lost_updates()}, {"keys", keys}};
}

namespace {

// Each ended NTP exchange: the client's offset to true time before and after its correction.
void print_ntp(std::ostream& out, const invariant_checker& c) {
  const auto names = c.process_names();
  const std::uint64_t n = c.ntp_exchange_count();
  out << "\nntp           " << n << (n == 1 ? " exchange" : " exchanges")
      << "; the client's offset to true time before -> after the correction (before + theta: its own\n"
         "              drift meanwhile not counted)\n";
  for (const ntp_outcome& x : c.ntp_exchanges()) {
    out << "  " << names[x.client] << " at " << format_duration(x.time) << ": ";
    if (x.note.answered == 0) {
      out << "all " << x.note.samples << (x.note.samples == 1 ? " sample" : " samples")
          << " lost, nothing applied (offset " << format_duration(x.before) << ")\n";
      continue;
    }
    out << format_duration(x.before) << " -> " << format_duration(x.after());
    if (x.note.apply == ntp_apply::slew) out << " by " << format_duration(x.settled());
    out << " (" << to_string(x.note.apply) << "; theta " << format_duration(x.note.offset) << ", delta "
        << format_duration(x.note.delay) << ", true offset " << format_duration(x.note.true_offset) << "; "
        << x.note.answered << " of " << x.note.samples << " samples answered)\n";
  }
  if (n > c.ntp_exchanges().size()) out << "  ... " << n - c.ntp_exchanges().size() << " more\n";
}

nlohmann::json ntp_json(const invariant_checker& c) {
  nlohmann::json list = nlohmann::json::array();
  for (const ntp_outcome& x : c.ntp_exchanges()) {
    nlohmann::json j = {{"client", c.process_names()[x.client]},
                        {"time_ns", x.time},
                        {"samples", x.note.samples},
                        {"answered", x.note.answered},
                        {"apply", to_string(x.note.apply)},
                        {"offset_before_ns", x.before},
                        {"offset_after_ns", x.after()},
                        {"settled_ns", x.settled()}};
    if (x.note.answered > 0) {
      j["theta_ns"] = x.note.offset;
      j["delta_ns"] = x.note.delay;
      j["true_offset_ns"] = x.note.true_offset;
    }
    list.push_back(std::move(j));
  }
  return {{"exchanges", c.ntp_exchange_count()}, {"shown", list}};
}

}  // namespace

bool run_ok(const run_report& r) {
  if (r.sim->stats().hit_max_events || r.sim->stats().hit_max_pending) return false;
  if (r.invariants) {
    const auto expected = expected_violations(r);
    for (const violation_report& v : r.invariants->violations())
      if (!is_expected(expected, v.name)) return false;
  }
  return std::none_of(r.expectations.begin(), r.expectations.end(),
                      [](const expectation_result& x) { return x.outcome == expectation_result::status::unmet; });
}

namespace {

// How long the receives a delivery group ordered waited in its hold-back queues: ns, p99 by nearest rank.
struct held_back_stats {
  std::size_t count = 0, waited = 0;
  sim_time mean = 0, p99 = 0, max = 0;
};

held_back_stats held_back(const run_stats& s) {
  held_back_stats h;
  std::vector<sim_time> v = s.held_back;
  h.count = v.size();
  if (v.empty()) return h;
  std::sort(v.begin(), v.end());
  long double sum = 0;
  for (sim_time t : v) {
    sum += static_cast<long double>(t);
    h.waited += t > 0;
  }
  h.mean = static_cast<sim_time>(sum / static_cast<long double>(v.size()));
  h.p99 = v[(v.size() * 99 + 99) / 100 - 1];
  h.max = v.back();
  return h;
}

// The TrueTime commits' waits: true time from each commit to its `-done` event.
struct commit_stats {
  std::size_t done = 0;
  sim_time mean = 0, max = 0;
  std::uint64_t waiting = 0;  // still waiting when the run ended
};

commit_stats commit_waits(const run_stats& s) {
  commit_stats c;
  c.done = s.commit_waits.size();
  c.waiting = s.commits - c.done - s.commits_crashed - s.commits_stalled;
  if (c.done == 0) return c;
  long double sum = 0;
  for (sim_time t : s.commit_waits) {
    sum += static_cast<long double>(t);
    c.max = std::max(c.max, t);
  }
  c.mean = static_cast<sim_time>(sum / static_cast<long double>(c.done));
  return c;
}

// What happened: events by kind, messages and their drops, delivery groups' hold-backs, TrueTime commits,
// skipped actions.
void print_counts(std::ostream& out, const simulation& sim) {
  const run_stats& s = sim.stats();
  const scenario& sc = sim.source();
  out << "events     " << s.events << ":";
  for (int k = 0; k < event_kind_count; ++k)
    out << (k ? ", " : " ") << to_string(static_cast<event_kind>(k)) << " " << s.by_kind[k];
  out << "\n";
  std::uint64_t dropped = 0;
  for (std::uint64_t d : s.dropped) dropped += d;
  out << "messages   sent " << s.messages_sent << ", duplicated " << s.duplicates << ", delivered " << s.delivered
      << ", rejected " << s.rejected << ", dropped " << dropped;
  if (dropped) {
    out << " (";
    bool first = true;
    for (int k = 0; k < drop_reason_count; ++k) {
      if (!s.dropped[k]) continue;
      out << (first ? "" : ", ") << to_string(static_cast<drop_reason>(k)) << " " << s.dropped[k];
      first = false;
    }
    out << ")";
  }
  if (s.held) out << "; " << s.held << " held by a partition until its heal";
  out << "\n";
  if (!sc.delivery.empty()) {
    const held_back_stats h = held_back(s);
    out << "held back  " << h.waited << " of " << h.count << " ordered receives waited";
    if (h.count)
      out << "; mean " << format_duration(h.mean) << ", p99 " << format_duration(h.p99) << ", max "
          << format_duration(h.max);
    out << "\n";
    for (const std::string& remark : sim.delivery_remarks()) out << "delivery   " << remark << "\n";
  }
  if (s.commits) {
    const commit_stats c = commit_waits(s);
    out << "commits    " << c.done << " of " << s.commits << " TrueTime commits done";
    if (c.done) out << "; waited mean " << format_duration(c.mean) << ", max " << format_duration(c.max);
    if (s.commits_crashed) out << "; " << s.commits_crashed << " never completed (their process crashed while waiting)";
    if (s.commits_stalled) out << "; " << s.commits_stalled << " never completed (earliest never passes s)";
    if (c.waiting) out << "; " << c.waiting << " still waiting when the run ended";
    out << "\n";
  }
  if (s.skipped_actions)
    out << "skipped    " << s.skipped_actions << (s.skipped_actions == 1 ? " action" : " actions") << " of crashed processes\n";
}

// Each expectation, met or not, with what was found instead.
void print_expectations(std::ostream& out, const run_report& r) {
  const auto names = r.sim->process_names();
  const scenario& sc = r.sim->source();
  if (r.expectations.empty()) return;
  const auto count = [&](expectation_result::status st) {
    return std::count_if(r.expectations.begin(), r.expectations.end(),
                         [&](const expectation_result& x) { return x.outcome == st; });
  };
  out << "\nexpectations  " << count(expectation_result::status::met) << " met, "
      << count(expectation_result::status::unmet) << " unmet";
  out << "\n";
  for (const expectation_result& x : r.expectations) {
    out << "  " << status_word(x.outcome) << " " << expectation_text(*x.spec, sc.logical, names) << "\n";
    if (x.outcome != expectation_result::status::met)
      out << "       found " << found_text(x, names) << "\n";
  }
}

}  // namespace

void print_summary(std::ostream& out, const run_report& r) {
  const simulation& sim = *r.sim;
  const run_stats& s = sim.stats();
  const auto names = sim.process_names();
  const scenario& sc = sim.source();
  out << "hbsim run: " << visible_text(sc.name);
  if (!sc.file.empty()) out << " (" << sc.file << (sc.edits.empty() ? "" : " with ") << sc.edits << ")";
  out << ", seed " << sim.seed() << "\n";
  out << "  " << names.size() << " processes; ended at " << format_duration(s.end_time) << " simulated ("
      << stop_reason(s, sc) << ")\n\n";

  print_counts(out, sim);
  print_final_clocks(out, sim);
  for (const auto& clock : sim.clocks().extra()) out << clock->summary(names);

  if (r.invariants) print_invariants(out, *r.invariants, expected_violations(r));
  if (r.invariants && r.invariants->data()) print_data(out, *r.invariants->data());
  if (r.invariants && r.invariants->ntp_exchange_count() > 0) print_ntp(out, *r.invariants);
  if (r.clocks)
    print_clock_report(out, r.clocks->result(), names);
  else if (const std::optional<std::string> why = comparison_left_out(names.size(), sc))
    out << "\nclocks compared  " << wrapped("left out: " + *why, 17, 100) << "\n";

  print_expectations(out, r);
  const double rate = r.wall_seconds > 0 ? static_cast<double>(s.events) / r.wall_seconds : 0;
  out << "\nwall       " << std::fixed << std::setprecision(3) << r.wall_seconds << " s, "
      << std::setprecision(0) << rate << " events/s\n";
  if (!r.trace_sha256.empty()) out << "trace_sha256 " << r.trace_sha256 << "\n";
  out << "result     " << (run_ok(r) ? "ok" : "FAILED") << "\n";
  out.unsetf(std::ios::floatfield);
}

void print_invariants(std::ostream& out, const invariant_checker& c, std::span<const std::string> expected) {
  const auto names = c.process_names();
  const auto violated = c.violations();
  out << "\ninvariants    " << c.judged() - violated.size() << " of " << c.judged() << " hold";
  if (const auto eps = c.epsilon()) out << "; HLC's l ran at most " << format_duration(*eps) << " ahead of pt (epsilon)";
  out << "\n";
  for (const violation_report& v : violated) {
    // The witnesses kept (the first three), numbered when there are several.
    const std::size_t shown = v.examples.size();
    out << "  " << (is_expected(expected, v.name) ? "expected  " : "VIOLATED  ") << v.name << ": "
        << v.count << (v.count == 1 ? " violation" : " violations")
        << (shown == 1 ? std::string("; first:\n") : "; the first " + std::to_string(shown) + ":\n");
    for (std::size_t i = 0; i < shown; ++i) {
      const violation_example& x = v.examples[i];
      const std::string first = shown == 1 ? "      " : "   " + std::to_string(i + 1) + ". ";
      out << first << (x.a ? "a: " + describe(*x.a, names) + "\n      b: " : "b: ") << describe(x.b, names) << "\n";
      out << "      rule: " << x.rule << "\n";
      // Witness paths are single edges from a to b: the first broken edge on any path.
      if (x.a && x.path.size() == 1)
        out << "      path: " << names[x.a->process] << "#" << x.a->seq
            << (x.path[0].message ? " --message--> " : " --process order--> ") << names[x.b.process] << "#"
            << x.b.seq << "\n";
      else if (x.a && x.path.empty())
        out << "      path: none, a and b are concurrent\n";
    }
  }
  if (c.unverified_pairs() > 0)
    out << "  (" << c.unverified_pairs()
        << " candidate pairs of the strong clock condition's \"only if\" half lay outside the recent window and were "
           "not tested)\n";
}

nlohmann::json violations_json(const invariant_checker& c, std::span<const std::string> expected) {
  nlohmann::json out = nlohmann::json::array();
  for (const violation_report& v : c.violations()) {
    nlohmann::json j = violation_json(v, c.process_names());
    j["expected"] = is_expected(expected, v.name);
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json summary_json(const run_report& r) {
  using nlohmann::json;
  const simulation& sim = *r.sim;
  const run_stats& s = sim.stats();
  const auto names = sim.process_names();
  json by_kind = json::object();
  for (int k = 0; k < event_kind_count; ++k) by_kind[std::string(to_string(static_cast<event_kind>(k)))] = s.by_kind[k];
  json dropped = json::object();
  const bool delivery = !sim.source().delivery.empty();
  for (int k = 0; k < drop_reason_count; ++k)
    if (delivery || static_cast<drop_reason>(k) != drop_reason::held)
      dropped[std::string(to_string(static_cast<drop_reason>(k)))] = s.dropped[k];
  json clocks = json::object();
  const clock_set& c = sim.clocks();
  const logical_config& chosen = sim.source().logical;
  for (process_id p = 0; p < names.size() && p < json_processes; ++p) {
    event_clocks now{c.lamport() ? c.lamport()->value(p) : 0, {}, c.hlc() ? c.hlc()->value(p) : hlc_stamp{}, chosen.shown(), {}};
    if (c.vector()) now.vector = dense_row(vector_of(c.vector()->stamp(p)));
    for (std::size_t k = 0; k < c.extra().size(); ++k) {
      const stamp_words w = c.extra()[k]->stamp(p);
      now.stamps.push_back({chosen.extra[k].kind, {w.begin(), w.end()}});
    }
    clocks[names[p]] = clocks_json(now, names);
  }
  const json violations = r.invariants ? violations_json(*r.invariants, expected_violations(r)) : json::array();
  json expectations = json::array();
  for (const expectation_result& x : r.expectations) {
    expectations.push_back({{"expect", json::parse(x.spec->source)},
                            {"ok", x.outcome == expectation_result::status::met},
                            {"found", found_json(x, names)}});
  }
  const std::optional<std::string> why = r.clocks ? std::nullopt : comparison_left_out(names.size(), sim.source());
  const json left_out = why ? json(*why) : json(nullptr);
  json out = {{"ok", run_ok(r)},
          {"scenario", sim.source().name},
          {"seed", sim.seed()},
          {"processes", names.size()},
          {"events", s.events},
          {"events_by_kind", by_kind},
          {"messages",
           {{"sent", s.messages_sent},
            {"duplicated", s.duplicates},
            {"delivered", s.delivered},
            {"rejected", s.rejected},
            {"held", s.held},
            {"dropped", dropped}}},
          {"skipped_actions", s.skipped_actions},
          {"end_time_ns", s.end_time},
          {"stopped", stop_reason(s, sim.source())},
          {"final_clocks", clocks},
          {"final_clocks_truncated", names.size() > json_processes},
          {"violations", violations},
          {"epsilon_ns", r.invariants && r.invariants->epsilon() ? json(*r.invariants->epsilon()) : json(nullptr)},
          {"expectations", expectations},
          {"clock_report", r.clocks ? clock_report_json(r.clocks->result(), names) : json(nullptr)},
          {"clock_report_left_out", left_out},
          {"trace_sha256", r.trace_sha256.empty() ? json(nullptr) : json(r.trace_sha256)},
          {"wall_seconds", r.wall_seconds},
          {"events_per_second", r.wall_seconds > 0 ? static_cast<double>(s.events) / r.wall_seconds : 0.0}};
  if (r.invariants && r.invariants->data()) out["data"] = data_json(*r.invariants->data());
  if (r.invariants && r.invariants->ntp_exchange_count() > 0) out["ntp"] = ntp_json(*r.invariants);
  if (s.commits) {
    const commit_stats c = commit_waits(s);
    out["commits"] = {{"started", s.commits},     {"done", c.done},         {"crashed", s.commits_crashed},
                      {"stalled", s.commits_stalled}, {"waiting", c.waiting}, {"waited_ns", s.commit_waits},
                      {"mean_ns", c.mean},          {"max_ns", c.max}};
  }
  if (delivery) {
    const held_back_stats h = held_back(s);
    out["held_back"] = {{"receives", h.count}, {"waited", h.waited}, {"mean_ns", h.mean}, {"p99_ns", h.p99},
                        {"max_ns", h.max}};
    out["delivery_remarks"] = sim.delivery_remarks();
  }
  return out;
}

}  // namespace hbsim
