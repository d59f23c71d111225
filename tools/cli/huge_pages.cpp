// The command line's allocator: large blocks (a million processes' tables, the event queue) on 2 MiB
// pages. A run with many processes reads its tables at random, and with 4 KiB pages nearly every cache
// miss also misses the TLB and walks the page table; huge pages also take 512 times fewer page faults.
// Linux gives them to memory marked MADV_HUGEPAGE (the default setting of transparent huge pages);
// elsewhere, or when the kernel declines, the block is used as it is. Values are the same either way.
// Left out under AddressSanitizer, whose own operator new checks new/delete pairs.
#if defined(__SANITIZE_ADDRESS__)  // GCC
#define HBSIM_ADDRESS_SANITIZER
#elif defined(__has_feature)  // Clang
#if __has_feature(address_sanitizer)
#define HBSIM_ADDRESS_SANITIZER
#endif
#endif

#if defined(__linux__) && !defined(HBSIM_ADDRESS_SANITIZER)

#include <malloc.h>
#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t huge_page = std::size_t{2} << 20;
constexpr std::size_t large = std::size_t{4} << 20;

// glibc maps large blocks on their own, below a threshold that it raises as blocks are freed; then a large
// block could come from the heap, and the huge pages marked there would later serve small blocks, each
// taking a 2 MiB page. A fixed threshold keeps every large block mapped on its own.
[[maybe_unused]] const int fixed_threshold = mallopt(M_MMAP_THRESHOLD, static_cast<int>(large));

void* allocate(std::size_t n) {
  if (n < large) return std::malloc(n == 0 ? 1 : n);
  void* p = std::aligned_alloc(huge_page, n);
  // Only the whole huge pages inside the block: a partly used one would hold memory never asked for.
  if (p) madvise(p, n & ~(huge_page - 1), MADV_HUGEPAGE);
  return p;
}

}  // namespace

void* operator new(std::size_t n) {
  for (;;) {
    if (void* p = allocate(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

#endif
