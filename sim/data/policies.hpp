// The policies of replicated data, each in a file of its own (sim/data/*_policy.cpp).
#pragma once

#include <memory>

#include "hbsim/data/data_policy.hpp"

namespace hbsim::data_internal {

/// Last writer wins by (stamp, writer).
std::unique_ptr<data_policy> make_lww(const data_config& c);
/// One vector per value: entries keyed by the replica that accepted a write (version_vector) or by the
/// client that wrote it (client_vector).
std::unique_ptr<data_policy> make_vector_policy(const data_config& c, bool by_client);
/// Dotted version vectors.
std::unique_ptr<data_policy> make_dvv(const data_config& c);

}  // namespace hbsim::data_internal
