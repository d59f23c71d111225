// The scenario's replicated data (`data`, scenarios/FORMAT.md): the policy that resolves writes, how
// replicas exchange state, and the put, get and sync actions that processes perform on it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hbsim/core/ids.hpp"

namespace hbsim {

enum class replicate_mode : std::uint8_t { manual, on_write };
enum class lww_stamp : std::uint8_t { physical, hlc, lamport };

struct data_config {
  std::string policy;  // lww, version_vector, client_vector, dvv
  std::size_t variant = 0;  // in the policy's variants(), canonical first
  replicate_mode replicate = replicate_mode::manual;
  lww_stamp stamp = lww_stamp::physical;  // lww
  bool tie_break = true;                  // lww: equal stamps compare the writer
};

enum class data_op : std::uint8_t { put, get, sync };

/// One put, get or sync as a script or a reactive rule writes it.
struct data_action {
  data_op op = data_op::put;
  std::string key;                  // put, get; sync: "" means "*" (every key the replica holds)
  std::string value;                // put: the value as compact JSON text
  std::string client;               // put, get; "" means the process itself
  bool read_context = true;         // put: "context": "read" (true) or "none"
  std::vector<process_id> to;       // sync; empty means "*" (every other process)
};

}  // namespace hbsim
