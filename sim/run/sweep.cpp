#include "hbsim/run/sweep.hpp"

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/run/memory_estimate.hpp"
#include "hbsim/run/runner.hpp"

namespace hbsim {

namespace {

using json = nlohmann::json;

// Splits at the commas outside strings, arrays and objects: "1,[2,3],\"a,b\"" is three values.
std::vector<std::string_view> split_values(std::string_view list) {
  std::vector<std::string_view> out;
  int depth = 0;
  bool in_string = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(list.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(list.substr(start));
  return out;
}

// A word the shell reads back as it is.
std::string shell_quoted(std::string_view word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("/._-=+:,@%").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Why a finished run failed, one entry per cause (the summary groups runs by them).
std::vector<std::string> failures_of(const run_outcome& out, const scenario& s) {
  std::vector<std::string> why;
  std::vector<std::string> expected;
  for (const expectation& x : s.expect)
    if (x.type == expectation::kind::violates) expected.push_back(x.invariant);
  for (const violation_report& v : out.invariants->violations())
    if (std::find(expected.begin(), expected.end(), v.name) == expected.end()) why.push_back("invariant " + v.name);
  for (const expectation_result& x : out.expectations)
    if (x.outcome == expectation_result::status::unmet) {
      json spec = json::parse(x.spec->source);
      spec.erase("note");
      why.push_back("expectation " + spec.dump());
    }
  if (why.empty()) why.push_back("cut short (max_events or max_pending)");
  return why;
}

}  // namespace

sweep_axis parse_sweep_axis(std::string_view assignment) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == assignment.size())
    throw input_error("--set", "", "PATH=V1,V2,..., e.g. /network/loss=0,0.1 or /network/delay=\"1ms\",\"5ms\"",
                      quoted_excerpt(assignment));
  sweep_axis axis{std::string(assignment.substr(0, eq)), {}};
  // Every run's seed comes from --seeds, which would silently win over the file's /seed.
  if (axis.path == "/seed")
    throw input_error("--set", "", "a field other than /seed, whose values --seeds gives (--seeds A..B)",
                      quoted_excerpt(assignment));
  for (std::string_view v : split_values(assignment.substr(eq + 1)))
    axis.values.push_back(parse_override(axis.path + "=" + std::string(v)).value);
  return axis;
}

sweep::sweep(std::string file, std::vector<sweep_axis> axes, std::uint64_t first_seed, std::uint64_t last_seed)
    : file_(std::move(file)), combinations_(1), first_seed_(first_seed), seeds_(last_seed - first_seed + 1) {
  // A path set twice: the later values would win in every run, and the rows be labelled with values never run.
  for (auto a = axes.begin(); a != axes.end(); ++a)
    if (std::any_of(axes.begin(), a, [&](const sweep_axis& b) { return b.path == a->path; }))
      throw input_error("--set", "", "each path in one --set, its values separated by commas (" + a->path + "=A,B,C)",
                        quoted_excerpt(a->path) + " in two --set options");
  for (const sweep_axis& a : axes) {
    std::vector<std::vector<field_override>> next;
    for (const auto& c : combinations_)
      for (const json& v : a.values) {
        next.push_back(c);
        next.back().push_back({a.path, v});
      }
    combinations_ = std::move(next);
  }
  for (const auto& c : combinations_) scenarios_.push_back(load_scenario(file_, c));
}

sweep_result sweep::run(const sweep_cell& c, std::optional<std::uint64_t> budget) const {
  const scenario& s = scenarios_[c.combination];
  run_options o;
  o.seed = c.seed;
  o.judge_thread = false;  // the sweep's own threads use the CPUs
  o.check_memory = false;  // checked for the runs at a time together (run_cells)
  o.memory_budget = budget;
  sweep_result r;
  try {
    const run_outcome out = run_scenario(s, o);
    r.ok = out.ok();
    r.exit = r.ok ? 0 : 1;
    for (const violation_report& v : out.invariants->violations()) r.violations[v.name] = v.count;
    r.unmet = static_cast<std::uint64_t>(
        std::count_if(out.expectations.begin(), out.expectations.end(),
                      [](const expectation_result& x) { return x.outcome == expectation_result::status::unmet; }));
    r.events = out.sim->stats().events;
    r.epsilon_ns = out.invariants->epsilon();
    if (out.invariants->data()) r.lost_updates = out.lost_updates();
    if (!s.delivery.groups.empty()) {
      const std::vector<sim_time>& held = out.sim->stats().held_back;
      r.held_back_ns = held.empty() ? 0 : *std::max_element(held.begin(), held.end());
    }
    r.trace_sha256 = out.trace_sha256;
    r.wall_seconds = out.wall_seconds;
    if (!r.ok) r.failures = failures_of(out, s);
  } catch (const input_error& e) {
    r.exit = 2;
    r.failures = {std::string("invalid: ") + e.what()};
  } catch (const std::bad_alloc&) {  // as `hbsim run` tells it: too large for the memory this process may take
    r.exit = 2;
    r.failures = {"out of memory"};
  } catch (const std::exception& e) {
    // What `hbsim run` reports as an internal error (exit 3) ends this run only, not the others.
    r.exit = 3;
    r.failures = {std::string("internal error: ") + e.what()};
  }
  return r;
}

void sweep::run_cells(unsigned jobs, std::atomic<bool>& stop, bool stop_on_failure,
                      const std::function<void(std::size_t, sweep_result)>& done, sweep_share share) const {
  std::atomic<std::size_t> next{0};
  std::mutex tell;
  // Runs whose sparse vectors could outgrow the memory are each stopped if the process grows past it
  // (set below, before any run starts).
  std::optional<std::uint64_t> budget;
  // What a thread's runs throw beyond a run (out of memory while keeping a result) stops every thread,
  // and is thrown again here once they have stopped: never out of a thread, which would end the process.
  std::exception_ptr failure;
  const auto work = [&] {
    try {
      for (std::size_t i; !stop.load() && (i = share.rank + next.fetch_add(1) * share.ranks) < size();) {
        sweep_result r = run(cell(i), budget);
        if (!r.ok && stop_on_failure) stop.store(true);
        const std::lock_guard<std::mutex> lock(tell);
        done(i, std::move(r));
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(tell);
      if (!failure) failure = std::current_exception();
      stop.store(true);
    }
  };
  // The runs at a time must fit in memory together. Checked once, here: each run checking what the
  // others left would refuse runs by their timing. A run that cannot fit alone refuses the sweep (exit
  // code 2); otherwise fewer run at a time when the largest, times the jobs, would not fit.
  unsigned at_once = std::max(jobs, 1u);
  const scenario* largest = nullptr;
  std::uint64_t most = 0;
  for (const scenario& s : scenarios_)
    if (const std::uint64_t bytes = estimate_memory(s, true).bytes; !largest || bytes > most) {
      largest = &s;
      most = bytes;
    }
  if (const auto available = available_memory(); available && largest) {
    budget = check_memory(*largest, true, available);
    at_once = static_cast<unsigned>(std::min<std::uint64_t>(at_once, *available / most));
  }
  // No more threads than this share has runs. A thread the system cannot give (a limit on threads or on
  // the address space) leaves the runs to those started, this one at least.
  const std::size_t runs = size() > share.rank ? (size() - share.rank + share.ranks - 1) / share.ranks : 0;
  at_once = static_cast<unsigned>(std::min<std::size_t>(at_once, std::max<std::size_t>(runs, 1)));
  std::vector<std::jthread> threads;
  try {
    for (unsigned t = 1; t < at_once; ++t) threads.emplace_back(work);
  } catch (const std::system_error&) {  // work() below and the threads started take every run
  }
  work();
  threads.clear();  // joined
  if (failure) std::rethrow_exception(failure);
}

std::vector<std::optional<sweep_result>> sweep::run_all(
    unsigned jobs, std::atomic<bool>& stop, bool stop_on_failure,
    const std::function<void(std::size_t, const sweep_result&)>& done) const {
  std::vector<std::optional<sweep_result>> results(size());
  run_cells(jobs, stop, stop_on_failure, [&](std::size_t i, sweep_result r) {
    done(i, r);
    results[i] = std::move(r);
  });
  return results;
}

std::uint64_t sweep_value_summary::violations_total() const {
  std::uint64_t total = 0;
  for (const auto& v : violations) total += v.second;
  return total;
}

std::vector<sweep_value_summary> sweep::by_value(const std::vector<std::optional<sweep_result>>& results) const {
  std::vector<sweep_value_summary> out(combinations());
  for (std::size_t c = 0; c < combinations(); ++c) {
    out[c].set = combinations_[c];
    for (const field_override& o : combinations_[c]) out[c].values.append(out[c].values.empty() ? "" : " ").append(o.text());
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]) continue;
    sweep_value_summary& s = out[cell(i).combination];
    ++s.runs;
    s.failed += results[i]->ok ? 0 : 1;
    for (const auto& v : results[i]->violations) s.violations[v.first] += v.second;
    if (results[i]->epsilon_ns) s.max_epsilon_ns = std::max(s.max_epsilon_ns.value_or(0), *results[i]->epsilon_ns);
    if (results[i]->lost_updates) s.lost_updates = s.lost_updates.value_or(0) + *results[i]->lost_updates;
    if (results[i]->held_back_ns)
      s.max_held_back_ns = std::max(s.max_held_back_ns.value_or(0), *results[i]->held_back_ns);
  }
  return out;
}

nlohmann::ordered_json sweep::line(const sweep_cell& c, const sweep_result& r) const {
  nlohmann::ordered_json set = nlohmann::ordered_json::object();
  for (const field_override& o : overrides(c)) set[o.path] = o.value;
  nlohmann::ordered_json out = {{"seed", c.seed},
                                 {"set", set},
                                 {"ok", r.ok},
                                 {"exit", r.exit},
                                 {"violations", r.violations},
                                 {"unmet", r.unmet},
                                 {"events", r.events},
                                 {"trace_sha256", r.trace_sha256},
                                 {"wall_seconds", r.wall_seconds}};
  // Beyond SPEC's fields, only in runs that have replicated data or delivery groups.
  if (r.lost_updates) out["lost_updates"] = *r.lost_updates;
  if (r.held_back_ns) out["held_back_ns"] = *r.held_back_ns;
  return out;
}

std::string sweep::reproduce(const sweep_cell& c) const {
  std::string out = "hbsim run " + shell_quoted(file_) + " --seed " + std::to_string(c.seed);
  for (const field_override& o : overrides(c)) out += " --set " + shell_quoted(o.text());
  return out;
}

unsigned usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace hbsim
