// Reading traces back: every record a live run produced comes back identical, written again it is
// byte-identical, lines in another shape read alike, and every kind of broken line is an input_error
// with its line and JSON path.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "hbsim/core/input_error.hpp"
#include "hbsim/run/runner.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"
#include "trace/line_codec.hpp"
#include "trace_text.hpp"

using namespace hbsim;
using namespace hbsim::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// What the recorder does not see: the header, and that on_start and on_finish bracket the records.
class bookends final : public event_observer {
 public:
  void on_start(const run_header& h) override {
    ++starts;
    scenario = h.source->name;
    seed = h.seed;
    names.assign(h.process_names.begin(), h.process_names.end());
  }
  void on_event(const event_record&) override { in_order = in_order && starts == 1 && finishes == 0; }
  void on_drop(const drop_record&) override { in_order = in_order && starts == 1 && finishes == 0; }
  void on_fault(const fault_record&) override { in_order = in_order && starts == 1 && finishes == 0; }
  void on_finish(const run_end& e) override {
    ++finishes;
    end = e;
  }
  int starts = 0, finishes = 0;
  bool in_order = true;
  std::string scenario;
  std::uint64_t seed = 0;
  std::vector<std::string> names;
  run_end end;
};

struct replayed {
  recorder records;
  bookends ends;
};

replayed read_back(const std::string& path) {
  trace_reader reader(path);
  replayed out;
  event_observer* observers[] = {&out.records, &out.ends};
  reader.replay(observers);
  return out;
}

// Runs s with a trace writer and a recorder attached, as run_scenario attaches its trace.
replayed run_live(const scenario& s, const std::string& trace) {
  simulation sim(s);
  trace_writer writer(trace);
  replayed out;
  sim.observe(writer);
  sim.observe(out.records);
  sim.observe(out.ends);
  sim.run();
  writer.commit();
  return out;
}

void check_same_records(const recorder& a, const recorder& b) {
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const kept_event &x = a.events[i], &y = b.events[i];
    INFO("event " << i + 1);
    CHECK(x.r.id == y.r.id);
    CHECK(x.r.process == y.r.process);
    CHECK(x.r.seq == y.r.seq);
    CHECK(x.r.kind == y.r.kind);
    CHECK(x.label == y.label);
    CHECK(x.r.time == y.r.time);
    CHECK(x.r.pt == y.r.pt);
    CHECK(x.lamport == y.lamport);
    CHECK(x.vector == y.vector);
    CHECK(x.hlc == y.hlc);
    REQUIRE(x.messages.size() == y.messages.size());
    for (std::size_t m = 0; m < x.messages.size(); ++m) {
      CHECK(x.messages[m].id == y.messages[m].id);
      CHECK(x.messages[m].to == y.messages[m].to);
      CHECK(x.messages[m].copies == y.messages[m].copies);
    }
    CHECK(x.r.message == y.r.message);
    CHECK(x.r.from == y.r.from);
    CHECK(x.r.send_event == y.r.send_event);
  }
  REQUIRE(a.drops.size() == b.drops.size());
  for (std::size_t i = 0; i < a.drops.size(); ++i) {
    const drop_record &x = a.drops[i], &y = b.drops[i];
    INFO("drop " << i + 1);
    CHECK(x.message == y.message);
    CHECK(x.from == y.from);
    CHECK(x.to == y.to);
    CHECK(x.time == y.time);
    CHECK(x.reason == y.reason);
    CHECK(x.duplicate == y.duplicate);
  }
  REQUIRE(a.faults.size() == b.faults.size());
  for (std::size_t i = 0; i < a.faults.size(); ++i) {
    INFO("fault " << i + 1);
    CHECK(a.faults[i].type() == b.faults[i].type());
    CHECK(a.faults[i].time == b.faults[i].time);
    CHECK(a.faults[i].end == b.faults[i].end);
  }
}

// Every record a live run of s produced comes back from its trace; the trace written again from
// the reader is byte-identical. Returns what was read.
replayed round_trip(const scenario& s, const std::string& name) {
  const temp_file trace(name + ".jsonl"), again(name + "-again.jsonl");
  const replayed live = run_live(s, trace.str());
  trace_reader reader(trace.str());
  CHECK(reader.header().name == s.name);
  CHECK(reader.seed() == s.seed);
  REQUIRE(reader.header().processes.size() == s.processes.size());
  for (std::size_t i = 0; i < s.processes.size(); ++i) CHECK(reader.header().processes[i].name == s.processes[i].name);
  replayed read;
  {
    trace_writer writer(again.str());
    event_observer* observers[] = {&read.records, &read.ends, &writer};
    reader.replay(observers);
    writer.commit();
  }
  check_same_records(live.records, read.records);
  CHECK(read.ends.starts == 1);
  CHECK(read.ends.finishes == 1);
  CHECK(read.ends.in_order);
  CHECK(read.ends.scenario == s.name);
  CHECK(read.ends.seed == s.seed);
  CHECK(read.ends.names == live.ends.names);
  // The writer has no scenario's faults to read: its fault lines come from the records alone.
  CHECK(read_file(again.path) == read_file(trace.path));
  return read;
}

// A scenario with every kind of record: each event kind, each drop reason and duplicate drops,
// duplicated messages, the four fault lines, escaped labels, a name too long for the 16-byte key
// compare and a non-ASCII one.
scenario everything() {
  scenario s = make_scenario({"A", "B", "C", "process-with-a-long-name", "\xCE\xA9"});
  s.name = "everything \"at once\"";
  s.seed = 99;
  s.until = 200 * ms;
  s.logical.hlc_max_offset = 2 * ms;
  s.processes[3].clock.offset = 5 * ms;  // its messages arrive too far ahead: rejects
  s.processes[2].clock.drift_ppm = 150;
  link_override lossy;
  lossy.from = 0;
  lossy.to = 1;
  lossy.loss = 0.5;
  link_override doubled;
  doubled.from = 1;
  doubled.to = 0;
  doubled.duplicate = 1.0;
  s.network.links = {lossy, doubled};
  s.network.defaults.delay = distribution::uniform(500 * ns_per_us, 1500 * ns_per_us);
  partition_fault part;
  part.groups = {{0}, {1, 2}};
  part.group_of = {0, 1, 1, 2, 2};
  part.heal = 30 * ms;
  part.mode = hold_mode::hold;
  s.faults.push_back({10 * ms, part, "/faults/0"});
  cut_fault cut;
  cut.from = {1};
  cut.to = {0};
  cut.heal = 50 * ms;
  s.faults.push_back({40 * ms, cut, "/faults/1"});
  s.faults.push_back({12 * ms, pause_fault{1, 5 * ms, false}, "/faults/2"});
  s.faults.push_back({14 * ms, pause_fault{2, 2 * ms, true}, "/faults/3"});
  s.faults.push_back({20 * ms, clock_step_fault{0, -3 * ms}, "/faults/4"});
  s.faults.push_back({60 * ms, crash_fault{2, 70 * ms, persist_mode::all, 0}, "/faults/5"});
  cut_fault forever;
  forever.from = {4};
  forever.to = {0};
  s.faults.push_back({150 * ms, forever, "/faults/6"});
  // A causal group of A and B: receives that say when they arrived, and, behind A's lost broadcasts,
  // copies held back to the end (held drops).
  s.delivery.groups.push_back({{0, 1}, delivery_order::causal, total_via::sequencer, 0});
  const char* labels[] = {"hi \"quoted\"", "tab\there", "\u00fcnicode", "plain"};
  for (process_id p = 0; p < 5; ++p) {
    script_action b = at(p * ms / 5, p, action_kind::broadcast, labels[p % 4]);
    b.repeat_count = 66;
    b.repeat_every = 3 * ms;
    s.script.push_back(b);
    script_action l = at(p * ms / 3, p, action_kind::local, "local");
    l.repeat_count = 40;
    l.repeat_every = 5 * ms;
    s.script.push_back(l);
  }
  // Still travelling at `until`: in-flight drops, and B's message to A in two copies.
  s.script.push_back(at(199 * ms + 900 * ns_per_us, 0, action_kind::send, "late", {1, 2}));
  s.script.push_back(at(199 * ms + 900 * ns_per_us, 1, action_kind::send, "late", {0}));
  return s;
}

}  // namespace

TEST_CASE("trace reader: a run with every kind of record comes back identical") {
  const scenario s = everything();
  const replayed read = round_trip(s, "everything");
  // The scenario does produce what it is meant to cover, so the comparison above covers it.
  int kinds[event_kind_count] = {};
  bool twice = false;
  for (const kept_event& e : read.records.events) {
    ++kinds[static_cast<int>(e.r.kind)];
    for (const sent_message& m : e.messages) twice = twice || m.copies == 2;
  }
  for (int k = 0; k < event_kind_count; ++k) {
    INFO(to_string(static_cast<event_kind>(k)));
    CHECK(kinds[k] > 0);
  }
  CHECK(twice);
  int reasons[drop_reason_count] = {};
  bool duplicate = false;
  for (const drop_record& d : read.records.drops) {
    ++reasons[static_cast<int>(d.reason)];
    duplicate = duplicate || d.duplicate;
  }
  for (int r = 0; r < drop_reason_count; ++r) {
    INFO(to_string(static_cast<drop_reason>(r)));
    CHECK(reasons[r] > 0);
  }
  CHECK(duplicate);
  REQUIRE(read.records.faults.size() == 6);  // the crash is an event, not a fault line
  // In time order: partition 10 ms, pause B 12 ms, pause C 14 ms, clock step 20 ms, cut 40 ms, cut 150 ms.
  CHECK(read.records.faults[0].type() == fault_record::kind::partition);
  CHECK(read.records.faults[0].end == 30 * ms);
  CHECK(read.records.faults[1].type() == fault_record::kind::pause);
  CHECK(read.records.faults[1].end == 17 * ms);
  CHECK(read.records.faults[3].type() == fault_record::kind::clock_step);
  CHECK(read.records.faults[5].type() == fault_record::kind::cut);
  CHECK(read.records.faults[5].end == -1);
  CHECK(read.ends.end.time == 200 * ms);  // the in-flight drops at the end of the run
}

TEST_CASE("trace reader: the fault records carry the faults, the header none") {
  const temp_file trace("faults.jsonl");
  run_live(everything(), trace.str());
  trace_reader reader(trace.str());
  recorder records;
  event_observer* observers[] = {&records};
  reader.replay(observers);
  CHECK(reader.header().faults.empty());
  const auto& faults = records.faults;
  REQUIRE(faults.size() == 6);
  const auto* part = std::get_if<partition_fault>(&faults[0].what);
  REQUIRE(part);
  CHECK(faults[0].time == 10 * ms);
  // Written as every group, the implicit one last: [[A], [B, C], [long, Ω]].
  CHECK(part->groups == std::vector<std::vector<process_id>>{{0}, {1, 2}, {3, 4}});
  CHECK(part->group_of == std::vector<std::uint32_t>{0, 1, 1, 2, 2});
  CHECK(part->heal == 30 * ms);
  CHECK(part->mode == hold_mode::hold);
  const auto* frozen = std::get_if<pause_fault>(&faults[1].what);
  REQUIRE(frozen);
  CHECK(frozen->process == 1);
  CHECK(frozen->duration == 5 * ms);
  CHECK_FALSE(frozen->clock_running);
  const auto* running = std::get_if<pause_fault>(&faults[2].what);
  REQUIRE(running);
  CHECK(running->clock_running);
  const auto* step = std::get_if<clock_step_fault>(&faults[3].what);
  REQUIRE(step);
  CHECK(step->by == -3 * ms);
  const auto* cut = std::get_if<cut_fault>(&faults[4].what);
  REQUIRE(cut);
  CHECK(cut->from == std::vector<process_id>{1});
  CHECK(cut->to == std::vector<process_id>{0});
  CHECK(cut->heal == 50 * ms);
  CHECK(cut->mode == hold_mode::drop);
  const auto* forever = std::get_if<cut_fault>(&faults[5].what);
  REQUIRE(forever);
  CHECK_FALSE(forever->heal.has_value());
  for (std::size_t i = 0; i < records.faults.size(); ++i) CHECK(records.faults[i].index == i);
  // A second replay reads the file again and reports the same faults.
  recorder again;
  event_observer* observers2[] = {&again};
  reader.replay(observers2);
  check_same_records(records, again);
}

TEST_CASE("trace reader: small C++ scenarios come back identical") {
  SUBCASE("one process, one local event") {
    scenario s = make_scenario({"A"});
    s.script.push_back(at(0, 0, action_kind::local, ""));
    const replayed r = round_trip(s, "one");
    REQUIRE(r.records.events.size() == 1);
    CHECK(r.records.events[0].vector == std::vector<std::uint32_t>{1});
    CHECK(r.records.events[0].label.empty());
  }
  SUBCASE("no events at all") {
    const replayed r = round_trip(make_scenario({"A", "B"}), "empty");
    CHECK(r.records.events.empty());
    CHECK(r.ends.end.time == 0);
  }
  SUBCASE("a send to nobody: a broadcast with one process") {
    scenario s = make_scenario({"solo"});
    s.script.push_back(at(1 * ms, 0, action_kind::broadcast, "alone"));
    const replayed r = round_trip(s, "solo");
    REQUIRE(r.records.events.size() == 1);
    CHECK(r.records.events[0].r.kind == event_kind::send);
    CHECK(r.records.events[0].messages.empty());
  }
  SUBCASE("a random workload long enough for many batches, with sparse and dense vectors") {
    scenario s = make_scenario({"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"});
    s.network.defaults.delay = distribution::exponential(1 * ms);
    s.network.defaults.loss = 0.01;
    s.generate.push_back(random_generator{1500, 0.5, distribution::exponential(1 * ms)});
    const replayed r = round_trip(s, "random");
    CHECK(r.records.events.size() > 12000);
  }
  SUBCASE("many processes: small batches, whose line slots are used again by lines of other kinds") {
    // 128 processes: 2,048 lines a batch, so about a dozen batches go through the read-ahead's few.
    std::vector<std::string> names;
    for (int p = 0; p < 128; ++p) names.push_back(std::string("p").append(std::to_string(p)));
    scenario s = make_scenario(names);
    s.network.defaults.delay = distribution::exponential(1 * ms);
    s.network.defaults.loss = 0.05;
    s.generate.push_back(random_generator{120, 0.5, distribution::exponential(1 * ms)});
    const replayed r = round_trip(s, "many");
    CHECK(r.records.events.size() > 20000);
    CHECK(r.records.drops.size() > 100);
  }
  SUBCASE("the same with some of the standard clocks: each subset read on the fast path") {
    for (const std::vector<std::string>& clocks : std::vector<std::vector<std::string>>{
             {"lamport", "hlc"}, {"hlc", "lamport"}, {"vector"}, {"lamport"}, {"hlc"}, {"vector", "hlc"}}) {
      scenario s = make_scenario({"p0", "p1", "p2", "p3"});
      s.network.defaults.delay = distribution::exponential(1 * ms);
      s.generate.push_back(random_generator{300, 0.5, distribution::exponential(1 * ms)});
      s.logical.clocks = clocks;
      const replayed r = round_trip(s, "subset");
      CHECK(r.records.events.size() > 1000);
      const trace_internal::process_table table(s);
      CHECK(table.vector_width == (s.logical.has("vector") ? 4u : 0u));
      // Every event line takes the fast path.
      const temp_file trace("subset.jsonl");
      run_live(s, trace.str());
      std::ifstream in(trace.path);
      std::string line;
      std::size_t events = 0, fast = 0;
      std::vector<trace_internal::vector_value> vector(table.vector_width);
      std::vector<sent_message> messages;
      while (std::getline(in, line)) {
        if (!line.starts_with("{\"type\":\"event\"")) continue;
        event_record e;
        trace_internal::standard_values values;
        ++events;
        fast += table.fast_event(line, e, values, vector.data(), messages);
      }
      CHECK(events == r.records.events.size());
      CHECK(fast == events);
    }
  }
}

TEST_CASE("trace reader: the shipped scenarios come back identical") {
  for (const auto& entry : fs::directory_iterator(fs::path(HBSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "schema.json") continue;
    INFO(entry.path().filename().string());
    const scenario s = load_scenario(entry.path().string());
    round_trip(s, entry.path().stem().string());
  }
}

TEST_CASE("trace reader: lines in another shape read as the writer's do") {
  const temp_file trace("shape.jsonl");
  run_live(everything(), trace.str());
  const replayed original = read_back(trace.str());
  std::ifstream in(trace.path);
  std::string sorted, spaced;
  bool header = true;
  for (std::string line; std::getline(in, line); header = false) {
    // nlohmann's objects sort their keys: every line leaves the writer's order, and the fast path.
    sorted += json::parse(line).dump() + "\n";
    // Spaces after the separators, CRLF endings, blank lines: the same records.
    std::string s = json::parse(line).dump(-1, ' ');
    std::string with_spaces;
    for (const char c : s) {
      with_spaces += c;
      if (c == ',' || c == ':') with_spaces += ' ';
    }
    spaced.append(header ? "\r\n" : "").append(with_spaces).append("\r\n\r\n");
  }
  spaced.pop_back();  // no newline at the end of the last line
  spaced.pop_back();
  spaced.pop_back();
  spaced.pop_back();
  const temp_file a("sorted.jsonl", sorted), b("spaced.jsonl", spaced);
  const replayed from_sorted = read_back(a.str()), from_spaced = read_back(b.str());
  check_same_records(original.records, from_sorted.records);
  check_same_records(original.records, from_spaced.records);
  CHECK(from_sorted.ends.end.time == original.ends.end.time);
}

TEST_CASE("trace reader: an error late in a long trace comes after the records before it") {
  std::string text = R"({"type":"header","format":"hbsim-trace/1","scenario":"long","seed":1,"processes":["A"]})" "\n";
  for (int i = 1; i <= 9000; ++i) {
    const std::string n = std::to_string(i);
    // Line 8001 (event 8000) has seq 0.
    const std::string seq = i == 8000 ? "0" : n;
    text += R"({"type":"event","id":)" + n + R"(,"process":"A","seq":)" + seq + R"(,"kind":"local","label":"x","time":)" +
            n + R"(,"pt":)" + n + R"(,"lamport":)" + n + R"(,"vector":{"A":)" + n + R"(},"hlc":[)" + n + R"(,0]})" "\n";
  }
  const temp_file trace("long.jsonl", text);
  trace_reader reader(trace.str());
  recorder records;
  event_observer* observers[] = {&records};
  try {
    reader.replay(observers);
    FAIL("no error");
  } catch (const input_error& e) {
    CHECK(e.line() == 8001);
    CHECK(e.path() == "/seq");
    CHECK(e.found() == "0");
  }
  CHECK(records.events.size() == 7999);
  CHECK(records.events.back().lamport == 7999);
}

namespace {

// The threads of this process, counted while the replay calls an observer.
std::size_t threads_now() {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator("/proc/self/task"), fs::directory_iterator{}));
}
class thread_counter final : public event_observer {
 public:
  void on_event(const event_record&) override { most = std::max(most, threads_now()); }
  std::size_t most = 0;
};

// A trace of `processes` processes (p0, p1, ...) whose first `events` events are local events of p0,
// line `broken` (if any) with seq 0.
std::string local_events(std::size_t processes, int events, int broken = 0) {
  std::string text = R"({"type":"header","format":"hbsim-trace/1","scenario":"many","seed":1,"processes":[)";
  for (std::size_t p = 0; p < processes; ++p) text.append(p ? ",\"p" : "\"p").append(std::to_string(p)).append("\"");
  text.append("]}\n");
  for (int i = 1; i <= events; ++i) {
    const std::string n = std::to_string(i);
    text += R"({"type":"event","id":)" + n + R"(,"process":"p0","seq":)" + (i + 1 == broken ? "0" : n) +
            R"(,"kind":"local","label":"x","time":)" + n + R"(,"pt":)" + n + R"(,"lamport":)" + n +
            R"(,"vector":{"p0":)" + n + R"(},"hlc":[)" + n + R"(,0]})" "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("trace reader: a small file is read on the calling thread, a large one ahead on threads") {
  // 4096 processes: a batch holds 64 lines, so each file takes several batches; the large one takes more than the
  // read-ahead has buffers, so its threads wait for the replay and are still there at its first event.
  const temp_file small("small.jsonl", local_events(4096, 300)), large("large.jsonl", local_events(4096, 12000));
  REQUIRE(fs::file_size(small.path) < 100000);
  REQUIRE(fs::file_size(large.path) > (1u << 20));
  for (const temp_file* f : {&small, &large}) {
    INFO(f->str());
    const std::size_t before = threads_now();
    trace_reader reader(f->str());
    recorder records;
    thread_counter threads;
    event_observer* observers[] = {&records, &threads};
    reader.replay(observers);
    CHECK(records.events.size() == (f == &small ? 300u : 12000u));
    CHECK(records.events.back().vector[0] == records.events.size());
    if (f == &small)
      CHECK(threads.most == before);
    else
      CHECK(threads.most > before);
  }
  // An error in a later batch of the small file comes after the records before it.
  const input_error e = [&] {
    const temp_file broken("small-broken.jsonl", local_events(4096, 300, 200));
    trace_reader reader(broken.str());
    recorder records;
    event_observer* observers[] = {&records};
    try {
      reader.replay(observers);
    } catch (const input_error& e) {
      CHECK(records.events.size() == 198);
      return e;
    }
    FAIL("no error");
    return input_error("", "", "", "");
  }();
  CHECK(e.line() == 200);
  CHECK(e.path() == "/seq");
}

TEST_CASE("trace reader: each event keeps its own label, read ahead in many batches") {
  // The fast path keeps a batch's labels apart from its text, a label once while the next ones repeat it:
  // runs of one label, a label that begins or ends like the one before, the empty label, across batch ends
  // (64 lines a batch at 4096 processes).
  const std::vector<std::string> labels = {"x", "x", "xy", "y", "", "", "x", "phold", "hold", "phold-done"};
  std::string text = local_events(4096, 12000);  // over 1 MB: read ahead on threads
  std::vector<std::string> written;
  for (std::size_t at = text.find("\"label\":\"x\""), i = 0; at != std::string::npos;
       at = text.find("\"label\":\"x\"", at + 1), ++i) {
    written.push_back(labels[(i * i + i / 7) % labels.size()]);
    text.replace(at + 9, 1, written.back());
  }
  REQUIRE(written.size() == 12000);
  const recorder records = records_of(text, "labels.jsonl");
  REQUIRE(records.events.size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    INFO("event " << i + 1);
    CHECK(records.events[i].label == written[i]);
  }
}

namespace {

const char* const header_line =
    R"({"type":"header","format":"hbsim-trace/1","scenario":"t","seed":3,"processes":["A","B"]})";
// Two valid events: A sends message 1 to B (event 1), B receives it (event 2).
const char* const send_line =
    R"({"type":"event","id":1,"process":"A","seq":1,"kind":"send","label":"m","time":0,"pt":0,"lamport":1,"vector":{"A":1},"hlc":[0,1],"messages":[{"id":1,"to":"B"}]})";
const char* const receive_line =
    R"({"type":"event","id":2,"process":"B","seq":1,"kind":"receive","label":"m","time":5,"pt":5,"lamport":2,"vector":{"A":1,"B":1},"hlc":[5,0],"message":1,"from":"A","send":1})";

// A's first event, a local one, as the writer writes it: the reader's fast path takes such lines.
const char* const local_line =
    R"({"type":"event","id":1,"process":"A","seq":1,"kind":"local","label":"x","time":0,"pt":0,"lamport":1,"vector":{"A":1},"hlc":[0,1]})";

std::string replaced(std::string line, const std::string& from, const std::string& to) {
  const auto at = line.find(from);
  REQUIRE(at != std::string::npos);
  return line.replace(at, from.size(), to);
}

// An event line of the given id (A's first local event by default), with `change` applied to it.
std::string event_line(const std::function<void(json&)>& change) {
  json e = json::parse(R"({"type":"event","id":1,"process":"A","seq":1,"kind":"local","label":"x","time":0,"pt":0,
                           "lamport":1,"vector":{"A":1},"hlc":[0,1]})");
  change(e);
  return e.dump();
}

struct broken {
  std::string name;
  std::string text;  // the file after the header
  std::size_t line;
  std::string path;
  std::string found = {};  // when given, a part of what the error says was found
};

}  // namespace

TEST_CASE("trace reader: every kind of broken line is an input_error with its line and path") {
  const std::string h = std::string(header_line) + "\n";
  const std::string sent = h + send_line + "\n";
  const auto with = [](const char* key, json value) {
    return [key, value](json& e) { e[key] = value; };
  };
  const auto without = [](const char* key) { return [key](json& e) { e.erase(key); }; };
  const std::string deep = std::string(70, '[') + std::string(70, ']');
  // The root object and 63 arrays are open when the 65th container is refused.
  std::string deep_path = "/x";
  for (int i = 0; i < 63; ++i) deep_path.append("/0");
  const std::vector<broken> cases = {
      {"not JSON", h + "hello\n", 2, ""},
      {"not an object", h + "[1,2]\n", 2, "", "an array of 2"},
      {"no type", h + R"({"id":1})" "\n", 2, "/type", "no field"},
      {"unknown type", h + R"({"type":"evnt","id":1})" "\n", 2, "/type", "\"evnt\""},
      {"a second header", h + header_line + "\n", 2, "/type", "\"header\""},
      {"a duplicate key", h + R"({"type":"event","id":1,"id":1})" "\n", 2, "/id", "a second time"},
      {"too deep", h + R"({"type":"event","x":)" + deep + "}\n", 2, deep_path},
      {"missing id", h + event_line(without("id")) + "\n", 2, "/id", "no field"},
      {"id not 1", h + event_line(with("id", 2)) + "\n", 2, "/id", "2"},
      {"id repeated", sent + event_line(with("process", "B")) + "\n", 3, "/id", "1"},
      {"id past int64", h + event_line(with("id", 9223372036854775808u)) + "\n", 2, "/id", "9223372036854775808"},
      {"id past uint64", h + R"({"type":"event","id":18446744073709551616})" "\n", 2, "/id", "a number"},
      {"unknown process", h + event_line(with("process", "Z")) + "\n", 2, "/process", "\"Z\""},
      {"process not a string", h + event_line(with("process", 1)) + "\n", 2, "/process", "a number (1)"},
      {"seq not 1", h + event_line(with("seq", 2)) + "\n", 2, "/seq", "2"},
      {"unknown kind", h + event_line(with("kind", "lokal")) + "\n", 2, "/kind", "\"lokal\""},
      {"label not a string", h + event_line(with("label", 7)) + "\n", 2, "/label", "a number (7)"},
      {"time a string", h + event_line(with("time", "5ms")) + "\n", 2, "/time", "\"5ms\""},
      {"time past int64", h + event_line(with("time", 9223372036854775808u)) + "\n", 2, "/time"},
      {"pt a float", h + event_line(with("pt", 1.5)) + "\n", 2, "/pt", "1.5"},
      {"lamport negative", h + event_line(with("lamport", -1)) + "\n", 2, "/lamport", "-1"},
      {"vector an array", h + event_line(with("vector", json::array({1}))) + "\n", 2, "/vector", "an array"},
      {"vector of an unknown process", h + event_line(with("vector", {{"Z", 1}})) + "\n", 2, "/vector/Z", "\"Z\""},
      {"vector entry negative", h + event_line(with("vector", {{"A", -1}})) + "\n", 2, "/vector/A", "-1"},
      {"vector entry past 2^32 - 1", h + event_line(with("vector", {{"A", 4294967296}})) + "\n", 2, "/vector/A", "4294967296"},
      {"vector entry a float", h + event_line(with("vector", {{"A", 1.0}})) + "\n", 2, "/vector/A"},
      {"hlc of one number", h + event_line(with("hlc", json::array({1}))) + "\n", 2, "/hlc", "an array of 1"},
      {"hlc an object", h + event_line(with("hlc", {{"l", 1}, {"c", 0}})) + "\n", 2, "/hlc", "an object"},
      {"hlc c a string", h + event_line(with("hlc", json::array({1, "0"}))) + "\n", 2, "/hlc/1", "\"0\""},
      {"hlc c negative", h + event_line(with("hlc", json::array({1, -1}))) + "\n", 2, "/hlc/1", "-1"},
      {"hlc l a float", h + event_line(with("hlc", json::array({1e30, 0}))) + "\n", 2, "/hlc/0"},
      {"a send without messages", h + event_line(with("kind", "send")) + "\n", 2, "/messages", "no field"},
      {"messages not an array", h + event_line([](json& e) { e["kind"] = "send"; e["messages"] = 1; }) + "\n", 2, "/messages"},
      {"a message without to",
       h + event_line([](json& e) { e["kind"] = "send"; e["messages"] = json::parse(R"([{"id":1}])"); }) + "\n", 2,
       "/messages/0/to", "no field"},
      {"a message to an unknown process",
       h + event_line([](json& e) { e["kind"] = "send"; e["messages"] = json::parse(R"([{"id":1,"to":"B"},{"id":2,"to":"Z"}])"); }) + "\n",
       2, "/messages/1/to", "\"Z\""},
      {"three copies",
       h + event_line([](json& e) { e["kind"] = "send"; e["messages"] = json::parse(R"([{"id":1,"to":"B","copies":3}])"); }) + "\n",
       2, "/messages/0/copies", "3"},
      {"a receive without from", sent + std::string(receive_line).replace(std::string(receive_line).find(",\"from\":\"A\""), 11, "") + "\n",
       3, "/from", "no field"},
      {"a receive without message",
       sent + std::string(receive_line).replace(std::string(receive_line).find(",\"message\":1"), 12, "") + "\n", 3,
       "/message", "no field"},
      {"a receive without send", sent + std::string(receive_line).replace(std::string(receive_line).find(",\"send\":1"), 9, "") + "\n",
       3, "/send", "no field"},
      {"a receive of a later event", sent + std::string(receive_line).replace(std::string(receive_line).find("\"send\":1"), 8, "\"send\":2") + "\n",
       3, "/send", "2"},
      {"a receive of send 0", sent + std::string(receive_line).replace(std::string(receive_line).find("\"send\":1"), 8, "\"send\":0") + "\n",
       3, "/send", "0"},
      {"a reject as the first event",
       h + event_line([](json& e) { e["kind"] = "reject"; e["message"] = 1; e["from"] = "B"; e["send"] = 1; }) + "\n", 2,
       "/message", "message 1, which is not in flight"},
      {"a receive from an unknown process",
       sent + std::string(receive_line).replace(std::string(receive_line).find("\"from\":\"A\""), 10, "\"from\":\"Q\"") + "\n", 3,
       "/from", "\"Q\""},
      {"a drop for another reason", sent + R"({"type":"drop","message":1,"from":"A","to":"B","time":3,"reason":"lost"})" "\n", 3,
       "/reason", "\"lost\""},
      {"a drop to an unknown process", sent + R"({"type":"drop","message":1,"from":"A","to":"X","time":3,"reason":"loss"})" "\n", 3,
       "/to", "\"X\""},
      {"a drop without time", sent + R"({"type":"drop","message":1,"from":"A","to":"B","reason":"loss"})" "\n", 3, "/time"},
      {"a drop duplicate not a boolean",
       sent + R"({"type":"drop","message":1,"from":"A","to":"B","time":3,"reason":"loss","duplicate":1})" "\n", 3, "/duplicate"},
      {"a crash fault line", h + R"({"type":"fault","time":0,"fault":"crash","process":"A"})" "\n", 2, "/fault", "\"crash\""},
      {"a partition of an unknown process", h + R"({"type":"fault","time":0,"fault":"partition","groups":[["A","Q"]]})" "\n", 2,
       "/groups/0/1", "\"Q\""},
      {"a process in two groups", h + R"({"type":"fault","time":0,"fault":"partition","groups":[["A"],["B","A"]]})" "\n", 2,
       "/groups/1/1", "\"A\" again"},
      {"a cut in another mode", h + R"({"type":"fault","time":0,"fault":"cut","from":["A"],"to":["B"],"mode":"block"})" "\n", 2,
       "/mode", "\"block\""},
      {"a heal that is a string", h + R"({"type":"fault","time":0,"fault":"cut","from":["A"],"to":["B"],"heal":"5ms"})" "\n", 2,
       "/heal"},
      {"a pause ending before it starts", h + R"({"type":"fault","time":10,"fault":"pause","process":"A","until":5})" "\n", 2,
       "/until", "5"},
      {"a pause with another clock", h + R"({"type":"fault","time":10,"fault":"pause","process":"A","clock":"slow","until":15})" "\n",
       2, "/clock"},
      {"a clock step without by", h + R"({"type":"fault","time":10,"fault":"clock_step","process":"A"})" "\n", 2, "/by"},
      // In the writer's shape, for the fast path: it must refuse what the slow path refuses.
      {"a leading zero", h + replaced(local_line, "\"seq\":1", "\"seq\":01") + "\n", 2, ""},
      {"a tab in a label", h + replaced(local_line, "\"x\"", "\"x\ty\"") + "\n", 2, ""},
      {"invalid UTF-8 in a label", h + replaced(local_line, "\"x\"", "\"\xFF\"") + "\n", 2, ""},
      {"an unknown process in a vector", h + replaced(local_line, "{\"A\":1}", "{\"A\":1,\"Q\":2}") + "\n", 2, "/vector/Q"},
      {"a vector entry of 2^32", h + replaced(local_line, "{\"A\":1}", "{\"A\":4294967296}") + "\n", 2, "/vector/A"},
      {"a time of 20 digits", h + replaced(local_line, "\"time\":0", "\"time\":12345678901234567890") + "\n", 2, "/time"},
      {"a pt of 2^63", h + replaced(local_line, "\"pt\":0", "\"pt\":9223372036854775808") + "\n", 2, "/pt"},
      {"something after the object", h + local_line + "x\n", 2, ""},
      {"a writer-shaped drop for another reason",
       sent + R"({"type":"drop","message":1,"from":"A","to":"B","time":3,"reason":"Loss"})" "\n", 3, "/reason"},
      {"blank lines count", h + "\n  \n" + event_line(with("seq", 5)) + "\n", 4, "/seq", "5"},
  };
  for (const broken& c : cases) {
    INFO(c.name);
    const input_error e = read_error(c.text);
    CHECK(e.line() == c.line);
    CHECK(e.path() == c.path);
    CHECK(e.file().find("broken.jsonl") != std::string::npos);
    CHECK_FALSE(e.expected().empty());
    if (!c.found.empty()) CHECK(e.found().find(c.found) != std::string::npos);
  }
}

TEST_CASE("trace reader: values at the edges of their ranges read exactly, on both paths") {
  // Writer-shaped (fast path) and with a space added (slow path): the same records.
  std::string line = replaced(local_line, "\"time\":0,\"pt\":0", "\"time\":9223372036854775807,\"pt\":-9223372036854775807");
  line = replaced(line, "\"lamport\":1", "\"lamport\":9223372036854775807");
  line = replaced(line, "{\"A\":1}", "{\"A\":4294967295,\"B\":12345678}");
  line = replaced(line, "[0,1]", "[-1,1000000000]");
  std::string second = replaced(local_line, "\"id\":1", "\"id\":2");
  second = replaced(second, "\"process\":\"A\"", "\"process\":\"B\"");
  // At the same time as the first: events come in execution order, and time cannot pass its largest value.
  second = replaced(second, "\"time\":0,\"pt\":0", "\"time\":9223372036854775807,\"pt\":-9223372036854775808");
  second = replaced(second, "{\"A\":1}", "{\"A\":0,\"B\":9}");
  for (const std::string& space : {std::string(), std::string(" ")}) {
    INFO("space: '" << space << "'");
    const temp_file trace("edges.jsonl", std::string(header_line) + "\n" + replaced(line, ",\"hlc\"", space + ",\"hlc\"") +
                                             "\n" + replaced(second, ",\"hlc\"", space + ",\"hlc\"") + "\n");
    const replayed r = read_back(trace.str());
    REQUIRE(r.records.events.size() == 2);
    const kept_event& e = r.records.events[0];
    CHECK(e.r.time == 9223372036854775807);
    CHECK(e.r.pt == -9223372036854775807);
    CHECK(e.lamport == 9223372036854775807u);
    CHECK(e.vector == std::vector<std::uint32_t>{4294967295u, 12345678});
    CHECK(e.hlc == hlc_stamp{-1, 1000000000});
    CHECK(r.records.events[1].r.pt == std::numeric_limits<std::int64_t>::min());
    CHECK(r.records.events[1].vector == std::vector<std::uint32_t>{0, 9});
    CHECK(r.ends.end.time == 9223372036854775807);
  }
}

TEST_CASE("trace reader: a line before the previous one in time is refused on both paths: lines are in execution order") {
  std::string second = replaced(local_line, "\"id\":1", "\"id\":2");
  second = replaced(second, "\"process\":\"A\"", "\"process\":\"B\"");
  second = replaced(second, "{\"A\":1}", "{\"B\":1}");
  const std::string first = replaced(local_line, "\"time\":0,", "\"time\":5,");
  for (const std::string& space : {std::string(), std::string(" ")}) {
    INFO("space: '" << space << "'");
    const temp_file trace("backwards.jsonl", std::string(header_line) + "\n" + first + "\n" +
                                                 replaced(second, ",\"hlc\"", space + ",\"hlc\"") + "\n");
    try {
      read_back(trace.str());
      FAIL("accepted an event at time 0 after one at time 5");
    } catch (const input_error& e) {
      CHECK(e.line() == 3);
      CHECK(e.path() == "/time");
      CHECK(e.expected() == "a time at or after the previous line's, 5 (lines are in execution order)");
      CHECK(e.found() == "0");
    }
  }
  // Drops and faults too: a loss is written at its send, a fault when it starts.
  const std::string send = replaced(send_line, "\"time\":0,", "\"time\":10,");
  const std::string lost = R"({"type":"drop","message":1,"from":"A","to":"B","time":5,"reason":"loss"})";
  const std::string fault = R"({"type":"fault","time":1,"fault":"clock_step","process":"A","by":1000})";
  for (const std::string& late : {lost, fault}) {
    INFO(late);
    const temp_file trace("late.jsonl", std::string(header_line) + "\n" + send + "\n" + late + "\n");
    try {
      read_back(trace.str());
      FAIL("accepted a line before the send at time 10");
    } catch (const input_error& e) {
      CHECK(e.line() == 3);
      CHECK(e.path() == "/time");
      CHECK(e.expected() == "a time at or after the previous line's, 10 (lines are in execution order)");
    }
  }
}

TEST_CASE("trace reader: vector entries in another order read alike, twice is an error") {
  const std::string reversed = replaced(local_line, "{\"A\":1}", "{\"B\":7,\"A\":1}");
  const temp_file trace("order.jsonl", std::string(header_line) + "\n" + reversed + "\n");
  const replayed r = read_back(trace.str());
  REQUIRE(r.records.events.size() == 1);
  CHECK(r.records.events[0].vector == std::vector<std::uint32_t>{1, 7});
  const input_error twice = read_error(std::string(header_line) + "\n" + replaced(local_line, "{\"A\":1}", "{\"A\":1,\"A\":2}") + "\n");
  CHECK(twice.path() == "/vector/A");
  CHECK(twice.found() == "\"A\" a second time");
}

TEST_CASE("trace reader: what the messages say") {
  // Syntax errors have a column (1-based) and the parser's words.
  const input_error syntax = read_error(std::string(header_line) + "\n{\"type\":\"event\",\"id\":}\n");
  CHECK(syntax.line() == 2);
  CHECK(syntax.column() == 22);
  CHECK(syntax.hint() == "JSON syntax error");
  // A number too large for a double: nlohmann gives no position; the value's path and column are found.
  const std::string huge = replaced(local_line, "\"lamport\":1,", "\"lamport\":1e400,");
  const input_error overflow = read_error(std::string(header_line) + "\n" + huge + "\n");
  CHECK(overflow.line() == 2);
  CHECK(overflow.path() == "/lamport");
  CHECK(overflow.column() == huge.find("1e400") + 1);
  CHECK(overflow.found() == "number overflow parsing '1e400'");
  const input_error id = read_error(std::string(header_line) + "\n" + receive_line + "\n");
  CHECK(std::string(id.what()) == std::string(id.file()).append(":2: at /id: expected event id 1 (one more than the previous event's), found 2"));
  const input_error seq = read_error(std::string(header_line) + "\n" + send_line + "\n" +
                                     event_line([](json& e) { e["id"] = 2; e["seq"] = 3; }) + "\n");
  CHECK(seq.expected() == "seq 2 (one more than A's previous event)");
  const input_error process = read_error(std::string(header_line) + "\n" + event_line([](json& e) { e["process"] = "C"; }) + "\n");
  CHECK(process.expected() == "a process named in the header (A, B)");
  CHECK(process.found() == "the string \"C\"");
  const input_error send = read_error(std::string(header_line) + "\n" + send_line + "\n" +
                                      std::string(receive_line).replace(std::string(receive_line).find("\"send\":1"), 8, "\"send\":7") + "\n");
  CHECK(send.expected() == "1, the event that sent message 1 (A to B)");
  CHECK(send.found() == "7");
}

TEST_CASE("trace reader: a broken header is an input_error on its line") {
  struct header_case {
    std::string name;
    std::string text;
    std::size_t line;
    std::string path;
  };
  const std::vector<header_case> cases = {
      {"an empty file", "", 0, ""},
      {"only blank lines", "\n \n", 0, ""},
      {"not JSON", "hello\n", 1, ""},
      {"an event first", std::string(send_line) + "\n", 1, "/type"},
      {"another format", R"({"type":"header","format":"hbsim-trace/2","scenario":"t","seed":1,"processes":["A"]})", 1, "/format"},
      {"no scenario", R"({"type":"header","format":"hbsim-trace/1","seed":1,"processes":["A"]})", 1, "/scenario"},
      {"a negative seed", R"({"type":"header","format":"hbsim-trace/1","scenario":"t","seed":-1,"processes":["A"]})", 1, "/seed"},
      {"no processes", R"({"type":"header","format":"hbsim-trace/1","scenario":"t","seed":1,"processes":[]})", 1, "/processes"},
      {"a name twice", R"({"type":"header","format":"hbsim-trace/1","scenario":"t","seed":1,"processes":["A","A"]})", 1,
       "/processes/1"},
      {"a name not a string", R"({"type":"header","format":"hbsim-trace/1","scenario":"t","seed":1,"processes":["A",2]})", 1,
       "/processes/1"},
      {"a name with a control character",
       R"({"type":"header","format":"hbsim-trace/1","scenario":"t","seed":1,"processes":["A","B\u001b[31m"]})", 1,
       "/processes/1"},
      {"after blank lines", "\n\n" R"({"type":"header","format":"hbsim-trace/1","scenario":"t","seed":1})", 3, "/processes"},
  };
  for (const header_case& c : cases) {
    INFO(c.name);
    const temp_file trace("header.jsonl", c.text);
    try {
      trace_reader reader(trace.str());
      FAIL("no error");
    } catch (const input_error& e) {
      CHECK(e.line() == c.line);
      CHECK(e.path() == c.path);
    }
  }
  CHECK_THROWS_AS(trace_reader(unique_temp_path("does-not-exist.jsonl").string()), input_error);
  CHECK_THROWS_AS(trace_reader(fs::temp_directory_path().string()), input_error);
  // A line is at most 64 MiB, the header too (it was parsed whole, however long), and the last line, without
  // a newline, as well.
  std::string long_header = header_line;
  long_header.insert(long_header.size() - 1, ",\"x\":\"" + std::string(limits::file_bytes, 'x') + "\"");
  const temp_file too_long("long.jsonl", long_header + "\n");
  CHECK_THROWS_WITH(trace_reader(too_long.str()), doctest::Contains(":1: expected lines of at most 67108864 bytes"));
  const temp_file last_too_long("last.jsonl", long_header);
  CHECK_THROWS_WITH(trace_reader(last_too_long.str()), doctest::Contains(":1: expected lines of at most 67108864 bytes"));
  // An empty file and one of blank lines are told apart.
  const temp_file empty("empty.jsonl", ""), blank("blank.jsonl", "\n \n");
  CHECK_THROWS_WITH(trace_reader(empty.str()), doctest::Contains("found an empty file"));
  CHECK_THROWS_WITH(trace_reader(blank.str()), doctest::Contains("found blank lines only"));
  CHECK_THROWS_WITH(detect_trace_format(blank.str()), doctest::Contains("found blank lines only"));
  // Lines ended by \r alone make one line: said so, not "expected a header, found {"type":"header"...".
  const temp_file old_mac("cr.jsonl", std::string(header_line) + "\r" + send_line + "\r");
  CHECK_THROWS_WITH(detect_trace_format(old_mac.str()), doctest::Contains(":1: expected lines ended by \\n (or \\r\\n), found lines ended by \\r alone"));
}

TEST_CASE("trace reader: more than 4,096 processes with or without vector clocks") {
  const auto header = [](std::size_t processes, const std::string& clocks) {
    std::string text = R"({"type":"header","format":"hbsim-trace/1","scenario":"t","seed":1)";
    if (!clocks.empty()) text.append(R"(,"clocks":)").append(clocks);
    text.append(R"(,"processes":[)");
    for (std::size_t i = 0; i < processes; ++i) text.append(i ? ",\"p" : "\"p").append(std::to_string(i)).append("\"");
    return text.append("]}\n");
  };
  const auto refused_at = [](const std::string& text) -> std::string {
    const temp_file trace("many.jsonl", text);
    try {
      trace_reader reader(trace.str());
      return "";
    } catch (const input_error& e) {
      return e.path();
    }
  };
  CHECK(refused_at(header(4097, "")).empty());  // the default clocks, vectors included
  CHECK(refused_at(header(5000, R"(["lamport","vector"])")).empty());
  CHECK(refused_at(header(257, R"(["lamport","matrix"])")) == "/clocks/1");  // matrix clocks: at most 256
  CHECK(refused_at(header(5000, R"(["lamport","hlc"])")).empty());
}

TEST_CASE("trace reader: unknown fields are ignored, as FORMAT.md promises") {
  const std::string text = std::string(header_line).insert(1, "\"comment\":\"x\",") + "\n" +
                           std::string(send_line).insert(1, "\"extra\":[1,{\"a\":2}],") + "\n" +
                           std::string(receive_line).replace(std::string(receive_line).size() - 1, 1, ",\"more\":null}") + "\n";
  const temp_file trace("extra.jsonl", text);
  const replayed r = read_back(trace.str());
  REQUIRE(r.records.events.size() == 2);
  CHECK(r.records.events[1].r.send_event == 1);
  CHECK(r.records.events[1].vector == std::vector<std::uint32_t>{1, 1});
}

TEST_CASE("trace reader: a pipe is read once, the header included") {
  const temp_file trace("piped.jsonl");
  run_live(everything(), trace.str());
  const std::string text = read_file(trace.path);
  const scratch tmp;
  const fs::path fifo = tmp / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
  replayed r;
  {
    trace_reader reader(fifo.string());
    event_observer* observers[] = {&r.records, &r.ends};
    reader.replay(observers);
  }
  writer.join();
  check_same_records(read_back(trace.str()).records, r.records);
  CHECK(r.records.events.size() > 1000);
}

namespace {

// The records of `text` read from a FIFO: not a regular file, so read with read(), not mapped.
recorder records_through_pipe(const std::string& text) {
  const scratch tmp;
  const fs::path fifo = tmp / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] {
    // A reader that stops at an error closes the pipe before the end: the writer then gets EPIPE, not SIGPIPE.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    std::ofstream(fifo, std::ios::binary) << text;
  });
  recorder records;
  try {
    trace_reader reader(fifo.string());
    event_observer* observers[] = {&records};
    reader.replay(observers);
  } catch (...) {
    writer.join();
    throw;
  }
  writer.join();
  return records;
}

}  // namespace

TEST_CASE("trace reader: a large file read through its mapping reads as through a pipe, long lines too") {
  // 60,000 lines (about 10 MB): the mapping's pages are made present and let go a few MB at a time. Line
  // 30,001 has a label of 5 MB, longer than one step.
  std::string text = local_events(2, 60000);
  const std::size_t label = text.find("\"label\":\"x\"", text.find("\"id\":30000,"));
  text.insert(label + 9, std::string(5 << 20, 'y'));
  REQUIRE(text.size() > (14u << 20));
  const recorder mapped = records_of(text, "mapped.jsonl"), piped = records_through_pipe(text);
  REQUIRE(mapped.events.size() == 60000);
  REQUIRE(piped.events.size() == 60000);
  for (std::size_t i = 0; i < mapped.events.size(); i += 997) {
    CHECK(mapped.events[i].label == piped.events[i].label);
    CHECK(mapped.events[i].vector == piped.events[i].vector);
    CHECK(mapped.events[i].lamport == piped.events[i].lamport);
  }
  CHECK(mapped.events[29999].label.size() == (5u << 20) + 1);
  CHECK(mapped.events.back().vector[0] == 60000);
  // A last line one byte over the limit, after a newline-free stretch longer than every step: refused
  // on both paths, with its number.
  text += R"({"type":"event","id":60001,"process":"p0","seq":60001,"kind":"local","label":")" +
          std::string(limits::file_bytes, 'z') + "\"}\n";
  for (const bool pipe : {false, true}) {
    CAPTURE(pipe);
    try {
      pipe ? records_through_pipe(text) : records_of(text, "long-line.jsonl");
      FAIL("no error");
    } catch (const input_error& e) {
      CHECK(e.line() == 60002);
      INFO(std::string(e.what()));
      CHECK(std::string(e.what()).find("lines of at most 67108864 bytes") != std::string::npos);
    }
  }
}

TEST_CASE("trace reader: a mapped range holding more lines than a batch goes in parts, numbered in file order") {
  // A mapped file is handed to the reading threads a range of about 1 MiB at a time, and each cuts its range's
  // lines itself; a batch holds at most 16,384 lines, or 2^18 vector entries' worth. Both are passed here: 3 MiB
  // of blank lines, and with 1,024 processes (256 lines a batch) lines of about 150 bytes. An error after them
  // must come with its line number, after every record before it, as through a pipe (which cuts lines in order).
  for (const std::size_t processes : {std::size_t{2}, std::size_t{1024}}) {
    CAPTURE(processes);
    std::string text = local_events(processes, 30000, 25002);  // line 25,002 (event 25,001) has seq 0
    std::size_t broken_line = 25002;
    if (processes == 2) {
      const std::size_t after = text.find("\n{\"type\":\"event\",\"id\":101,") + 1;
      text.insert(after, std::string(3u << 20, '\n'));
      broken_line += 3u << 20;
    }
    REQUIRE(text.size() > (3u << 20));
    for (const bool pipe : {false, true}) {
      CAPTURE(pipe);
      recorder records;
      try {
        if (pipe) {
          records_through_pipe(text);
        } else {
          const temp_file trace("parts.jsonl", text);
          trace_reader reader(trace.str());
          event_observer* observers[] = {&records};
          reader.replay(observers);
        }
        FAIL("no error");
      } catch (const input_error& e) {
        CHECK(e.line() == broken_line);
        CHECK(e.path() == "/seq");
      }
      if (!pipe) {
        REQUIRE(records.events.size() == 25000);
        for (std::size_t i = 0; i < records.events.size(); ++i)
          if (records.events[i].lamport != i + 1) FAIL_CHECK("event " << i + 1 << " has Lamport " << records.events[i].lamport);
      }
    }
  }
}

namespace {

// Runs `change` on the file once, at the first event replayed: the reading threads have then cut at most a
// few batches (about 10 MB), the rest of the file is still ahead of them.
class at_first_event final : public event_observer {
 public:
  explicit at_first_event(std::function<void()> change) : change_(std::move(change)) {}
  void on_event(const event_record&) override {
    if (change_) std::exchange(change_, nullptr)();
  }

 private:
  std::function<void()> change_;
};

}  // namespace

TEST_CASE("trace reader: a mapped file that grows while read is read to its new end and one cut short is an error where it ends") {
  std::string text = local_events(2, 200000);  // about 33 MB
  REQUIRE(text.size() > (30u << 20));
  SUBCASE("grown") {
    const temp_file trace("growing.jsonl", text);
    const std::string more = local_events(2, 200010).substr(text.size());  // 10 more lines
    trace_reader reader(trace.str());
    recorder records;
    at_first_event append([&] { std::ofstream(trace.path, std::ios::binary | std::ios::app) << more; });
    event_observer* observers[] = {&records, &append};
    reader.replay(observers);
    CHECK(records.events.size() == 200010);
    CHECK(records.events.back().vector[0] == 200010);
  }
  SUBCASE("cut short in a line") {
    const temp_file trace("shrinking.jsonl", text);
    const std::size_t cut = 20u << 20;  // beyond what the reading threads have made present
    const auto line = static_cast<std::size_t>(std::count(text.begin(), text.begin() + cut, '\n')) + 1;
    REQUIRE(text[cut - 1] != '\n');
    trace_reader reader(trace.str());
    recorder records;
    at_first_event truncate([&] { fs::resize_file(trace.path, cut); });
    event_observer* observers[] = {&records, &truncate};
    try {
      reader.replay(observers);
      FAIL("no error");
    } catch (const input_error& e) {
      CHECK(e.line() == line);
      CHECK(e.found() == "a file cut short to " + std::to_string(cut) + " bytes while hbsim read it");
    }
    CHECK(records.events.size() == line - 2);  // the header, then every whole line before
  }
}

TEST_CASE("trace format detection") {
  const temp_file trace("detect.jsonl", std::string("\n") + header_line + "\n");
  CHECK(detect_trace_format(trace.str()) == trace_format::hbsim);
  const temp_file log("detect.log", "client {\"client\":1}\nInitializing GoVector\n");
  CHECK(detect_trace_format(log.str()) == trace_format::shiviz);
  const temp_file executions("detect-executions.log", "\n=== run 1 ===\nA {\"A\":1}\nstart\n");
  CHECK(detect_trace_format(executions.str()) == trace_format::shiviz);
  const temp_file event_first("detect-event.jsonl", std::string(send_line) + "\n");
  CHECK_THROWS_AS(detect_trace_format(event_first.str()), input_error);
  const temp_file prose("detect-prose.txt", "hello world\n");
  try {
    detect_trace_format(prose.str());
    FAIL("no error");
  } catch (const input_error& e) {
    CHECK(e.line() == 1);
    CHECK(e.found() == "the line \"hello world\"");
  }
  const temp_file empty("detect-empty.txt", "\n\n");
  CHECK_THROWS_AS(detect_trace_format(empty.str()), input_error);
  CHECK_THROWS_AS(detect_trace_format(unique_temp_path("missing").string()), input_error);
  // The shipped sample logs are ShiViz logs.
  CHECK(detect_trace_format(std::string(HBSIM_SOURCE_DIR) + "/tests/data/shiviz/client_server.log") == trace_format::shiviz);
}

TEST_CASE("line reader: long lines, CRLF, no final newline") {
  const std::string long_line(3 << 20, 'x');  // longer than the reader's first buffer
  const temp_file f("lines.txt", "a\r\n\n" + long_line + "\nlast");
  line_reader in(f.str());
  std::string_view line;
  REQUIRE(in.next(line));
  CHECK(line == "a");
  REQUIRE(in.next(line));
  CHECK(line.empty());
  REQUIRE(in.next(line));
  CHECK(line.size() == long_line.size());
  CHECK(in.line_number() == 3);
  REQUIRE(in.next(line));
  CHECK(line == "last");
  CHECK_FALSE(in.next(line));
  CHECK(in.line_number() == 4);
}
