// The test runner. CTest runs one test case per entry (doctest_discover_tests passes `--test-case=NAME` and
// `--hbsim-one-case`); with that flag, a filter that selects no case, or more than one, fails the entry, so a
// name CTest mangles can never pass silently by running nothing.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstring>
#include <iostream>

namespace {

unsigned cases_selected = 0;

struct case_counter final : doctest::IReporter {
  explicit case_counter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override { cases_selected = stats.numTestCasesPassingFilters; }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

REGISTER_LISTENER("hbsim_case_counter", 1, case_counter);

int main(int argc, char** argv) {
  bool one_case = false;
  for (int i = 1; i < argc; ++i) one_case = one_case || std::strcmp(argv[i], "--hbsim-one-case") == 0;
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit()) return result;
  if (one_case && cases_selected != 1) {
    std::cerr << "hbsim_tests: the filter selected " << cases_selected
              << " test cases where CTest expects exactly 1: the test name does not survive CTest\n";
    return 1;
  }
  return result;
}
