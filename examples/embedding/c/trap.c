/* trap: a division by zero three calls deep, called with an empty results vector, reported
 * with its backtrace: the standard's frames (function index) plus nanowasm's function names
 * and trap kind (nanowasm.h).
 * usage: trap trap.wasm */
#include "common.h"
#include "nanowasm.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  if (!instance) return 1;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* compute = wasm_extern_as_func(get_export(module, &exports, "compute"));

  wasm_val_t args_val[1] = {WASM_I32_VAL(0)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val), results = WASM_ARRAY_VEC(results_val);
  /* A call that traps needs no room for results: like the standard's own trap example, pass
   * an empty vector. */
  wasm_val_vec_t no_results = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(compute, &args, &no_results);
  if (!trap) return 1;
  print_trap("compute(0)", trap);
  printf("kind: %s\n", nanowasm_trap_kind(trap) == NANOWASM_TRAP_INTEGER_DIVIDE_BY_ZERO
                           ? "integer divide by zero" : "other");
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  printf("backtrace (%zu frames, innermost first):\n", trace.size);
  for (size_t i = 0; i < trace.size; ++i) {
    wasm_name_t name;
    nanowasm_frame_func_name(trace.data[i], &name);
    printf("  #%zu func[%u] %s\n", i, wasm_frame_func_index(trace.data[i]), name.data);
    wasm_name_delete(&name);
  }
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);

  args_val[0].of.i32 = 4;
  if (wasm_func_call(compute, &args, &results)) return 1;
  printf("compute(4) = %d\n", results_val[0].of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
