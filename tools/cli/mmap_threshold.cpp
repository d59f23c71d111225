// The command line's one allocator setting: glibc maps every block of 4 MiB and more on its own. glibc raises
// that threshold as large blocks are freed (up to 32 MiB), after which a million processes' tables come from
// the heap, where freed space stays with the process (measured, 2^20 processes: peak 1,224,860 KB against
// 1,197,000 KB with the threshold fixed, which keeps a run within 1.2 KB per process).
//
// Large blocks are not put on transparent huge pages (MADV_HUGEPAGE), although a million processes' tables are
// read at random and 4 KiB pages miss the TLB: on a virtual machine that hands its free memory back to the host
// (free page reporting, common in clouds), a 2 MiB page comes from that memory and its first touch costs the host
// milliseconds. Measured on 2026-12-05, 2^20 processes, 4M messages: 8.3-9.8 s with huge pages (6.8 s of system
// time), 5.9-6.9 s without (1.2 s).
#if defined(__linux__)  // glibc; predefined, where __GLIBC__ would need a header first

#include <malloc.h>

namespace {
[[maybe_unused]] const int fixed_threshold = mallopt(M_MMAP_THRESHOLD, 4 << 20);
}  // namespace

#endif
