// The trace reader's fast path against its general path, line by line: a vector the fast path reads
// has the entries the general path reads, whatever it cannot read it leaves to the general path (which
// accepts it or refuses it with its error), and every event line the writer writes is read on the fast
// path into the record the general path makes of it.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/core/random.hpp"
#include "hbsim/trace/trace_reader.hpp"
#include "hbsim/trace/trace_writer.hpp"
#include "sim_fixture.hpp"
#include "temp_files.hpp"
#include "trace/line_codec.hpp"

using namespace hbsim;
using namespace hbsim::testing;

namespace {

// What each path made of one event line.
struct both {
  bool fast = false;
  event_record fast_record;  // its label in fast_label
  trace_internal::standard_values fast_values, general_values;
  std::string fast_label;
  std::vector<trace_internal::vector_value> fast_vector;
  std::vector<sent_message> fast_messages;
  std::optional<std::vector<std::uint32_t>> general_vector;  // none: the general path refused the line
  event_record general_record;  // its spans and label are gone: the label is in general_label
  std::string general_label;
  std::vector<sent_message> general_messages;
};

both read_both(const trace_internal::process_table& table, const std::string& line) {
  both b;
  b.fast_vector.assign(table.vector_width, 0xDEADBEEF);  // what the fast path leaves unwritten shows
  b.fast = table.fast_event(line, b.fast_record, b.fast_values, b.fast_vector.data(), b.fast_messages);
  b.fast_label = b.fast_record.label;
  const std::string file = "lines.jsonl";
  trace_internal::json_line_codec codec(file, table);
  try {
    const nlohmann::json o = parse_json_line(line, file, 2);  // the record's label points into it
    codec.read_event(o);
    b.general_vector.emplace(codec.vector().begin(), codec.vector().end());
    b.general_values = codec.values();
    b.general_record = codec.event();
    b.general_label = codec.event().label;
    b.general_messages.assign(codec.event().messages.begin(), codec.event().messages.end());
  } catch (const input_error&) {
  }
  return b;
}

// Whatever the fast path accepts, the general path reads alike.
void check_agree(const both& b) {
  if (!b.fast) return;
  REQUIRE(b.general_vector.has_value());
  CHECK(std::vector<std::uint32_t>(b.fast_vector.begin(), b.fast_vector.end()) == *b.general_vector);
}

// The dense vector of `line` read 64 bytes at a time, alone: whatever it accepts, it ends at the vector's
// "}" with the general path's entries. Returns whether it accepted.
bool check_simd(const trace_internal::process_table& table, const std::string& line, const both& b) {
  if (!table.simd_vectors()) return false;
  const std::size_t open = line.find("\"vector\":{");
  if (open == std::string::npos) return false;  // damaged
  std::vector<trace_internal::vector_value> vector(table.vector_width, 0xDEADBEEF);
  const char* const close = table.dense_vector_at(line.data() + open + 10, line.data() + line.size(), vector.data());
  if (!close) return false;
  REQUIRE(b.general_vector.has_value());
  CHECK(std::vector<std::uint32_t>(vector.begin(), vector.end()) == *b.general_vector);
  CHECK(std::string_view(close).starts_with("},\"hlc\":"));
  return true;
}

// Whether a vector of these values is one the 64-byte reading must accept, written densely: no zero
// (the writer leaves zeros out), no number of more than 8 digits.
bool dense_and_short(const std::vector<std::uint64_t>& values) {
  for (const std::uint64_t v : values)
    if (v == 0 || v >= 100000000) return false;
  return true;
}


// A send's messages, comparable.
std::vector<std::tuple<message_id, process_id, std::uint32_t>> fields(const std::vector<sent_message>& ms) {
  std::vector<std::tuple<message_id, process_id, std::uint32_t>> out;
  for (const sent_message& m : ms) out.emplace_back(m.id, m.to, m.copies);
  return out;
}

// A local event of `process`.
std::string local_line(const std::string& vector, const std::string& process = "p0") {
  return R"({"type":"event","id":1,"process":")" + process +
         R"(","seq":1,"kind":"local","label":"","time":0,"pt":0,"lamport":1,"vector":)" + vector + R"(,"hlc":[0,1]})";
}

scenario named(std::vector<std::string> names) {
  scenario s = make_scenario(std::move(names));
  s.logical.clocks = {"lamport", "vector", "hlc"};
  return s;
}

// Names of 2 to 4 bytes (keys of at most 8 bytes: the narrow compare), or longer.
std::vector<std::string> names(std::size_t n, const std::string& prefix) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// The tables to read with: 64 bytes at a time where this processor can, and the scalar loop alone.
std::vector<bool> simd_settings() { return {true, false}; }

// Whether this processor reads dense vectors 64 bytes at a time (AVX-512 with VBMI2).
bool table_can_simd() {
  const scenario s = named(names(2, "p"));
  return trace_internal::process_table(s).simd_vectors();
}

}  // namespace

TEST_CASE("fast vector: edge values and shapes, against the general path") {
  const scenario s = named(names(3, "p"));
  for (const bool simd : simd_settings()) {
  CAPTURE(simd);
  const trace_internal::process_table table(s, simd);
  struct edge {
    std::string vector;
    bool fast;  // read on the fast path
    std::optional<std::vector<std::uint32_t>> entries;  // none: refused (by the general path)
  };
  const std::vector<edge> edges = {
      {R"({})", true, std::vector<std::uint32_t>{0, 0, 0}},
      {R"({"p0":0})", true, std::vector<std::uint32_t>{0, 0, 0}},
      {R"({"p0":4294967295,"p2":1})", true, std::vector<std::uint32_t>{4294967295u, 0, 1}},
      {R"({"p0":1234567,"p1":12345678,"p2":123456789})", true, std::vector<std::uint32_t>{1234567, 12345678, 123456789}},
      {R"({"p1":7})", true, std::vector<std::uint32_t>{0, 7, 0}},
      {R"({"p0":4294967296})", false, std::nullopt},      // 2^32: out of range
      {R"({"p0":01})", false, std::nullopt},              // a leading zero is not JSON
      {R"({"p0":00})", false, std::nullopt},
      {R"({"p0":-1})", false, std::nullopt},
      {R"({"p0":1.0})", false, std::nullopt},
      {R"({"p0":1e3})", false, std::nullopt},
      {R"({"p0":})", false, std::nullopt},
      {R"({"p0":1,})", false, std::nullopt},
      {R"({"p0":1,"p0":2})", false, std::nullopt},        // twice
      {R"({"p0":1,"p1":2,"p2":3,"p3":4})", false, std::nullopt},  // more entries than processes
      {R"({"q":1})", false, std::nullopt},                // no such process
      {R"({"p0": 1})", false, std::vector<std::uint32_t>{1, 0, 0}},  // spaces: the general path reads them
      {R"({ "p0":1 })", false, std::vector<std::uint32_t>{1, 0, 0}},
      {R"({"p0":1 ,"p1":2})", false, std::vector<std::uint32_t>{1, 2, 0}},
      {R"({"p2":3,"p0":1})", false, std::vector<std::uint32_t>{1, 0, 3}},  // another order
      {R"({"p0":99999999,"p1":0,"p2":100000000})", true, std::vector<std::uint32_t>{99999999, 0, 100000000}},
      {R"({"p0":12,"p1":034,"p2":5})", false, std::nullopt},
      {R"({"p0":1,"p1":2,"p2":3,"p1":4})", false, std::nullopt},
      {R"({"p0":1,"p1":2,"p2":3)", false, std::nullopt},  // the line ends inside the vector
  };
  for (const edge& e : edges) {
    const std::string line = local_line(e.vector);
    INFO(line);
    const both b = read_both(table, line);
    CHECK(b.fast == e.fast);
    CHECK(b.general_vector == e.entries);
    check_agree(b);
    check_simd(table, line, b);
  }
  }
}

TEST_CASE("fast vector: random vectors and random damage, against the general path") {
  // Names of each length class of the fast path's key compare: up to 8 bytes with quotes and colon,
  // up to 16, longer; and tables whose keys reach 8 and 16 bytes ("abc39":, "abcdefghijk39":), where the
  // compare of the comma and the key needs the next class.
  // A name with a ':' ("a:1") leaves it all to the scalar loop: a number could hide inside a key.
  for (const std::string& prefix : {std::string("p"), std::string("proc_"), std::string("a_long_process_name_"),
                                    std::string("abc"), std::string("abcdefghijk"), std::string("a:")}) {
   for (const bool simd : simd_settings()) {
    CAPTURE(prefix);
    CAPTURE(simd);
    const std::size_t n = 40;
    const std::vector<std::string> ns = names(n, prefix);
    const scenario s = named(ns);  // the table refers to its clocks
    const trace_internal::process_table table(s, simd);
    CHECK(table.simd_vectors() == (simd && prefix != "a:" && table_can_simd()));
    random_stream random(7);
    std::size_t fast = 0, dense_short = 0, simd_read = 0;
    const char* damages[] = {" ", "0", ",", "}", "\"", "-", "9", "x"};
    for (int round = 0; round < 3000; ++round) {
      // Values of every length, zeros left out (sparse), or all there (dense), in process order.
      std::string vector = "{";
      const bool dense = random.chance(0.5);
      std::vector<std::uint64_t> values;
      for (std::size_t q = 0; q < n; ++q) {
        static constexpr std::uint64_t tops[] = {10, 1000, 100000, 10000000, 4294967296ull};
        // Mostly short numbers, so that many dense vectors are the 64-byte reading's.
        const std::uint64_t v = random.below(random.chance(0.97) ? tops[random.below(4)] : tops[4]);
        values.push_back(v);
        if (v == 0 && !dense) continue;
        vector.append(vector.size() > 1 ? "," : "").append("\"").append(ns[q]).append("\":").append(std::to_string(v));
      }
      vector += "}";
      std::string line = local_line(vector, ns[0]);
      const bool damaged = random.chance(0.5);
      if (damaged) {  // one byte of the vector replaced, inserted or removed
        const std::size_t at = line.find("\"vector\":{") + 9 + random.below(vector.size());
        const std::string d = damages[random.below(std::size(damages))];
        const auto how = random.below(3);
        if (how == 0) line.replace(at, 1, d);
        if (how == 1) line.insert(at, d);
        if (how == 2) line.erase(at, 1);
      }
      INFO(line);
      const both b = read_both(table, line);
      if (!damaged) CHECK(b.fast);  // the writer's shape
      fast += b.fast;
      check_agree(b);
      const bool read = check_simd(table, line, b);
      simd_read += read;
      if (!damaged && dense && dense_and_short(values)) {
        ++dense_short;
        CHECK(read == table.simd_vectors());
      }
    }
    CHECK(fast > 1200);  // the writer's shape, about half, and some damage the fast path reads
    CHECK(dense_short > 50);
    CHECK(simd_read >= (table.simd_vectors() ? dense_short : 0));
   }
  }
}

TEST_CASE("fast vector: every event line a run writes is read on the fast path into the general path's record") {
  // Short and long names, many processes: sparse vectors early, dense ones later.
  for (const std::string& prefix : {std::string("p"), std::string("node_"), std::string("a_rather_long_name_")}) {
    scenario s = named(names(24, prefix));
    s.network.defaults.delay = distribution::exponential(1 * ms);
    s.network.defaults.loss = 0.02;
    s.generate.push_back(random_generator{80, 0.5, distribution::exponential(1 * ms)});
    const temp_file trace("fast_vector.jsonl");
    {
      simulation sim(s);
      trace_writer writer(trace.str());
      sim.observe(writer);
      sim.run();
      writer.commit();
    }
    const trace_internal::process_table table(s);
    std::ifstream in(trace.path);
    std::size_t events = 0, simd_read = 0;
    for (std::string line; std::getline(in, line);) {
      if (!line.starts_with("{\"type\":\"event\"")) continue;
      ++events;
      INFO(line);
      const both b = read_both(table, line);
      REQUIRE(b.fast);
      check_agree(b);
      simd_read += check_simd(table, line, b);
      const event_record &f = b.fast_record, &g = b.general_record;
      CHECK(f.id == g.id);
      CHECK(f.process == g.process);
      CHECK(f.seq == g.seq);
      CHECK(f.kind == g.kind);
      CHECK(b.fast_label == b.general_label);
      CHECK(f.time == g.time);
      CHECK(f.pt == g.pt);
      CHECK(b.fast_values.lamport == b.general_values.lamport);
      CHECK(b.fast_values.hlc == b.general_values.hlc);
      CHECK(fields(b.fast_messages) == fields(b.general_messages));
      if (f.kind == event_kind::receive || f.kind == event_kind::reject) {
        CHECK(f.message == g.message);
        CHECK(f.from == g.from);
        CHECK(f.send_event == g.send_event);
      }
    }
    CHECK(events > 24 * 80);
    CHECK((simd_read > 100) == table.simd_vectors());  // the vectors fill up: the later ones are dense
  }
}
