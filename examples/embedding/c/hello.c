/* hello: instantiate a module whose "run" export calls back into the host. wasm.h only.
 * usage: hello hello.wasm */
#include "common.h"

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  printf("Hello from the host!\n");
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);

  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* hello = wasm_func_new(store, type, hello_callback);
  wasm_functype_delete(type);

  wasm_extern_t* imports_list[] = {wasm_func_as_extern(hello)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_list);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) return 1;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  printf("Calling run...\n");
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(get_export(module, &exports, "run")),
                                     &none, &none);
  if (trap) return 1;
  printf("Done.\n");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(hello);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
