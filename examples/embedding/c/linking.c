/* linking: two instances linked together — app imports lib's function and global; both see
 * the same counter. wasm.h only. usage: linking lib.wasm app.wasm */
#include "common.h"

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* lib = load_module(store, argv[1]);
  wasm_module_t* app = load_module(store, argv[2]);

  wasm_instance_t* lib_instance = wasm_instance_new(store, lib, NULL, NULL);
  if (!lib_instance) return 1;
  wasm_extern_vec_t lib_exports;
  wasm_instance_exports(lib_instance, &lib_exports);

  /* app's imports, in the order wasm_module_imports lists them: lib.bump, lib.counter */
  wasm_extern_t* imports_list[] = {get_export(lib, &lib_exports, "bump"),
                                   get_export(lib, &lib_exports, "counter")};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_list);
  wasm_instance_t* app_instance = wasm_instance_new(store, app, &imports, NULL);
  if (!app_instance) return 1;
  wasm_extern_vec_t app_exports;
  wasm_instance_exports(app_instance, &app_exports);

  wasm_func_t* bump3 = wasm_extern_as_func(get_export(app, &app_exports, "bump3"));
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(results_val);
  for (int i = 0; i < 2; ++i) {
    if (wasm_func_call(bump3, &none, &results)) return 1;
    printf("app.bump3() -> %d\n", results_val[0].of.i32);
  }
  wasm_val_t counter;
  wasm_global_get(wasm_extern_as_global(get_export(lib, &lib_exports, "counter")), &counter);
  printf("lib.counter = %d\n", counter.of.i32);

  wasm_extern_vec_delete(&app_exports);
  wasm_extern_vec_delete(&lib_exports);
  wasm_instance_delete(app_instance);
  wasm_instance_delete(lib_instance);
  wasm_module_delete(app);
  wasm_module_delete(lib);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
