// The HTML export's table of events: after the columns every event has, one column per clock shown,
// in the order chosen (the run's clocks by default), a module kind's among them; the header names
// are read back from the page and compared with lists written by hand.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "cli_fixture.hpp"
#include "temp_files.hpp"

using namespace hbsim::testing;

namespace {

// A sends one message to B: A's send, B's receive.
constexpr const char* two_events = R"({
  "hbsim": 1,
  "name": "columns",
  "processes": ["A", "B"],
  "network": {"delay": "1ms"},
  CLOCKS
  "script": [{"at": "1ms", "process": "A", "do": "send", "to": "B", "label": "m"}]
})";

// Runs the scenario (with `clocks`, a "clocks" member or nothing) exporting html, plus `args`; the page.
std::string page(const scratch& tmp, const std::string& clocks, const std::string& args = "") {
  std::string text = two_events;
  text.replace(text.find("CLOCKS"), 6, clocks);
  const std::string scenario = tmp.write("columns.json", text);
  const std::string html = tmp / "out.html";
  const cli_result r = run_cli("run '" + scenario + "' --export 'html=" + html + "' " + args);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return read_file(html);
}

// The names in the event table's header row.
std::vector<std::string> headers(const std::string& html) {
  const std::size_t table = html.find("<table id=\"events\"><thead><tr>");
  REQUIRE(table != std::string::npos);
  const std::size_t end = html.find("</tr></thead>", table);
  REQUIRE(end != std::string::npos);
  const std::string row = html.substr(table, end - table);
  std::vector<std::string> out;
  const std::regex th("<th>([^<]*)</th>");
  for (auto it = std::sregex_iterator(row.begin(), row.end(), th); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// Each event's clock cells, as the page's data gives them to its table.
std::vector<nlohmann::json> cells(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"hb-data\">";
  const std::size_t at = html.find(open);
  REQUIRE(at != std::string::npos);
  const std::size_t from = at + open.size();
  const nlohmann::json data = nlohmann::json::parse(html.substr(from, html.find("</script>", from) - from));
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& e : data["events"]) out.push_back(e["clocks"]);
  return out;
}

const std::vector<std::string> every_event{"id", "process", "seq", "kind", "label", "time", "pt"};

std::vector<std::string> with(std::vector<std::string> clocks) {
  std::vector<std::string> out = every_event;
  out.insert(out.end(), clocks.begin(), clocks.end());
  return out;
}

}  // namespace

TEST_CASE("export html: the table has a column per clock of the run, lamport and matrix") {
  const scratch tmp;
  const std::string html = page(tmp, R"("clocks": ["lamport", "matrix"],)");
  CHECK(headers(html) == with({"lamport", "matrix"}));
  const std::vector<nlohmann::json> c = cells(html);
  REQUIRE(c.size() == 2);
  // A's send is its first event (L 1); B's receive max(0, 1) + 1 = 2.
  CHECK(c[0].size() == 2);
  CHECK(c[0][0] == "1");
  CHECK(c[1][0] == "2");
  CHECK(c[1][1] != c[0][1]);  // the receive learnt A's row: its matrix differs from the send's
}

TEST_CASE("export html: the table has lamport, vector and hlc columns by default, only those chosen with --clocks") {
  const scratch tmp;
  const std::string html = page(tmp, "");
  CHECK(headers(html) == with({"lamport", "vector", "hlc"}));
  const std::vector<nlohmann::json> c = cells(html);
  REQUIRE(c.size() == 2);
  // B's receive at 2 ms: L 2, vector {A:1, B:1}, HLC l = max(pt 2ms, 1ms) = 2ms with c 0.
  CHECK(c[1] == nlohmann::json{"2", "{A:1, B:1}", "(2ms,0)"});
  CHECK(headers(page(tmp, R"("clocks": ["lamport"],)")) == with({"lamport"}));
  CHECK(headers(page(tmp, "", "--clocks hlc,lamport")) == with({"hlc", "lamport"}));
}
