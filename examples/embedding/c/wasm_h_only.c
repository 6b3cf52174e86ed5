/* wasm_h_only: a program written against the standard wasm.h alone — callbacks, memories,
 * globals, tables, traps and linking of two modules — with no nanowasm header.
 * usage: wasm_h_only lib.wasm full.wasm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

static wasm_module_t* load(wasm_store_t* store, const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) exit(2);
  fseek(f, 0, SEEK_END);
  size_t size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_uninitialized(&bytes, size);
  if (fread(bytes.data, 1, size, f) != size) exit(2);
  fclose(f);
  if (!wasm_module_validate(store, &bytes)) exit(3);
  wasm_module_t* m = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  return m;
}

static wasm_trap_t* log_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  printf("%s: %d\n", (const char*)env, args->data[0].of.i32);
  return NULL;
}

static wasm_store_t* the_store;
static wasm_trap_t* triple(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  if (args->data[0].of.i32 < 0) {
    wasm_message_t msg;
    wasm_name_new_from_string_nt(&msg, "triple: negative argument");
    wasm_trap_t* trap = wasm_trap_new(the_store, &msg);
    wasm_name_delete(&msg);
    return trap;
  }
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 3 * args->data[0].of.i32;
  return NULL;
}

static void report(const char* what, wasm_trap_t* trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  if (origin)
    printf("%s trapped: %s (in func[%u])\n", what, msg.data, wasm_frame_func_index(origin));
  else
    printf("%s trapped: %s\n", what, msg.data);
  wasm_frame_delete(origin);
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);
}

static wasm_trap_t* call2(wasm_func_t* f, int32_t a, int32_t b, int32_t* out) {
  wasm_val_t args_val[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {wasm_func_param_arity(f), args_val};
  wasm_val_vec_t results = {wasm_func_result_arity(f), results_val};
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (!trap && out) *out = results_val[0].of.i32;
  return trap;
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  the_store = store;
  wasm_module_t* lib = load(store, argv[1]);
  wasm_module_t* full = load(store, argv[2]);

  /* Imports of full, by module and name. */
  wasm_importtype_vec_t import_types;
  wasm_module_imports(full, &import_types);
  for (size_t i = 0; i < import_types.size; ++i) {
    const wasm_name_t* m = wasm_importtype_module(import_types.data[i]);
    const wasm_name_t* n = wasm_importtype_name(import_types.data[i]);
    printf("import %zu: %.*s.%.*s (%s)\n", i, (int)m->size, m->data, (int)n->size, n->data,
           wasm_externtype_kind(wasm_importtype_type(import_types.data[i])) == WASM_EXTERN_FUNC
               ? "func" : "other");
  }
  wasm_importtype_vec_delete(&import_types);

  /* Multi-module linking: full imports lib's bump. */
  wasm_trap_t* trap = NULL;
  wasm_instance_t* lib_inst = wasm_instance_new(store, lib, NULL, &trap);
  wasm_extern_vec_t lib_ex;
  wasm_instance_exports(lib_inst, &lib_ex);  /* mem, counter, bump */

  wasm_functype_t* log_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* log_func = wasm_func_new_with_env(store, log_type, log_callback, "log", NULL);
  wasm_functype_delete(log_type);
  wasm_extern_t* imports_list[] = {wasm_func_as_extern(log_func), lib_ex.data[2]};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_list);
  wasm_instance_t* inst = wasm_instance_new(store, full, &imports, &trap);
  if (!inst) {
    report("instantiate", trap);
    return 1;
  }
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);  /* memory, g, table, double, call_slot, run, peek */
  wasm_memory_t* memory = wasm_extern_as_memory(ex.data[0]);
  wasm_global_t* g = wasm_extern_as_global(ex.data[1]);
  wasm_table_t* table = wasm_extern_as_table(ex.data[2]);
  wasm_func_t* call_slot = wasm_extern_as_func(ex.data[4]);
  wasm_func_t* run = wasm_extern_as_func(ex.data[5]);
  wasm_func_t* peek = wasm_extern_as_func(ex.data[6]);

  /* Callbacks and globals. */
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  if (wasm_func_call(run, &none, &none)) return 1;
  if (wasm_func_call(run, &none, &none)) return 1;
  wasm_val_t gv;
  wasm_global_get(g, &gv);
  printf("g = %d\n", gv.of.i32);
  wasm_val_t nv = WASM_I32_VAL(100);
  wasm_global_set(g, &nv);
  if (wasm_func_call(run, &none, &none)) return 1;

  /* Memories. */
  int32_t v = 0;
  memcpy(wasm_memory_data(memory) + 64, &(int32_t){0x01020304}, 4);
  if (call2(peek, 64, 0, &v)) return 1;
  printf("peek(64) = 0x%08x\n", v);
  wasm_memory_pages_t pages = wasm_memory_size(memory);
  bool grew = wasm_memory_grow(memory, 1);
  bool grew_again = wasm_memory_grow(memory, 1); /* max is 2 pages */
  printf("memory: %u page(s), grow 1 %s, grow 1 more %s\n", pages, grew ? "ok" : "denied",
         grew_again ? "ok" : "denied");

  /* Tables: slot 0 holds double, slot 1 is null until the host puts a function there. */
  if (call2(call_slot, 0, 21, &v)) return 1;
  printf("table[0](21) = %d\n", v);
  trap = call2(call_slot, 1, 21, &v);
  if (trap) report("table[1](21)", trap);
  wasm_functype_t* i2i = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* triple_func = wasm_func_new(store, i2i, triple);
  wasm_functype_delete(i2i);
  printf("table.set(1, triple): %s, size %u\n",
         wasm_table_set(table, 1, wasm_func_as_ref(triple_func)) ? "ok" : "failed",
         wasm_table_size(table));
  if (call2(call_slot, 1, 21, &v)) return 1;
  printf("table[1](21) = %d\n", v);
  wasm_ref_t* slot0 = wasm_table_get(table, 0);
  printf("table[0] is a function: %s\n", slot0 && wasm_ref_as_func(slot0) ? "yes" : "no");
  wasm_ref_delete(slot0);

  /* Traps: from wasm and from a host function. */
  trap = call2(peek, 3 * 65536, 0, &v);
  if (trap) report("peek(196608)", trap);
  trap = call2(call_slot, 1, -1, &v);
  if (trap) report("table[1](-1)", trap);

  wasm_val_t counter;
  wasm_global_get(wasm_extern_as_global(lib_ex.data[1]), &counter);
  printf("lib counter = %d\n", counter.of.i32);

  wasm_func_delete(triple_func);
  wasm_extern_vec_delete(&ex);
  wasm_extern_vec_delete(&lib_ex);
  wasm_func_delete(log_func);
  wasm_instance_delete(inst);
  wasm_instance_delete(lib_inst);
  wasm_module_delete(full);
  wasm_module_delete(lib);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
