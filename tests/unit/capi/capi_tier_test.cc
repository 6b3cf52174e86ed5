// nanowasm_config_tier: a C API engine on the opt tier compiles (in a program that links the
// compiler), serializes, and loads AOT artifacts through wasm_module_deserialize; the loaded
// module runs and traps with a backtrace; interpreter engines and engines of another
// configuration refuse the artifact with a reason. Without the compiler (a build without
// LLVM) the tests that need one say so and are skipped; the rest run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nanowasm.h"
#include "wasm.h"
#if NW_TEST_HAVE_OPT_COMPILER
#include "opt/opt_tier.h"
#endif

namespace {

#if NW_TEST_HAVE_OPT_COMPILER
// A strong reference: the engine refers to the compiler weakly (src/engine/engine.cc).
[[maybe_unused]] const nw::Tier& g_link_compiler = nw::opt::OptTier();
#endif

std::string Text(const wasm_byte_vec_t& v) {
  std::string s(v.data, v.size);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

// An engine and a store on `tier`, NaN canonicalization as given.
struct Env {
  explicit Env(nanowasm_tier_t tier, bool canonical_nans = false) {
    wasm_config_t* config = wasm_config_new();
    EXPECT_TRUE(nanowasm_config_tier(config, tier));
    nanowasm_config_canonicalize_nans(config, canonical_nans);
    engine = wasm_engine_new_with_config(config);
    store = wasm_store_new(engine);
  }
  ~Env() {
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
  wasm_engine_t* engine;
  wasm_store_t* store;
};

constexpr char kWat[] = R"((module
  (func $div (export "div") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1)))
  (func $outer (export "outer") (param i32) (result i32)
    (call $div (i32.const 7) (local.get 0)))))";

wasm_module_t* FromWat(wasm_store_t* store, std::string* why) {
  wasm_byte_vec_t err;
  wasm_module_t* m = nanowasm_module_new_wat(store, kWat, sizeof kWat - 1, &err);
  if (!m) {
    *why = Text(err);
    wasm_byte_vec_delete(&err);
  }
  return m;
}

wasm_trap_t* CallI32(wasm_store_t* store, wasm_module_t* m, size_t export_index,
                     std::vector<int32_t> args, int32_t* result) {
  wasm_instance_t* inst = wasm_instance_new(store, m, nullptr, nullptr);
  EXPECT_NE(inst, nullptr);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  const wasm_func_t* f = wasm_extern_as_func(exports.data[export_index]);
  std::vector<wasm_val_t> in;
  for (int32_t a : args) in.push_back(WASM_I32_VAL(a));
  wasm_val_t out[1] = {WASM_INIT_VAL};
  wasm_val_vec_t params = {in.size(), in.data()}, results = {1, out};
  wasm_trap_t* trap = wasm_func_call(f, &params, &results);
  if (!trap) *result = out[0].of.i32;
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(inst);
  return trap;
}

TEST(CApiTier, UnknownTierIsRefusedAndLeavesTheConfig) {
  wasm_config_t* config = wasm_config_new();
  EXPECT_FALSE(nanowasm_config_tier(config, 7));
  EXPECT_FALSE(nanowasm_tier_compiles(7));
  EXPECT_TRUE(nanowasm_tier_compiles(NANOWASM_TIER_INTERP));
  wasm_engine_t* engine = wasm_engine_new_with_config(config);  // still the interpreter
  wasm_store_t* store = wasm_store_new(engine);
  std::string why;
  wasm_module_t* m = FromWat(store, &why);
  ASSERT_NE(m, nullptr) << why;
  wasm_byte_vec_t out, err;
  EXPECT_FALSE(nanowasm_module_serialize(m, &out, &err));
  EXPECT_EQ(Text(err), "the interp tier writes no AOT artifacts");
  wasm_byte_vec_delete(&err);
  wasm_byte_vec_delete(&out);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

TEST(CApiTier, OptEngineWithoutCompilerSaysWhy) {
  if (nanowasm_tier_compiles(NANOWASM_TIER_OPT))
    GTEST_SKIP() << "SKIPPED: this test program links the LLVM compiler";
  Env env(NANOWASM_TIER_OPT);
  std::string why;
  EXPECT_EQ(FromWat(env.store, &why), nullptr);
  EXPECT_NE(why.find("opt tier"), std::string::npos) << why;
}

TEST(CApiTier, ArtifactRoundTripsThroughWasmH) {
  if (!nanowasm_tier_compiles(NANOWASM_TIER_OPT))
    GTEST_SKIP() << "SKIPPED: no LLVM compiler in this build (NANOWASM_ENABLE_LLVM OFF)";
  wasm_byte_vec_t artifact;
  {
    Env env(NANOWASM_TIER_OPT);
    std::string why;
    wasm_module_t* m = FromWat(env.store, &why);
    ASSERT_NE(m, nullptr) << why;
    wasm_module_serialize(m, &artifact);
    wasm_module_delete(m);
  }
  ASSERT_GT(artifact.size, 0u);

  // A fresh engine on the opt tier loads it and runs it.
  {
    Env env(NANOWASM_TIER_OPT);
    wasm_module_t* m = wasm_module_deserialize(env.store, &artifact);
    ASSERT_NE(m, nullptr);
    int32_t r = 0;
    EXPECT_EQ(CallI32(env.store, m, 0, {42, 5}, &r), nullptr);
    EXPECT_EQ(r, 8);
    EXPECT_EQ(CallI32(env.store, m, 1, {2}, &r), nullptr);
    EXPECT_EQ(r, 3);
    // Divide by zero, two frames deep: the trap names both functions, innermost first.
    wasm_trap_t* trap = CallI32(env.store, m, 1, {0}, &r);
    ASSERT_NE(trap, nullptr);
    EXPECT_EQ(nanowasm_trap_kind(trap), NANOWASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    ASSERT_GE(trace.size, 1u);
    EXPECT_EQ(wasm_frame_func_index(trace.data[0]), 0u);
    if (trace.size >= 2) EXPECT_EQ(wasm_frame_func_index(trace.data[1]), 1u);
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
    wasm_module_delete(m);
  }
  // The interpreter and an opt engine of another configuration refuse it, saying why.
  for (bool canonical : {false, true}) {
    Env env(canonical ? NANOWASM_TIER_OPT : NANOWASM_TIER_INTERP, canonical);
    wasm_byte_vec_t err;
    EXPECT_EQ(wasm_module_deserialize(env.store, &artifact), nullptr);
    EXPECT_EQ(nanowasm_module_deserialize(env.store, &artifact, &err), nullptr);
    std::string why = Text(err);
    EXPECT_NE(why.find(canonical ? "NaN canonicalization" : "interp tier runs no AOT code"),
              std::string::npos)
        << why;
    wasm_byte_vec_delete(&err);
  }
  wasm_byte_vec_delete(&artifact);
}

}  // namespace
