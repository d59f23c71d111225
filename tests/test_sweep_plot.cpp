// hbsim sweep --plot: the by-value table as an SVG line plot, one point per combination of --set values and measure.
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "sweep_fixture.hpp"

using namespace hbsim::testing;
using json = nlohmann::json;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

bool well_formed(const std::string& path) { return std::system(("xmllint --noout '" + path + "'").c_str()) == 0; }

}  // namespace

TEST_CASE("sweep --plot draws a point per value for failed runs, each invariant's violations and HLC's epsilon") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const std::string args = "sweep '" + file + "' --seeds 1..3 --set '/logical={},{\"vector\":{\"variant\":\"no-tick-send\"}}' ";
  const cli_result r = run_cli(args + "--jobs 2 --out '" + (dir / "out.jsonl") + "' --plot '" + (dir / "p.svg") + "'");
  CHECK(r.code == 1);
  const std::string svg = read_file(dir / "p.svg");
  CHECK(well_formed(dir / "p.svg"));
  // The vector clock without a tick on send is wrong in every run (each of 20 random events at half sends has a
  // send); the plain clocks in none: 0 then 3 failed runs, the value's JSON escaped.
  CHECK(svg.find("<title>failed runs, /logical={}: 0</title>") != std::string::npos);
  CHECK(svg.find("<title>failed runs, /logical={&quot;vector&quot;:{&quot;variant&quot;:&quot;no-tick-send&quot;}}: 3"
                 "</title>") != std::string::npos);
  // Two points (values) per series: failed runs, one per invariant violated in any run, HLC's largest epsilon.
  std::set<std::string> invariants;
  for (const json& l : json_lines(read_file(dir / "out.jsonl")))
    for (const auto& v : l.at("violations").items()) invariants.insert(v.key());
  REQUIRE_FALSE(invariants.empty());
  CHECK(count(svg, "<circle class=\"point\"") == 2 * (1 + invariants.size() + 1));
  CHECK(count(svg, "<polyline class=\"line\"") == 1 + invariants.size() + 1);
  for (const std::string& name : invariants) CHECK(svg.find(">" + name + "</text>") != std::string::npos);
  CHECK(svg.find(">max HLC epsilon (ns)</text>") != std::string::npos);
  CHECK(svg.find("hbsim sweep: " + file + ", seeds 1..3</text>") != std::string::npos);
  CHECK(svg.find(">/logical</text>") != std::string::npos);  // the x axis names the --set path
  // The same sweep draws the same bytes, whatever --jobs.
  CHECK(run_cli(args + "--jobs 1 --plot '" + (dir / "again.svg") + "'").code == 1);
  CHECK(read_file(dir / "again.svg") == svg);
}

TEST_CASE("sweep --plot with two --set paths draws a point per combination, labelled by its values") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result r = run_cli("sweep '" + file + "' --seeds 1..1 --set /network/delay=1ms,3ms " +
                               "--set /generate/send_ratio=0.2,0.8 --plot '" + (dir / "p.svg") + "'");
  CHECK(r.code == 0);
  const std::string svg = read_file(dir / "p.svg");
  CHECK(well_formed(dir / "p.svg"));
  // Four combinations; failed runs and HLC's epsilon, no violation.
  CHECK(count(svg, "<circle class=\"point\"") == 4 * 2);
  CHECK(svg.find(">/network/delay=&quot;3ms&quot; /generate/send_ratio=0.2</text>") != std::string::npos);
  CHECK(svg.find(">/network/delay, /generate/send_ratio</text>") != std::string::npos);
}

TEST_CASE("sweep --plot is refused with exit 2 without --set, or onto another output") {
  scratch dir;
  const std::string file = dir.write("s.json", small_random);
  const cli_result alone = run_cli("sweep '" + file + "' --seeds 1..2 --plot '" + (dir / "p.svg") + "'");
  CHECK(alone.code == 2);
  CHECK(alone.err.find("--plot") != std::string::npos);
  CHECK(alone.err.find("--set") != std::string::npos);
  const cli_result same = run_cli("sweep '" + file + "' --seeds 1..2 --set /network/delay=1ms,2ms --out '" +
                                  (dir / "x") + "' --plot '" + (dir / "x") + "'");
  CHECK(same.code == 2);
  CHECK(same.err.find("--plot") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "x"));
}
