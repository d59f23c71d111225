// Mapped input files and the SIGBUS handler (see mapped_input.hpp).
#include "hbsim/core/mapped_input.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdint>

#include "hbsim/core/output_file.hpp"

namespace hbsim {

namespace {

// A slot is free while `end` is 0; the handler reads a range only when its end is set, after its begin.
struct range_slot {
  std::atomic<bool> taken{false};
  std::atomic<std::uintptr_t> begin{0}, end{0};
};
std::array<range_slot, 16> ranges;
static_assert(std::atomic<std::uintptr_t>::is_always_lock_free, "the signal handler may only read lock-free atomics");

bool in_mapped_input(const void* address) {
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  for (const range_slot& r : ranges) {
    const std::uintptr_t end = r.end.load(std::memory_order_acquire);
    if (end != 0 && a >= r.begin.load(std::memory_order_relaxed) && a < end) return true;
  }
  return false;
}

// Async-signal-safe: atomic loads, remove_temporaries(), write(), _exit(), signal() and raise() only.
extern "C" void on_sigbus(int sig, siginfo_t* info, void*) {
  remove_temporaries();
  // si_code > 0: raised by the kernel for a fault (kill(2) gives SI_USER, 0), whose si_addr is where.
  if (info != nullptr && info->si_code > 0 && in_mapped_input(info->si_addr)) {
    static constexpr char message[] =
        "hbsim: an input file shrank while it was read (SIGBUS): read a copy that is not being written\n";
    // Said once: several reading threads may touch the lost pages at the same moment.
    static std::atomic<bool> said{false};
    if (!said.exchange(true)) {
      [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
    }
    ::_exit(2);
  }
  // Delivered again with the default action once the handler returns (blocked until then).
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

mapped_input_range::mapped_input_range(const void* begin, std::size_t size) noexcept : slot_(-1) {
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    bool free = false;
    if (!ranges[i].taken.compare_exchange_strong(free, true, std::memory_order_acquire)) continue;
    ranges[i].begin.store(reinterpret_cast<std::uintptr_t>(begin), std::memory_order_relaxed);
    ranges[i].end.store(reinterpret_cast<std::uintptr_t>(begin) + size, std::memory_order_release);
    slot_ = static_cast<int>(i);
    return;
  }
}

mapped_input_range::~mapped_input_range() {
  if (slot_ < 0) return;
  range_slot& r = ranges[static_cast<std::size_t>(slot_)];
  r.end.store(0, std::memory_order_release);
  r.taken.store(false, std::memory_order_release);
}

void refuse_shrunk_inputs_on_sigbus() {
  struct sigaction handler {};
  handler.sa_sigaction = on_sigbus;
  handler.sa_flags = SA_SIGINFO;
  sigemptyset(&handler.sa_mask);
  ::sigaction(SIGBUS, &handler, nullptr);
}

}  // namespace hbsim
