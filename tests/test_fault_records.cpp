// Fault records carry the fault they mark, so that observers need no scenario: from a live run and
// from a trace's fault lines alike.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "hbsim/views/narrator.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"
#include "trace_text.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

// One fault line of each kind, by hand. B is in no group of the partition, so it forms a third group
// of its own; the cut names no mode (drop); the pause runs B's clock.
const std::string header = R"({"type":"header","format":"hbsim-trace/1","scenario":"faults","seed":1,"processes":["A","B","C"]})";
const std::string partition_line =
    R"({"type":"fault","time":1000000,"fault":"partition","groups":[["C"],["A"]],"mode":"hold","heal":5000000})";
const std::string cut_line = R"({"type":"fault","time":2000000,"fault":"cut","from":["B","C"],"to":["A"],"heal":null})";
const std::string pause_line =
    R"({"type":"fault","time":3000000,"fault":"pause","process":"B","clock":"running","until":7000000})";
const std::string step_line = R"({"type":"fault","time":4000000,"fault":"clock_step","process":"C","by":-2500000})";
const std::string every_fault = header + "\n" + partition_line + "\n" + cut_line + "\n" + pause_line + "\n" + step_line + "\n";

}  // namespace

TEST_CASE("fault records: a trace's fault lines come back as records that carry each fault") {
  const recorder r = records_of(every_fault);
  REQUIRE(r.faults.size() == 4);

  const fault_record& p = r.faults[0];
  CHECK(p.type() == fault_record::kind::partition);
  CHECK(p.time == 1 * ms);
  CHECK(p.end == 5 * ms);
  CHECK(p.index == 0);
  const auto* part = std::get_if<partition_fault>(&p.what);
  REQUIRE(part);
  CHECK(part->groups == std::vector<std::vector<process_id>>{{2}, {0}});
  CHECK(part->group_of == std::vector<std::uint32_t>{1, 2, 0});  // A in group 1, B in none, C in group 0
  CHECK(part->applied_groups() == std::vector<std::vector<process_id>>{{2}, {0}, {1}});
  CHECK(part->heal == 5 * ms);
  CHECK(part->mode == hold_mode::hold);

  const fault_record& c = r.faults[1];
  CHECK(c.type() == fault_record::kind::cut);
  CHECK(c.time == 2 * ms);
  CHECK(c.end == -1);
  CHECK(c.index == 1);
  const auto* cut = std::get_if<cut_fault>(&c.what);
  REQUIRE(cut);
  CHECK(cut->from == std::vector<process_id>{1, 2});
  CHECK(cut->to == std::vector<process_id>{0});
  CHECK_FALSE(cut->heal.has_value());
  CHECK(cut->mode == hold_mode::drop);

  const fault_record& w = r.faults[2];
  CHECK(w.type() == fault_record::kind::pause);
  CHECK(w.time == 3 * ms);
  CHECK(w.end == 7 * ms);
  CHECK(w.index == 2);
  const auto* pause = std::get_if<pause_fault>(&w.what);
  REQUIRE(pause);
  CHECK(pause->process == 1);
  CHECK(pause->duration == 4 * ms);
  CHECK(pause->clock_running);

  const fault_record& s = r.faults[3];
  CHECK(s.type() == fault_record::kind::clock_step);
  CHECK(s.time == 4 * ms);
  CHECK(s.end == -1);
  CHECK(s.index == 3);
  const auto* step = std::get_if<clock_step_fault>(&s.what);
  REQUIRE(step);
  CHECK(step->process == 2);
  CHECK(step->by == -2500 * ns_per_us);
}

TEST_CASE("fault records: the reader's header has no faults, and a second replay gives the same records") {
  const temp_file trace("faults.jsonl", every_fault);
  trace_reader reader(trace.str());
  for (int pass = 0; pass < 2; ++pass) {
    recorder r;
    event_observer* observers[] = {&r};
    reader.replay(observers);
    CHECK(reader.header().faults.empty());
    REQUIRE(r.faults.size() == 4);
    CHECK(std::get<cut_fault>(r.faults[1].what).from == std::vector<process_id>{1, 2});
    CHECK(r.faults[3].index == 3);
  }
}

TEST_CASE("fault records: narration and a trace written again need only the records") {
  const temp_file trace("faults.jsonl", every_fault), again("faults-again.jsonl");
  trace_reader reader(trace.str());
  std::ostringstream told;
  narrator n(told);
  trace_writer w(again.str());
  event_observer* observers[] = {&n, &w};
  reader.replay(observers);
  w.commit();
  CHECK(told.str() ==
        "narration of \"faults\", seed 1, processes A, B, C\n"
        "[1ms] fault #0 takes effect: partition {C} | {A} | {B}, heals at 5ms; messages sent across it wait for the heal\n"
        "[2ms] fault #1 takes effect: cut from {B, C} to {A}, never heals; messages sent across it are dropped\n"
        "[3ms] fault #2 takes effect: B pauses until 7ms, its clock running; arrivals and actions wait until it resumes\n"
        "[4ms] fault #3 takes effect: C's physical clock steps by -2.5ms\n"
        "[4ms] end of the run\n");
  // Written back (after its header), a partition lists every group, B's included, and a cut its mode.
  const std::string written = read_file(again.path);
  CHECK(written.substr(written.find('\n') + 1) ==
        R"({"type":"fault","time":1000000,"fault":"partition","groups":[["C"],["A"],["B"]],"mode":"hold","heal":5000000})"
        "\n" R"({"type":"fault","time":2000000,"fault":"cut","from":["B","C"],"to":["A"],"mode":"drop","heal":null})"
        "\n" + pause_line + "\n" + step_line + "\n");
}

TEST_CASE("fault records: a live run's records carry the scenario's faults and their positions") {
  const scenario s = faulty_random_scenario();
  simulation sim(s);
  recorder r;
  sim.observe(r);
  sim.run();
  // The crash (position 4) is an event: the four others, in time order.
  REQUIRE(r.faults.size() == 4);
  CHECK(r.faults[0].index == 0);  // partition at 4 ms
  CHECK(std::get<partition_fault>(r.faults[0].what).group_of == std::vector<std::uint32_t>{0, 0, 1, 1});
  CHECK(r.faults[1].index == 2);  // clock step at 6 ms
  CHECK(std::get<clock_step_fault>(r.faults[1].what).by == -2 * ms);
  CHECK(r.faults[2].index == 1);  // cut at 10 ms
  CHECK(std::get<cut_fault>(r.faults[2].what).from == std::vector<process_id>{3});
  CHECK(r.faults[3].index == 3);  // pause at 12 ms
  CHECK(r.faults[3].end == 15 * ms);
  CHECK(std::get<pause_fault>(r.faults[3].what).process == 2);
}
