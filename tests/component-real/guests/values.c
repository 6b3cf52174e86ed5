// A component guest written against wit/values.wit with the canonical ABI by hand (no
// bindings generator): strings, records, a variant, an enum option, lists and a resource
// cross the boundary in both directions. Built -nostdlib for wasm32 so the component imports
// nothing but the world's own `host` interface (no WASI), then `jco embed` + `jco new`.
// Names follow wit-component's legacy mangling ("iface#func", "[export]iface", cabi_realloc).
#include <stddef.h>
#include <stdint.h>

#define HOST_IFACE "nanowasm:values/host@0.1.0"
#define API_IFACE "nanowasm:values/api@0.1.0"
#define EXPORT(name) __attribute__((export_name(API_IFACE "#" name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

// ---- memory: a bump allocator over a static heap (nothing is ever freed; calls are few) ----
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

typedef struct { const char* ptr; size_t len; } str_t;
typedef struct { int32_t x, y; } point_t;

static str_t Concat3(str_t a, str_t b, str_t c) {
  char* out = cabi_realloc(NULL, 0, 1, a.len + b.len + c.len);
  __builtin_memcpy(out, a.ptr, a.len);
  __builtin_memcpy(out + a.len, b.ptr, b.len);
  __builtin_memcpy(out + a.len + b.len, c.ptr, c.len);
  return (str_t){out, a.len + b.len + c.len};
}
static str_t Lit(const char* s) { return (str_t){s, __builtin_strlen(s)}; }
static str_t Decimal(int64_t v) {
  char buf[24];
  int n = 0, neg = v < 0;
  uint64_t u = neg ? -(uint64_t)v : (uint64_t)v;
  do { buf[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  char* out = cabi_realloc(NULL, 0, 1, (size_t)n + neg);
  int k = 0;
  if (neg) out[k++] = '-';
  while (n) out[k++] = buf[--n];
  return (str_t){out, (size_t)k};
}

// A string result: the export returns a pointer to (ptr, len) in its return area.
static uint32_t ret_area[4];
static uint32_t* ReturnString(str_t s) {
  ret_area[0] = (uint32_t)(uintptr_t)s.ptr;
  ret_area[1] = (uint32_t)s.len;
  return ret_area;
}

// ---- imports: the host interface ----
IMPORT(HOST_IFACE, "log") void host_log(const char* ptr, size_t len);
IMPORT(HOST_IFACE, "offset") void host_offset(int32_t x, int32_t y, int32_t dx, point_t* ret);
IMPORT(HOST_IFACE, "words") void host_words(str_t* ret);  // ret: (list ptr, list len)

// ---- exports: the api interface ----
EXPORT("greet") uint32_t* greet(const char* ptr, size_t len) {
  str_t name = {ptr, len};
  str_t line = Concat3(Lit("greet called with "), name, Lit(""));
  host_log(line.ptr, line.len);
  return ReturnString(Concat3(Lit("Hello, "), name, Lit("!")));
}

EXPORT("sum") point_t* sum(const point_t* ps, size_t n) {
  static point_t total;
  total = (point_t){0, 0};
  for (size_t i = 0; i < n; ++i) {
    total.x += ps[i].x;
    total.y += ps[i].y;
  }
  return &total;
}

// variant shape { circle(u32), rect(point), empty }: flat (case, payload0, payload1).
EXPORT("describe") uint32_t* describe(int32_t which, int32_t a, int32_t b) {
  switch (which) {
    case 0: return ReturnString(Concat3(Lit("circle r="), Decimal((uint32_t)a), Lit("")));
    case 1: {
      str_t w = Decimal(a);
      return ReturnString(Concat3(Concat3(Lit("rect "), w, Lit("x")), Decimal(b), Lit("")));
    }
    default: return ReturnString(Lit("empty"));
  }
}

// option<color>: in memory, the option's case byte then the enum's byte.
EXPORT("classify") uint8_t* classify(int32_t n) {
  static uint8_t out[2];
  out[0] = n >= 0;
  out[1] = n >= 0 ? (uint8_t)(n % 3) : 0;
  return out;
}

EXPORT("joined") uint32_t* joined(const char* sep_ptr, size_t sep_len) {
  str_t list;
  host_words(&list);
  const str_t* words = (const str_t*)list.ptr;
  str_t acc = Lit("");
  for (size_t i = 0; i < list.len; ++i)
    acc = Concat3(acc, i ? (str_t){sep_ptr, sep_len} : Lit(""), words[i]);
  return ReturnString(acc);
}

EXPORT("moved") point_t* moved(int32_t x, int32_t y) {
  static point_t out;
  host_offset(x, y, 10, &out);
  return &out;
}

// ---- the counter resource: reps are indices into a fixed table (0 is never a rep) ----
IMPORT("[export]" API_IFACE, "[resource-new]counter") int32_t counter_new(int32_t rep);
static uint32_t counters[64];
static uint32_t live[64];
static int32_t next_rep = 1;

EXPORT("[constructor]counter") int32_t counter_constructor(uint32_t start) {
  if (next_rep >= 64) __builtin_trap();
  int32_t rep = next_rep++;
  counters[rep] = start;
  live[rep] = 1;
  return counter_new(rep);
}
EXPORT("[method]counter.add") uint32_t counter_add(int32_t rep, uint32_t n) {
  return counters[rep] += n;
}
EXPORT("[method]counter.label") uint32_t* counter_label(int32_t rep) {
  return ReturnString(Concat3(Lit("counter="), Decimal(counters[rep]), Lit("")));
}
EXPORT("total") uint32_t total(int32_t rep) { return counters[rep]; }
EXPORT("[dtor]counter") void counter_dtor(int32_t rep) {
  if (!live[rep]) __builtin_trap();  // the runtime must never run a destructor twice
  live[rep] = 0;
}
