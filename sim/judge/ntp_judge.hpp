// ntp.offset_bound (FORMAT.md, NTP), judged on the note of each event that ends an exchange, from the
// note alone, so that a trace is judged as the run was.
#pragma once

#include <string>

#include "hbsim/kernel/ntp_note.hpp"

namespace hbsim {

/// What breaks the bound, with the numbers; empty when it holds (or nothing was measured).
std::string ntp_bound_broken(const ntp_note& n);

}  // namespace hbsim
