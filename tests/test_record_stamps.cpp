// An event's stamps: one per kind of the scenario's `clocks`, in that order, the standard kinds
// included; a kind not chosen has none, in the live run, in its trace and in the replay.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

using words = std::vector<std::vector<std::uint64_t>>;

// Each event's stamps, copied (a record's spans live only during the call).
class stamp_keeper final : public event_observer {
 public:
  void on_event(const event_record& e) override {
    words& w = kept.emplace_back();
    for (const stamp_words s : e.stamps) w.emplace_back(s.begin(), s.end());
  }
  std::vector<words> kept;
};

// A sends m1 to B at 0; it arrives at 1ms (delay 1ms, clocks exact: pt = true time).
scenario hlc_then_lamport() {
  scenario s = make_scenario({"A", "B"});
  s.logical.clocks = {"hlc", "lamport"};
  s.script.push_back(at(0, 0, action_kind::send, "m1", {1}));
  return s;
}

// Derived by the canonical rules: A's send: L = 1; HLC l = max(0, pt 0) = 0 unchanged, so c = 0 + 1.
// B's receive at pt 1ms: L = max(0, 1) + 1 = 2; HLC l = max(0, 0, 1ms) = 1ms, from pt alone, so c = 0.
// HLC first, then Lamport: the scenario's `clocks` order.
const std::vector<words> expected = {{{0, 1}, {1}}, {{1'000'000, 0}, {2}}};

}  // namespace

TEST_CASE("a record of a run with clocks hlc and lamport has exactly their two stamps, in that order") {
  const temp_file trace("hlc-lamport.jsonl");
  const scenario s = hlc_then_lamport();  // the simulation keeps a reference to it
  stamp_keeper live;
  {
    simulation sim(s);
    trace_writer writer(trace.str());
    sim.observe(writer);
    sim.observe(live);
    sim.run();
    writer.commit();
  }
  CHECK(live.kept == expected);

  std::ifstream in(trace.str());
  std::string line;
  int events = 0;
  while (std::getline(in, line)) {
    if (line.find("\"type\":\"event\"") == std::string::npos) continue;
    ++events;
    CHECK(line.find("\"vector\"") == std::string::npos);
    CHECK(line.find("\"lamport\"") != std::string::npos);
  }
  CHECK(events == 2);

  stamp_keeper replayed;
  trace_reader reader(trace.str());
  event_observer* observers[] = {&replayed};
  reader.replay(observers);
  CHECK(replayed.kept == expected);
}
