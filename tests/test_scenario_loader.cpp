// Loading scenario files into the model: every feature (tests/data/full.json), defaults, event
// references, and the form of input_error messages. Rejected inputs are in test_bad_input.cpp.
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "hbsim/core/input_error.hpp"
#include "hbsim/kernel/event.hpp"
#include "hbsim/scenario/event_ref.hpp"
#include "hbsim/scenario/scenario.hpp"

using namespace hbsim;

namespace {

std::string data_file(const std::string& name) { return std::string(HBSIM_SOURCE_DIR) + "/tests/data/" + name; }

// The message of the input_error that parsing `text` throws ("" when it does not throw).
std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "t.json");
  } catch (const input_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("every top-level field and every process clock of full.json") {
  const scenario s = load_scenario(data_file("full.json"));
  CHECK(s.file == data_file("full.json"));
  CHECK(s.name == "every-feature");
  CHECK(s.description == "A scenario that uses every field of the format, for the loader's tests.");
  CHECK(s.seed == 1234567890123456789ull);
  REQUIRE(s.until.has_value());
  CHECK(*s.until == 2'500'000'000);
  CHECK(s.max_events == 5000);

  REQUIRE(s.processes.size() == 4);
  CHECK(s.processes[0].name == "a");
  CHECK(s.processes[1].name == "b");
  CHECK(s.processes[2].name == "c.3_x-y");
  CHECK(s.processes[3].name == "sender");
  CHECK(s.find_process("c.3_x-y") == process_id{2});
  CHECK(s.find_process("sender") == process_id{3});
  CHECK_FALSE(s.find_process("d").has_value());

  // a: the top-level clock as written.
  const physical_clock_config& a = s.processes[0].clock;
  CHECK(a.offset == -20'000'000);
  CHECK(a.drift_ppm == 50);
  CHECK(a.resolution == 10'000);
  REQUIRE(a.sync.has_value());
  CHECK(a.sync->every == 1'000'000'000);
  CHECK(a.sync->error.type() == distribution::kind::uniform);
  CHECK(a.sync->error.first() == -1'000'000);
  CHECK(a.sync->error.second() == 1'000'000);
  // b overrides only the drift.
  const physical_clock_config& b = s.processes[1].clock;
  CHECK(b.offset == -20'000'000);
  CHECK(b.drift_ppm == -100.5);
  CHECK(b.resolution == 10'000);
  CHECK(b.sync.has_value());
  // c overrides offset and resolution and keeps the drift and the sync.
  const physical_clock_config& c = s.processes[2].clock;
  CHECK(c.offset == 1'500'000);
  CHECK(c.drift_ppm == 50);
  CHECK(c.resolution == 1);
  REQUIRE(c.sync.has_value());
  CHECK(c.sync->every == 1'000'000'000);
  // An object process without a clock has the default clock.
  CHECK(s.processes[3].clock.offset == -20'000'000);
  CHECK(s.processes[3].clock.resolution == 10'000);
}

TEST_CASE("network defaults and link overrides of full.json") {
  const scenario s = load_scenario(data_file("full.json"));
  const link_config& d = s.network.defaults;
  CHECK(d.delay.type() == distribution::kind::normal);
  CHECK(d.delay.first() == 5'000'000);
  CHECK(d.delay.second() == 1'000'000);
  CHECK(d.loss == 0.01);
  CHECK(d.duplicate == 0);
  CHECK(d.fifo);

  REQUIRE(s.network.links.size() == 3);
  const link_override& l0 = s.network.links[0];  // a -> *, delay only
  CHECK(l0.from == process_id{0});
  CHECK_FALSE(l0.to.has_value());
  REQUIRE(l0.delay.has_value());
  CHECK(l0.delay->type() == distribution::kind::constant);
  CHECK(l0.delay->first() == 2'000'000);
  CHECK_FALSE(l0.loss.has_value());
  CHECK_FALSE(l0.duplicate.has_value());
  CHECK_FALSE(l0.fifo.has_value());
  const link_override& l1 = s.network.links[1];  // * -> b, loss and fifo
  CHECK_FALSE(l1.from.has_value());
  CHECK(l1.to == process_id{1});
  CHECK_FALSE(l1.delay.has_value());
  CHECK(l1.loss == 1.0);
  CHECK(l1.fifo == false);
  CHECK_FALSE(l1.duplicate.has_value());
  const link_override& l2 = s.network.links[2];  // b -> a
  CHECK(l2.from == process_id{1});
  CHECK(l2.to == process_id{0});
  CHECK(l2.duplicate == 0.5);
  REQUIRE(l2.delay.has_value());
  CHECK(l2.delay->type() == distribution::kind::exponential);
  CHECK(l2.delay->first() == 3'000'000);

  CHECK(s.logical.lamport == lamport_variant::no_tick_local);
  CHECK(s.logical.vector == vector_variant::send_previous);
  CHECK(s.logical.hlc == hlc_variant::canonical);
  CHECK(s.logical.hlc_max_offset == sim_time{250'000'000});
}

TEST_CASE("faults of full.json") {
  const scenario s = load_scenario(data_file("full.json"));
  REQUIRE(s.faults.size() == 6);
  for (std::size_t i = 0; i < s.faults.size(); ++i) CHECK(s.faults[i].path == "/faults/" + std::to_string(i));

  CHECK(s.faults[0].at == 100'000'000);
  const auto& p = std::get<partition_fault>(s.faults[0].what);
  CHECK(p.groups == std::vector<std::vector<process_id>>{{0}, {1, 3}});
  // c is named nowhere: it forms group 2.
  CHECK(p.group_of == std::vector<std::uint32_t>{0, 1, 2, 1});
  CHECK(p.heal == sim_time{200'000'000});
  CHECK(p.mode == hold_mode::hold);

  const auto& cut = std::get<cut_fault>(s.faults[1].what);
  CHECK(cut.from == std::vector<process_id>{0, 1});
  CHECK(cut.to == std::vector<process_id>{2});
  CHECK_FALSE(cut.heal.has_value());
  CHECK(cut.mode == hold_mode::drop);

  const auto& crash = std::get<crash_fault>(s.faults[2].what);
  CHECK(s.faults[2].at == 120'000'000);
  CHECK(crash.process == 1);
  CHECK(crash.restart == sim_time{300'000'000});
  CHECK(crash.persist == persist_mode::checkpoint);
  CHECK(crash.checkpoint_every == 10);

  const auto& step = std::get<clock_step_fault>(s.faults[3].what);
  CHECK(step.process == 0);
  CHECK(step.by == -5'000'000);

  const auto& pause = std::get<pause_fault>(s.faults[4].what);
  CHECK(pause.process == 2);
  CHECK(pause.duration == 50'000'000);
  CHECK(pause.clock_running);

  const auto& plain_crash = std::get<crash_fault>(s.faults[5].what);
  CHECK(plain_crash.process == 0);
  CHECK_FALSE(plain_crash.restart.has_value());
  CHECK(plain_crash.persist == persist_mode::all);
  CHECK(plain_crash.checkpoint_every == 0);
}

TEST_CASE("script actions of full.json, with generated labels") {
  const scenario s = load_scenario(data_file("full.json"));
  REQUIRE(s.script.size() == 5);
  for (std::size_t i = 0; i < s.script.size(); ++i) CHECK(s.script[i].path == "/script/" + std::to_string(i));

  const script_action& s0 = s.script[0];
  CHECK(s0.process == 0);
  CHECK(s0.at == sim_time{0});
  CHECK(s0.what.kind == action_kind::local);
  CHECK(s0.what.label == "local1");
  CHECK(s0.repeat_count == 1);
  CHECK(s0.repeat_every == 0);

  const script_action& s1 = s.script[1];
  CHECK(s1.at == sim_time{1'000'000});
  CHECK(s1.what.kind == action_kind::send);
  CHECK(s1.what.to == std::vector<process_id>{1});
  CHECK(s1.what.label == "hello");

  const script_action& s2 = s.script[2];
  CHECK(s2.process == 1);
  CHECK_FALSE(s2.at.has_value());
  REQUIRE(s2.after.has_value());
  CHECK(s2.after->text == "b:hello");
  CHECK(s2.after->process == 1);
  CHECK(s2.after->label == "hello");
  CHECK_FALSE(s2.after->by_seq);
  CHECK(s2.after->index == 0);
  CHECK(s2.delay == 2'000'000);
  CHECK(s2.what.to == std::vector<process_id>{0, 2});
  CHECK(s2.what.label == "send3");

  const script_action& s3 = s.script[3];
  CHECK(s3.what.kind == action_kind::broadcast);
  CHECK(s3.what.to.empty());
  CHECK(s3.what.label == "broadcast4");
  CHECK(s3.repeat_count == 3);
  CHECK(s3.repeat_every == 1'500'000);

  const script_action& s4 = s.script[4];
  CHECK(s4.process == 3);
  REQUIRE(s4.after.has_value());
  CHECK(s4.after->by_seq);
  CHECK(s4.after->index == 2);
  CHECK(s4.after->process == 0);
  CHECK(s4.delay == 0);
  CHECK(s4.what.label == "x:y");
}

TEST_CASE("reactive rules and generators of full.json") {
  const scenario s = load_scenario(data_file("full.json"));
  REQUIRE(s.on_receive.size() == 3);
  const reactive_rule& r0 = s.on_receive[0];
  CHECK(r0.path == "/on_receive/0");
  CHECK(r0.process == process_id{1});
  CHECK(r0.label == std::string("hello"));
  CHECK(r0.what.kind == action_kind::send);
  // "sender" as a string means the message's sender, although a process has that name.
  CHECK(r0.what.to_sender);
  CHECK(r0.what.to.empty());
  CHECK(r0.what.label == "reply");
  CHECK(r0.delay == 1'000'000);

  const reactive_rule& r1 = s.on_receive[1];
  CHECK_FALSE(r1.process.has_value());
  CHECK_FALSE(r1.label.has_value());
  CHECK(r1.what.kind == action_kind::local);
  CHECK(r1.what.label == "rule2");
  CHECK(r1.delay == 0);

  const reactive_rule& r2 = s.on_receive[2];
  CHECK_FALSE(r2.process.has_value());
  CHECK_FALSE(r2.label.has_value());  // "*"
  CHECK_FALSE(r2.what.to_sender);     // ["sender"] names the process
  CHECK(r2.what.to == std::vector<process_id>{3});
  CHECK(r2.what.label == "rule3");

  REQUIRE(s.generate.size() == 3);
  const auto& g0 = std::get<random_generator>(s.generate[0]);
  CHECK(g0.events == 7);
  CHECK(g0.send_ratio == 0.25);
  CHECK(g0.interval.type() == distribution::kind::lognormal);
  CHECK(g0.interval.first() == 2'000'000);
  CHECK(g0.interval.second() == 0.5);
  const auto& g1 = std::get<phold_generator>(s.generate[1]);
  CHECK(g1.population == 2);
  CHECK(g1.messages == 100);
  CHECK(g1.think.type() == distribution::kind::pareto);
  CHECK(g1.think.first() == 1'000'000);
  CHECK(g1.think.second() == 1.5);
  CHECK(g1.remote == 0.9);
  const auto& g2 = std::get<random_generator>(s.generate[2]);  // all defaults
  CHECK(g2.events == 0);
  CHECK(g2.send_ratio == 0.5);
  CHECK(g2.interval.type() == distribution::kind::constant);
  CHECK(g2.interval.first() == 1'000'000);
}

TEST_CASE("an HLC expectation takes l in nanoseconds (l_ns), as --json writes it, alone or beside l") {
  const scenario s = parse_scenario(R"({"name": "x", "processes": ["A", "B"],
    "expect": [{"event": "A#1", "hlc": {"l": "-20ms", "l_ns": -20000000, "c": 4}},
               {"event": "B#1", "hlc": {"l_ns": 1500}}]})", "l_ns.json");
  REQUIRE(s.expect.size() == 2);
  CHECK(s.expect[0].hlc_l == sim_time{-20'000'000});
  CHECK(s.expect[0].hlc_c == std::uint64_t{4});
  CHECK(s.expect[1].hlc_l == sim_time{1'500});
  CHECK_FALSE(s.expect[1].hlc_c.has_value());
}

TEST_CASE("expectations of full.json: dense vectors, refs, source") {
  const scenario s = load_scenario(data_file("full.json"));
  REQUIRE(s.expect.size() == 5);
  const expectation& e0 = s.expect[0];
  CHECK(e0.type == expectation::kind::event_values);
  CHECK(e0.path == "/expect/0");
  // nlohmann keeps object keys sorted, so the compact source is in key order.
  CHECK(e0.source ==
        R"({"event":"b:hello","hlc":{"c":4,"l":"-20ms"},"lamport":3,"vector":{"a":2,"b":1,"note":"c and sender: 0"}})");
  CHECK(e0.a.process == 1);
  CHECK(e0.a.label == "hello");
  CHECK(e0.lamport == std::uint64_t{3});
  CHECK(e0.vector == std::vector<std::uint32_t>{2, 1, 0, 0});
  CHECK(e0.hlc_l == sim_time{-20'000'000});
  CHECK(e0.hlc_c == std::uint64_t{4});

  const expectation& e1 = s.expect[1];
  CHECK(e1.a.by_seq);
  CHECK(e1.a.index == 1);
  CHECK_FALSE(e1.lamport.has_value());
  CHECK_FALSE(e1.vector.has_value());
  CHECK_FALSE(e1.hlc_l.has_value());
  CHECK(e1.hlc_c == std::uint64_t{0});

  const expectation& e2 = s.expect[2];
  CHECK(e2.type == expectation::kind::before);
  CHECK(e2.a.text == "a:hello");
  CHECK(e2.a.process == 0);
  CHECK(e2.b.process == 1);
  CHECK(e2.b.label == "hello");
  CHECK(e2.b.index == 1);

  const expectation& e3 = s.expect[3];
  CHECK(e3.type == expectation::kind::concurrent);
  CHECK(e3.b.process == 2);
  CHECK(e3.b.label == "broadcast4");
  CHECK(e3.b.index == 2);

  CHECK(s.expect[4].type == expectation::kind::violates);
  CHECK(s.expect[4].invariant == "lamport.rule");
}

TEST_CASE("defaults of a minimal scenario") {
  const scenario s = load_scenario(data_file("minimal.json"));
  CHECK(s.name == "minimal");
  CHECK(s.description.empty());
  CHECK(s.seed == 1);
  CHECK_FALSE(s.until.has_value());
  CHECK(s.max_events == 10'000'000);
  REQUIRE(s.processes.size() == 1);
  CHECK(s.processes[0].clock.offset == 0);
  CHECK(s.processes[0].clock.drift_ppm == 0);
  CHECK(s.processes[0].clock.resolution == 1'000);
  CHECK_FALSE(s.processes[0].clock.sync.has_value());
  CHECK(s.network.defaults.delay.type() == distribution::kind::constant);
  CHECK(s.network.defaults.delay.first() == 1'000'000);
  CHECK(s.network.defaults.loss == 0);
  CHECK_FALSE(s.network.defaults.fifo);
  CHECK(s.network.links.empty());
  CHECK(s.logical.lamport == lamport_variant::canonical);
  CHECK_FALSE(s.logical.hlc_max_offset.has_value());
  CHECK(s.faults.empty());
  CHECK(s.script.empty());
  CHECK(s.on_receive.empty());
  CHECK(s.generate.empty());
  CHECK(s.expect.empty());
}

TEST_CASE("generate may be a single object") {
  const scenario s = load_scenario(data_file("single_generator.json"));
  REQUIRE(s.generate.size() == 1);
  const auto& g = std::get<phold_generator>(s.generate[0]);
  CHECK(g.population == 3);
  CHECK(g.messages == 10);
  CHECK(g.think.first() == 500'000);
  CHECK(g.remote == 1.0);
  CHECK(s.network.defaults.delay.type() == distribution::kind::constant);
  CHECK(s.network.defaults.delay.first() == 0);
}

TEST_CASE("the seed takes every unsigned 64-bit value and nothing else") {
  CHECK(parse_scenario(R"({"name": "x", "processes": ["p"], "seed": 18446744073709551615})", "t").seed ==
        18446744073709551615ull);
  // One more is past uint64: nlohmann reads it as a float.
  CHECK(error_of(R"({"name": "x", "processes": ["p"], "seed": 18446744073709551616})")
            .find("at /seed: expected an unsigned 64-bit integer, found a number (1.8446744073709552e+19)") !=
        std::string::npos);
  CHECK(error_of(R"({"name": "x", "processes": ["p"], "seed": 1.0})").find("found a number (1.0)") !=
        std::string::npos);
}

TEST_CASE("parse_scenario names the file it was given") {
  const scenario s = parse_scenario(R"({"name": "x", "processes": ["p", "q"], "seed": 0})", "memory");
  CHECK(s.file == "memory");
  CHECK(s.seed == 0);
  CHECK(s.processes.size() == 2);
  CHECK(error_of(R"({"name": "x"})").starts_with("t.json: "));
}

TEST_CASE("errors give line and column for syntax, path otherwise") {
  // Line 2, column 15 is the '}' where a value should be.
  CHECK(error_of("{\"name\": \"x\",\n \"processes\": }") ==
        "t.json:2:15: expected '[', '{', or a literal, found '}' (JSON syntax error)");
  CHECK(error_of(R"({"name": "x", "processes": ["p"], "until": 5})") ==
        R"(t.json: at /until: expected a duration string such as "5ms", "1.5ms", "-20ms" or "2s", found a number (5))");
  CHECK(error_of(R"({"name": "x", "processes": ["p"], "sed": 5})") ==
        "t.json: at /sed: expected a field of a scenario (hbsim, name, description, seed, until, max_events, "
        "max_pending, clock, processes, network, clocks, logical, faults, script, on_receive, generate, delivery, "
        "expect, data, note), "
        "found the field \"sed\" (did you mean \"seed\"?)");
  // A key that differs only in case is suggested too, even when far in edits.
  CHECK(error_of(R"({"name": "x", "processes": ["p"], "MAX_EVENTS": 5})").find("did you mean \"max_events\"?") !=
        std::string::npos);
  // A long string is shown as an excerpt.
  const std::string long_name(100, 'z');
  const std::string message = error_of(R"({"name": "x", "processes": ["p"], "until": ")" + long_name + "\"}");
  CHECK(message.find("found the string \"" + std::string(40, 'z') + "\"...") != std::string::npos);
  CHECK(message.find(std::string(41, 'z')) == std::string::npos);
}

TEST_CASE("a duplicate key is located by line and path") {
  const std::string message = error_of("{\"name\": \"x\",\n \"processes\": [\"p\"],\n \"name\": \"y\"}");
  CHECK(message.starts_with("t.json:3:"));
  CHECK(message.find("at /name: expected each field at most once in an object, found \"name\" a second time") !=
        std::string::npos);
}

TEST_CASE("paths escape '/' and '~' and count array entries from 0") {
  CHECK(error_of(R"({"name": "x", "processes": ["p"], "a/b~c": 1})").find("at /a~1b~0c: ") != std::string::npos);
  CHECK(error_of(R"({"name": "x", "processes": ["p", {"name": "q", "name": "r"}]})")
            .find("at /processes/1/name: expected each field at most once") != std::string::npos);
  CHECK(error_of(R"({"name": "x", "processes": ["p"], "generate": 5})")
            .find("at /generate: expected an array of generators (or one generator object), found a number (5)") !=
        std::string::npos);
}

TEST_CASE("unreadable files are input errors") {
  CHECK_THROWS_AS(load_scenario(data_file("no-such-file.json")), input_error);
  CHECK_THROWS_WITH_AS(load_scenario(data_file("")), doctest::Contains("a directory"), input_error);
  // An endless file is refused once it passes the size limit, without reading it all.
  CHECK_THROWS_WITH_AS(load_scenario("/dev/zero"), doctest::Contains("at most 67108864 bytes"), input_error);
}

TEST_CASE("input_error composes one readable message") {
  const input_error with_path("f.json", "/processes/2/clock/drift_pmm", "a field of a physical clock",
                              "the field \"drift_pmm\"", "did you mean \"drift_ppm\"?");
  CHECK(std::string(with_path.what()) ==
        "f.json: at /processes/2/clock/drift_pmm: expected a field of a physical clock, found the field "
        "\"drift_pmm\" (did you mean \"drift_ppm\"?)");
  CHECK(with_path.path() == "/processes/2/clock/drift_pmm");
  CHECK(with_path.hint() == "did you mean \"drift_ppm\"?");
  CHECK(with_path.line() == 0);
  const input_error located("f.json", "", "':'", "'}'", "", 3, 7);
  CHECK(std::string(located.what()) == "f.json:3:7: expected ':', found '}'");
  CHECK(located.column() == 7);
  const input_error whole("f.json", "", "a readable file", "a directory");
  CHECK(std::string(whole.what()) == "f.json: expected a readable file, found a directory");
}

TEST_CASE("parse_event_ref splits the three forms") {
  std::string why;
  auto plain = parse_event_ref("a:hello", &why);
  REQUIRE(plain.has_value());
  CHECK(plain->process == "a");
  CHECK(plain->label == "hello");
  CHECK_FALSE(plain->by_seq);
  CHECK(plain->index == 0);

  auto kth = parse_event_ref("node-1.x:req:42#3", &why);
  REQUIRE(kth.has_value());
  CHECK(kth->process == "node-1.x");
  CHECK(kth->label == "req:42");  // ':' after the first belongs to the label
  CHECK(kth->index == 3);

  auto hash_in_label = parse_event_ref("a:x#y#2", &why);
  REQUIRE(hash_in_label.has_value());
  CHECK(hash_in_label->label == "x#y");
  CHECK(hash_in_label->index == 2);

  auto nth = parse_event_ref("p_2#12", &why);
  REQUIRE(nth.has_value());
  CHECK(nth->process == "p_2");
  CHECK(nth->by_seq);
  CHECK(nth->label.empty());
  CHECK(nth->index == 12);

  for (const char* bad : {"a", "", ":x", "#1", "a:", "a:#1", "a#0", "a#", "a#1#2", "a#x", "a b:x", "a:x#0", "a:x#",
                          "a:x#y", "a#18446744073709551616"}) {
    why.clear();
    CHECK_MESSAGE(!parse_event_ref(bad, &why), bad);
    CHECK_MESSAGE(!why.empty(), bad);
  }
  CHECK(parse_event_ref("a#18446744073709551615", nullptr)->index == 18446744073709551615ull);
}

TEST_CASE("event_ref::matches by label or by sequence number, ignoring k") {
  event_record e;
  e.process = 2;
  e.seq = 5;
  e.label = "ping";
  event_ref by_label;
  by_label.process = 2;
  by_label.label = "ping";
  by_label.index = 3;  // the caller counts matches; matches() does not
  CHECK(by_label.matches(e));
  by_label.label = "pong";
  CHECK_FALSE(by_label.matches(e));
  by_label.label = "ping";
  by_label.process = 1;
  CHECK_FALSE(by_label.matches(e));

  event_ref by_seq;
  by_seq.process = 2;
  by_seq.by_seq = true;
  by_seq.index = 5;
  CHECK(by_seq.matches(e));
  by_seq.index = 4;
  CHECK_FALSE(by_seq.matches(e));
}
