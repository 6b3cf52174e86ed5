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

/* The execution tier (docs/architecture.md, "Tiers"): NANOWASM_TIER_INTERP, the interpreter
 * (the default), or NANOWASM_TIER_OPT, the optimizing tier. An OPT engine loads AOT artifacts
 * (wasm_module_deserialize, docs/aot.md) in every build; it compiles modules
 * (wasm_module_new) only in a program that links the LLVM compiler, which libnanowasm does not
 * (nanowasm_tier_compiles says; elsewhere wasm_module_new fails and
 * nanowasm_module_new_checked says why). Returns false, leaving the config as it was, for a
 * value that names no tier. */
typedef uint8_t nanowasm_tier_t;
enum nanowasm_tier_enum {
  NANOWASM_TIER_INTERP,
  NANOWASM_TIER_OPT,
};
WASM_API_EXTERN bool nanowasm_config_tier(wasm_config_t*, nanowasm_tier_t tier);
/* Whether an engine on `tier` compiles modules in this program. */
WASM_API_EXTERN bool nanowasm_tier_compiles(nanowasm_tier_t tier);

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

/* ---- AOT artifacts (docs/aot.md) -------------------------------------------------------- */

/* wasm_module_serialize / wasm_module_deserialize, reporting why on failure (NUL-terminated
 * message in *error, owned by the caller, when `error` is not NULL). An artifact is native
 * code: deserialize only artifacts you trust as much as your program (its checksum detects
 * corruption; it is not a signature). Serializing needs a module compiled by a tier that writes
 * artifacts (not the interpreter); deserializing checks version, configuration and CPU, and
 * needs an engine on NANOWASM_TIER_OPT (nanowasm_config_tier). */
WASM_API_EXTERN bool nanowasm_module_serialize(const wasm_module_t*, wasm_byte_vec_t* out,
                                               wasm_byte_vec_t* error);
WASM_API_EXTERN wasm_module_t* nanowasm_module_deserialize(wasm_store_t*,
                                                           const wasm_byte_vec_t* artifact,
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

/* ---- components (the component model) ----------------------------------------------------
 * A component is loaded and validated once (nanowasm_component_new), instantiated into a
 * component store (one per wasm_store_t, deleted before it) with a linker that supplies host
 * functions and resources for its imports, and its exported functions are called with values
 * as trees of nanowasm_cval_t. Paths name imports and exports: "name" at the top level,
 * "iface#name" for a function of an imported or exported instance. See
 * include/nanowasm/component.hpp for the C++ API this wraps.
 *
 * Ownership of values: every heap part of a nanowasm_cval_t tree (string bytes, element
 * arrays, payloads) comes from malloc. Values nanowasm hands out (call results) belong to the
 * caller, released with nanowasm_cval_delete. Values the caller passes in (call arguments) are
 * only read. Arguments a host function receives are valid during the callback; results it
 * writes must be malloc'd trees, which nanowasm then owns and frees. */

typedef struct nanowasm_component_t nanowasm_component_t;
typedef struct nanowasm_component_store_t nanowasm_component_store_t;
typedef struct nanowasm_component_linker_t nanowasm_component_linker_t;
typedef struct nanowasm_component_instance_t nanowasm_component_instance_t;

typedef uint8_t nanowasm_cval_kind_t;
enum nanowasm_cval_kind_enum {
  NANOWASM_CVAL_BOOL, NANOWASM_CVAL_S8, NANOWASM_CVAL_U8, NANOWASM_CVAL_S16, NANOWASM_CVAL_U16,
  NANOWASM_CVAL_S32, NANOWASM_CVAL_U32, NANOWASM_CVAL_S64, NANOWASM_CVAL_U64, NANOWASM_CVAL_F32,
  NANOWASM_CVAL_F64, NANOWASM_CVAL_CHAR, NANOWASM_CVAL_STRING, NANOWASM_CVAL_LIST,
  NANOWASM_CVAL_RECORD, NANOWASM_CVAL_TUPLE, NANOWASM_CVAL_VARIANT, NANOWASM_CVAL_ENUM,
  NANOWASM_CVAL_OPTION, NANOWASM_CVAL_RESULT, NANOWASM_CVAL_FLAGS, NANOWASM_CVAL_OWN,
  NANOWASM_CVAL_BORROW,
};

typedef struct nanowasm_cval_t {
  nanowasm_cval_kind_t kind;
  union {
    bool b;            /* bool */
    int64_t s;         /* s8, s16, s32, s64 (sign-extended) */
    uint64_t u;        /* u8, u16, u32, u64 */
    float f32;
    double f64;
    uint32_t ch;       /* char: a Unicode scalar value */
    uint32_t flags;    /* flags: bit i = label i */
    uint32_t rep;      /* own, borrow: the resource's representation */
    struct { char* data; size_t size; } string;                 /* UTF-8, no terminator */
    struct { struct nanowasm_cval_t* data; size_t size; } elems; /* list, record, tuple */
    /* variant, enum, option (none 0, some 1), result (ok 0, error 1); payload NULL if none */
    struct { uint32_t index; struct nanowasm_cval_t* payload; } cases;
  } of;
} nanowasm_cval_t;

/* Frees what `v` owns (its heap parts, recursively), not `v` itself. */
WASM_API_EXTERN void nanowasm_cval_delete(nanowasm_cval_t* v);

typedef uint8_t nanowasm_component_error_kind_t;
enum nanowasm_component_error_kind_enum {
  NANOWASM_COMPONENT_ERROR,     /* misuse or a link error: nothing ran */
  NANOWASM_COMPONENT_TRAP,      /* a core wasm trap: see trap_kind */
  NANOWASM_COMPONENT_ABI_TRAP,  /* a canonical ABI trap (bad handle, invalid string, reentrance) */
  NANOWASM_COMPONENT_HOST_TRAP, /* a host function failed */
};
typedef struct nanowasm_component_error_t {
  nanowasm_component_error_kind_t kind;
  nanowasm_trap_kind_t trap_kind; /* NANOWASM_COMPONENT_TRAP only */
  wasm_byte_vec_t message;        /* NUL-terminated; owned: nanowasm_component_error_delete */
} nanowasm_component_error_t;
WASM_API_EXTERN void nanowasm_component_error_delete(nanowasm_component_error_t*);

/* Decodes and validates a component binary / component text. NULL on failure with a
 * NUL-terminated "OFFSET: message" (hex byte offset) in *error (owned by the caller) when error is not NULL. */
WASM_API_EXTERN nanowasm_component_t* nanowasm_component_new(const wasm_byte_vec_t* binary,
                                                             wasm_byte_vec_t* error);
WASM_API_EXTERN nanowasm_component_t* nanowasm_component_new_text(const char* text, size_t len,
                                                                  wasm_byte_vec_t* error);
WASM_API_EXTERN void nanowasm_component_delete(nanowasm_component_t*);

/* Holds what component instances create in `store`; delete it before the store. Instances
 * and the functions they export live until it is deleted. */
WASM_API_EXTERN nanowasm_component_store_t* nanowasm_component_store_new(wasm_store_t* store);
WASM_API_EXTERN void nanowasm_component_store_delete(nanowasm_component_store_t*);

/* Bounds on the host resources a component store's instances may take (nw::ComponentLimits in
 * nanowasm/component.hpp says when each is read); set them before instantiating. Defaults:
 * 256 async threads, 65536 callback tasks, 512 MiB of host values per call. */
typedef struct nanowasm_component_limits_t {
  size_t max_async_threads;     /* live async threads (host threads); one more traps */
  size_t max_callback_tasks;    /* live callback-lifted tasks without a host thread */
  uint64_t max_host_value_bytes; /* bytes of values one call lifts for the host */
} nanowasm_component_limits_t;
WASM_API_EXTERN void nanowasm_component_store_get_limits(const nanowasm_component_store_t*,
                                                         nanowasm_component_limits_t* out);
WASM_API_EXTERN void nanowasm_component_store_set_limits(nanowasm_component_store_t*,
                                                         const nanowasm_component_limits_t*);

/* A host function: args[0..nargs) follow the import's declared parameter types; it writes
 * results[0..nresults) (the declared result count, 0 or 1) and returns true, or returns false
 * and may set *error_message (malloc'd bytes nanowasm frees) to trap. `finalizer(env)` runs
 * when the last instance using it is gone. */
typedef bool (*nanowasm_component_func_callback_t)(void* env, const nanowasm_cval_t* args,
                                                   size_t nargs, nanowasm_cval_t* results,
                                                   size_t nresults, wasm_byte_vec_t* error_message);
WASM_API_EXTERN nanowasm_component_linker_t* nanowasm_component_linker_new(void);
WASM_API_EXTERN void nanowasm_component_linker_delete(nanowasm_component_linker_t*);
WASM_API_EXTERN void nanowasm_component_linker_define_func(nanowasm_component_linker_t*,
                                                           const char* path,
                                                           nanowasm_component_func_callback_t cb,
                                                           void* env, void (*finalizer)(void*));
/* A host resource type for a "(type (sub resource))" import; dtor (may be NULL) runs with the
 * rep when the guest drops an own handle. */
WASM_API_EXTERN void nanowasm_component_linker_define_resource(nanowasm_component_linker_t*,
                                                               const char* path,
                                                               void (*dtor)(void* env, uint32_t rep),
                                                               void* env);
/* An instance import satisfied by another component instance of the same component store. */
WASM_API_EXTERN void nanowasm_component_linker_define_instance(
    nanowasm_component_linker_t*, const char* name, const nanowasm_component_instance_t*);

/* NULL on failure with *error filled (when not NULL). The instance handle is owned by the
 * caller (nanowasm_component_instance_delete frees the handle; the instance lives in cstore). */
WASM_API_EXTERN nanowasm_component_instance_t* nanowasm_component_instance_new(
    const nanowasm_component_linker_t*, nanowasm_component_store_t* cstore,
    const nanowasm_component_t*, nanowasm_component_error_t* error);
WASM_API_EXTERN void nanowasm_component_instance_delete(nanowasm_component_instance_t*);
/* The exported instance `name` of `inst` as a new handle (owned by the caller), or NULL. */
WASM_API_EXTERN nanowasm_component_instance_t* nanowasm_component_instance_get_instance(
    const nanowasm_component_instance_t* inst, const char* name);

/* Drops an own handle (its rep) of the resource type `path` that `inst` exports, which the
 * caller received from a call: the resource's destructor runs. */
WASM_API_EXTERN bool nanowasm_component_instance_drop_resource(
    nanowasm_component_instance_t* inst, const char* path, uint32_t rep,
    nanowasm_component_error_t* error);

/* Calls the exported function `path`. results has room for `results_capacity` values; on
 * success *num_results (when not NULL) is set and the results are owned by the caller. On
 * failure returns false with *error filled (when not NULL). */
WASM_API_EXTERN bool nanowasm_component_instance_call(
    nanowasm_component_instance_t*, const char* path, const nanowasm_cval_t* args, size_t nargs,
    nanowasm_cval_t* results, size_t results_capacity, size_t* num_results,
    nanowasm_component_error_t* error);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* NANOWASM_H_ */
