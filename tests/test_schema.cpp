// scenarios/schema.json against the files: it accepts every scenario of scenarios/ and tests/data/
// (which the loader accepts too), and rejects every file of tests/bad_input/schema/.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "hbsim/clocks/clock_kind.hpp"
#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/data/data_judge.hpp"
#include "hbsim/judge/invariant_checker.hpp"
#include "hbsim/kernel/delivery_group.hpp"
#include "hbsim/kernel/ntp_note.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path source = fs::path(HBSIM_SOURCE_DIR);

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

// Every *.json under `directory` (recursively), sorted; the schema itself is not a scenario.
std::vector<fs::path> json_files(const fs::path& directory) {
  std::vector<fs::path> files;
  if (!fs::exists(directory)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(directory))
    if (entry.is_regular_file() && entry.path().extension() == ".json" && entry.path().filename() != "schema.json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

class scenario_schema {
 public:
  scenario_schema() {
    const nlohmann::json document = read_json(source / "scenarios" / "schema.json");
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(document), schema_);
  }

  // The first error, or "" when the document is valid.
  std::string validate(const nlohmann::json& document) const {
    valijson::Validator validator;
    valijson::ValidationResults results;
    if (validator.validate(schema_, valijson::adapters::NlohmannJsonAdapter(document), &results)) return "";
    valijson::ValidationResults::Error error;
    std::string out = "invalid";
    while (results.popError(error)) {
      std::string where;
      for (const std::string& part : error.context) where += part;
      out += "\n  " + where + ": " + error.description;
    }
    return out;
  }

 private:
  valijson::Schema schema_;
};

const scenario_schema& schema() {
  static const scenario_schema instance;
  return instance;
}

}  // namespace

TEST_CASE("the schema accepts every valid scenario") {
  std::vector<fs::path> files = json_files(source / "scenarios");
  const std::vector<fs::path> data = json_files(source / "tests" / "data");
  files.insert(files.end(), data.begin(), data.end());
  // tests/data alone holds three.
  CHECK(data.size() >= 3);
  for (const fs::path& file : files) {
    CAPTURE(file.string());
    // Only files the loader accepts are held to the schema.
    CHECK_NOTHROW(hbsim::load_scenario(file.string()));
    CHECK(schema().validate(read_json(file)) == "");
  }
}

TEST_CASE("the schema lets a violates expectation name every invariant a scenario may have") {
  // The enum under expect's violates, against the names the loader takes: the standard clocks', every
  // other kind's, the replicated data's, the delivery groups' and NTP's.
  const nlohmann::json document = read_json(source / "scenarios" / "schema.json");
  std::vector<std::string> listed;
  const std::function<void(const nlohmann::json&)> find = [&](const nlohmann::json& j) {
    if (j.is_object() && j.contains("violates") && j["violates"].is_object() && j["violates"].contains("enum"))
      for (const auto& name : j["violates"]["enum"]) listed.push_back(name.get<std::string>());
    if (j.is_structured())
      for (const auto& child : j) find(child);
  };
  find(document);
  REQUIRE_FALSE(listed.empty());
  std::vector<std::string_view> names(hbsim::invariant_names().begin(), hbsim::invariant_names().end());
  const hbsim::clock_registry& registry = hbsim::clock_registry::standard();
  for (const std::string& kind : registry.names())
    for (const std::string_view name : registry.find(kind)->invariants()) names.push_back(name);
  names.insert(names.end(), hbsim::data_invariant_names().begin(), hbsim::data_invariant_names().end());
  names.insert(names.end(), hbsim::delivery_invariant_names.begin(), hbsim::delivery_invariant_names.end());
  names.push_back(hbsim::ntp_invariant_name);
  for (const std::string_view name : names) {
    CAPTURE(name);
    CHECK(std::find(listed.begin(), listed.end(), name) != listed.end());
  }
}

TEST_CASE("the schema rejects every file of bad_input/schema") {
  const std::vector<fs::path> files = json_files(source / "tests" / "bad_input" / "schema");
  CHECK(files.size() >= 25);
  for (const fs::path& file : files) {
    CAPTURE(file.string());
    CHECK(schema().validate(read_json(file)) != "");
  }
}

TEST_CASE("the schema's duration patterns agree with the loader on signs and precision") {
  auto with_clock = [](const nlohmann::json& clock) {
    return nlohmann::json{{"name", "d"}, {"processes", {"a"}}, {"clock", clock}};
  };
  // resolution must be > 0: "0.000s" and "0ns" are zero, "0.001ms" is not.
  CHECK(schema().validate(with_clock({{"resolution", "0.001ms"}})) == "");
  CHECK(schema().validate(with_clock({{"resolution", "0.000s"}})) != "");
  CHECK(schema().validate(with_clock({{"resolution", "00ns"}})) != "");
  CHECK(schema().validate(with_clock({{"resolution", "-1us"}})) != "");
  // offset is signed; a bare number or a missing unit is not a duration.
  CHECK(schema().validate(with_clock({{"offset", "-1.5ms"}})) == "");
  CHECK(schema().validate(with_clock({{"offset", 5}})) != "");
  CHECK(schema().validate(with_clock({{"offset", "5"}})) != "");
  // Fractions stop at the nanosecond, trailing zeros aside.
  CHECK(schema().validate(with_clock({{"offset", "1.000000001s"}})) == "");
  CHECK(schema().validate(with_clock({{"offset", "1.5000000000s"}})) == "");
  CHECK(schema().validate(with_clock({{"offset", "1.0000000001s"}})) != "");
  CHECK(schema().validate(with_clock({{"offset", "1.0001ms"}})) == "");
  CHECK(schema().validate(with_clock({{"offset", "1.0000001ms"}})) != "");
  CHECK(schema().validate(with_clock({{"offset", "2.000ns"}})) == "");
  CHECK(schema().validate(with_clock({{"offset", "0.5ns"}})) != "");
  // "-0ns" is zero, so it is a valid `until` for both.
  const nlohmann::json negative_zero = {{"name", "d"}, {"processes", {"a"}}, {"until", "-0ns"}};
  CHECK(schema().validate(negative_zero) == "");
  CHECK(hbsim::parse_scenario(negative_zero.dump(), "t").until == hbsim::sim_time{0});
  CHECK(schema().validate({{"name", "d"}, {"processes", {"a"}}, {"until", "-1ns"}}) != "");
}
