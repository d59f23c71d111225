// What processes do, as written in a scenario: scripted actions, reactive rules and generators.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hbsim/core/distribution.hpp"
#include "hbsim/data/data_config.hpp"
#include "hbsim/kernel/event.hpp"
#include "hbsim/kernel/ntp_config.hpp"
#include "hbsim/scenario/event_ref.hpp"

namespace hbsim {

enum class action_kind : std::uint8_t { local, send, broadcast, put, get, sync, ntp, commit };

/// put, get and sync act on replicated data.
constexpr bool acts_on_data(action_kind k) { return k >= action_kind::put && k <= action_kind::sync; }

/// One thing a process does: a local event, a send to some processes, a broadcast, a put, get or
/// sync of replicated data (data/replica_set.hpp), an NTP exchange (scripted only), or a TrueTime commit
/// (a local event, then `label-done` once the commit wait is over).
struct action {
  action_kind kind = action_kind::local;
  std::vector<process_id> to;   // send
  bool to_sender = false;       // reactive send or sync whose `to` is "sender"
  std::string label;
  data_action data{};           // put, get, sync
  ntp_request ntp{};            // ntp
};

struct script_action {
  process_id process = 0;
  std::optional<sim_time> at;        // {"at": t}
  std::optional<event_ref> after;    // {"after": ref, "delay": d}
  sim_time delay = 0;
  action what;
  std::uint64_t repeat_count = 1;    // occurrences in all
  sim_time repeat_every = 0;
  std::string path;
};

struct reactive_rule {
  std::optional<process_id> process;  // nullopt: "*"
  std::optional<std::string> label;   // message label; nullopt: "*"
  action what;
  sim_time delay = 0;
  std::string path;
};

struct random_generator {
  std::uint64_t events = 0;  // per process
  double send_ratio = 0.5;
  distribution interval = distribution::constant(ns_per_ms);
};

struct phold_generator {
  std::uint64_t population = 1;  // initial messages per process
  std::uint64_t messages = 0;    // sends in all, the initial ones included
  distribution think = distribution::constant(0);
  double remote = 1.0;
};

using generator = std::variant<random_generator, phold_generator>;

}  // namespace hbsim
