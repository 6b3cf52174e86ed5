// Parallel compilation (compiler.h: Options::threads, chunk_bytes): the object must be the same
// bytes for any thread count, calls across chunks must reach the right function after the
// merge, and a body that fails validation must give the same error whatever the chunking.
#include <gtest/gtest.h>

#include <string>

#include "opt/object_merge.h"
#include "opt_harness.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

// `n` functions; f_i loops i+1 times mixing its argument, calls f_{i-1} directly and
// f_{i/2} through the table, and keeps a running value in memory and a global. "run" calls
// f_{n-1}.
std::string ManyFunctions(int n) {
  std::string t = "(module (memory 1) (global $g (mut i32) (i32.const 7))\n";
  t += "(type $t (func (param i32) (result i32)))\n";
  t += "(table " + std::to_string(n) + " funcref)\n(elem (i32.const 0)";
  for (int i = 0; i < n; ++i) t += " $f" + std::to_string(i);
  t += ")\n";
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i * 2654435761u % 1000003u);
    t += "(func $f" + std::to_string(i) + " (type $t) (local $j i32) (local $h i32)\n";
    t += "  (local.set $h (i32.mul (local.get 0) (i32.const " + k + ")))\n";
    t += "  (loop $l (local.set $h (i32.xor (i32.rotl (local.get $h) (i32.const 5))"
         " (i32.load (i32.and (i32.shl (local.get $j) (i32.const 2)) (i32.const 1020)))))\n";
    t += "    (i32.store (i32.and (i32.shl (local.get $h) (i32.const 2)) (i32.const 1020)) (local.get $h))\n";
    t += "    (local.set $j (i32.add (local.get $j) (i32.const 1)))\n";
    t += "    (br_if $l (i32.le_u (local.get $j) (i32.const " + std::to_string(i % 13) + "))))\n";
    t += "  (global.set $g (i32.add (global.get $g) (local.get $h)))\n";
    if (i == 0) {
      t += "  (i32.add (local.get $h) (global.get $g)))\n";
    } else {
      t += "  (i32.add (call $f" + std::to_string(i - 1) + " (i32.add (local.get $h) (i32.const 1)))\n";
      t += "    (call_indirect (type $t) (local.get $h) (i32.const " + std::to_string(i / 2) + "))))\n";
    }
  }
  t += "(func (export \"run\") (param i32) (result i32) (call $f" + std::to_string(n - 1) +
       " (local.get 0))))";
  return t;
}

ModuleDesc Parse(const std::string& text) {
  auto d = ParseWat(text);
  EXPECT_TRUE(d) << d.error().ToString();
  return d ? std::move(*d) : ModuleDesc{};
}

uint32_t RunCompiled(const ModuleDesc& desc, const Options& o) {
  OptStore store(o);
  auto m = Module::FromDesc(store.engine(), desc);
  EXPECT_TRUE(m) << m.error().ToString();
  if (!m) return 0;
  auto inst = store.Instantiate(*m);
  EXPECT_TRUE(inst) << inst.error();
  if (!inst) return 0;
  auto r = store.CallExport(**inst, "run", std::vector<uint64_t>{12345});
  EXPECT_TRUE(r);
  return r ? static_cast<uint32_t>((*r)[0]) : 0;
}

TEST(OptParallel, SameObjectBytesForAnyThreadCount) {
  ModuleDesc desc = Parse(ManyFunctions(24));
  for (size_t chunk_bytes : {size_t{1}, size_t{300}, size_t{0}}) {
    std::vector<uint8_t> first;
    size_t chunks = 0;
    for (unsigned threads : {1u, 2u, 8u}) {
      Options o;
      o.threads = threads;
      o.chunk_bytes = chunk_bytes;
      auto obj = CompileModule(desc, o);
      ASSERT_TRUE(obj) << obj.error().ToString();
      if (threads == 1) {
        first = obj->elf;
        chunks = obj->stats.chunks;
      }
      EXPECT_EQ(obj->elf, first) << "chunk_bytes " << chunk_bytes << ", threads " << threads;
      EXPECT_EQ(obj->stats.chunks, chunks);
    }
    if (chunk_bytes == 1) EXPECT_EQ(chunks, desc.functions.size());
    if (chunk_bytes == 0) EXPECT_EQ(chunks, 1u);
  }
}

TEST(OptParallel, CallsAcrossChunksReachTheirTargets) {
  ModuleDesc desc = Parse(ManyFunctions(24));
  // The interpreter's answer.
  Engine engine;
  auto m = Module::FromDesc(engine, desc);
  ASSERT_TRUE(m);
  Store store(engine);
  auto inst = Linker().Instantiate(store, *m);
  ASSERT_TRUE(inst);
  std::vector<Val> args{Val::I32(12345)};
  auto expect = (*inst)->GetFunc("run")->Call(store, args);
  ASSERT_TRUE(expect);
  uint32_t want = static_cast<uint32_t>((*expect)[0].i32());
  for (size_t chunk_bytes : {size_t{1}, size_t{300}, size_t{0}}) {
    Options o;
    o.threads = 2;
    o.chunk_bytes = chunk_bytes;
    EXPECT_EQ(RunCompiled(desc, o), want) << "chunk_bytes " << chunk_bytes;
  }
}

TEST(OptParallel, FirstInvalidBodyIsTheErrorWhateverTheChunking) {
  // Functions 8 and 20 are invalid (an i64 returned as i32): the error is always function 8's.
  std::string text = ManyFunctions(24);
  for (int bad : {8, 20}) {
    std::string needle = "(func $f" + std::to_string(bad) + " (type $t) (local $j i32) (local $h i32)\n";
    size_t at = text.find(needle);
    ASSERT_NE(at, std::string::npos);
    text.insert(at + needle.size(), "  (return (i64.const 1))\n");
  }
  auto d = ParseWat(text);
  ASSERT_TRUE(d) << d.error().ToString();
  std::string first;
  for (unsigned threads : {1u, 2u, 4u}) {
    for (size_t chunk_bytes : {size_t{1}, size_t{0}}) {
      Options o;
      o.threads = threads;
      o.chunk_bytes = chunk_bytes;
      auto r = CompileModule(*d, o);
      ASSERT_FALSE(r);
      if (first.empty()) first = r.error().ToString();
      EXPECT_EQ(r.error().ToString(), first) << "threads " << threads << ", chunk_bytes " << chunk_bytes;
    }
  }
}

TEST(OptParallel, MergeRefusesDamagedOrConflictingObjects) {
  ModuleDesc desc = Parse(ManyFunctions(4));
  Options o;
  o.chunk_bytes = 0;
  auto obj = CompileModule(desc, o);
  ASSERT_TRUE(obj);
  std::vector<std::vector<uint8_t>> two{obj->elf, obj->elf};
  auto r = MergeObjects(two);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("defined twice"), std::string::npos) << r.error().message;
  std::vector<std::vector<uint8_t>> damaged{obj->elf, std::vector<uint8_t>(obj->elf.begin(), obj->elf.begin() + 100)};
  EXPECT_FALSE(MergeObjects(damaged));
}

}  // namespace
}  // namespace nw::opt::test
