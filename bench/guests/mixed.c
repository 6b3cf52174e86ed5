/* A mixed integer workload in the spirit of embedded-CPU benchmarks (our own code, not
 * CoreMark's): each iteration runs
 *   - list processing: a linked list over an index pool, searched, reversed and merge-sorted;
 *   - a state machine that classifies tokens of a generated text (integers, hex, decimals,
 *     exponents, junk) one character at a time through a switch;
 *   - small integer matrix work: A*B on 16-bit values, then bit-field extraction;
 * and folds every result into a CRC-16/CCITT, so pointer chasing, unpredictable branches,
 * a jump table and short arithmetic loops all count. run(n): n iterations; checksum = CRC
 * chain plus per-part totals. */
#include "guest.h"

/* ---- CRC-16/CCITT (bitwise, no table: the loop is part of the work) ---------------------- */

static uint16_t Crc16Byte(uint16_t crc, uint8_t b) {
  crc ^= (uint16_t)(b << 8);
  for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
  return crc;
}
static uint16_t Crc16Word(uint16_t crc, uint32_t w) {
  for (int i = 0; i < 4; ++i) crc = Crc16Byte(crc, (uint8_t)(w >> (8 * i)));
  return crc;
}

static uint32_t Lcg(uint32_t* s) {
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

/* ---- list -------------------------------------------------------------------------------- */

enum { kListLen = 400, kNil = -1 };
typedef struct {
  int32_t next;
  int32_t value;
  int32_t tag;
} Node;
static Node pool[kListLen];

static int32_t ListBuild(uint32_t* seed) {
  int32_t head = kNil;
  for (int i = 0; i < kListLen; ++i) {
    pool[i].value = (int32_t)(Lcg(seed) & 0xFFFF) - 0x8000;
    pool[i].tag = i;
    pool[i].next = head;
    head = i;
  }
  return head;
}

static int32_t ListReverse(int32_t head) {
  int32_t prev = kNil;
  while (head != kNil) {
    int32_t next = pool[head].next;
    pool[head].next = prev;
    prev = head;
    head = next;
  }
  return prev;
}

static int32_t ListFind(int32_t head, int32_t value_mod) {
  int32_t steps = 0;
  for (; head != kNil; head = pool[head].next, ++steps)
    if ((pool[head].value & 0xFF) == value_mod) return steps;
  return -1;
}

/* Bottom-up merge sort of the list by (value, tag); stable and with no recursion. */
static int32_t ListSort(int32_t head) {
  for (int width = 1;; width *= 2) {
    int32_t p = head, tail = kNil, merges = 0;
    head = kNil;
    while (p != kNil) {
      ++merges;
      int32_t q = p, psize = 0;
      for (int i = 0; i < width && q != kNil; ++i, q = pool[q].next) ++psize;
      int32_t qsize = width;
      while (psize > 0 || (qsize > 0 && q != kNil)) {
        int32_t e;
        if (psize == 0) {
          e = q, q = pool[q].next, --qsize;
        } else if (qsize == 0 || q == kNil || pool[p].value <= pool[q].value) {
          e = p, p = pool[p].next, --psize;
        } else {
          e = q, q = pool[q].next, --qsize;
        }
        if (tail != kNil) pool[tail].next = e;
        else head = e;
        tail = e;
      }
      p = q;
    }
    pool[tail].next = kNil;
    if (merges <= 1) return head;
  }
}

static uint16_t ListWork(uint32_t seed, uint16_t crc) {
  int32_t head = ListBuild(&seed);
  for (int i = 0; i < 16; ++i) crc = Crc16Word(crc, (uint32_t)ListFind(head, (int32_t)(i * 37 & 0xFF)));
  head = ListReverse(head);
  head = ListSort(head);
  int32_t prev = -0x10000;
  uint32_t folded = 0;
  for (int32_t p = head; p != kNil; p = pool[p].next) {
    if (pool[p].value < prev) return 0xDEAD;  /* not sorted: make the checksum visibly wrong */
    prev = pool[p].value;
    folded = folded * 31u + (uint32_t)pool[p].tag;
  }
  return Crc16Word(crc, folded);
}

/* ---- state machine ----------------------------------------------------------------------- */

enum { kTextLen = 2048 };
static char text[kTextLen];

enum State { kStart, kSign, kInt, kZero, kHex, kPoint, kFrac, kExp, kExpSign, kExpDigits, kJunk, kNumStates };

static void TextBuild(uint32_t seed) {
  static const char kAlphabet[] = "0123456789+-.eExX,abc 0x1f,3.25e-2,-17,";
  for (int i = 0; i < kTextLen; ++i) text[i] = kAlphabet[Lcg(&seed) % (sizeof kAlphabet - 1)];
  text[kTextLen - 1] = ',';
}

static int IsDigit(char c) { return c >= '0' && c <= '9'; }
static int IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static uint16_t StateWork(uint32_t seed, uint16_t crc) {
  TextBuild(seed);
  uint32_t finals[kNumStates] = {0};
  uint32_t transitions = 0;
  enum State s = kStart;
  for (int i = 0; i < kTextLen; ++i) {
    char c = text[i];
    if (c == ',' || c == ' ') {
      ++finals[s];
      s = kStart;
      continue;
    }
    enum State before = s;
    switch (s) {
      case kStart: s = c == '+' || c == '-' ? kSign : c == '0' ? kZero : IsDigit(c) ? kInt : c == '.' ? kPoint : kJunk; break;
      case kSign: s = c == '0' ? kZero : IsDigit(c) ? kInt : c == '.' ? kPoint : kJunk; break;
      case kZero: s = c == 'x' || c == 'X' ? kHex : IsDigit(c) ? kInt : c == '.' ? kPoint : c == 'e' || c == 'E' ? kExp : kJunk; break;
      case kInt: s = IsDigit(c) ? kInt : c == '.' ? kPoint : c == 'e' || c == 'E' ? kExp : kJunk; break;
      case kHex: s = IsHex(c) ? kHex : kJunk; break;
      case kPoint: s = IsDigit(c) ? kFrac : kJunk; break;
      case kFrac: s = IsDigit(c) ? kFrac : c == 'e' || c == 'E' ? kExp : kJunk; break;
      case kExp: s = c == '+' || c == '-' ? kExpSign : IsDigit(c) ? kExpDigits : kJunk; break;
      case kExpSign: s = IsDigit(c) ? kExpDigits : kJunk; break;
      case kExpDigits: s = IsDigit(c) ? kExpDigits : kJunk; break;
      case kJunk: case kNumStates: s = kJunk; break;
    }
    transitions += s != before;
  }
  for (int i = 0; i < kNumStates; ++i) crc = Crc16Word(crc, finals[i]);
  return Crc16Word(crc, transitions);
}

/* ---- matrix ------------------------------------------------------------------------------ */

enum { kDim = 24 };
static int16_t ma[kDim * kDim], mb[kDim * kDim];
static int32_t mc[kDim * kDim];

static uint16_t MatrixWork(uint32_t seed, uint16_t crc) {
  for (int i = 0; i < kDim * kDim; ++i) {
    ma[i] = (int16_t)(Lcg(&seed) & 0x3FF) - 0x200;
    mb[i] = (int16_t)(Lcg(&seed) & 0x3FF) - 0x200;
  }
  for (int i = 0; i < kDim; ++i)
    for (int j = 0; j < kDim; ++j) {
      int32_t acc = 0;
      for (int k = 0; k < kDim; ++k) acc += (int32_t)ma[i * kDim + k] * mb[k * kDim + j];
      mc[i * kDim + j] = acc;
    }
  uint32_t bits = 0;
  for (int i = 0; i < kDim * kDim; ++i) bits += ((uint32_t)mc[i] >> 3 & 0x7F) * (uint32_t)((mc[i] >> 11) & 0xF);
  return Crc16Word(crc, bits);
}

long long run(int n) {
  uint16_t crc = 0xFFFF;
  uint32_t seed = 0x1234;
  for (int it = 0; it < n; ++it) {
    crc = ListWork(seed, crc);
    crc = StateWork(seed ^ crc, crc);
    crc = MatrixWork(seed + crc, crc);
    seed = seed * 69069u + crc;
  }
  return (long long)(((uint64_t)seed << 16) | crc);
}
