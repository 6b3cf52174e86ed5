// Strings of the canonical ABI: loading with validation, and storing with the realloc sequence
// of definitions.py's store_string_into_range for every (source, destination) encoding pair.
// The realloc calls are observable by the guest, so each function follows the spec's order of
// allocate / reallocate / checks exactly; the byte copying in between is done in bulk.
#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "component/canon_context.h"

namespace nw::component {

namespace {

enum class Utf8Status : uint8_t { kOk, kInvalid, kIncomplete };
Utf8Status CheckUtf8(const uint8_t* p, const uint8_t* end);
uint32_t ValidUtf8Generic(const uint8_t* p, size_t n) { return CheckUtf8(p, p + n) == Utf8Status::kOk; }

#if defined(__x86_64__)
// 256 bytes per step where the CPU has AVX2 (checked once), one test per step: a 1 KiB string
// argument is validated on every component-to-component call, so this is on the call path.
// May stop short of the ASCII prefix (at the start of the step holding a non-ASCII byte); the
// caller's narrower loops go on from there.
// (tune=haswell: the generic tuning splits each unaligned 32-byte load in two.)
[[gnu::target("avx2,tune=haswell")]] size_t AsciiPrefixAvx2(const uint8_t* p, size_t n) {
  size_t i = 0;
  for (; i + 256 <= n; i += 256) {
    const __m256i* v = reinterpret_cast<const __m256i*>(p + i);
    __m256i a = _mm256_or_si256(_mm256_loadu_si256(v), _mm256_loadu_si256(v + 1));
    __m256i b = _mm256_or_si256(_mm256_loadu_si256(v + 2), _mm256_loadu_si256(v + 3));
    __m256i c = _mm256_or_si256(_mm256_loadu_si256(v + 4), _mm256_loadu_si256(v + 5));
    __m256i d = _mm256_or_si256(_mm256_loadu_si256(v + 6), _mm256_loadu_si256(v + 7));
    if (_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(a, b), _mm256_or_si256(c, d))) != 0) break;
  }
  for (; i + 128 <= n; i += 128) {
    const __m256i* v = reinterpret_cast<const __m256i*>(p + i);
    __m256i a = _mm256_or_si256(_mm256_loadu_si256(v), _mm256_loadu_si256(v + 1));
    __m256i b = _mm256_or_si256(_mm256_loadu_si256(v + 2), _mm256_loadu_si256(v + 3));
    if (_mm256_movemask_epi8(_mm256_or_si256(a, b)) != 0) break;
  }
  return i;
}
bool HasAvx2() {
  static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  return has;
}

// ValidUtf8 by the CPU's widest vectors, for the common case on the component call path: a
// string all ASCII, decided by one pass of wide loads; a string that is not is then checked
// from its start by the general loop. No early exit: the loads are ORed into four
// accumulators, so no chain of dependent ORs is longer than the loop's trip count (a test per
// 256-byte step, as AsciiPrefixAvx2 does, puts a chain of eight ORs before each test: LLVM
// reassociates the tree written there into a chain).
[[gnu::target("avx512f,avx512bw,tune=icelake-server")]] uint32_t ValidUtf8Avx512(const uint8_t* p, size_t n) {
  if (n < 64) return ValidUtf8Generic(p, n);
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 256 <= n; i += 256) {
    a0 = _mm512_or_si512(a0, _mm512_loadu_si512(p + i));
    a1 = _mm512_or_si512(a1, _mm512_loadu_si512(p + i + 64));
    a2 = _mm512_or_si512(a2, _mm512_loadu_si512(p + i + 128));
    a3 = _mm512_or_si512(a3, _mm512_loadu_si512(p + i + 192));
  }
  for (; i + 64 <= n; i += 64) a0 = _mm512_or_si512(a0, _mm512_loadu_si512(p + i));
  // The last 1..63 bytes: a load of the 64 ending at p+n (n >= 64, so it starts inside).
  if (i < n) a1 = _mm512_or_si512(a1, _mm512_loadu_si512(p + n - 64));
  const __m512i all = _mm512_or_si512(_mm512_or_si512(a0, a1), _mm512_or_si512(a2, a3));
  if (_mm512_movepi8_mask(all) == 0) [[likely]] return 1;
  return ValidUtf8Generic(p, n);
}
[[gnu::target("avx2,tune=haswell")]] uint32_t ValidUtf8Avx2(const uint8_t* p, size_t n) {
  if (n < 32) return ValidUtf8Generic(p, n);
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 256 <= n; i += 256) {
    const __m256i* v = reinterpret_cast<const __m256i*>(p + i);
    a0 = _mm256_or_si256(a0, _mm256_or_si256(_mm256_loadu_si256(v), _mm256_loadu_si256(v + 4)));
    a1 = _mm256_or_si256(a1, _mm256_or_si256(_mm256_loadu_si256(v + 1), _mm256_loadu_si256(v + 5)));
    a2 = _mm256_or_si256(a2, _mm256_or_si256(_mm256_loadu_si256(v + 2), _mm256_loadu_si256(v + 6)));
    a3 = _mm256_or_si256(a3, _mm256_or_si256(_mm256_loadu_si256(v + 3), _mm256_loadu_si256(v + 7)));
  }
  for (; i + 32 <= n; i += 32) a0 = _mm256_or_si256(a0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
  if (i < n) a1 = _mm256_or_si256(a1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + n - 32)));
  const __m256i all = _mm256_or_si256(_mm256_or_si256(a0, a1), _mm256_or_si256(a2, a3));
  if (_mm256_movemask_epi8(all) == 0) [[likely]] return 1;
  return ValidUtf8Generic(p, n);
}

Utf8Checker PickUtf8Checker() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512bw")) return &ValidUtf8Avx512;
  if (__builtin_cpu_supports("avx2")) return &ValidUtf8Avx2;
  return &ValidUtf8Generic;
}
#endif

// Length of the all-ASCII prefix of [p, p+n): the common case of every transcoding, done 16
// bytes at a time (128 with AVX2).
inline size_t AsciiPrefix(const uint8_t* p, size_t n) {
  size_t i = 0;
#if defined(__x86_64__)
  if (n >= 128 && HasAvx2()) i = AsciiPrefixAvx2(p, n);
#endif
#if defined(__SSE2__)
  for (; i + 64 <= n; i += 64) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16));
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 32));
    __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 48));
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) != 0) break;
  }
  for (; i + 16 <= n; i += 16)
    if (_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i))) != 0) break;
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ull) break;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

// Widens n ASCII/Latin-1 bytes to UTF-16LE code units.
inline void Widen(const uint8_t* p, size_t n, uint8_t* d) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 2 * i), _mm_unpacklo_epi8(x, zero));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 2 * i + 16), _mm_unpackhi_epi8(x, zero));
  }
#endif
  for (; i < n; ++i) {
    d[2 * i] = p[i];
    d[2 * i + 1] = 0;
  }
}

// Decodes one code point of a valid string in `form` at p, advancing p.
inline uint32_t NextCodePoint(const uint8_t*& p, StringForm form) {
  switch (form) {
    case StringForm::kUtf8: {
      uint32_t c = *p++;
      if (c < 0x80) return c;
      if (c < 0xE0) return ((c & 0x1F) << 6) | (*p++ & 0x3F);
      if (c < 0xF0) {
        uint32_t r = ((c & 0x0F) << 12) | ((p[0] & 0x3F) << 6) | (p[1] & 0x3F);
        p += 2;
        return r;
      }
      uint32_t r = ((c & 0x07) << 18) | ((p[0] & 0x3F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      p += 3;
      return r;
    }
    case StringForm::kUtf16:
    case StringForm::kCompactUtf16: {
      uint32_t u = p[0] | (p[1] << 8);
      p += 2;
      if (u < 0xD800 || u > 0xDBFF) return u;
      uint32_t l = p[0] | (p[1] << 8);
      p += 2;
      return 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
    }
    case StringForm::kCompactLatin1:
      return *p++;
  }
  return 0;
}

inline uint8_t* PutUtf8(uint8_t* d, uint32_t c) {
  if (c < 0x80) {
    *d++ = static_cast<uint8_t>(c);
  } else if (c < 0x800) {
    *d++ = static_cast<uint8_t>(0xC0 | (c >> 6));
    *d++ = static_cast<uint8_t>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *d++ = static_cast<uint8_t>(0xE0 | (c >> 12));
    *d++ = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
    *d++ = static_cast<uint8_t>(0x80 | (c & 0x3F));
  } else {
    *d++ = static_cast<uint8_t>(0xF0 | (c >> 18));
    *d++ = static_cast<uint8_t>(0x80 | ((c >> 12) & 0x3F));
    *d++ = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
    *d++ = static_cast<uint8_t>(0x80 | (c & 0x3F));
  }
  return d;
}

inline uint8_t* PutUtf16(uint8_t* d, uint32_t c) {
  if (c < 0x10000) {
    d[0] = static_cast<uint8_t>(c);
    d[1] = static_cast<uint8_t>(c >> 8);
    return d + 2;
  }
  c -= 0x10000;
  uint32_t hi = 0xD800 + (c >> 10), lo = 0xDC00 + (c & 0x3FF);
  d[0] = static_cast<uint8_t>(hi);
  d[1] = static_cast<uint8_t>(hi >> 8);
  d[2] = static_cast<uint8_t>(lo);
  d[3] = static_cast<uint8_t>(lo >> 8);
  return d + 4;
}

// Length of the string's code points from p to end once encoded as UTF-8 / UTF-16 bytes.
uint64_t Utf8Bytes(const uint8_t* p, const uint8_t* end, StringForm form) {
  if (form == StringForm::kUtf8) return end - p;
  uint64_t n = 0;
  while (p < end) {
    uint32_t c = NextCodePoint(p, form);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
uint64_t Utf16Bytes(const uint8_t* p, const uint8_t* end, StringForm form) {
  if (form == StringForm::kUtf16 || form == StringForm::kCompactUtf16) return end - p;
  if (form == StringForm::kCompactLatin1) return 2 * uint64_t(end - p);
  uint64_t n = 0;
  while (p < end) {
    size_t ascii = AsciiPrefix(p, end - p);
    n += 2 * ascii;
    p += ascii;
    if (p < end) n += NextCodePoint(p, form) < 0x10000 ? 2 : 4;
  }
  return n;
}

// Encodes code points [p, end) into d.
void EncodeUtf8(const uint8_t* p, const uint8_t* end, StringForm form, uint8_t* d) {
  if (form == StringForm::kUtf8) {
    std::memcpy(d, p, end - p);
    return;
  }
  while (p < end) d = PutUtf8(d, NextCodePoint(p, form));
}
void EncodeUtf16(const uint8_t* p, const uint8_t* end, StringForm form, uint8_t* d) {
  if (form == StringForm::kUtf16 || form == StringForm::kCompactUtf16) {
    std::memcpy(d, p, end - p);
    return;
  }
  if (form == StringForm::kCompactLatin1) {
    Widen(p, end - p, d);
    return;
  }
  while (p < end) {
    size_t ascii = AsciiPrefix(p, end - p);
    Widen(p, ascii, d);
    p += ascii;
    d += 2 * ascii;
    if (p < end) d = PutUtf16(d, NextCodePoint(p, form));
  }
}

bool Aligned(uint32_t ptr, uint32_t align) { return (ptr & (align - 1)) == 0; }

Status CheckRange(const Side& s, uint32_t ptr, uint64_t len, uint32_t align) {
  if (!Aligned(ptr, align)) return Trap(s.ReallocUnalignedText());
  if (!s.InBounds(ptr, len)) return Trap(s.StringReallocOutOfBoundsText());
  return Ok();
}

using PtrLen = std::pair<uint32_t, uint32_t>;

// store_string_copy: same code points, the destination's code unit size.
Result<PtrLen> StoreCopy(Side& s, const StringSrc& src, uint32_t unit_size, uint32_t align,
                         bool to_utf16) {
  uint32_t len = unit_size * src.code_units;
  NW_TRY_ASSIGN(uint32_t ptr, s.Allocate(align, len));
  NW_TRY(CheckRange(s, ptr, len, align));
  const uint8_t* p = src.data();
  if (to_utf16) EncodeUtf16(p, p + src.byte_length(), src.form, s.mem.data + ptr);
  else std::memcpy(s.mem.data + ptr, p, len);
  return PtrLen{ptr, src.code_units};
}

// store_string_to_utf8 (from utf16 or latin1): optimistic ASCII, then grow to the worst case.
Result<PtrLen> StoreToUtf8(Side& s, const StringSrc& src, uint32_t worst) {
  uint32_t units = src.code_units;
  NW_TRY_ASSIGN(uint32_t ptr, s.Allocate(1, units));
  if (!s.InBounds(ptr, units)) return Trap(s.StringReallocOutOfBoundsText());
  const uint8_t* p = src.data();
  const uint8_t* end = p + src.byte_length();
  for (uint32_t i = 0; p < end; ++i) {
    const uint8_t* at = p;
    uint32_t c = NextCodePoint(p, src.form);
    if (c < 0x80) {
      s.mem.data[ptr + i] = static_cast<uint8_t>(c);
      continue;
    }
    uint64_t rest = Utf8Bytes(at, end, src.form);
    uint32_t total = static_cast<uint32_t>(i + rest);
    NW_TRY_ASSIGN(ptr, s.Realloc(ptr, units, 1, worst));
    if (!s.InBounds(ptr, worst)) return Trap(s.StringReallocOutOfBoundsText());
    at = src.data() + (at - (end - src.byte_length()));  // the source may have moved
    EncodeUtf8(at, src.data() + src.byte_length(), src.form, s.mem.data + ptr + i);
    if (worst > total) {
      NW_TRY_ASSIGN(ptr, s.Realloc(ptr, worst, 1, total));
      if (!s.InBounds(ptr, total)) return Trap(s.StringReallocOutOfBoundsText());
    }
    return PtrLen{ptr, total};
  }
  return PtrLen{ptr, units};
}

// store_utf8_to_utf16.
Result<PtrLen> StoreUtf8ToUtf16(Side& s, const StringSrc& src) {
  uint32_t worst = 2 * src.code_units;
  NW_TRY_ASSIGN(uint32_t ptr, s.Allocate(2, worst));
  NW_TRY(CheckRange(s, ptr, worst, 2));
  const uint8_t* p = src.data();
  uint32_t len = static_cast<uint32_t>(Utf16Bytes(p, p + src.code_units, src.form));
  EncodeUtf16(p, p + src.code_units, src.form, s.mem.data + ptr);
  if (len < worst) {
    NW_TRY_ASSIGN(ptr, s.Realloc(ptr, worst, 2, len));
    NW_TRY(CheckRange(s, ptr, len, 2));
  }
  return PtrLen{ptr, len / 2};
}

// store_string_to_latin1_or_utf16 (from utf8 or plain utf16).
Result<PtrLen> StoreToLatin1OrUtf16(Side& s, const StringSrc& src) {
  uint32_t units = src.code_units;
  NW_TRY_ASSIGN(uint32_t ptr, s.Allocate(2, units));
  NW_TRY(CheckRange(s, ptr, units, 2));
  const uint32_t src_bytes = src.byte_length();
  uint32_t dst_len = 0;
  for (uint32_t off = 0; off < src_bytes;) {
    if (src.form == StringForm::kUtf8) {  // ASCII runs are copied as they are
      size_t ascii = AsciiPrefix(src.data() + off, src_bytes - off);
      std::memcpy(s.mem.data + ptr + dst_len, src.data() + off, ascii);
      off += static_cast<uint32_t>(ascii);
      dst_len += static_cast<uint32_t>(ascii);
      if (off == src_bytes) break;
    }
    const uint8_t* p = src.data() + off;
    const uint8_t* at = p;
    uint32_t c = NextCodePoint(p, src.form);
    if (c < 0x100) {
      s.mem.data[ptr + dst_len++] = static_cast<uint8_t>(c);
      off = static_cast<uint32_t>(off + (p - at));
      continue;
    }
    uint32_t worst = 2 * units;
    NW_TRY_ASSIGN(ptr, s.Realloc(ptr, units, 2, worst));
    NW_TRY(CheckRange(s, ptr, worst, 2));
    uint8_t* m = s.mem.data + ptr;
    for (uint32_t j = dst_len; j-- > 0;) {
      m[2 * j] = m[j];
      m[2 * j + 1] = 0;
    }
    const uint8_t* rest = src.data() + off;
    const uint8_t* end = src.data() + src_bytes;
    uint32_t len = static_cast<uint32_t>(2 * dst_len + Utf16Bytes(rest, end, src.form));
    EncodeUtf16(rest, end, src.form, m + 2 * dst_len);
    if (worst > len) {
      NW_TRY_ASSIGN(ptr, s.Realloc(ptr, worst, 2, len));
      NW_TRY(CheckRange(s, ptr, len, 2));
    }
    return PtrLen{ptr, (len / 2) | kUtf16Tag};
  }
  if (dst_len < units) {
    NW_TRY_ASSIGN(ptr, s.Realloc(ptr, units, 2, dst_len));
    NW_TRY(CheckRange(s, ptr, dst_len, 2));
  }
  return PtrLen{ptr, dst_len};
}

// store_probably_utf16_to_latin1_or_utf16 (from the utf16 half of latin1+utf16).
Result<PtrLen> StoreProbablyUtf16(Side& s, const StringSrc& src) {
  uint32_t units = src.code_units;
  uint32_t bytes = 2 * units;
  NW_TRY_ASSIGN(uint32_t ptr, s.Allocate(2, bytes));
  NW_TRY(CheckRange(s, ptr, bytes, 2));
  uint8_t* m = s.mem.data + ptr;
  std::memcpy(m, src.data(), bytes);
  for (uint32_t i = 0; i < units; ++i)
    if (m[2 * i + 1] != 0) return PtrLen{ptr, units | kUtf16Tag};
  for (uint32_t i = 0; i < units; ++i) m[i] = m[2 * i];
  NW_TRY_ASSIGN(ptr, s.Realloc(ptr, bytes, 1, units));
  if (!s.InBounds(ptr, units)) return Trap(s.StringReallocOutOfBoundsText());
  return PtrLen{ptr, units};
}

}  // namespace

Result<uint32_t> Side::Realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align,
                               uint32_t new_size) {
  const CanonOptions* o = opts;
  if (!o || !o->realloc) [[unlikely]]
    return Trap("a value needs memory but there is no realloc option");
  ComponentInstanceState* i = inst;
  if (i) i->set_may_leave(false);
  Result<uint32_t> r = o->realloc(o->ctx, old_ptr, old_size, align, new_size);
  if (i) i->set_may_leave(true);
  Refresh();
  if (peer) peer->Refresh();
  return r;
}

namespace {



// Well-formed sequences of Unicode Table 3-7 (no overlongs, surrogates or > U+10FFFF).
// kIncomplete: the bytes end inside a sequence that was well-formed so far.
Utf8Status CheckUtf8(const uint8_t* p, const uint8_t* end) {
  while (p < end) {
    p += AsciiPrefix(p, end - p);
    if (p == end) break;
    uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return Utf8Status::kInvalid;
    }
    size_t have = std::min(len, static_cast<size_t>(end - p));
    if (have > 1 && (p[1] < lo || p[1] > hi)) return Utf8Status::kInvalid;
    for (size_t i = 2; i < have; ++i)
      if ((p[i] & 0xC0) != 0x80) return Utf8Status::kInvalid;
    if (have < len) return Utf8Status::kIncomplete;
    p += len;
  }
  return Utf8Status::kOk;
}

}  // namespace

Utf8Checker SelectUtf8Checker() {
#if defined(__x86_64__)
  return PickUtf8Checker();
#else
  return &ValidUtf8Generic;
#endif
}

const Utf8Checker kUtf8Checker = SelectUtf8Checker();

std::unexpected<Error> InvalidUtf8Trap(const uint8_t* p, size_t n) {
  return Trap(Utf8CutOff(p, n) ? "incomplete utf-8 byte sequence" : "invalid utf-8 byte sequence");
}

bool Utf8CutOff(const uint8_t* p, size_t n) { return CheckUtf8(p, p + n) == Utf8Status::kIncomplete; }

bool ValidUtf16(const uint8_t* p, size_t units) {
  for (size_t i = 0; i < units; ++i) {
    uint32_t u = p[2 * i] | (p[2 * i + 1] << 8);
    if (u < 0xD800 || u > 0xDFFF) continue;
    if (u > 0xDBFF || i + 1 == units) return false;
    uint32_t l = p[2 * i + 2] | (p[2 * i + 3] << 8);
    if (l < 0xDC00 || l > 0xDFFF) return false;
    ++i;
  }
  return true;
}

void AppendUtf8(const StringSrc& src, std::string& out) {
  const uint8_t* p = src.data();
  const uint8_t* end = p + src.byte_length();
  size_t at = out.size();
  out.resize(at + Utf8Bytes(p, end, src.form));
  EncodeUtf8(p, end, src.form, reinterpret_cast<uint8_t*>(out.data() + at));
}

StringSrc HostStringSrc(const ComponentValue& v) {
  StringSrc s;
  s.host = reinterpret_cast<const uint8_t*>(v.string_bytes().data());
  s.form = v.string_form();
  uint32_t n = static_cast<uint32_t>(v.string_bytes().size());
  s.code_units = (s.form == StringForm::kUtf16 || s.form == StringForm::kCompactUtf16) ? n / 2 : n;
  return s;
}

Result<StringSrc> LoadStringFromRange(const Side& side, uint32_t ptr, uint32_t tagged) {
  StringEncoding enc = side.opts ? side.opts->string_encoding : StringEncoding::kUtf8;
  StringSrc s;
  uint32_t align = 1;
  uint64_t byte_length;
  switch (enc) {
    case StringEncoding::kUtf8:
      byte_length = tagged;
      s.form = StringForm::kUtf8;
      break;
    case StringEncoding::kUtf16:
      align = 2;
      byte_length = 2 * uint64_t{tagged};
      s.form = StringForm::kUtf16;
      break;
    case StringEncoding::kLatin1Utf16:
    default:
      align = 2;
      if (tagged & kUtf16Tag) {
        byte_length = 2 * uint64_t{tagged ^ kUtf16Tag};
        s.form = StringForm::kCompactUtf16;
      } else {
        byte_length = tagged;
        s.form = StringForm::kCompactLatin1;
      }
      break;
  }
  if (byte_length > kMaxStringByteLength) return Trap("string longer than 2^28-1 bytes");
  if (!Aligned(ptr, align)) return Trap(kTrapUnalignedPointer);
  if (!side.InBounds(ptr, byte_length)) return Trap(side.StringOutOfBoundsText());
  const uint8_t* p = side.mem.data + ptr;
  bool two = s.form == StringForm::kUtf16 || s.form == StringForm::kCompactUtf16;
  s.code_units = static_cast<uint32_t>(two ? byte_length / 2 : byte_length);
  if (s.form == StringForm::kUtf8 && !ValidUtf8(p, byte_length)) return InvalidUtf8Trap(p, byte_length);
  if (two && !ValidUtf16(p, s.code_units)) return Trap(kTrapInvalidUtf16);
  s.owner = &side;
  s.offset = ptr;
  return s;
}

Result<std::pair<uint32_t, uint32_t>> StoreStringIntoRange(Side& side, StringSrc src) {
  StringEncoding enc = side.opts ? side.opts->string_encoding : StringEncoding::kUtf8;
  switch (enc) {
    case StringEncoding::kUtf8:
      switch (src.form) {
        case StringForm::kUtf8: return StoreCopy(side, src, 1, 1, false);
        case StringForm::kUtf16:
        case StringForm::kCompactUtf16: return StoreToUtf8(side, src, src.code_units * 3);
        case StringForm::kCompactLatin1: return StoreToUtf8(side, src, src.code_units * 2);
      }
      break;
    case StringEncoding::kUtf16:
      switch (src.form) {
        case StringForm::kUtf8: return StoreUtf8ToUtf16(side, src);
        case StringForm::kUtf16:
        case StringForm::kCompactUtf16:
        case StringForm::kCompactLatin1: return StoreCopy(side, src, 2, 2, true);
      }
      break;
    case StringEncoding::kLatin1Utf16:
      switch (src.form) {
        case StringForm::kUtf8:
        case StringForm::kUtf16: return StoreToLatin1OrUtf16(side, src);
        case StringForm::kCompactLatin1: return StoreCopy(side, src, 1, 2, false);
        case StringForm::kCompactUtf16: return StoreProbablyUtf16(side, src);
      }
      break;
  }
  return Trap("unknown string encoding");
}

}  // namespace nw::component
