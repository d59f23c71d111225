// What the parts of the scenario loader share: strict JSON text to a document, and the reader whose
// functions check each value fully, every problem an input_error naming the file, the JSON path,
// what was expected and what was found.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hbsim/clocks/clock_registry.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/core/json_text.hpp"
#include "hbsim/scenario/scenario.hpp"

namespace hbsim::scenario_internal {

using json = nlohmann::json;
using names = std::span<const std::string_view>;

/// Text to JSON. nlohmann's own DOM parser keeps the last of duplicate keys and has no depth limit:
/// this one refuses both, and reports where it stopped (scenario_json.cpp).
json parse_json(std::string_view text, const std::string& file);

inline std::string child(const std::string& path, std::string_view key) { return path + '/' + pointer_token(key); }
inline std::string child(const std::string& path, std::size_t index) { return path + '/' + std::to_string(index); }

inline std::string join(names list) { return join_names(list); }

// ---------------------------------------------------------------------------------------------
// Vocabulary.

inline constexpr std::array<std::string_view, 2> hold_mode_names{"drop", "hold"};             // hold_mode order
inline constexpr std::array<std::string_view, 3> persist_names{"all", "none", "checkpoint"};  // persist_mode order
inline constexpr std::array<std::string_view, 8> action_names{"local", "send", "broadcast", "put",
                                                              "get",   "sync", "ntp", "commit"};  // action_kind order
inline constexpr std::array<std::string_view, 4> ntp_action_fields{"server", "samples", "apply", "timeout"};
inline constexpr std::uint64_t max_ntp_samples = 65535;
inline constexpr std::array<std::string_view, 4> data_action_fields{"key", "value", "client", "context"};
inline constexpr std::array<std::string_view, 2> pause_clock_names{"frozen", "running"};
inline constexpr std::array<std::string_view, 2> generator_names{"random", "phold"};  // generator order
inline constexpr std::array<std::string_view, 6> distribution_names{"constant",    "uniform",   "normal",
                                                                    "exponential", "lognormal", "pareto"};
inline constexpr std::array<std::string_view, 5> fault_names{"partition", "cut", "crash", "clock_step", "pause"};
inline constexpr std::array<std::string_view, 4> expectation_names{"event", "before", "concurrent", "violates"};
inline constexpr std::array<std::string_view, 9> invariant_names{"lamport.clock_condition",
                                                                 "lamport.rule",
                                                                 "vector.exact",
                                                                 "vector.strong_clock_condition",
                                                                 "hlc.clock_condition",
                                                                 "hlc.monotonic",
                                                                 "hlc.not_behind_physical",
                                                                 "hlc.rule",
                                                                 "hlc.bounded_drift"};

inline constexpr std::string_view duration_form = R"(a duration string such as "5ms", "1.5ms", "-20ms" or "2s")";

enum class sign { any, non_negative, positive };

// The reader: one function per kind of value, each checking its input fully. Its parts are defined by
// section of the scenario: scenario_fields.cpp (fields and scalars), load_processes.cpp (processes
// and clocks), load_network.cpp, load_faults.cpp, load_workload.cpp, load_expectations.cpp, and the
// whole scenario in scenario_loader.cpp.
class reader {
 public:
  reader(const std::string& file, const clock_registry& registry) : file_(file), registry_(registry) {}

  scenario read(const json& root);
  /// A trace header's delivery groups (read_delivery_groups).
  delivery_config read_recorded_delivery(const json& v, std::span<const std::string> process_names);

 private:
  [[noreturn]] void fail(const std::string& path, const std::string& expected, const std::string& found,
                         const std::string& hint = {}) const {
    throw input_error(file_, path, expected, found, hint);
  }
  [[noreturn]] void wrong(const json& v, const std::string& path, const std::string& expected,
                          const std::string& hint = {}) const {
    fail(path, expected, describe_json(v), hint);
  }

  // Objects and their fields.
  void check_fields(const json& v, const std::string& path, std::string_view what, names known) const;
  static const json* get(const json& object, std::string_view key);
  const json& need(const json& object, const std::string& path, std::string_view key, std::string_view what) const;
  std::string_view which_one(const json& object, const std::string& path, names keys, std::string_view what) const;

  // Scalars.
  const std::string& read_string(const json& v, const std::string& path, std::string_view what) const;
  std::string read_label(const json& v, const std::string& path) const;
  std::string read_name(const json& v, const std::string& path) const;
  std::size_t read_choice(const json& v, const std::string& path, names choices, std::string_view what) const;
  std::uint64_t read_uint(const json& v, const std::string& path, std::uint64_t min, std::uint64_t max) const;
  double read_number(const json& v, const std::string& path, double min, double max, std::string_view what) const;
  double read_probability(const json& v, const std::string& path) const;
  bool read_bool(const json& v, const std::string& path) const;
  sim_time read_duration(const json& v, const std::string& path, sign s) const;
  void check_end(sim_time start, std::uint64_t count, sim_time every, const std::string& path) const;
  const json& read_array(const json& v, const std::string& path, std::string_view what, bool non_empty) const;

  // Structures.
  distribution read_distribution(const json& v, const std::string& path, bool may_be_negative) const;
  physical_clock_config read_clock(const json& v, const std::string& path, physical_clock_config base) const;
  void read_processes(const json& v, const std::string& path, const physical_clock_config& base, scenario& s);
  void read_process_list(const json& v, const std::string& path, const physical_clock_config& base, scenario& s);
  /// {"count": n, "prefix": "p"}: processes p0 .. p(n-1), on the scenario's clock.
  void read_numbered_processes(const json& v, const std::string& path, const physical_clock_config& base,
                               scenario& s);
  process_id read_process(const json& v, const std::string& path) const;
  process_id resolve(std::string_view name, const std::string& path,
                     std::string_view expected = "the name of a process of the scenario") const;
  std::optional<process_id> read_process_or_any(const json& v, const std::string& path) const;
  std::vector<process_id> read_process_list(const json& v, const std::string& path) const;
  void read_link_fields(const json& v, const std::string& path, link_override& out) const;
  network_config read_network(const json& v, const std::string& path) const;
  link_override read_link(const json& v, const std::string& path) const;
  std::vector<std::string> read_clocks(const json& v, const std::string& path) const;
  /// The `logical` block (v null when absent) for the kinds in `clocks`.
  logical_config read_logical(const json* v, const std::string& path, std::vector<std::string> clocks) const;
  fault read_fault(const json& v, const std::string& path) const;
  std::optional<sim_time> read_later(const json& v, const std::string& path, std::string_view key, sim_time at) const;
  hold_mode read_hold_mode(const json& v, const std::string& path) const;
  partition_fault read_partition(const json& groups, const std::string& path) const;
  crash_fault read_crash(const json& v, const std::string& path, sim_time at) const;
  event_ref read_event_ref(const json& v, const std::string& path) const;
  action read_action(const json& v, const std::string& path, std::string_view label_field, bool sender_allowed) const;
  /// The put, get or sync fields of an action (load_data.cpp); the scenario must have `data`.
  /// `to_sender`: a reactive sync whose `to` is "sender" (the caller resolved it).
  data_action read_data_action(const json& v, const std::string& path, data_op op, bool to_sender) const;
  /// The top-level `data` block.
  data_config read_data(const json& v, const std::string& path) const;
  /// NTP (load_ntp.cpp): samples, apply and timeout, shared by the action and the sync.
  void read_ntp_options(const json& v, const std::string& path, ntp_request& r) const;
  ntp_sync read_ntp_sync(const json& v, const std::string& path) const;
  /// Resolves the processes' sync servers, once all are known.
  void resolve_ntp_syncs(scenario& s) const;
  script_action read_script_action(const json& v, const std::string& path, std::size_t k) const;
  reactive_rule read_rule(const json& v, const std::string& path, std::size_t k) const;
  generator read_generator(const json& v, const std::string& path);
  expectation read_expectation(const json& v, const std::string& path) const;
  void read_event_values(const json& v, const std::string& path, expectation& e) const;
  std::vector<std::string_view> judged_invariants() const;
  delivery_group read_delivery_group(const json& v, const std::string& path, const network_config& net) const;
  void read_delivery_variant(const json& v, const std::string& path, delivery_group& g) const;

  template <class T, class F>
  std::vector<T> read_list(const json& v, const std::string& path, std::string_view what, F&& one) const {
    const json& list = read_array(v, path, what, false);
    std::vector<T> out;
    out.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(one(list[i], child(path, i), i + 1));
    return out;
  }

  const std::string& file_;
  const clock_registry& registry_;
  logical_config logical_;  // read before the expectations, which may name the clocks' values
  bool has_data_ = false;   // read before the actions, which may put, get and sync
  bool delivery_ = false;   // delivery groups, whose invariants the expectations may name
  bool ntp_ = false;        // NTP exchanges, whose invariant the expectations may name
  std::size_t process_count_ = 0;
  std::uint64_t max_pending_ = 0;
  std::uint64_t pending_at_start_ = 0;  // PHOLD's initial messages so far
  std::map<std::string, process_id, std::less<>> process_index_;
  std::vector<std::string> process_names_;  // in declaration order
  struct ntp_declaration {
    std::string server;
    std::string path;
  };
  mutable std::vector<ntp_declaration> ntp_declared_;  // by ntp_sync::declared
};

}  // namespace hbsim::scenario_internal
