/* A byte-oriented LZ77 block codec of our own (in the spirit of LZ4-class codecs, not any
 * codec's format): a hash table of recent 4-byte positions finds matches, tokens carry a
 * literal run and a match (length, 16-bit distance), lengths >= 15 continue in extra bytes.
 * Each round compresses a generated 128 KiB text-like buffer, decompresses it into a second
 * buffer, checks that the bytes round-trip, and mixes the compressed size and a hash of the
 * compressed stream into the checksum. Hash probing, unpredictable branches, byte loads and
 * stores and short copies: the kind of code zlib/lz4/zstd spend their time in.
 * run(n): n rounds, each over a buffer mutated from the last. */
#include "guest.h"

enum {
  kInBytes = 1 << 17,
  kOutCap = kInBytes + kInBytes / 8 + 64,
  kHashBits = 14,
  kMinMatch = 4,
  kMaxDist = 65535,
};

static uint8_t input[kInBytes], packed[kOutCap], unpacked[kInBytes];
static int32_t table[1 << kHashBits];

static uint32_t Read32(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint32_t HashOf(uint32_t v) { return (v * 2654435761u) >> (32 - kHashBits); }

static uint8_t* PutLength(uint8_t* op, uint32_t len) {
  while (len >= 255) {
    *op++ = 255;
    len -= 255;
  }
  *op++ = (uint8_t)len;
  return op;
}

/* Emits one token: literals [lit, lit + nlit) and then a match (mlen >= kMinMatch) at dist, or
 * no match when mlen == 0 (the last token). */
static uint8_t* Token(uint8_t* op, const uint8_t* lit, uint32_t nlit, uint32_t mlen,
                      uint32_t dist) {
  uint32_t ml = mlen ? mlen - kMinMatch : 0;
  *op++ = (uint8_t)((nlit < 15 ? nlit : 15) << 4 | (ml < 15 ? ml : 15));
  if (nlit >= 15) op = PutLength(op, nlit - 15);
  for (uint32_t i = 0; i < nlit; ++i) op[i] = lit[i];
  op += nlit;
  if (mlen) {
    *op++ = (uint8_t)dist;
    *op++ = (uint8_t)(dist >> 8);
    if (ml >= 15) op = PutLength(op, ml - 15);
  }
  return op;
}

static uint32_t Compress(const uint8_t* in, uint32_t len, uint8_t* out) {
  for (int i = 0; i < (1 << kHashBits); ++i) table[i] = -1;
  uint8_t* op = out;
  uint32_t anchor = 0, pos = 0;
  while (pos + kMinMatch <= len) {
    uint32_t v = Read32(in + pos);
    uint32_t h = HashOf(v);
    int32_t cand = table[h];
    table[h] = (int32_t)pos;
    if (cand >= 0 && pos - (uint32_t)cand <= kMaxDist && Read32(in + cand) == v) {
      uint32_t mlen = kMinMatch;
      while (pos + mlen < len && in[cand + mlen] == in[pos + mlen]) ++mlen;
      op = Token(op, in + anchor, pos - anchor, mlen, pos - (uint32_t)cand);
      /* Index a couple of positions inside the match so later matches can find them. */
      if (mlen > 8) table[HashOf(Read32(in + pos + mlen - 4))] = (int32_t)(pos + mlen - 4);
      pos += mlen;
      anchor = pos;
    } else {
      ++pos;
    }
  }
  op = Token(op, in + anchor, len - anchor, 0, 0);
  return (uint32_t)(op - out);
}

static uint32_t GetLength(const uint8_t** ip, uint32_t len) {
  if (len == 15) {
    uint8_t b;
    do {
      b = *(*ip)++;
      len += b;
    } while (b == 255);
  }
  return len;
}

/* Returns the decompressed size, or 0 on a malformed stream (never for our own output). */
static uint32_t Decompress(const uint8_t* in, uint32_t in_len, uint8_t* out, uint32_t cap) {
  const uint8_t* ip = in;
  const uint8_t* end = in + in_len;
  uint32_t o = 0;
  while (ip < end) {
    uint8_t tok = *ip++;
    uint32_t nlit = GetLength(&ip, tok >> 4);
    if (o + nlit > cap || ip + nlit > end) return 0;
    for (uint32_t i = 0; i < nlit; ++i) out[o + i] = ip[i];
    ip += nlit;
    o += nlit;
    if (ip >= end) break;
    uint32_t dist = (uint32_t)ip[0] | (uint32_t)ip[1] << 8;
    ip += 2;
    uint32_t mlen = GetLength(&ip, tok & 15) + kMinMatch;
    if (dist == 0 || dist > o || o + mlen > cap) return 0;
    /* Byte by byte: overlapping matches (dist < mlen) replicate, as the format requires. */
    for (uint32_t i = 0; i < mlen; ++i) out[o + i] = out[o - dist + i];
    o += mlen;
  }
  return o;
}

/* Text-like input: words from a small vocabulary with varying separators and numbers, so
 * there are both long repeats and literal runs. */
static void Generate(uint32_t seed) {
  static const char* const kWords[] = {
      "the ", "runtime ", "compiles ", "each ", "function ", "into ", "machine ", "code ",
      "while ", "memory ", "stays ", "isolated ", "behind ", "guard ", "pages ", "and ",
      "traps ", "are ", "values ", "module ", "instance ", "table ", "export ", "import "};
  uint32_t i = 0;
  while (i < kInBytes) {
    seed = seed * 1103515245u + 12345u;
    uint32_t r = seed >> 8;
    if ((r & 15) == 0) {
      /* A number: digits of r, a literal-heavy stretch. */
      uint32_t x = r >> 4;
      do {
        if (i < kInBytes) input[i++] = (uint8_t)('0' + x % 10);
        x /= 10;
      } while (x);
      if (i < kInBytes) input[i++] = (uint8_t)((r & 32) ? '\n' : ' ');
    } else {
      const char* w = kWords[(r >> 4) % 24];
      while (*w && i < kInBytes) input[i++] = (uint8_t)*w++;
    }
  }
}

long long run(int n) {
  uint64_t h = 0;
  Generate(2024);
  for (int r = 0; r < n; ++r) {
    uint32_t clen = Compress(input, kInBytes, packed);
    uint32_t dlen = Decompress(packed, clen, unpacked, kInBytes);
    uint64_t ok = dlen == kInBytes;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < kInBytes; i += 8) {
      uint64_t a = 0, b = 0;
      for (int k = 0; k < 8; ++k) {
        a = a << 8 | input[i + k];
        b = b << 8 | unpacked[i + k];
      }
      ok &= a == b;
      sum = sum * 31 + a;
    }
    uint64_t ph = 0;
    for (uint32_t i = 0; i < clen; ++i) ph = (ph ^ packed[i]) * 0x100000001B3ull;
    h = GuestMix(h, ((uint64_t)clen << 1 | ok) ^ sum);
    h = GuestMix(h, ph);
    /* Mutate a few bytes so the next round compresses different data. */
    for (int k = 0; k < 16; ++k) input[(uint32_t)(h >> (k * 3)) & (kInBytes - 1)] ^= (uint8_t)(k + 1);
  }
  return (long long)h;
}
