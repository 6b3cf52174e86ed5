/* Helpers shared by the C examples: read a .wasm file into a byte vector and look up an
 * export by name. Plain wasm.h, nothing nanowasm-specific. */
#ifndef EXAMPLES_COMMON_H_
#define EXAMPLES_COMMON_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

static wasm_module_t* load_module(wasm_store_t* store, const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
  if (fread(bytes.data, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  fclose(f);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!module) {
    fprintf(stderr, "cannot compile %s\n", path);
    exit(1);
  }
  return module;
}

/* The export called `name` of `instance` (index into `exports`), or exit. */
static wasm_extern_t* get_export(const wasm_module_t* module, wasm_extern_vec_t* exports,
                                 const char* name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_t* found = NULL;
  for (size_t i = 0; i < types.size; ++i) {
    const wasm_name_t* n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) found = exports->data[i];
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) {
    fprintf(stderr, "no export %s\n", name);
    exit(1);
  }
  return found;
}

static void print_trap(const char* what, wasm_trap_t* trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  printf("%s trapped: %s\n", what, msg.data);
  wasm_byte_vec_delete(&msg);
}

#endif
