// Checks a scenario's `expect` block against a run, as an observer: it keeps only the values of the
// events the expectations name, so memory does not grow with the run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbsim/expectation.hpp"
#include "hbsim/observer.hpp"
#include "hbsim/ref_tracker.hpp"

namespace hbsim {

struct scenario;

struct expectation_result {
  enum class status : std::uint8_t { met, unmet, unchecked };
  const expectation* spec;
  status outcome;
  nlohmann::json found;  // what the run had (the event's clocks), or why it was not checked
};

class expectation_checker final : public event_observer {
 public:
  explicit expectation_checker(const scenario& s);
  void on_start(const run_header& h) override;
  void on_event(const event_record& e) override;
  /// Throws input_error when a reference did not name exactly one event (with the candidates).
  void on_finish(const run_end& end) override;
  const std::vector<expectation_result>& results() const { return results_; }

 private:
  struct captured {
    bool seen = false;
    std::uint64_t lamport = 0;
    std::vector<std::uint32_t> vector;
    hlc_stamp hlc;
  };
  const scenario* scenario_;
  std::vector<std::string> names_;
  std::vector<std::size_t> valued_;       // expectations with event values
  std::vector<ref_tracker> trackers_;     // one per entry of valued_
  std::vector<captured> captured_;
  std::vector<expectation_result> results_;
};

/// The clocks of an event as JSON: {"lamport": n, "vector": {name: n}, "hlc": {"l": "5ms", "c": n}}.
nlohmann::json clocks_json(std::uint64_t lamport, std::span<const std::uint32_t> vector, hlc_stamp hlc,
                           std::span<const std::string> names);

}  // namespace hbsim
