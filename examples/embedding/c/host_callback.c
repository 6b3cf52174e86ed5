/* host_callback: a host function with an environment (a call counter) and a finalizer that
 * runs when the store goes away. wasm.h only. usage: host_callback callback.wasm */
#include "common.h"

typedef struct {
  int calls;
} counter_t;

static wasm_trap_t* add(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  counter_t* counter = (counter_t*)env;
  counter->calls++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static void finalize(void* env) {
  counter_t* counter = (counter_t*)env;
  printf("finalizer: add was called %d times\n", counter->calls);
  free(counter);
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);

  counter_t* counter = calloc(1, sizeof(counter_t));
  wasm_functype_t* type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                wasm_valtype_new_i32());
  wasm_func_t* add_func = wasm_func_new_with_env(store, type, add, counter, finalize);
  wasm_functype_delete(type);

  wasm_extern_t* imports_list[] = {wasm_func_as_extern(add_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_list);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) return 1;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_val_t args_val[] = {WASM_I32_VAL(10)};
  wasm_val_t results_val[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val), results = WASM_ARRAY_VEC(results_val);
  wasm_trap_t* trap = wasm_func_call(
      wasm_extern_as_func(get_export(module, &exports, "sum_to")), &args, &results);
  if (trap) return 1;
  printf("sum_to(10) = %d after %d host calls\n", results_val[0].of.i32, counter->calls);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add_func);
  wasm_module_delete(module);
  printf("deleting the store\n");
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
