// Vector clocks as a clock kind module. A stamp is n words, entry j (j's events in the causal past) in
// word j, as event_record's uint32 `vector` row widened; the trace field `vector` is {name: n} with the
// zero entries left out. Invariants vector.exact and vector.strong_clock_condition, judged natively by
// the invariant checker (make_judge gives none). Its variants are vector_variant's, in that order.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "hbsim/clocks/clock_kind.hpp"

namespace hbsim {

std::shared_ptr<const clock_kind> vector_kind();

/// A vector clock's row as the module's stamp words.
std::vector<std::uint64_t> vector_words(std::span<const std::uint32_t> row);

}  // namespace hbsim
