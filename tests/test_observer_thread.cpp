#include <doctest/doctest.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/observer_thread.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/views/summary.hpp"
#include "sim_fixture.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

// Writes down every call it receives, with everything the record carries, so that two logs are
// equal only if the same calls came in the same order with the same contents.
class call_log final : public event_observer {
 public:
  void on_start(const run_header& h) override { line("start", h.process_names.size()); }
  void on_event(const event_record& e) override {
    std::string& s = line("event", e.id, e.process, e.seq, static_cast<int>(e.kind), e.time, e.pt, e.message, e.from,
                          e.send_event);
    s.append(" '").append(e.label).append("'");
    for (const stamp_words w : e.stamps) {
      s.append(" |");
      for (const std::uint64_t x : w) s.append(" ").append(std::to_string(x));
    }
    for (const sent_message& m : e.messages) s.append(" sent ").append(std::to_string(m.id)).append("x").append(std::to_string(m.copies));
  }
  void on_route(const route_record& r) override {
    line("route", r.message, r.copies, r.arrival[0], r.arrival[1], r.dropped, r.held);
  }
  void on_drop(const drop_record& d) override { line("drop", d.message, d.time, static_cast<int>(d.reason)); }
  void on_fault(const fault_record& f) override { line("fault", f.index, f.time); }
  void on_finish(const run_end& end) override { line("finish", end.time); }
  std::vector<std::string> lines;

 private:
  template <class... Numbers>
  std::string& line(const char* what, Numbers... numbers) {
    std::string& s = lines.emplace_back(what);
    ((s.append(" ").append(std::to_string(numbers))), ...);
    return s;
  }
};

// Writes down the hints it is given (ahead) among the events it sees.
class hint_log final : public event_observer {
 public:
  void ahead(const event_record& next) const override { calls.push_back({true, next.id}); }
  void on_event(const event_record& e) override { calls.push_back({false, e.id}); }
  struct call {
    bool hint;
    event_id id;
  };
  mutable std::vector<call> calls;
};

// Throws on its n-th event.
class failing_observer final : public event_observer {
 public:
  explicit failing_observer(int n) : left_(n) {}
  void on_event(const event_record&) override {
    if (--left_ == 0) throw std::runtime_error("observer failed");
  }

 private:
  int left_;
};

// The calls of one run, seen directly and through an observer_thread whose ring holds 16 records (so
// that the simulation waits for the worker again and again), `first` watching before it there.
struct two_logs {
  call_log direct, threaded;
};
two_logs watch_both_ways(const scenario& s, std::uint64_t seed, event_observer* first = nullptr) {
  two_logs logs;
  simulation a(s, seed);
  a.observe(logs.direct);
  a.run();
  std::vector<event_observer*> observers = {&logs.threaded};
  if (first) observers.insert(observers.begin(), first);
  observer_thread worker(observers, 1);
  simulation b(s, seed);
  b.observe(worker);
  b.run();
  return logs;
}

}  // namespace

TEST_CASE("observer thread: observers see the same calls, in the same order, as on the run's thread") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    call_log second;
    const two_logs logs = watch_both_ways(faulty_random_scenario(), seed, &second);
    REQUIRE(logs.direct.lines.size() > 100);
    CHECK(logs.threaded.lines == logs.direct.lines);
    CHECK(second.lines == logs.direct.lines);
  }
}

TEST_CASE("observer thread: a hint names an event that comes next, or the one after, whatever else comes between") {
  hint_log hints;
  observer_thread worker({&hints}, 1);
  const scenario s = faulty_random_scenario();  // routes, drops and faults between its events
  simulation run(s, 3);
  run.observe(worker);
  run.run();
  std::size_t given = 0;
  for (std::size_t i = 0; i < hints.calls.size(); ++i) {
    if (!hints.calls[i].hint) continue;
    ++given;
    std::vector<event_id> following;
    for (std::size_t j = i + 1; j < hints.calls.size() && following.size() < 2; ++j)
      if (!hints.calls[j].hint) following.push_back(hints.calls[j].id);
    CAPTURE(i);
    REQUIRE(!following.empty());
    CHECK(std::find(following.begin(), following.end(), hints.calls[i].id) != following.end());
  }
  CHECK(given > 50);  // the worker reads ahead whenever the next record is already there
}

TEST_CASE("observer thread: stamps read as they did at their event, however late the worker") {
  // Many processes and a worker slowed down: processes' clocks change long before the worker reads
  // their events; a crash without persistence and one with a checkpoint change clocks outside events.
  std::vector<std::string> names;
  for (std::size_t i = 0; i < 300; ++i) names.push_back(std::to_string(i));
  scenario s = make_scenario(names);
  s.network.defaults.delay = distribution::exponential(100'000);
  s.generate.push_back(random_generator{6, 0.6, distribution::exponential(50'000)});
  s.faults.push_back({100'000, crash_fault{0, 200'000, persist_mode::none, 0}, "/faults/0"});
  s.faults.push_back({100'000, crash_fault{1, 200'000, persist_mode::checkpoint, 2}, "/faults/1"});
  struct slow final : event_observer {
    void on_event(const event_record&) override { std::this_thread::sleep_for(std::chrono::microseconds(20)); }
  } slow_down;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    const two_logs logs = watch_both_ways(s, seed, &slow_down);
    REQUIRE(logs.direct.lines.size() > 1000);
    CHECK(logs.threaded.lines == logs.direct.lines);
  }
}

TEST_CASE("observer thread: a run judged on a second thread gives the same summary as on one") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    for (const char* variant : {"vector=no-merge", "hlc=no-counter-reset", "lamport=no-tick-local"}) {
      CAPTURE(variant);
      scenario s = faulty_random_scenario();
      apply_variant(s, variant);
      run_options o;
      o.seed = seed;
      o.judge_thread = true;
      const run_outcome threaded = run_scenario(s, o);
      o.judge_thread = false;
      const run_outcome single = run_scenario(s, o);
      nlohmann::json a = summary_json(threaded.report()), b = summary_json(single.report());
      for (const char* timing : {"wall_seconds", "events_per_second"}) {
        a.erase(timing);
        b.erase(timing);
      }
      CHECK(a == b);
      CHECK(!threaded.invariants->violations().empty());
    }
  }
}

TEST_CASE("observer thread: an observer's exception reaches the caller at the end of the run") {
  const scenario s = faulty_random_scenario();
  failing_observer failing(5);
  call_log after;
  observer_thread worker({&failing, &after}, 1);
  simulation sim(s, 1);
  sim.observe(worker);
  CHECK_THROWS_WITH_AS(sim.run(), "observer failed", std::runtime_error);
  // The failing record went to no later observer, and nothing after it did either.
  REQUIRE(!after.lines.empty());
  CHECK(after.lines.front() == "start 4");
  CHECK(std::count_if(after.lines.begin(), after.lines.end(), [](const std::string& l) {
          return l.rfind("event", 0) == 0;
        }) == 4);
  CHECK(after.lines.back().rfind("finish", 0) == std::string::npos);
}

TEST_CASE("observer thread: an observer that refuses the run at its start (on the worker) stops it at its first record") {
  class refusing final : public event_observer {
    void on_start(const run_header&) override { throw std::runtime_error("refused"); }
  };
  const scenario s = parse_scenario(R"({"name": "p", "seed": 1, "processes": {"count": 8},
    "generate": {"kind": "phold", "population": 1, "messages": 10000}})",
                                    "p.json");
  refusing refuse;
  call_log after;
  observer_thread worker({&refuse, &after}, 1);  // 16 records, handed over by 4
  simulation sim(s, 1);
  sim.observe(worker);
  CHECK_THROWS_WITH_AS(sim.run(), "refused", std::runtime_error);
  // 20,000 events in all: the run stopped at its first, and the later observer saw none of it.
  CHECK(sim.stats().events <= 1);
  CHECK(after.lines.empty());
}

TEST_CASE("observer thread: a run that stops without finishing leaves no thread behind") {
  call_log log;
  {
    observer_thread worker({&log}, 1);
    const std::vector<std::string> names = {"A", "B"};
    worker.on_start({nullptr, 1, names});
    const std::uint64_t v[] = {1, 0};
    const stamp_words stamps[] = {v};
    event_record e;
    e.id = 1;
    e.stamps = stamps;
    for (int i = 0; i < 100; ++i) worker.on_event(e);
  }  // destroyed without on_finish, as when the simulation throws: what is left is not delivered
  REQUIRE(!log.lines.empty());
  CHECK(log.lines.size() <= 101);
  CHECK(log.lines.front() == "start 2");
  CHECK(log.lines.back().rfind("finish", 0) == std::string::npos);
}

TEST_CASE("observer thread: worthwhile only with vector-sized stamps or very many processes, and a second CPU") {
  // Whatever the CPUs: the hand-over costs what it saves.
  CHECK_FALSE(observer_thread::worthwhile(false, 1024));
  CHECK_FALSE(observer_thread::worthwhile(false, 65'536));
  cpu_set_t cpus;
  REQUIRE(sched_getaffinity(0, sizeof cpus, &cpus) == 0);
  const bool second_cpu = CPU_COUNT(&cpus) > 1;
  CHECK(observer_thread::worthwhile(true, 2) == second_cpu);
  CHECK(observer_thread::worthwhile(false, 65'537) == second_cpu);
}
