/* Hash loops over a generated buffer: byte-wise FNV-1a (64-bit) and a word-wise
 * multiply-rotate hash in the style of xxhash (our own constants and structure), i.e. byte
 * loads, 64-bit multiplies, xors and rotates. run(n): n rounds over a 64 KiB buffer, each
 * round seeded by the previous result so no round can be skipped. */
#include "guest.h"

enum { kBufBytes = 1 << 16 };
static unsigned char buf[kBufBytes];

static uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t Fnv1a(const unsigned char* p, int len, uint64_t h) {
  for (int i = 0; i < len; ++i) {
    h ^= p[i];
    h *= 0x100000001B3ull;
  }
  return h;
}

static uint64_t Load64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];  /* little-endian on every target */
  return v;
}

static uint64_t WordHash(const unsigned char* p, int len, uint64_t seed) {
  const uint64_t k1 = 0xC2B2AE3D27D4EB4Full, k2 = 0x165667B19E3779F9ull;
  uint64_t s0 = seed + k1, s1 = seed ^ k2, s2 = seed - k1, s3 = ~seed;
  for (int i = 0; i + 32 <= len; i += 32) {
    s0 = Rotl(s0 + Load64(p + i) * k2, 31) * k1;
    s1 = Rotl(s1 + Load64(p + i + 8) * k2, 31) * k1;
    s2 = Rotl(s2 + Load64(p + i + 16) * k2, 31) * k1;
    s3 = Rotl(s3 + Load64(p + i + 24) * k2, 31) * k1;
  }
  uint64_t h = Rotl(s0, 1) + Rotl(s1, 7) + Rotl(s2, 12) + Rotl(s3, 18);
  h ^= h >> 33;
  h *= k2;
  return h ^ (h >> 29);
}

long long run(int n) {
  uint64_t x = 0x2545F4914F6CDD1Dull;
  for (int i = 0; i < kBufBytes; ++i) {  /* xorshift64 fill */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buf[i] = (unsigned char)(x >> 24);
  }
  uint64_t h = 0xCBF29CE484222325ull;
  for (int r = 0; r < n; ++r) {
    h = Fnv1a(buf, kBufBytes, h);
    h = WordHash(buf, kBufBytes, h);
  }
  return (long long)h;
}
