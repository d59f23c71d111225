// The bad-input corpus (tests/bad_input/{schema,semantic}/NAME.json): every file is refused with an
// input_error whose message holds every non-empty line of NAME.expect. Inputs too large to keep as
// files (deep nesting, huge files) are generated here.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hbsim/core/input_error.hpp"
#include "hbsim/scenario/scenario.hpp"
#include "temp_files.hpp"

namespace fs = std::filesystem;
using hbsim::input_error;
using hbsim::testing::temp_file;

namespace {

const fs::path corpus = fs::path(HBSIM_SOURCE_DIR) / "tests" / "bad_input";

// The corpus files of one directory, sorted so that failures come in a stable order.
std::vector<fs::path> corpus_files(const std::string& directory) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(corpus / directory))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> expected_lines(const fs::path& json_file) {
  fs::path expect = json_file;
  expect.replace_extension(".expect");
  std::ifstream in(expect);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The message load_scenario refuses the file with; fails the test when it does not refuse it.
std::string refusal(const fs::path& file) {
  try {
    hbsim::load_scenario(file.string());
  } catch (const input_error& e) {
    return e.what();
  }
  FAIL_CHECK("accepted: ", file.string());
  return "";
}

void check_directory(const std::string& directory, std::size_t at_least) {
  const auto files = corpus_files(directory);
  CHECK(files.size() >= at_least);
  for (const fs::path& file : files) {
    CAPTURE(file.string());
    const auto lines = expected_lines(file);
    CHECK_MESSAGE(!lines.empty(), "no .expect lines");
    const std::string message = refusal(file);
    CAPTURE(message);
    // The message names the file.
    CHECK(message.find(file.filename().string()) != std::string::npos);
    for (const std::string& line : lines) CHECK_MESSAGE(message.find(line) != std::string::npos, line);
  }
}

std::string refusal_of_text(const std::string& text) {
  try {
    hbsim::parse_scenario(text, "generated.json");
  } catch (const input_error& e) {
    return e.what();
  }
  FAIL_CHECK("accepted generated text");
  return "";
}

}  // namespace

TEST_CASE("every file of bad_input/schema is refused with its expected message") { check_directory("schema", 25); }

TEST_CASE("every file of bad_input/semantic is refused with its expected message") { check_directory("semantic", 10); }

TEST_CASE("nesting deeper than the limit is refused, however deep") {
  // Exactly at the limit is fine: the top-level object is level 1, the note's arrays the rest.
  const int depth = hbsim::limits::nesting_depth;
  auto nested = [](int levels) {
    return R"({"name": "deep", "processes": ["a"], "notes": )" + std::string(static_cast<std::size_t>(levels), '[') +
           std::string(static_cast<std::size_t>(levels), ']') + "}";
  };
  // At the limit the document parses, and fails later on the unknown field, not on depth.
  const std::string at_limit = refusal_of_text(nested(depth - 1));
  CHECK(at_limit.find("/notes") != std::string::npos);
  CHECK(at_limit.find("did you mean \"note\"?") != std::string::npos);
  CHECK(at_limit.find("levels") == std::string::npos);
  const std::string over = refusal_of_text(nested(depth));
  CHECK(over.find("generated.json:1:") != std::string::npos);
  CHECK(over.find("at most 64 levels of nested objects and arrays") != std::string::npos);
  // A million levels: refused early, without exhausting the stack.
  CHECK(refusal_of_text(nested(1'000'000)).find("at most 64 levels") != std::string::npos);
  CHECK(refusal_of_text(std::string(1'000'000, '[')).find("at most 64 levels") != std::string::npos);
}

TEST_CASE("a file larger than the limit is refused before parsing") {
  // Valid JSON apart from its size: a huge note.
  std::string text = R"({"name": "huge", "processes": ["a"], "note": ")";
  text.append(hbsim::limits::file_bytes, 'x');
  text += "\"}";
  const std::string message = refusal_of_text(text);
  CHECK(message.find("expected at most 67108864 bytes") != std::string::npos);
  CHECK(message.find("found " + std::to_string(text.size()) + " bytes") != std::string::npos);

  const temp_file file("huge.json", text);
  CHECK_THROWS_WITH_AS(hbsim::load_scenario(file.str()), doctest::Contains("at most 67108864 bytes"), input_error);
}

TEST_CASE("lists longer than the limit are refused") {
  // An array of a million and one expectations, each too small to be valid: the length is checked first.
  std::string text = R"({"name": "long", "processes": ["a"], "expect": [)";
  for (std::size_t i = 0; i <= hbsim::limits::list_entries; ++i) text += i ? ",0" : "0";
  text += "]}";
  const std::string message = refusal_of_text(text);
  CHECK(message.find("at /expect:") != std::string::npos);
  CHECK(message.find("with at most 1000000 entries") != std::string::npos);
}
