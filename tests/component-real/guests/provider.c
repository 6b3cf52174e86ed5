// The `provider` world of wit/compose.wit in C, canonical ABI by hand (as guests/values.c):
// tokens() returns a list of variants whose payloads are strings (pointing into memory this
// component allocated) and s64s; `buffer` is a resource whose handles the consumer holds.
#include <stddef.h>
#include <stdint.h>

#define IFACE "nanowasm:compose/text@0.1.0"
#define EXPORT(name) __attribute__((export_name(IFACE "#" name)))

static _Alignas(16) uint8_t heap[1 << 18];
static size_t heap_top;

__attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* old, size_t old_size,
                                                                size_t align, size_t new_size) {
  size_t at = (heap_top + align - 1) & ~(align - 1);
  if (at + new_size > sizeof heap) __builtin_trap();
  heap_top = at + new_size;
  if (old && old_size) __builtin_memcpy(heap + at, old, old_size < new_size ? old_size : new_size);
  return heap + at;
}

static uint32_t ret_area[2];
static uint32_t* Return2(uint32_t a, uint32_t b) {
  ret_area[0] = a;
  ret_area[1] = b;
  return ret_area;
}

// variant token { word(string), number(s64), space }: 16 bytes, case byte at 0, payload at 8.
typedef struct {
  uint8_t which;
  uint8_t pad[7];
  union {
    struct { uint32_t ptr, len; } word;
    int64_t number;
  } u;
} token_t;
_Static_assert(sizeof(token_t) == 16, "token layout");

static int IsDigit(char c) { return c >= '0' && c <= '9'; }

EXPORT("tokens") uint32_t* tokens(const char* s, size_t n) {
  token_t* out = cabi_realloc(NULL, 0, 8, n * sizeof(token_t));  // at most one token a byte
  size_t count = 0;
  for (size_t i = 0; i < n;) {
    token_t* t = &out[count++];
    if (s[i] == ' ') {
      t->which = 2;
      ++i;
    } else if (IsDigit(s[i]) || (s[i] == '-' && i + 1 < n && IsDigit(s[i + 1]))) {
      int neg = s[i] == '-';
      int64_t v = 0;
      for (i += (size_t)neg; i < n && IsDigit(s[i]); ++i) v = v * 10 + (s[i] - '0');
      t->which = 1;
      t->u.number = neg ? -v : v;
    } else {
      size_t start = i;
      while (i < n && s[i] != ' ') ++i;
      t->which = 0;
      t->u.word.ptr = (uint32_t)(uintptr_t)(s + start);  // the argument's copy is ours to keep
      t->u.word.len = (uint32_t)(i - start);
    }
  }
  return Return2((uint32_t)(uintptr_t)out, (uint32_t)count);
}

EXPORT("upper") uint32_t* upper(const char* s, size_t n) {
  char* out = cabi_realloc(NULL, 0, 1, n);
  for (size_t i = 0; i < n; ++i) out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
  return Return2((uint32_t)(uintptr_t)out, (uint32_t)n);
}

// ---- resource buffer: reps index a fixed table (0 is never a rep) ----
__attribute__((import_module("[export]" IFACE), import_name("[resource-new]buffer")))
int32_t buffer_new(int32_t rep);

typedef struct {
  char* data;
  uint32_t len, words;
  int live;
} buffer_t;
static buffer_t buffers[32];
static int32_t next_rep = 1;

EXPORT("[constructor]buffer") int32_t buffer_constructor(void) {
  if (next_rep >= 32) __builtin_trap();
  int32_t rep = next_rep++;
  buffers[rep] = (buffer_t){NULL, 0, 0, 1};
  return buffer_new(rep);
}
EXPORT("[method]buffer.push") void buffer_push(int32_t rep, const char* s, size_t n) {
  buffer_t* b = &buffers[rep];
  size_t sep = b->len ? 1 : 0;
  b->data = cabi_realloc(b->data, b->len, 1, b->len + sep + n);
  if (sep) b->data[b->len] = '+';
  __builtin_memcpy(b->data + b->len + sep, s, n);
  b->len += (uint32_t)(sep + n);
  b->words += 1;
}
EXPORT("[method]buffer.stats") uint32_t* buffer_stats(int32_t rep) {
  return Return2(buffers[rep].words, buffers[rep].len);
}
EXPORT("[method]buffer.contents") uint32_t* buffer_contents(int32_t rep) {
  return Return2((uint32_t)(uintptr_t)buffers[rep].data, buffers[rep].len);
}
EXPORT("[dtor]buffer") void buffer_dtor(int32_t rep) {
  if (!buffers[rep].live) __builtin_trap();  // never destroyed twice
  buffers[rep].live = 0;
}
