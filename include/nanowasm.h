/* nanowasm's additions to the standard C API (wasm.h) for what the standard lacks: fuel,
 * epoch interruption, per-store resource limits, the wasm call-depth limit, compiling from
 * WebAssembly text, trap kinds and WASI. Everything here works on the standard's objects; a
 * program that does not include this header is a plain wasm.h program.
 */
#ifndef NANOWASM_H_
#define NANOWASM_H_

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- configuration (before wasm_engine_new_with_config) ---------------------------------- */

/* Fuel: wasm counts the instructions it runs against a per-store budget
 * (nanowasm_store_set_fuel) and traps with NANOWASM_TRAP_OUT_OF_FUEL when it is spent. A store
 * starts with 0 fuel. Off by default (then it costs nothing). */
WASM_API_EXTERN void nanowasm_config_consume_fuel(wasm_config_t*, bool enable);
/* Epoch interruption: wasm traps with NANOWASM_TRAP_INTERRUPTED once the engine's epoch reaches
 * the store's deadline. Off by default. */
WASM_API_EXTERN void nanowasm_config_epoch_interruption(wasm_config_t*, bool enable);
/* Deterministic NaNs (Config::canonicalize_nans = kAll): every float operation whose NaN result
 * the spec leaves nondeterministic returns the canonical NaN. Off by default (no cost). */
WASM_API_EXTERN void nanowasm_config_canonicalize_nans(wasm_config_t*, bool enable);
/* Wasm call depth at which a call traps with NANOWASM_TRAP_STACK_EXHAUSTED (default 20000). */
WASM_API_EXTERN void nanowasm_config_max_call_depth(wasm_config_t*, uint32_t depth);

/* ---- fuel and epochs --------------------------------------------------------------------- */

/* Sets the store's remaining fuel. No effect unless fuel is enabled in the config. */
WASM_API_EXTERN void nanowasm_store_set_fuel(wasm_store_t*, uint64_t fuel);
/* The remaining fuel; false (and *fuel untouched) when fuel is not enabled. */
WASM_API_EXTERN bool nanowasm_store_get_fuel(const wasm_store_t*, uint64_t* fuel);
/* Thread-safe: may be called from any thread while wasm runs. A WASI call blocked in a store
 * whose deadline this reaches (poll_oneoff, a read from a pipe or socket, sock_accept) wakes
 * up and traps with NANOWASM_TRAP_INTERRUPTED too. */
WASM_API_EXTERN void nanowasm_engine_increment_epoch(wasm_engine_t*);
/* Wasm in this store traps once the engine's epoch reaches (current epoch + ticks). */
WASM_API_EXTERN void nanowasm_store_set_epoch_deadline(wasm_store_t*, uint64_t ticks);
/* Thread-safe: a host call blocked in this store returns and traps with
 * NANOWASM_TRAP_INTERRUPTED, as does every later blocking or long WASI call, until
 * nanowasm_store_clear_interrupt (from the store's thread). Wasm code that makes no host call
 * is stopped by epochs, not by this. */
WASM_API_EXTERN void nanowasm_store_interrupt(wasm_store_t*);
WASM_API_EXTERN void nanowasm_store_clear_interrupt(wasm_store_t*);

/* ---- resource limits --------------------------------------------------------------------- */

typedef struct nanowasm_store_limits_t {
  uint64_t max_memory_pages;   /* per memory, in 64 KiB pages */
  uint64_t max_table_elements; /* per table */
  uint32_t max_instances;      /* per store */
  bool trap_on_grow_failure;   /* trap instead of memory.grow/table.grow returning -1 */
} nanowasm_store_limits_t;

/* The defaults (no limit beyond what wasm itself allows). */
WASM_API_EXTERN void nanowasm_store_limits_init(nanowasm_store_limits_t* out);
WASM_API_EXTERN void nanowasm_store_set_limits(wasm_store_t*, const nanowasm_store_limits_t*);

/* ---- modules from text ------------------------------------------------------------------- */

/* Compiles WebAssembly text. On failure returns NULL and, if `error` is not NULL, stores a
 * NUL-terminated "LINE:COL: message" in *error (owned by the caller). */
WASM_API_EXTERN wasm_module_t* nanowasm_module_new_wat(wasm_store_t*, const char* text,
                                                            size_t len, wasm_byte_vec_t* error);

/* Decodes and validates like wasm_module_new, reporting why on failure (NUL-terminated). */
WASM_API_EXTERN wasm_module_t* nanowasm_module_new_checked(wasm_store_t*,
                                                           const wasm_byte_vec_t* binary,
                                                           wasm_byte_vec_t* error);

/* ---- traps ------------------------------------------------------------------------------- */

typedef uint8_t nanowasm_trap_kind_t;
enum nanowasm_trap_kind_enum {
  NANOWASM_TRAP_UNREACHABLE,
  NANOWASM_TRAP_MEMORY_OUT_OF_BOUNDS,
  NANOWASM_TRAP_TABLE_OUT_OF_BOUNDS,
  NANOWASM_TRAP_UNDEFINED_ELEMENT,
  NANOWASM_TRAP_UNINITIALIZED_ELEMENT,
  NANOWASM_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
  NANOWASM_TRAP_INTEGER_DIVIDE_BY_ZERO,
  NANOWASM_TRAP_INTEGER_OVERFLOW,
  NANOWASM_TRAP_INVALID_CONVERSION,
  NANOWASM_TRAP_STACK_EXHAUSTED,
  NANOWASM_TRAP_NULL_REFERENCE,
  NANOWASM_TRAP_OUT_OF_FUEL,
  NANOWASM_TRAP_INTERRUPTED,
  NANOWASM_TRAP_HOST_ERROR, /* made by a host function or wasm_trap_new; also link errors */
  NANOWASM_TRAP_EXIT,       /* WASI proc_exit; see nanowasm_trap_exit_code */
};
WASM_API_EXTERN nanowasm_trap_kind_t nanowasm_trap_kind(const wasm_trap_t*);
WASM_API_EXTERN int32_t nanowasm_trap_exit_code(const wasm_trap_t*);
/* wasm_trap_trace keeps at most 100 frames: when the call stack was deeper, its first 50
 * (innermost) and last 50 (outermost) frames; this many frames lay between trace[49] and
 * trace[50] (0 when nothing was left out). */
WASM_API_EXTERN uint64_t nanowasm_trap_frames_omitted(const wasm_trap_t*);
/* The function name of a frame (name section, export name, or "func[N]"), NUL-terminated. */
WASM_API_EXTERN void nanowasm_frame_func_name(const wasm_frame_t*, wasm_name_t* out);

/* ---- WASI preview1 ----------------------------------------------------------------------- */

/* What a guest may reach: nothing unless granted here. */
typedef struct nanowasm_wasi_config_t nanowasm_wasi_config_t;
WASM_API_EXTERN nanowasm_wasi_config_t* nanowasm_wasi_config_new(void);
WASM_API_EXTERN void nanowasm_wasi_config_delete(nanowasm_wasi_config_t*);
/* argv, argv[0] included. */
WASM_API_EXTERN void nanowasm_wasi_config_set_args(nanowasm_wasi_config_t*, int argc,
                                                   const char* const argv[]);
WASM_API_EXTERN void nanowasm_wasi_config_add_env(nanowasm_wasi_config_t*, const char* name,
                                                  const char* value);
/* Grants host directory `host_path` as `guest_path`, writable unless read_only. */
WASM_API_EXTERN void nanowasm_wasi_config_preopen_dir(nanowasm_wasi_config_t*,
                                                      const char* host_path,
                                                      const char* guest_path, bool read_only);
/* Guest fds 0..2 become the host's stdin/stdout/stderr (default: empty input, output dropped). */
WASM_API_EXTERN void nanowasm_wasi_config_inherit_stdio(nanowasm_wasi_config_t*);

/* Instantiates `module` with a fresh WASI context made from `config`. `imports` is NULL or
 * as for wasm_instance_new (in the order of wasm_module_imports), where the entries of the
 * wasi_snapshot_preview1 / wasi_unstable imports may be NULL: those are taken from WASI.
 * Returns NULL on failure with *trap set as in wasm_instance_new (a directory that cannot be
 * opened is reported that way too). */
WASM_API_EXTERN wasm_instance_t* nanowasm_wasi_instance_new(wasm_store_t*, const wasm_module_t*,
                                                            const nanowasm_wasi_config_t* config,
                                                            const wasm_extern_vec_t* imports,
                                                            wasm_trap_t** trap);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* NANOWASM_H_ */
