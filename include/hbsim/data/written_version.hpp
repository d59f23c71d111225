// A version as a trace writes it (data_policy::write): its size on the wire, by the policies' rule
// (version_bytes in data_policy.hpp), so that a trace read back counts the bytes the run counted.
#pragma once

#include <cstdint>

#include <nlohmann/json_fwd.hpp>

namespace hbsim {

/// lww `[stamp..., writer]`: 8 per word; a vector `{name: n}`: 16 per entry; dvv `{"dot": [r, n],
/// "context": {...}}`: 16 for the dot and 16 per context entry. 0 for any other JSON.
std::uint64_t written_version_bytes(const nlohmann::json& v);

}  // namespace hbsim
