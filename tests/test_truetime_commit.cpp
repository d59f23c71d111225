// TrueTime commit wait: s and the wait derived by hand for a constant ε, a sawtooth and drifting clocks;
// clock steps and crashes while waiting; truetime.commit_wait on random runs (and the wait's end is the
// first such nanosecond); truetime.external_consistency broken exactly in lesson 48; the trace, check,
// narration, summary and exports.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/clocks/truetime/truetime_clock.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/kernel/physical_clock.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/views/summary.hpp"
#include "cli_fixture.hpp"
#include "engine/commit_wait.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"
#include "truetime_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using json = nlohmann::json;

namespace {

constexpr sim_time us = ns_per_us;

// One process A, exact to the ns unless changed, committing "c" at `when`, ε constant.
scenario one_commit(sim_time when, const char* epsilon = "1ms") {
  scenario s = make_scenario({"A"});
  s.processes[0].clock.resolution = 1;
  s.script.push_back(at(when, 0, action_kind::commit, "c"));
  return with_truetime(s, epsilon);
}

const kept_event* find(const recorded_run& r, const std::string& label) {
  for (const kept_event& e : r.rec.events)
    if (e.label == label) return &e;
  return nullptr;
}

// The -done event of "c": its true time and its note.
struct done_at {
  sim_time time = -1;
  commit_note note;
};
done_at done_of(const recorded_run& r) {
  const kept_event* e = find(r, "c-done");
  if (!e || !e->commit) return {};
  return {e->r.time, *e->commit};
}

std::string lesson(const std::string& file) { return source_path("scenarios/teaching/" + file); }

}  // namespace

TEST_CASE("commit wait search: probes forward, bisects back to the first time earliest passes s") {
  // earliest(t) = t / 2 (a clock at half speed): s = 10 is passed first at t = 22 (11 > 10).
  const auto half = [](sim_time t) { return t / 2; };
  CHECK(commit_wait_end(0, 10, half) == 22);
  // A clock at twice the speed: 2t > 10 first at t = 6; the first probe (11) overshoots, bisection comes back.
  CHECK(commit_wait_end(0, 10, [](sim_time t) { return 2 * t; }) == 6);
  // earliest that never grows: the wait never ends.
  CHECK(!commit_wait_end(0, 10, [](sim_time) { return sim_time{5}; }));
}

TEST_CASE("a commit with a constant epsilon: s = pt + e, done 2e and one tick later") {
  // ε = 1 ms, resolution 1 ns, commit at 5 ms: pt = 5ms, s = 6ms; earliest = t − 1ms > 6ms first at 7ms + 1ns.
  const recorded_run r = run_recorded(one_commit(5 * ms));
  const kept_event* c = find(r, "c");
  REQUIRE(c);
  REQUIRE(c->commit);
  CHECK(c->commit->s == 6 * ms);
  CHECK(!c->commit->done());
  const done_at d = done_of(r);
  CHECK(d.time == 7 * ms + 1);
  CHECK(d.note.s == 6 * ms);
  CHECK(d.note.waited == 2 * ms + 1);
  CHECK(r.stats.commits == 1);
  CHECK(r.stats.commit_waits == std::vector<sim_time>{2 * ms + 1});
  // Resolution 1 us: the clock reads 7ms until 7.001ms, when earliest = 6.001ms first passes s.
  scenario coarse = one_commit(5 * ms);
  coarse.processes[0].clock.resolution = us;
  CHECK(done_of(run_recorded(coarse)).note.waited == 2 * ms + us);
}

TEST_CASE("a commit with a sawtooth epsilon: the wait grows with e") {
  // ε = 1ms + floor(t / 5000) (200 ppm, no sync), resolution 1 us, commit at 10 s: e = 3ms, s = 10.003s.
  // earliest(u us) = 1000u − 1ms − floor(u / 5): u = 10006001 gives 10002999800 <= s, u = 10006002 gives
  // 10003000800 > s (lesson 47's c2).
  scenario s = one_commit(10'000 * ms);
  s.processes[0].clock.resolution = us;
  s.logical.extra[0].options = {{"epsilon", {{"base", "1ms"}, {"drift_ppm", 200}}}};
  const done_at d = done_of(run_recorded(s));
  CHECK(d.note.s == 10'003 * ms);
  CHECK(d.time == 10'006'002 * us);
  CHECK(d.note.waited == 6'002 * us);
  // A sync every 10 s (error 0) resets e at 10 s: e = 1ms, s = 10.001s; earliest = t − 1ms − floor((t − 10s)/5000)
  // passes s first at u = 10002001 (10002001000 − 1000000 − 400 = 10001000600 > s; u = 10002000: 10000999600).
  s.processes[0].clock.sync = clock_sync{10'000 * ms, distribution::constant(0)};
  const done_at synced = done_of(run_recorded(s));
  CHECK(synced.note.s == 10'001 * ms);
  CHECK(synced.note.waited == 2'001 * us);
}

TEST_CASE("a commit on a drifting clock waits in true time what its clock needs") {
  // ε = 1 ms, commit at 0: s = 1ms, done when pt > 2ms. A slow clock (−1000 ppm): pt = t + floor(−t / 1000);
  // pt(2002003) = 2002003 − 2003 = 2000000, pt(2002004) = 2000001: done at 2002004 ns.
  scenario slow = one_commit(0);
  slow.processes[0].clock.drift_ppm = -1000;
  const done_at d = done_of(run_recorded(slow));
  CHECK(d.note.s == ms);
  CHECK(d.note.waited == 2'002'004);
  // A fast one (+1000 ppm): pt = t + floor(t / 1000); pt(1998002) = 2000000, pt(1998003) = 2000001.
  scenario fast = one_commit(0);
  fast.processes[0].clock.drift_ppm = 1000;
  CHECK(done_of(run_recorded(fast)).note.waited == 1'998'003);
}

TEST_CASE("clock steps while a commit waits: back, it waits longer, forward, it is done at the step") {
  // Commit at 0, s = 1ms, done at 2ms + 1ns without steps. A step of −1ms at 1ms: pt = t − 1ms from then,
  // earliest = t − 2ms > 1ms first at 3ms + 1ns.
  scenario back = one_commit(0);
  back.faults.push_back({ms, clock_step_fault{0, -ms}, "/faults/0"});
  CHECK(done_of(run_recorded(back)).time == 3 * ms + 1);
  // A step of +5ms at 1ms: pt = 6ms, earliest 5ms > s at once.
  scenario forward = one_commit(0);
  forward.faults.push_back({ms, clock_step_fault{0, 5 * ms}, "/faults/0"});
  const done_at d = done_of(run_recorded(forward));
  CHECK(d.time == ms);
  CHECK(d.note.waited == ms);
  // A pause with the clock running from 1ms to 4ms: the wait ends at 2ms + 1ns but A acts at 4ms.
  scenario paused = one_commit(0);
  paused.faults.push_back({ms, pause_fault{0, 3 * ms, true}, "/faults/0"});
  CHECK(done_of(run_recorded(paused)).time == 4 * ms);
}

TEST_CASE("a crash while a commit waits: no -done event, the summary says the commit never completed") {
  scenario s = one_commit(0);
  s.faults.push_back({ms, crash_fault{0, 1500 * us, persist_mode::all, 0}, "/faults/0"});
  const recorded_run r = run_recorded(s);
  CHECK(!find(r, "c-done"));
  CHECK(r.stats.commits == 1);
  CHECK(r.stats.commits_crashed == 1);
  CHECK(r.stats.commit_waits.empty());
  const run_outcome o = run_scenario(s);
  std::ostringstream out;
  print_summary(out, o.report());
  CHECK(out.str().find("commits    0 of 1 TrueTime commits done; 1 never completed (their process crashed while "
                       "waiting)") != std::string::npos);
  const json j = summary_json(o.report());
  CHECK(j["commits"]["started"] == 1);
  CHECK(j["commits"]["crashed"] == 1);
  CHECK(j["commits"]["done"] == 0);
}

TEST_CASE("truetime.commit_wait holds on random runs, and each wait ends at the first nanosecond it may") {
  // Three processes with offsets, drifts and resolutions, ε = 2ms constant; every receive commits.
  scenario s = make_scenario({"A", "B", "C"});
  s.processes[0].clock = {3 * ms, 150, us, std::nullopt, {}};
  s.processes[1].clock = {-4 * ms, -300, 1, std::nullopt, {}};
  s.processes[2].clock = {0, 40, 10 * us, std::nullopt, {}};
  s.generate.push_back(random_generator{20, 1.0, distribution::uniform(0, 2 * ms)});
  s.on_receive.push_back({std::nullopt, std::nullopt, {action_kind::commit, {}, false, "c"}, 0, "/on_receive/0"});
  s = with_truetime(s, "2ms");
  std::size_t checked = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    CAPTURE(seed);
    run_options options;
    options.seed = seed;
    const run_outcome o = run_scenario(s, options);
    CHECK(o.invariants->count("truetime.commit_wait") == 0);
    const recorded_run r = run_recorded(s, seed);
    CHECK(r.stats.commit_waits.size() == r.stats.commits);
    for (const kept_event& e : r.rec.events) {
      if (!e.commit || !e.commit->done()) continue;
      // earliest one ns before -done, read on a fresh clock (no sync, no fault): not yet past s.
      physical_clock c(s.processes[e.r.process].clock, random_source(seed), e.r.process);
      CHECK(c.read(e.r.time - 1) - 2 * ms <= e.commit->s);
      CHECK(e.r.pt - 2 * ms > e.commit->s);
      ++checked;
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("truetime.external_consistency breaks exactly where a clock leaves its epsilon (lessons 47 and 48)") {
  const scenario lesson_47 = load_scenario(lesson("47_truetime_commit_wait.json"));  // outlives the outcome
  const run_outcome fine = run_scenario(lesson_47);
  CHECK(fine.ok());
  CHECK(fine.invariants->count("truetime.external_consistency") == 0);
  CHECK(fine.invariants->count("truetime.commit_wait") == 0);
  // Waited 2.001, 6.002, 10.003 and 14.003 ms (derived in the scenario's note).
  CHECK(fine.sim->stats().commit_waits == std::vector<sim_time>{2'001 * us, 6'002 * us, 10'003 * us, 14'003 * us});
  scenario broken = load_scenario(lesson("48_truetime_commit_outside_epsilon.json"));
  const run_outcome b = run_scenario(broken);
  CHECK(b.ok());
  CHECK(b.invariants->count("truetime.external_consistency") == 1);  // at B's commit only
  CHECK(b.invariants->count("truetime.commit_wait") == 0);
  // ε = 11ms covers A's error: A's s = 21ms, done at 22.001ms, after B's commit at 5ms began.
  broken.logical.extra[0].options = {{"epsilon", "11ms"}};
  const run_outcome wide = run_scenario(broken);
  CHECK(wide.invariants->count("truetime.external_consistency") == 0);
  CHECK(wide.invariants->count("truetime.contains_true_time") == 0);
  CHECK(wide.sim->stats().commit_waits == std::vector<sim_time>{22'001 * us, 22'001 * us});
}

TEST_CASE("commits on the command line: trace, check, narration, summary and exports") {
  const scratch tmp;
  const std::string trace = (tmp.dir / "t.jsonl").string();
  const cli_result run = run_cli("run '" + lesson("48_truetime_commit_outside_epsilon.json") + "' --trace '" + trace +
                                 "' --narrate");
  REQUIRE(run.code == 0);
  CHECK(run.out.find("commit a: s = latest = 11ms; waits until earliest > s: 2e = 2ms") != std::string::npos);
  CHECK(run.out.find("commit done: waited 2.001ms since s = 11ms was taken, earliest = 11.001ms > s") !=
        std::string::npos);
  CHECK(run.out.find("commits    2 of 2 TrueTime commits done; waited mean 2.001ms, max 2.001ms") != std::string::npos);
  const std::string text = read_file(trace);
  CHECK(text.find(R"("label":"a","time":0,"pt":10000000,"truetime":[9000000,11000000],"commit":{"s":11000000}})") !=
        std::string::npos);
  CHECK(text.find(R"("commit":{"s":11000000,"waited":2001000}})") != std::string::npos);
  // check reads the commits back and judges them on the trace alone.
  const cli_result check = run_cli("check '" + trace + "'");
  CHECK(check.code == 1);
  CHECK(check.out.find("truetime.external_consistency: 1 violation") != std::string::npos);
  CHECK(check.out.find("commit b at B starts at 5ms with s = 6ms, after a-done at A finished at 2.001ms with s = "
                       "11ms") != std::string::npos);
  // A trace whose -done came too early: earliest 11.001ms is not past an s of 12ms.
  std::string early = text;
  const std::string done_note = R"("commit":{"s":11000000,"waited":2001000})";
  early.replace(early.find(done_note), done_note.size(), R"("commit":{"s":12000000,"waited":2001000})");
  const std::string early_path = tmp.write("early.jsonl", early);
  const cli_result e = run_cli("check '" + early_path + "'");
  CHECK(e.out.find("truetime.commit_wait: 1 violation") != std::string::npos);
  CHECK(e.out.find("a-done: earliest 11.001ms is not past s = 12ms") != std::string::npos);
  // A malformed commit field is refused with its path.
  std::string bad = text;
  bad.replace(bad.find(done_note), done_note.size(), R"("commit":{"s":11000000,"waited":-1})");
  const std::string bad_path = tmp.write("bad.jsonl", bad);
  const cli_result refused = run_cli("check '" + bad_path + "'");
  CHECK(refused.code == 2);
  CHECK(refused.err.find("/commit/waited") != std::string::npos);
  // The diagrams show the two events, the wait in the -done event's details.
  const std::string svg = export_trace(tmp, trace, "svg");
  CHECK(svg.find("commit: s = latest = 11ms") != std::string::npos);
  CHECK(svg.find("commit done: s = 11ms, waited 2.001ms") != std::string::npos);
  CHECK(export_trace(tmp, trace, "html").find(R"("commit":"commit done: s = 11ms, waited 2.001ms")") !=
        std::string::npos);
}
