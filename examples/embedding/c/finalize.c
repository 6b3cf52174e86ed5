/* finalize: instances created and dropped by the hundred thousand in one store, each with host
 * info and a finalizer, in two stores at once (the situation of wasm-c-api's own finalize
 * example). Host info belongs to the store's object, so the finalizers run when the store that
 * owns the instances is deleted; at the end every one has run exactly once. Store limits are
 * left at their defaults, which limit nothing beyond wasm.
 * usage: finalize finalize.wasm */
#include <stdint.h>

#include "common.h"

enum { kRounds = 100000 };
static long live = 0, finalized = 0;

static void on_finalize(void* data) {
  (void)data;
  --live;
  ++finalized;
}

static int fill(wasm_store_t* store, const char* path, const char* label) {
  wasm_module_t* module = load_module(store, path);
  for (int i = 0; i < kRounds; ++i) {
    wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
    if (!instance) {
      printf("%s: instance %d failed\n", label, i);
      return 1;
    }
    wasm_instance_set_host_info_with_finalizer(instance, (void*)(intptr_t)i, on_finalize);
    wasm_instance_delete(instance);
    ++live;
  }
  wasm_module_delete(module);
  printf("%s: %d instances created and dropped, live %ld\n", label, kRounds, live);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* first = wasm_store_new(engine);
  wasm_store_t* second = wasm_store_new(engine);
  if (fill(first, argv[1], "store 1") || fill(second, argv[1], "store 2")) return 1;
  wasm_store_delete(second);
  printf("store 2 deleted: live %ld\n", live);
  if (fill(first, argv[1], "store 1 again")) return 1;
  wasm_store_delete(first);
  printf("store 1 deleted: live %ld, finalized %ld\n", live, finalized);
  wasm_engine_delete(engine);
  return live == 0 && finalized == 3L * kRounds ? 0 : 1;
}
