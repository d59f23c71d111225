#include "run/memory_guard.hpp"

#include <unistd.h>

#include <fstream>

#include "core/concat.hpp"
#include "hbsim/core/input_error.hpp"
#include "hbsim/run/memory_estimate.hpp"

namespace hbsim {

namespace {
// Events between two readings: a reading costs a few microseconds, an event well under one.
constexpr std::uint64_t every = 1u << 14;
}  // namespace

std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

memory_guard::memory_guard(std::string file, std::uint64_t budget) : file_(std::move(file)) {
  if (const std::uint64_t now = resident_bytes()) most_ = now + budget;
}

void memory_guard::on_event(const event_record& e) {
  if (most_ == 0 || ++events_ % every != 0) return;
  if (const std::uint64_t now = resident_bytes(); now > most_)
    throw input_error(file_, "/processes", concat("a run that fits in the memory available, ", size_text(most_)),
                      concat("a run whose sparse vectors grew to ", size_text(now), " by event ", e.id,
                             ", stopped there"),
                      R"(fewer processes, fewer events, or vector clocks left out ("clocks": ["lamport", "hlc"]))");
}

}  // namespace hbsim
