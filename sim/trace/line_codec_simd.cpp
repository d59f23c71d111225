// The line codec's fast path for a dense vector (every process's entry, in process order), 64 bytes at a
// time with AVX-512 where the processor has it (asked at run time: the build needs no flag, and every
// path reads the same entries). The scalar loop (line_codec_fast.cpp) compares each key and counts each
// number's digits before it knows where the next entry starts; here a block's bytes are classified at
// once:
// - the entries' digits are the runs of digits that begin right after a ':';
// - every other byte, squeezed together, must be the table's skeleton, the keys with their commas and the
//   closing '}' ("p0":,"p1":,...}), which proves every key in its place;
// - the numbers, eight at a time, are then gathered into 8-byte lanes and converted together.
// Anything else (a gap, a long number, spaces) gives up, and the scalar loop reads the line.
#include <algorithm>

#include "trace/line_codec.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HBSIM_AVX512_VECTORS 1
// GCC 12 warns of the undefined vector its AVX-512 intrinsics start from (inside its own header).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

namespace hbsim::trace_internal {

bool process_table::simd_available() {
#ifdef HBSIM_AVX512_VECTORS
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi2");
#else
  return false;
#endif
}

#ifdef HBSIM_AVX512_VECTORS
namespace {
constexpr std::uint64_t bits_below(unsigned k) { return k >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << k) - 1; }
}  // namespace

// One block of 64 bytes of the text, classified.
struct block {
  __m512i bytes;
  std::uint64_t loaded, colon, starts, numbers;  // starts: the numbers' first digits; numbers: all their digits
};

__attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,bmi,bmi2,popcnt,lzcnt"))) inline block classify(
    const char* p, std::size_t room, const block& before) {
  const __m512i zero = _mm512_set1_epi8('0');
  block b;
  b.loaded = bits_below(static_cast<unsigned>(std::min<std::size_t>(room, 64)));
  b.bytes = _mm512_maskz_loadu_epi8(b.loaded, p);
  const std::uint64_t digit = _mm512_mask_cmplt_epu8_mask(b.loaded, _mm512_sub_epi8(b.bytes, zero), _mm512_set1_epi8(10));
  b.colon = _mm512_cmpeq_epi8_mask(b.bytes, _mm512_set1_epi8(':'));
  b.starts = ((b.colon << 1) | (before.colon >> 63)) & digit;
  // Adding a run's first bit carries through the run and clears it: the bits that changed are the runs
  // begun here or going on from the block before.
  b.numbers = ((digit + (b.starts | ((before.numbers >> 63) & digit))) ^ digit) & digit;
  return b;
}

// The blocks follow each other 64 bytes apart whatever they hold, so that the next one's loads need not
// wait for this one's digits (measured: advancing to where a number begins, which waits, was slower than
// the scalar loop on a trace read from memory). A number that goes on into the next block is read from
// both.
__attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,bmi,bmi2,popcnt,lzcnt"))) const char*
process_table::dense_vector_at(const char* p, const char* const end, vector_value* const vector) const {
  alignas(64) static constexpr char iota[64] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                                16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
                                                32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
                                                48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
  const __m512i index = _mm512_load_si512(iota);
  const __m512i lane = _mm512_srli_epi16(_mm512_and_si512(index, _mm512_set1_epi8(0x38)), 3);  // byte i: i / 8
  const __m512i back = _mm512_sub_epi8(_mm512_and_si512(index, _mm512_set1_epi8(7)), _mm512_set1_epi8(7));  // i % 8 - 7
  const __m512i zero = _mm512_set1_epi8('0');
  const __m512i tens = _mm512_set1_epi16(0x010A), hundreds = _mm512_set1_epi32(0x00010064);
  const __m512i ten_thousand = _mm512_set1_epi64(10000);
  const char* const skeleton = skeleton_.data();
  const std::size_t skeleton_bytes = skeleton_.size();
  std::size_t matched = 0, entries = 0;
  auto room = static_cast<std::size_t>(end - p);
  block here = classify(p, room, block{_mm512_setzero_si512(), 0, 0, 0, 0});
  for (;;) {
    const std::size_t step = std::min<std::size_t>(room, 64);
    const block next = classify(p + step, room - step, here);
    std::uint64_t other = ~here.numbers & here.loaded, starts = here.starts;
    // Each number's last digit: here, or (for one that goes on) the first end in the next block.
    std::uint64_t finals = here.numbers & ~((here.numbers >> 1) | (next.numbers << 63));
    if ((here.numbers & ~here.starts & 1) != 0) finals = _blsr_u64(finals);  // a number begun in the block before
    const std::size_t wanted = skeleton_bytes - matched;
    const auto found = static_cast<std::size_t>(_mm_popcnt_u64(other));
    const bool last = found >= wanted;
    if (!last && room <= 64) return nullptr;  // the line ends inside the vector
    unsigned close = 0;  // the '}' that ends the vector, when in this block
    if (last) {
      close = static_cast<unsigned>(_tzcnt_u64(_pdep_u64(std::uint64_t{1} << (wanted - 1), other)));
      const std::uint64_t through = bits_below(close + 1);
      other &= through;
      starts &= through;
      finals &= through;
    }
    const std::uint64_t compare = bits_below(static_cast<unsigned>(last ? wanted : found));
    const __m512i squeezed = _mm512_maskz_compress_epi8(other, here.bytes);
    if (_mm512_mask_cmpneq_epi8_mask(compare, squeezed, _mm512_maskz_loadu_epi8(compare, skeleton + matched)) != 0)
      return nullptr;
    matched += last ? wanted : found;
    // The numbers, eight at a time: each one's digits right-aligned in 8 bytes, then combined in pairs,
    // quadruples and the whole, as the scalar path does in one word.
    const auto count = static_cast<unsigned>(_mm_popcnt_u64(starts));
    const std::uint64_t leading_zero =
        starts & _mm512_cmpeq_epi8_mask(here.bytes, zero) & ((here.numbers >> 1) | (next.numbers << 63));
    if (entries + count > n || leading_zero != 0) return nullptr;
    const __m512i first = _mm512_maskz_compress_epi8(starts, index);
    __m512i final = _mm512_maskz_compress_epi8(finals, index);
    if (!last && count != 0 && (here.numbers >> 63) != 0)  // the last number ends in the next block
      final = _mm512_mask_set1_epi8(final, std::uint64_t{1} << (count - 1),
                                    static_cast<char>(64 + _tzcnt_u64(~next.numbers) - 1));
    if (_mm512_mask_cmpgt_epu8_mask(bits_below(count), _mm512_sub_epi8(final, first), _mm512_set1_epi8(7)) != 0)
      return nullptr;  // more than 8 digits: left to the scalar path
    for (unsigned group = 0; group < count; group += 8) {
      const __m512i which = _mm512_add_epi8(lane, _mm512_set1_epi8(static_cast<char>(group)));
      const __m512i from = _mm512_permutexvar_epi8(which, first);
      const __m512i at = _mm512_add_epi8(_mm512_permutexvar_epi8(which, final), back);
      const __mmask64 inside = _mm512_cmpge_epi8_mask(at, from);
      const __m512i digits = _mm512_maskz_sub_epi8(inside, _mm512_permutex2var_epi8(here.bytes, at, next.bytes), zero);
      const __m512i quads = _mm512_madd_epi16(_mm512_maddubs_epi16(digits, tens), hundreds);
      const __m512i values = _mm512_add_epi64(_mm512_mul_epu32(quads, ten_thousand), _mm512_srli_epi64(quads, 32));
      const unsigned stored = std::min(8u, count - group);
      _mm512_mask_storeu_epi64(vector + entries, static_cast<__mmask8>(bits_below(stored)), values);
      entries += stored;
    }
    if (last) return entries == n ? p + close : nullptr;
    p += 64;
    room -= 64;
    here = next;
  }
}
#else
const char* process_table::dense_vector_at(const char*, const char*, vector_value*) const { return nullptr; }
#endif

}  // namespace hbsim::trace_internal
