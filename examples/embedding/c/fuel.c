/* fuel: an infinite loop stopped by a fuel budget (nanowasm.h); the store keeps working after
 * the trap once it is refuelled. usage: fuel loop.wasm */
#include "common.h"
#include "nanowasm.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  wasm_config_t* config = wasm_config_new();
  nanowasm_config_consume_fuel(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  if (!instance) return 1;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* spin = wasm_extern_as_func(get_export(module, &exports, "spin"));
  wasm_func_t* answer = wasm_extern_as_func(get_export(module, &exports, "answer"));

  nanowasm_store_set_fuel(store, 100000);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(spin, &none, &none);
  if (!trap) {
    printf("spin returned?!\n");
    return 1;
  }
  print_trap("spin", trap);
  printf("out of fuel: %s\n", nanowasm_trap_kind(trap) == NANOWASM_TRAP_OUT_OF_FUEL ? "yes" : "no");
  wasm_trap_delete(trap);
  uint64_t left = 1;
  if (nanowasm_store_get_fuel(store, &left)) printf("fuel left: %llu\n", (unsigned long long)left);

  nanowasm_store_set_fuel(store, 1000);
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  trap = wasm_func_call(answer, &none, &results);
  if (trap) return 1;
  printf("after refuelling, answer() = %d\n", results_val[0].of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
