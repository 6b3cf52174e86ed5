// The standard C API (wasm.h) end to end: type handles and vectors (ownership), modules and
// their import/export types, host functions with env and finalizer, calls and traps with
// traces, memories, globals, tables, foreign references through externref, linking of
// instances by positional imports, and many stores on several threads sharing one engine and
// module. Run under the asan preset, LeakSanitizer checks every handle is released.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "aot/artifact.h"
#include "capi/capi.h"  // internal: nw::capi::ForeignCount, ExternWordToRef
#include "format/encode.h"
#include "nanowasm.h"
#include "text/wat.h"
#include "wasm.h"

namespace {

std::string ToString(const wasm_byte_vec_t& v) {
  std::string s(v.data, v.size);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

// WAT -> binary, through the project's parser and encoder.
std::vector<uint8_t> Binary(const char* wat) {
  auto desc = nw::ParseWat(wat);
  EXPECT_TRUE(desc.has_value()) << desc.error().ToString();
  return desc ? nw::EncodeModule(*desc) : std::vector<uint8_t>{};
}

wasm_module_t* Compile(wasm_store_t* store, const char* wat) {
  std::vector<uint8_t> bin = Binary(wat);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, bin.size(), reinterpret_cast<const char*>(bin.data()));
  wasm_module_t* m = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  return m;
}

class CApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = wasm_engine_new();
    store_ = wasm_store_new(engine_);
  }
  void TearDown() override {
    wasm_store_delete(store_);
    wasm_engine_delete(engine_);
  }
  wasm_engine_t* engine_ = nullptr;
  wasm_store_t* store_ = nullptr;
};

TEST(CApiTypes, VectorsAndTypesOwnTheirElements) {
  wasm_valtype_vec_t params, results;
  wasm_valtype_t* ps[2] = {wasm_valtype_new_i32(), wasm_valtype_new(WASM_F64)};
  wasm_valtype_vec_new(&params, 2, ps);
  wasm_valtype_vec_new_empty(&results);
  wasm_functype_t* ft = wasm_functype_new(&params, &results);
  EXPECT_EQ(params.size, 0u);  // moved into the type
  EXPECT_EQ(wasm_functype_params(ft)->size, 2u);
  EXPECT_EQ(wasm_valtype_kind(wasm_functype_params(ft)->data[1]), WASM_F64);
  wasm_functype_t* copy = wasm_functype_copy(ft);
  wasm_functype_delete(ft);
  EXPECT_EQ(wasm_valtype_kind(wasm_functype_params(copy)->data[0]), WASM_I32);

  wasm_externtype_t* et = wasm_functype_as_externtype(copy);
  EXPECT_EQ(wasm_externtype_kind(et), WASM_EXTERN_FUNC);
  EXPECT_EQ(wasm_externtype_as_functype(et), copy);
  EXPECT_EQ(wasm_externtype_as_memorytype(et), nullptr);

  wasm_limits_t lim = {1, wasm_limits_max_default};
  wasm_memorytype_t* mt = wasm_memorytype_new(&lim);
  wasm_externtype_vec_t ets;
  wasm_externtype_t* items[2] = {et, wasm_memorytype_as_externtype(mt)};
  wasm_externtype_vec_new(&ets, 2, items);
  wasm_externtype_vec_t ets2;
  wasm_externtype_vec_copy(&ets2, &ets);
  wasm_externtype_vec_delete(&ets);  // deletes `copy` and `mt`
  EXPECT_EQ(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(ets2.data[1]))->min, 1u);
  wasm_externtype_vec_delete(&ets2);

  wasm_name_t name;
  wasm_name_new_from_string(&name, "abc");
  EXPECT_EQ(name.size, 3u);
  wasm_name_delete(&name);
  wasm_val_vec_t vals;
  wasm_val_vec_new_uninitialized(&vals, 4);
  wasm_val_vec_delete(&vals);
}

TEST_F(CApiTest, ModuleImportsAndExportsHaveTypes) {
  wasm_module_t* m = Compile(store_, R"((module
      (import "env" "f" (func (param i32) (result i64)))
      (import "env" "g" (global (mut f32)))
      (import "env" "m" (memory 1 2))
      (func (export "run") (result i32) i32.const 7)
      (table (export "t") 3 funcref)
      (global (export "k") i64 (i64.const 1))))");
  ASSERT_NE(m, nullptr);
  wasm_importtype_vec_t imports;
  wasm_module_imports(m, &imports);
  ASSERT_EQ(imports.size, 3u);
  EXPECT_EQ(ToString(*wasm_importtype_module(imports.data[0])), "env");
  EXPECT_EQ(ToString(*wasm_importtype_name(imports.data[1])), "g");
  const wasm_functype_t* f = wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0]));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(wasm_valtype_kind(wasm_functype_results(f)->data[0]), WASM_I64);
  const wasm_globaltype_t* g =
      wasm_externtype_as_globaltype_const(wasm_importtype_type(imports.data[1]));
  EXPECT_EQ(wasm_globaltype_mutability(g), WASM_VAR);
  const wasm_memorytype_t* mem =
      wasm_externtype_as_memorytype_const(wasm_importtype_type(imports.data[2]));
  EXPECT_EQ(wasm_memorytype_limits(mem)->max, 2u);
  wasm_importtype_vec_delete(&imports);

  wasm_exporttype_vec_t exports;
  wasm_module_exports(m, &exports);
  ASSERT_EQ(exports.size, 3u);
  EXPECT_EQ(ToString(*wasm_exporttype_name(exports.data[1])), "t");
  EXPECT_EQ(wasm_externtype_kind(wasm_exporttype_type(exports.data[1])), WASM_EXTERN_TABLE);
  wasm_exporttype_vec_delete(&exports);

  wasm_byte_vec_t ser;
  wasm_module_serialize(m, &ser);
  EXPECT_EQ(ser.size, 0u);
  wasm_byte_vec_delete(&ser);
  wasm_module_delete(m);

  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 4, "\0asX");
  EXPECT_FALSE(wasm_module_validate(store_, &junk));
  EXPECT_EQ(wasm_module_new(store_, &junk), nullptr);
  wasm_byte_vec_t why;
  EXPECT_EQ(nanowasm_module_new_checked(store_, &junk, &why), nullptr);
  EXPECT_NE(ToString(why), "");
  wasm_byte_vec_delete(&why);
  wasm_byte_vec_delete(&junk);
}

struct Counter {
  int calls = 0;
  int* finalized = nullptr;
};

wasm_trap_t* AddAndCount(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  auto* c = static_cast<Counter*>(env);
  ++c->calls;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return nullptr;
}

wasm_store_t* g_trap_store = nullptr;
wasm_trap_t* Fail(const wasm_val_vec_t*, wasm_val_vec_t*) {
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "host says no");
  wasm_trap_t* t = wasm_trap_new(g_trap_store, &msg);
  wasm_name_delete(&msg);
  return t;
}

TEST_F(CApiTest, HostFunctionsWithEnvCallsAndTraps) {
  int finalized = 0;
  auto* counter = new Counter{0, &finalized};
  {
    wasm_store_t* store = wasm_store_new(engine_);
    g_trap_store = store;
    const char* wat = R"((module
        (import "env" "add" (func $add (param i32 i32) (result i32)))
        (import "env" "fail" (func $fail))
        (func (export "twice") (param i32) (result i32)
          (call $add (local.get 0) (call $add (local.get 0) (i32.const 0))))
        (func $inner (export "boom") call $fail)
        (func (export "outer") call $inner)
        (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))))";
    std::vector<uint8_t> bin = Binary(wat);
    wasm_module_t* m = Compile(store, wat);
    ASSERT_NE(m, nullptr);
    wasm_functype_t* add_t = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                   wasm_valtype_new_i32());
    wasm_func_t* add = wasm_func_new_with_env(store, add_t, AddAndCount, counter, [](void* p) {
      auto* c = static_cast<Counter*>(p);
      ++*c->finalized;
      delete c;
    });
    wasm_functype_delete(add_t);
    wasm_functype_t* fail_t = wasm_functype_new_0_0();
    wasm_func_t* fail = wasm_func_new(store, fail_t, Fail);
    wasm_functype_delete(fail_t);
    EXPECT_EQ(wasm_func_param_arity(add), 2u);
    EXPECT_EQ(wasm_func_result_arity(add), 1u);

    wasm_extern_t* ims[2] = {wasm_func_as_extern(add), wasm_func_as_extern(fail)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(ims);
    wasm_trap_t* trap = nullptr;
    wasm_instance_t* inst = wasm_instance_new(store, m, &imports, &trap);
    ASSERT_NE(inst, nullptr);
    EXPECT_EQ(trap, nullptr);
    wasm_extern_vec_t exports;
    wasm_instance_exports(inst, &exports);
    ASSERT_EQ(exports.size, 4u);

    wasm_val_t args[1] = {WASM_I32_VAL(21)};
    wasm_val_t res[1] = {WASM_INIT_VAL};
    wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
    EXPECT_EQ(wasm_func_call(wasm_extern_as_func(exports.data[0]), &a, &r), nullptr);
    EXPECT_EQ(res[0].kind, WASM_I32);
    EXPECT_EQ(res[0].of.i32, 42);
    EXPECT_EQ(counter->calls, 2);

    // A host trap carries its message and the wasm frames it went through.
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    trap = wasm_func_call(wasm_extern_as_func(exports.data[2]), &none, &none);
    ASSERT_NE(trap, nullptr);
    wasm_message_t msg;
    wasm_trap_message(trap, &msg);
    EXPECT_EQ(ToString(msg), "host says no");
    EXPECT_EQ(msg.data[msg.size - 1], '\0');
    wasm_byte_vec_delete(&msg);
    EXPECT_EQ(nanowasm_trap_kind(trap), NANOWASM_TRAP_HOST_ERROR);
    wasm_trap_delete(trap);

    // A wasm trap: kind, origin and trace.
    wasm_val_t dargs[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
    wasm_val_vec_t da = WASM_ARRAY_VEC(dargs);
    trap = wasm_func_call(wasm_extern_as_func(exports.data[3]), &da, &r);
    ASSERT_NE(trap, nullptr);
    wasm_trap_message(trap, &msg);
    EXPECT_EQ(ToString(msg), "integer divide by zero");
    wasm_byte_vec_delete(&msg);
    EXPECT_EQ(nanowasm_trap_kind(trap), NANOWASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    wasm_frame_t* origin = wasm_trap_origin(trap);
    ASSERT_NE(origin, nullptr);
    EXPECT_EQ(wasm_frame_func_index(origin), 5u);  // 2 imports + 4th defined function
    // The offsets point at the i32.div_s (0x6d): in the function, after its local declarations
    // (1 byte: none) and two local.get (2 bytes each); in the module, at that byte.
    EXPECT_EQ(wasm_frame_func_offset(origin), 5u);
    size_t at = wasm_frame_module_offset(origin);
    ASSERT_LT(at, bin.size());
    EXPECT_EQ(bin[at], 0x6d);
    EXPECT_EQ(bin[at - 5], 0x00);  // the function's local declaration count
    EXPECT_EQ(bin[at - 6], 0x07);  // its code entry's size
    wasm_frame_delete(origin);
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    EXPECT_EQ(trace.size, 1u);
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);

    // Argument checks are errors, not crashes.
    wasm_val_t bad[1] = {WASM_I64_VAL(1)};
    wasm_val_vec_t b = WASM_ARRAY_VEC(bad);
    trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &b, &r);
    ASSERT_NE(trap, nullptr);
    wasm_trap_delete(trap);

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(inst);
    wasm_func_delete(add);
    wasm_func_delete(fail);
    wasm_module_delete(m);
    EXPECT_EQ(finalized, 0);  // the store still owns the function
    wasm_store_delete(store);
  }
  EXPECT_EQ(finalized, 1);
}

TEST_F(CApiTest, MissingImportIsReportedAsTrap) {
  wasm_module_t* m = Compile(store_, R"((module (import "env" "f" (func))))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = nullptr;
  EXPECT_EQ(wasm_instance_new(store_, m, &none, &trap), nullptr);
  ASSERT_NE(trap, nullptr);
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  EXPECT_NE(ToString(msg).find("unknown import"), std::string::npos) << ToString(msg);
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);
  wasm_module_delete(m);
}

TEST_F(CApiTest, MemoriesGlobalsTables) {
  wasm_module_t* m = Compile(store_, R"((module
      (memory (export "mem") 1 3)
      (global (export "g") (mut i32) (i32.const 5))
      (table (export "tab") 2 funcref)
      (func $f (export "f") (result i32) (i32.load (i32.const 8)))
      (elem (i32.const 1) $f)))");
  ASSERT_NE(m, nullptr);
  wasm_instance_t* inst = wasm_instance_new(store_, m, nullptr, nullptr);
  ASSERT_NE(inst, nullptr);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  wasm_memory_t* mem = wasm_extern_as_memory(ex.data[0]);
  wasm_global_t* g = wasm_extern_as_global(ex.data[1]);
  wasm_table_t* tab = wasm_extern_as_table(ex.data[2]);
  wasm_func_t* f = wasm_extern_as_func(ex.data[3]);
  ASSERT_TRUE(mem && g && tab && f);

  EXPECT_EQ(wasm_memory_size(mem), 1u);
  EXPECT_EQ(wasm_memory_data_size(mem), 65536u);
  int32_t v = 1234;
  std::memcpy(wasm_memory_data(mem) + 8, &v, 4);
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, r = WASM_ARRAY_VEC(res);
  EXPECT_EQ(wasm_func_call(f, &none, &r), nullptr);
  EXPECT_EQ(res[0].of.i32, 1234);
  EXPECT_TRUE(wasm_memory_grow(mem, 2));
  EXPECT_FALSE(wasm_memory_grow(mem, 1));  // max 3
  EXPECT_EQ(wasm_memory_size(mem), 3u);

  wasm_val_t gv;
  wasm_global_get(g, &gv);
  EXPECT_EQ(gv.of.i32, 5);
  wasm_val_t nv = WASM_I32_VAL(9);
  wasm_global_set(g, &nv);
  wasm_global_get(g, &gv);
  EXPECT_EQ(gv.of.i32, 9);
  wasm_globaltype_t* gt = wasm_global_type(g);
  EXPECT_EQ(wasm_globaltype_mutability(gt), WASM_VAR);
  wasm_globaltype_delete(gt);

  EXPECT_EQ(wasm_table_size(tab), 2u);
  EXPECT_EQ(wasm_table_get(tab, 0), nullptr);
  wasm_ref_t* e1 = wasm_table_get(tab, 1);
  ASSERT_NE(e1, nullptr);
  EXPECT_TRUE(wasm_func_same(wasm_ref_as_func(e1), f));
  EXPECT_TRUE(wasm_table_set(tab, 0, e1));
  EXPECT_FALSE(wasm_table_set(tab, 5, e1));
  EXPECT_TRUE(wasm_table_grow(tab, 3, e1));
  EXPECT_EQ(wasm_table_size(tab), 5u);
  wasm_ref_delete(e1);

  // Host info is per object: visible through every handle, finalized with the store.
  static int fin = 0;
  wasm_memory_set_host_info_with_finalizer(mem, &fin, [](void* p) { ++*static_cast<int*>(p); });
  wasm_extern_vec_t ex2;
  wasm_instance_exports(inst, &ex2);
  EXPECT_EQ(wasm_memory_get_host_info(wasm_extern_as_memory(ex2.data[0])), &fin);
  wasm_extern_vec_delete(&ex2);

  // Host-created objects.
  wasm_limits_t lim = {1, 1};
  wasm_memorytype_t* mt = wasm_memorytype_new(&lim);
  wasm_memory_t* m2 = wasm_memory_new(store_, mt);
  wasm_memorytype_delete(mt);
  ASSERT_NE(m2, nullptr);
  EXPECT_FALSE(wasm_memory_grow(m2, 1));
  wasm_memory_delete(m2);
  wasm_globaltype_t* gt2 = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_CONST);
  wasm_val_t init = WASM_F64_VAL(2.5);
  wasm_global_t* g2 = wasm_global_new(store_, gt2, &init);
  wasm_globaltype_delete(gt2);
  wasm_global_get(g2, &gv);
  EXPECT_EQ(gv.of.f64, 2.5);
  wasm_global_delete(g2);

  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  EXPECT_EQ(fin, 0);
  wasm_store_delete(store_);
  store_ = wasm_store_new(engine_);
  EXPECT_EQ(fin, 1);
}

TEST_F(CApiTest, ForeignReferencesRoundTripThroughExternref) {
  wasm_module_t* m = Compile(store_, R"((module
      (global $g (export "g") (mut externref) (ref.null extern))
      (func (export "id") (param externref) (result externref) local.get 0)))");
  wasm_instance_t* inst = wasm_instance_new(store_, m, nullptr, nullptr);
  ASSERT_NE(inst, nullptr);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  wasm_foreign_t* fo = wasm_foreign_new(store_);
  int tag = 7;
  wasm_foreign_set_host_info(fo, &tag);
  wasm_val_t args[1] = {WASM_REF_VAL(wasm_foreign_as_ref(fo))};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
  ASSERT_EQ(wasm_func_call(wasm_extern_as_func(ex.data[1]), &a, &r), nullptr);
  ASSERT_NE(res[0].of.ref, nullptr);
  EXPECT_EQ(wasm_ref_get_host_info(res[0].of.ref), &tag);
  EXPECT_TRUE(wasm_ref_same(res[0].of.ref, wasm_foreign_as_ref(fo)));
  wasm_val_delete(&res[0]);
  // A function reference passed as externref comes back as that function.
  wasm_global_t* g = wasm_extern_as_global(ex.data[0]);
  wasm_val_t fv = WASM_REF_VAL(wasm_func_as_ref(wasm_extern_as_func(ex.data[1])));
  wasm_global_set(g, &fv);
  wasm_val_t out;
  wasm_global_get(g, &out);
  ASSERT_NE(out.of.ref, nullptr);
  EXPECT_NE(wasm_ref_as_func(out.of.ref), nullptr);
  wasm_val_delete(&out);
  wasm_foreign_delete(fo);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
}

// Passing the same reference as externref again and again (to wasm, and from wasm to a host
// function and back) reuses one foreign object per referenced object: the store does not
// gain an object per call.
TEST_F(CApiTest, RepeatedExternrefConversionsDoNotGrowTheStore) {
  wasm_module_t* m = Compile(store_, R"((module
      (import "h" "echo" (func $echo (param externref) (result externref)))
      (func (export "id") (param externref) (result externref) local.get 0)
      (func (export "via_host") (param externref) (result externref)
        (call $echo (local.get 0)))))");
  ASSERT_NE(m, nullptr);
  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new(WASM_ANYREF),
                                              wasm_valtype_new(WASM_ANYREF));
  wasm_func_t* echo =
      wasm_func_new(store_, ft, [](const wasm_val_vec_t* a, wasm_val_vec_t* r) -> wasm_trap_t* {
        r->data[0].kind = WASM_ANYREF;
        r->data[0].of.ref = a->data[0].of.ref ? wasm_ref_copy(a->data[0].of.ref) : nullptr;
        return nullptr;
      });
  wasm_functype_delete(ft);
  wasm_extern_t* imports[1] = {wasm_func_as_extern(echo)};
  wasm_extern_vec_t iv = WASM_ARRAY_VEC(imports);
  wasm_instance_t* inst = wasm_instance_new(store_, m, &iv, nullptr);
  ASSERT_NE(inst, nullptr);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  ASSERT_EQ(ex.size, 2u);
  const wasm_func_t* id = wasm_extern_as_func(ex.data[0]);
  const wasm_func_t* via_host = wasm_extern_as_func(ex.data[1]);

  wasm_foreign_t* fo = wasm_foreign_new(store_);
  wasm_ref_t* refs[3] = {wasm_foreign_as_ref(fo), wasm_func_as_ref(echo),
                         wasm_instance_as_ref(inst)};
  size_t before = 0;
  for (int round = 0; round < 200; ++round) {
    for (wasm_ref_t* ref : refs) {
      for (const wasm_func_t* f : {id, via_host}) {
        wasm_val_t args[1] = {WASM_REF_VAL(ref)};
        wasm_val_t res[1] = {WASM_INIT_VAL};
        wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
        ASSERT_EQ(wasm_func_call(f, &a, &r), nullptr);
        ASSERT_NE(res[0].of.ref, nullptr);
        EXPECT_TRUE(wasm_ref_same(res[0].of.ref, ref));
        wasm_val_delete(&res[0]);
      }
    }
    if (round == 0) before = nw::capi::ForeignCount(store_);
    ASSERT_EQ(nw::capi::ForeignCount(store_), before) << "after round " << round;
  }
  // The function came back as that function, the instance as that instance.
  wasm_val_t args[1] = {WASM_REF_VAL(wasm_func_as_ref(echo))};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
  ASSERT_EQ(wasm_func_call(id, &a, &r), nullptr);
  EXPECT_NE(wasm_ref_as_func(res[0].of.ref), nullptr);
  wasm_val_delete(&res[0]);

  // A word this C API never handed out maps to one foreign object, the same each time.
  const uint64_t unknown = 0x1234560;
  wasm_ref_t* u1 = nw::capi::ExternWordToRef(store_, unknown);
  size_t with_unknown = nw::capi::ForeignCount(store_);
  EXPECT_EQ(with_unknown, before + 1);
  for (int i = 0; i < 100; ++i) {
    wasm_ref_t* u = nw::capi::ExternWordToRef(store_, unknown);
    EXPECT_TRUE(wasm_ref_same(u, u1));
    wasm_ref_delete(u);
  }
  EXPECT_EQ(nw::capi::ForeignCount(store_), with_unknown);
  wasm_ref_delete(u1);

  wasm_foreign_delete(fo);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_func_delete(echo);
  wasm_module_delete(m);
}

TEST_F(CApiTest, InstancesLinkThroughExports) {
  wasm_module_t* lib = Compile(store_, R"((module
      (memory (export "mem") 1)
      (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))))");
  wasm_module_t* app = Compile(store_, R"((module
      (import "lib" "sq" (func $sq (param i32) (result i32)))
      (import "lib" "mem" (memory 1))
      (func (export "run") (param i32) (result i32)
        (i32.store (i32.const 0) (call $sq (local.get 0)))
        (i32.load (i32.const 0)))))");
  wasm_instance_t* li = wasm_instance_new(store_, lib, nullptr, nullptr);
  wasm_extern_vec_t lex;
  wasm_instance_exports(li, &lex);
  wasm_extern_t* ims[2] = {lex.data[1], lex.data[0]};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(ims);
  wasm_instance_t* ai = wasm_instance_new(store_, app, &imports, nullptr);
  ASSERT_NE(ai, nullptr);
  wasm_extern_vec_t aex;
  wasm_instance_exports(ai, &aex);
  wasm_val_t args[1] = {WASM_I32_VAL(12)};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
  ASSERT_EQ(wasm_func_call(wasm_extern_as_func(aex.data[0]), &a, &r), nullptr);
  EXPECT_EQ(res[0].of.i32, 144);
  int32_t stored;
  std::memcpy(&stored, wasm_memory_data(wasm_extern_as_memory(lex.data[0])), 4);
  EXPECT_EQ(stored, 144);
  // A shared module can be obtained in another store of the same engine.
  wasm_shared_module_t* shared = wasm_module_share(lib);
  wasm_store_t* other = wasm_store_new(engine_);
  wasm_module_t* lib2 = wasm_module_obtain(other, shared);
  ASSERT_NE(lib2, nullptr);
  wasm_instance_t* li2 = wasm_instance_new(other, lib2, nullptr, nullptr);
  EXPECT_NE(li2, nullptr);
  wasm_instance_delete(li2);
  wasm_module_delete(lib2);
  wasm_store_delete(other);
  wasm_shared_module_delete(shared);

  wasm_extern_vec_delete(&aex);
  wasm_extern_vec_delete(&lex);
  wasm_instance_delete(ai);
  wasm_instance_delete(li);
  wasm_module_delete(app);
  wasm_module_delete(lib);
}

TEST_F(CApiTest, WatAndCallDepthExtension) {
  wasm_config_t* config = wasm_config_new();
  nanowasm_config_max_call_depth(config, 5000);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  const char* bad = "(module (func (result i32) i64.const 1))";
  wasm_byte_vec_t err;
  EXPECT_EQ(nanowasm_module_new_wat(store, bad, std::strlen(bad), &err), nullptr);
  EXPECT_NE(ToString(err), "");
  wasm_byte_vec_delete(&err);
  const char* rec = "(module (func $r (export \"r\") call $r))";
  wasm_module_t* m = nanowasm_module_new_wat(store, rec, std::strlen(rec), nullptr);
  ASSERT_NE(m, nullptr);
  wasm_instance_t* inst = wasm_instance_new(store, m, nullptr, nullptr);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(ex.data[0]), &none, &none);
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(nanowasm_trap_kind(trap), NANOWASM_TRAP_STACK_EXHAUSTED);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  ASSERT_NE(origin, nullptr);
  wasm_name_t fname;
  nanowasm_frame_func_name(origin, &fname);
  EXPECT_EQ(ToString(fname), "r");
  EXPECT_EQ(wasm_frame_func_offset(origin), 0u);  // a module from text has no binary offsets
  wasm_name_delete(&fname);
  wasm_frame_delete(origin);
  // The trace is bounded as in the C++ API: the innermost 50 and outermost 50 of the 5,000
  // frames, and the count of those left out between them.
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  EXPECT_EQ(trace.size, 100u);
  EXPECT_EQ(nanowasm_trap_frames_omitted(trap), 4900u);
  nanowasm_frame_func_name(trace.data[99], &fname);
  EXPECT_EQ(ToString(fname), "r");
  wasm_name_delete(&fname);
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// nanowasm_config_canonicalize_nans: 0/0 gives the canonical NaN instead of x86's default NaN.
TEST_F(CApiTest, CanonicalNansExtension) {
  for (bool canonical : {false, true}) {
    wasm_config_t* config = wasm_config_new();
    nanowasm_config_canonicalize_nans(config, canonical);
    wasm_engine_t* engine = wasm_engine_new_with_config(config);
    wasm_store_t* store = wasm_store_new(engine);
    const char* wat = "(module (func (export \"nan\") (param f32) (result i32)"
                      "  (i32.reinterpret_f32 (f32.div (local.get 0) (local.get 0)))))";
    wasm_module_t* m = nanowasm_module_new_wat(store, wat, std::strlen(wat), nullptr);
    ASSERT_NE(m, nullptr);
    wasm_instance_t* inst = wasm_instance_new(store, m, nullptr, nullptr);
    wasm_extern_vec_t ex;
    wasm_instance_exports(inst, &ex);
    wasm_val_t arg = WASM_F32_VAL(0.0f);
    wasm_val_t res = WASM_INIT_VAL;
    wasm_val_vec_t args = {1, &arg};
    wasm_val_vec_t results = {1, &res};
    EXPECT_EQ(wasm_func_call(wasm_extern_as_func(ex.data[0]), &args, &results), nullptr);
    EXPECT_EQ(static_cast<uint32_t>(res.of.i32), canonical ? 0x7fc00000u : 0xffc00000u);
    wasm_extern_vec_delete(&ex);
    wasm_instance_delete(inst);
    wasm_module_delete(m);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
}

// Many stores on several threads at once, sharing one engine and one module; each thread also
// calls back into the host.
// A WASI guest sleeping an hour in poll_oneoff is woken by nanowasm_store_interrupt from
// another thread and traps with NANOWASM_TRAP_INTERRUPTED; after clearing, it runs again.
TEST_F(CApiTest, StoreInterruptWakesABlockedWasiCall) {
  wasm_module_t* m = Compile(store_, R"((module
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "sleep") (param $ns i64) (result i32)
      (i32.store (i32.const 16) (i32.const 1))
      (i64.store (i32.const 24) (local.get $ns))
      (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 200)))))");
  ASSERT_NE(m, nullptr);
  nanowasm_wasi_config_t* config = nanowasm_wasi_config_new();
  wasm_trap_t* trap = nullptr;
  wasm_instance_t* inst = nanowasm_wasi_instance_new(store_, m, config, nullptr, &trap);
  ASSERT_NE(inst, nullptr);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  wasm_func_t* sleep = nullptr;
  for (size_t i = 0; i < exports.size; ++i)
    if (wasm_extern_kind(exports.data[i]) == WASM_EXTERN_FUNC) sleep = wasm_extern_as_func(exports.data[i]);
  ASSERT_NE(sleep, nullptr);
  auto call = [&](int64_t ns, int32_t* errno_out) {
    wasm_val_t args[1] = {WASM_I64_VAL(ns)};
    wasm_val_t results[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(results);
    wasm_trap_t* t = wasm_func_call(sleep, &av, &rv);
    if (!t) *errno_out = results[0].of.i32;
    return t;
  };
  auto t0 = std::chrono::steady_clock::now();
  std::thread other([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    nanowasm_store_interrupt(store_);
  });
  int32_t e = -1;
  trap = call(3600'000'000'000, &e);
  other.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(nanowasm_trap_kind(trap), NANOWASM_TRAP_INTERRUPTED);
  EXPECT_LT(seconds, 1.0);
  wasm_trap_delete(trap);
  nanowasm_store_clear_interrupt(store_);
  trap = call(1'000'000, &e);  // 1 ms
  EXPECT_EQ(trap, nullptr);
  EXPECT_EQ(e, 0);
  if (trap) wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(inst);
  nanowasm_wasi_config_delete(config);
  wasm_module_delete(m);
}

TEST(CApiThreads, ManyStoresShareEngineAndModule) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* setup = wasm_store_new(engine);
  wasm_module_t* m = Compile(setup, R"((module
      (import "env" "inc" (func $inc (param i32) (result i32)))
      (memory 1)
      (func (export "run") (param i32) (result i32) (local i32 i32)
        (loop $l
          (local.set 1 (call $inc (local.get 1)))
          (i32.store (i32.const 0) (local.get 1))
          (br_if $l (i32.lt_s (local.tee 2 (i32.add (local.get 2) (i32.const 1))) (local.get 0))))
        (i32.load (i32.const 0)))))");
  ASSERT_NE(m, nullptr);
  wasm_shared_module_t* shared = wasm_module_share(m);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 25; ++round) {
        wasm_store_t* store = wasm_store_new(engine);
        wasm_module_t* mod = wasm_module_obtain(store, shared);
        wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
        wasm_func_t* inc = wasm_func_new(store, ft, [](const wasm_val_vec_t* a, wasm_val_vec_t* r) {
          r->data[0] = WASM_I32_VAL(a->data[0].of.i32 + 1);
          return static_cast<wasm_trap_t*>(nullptr);
        });
        wasm_functype_delete(ft);
        wasm_extern_t* ims[1] = {wasm_func_as_extern(inc)};
        wasm_extern_vec_t imports = WASM_ARRAY_VEC(ims);
        wasm_instance_t* inst = wasm_instance_new(store, mod, &imports, nullptr);
        wasm_extern_vec_t ex;
        wasm_instance_exports(inst, &ex);
        wasm_val_t args[1] = {WASM_I32_VAL(1000 + round)};
        wasm_val_t res[1] = {WASM_INIT_VAL};
        wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
        if (wasm_func_call(wasm_extern_as_func(ex.data[0]), &a, &r) == nullptr &&
            res[0].of.i32 == 1000 + round)
          ++ok;
        wasm_extern_vec_delete(&ex);
        wasm_instance_delete(inst);
        wasm_func_delete(inc);
        wasm_module_delete(mod);
        wasm_store_delete(store);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 100);
  wasm_shared_module_delete(shared);
  wasm_module_delete(m);
  wasm_store_delete(setup);
  wasm_engine_delete(engine);
}


// wasm-c-api's trap example calls a trapping function with an empty `results` vector: the call
// runs and returns its trap. A call that returns fills only what fits (the reference
// implementations do the same), and results beyond the vector are not written.
TEST_F(CApiTest, ResultsVectorShorterThanTheResultsRunsTheCall) {
  wasm_module_t* m = Compile(store_,
      "(module (global $g (mut i32) (i32.const 0))"
      "  (func (export \"two\") (result i32 i32)"
      "    (global.set $g (i32.add (global.get $g) (i32.const 1))) (i32.const 7) (i32.const 8))"
      "  (func (export \"boom\") (result i32) unreachable)"
      "  (func (export \"count\") (result i32) global.get $g))");
  ASSERT_NE(m, nullptr);
  wasm_instance_t* inst = wasm_instance_new(store_, m, nullptr, nullptr);
  ASSERT_NE(inst, nullptr);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  wasm_func_t* two = wasm_extern_as_func(ex.data[0]);
  wasm_func_t* boom = wasm_extern_as_func(ex.data[1]);
  wasm_func_t* count = wasm_extern_as_func(ex.data[2]);

  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(boom, &none, &none);
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(nanowasm_trap_kind(trap), NANOWASM_TRAP_UNREACHABLE);
  wasm_trap_delete(trap);

  // No room at all, and a null vector: the call still runs (the counter moves).
  EXPECT_EQ(wasm_func_call(two, &none, &none), nullptr);
  EXPECT_EQ(wasm_func_call(two, nullptr, nullptr), nullptr);
  // Room for one of two: the first is written, the slot after the vector is untouched.
  wasm_val_t res[2] = {WASM_INIT_VAL, WASM_I32_VAL(-1)};
  wasm_val_vec_t one = {1, res};
  EXPECT_EQ(wasm_func_call(two, &none, &one), nullptr);
  EXPECT_EQ(res[0].kind, WASM_I32);
  EXPECT_EQ(res[0].of.i32, 7);
  EXPECT_EQ(res[1].of.i32, -1);
  wasm_val_vec_t both = WASM_ARRAY_VEC(res);
  EXPECT_EQ(wasm_func_call(two, &none, &both), nullptr);
  EXPECT_EQ(res[1].of.i32, 8);

  wasm_val_t c[1] = {WASM_INIT_VAL};
  wasm_val_vec_t cv = WASM_ARRAY_VEC(c);
  EXPECT_EQ(wasm_func_call(count, &none, &cv), nullptr);
  EXPECT_EQ(c[0].of.i32, 4);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
}

// The store limits' defaults limit nothing beyond wasm: wasm-c-api's finalize example creates
// and drops 100,000 instances in one store (and more in a second run on it).
TEST(CApiLimits, DefaultsAllowManyInstancesPerStore) {
  nanowasm_store_limits_t d;
  nanowasm_store_limits_init(&d);
  EXPECT_EQ(d.max_instances, UINT32_MAX);
  EXPECT_EQ(d.max_memory_pages, 65536u);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* m = Compile(store, "(module (func (export \"f\")) (func (export \"g\")))");
  ASSERT_NE(m, nullptr);
  for (int i = 0; i < 20000; ++i) {
    wasm_instance_t* inst = wasm_instance_new(store, m, nullptr, nullptr);
    ASSERT_NE(inst, nullptr) << "instance " << i;
    wasm_instance_delete(inst);
  }
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

}  // namespace

// AOT artifacts through wasm.h in a default engine (the interpreter; capi_tier_test.cc loads
// them in engines on NANOWASM_TIER_OPT): serializing an interpreter module fails and says why,
// a damaged artifact is refused as damaged, an intact one as not runnable by this tier.
TEST_F(CApiTest, ArtifactsAreRefusedWithAReason) {
  wasm_byte_vec_t why;
  wasm_module_t* m = nanowasm_module_new_wat(store_, "(module (func (export \"f\")))", 28, &why);
  ASSERT_NE(m, nullptr) << ToString(why);
  wasm_byte_vec_t ser;
  EXPECT_FALSE(nanowasm_module_serialize(m, &ser, &why));
  EXPECT_EQ(ser.size, 0u);
  EXPECT_EQ(ToString(why), "the interp tier writes no AOT artifacts");
  wasm_byte_vec_delete(&why);
  wasm_byte_vec_delete(&ser);
  wasm_module_delete(m);

  std::vector<uint8_t> wasm_bytes = {0, 'a', 's', 'm', 1, 0, 0, 0};
  nw::aot::Artifact a;
  a.engine_version = std::string(nw::aot::EngineVersion());
  a.module = wasm_bytes;
  std::vector<uint8_t> art = nw::aot::WriteArtifact(a);
  auto deserialize = [&](std::span<const uint8_t> bytes) {
    wasm_byte_vec_t v, err;
    wasm_byte_vec_new(&v, bytes.size(), reinterpret_cast<const wasm_byte_t*>(bytes.data()));
    EXPECT_EQ(wasm_module_deserialize(store_, &v), nullptr);
    EXPECT_EQ(nanowasm_module_deserialize(store_, &v, &err), nullptr);
    std::string s = ToString(err);
    wasm_byte_vec_delete(&err);
    wasm_byte_vec_delete(&v);
    return s;
  };
  EXPECT_EQ(deserialize(wasm_bytes), "00000000: artifact: not a nanowasm artifact (bad magic)");
  EXPECT_NE(deserialize(std::span(art).first(art.size() - 1)).find("(truncated)"),
            std::string::npos);
  EXPECT_EQ(deserialize(art), "artifact: the interp tier runs no AOT code");
}
