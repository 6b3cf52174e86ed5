/* component (C): the greeter component through the C API: a host function in C for its
 * imported interface, value trees in and out (results owned by the caller, freed with
 * nanowasm_cval_delete), and error kinds. */
#include <stdio.h>
#include <string.h>

#include "nanowasm.h"

static const char* const kGreeter =
  "(component\n"
  "  (import \"local:greet/host\" (instance $host\n"
  "    (export \"log\" (func (param \"msg\" string)))))\n"
  "  (core module $Mem\n"
  "    (memory (export \"mem\") 1)\n"
  "    (global $next (mut i32) (i32.const 8192))\n"
  "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32) (local $r i32)\n"
  "      (local.set $r (global.get $next))\n"
  "      (global.set $next (i32.add (local.get $r) (i32.and (i32.add (local.get 3) (i32.const 7)) (i32.const -8))))\n"
  "      (local.get $r)))\n"
  "  (core instance $mem (instantiate $Mem))\n"
  "  (alias core export $mem \"mem\" (core memory $m0))\n"
  "  (alias core export $mem \"realloc\" (core func $realloc))\n"
  "  (core func $log (canon lower (func $host \"log\") (memory $m0)))\n"
  "  (core module $Greeter\n"
  "    (import \"\" \"mem\" (memory 1))\n"
  "    (import \"\" \"log\" (func $log (param i32 i32)))\n"
  "    (data (i32.const 16) \"Hello, \")\n"
  "    (data (i32.const 32) \"division by zero\")\n"
  "    (func (export \"greet\") (param $p i32) (param $n i32) (result i32)\n"
  "      (if (i32.gt_u (local.get $n) (i32.const 1024)) (then (unreachable)))\n"
  "      (memory.copy (i32.const 2048) (i32.const 16) (i32.const 7))\n"
  "      (memory.copy (i32.const 2055) (local.get $p) (local.get $n))\n"
  "      (i32.store8 (i32.add (i32.const 2055) (local.get $n)) (i32.const 33))\n"
  "      (call $log (i32.const 2048) (i32.add (local.get $n) (i32.const 8)))\n"
  "      (i32.store (i32.const 64) (i32.const 2048))\n"
  "      (i32.store (i32.const 68) (i32.add (local.get $n) (i32.const 8)))\n"
  "      (i32.const 64))\n"
  "    (func (export \"divide\") (param $a i32) (param $b i32) (result i32)\n"
  "      (if (i32.eqz (local.get $b)) (then\n"
  "        (i32.store8 (i32.const 96) (i32.const 1))\n"
  "        (i32.store (i32.const 100) (i32.const 32))\n"
  "        (i32.store (i32.const 104) (i32.const 16))\n"
  "        (return (i32.const 96))))\n"
  "      (i32.store8 (i32.const 96) (i32.const 0))\n"
  "      (i32.store (i32.const 100) (i32.div_u (local.get $a) (local.get $b)))\n"
  "      (i32.const 96))\n"
  "    (func (export \"crash\") (unreachable)))\n"
  "  (core instance $g (instantiate $Greeter\n"
  "    (with \"\" (instance (export \"mem\" (memory $m0)) (export \"log\" (func $log))))))\n"
  "  (func (export \"greet\") (param \"name\" string) (result string)\n"
  "    (canon lift (core func $g \"greet\") (memory $m0) (realloc $realloc)))\n"
  "  (func (export \"divide\") (param \"a\" u32) (param \"b\" u32) (result (result u32 (error string)))\n"
  "    (canon lift (core func $g \"divide\") (memory $m0)))\n"
  "  (func (export \"crash\") (canon lift (core func $g \"crash\")))\n"
  ")";

static bool Log(void* env, const nanowasm_cval_t* args, size_t nargs, nanowasm_cval_t* results,
                size_t nresults, wasm_byte_vec_t* error) {
  (void)env, (void)results, (void)nresults, (void)error;
  if (nargs != 1 || args[0].kind != NANOWASM_CVAL_STRING) return false;
  printf("host log: %.*s\n", (int)args[0].of.string.size, args[0].of.string.data);
  return true;
}

static void PrintError(const char* what, nanowasm_component_error_t* err) {
  static const char* const kKinds[] = {"error", "trap", "abi trap", "host trap"};
  printf("%s -> %s: %s\n", what, kKinds[err->kind], err->message.data);
  nanowasm_component_error_delete(err);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  nanowasm_component_store_t* cs = nanowasm_component_store_new(store);
  wasm_byte_vec_t msg = {0, NULL};
  nanowasm_component_t* component = nanowasm_component_new_text(kGreeter, strlen(kGreeter), &msg);
  if (!component) {
    fprintf(stderr, "%s\n", msg.data);
    return 1;
  }
  nanowasm_component_linker_t* linker = nanowasm_component_linker_new();
  nanowasm_component_linker_define_func(linker, "local:greet/host#log", Log, NULL, NULL);
  nanowasm_component_error_t err;
  nanowasm_component_instance_t* inst = nanowasm_component_instance_new(linker, cs, component, &err);
  if (!inst) {
    PrintError("instantiate", &err);
    return 1;
  }

  nanowasm_cval_t name = {.kind = NANOWASM_CVAL_STRING};
  name.of.string.data = (char*)"C";
  name.of.string.size = 1;
  nanowasm_cval_t result;
  if (nanowasm_component_instance_call(inst, "greet", &name, 1, &result, 1, NULL, &err)) {
    printf("greet -> %.*s\n", (int)result.of.string.size, result.of.string.data);
    nanowasm_cval_delete(&result);
  } else {
    PrintError("greet", &err);
  }

  nanowasm_cval_t ab[2] = {{.kind = NANOWASM_CVAL_U32}, {.kind = NANOWASM_CVAL_U32}};
  for (int b = 2; b >= 0; b -= 2) {
    ab[0].of.u = 7;
    ab[1].of.u = (uint64_t)b;
    if (!nanowasm_component_instance_call(inst, "divide", ab, 2, &result, 1, NULL, &err)) {
      PrintError("divide", &err);
      continue;
    }
    const nanowasm_cval_t* p = result.of.cases.payload;
    if (result.of.cases.index == 0) printf("divide(7, %d) -> ok %u\n", b, (unsigned)p->of.u);
    else printf("divide(7, %d) -> error: %.*s\n", b, (int)p->of.string.size, p->of.string.data);
    nanowasm_cval_delete(&result);
  }

  /* Misuse: a string where a u32 is declared. Nothing runs. */
  ab[0] = name;
  if (!nanowasm_component_instance_call(inst, "divide", ab, 2, &result, 1, NULL, &err))
    PrintError("divide(\"C\", 0)", &err);
  if (!nanowasm_component_instance_call(inst, "crash", NULL, 0, NULL, 0, NULL, &err)) {
    printf("crash: unreachable trap: %s\n",
           err.kind == NANOWASM_COMPONENT_TRAP && err.trap_kind == NANOWASM_TRAP_UNREACHABLE ? "yes" : "no");
    PrintError("crash", &err);
  }

  nanowasm_component_instance_delete(inst);
  nanowasm_component_linker_delete(linker);
  nanowasm_component_delete(component);
  nanowasm_component_store_delete(cs);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
