/* A hash table workload: open addressing with linear probing over 64-bit keys (a
 * power-of-two table, tombstones for deletes, a multiply-xorshift hash), driven like a cache:
 * each round inserts a batch of keys, looks up a mix of present and absent keys, deletes a
 * part, and rebuilds when tombstones pile up. Probe loops, unpredictable branches, 64-bit
 * multiplies and scattered loads. run(n): n rounds; checksum over lookup results and final
 * table contents. */
#include "guest.h"

enum { kCapBits = 16, kCap = 1 << kCapBits, kBatch = 4096 };
static const uint64_t kEmpty = 0, kTomb = 1; /* keys are >= 2 */

typedef struct {
  uint64_t key;
  uint64_t value;
} Slot;

static Slot slots[kCap], scratch[kCap];
static uint32_t live, tombs;

static uint32_t Hash(uint64_t k) {
  k ^= k >> 33;
  k *= 0xFF51AFD7ED558CCDull;
  k ^= k >> 29;
  return (uint32_t)(k >> (64 - kCapBits));
}

static void Rebuild(void);

static void Insert(uint64_t key, uint64_t value) {
  uint32_t i = Hash(key), tomb_at = kCap;
  for (;;) {
    uint64_t k = slots[i].key;
    if (k == key) {
      slots[i].value = value;
      return;
    }
    if (k == kEmpty) break;
    if (k == kTomb && tomb_at == kCap) tomb_at = i;
    i = (i + 1) & (kCap - 1);
  }
  if (tomb_at != kCap) {
    i = tomb_at;
    --tombs;
  }
  slots[i].key = key;
  slots[i].value = value;
  ++live;
  if ((live + tombs) * 4 > kCap * 3) Rebuild();
}

static int Lookup(uint64_t key, uint64_t* value) {
  for (uint32_t i = Hash(key);; i = (i + 1) & (kCap - 1)) {
    uint64_t k = slots[i].key;
    if (k == key) {
      *value = slots[i].value;
      return 1;
    }
    if (k == kEmpty) return 0;
  }
}

static int Delete(uint64_t key) {
  for (uint32_t i = Hash(key);; i = (i + 1) & (kCap - 1)) {
    uint64_t k = slots[i].key;
    if (k == key) {
      slots[i].key = kTomb;
      --live;
      ++tombs;
      return 1;
    }
    if (k == kEmpty) return 0;
  }
}

/* Drops tombstones; if still too full, drops every other live entry (a cache eviction). */
static void Rebuild(void) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < kCap; ++i)
    if (slots[i].key > kTomb) scratch[n++] = slots[i];
  for (uint32_t i = 0; i < kCap; ++i) slots[i].key = kEmpty;
  uint32_t step = n * 2 > kCap ? 2 : 1;
  live = tombs = 0;
  for (uint32_t i = 0; i < n; i += step) {
    uint32_t j = Hash(scratch[i].key);
    while (slots[j].key != kEmpty) j = (j + 1) & (kCap - 1);
    slots[j] = scratch[i];
    ++live;
  }
}

static uint64_t Key(uint64_t x) { return (x * 0x9E3779B97F4A7C15ull) | 2; }

long long run(int n) {
  for (uint32_t i = 0; i < kCap; ++i) slots[i].key = kEmpty;
  live = tombs = 0;
  uint64_t h = 0, next = 1;
  for (int r = 0; r < n; ++r) {
    uint64_t first = next;
    for (int i = 0; i < kBatch; ++i, ++next) Insert(Key(next), next * 3);
    uint64_t found = 0, sum = 0;
    /* Lookups: recent keys (mostly present), old keys (maybe evicted), future keys (absent). */
    for (int i = 0; i < kBatch; ++i) {
      uint64_t v;
      uint64_t probe = (uint64_t)(i & 3) == 0 ? next + (uint64_t)i
                       : (i & 3) == 1           ? first / 2 + (uint64_t)i
                                                : first + (uint64_t)i;
      if (Lookup(Key(probe), &v)) {
        ++found;
        sum += v;
      }
    }
    uint64_t deleted = 0;
    for (int i = 0; i < kBatch; i += 3) deleted += (uint64_t)Delete(Key(first + (uint64_t)i));
    h = GuestMix(h, found ^ (sum << 8) ^ (deleted << 48) ^ ((uint64_t)live << 32));
  }
  for (uint32_t i = 0; i < kCap; ++i) h = GuestMix(h, slots[i].key ^ slots[i].value);
  return (long long)h;
}
