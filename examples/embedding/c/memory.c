/* memory: read and write an instance's memory from the host, grow it from the host and from
 * wasm, and see an out-of-bounds access trap. wasm.h only. usage: memory memory.wasm */
#include "common.h"

static int32_t call_i32(wasm_func_t* f, int nargs, int32_t a, int32_t b, wasm_trap_t** trap) {
  wasm_val_t args_val[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {(size_t)nargs, args_val};
  wasm_val_vec_t results = {wasm_func_result_arity(f), results_val};
  *trap = wasm_func_call(f, &args, &results);
  return results_val[0].of.i32;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  if (!instance) return 1;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(get_export(module, &exports, "memory"));
  wasm_func_t* load8 = wasm_extern_as_func(get_export(module, &exports, "load8"));
  wasm_func_t* store8 = wasm_extern_as_func(get_export(module, &exports, "store8"));
  wasm_func_t* grow = wasm_extern_as_func(get_export(module, &exports, "grow"));
  wasm_trap_t* trap = NULL;

  printf("pages: %u, bytes: %zu\n", wasm_memory_size(memory), wasm_memory_data_size(memory));
  printf("data segment: %.8s\n", wasm_memory_data(memory));
  wasm_memory_data(memory)[0] = 'N';
  printf("wasm sees byte 0 = '%c'\n", (char)call_i32(load8, 1, 0, 0, &trap));
  call_i32(store8, 2, 1, 'A', &trap);
  printf("host sees: %.8s\n", wasm_memory_data(memory));

  printf("grow by 1 from the host: %s\n", wasm_memory_grow(memory, 1) ? "ok" : "failed");
  printf("grow by 2 from wasm: old size %d\n", call_i32(grow, 1, 2, 0, &trap));
  printf("grow past the maximum from wasm: %d\n", call_i32(grow, 1, 1, 0, &trap));
  printf("grow past the maximum from the host: %s\n",
         wasm_memory_grow(memory, 1) ? "ok" : "failed");
  printf("pages: %u\n", wasm_memory_size(memory));

  call_i32(load8, 1, 4 * 65536, 0, &trap);
  if (trap) {
    print_trap("load8(262144)", trap);
    wasm_trap_delete(trap);
  }

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
