// The C API for components (nanowasm_component_* in include/nanowasm.h): value trees both
// ways through a host function, ownership (results freed with nanowasm_cval_delete, host
// results malloc'd and taken over), errors with kinds, host resources, linking two instances.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "nanowasm.h"

namespace {

#include "component_pair.inc"

std::string Msg(const wasm_byte_vec_t& v) { return v.data ? std::string(v.data) : ""; }

nanowasm_cval_t U32(uint32_t v) {
  nanowasm_cval_t c{};
  c.kind = NANOWASM_CVAL_U32;
  c.of.u = v;
  return c;
}

struct CApi : ::testing::Test {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  nanowasm_component_store_t* cs = nanowasm_component_store_new(store);
  ~CApi() override {
    nanowasm_component_store_delete(cs);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
  nanowasm_component_t* Load(const char* text) {
    wasm_byte_vec_t err{0, nullptr};
    nanowasm_component_t* c = nanowasm_component_new_text(text, strlen(text), &err);
    EXPECT_TRUE(c) << Msg(err);
    wasm_byte_vec_delete(&err);
    return c;
  }
  // The caller component of component_pair.inc with `cb` as its host import
  // local:demo/api#process; the linker is gone once the instance exists (it keeps what it needs).
  struct Caller {
    nanowasm_component_t* component = nullptr;
    nanowasm_component_instance_t* inst = nullptr;
  };
  Caller InstantiateCaller(nanowasm_component_func_callback_t cb, void* env) {
    Caller c{Load(kCaller), nullptr};
    if (!c.component) return c;
    nanowasm_component_linker_t* l = nanowasm_component_linker_new();
    nanowasm_component_linker_define_func(l, "local:demo/api#process", cb, env, nullptr);
    nanowasm_component_error_t err{};
    c.inst = nanowasm_component_instance_new(l, cs, c.component, &err);
    EXPECT_TRUE(c.inst) << Msg(err.message);
    nanowasm_component_error_delete(&err);
    nanowasm_component_linker_delete(l);
    return c;
  }
};

// The host implements local:demo/api#process in C: it receives the 1 KiB string as a tree and
// returns a malloc'd record.
bool Process(void* env, const nanowasm_cval_t* args, size_t nargs, nanowasm_cval_t* results,
             size_t nresults, wasm_byte_vec_t* error) {
  ++*static_cast<int*>(env);
  if (nargs != 1 || nresults != 1 || args[0].kind != NANOWASM_CVAL_STRING) return false;
  const auto& s = args[0].of.string;
  nanowasm_cval_t* f = static_cast<nanowasm_cval_t*>(calloc(3, sizeof(nanowasm_cval_t)));
  f[0] = U32(static_cast<uint32_t>(s.size));
  f[1] = U32(static_cast<uint8_t>(s.data[0]));
  f[2] = U32(static_cast<uint8_t>(s.data[s.size - 1]));
  results[0].kind = NANOWASM_CVAL_RECORD;
  results[0].of.elems.data = f;
  results[0].of.elems.size = 3;
  return true;
}

bool Fail(void*, const nanowasm_cval_t*, size_t, nanowasm_cval_t*, size_t, wasm_byte_vec_t* error) {
  wasm_byte_vec_new(error, 5, "nope");
  return false;
}

TEST_F(CApi, HostFunctionAndCalls) {
  nanowasm_component_t* caller = Load(kCaller);
  ASSERT_TRUE(caller);
  nanowasm_component_linker_t* l = nanowasm_component_linker_new();
  int calls = 0;
  nanowasm_component_linker_define_func(l, "local:demo/api#process", Process, &calls, nullptr);
  nanowasm_component_error_t err{};
  nanowasm_component_instance_t* inst = nanowasm_component_instance_new(l, cs, caller, &err);
  ASSERT_TRUE(inst) << Msg(err.message);
  nanowasm_component_linker_delete(l);  // the instance keeps what it needs

  nanowasm_cval_t arg = U32(4), result{};
  size_t n = 0;
  ASSERT_TRUE(nanowasm_component_instance_call(inst, "run", &arg, 1, &result, 1, &n, &err)) << Msg(err.message);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(result.kind, NANOWASM_CVAL_U32);
  EXPECT_EQ(result.of.u, 4u * (1024 + 'a' + 'z'));
  EXPECT_EQ(calls, 4);
  nanowasm_cval_delete(&result);

  // Misuse: a wrong argument kind is an error and runs nothing.
  nanowasm_cval_t wrong{};
  wrong.kind = NANOWASM_CVAL_STRING;
  wrong.of.string.data = const_cast<char*>("x");
  wrong.of.string.size = 1;
  EXPECT_FALSE(nanowasm_component_instance_call(inst, "run", &wrong, 1, &result, 1, &n, &err));
  EXPECT_EQ(err.kind, NANOWASM_COMPONENT_ERROR);
  EXPECT_NE(Msg(err.message).find("expected a u32"), std::string::npos) << Msg(err.message);
  nanowasm_component_error_delete(&err);
  EXPECT_FALSE(nanowasm_component_instance_call(inst, "nothing", nullptr, 0, nullptr, 0, &n, &err));
  nanowasm_component_error_delete(&err);
  EXPECT_FALSE(nanowasm_component_instance_call(inst, "run", &arg, 1, nullptr, 0, &n, &err));
  nanowasm_component_error_delete(&err);
  EXPECT_EQ(calls, 4);
  nanowasm_component_instance_delete(inst);
  nanowasm_component_delete(caller);
}

// The store's limits through the C API: read back as set, and a host-value bound below the
// 1 KiB string the caller passes to its host import traps before the host function runs.
TEST_F(CApi, StoreLimitsBoundHostValues) {
  nanowasm_component_limits_t lim{};
  nanowasm_component_store_get_limits(cs, &lim);
  EXPECT_EQ(lim.max_async_threads, 256u);
  EXPECT_EQ(lim.max_callback_tasks, 65536u);
  EXPECT_EQ(lim.max_host_value_bytes, uint64_t{512} << 20);
  lim.max_host_value_bytes = 512;
  nanowasm_component_store_set_limits(cs, &lim);
  nanowasm_component_limits_t back{};
  nanowasm_component_store_get_limits(cs, &back);
  EXPECT_EQ(back.max_host_value_bytes, 512u);
  EXPECT_EQ(back.max_callback_tasks, 65536u);

  int calls = 0;
  Caller c = InstantiateCaller(Process, &calls);
  ASSERT_TRUE(c.inst);
  nanowasm_cval_t arg = U32(1), result{};
  nanowasm_component_error_t err{};
  EXPECT_FALSE(nanowasm_component_instance_call(c.inst, "run", &arg, 1, &result, 1, nullptr, &err));
  EXPECT_NE(Msg(err.message).find("of host memory"), std::string::npos) << Msg(err.message);
  EXPECT_EQ(calls, 0);
  nanowasm_component_error_delete(&err);
  nanowasm_component_instance_delete(c.inst);
  nanowasm_component_delete(c.component);
}

TEST_F(CApi, HostFailureIsAHostTrap) {
  Caller c = InstantiateCaller(Fail, nullptr);
  ASSERT_TRUE(c.inst);
  nanowasm_component_instance_t* inst = c.inst;
  nanowasm_component_error_t err{};
  nanowasm_cval_t arg = U32(1), result{};
  EXPECT_FALSE(nanowasm_component_instance_call(inst, "run", &arg, 1, &result, 1, nullptr, &err));
  EXPECT_EQ(err.kind, NANOWASM_COMPONENT_HOST_TRAP);
  EXPECT_NE(Msg(err.message).find("nope"), std::string::npos) << Msg(err.message);
  nanowasm_component_error_delete(&err);
  // Called again after the trap: the instance refuses to be entered (an ABI trap).
  EXPECT_FALSE(nanowasm_component_instance_call(inst, "run", &arg, 1, &result, 1, nullptr, &err));
  EXPECT_EQ(err.kind, NANOWASM_COMPONENT_ABI_TRAP);
  nanowasm_component_error_delete(&err);
  nanowasm_component_instance_delete(inst);
  nanowasm_component_delete(c.component);
}

TEST_F(CApi, LinksTwoComponentsAndReturnsARecordTree) {
  nanowasm_component_t* callee = Load(kCallee);
  nanowasm_component_t* caller = Load(kCaller);
  nanowasm_component_linker_t* l = nanowasm_component_linker_new();
  nanowasm_component_error_t err{};
  nanowasm_component_instance_t* svc = nanowasm_component_instance_new(l, cs, callee, &err);
  ASSERT_TRUE(svc) << Msg(err.message);
  nanowasm_cval_t s{}, rec{};
  s.kind = NANOWASM_CVAL_STRING;
  s.of.string.data = const_cast<char*>("héllo");
  s.of.string.size = strlen("héllo");
  ASSERT_TRUE(nanowasm_component_instance_call(svc, "local:demo/api#process", &s, 1, &rec, 1, nullptr, &err))
      << Msg(err.message);
  ASSERT_EQ(rec.kind, NANOWASM_CVAL_RECORD);
  ASSERT_EQ(rec.of.elems.size, 3u);
  EXPECT_EQ(rec.of.elems.data[0].of.u, 6u);
  EXPECT_EQ(rec.of.elems.data[1].of.u, uint32_t{'h'});
  EXPECT_EQ(rec.of.elems.data[2].of.u, uint32_t{'o'});
  nanowasm_cval_delete(&rec);

  // "local:demo/api" is an export of svc; the linker takes the instance itself.
  nanowasm_component_linker_t* l2 = nanowasm_component_linker_new();
  nanowasm_component_linker_define_instance(l2, "local:demo/api", svc);
  nanowasm_component_instance_t* user = nanowasm_component_instance_new(l2, cs, caller, &err);
  EXPECT_FALSE(user);  // svc is the whole callee, not its "local:demo/api" instance
  nanowasm_component_error_delete(&err);
  nanowasm_component_instance_t* api = nanowasm_component_instance_get_instance(svc, "local:demo/api");
  ASSERT_TRUE(api);
  EXPECT_FALSE(nanowasm_component_instance_get_instance(svc, "nope"));
  nanowasm_component_linker_define_instance(l2, "local:demo/api", api);
  user = nanowasm_component_instance_new(l2, cs, caller, &err);
  ASSERT_TRUE(user) << Msg(err.message);
  nanowasm_cval_t arg = U32(2), result{};
  ASSERT_TRUE(nanowasm_component_instance_call(user, "run", &arg, 1, &result, 1, nullptr, &err));
  EXPECT_EQ(result.of.u, 2u * (1024 + 'a' + 'z'));
  nanowasm_component_instance_delete(user);
  nanowasm_component_instance_delete(api);
  nanowasm_component_instance_delete(svc);
  nanowasm_component_linker_delete(l);
  nanowasm_component_linker_delete(l2);
  nanowasm_component_delete(callee);
  nanowasm_component_delete(caller);
}

TEST_F(CApi, HostDropsAGuestResource) {
  nanowasm_component_t* c = Load(R"((component
    (core module $M
      (global $c (mut i32) (i32.const 0))
      (func (export "dtor") (param i32) (global.set $c (i32.add (global.get $c) (local.get 0))))
      (func (export "count") (result i32) (global.get $c)))
    (core instance $m (instantiate $M))
    (type $R (resource (rep i32) (dtor (core func $m "dtor"))))
    (export $Re "r" (type $R))
    (core func $new (canon resource.new $R))
    (func (export "make") (param "rep" u32) (result (own $Re)) (canon lift (core func $new)))
    (func (export "count") (result u32) (canon lift (core func $m "count")))
  ))");
  ASSERT_TRUE(c);
  nanowasm_component_linker_t* l = nanowasm_component_linker_new();
  nanowasm_component_error_t err{};
  nanowasm_component_instance_t* inst = nanowasm_component_instance_new(l, cs, c, &err);
  ASSERT_TRUE(inst) << Msg(err.message);
  nanowasm_cval_t arg = U32(9), own{}, count{};
  ASSERT_TRUE(nanowasm_component_instance_call(inst, "make", &arg, 1, &own, 1, nullptr, &err));
  ASSERT_EQ(own.kind, NANOWASM_CVAL_OWN);
  ASSERT_TRUE(nanowasm_component_instance_drop_resource(inst, "r", own.of.rep, &err)) << Msg(err.message);
  ASSERT_TRUE(nanowasm_component_instance_call(inst, "count", nullptr, 0, &count, 1, nullptr, &err));
  EXPECT_EQ(count.of.u, 9u);
  EXPECT_FALSE(nanowasm_component_instance_drop_resource(inst, "count", 1, &err));
  EXPECT_EQ(err.kind, NANOWASM_COMPONENT_ERROR);
  nanowasm_component_error_delete(&err);
  nanowasm_component_instance_delete(inst);
  nanowasm_component_linker_delete(l);
  nanowasm_component_delete(c);
}

TEST_F(CApi, MalformedComponentHasAnOffset) {
  const char bytes[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07};
  wasm_byte_vec_t bin{sizeof bytes, const_cast<char*>(bytes)};
  wasm_byte_vec_t err{0, nullptr};
  EXPECT_FALSE(nanowasm_component_new(&bin, &err));
  EXPECT_EQ(Msg(err), "00000009: unexpected end-of-file");
  wasm_byte_vec_delete(&err);
}

}  // namespace
