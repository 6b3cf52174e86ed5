// Hostile modules against the runtime (issue 15, docs/robustness.md "Run-time limits"): large
// tables at instantiation and through table.grow, a locals bomb, a trap at the bottom of a deep
// recursion, and bulk memory/table operations over large ranges. Each memory case runs in a
// forked child whose address space may grow by at most 1 GiB (../bounded.h): nothing may end
// it (std::bad_alloc, abort), and its peak resident memory must stay far below what the old
// code took (given per test); the bulk cases check fuel by size and epoch deadlines mid-way.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "../bounded.h"
#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

using namespace testing_bounded;

// ASan (shadow memory, quarantine) and a loaded 2-core machine: generous, far below the
// hundreds of MB and seconds the old code took.
constexpr size_t kMaxPeakGrowth = size_t{48} << 20;
constexpr double kMaxSeconds = 10.0;

std::shared_ptr<const Module> Load(const Engine& engine, std::string_view wat) {
  auto desc = ParseWat(wat);
  if (!desc) {
    std::fprintf(stderr, "  parse: %s\n", desc.error().ToString().c_str());
    return nullptr;
  }
  auto m = Module::FromDesc(engine, std::move(*desc));
  if (!m) std::fprintf(stderr, "  load: %s\n", m.error().ToString().c_str());
  return m ? *m : nullptr;
}

std::string Repeat(int n, const std::string& fmt_with_i) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string s = fmt_with_i;
    for (size_t at; (at = s.find("$I")) != std::string::npos;) s.replace(at, 2, std::to_string(i));
    out += s;
  }
  return out;
}

// n tables of `elems` elements; "set" writes the last element of each (so each table is really
// usable), "grow" grows each by `grow` and returns how many grows failed (-1).
std::string TablesModule(int n, uint32_t elems, uint32_t grow) {
  return "(module " + Repeat(n, "(table $t$I " + std::to_string(elems) + " funcref)") +
         "(func $f) (elem declare func $f)" +
         "(func (export \"set\") " +
         (elems ? Repeat(n, "(table.set $t$I (i32.const " + std::to_string(elems - 1) +
                                ") (ref.func $f))")
                : "") +
         ")(func (export \"grow\") (result i32) (local $failed i32) " +
         Repeat(n, "(if (i32.eq (table.grow $t$I (ref.null func) (i32.const " +
                       std::to_string(grow) +
                       ")) (i32.const -1)) (then (local.set $failed (i32.add (local.get $failed) "
                       "(i32.const 1)))))") +
         "(local.get $failed)))";
}

void ExpectMeasured(const char* what, const std::function<bool()>& check,
                    size_t max_growth = kMaxPeakGrowth) {
  Measured m = RunMeasured(check);
  std::fprintf(stderr, "  %s: peak RSS growth %.1f MB, %.2f s\n", what,
               double(m.peak_rss_growth) / (1 << 20), m.seconds);
  EXPECT_EQ(m.exit_code, 0) << what << ": the check failed or the child died";
  EXPECT_LT(m.peak_rss_growth, max_growth) << what;
  EXPECT_LT(m.seconds, kMaxSeconds) << what;
}

// The measure itself: 96 MB touched in the child shows as such (the high-water mark starts at
// the child's RSS, not the parent's peak).
TEST(HostileModule, PeakMeasureSeesTouchedMemory) {
  Measured m = RunMeasured([] {
    auto* p = static_cast<volatile char*>(
        mmap(nullptr, 96 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    for (size_t i = 0; i < (96 << 20); i += 4096) p[i] = 1;
    return p[12288] == 1;
  });
  EXPECT_EQ(m.exit_code, 0);
  EXPECT_GT(m.peak_rss_growth, size_t{90} << 20);
  EXPECT_LT(m.peak_rss_growth, size_t{120} << 20);
}

// 8 tables of 10,000,000 null elements: 640 MB of elements declared; the old code allocated and
// zeroed them all (629 MB RSS; std::bad_alloc under a 400 MB address-space limit).
TEST(HostileModule, LargeTablesCostWhatIsUsed) {
  ExpectMeasured("8 tables of 10M elements", [] {
    Engine engine;
    auto m = Load(engine, TablesModule(8, 10'000'000, 0));
    if (!m) return false;
    Store store(engine);
    auto inst = Linker().Instantiate(store, m);
    if (!inst) {
      std::fprintf(stderr, "  instantiate: %s\n", inst.error().message.c_str());
      return false;
    }
    auto r = (*inst)->GetFunc("set")->Call(store, {});
    return r.has_value() && static_cast<InstanceObj*>(*inst)->tables[7]->elems_.size() ==
                                10'000'000u;
  });
}

// 16 such tables need 1.28 GB of address space, more than the child may have: instantiation
// fails with an error (never std::bad_alloc), and the store keeps working.
TEST(HostileModule, TablesBeyondTheAddressSpaceFailCleanly) {
  ExpectMeasured("16 tables of 10M elements", [] {
    Engine engine;
    auto m = Load(engine, TablesModule(16, 10'000'000, 0));
    if (!m) return false;
    Store store(engine);
    auto inst = Linker().Instantiate(store, m);
    if (inst) return false;
    std::fprintf(stderr, "  instantiate: %s\n", inst.error().message.c_str());
    if (inst.error().message.find("out of memory for a table") == std::string::npos) return false;
    auto small = Load(engine, TablesModule(2, 10, 0));
    return small && Linker().Instantiate(store, small).has_value();
  });
}

// table.grow by 10,000,000 on 16 tables: the grows the address space allows succeed, the rest
// return -1 (the old code: std::bad_alloc); memory stays proportional to what is written.
TEST(HostileModule, TableGrowPastTheAddressSpaceReturnsMinusOne) {
  ExpectMeasured("16 x table.grow 10M", [] {
    Engine engine;
    auto m = Load(engine, TablesModule(16, 0, 10'000'000));
    if (!m) return false;
    Store store(engine);
    auto inst = Linker().Instantiate(store, m);
    if (!inst) return false;
    auto r = (*inst)->GetFunc("grow")->Call(store, {});
    if (!r) return false;
    std::fprintf(stderr, "  %d of 16 grows returned -1\n", (*r)[0].i32());
    return (*r)[0].i32() >= 1 && (*r)[0].i32() < 16;
  });
}

// 2,000 functions declaring 50,000 i64 locals each (a 16 KB module): the old code kept a zeroed
// init vector per function (789 MB RSS, 3.2 s, std::bad_alloc under 400 MB).
std::vector<uint8_t> LocalsBomb(uint32_t funcs, uint32_t locals) {
  std::vector<uint8_t> m = Header();
  PutSection(m, 1, {0x01, 0x60, 0x00, 0x00});
  std::vector<uint8_t> fsec;
  PutLeb(fsec, funcs);
  fsec.insert(fsec.end(), funcs, 0x00);
  PutSection(m, 3, fsec);
  std::vector<uint8_t> exp = {0x01, 0x03, 'r', 'u', 'n', 0x00};
  PutLeb(exp, funcs - 1);
  PutSection(m, 7, exp);
  std::vector<uint8_t> body = {0x01};
  PutLeb(body, locals);
  body.insert(body.end(), {0x7e, 0x0b});
  std::vector<uint8_t> code;
  PutLeb(code, funcs);
  for (uint32_t i = 0; i < funcs; ++i) {
    PutLeb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  PutSection(m, 10, code);
  return m;
}

TEST(HostileModule, LocalsBombCostsNoMemoryPerLocal) {
  ExpectMeasured("2,000 functions x 50,000 locals", [] {
    Engine engine;
    auto m = Module::FromBinary(engine, LocalsBomb(2000, 50'000));
    if (!m) {
      std::fprintf(stderr, "  load: %s\n", m.error().ToString().c_str());
      return false;
    }
    Store store(engine);
    auto inst = Linker().Instantiate(store, *m);
    return inst && (*inst)->GetFunc("run")->Call(store, {}).has_value();
  });
}

// A trap at the bottom of a 20,000-deep recursion of a function with a 10 KB name: the old
// code built 20,000 frames and printed 200 MB (8.2 s, 525 MB RSS).
TEST(HostileModule, DeepRecursionBacktraceIsBounded) {
  ExpectMeasured("trap 20,000 calls deep", [] {
    Engine engine;
    const std::string name(10'000, 'f');
    auto m = Load(engine, "(module (func $" + name + " (export \"run\") (call $" + name + ")))");
    if (!m) return false;
    Store store(engine);
    auto inst = Linker().Instantiate(store, m);
    if (!inst) return false;
    auto t0 = std::chrono::steady_clock::now();
    auto r = (*inst)->GetFunc("run")->Call(store, {});
    if (r) return false;
    const Trap& trap = r.error();
    const std::string text = trap.ToString();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "  %zu frames kept, %llu omitted, text %zu bytes, %.3f s\n",
                 trap.backtrace.size(), static_cast<unsigned long long>(trap.frames_omitted),
                 text.size(), s);
    const uint64_t total = trap.backtrace.size() + trap.frames_omitted;
    return trap.kind == TrapKind::kStackExhausted &&
           trap.backtrace.size() == Trap::kBacktraceHead + Trap::kBacktraceTail &&
           total == engine.config().max_call_depth && text.size() < 256 * 1024 &&
           text.find("\u2026 19900 frames omitted\n  #19950 ") != std::string::npos &&
           trap.backtrace[0].func_name.size() == Trap::kMaxFrameNameBytes + 3 && s < 1.0;
  });
}

// Through a host function that calls back in: the trap of the inner activation carries its
// bounded frames, the outer activation adds its own and the bound (and the count) still hold.
TEST(HostileModule, BacktraceAcrossHostReentryStaysBounded) {
  Config config;
  config.max_call_depth = 3000;
  Engine engine(config);
  auto m = Load(engine, R"((module
    (import "host" "reenter" (func $reenter))
    (global $n (mut i32) (i32.const 0))
    (func $outer (export "outer")
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (if (i32.lt_u (global.get $n) (i32.const 1000)) (then (call $outer)) (else (call $reenter))))
    (func $inner (export "inner") (call $inner))))");
  ASSERT_NE(m, nullptr);
  Store store(engine);
  Instance* inst = nullptr;
  Func* host = Func::CreateHost(store, FuncType{}, [&](Caller&, auto, auto) -> TrapResult<void> {
    auto r = inst->GetFunc("inner")->Call(store, {});
    if (r) return {};
    return std::unexpected(std::move(r.error()));
  });
  Linker linker;
  linker.Define("host", "reenter", host);
  auto i = linker.Instantiate(store, m);
  ASSERT_TRUE(i.has_value()) << i.error().message;
  inst = *i;
  auto r = inst->GetFunc("outer")->Call(store, {});
  ASSERT_FALSE(r.has_value());
  const Trap& t = r.error();
  EXPECT_EQ(t.kind, TrapKind::kStackExhausted);
  ASSERT_EQ(t.backtrace.size(), Trap::kBacktraceHead + Trap::kBacktraceTail);
  EXPECT_EQ(t.backtrace.size() + t.frames_omitted, 3000u);  // every wasm frame, counted once
  EXPECT_EQ(t.backtrace.front().func_name, "inner");
  EXPECT_EQ(t.backtrace.back().func_name, "outer");
}

// Per-instance and per-store overhead (docs/robustness.md): 1,000 instances of a small module
// (a function, a 1-page memory, a 10-element table, a global, two exports) in one store, then
// 50 empty stores (each reserves 16 MiB of address space for its value stack: 50 fit in the
// 1 GiB bound). The bounds are loose (ASan); the measured figures are printed.
TEST(HostileModule, PerInstanceAndPerStoreOverhead) {
  Measured inst = RunMeasured([] {
    Engine engine;
    auto m = Load(engine, R"((module (memory (export "m") 1 1) (table 10 funcref)
      (global (mut i32) (i32.const 0)) (func (export "f") (result i32) (i32.const 1))))");
    if (!m) return false;
    Store store(engine);
    for (int i = 0; i < 1000; ++i)
      if (!Linker().Instantiate(store, m)) return false;
    return true;
  });
  Measured stores = RunMeasured([] {
    Engine engine;
    std::vector<std::unique_ptr<Store>> v;
    for (int i = 0; i < 50; ++i) v.push_back(std::make_unique<Store>(engine));
    return true;
  });
  std::fprintf(stderr, "  per instance %.1f KB, per store %.1f KB\n",
               double(inst.peak_rss_growth) / 1000 / 1024, double(stores.peak_rss_growth) / 50 / 1024);
  EXPECT_EQ(inst.exit_code, 0);
  EXPECT_EQ(stores.exit_code, 0);
  // Release measures 1.8 KB and 6.2 KB; ASan's allocator adds redzones (26 KB and 78 KB). The
  // old code zeroed 472 KB of call frames per store.
  EXPECT_LT(inst.peak_rss_growth / 1000, size_t{128} << 10);
  EXPECT_LT(stores.peak_rss_growth / 50, size_t{200} << 10);
}

// ---- bulk operations --------------------------------------------------------------------------

constexpr std::string_view kBulk = R"((module
  (memory (export "mem") 257 257)
  (table $t 1000000 funcref)
  (func $f) (elem declare func $f)
  (func (export "fill") (param i32) (memory.fill (i32.const 0) (i32.const 7) (local.get 0)))
  (func (export "copy") (param i32) (memory.copy (i32.const 1) (i32.const 0) (local.get 0)))
  (func (export "tfill") (param i32) (table.fill $t (i32.const 0) (ref.func $f) (local.get 0)))))";

uint64_t FuelUsed(Store& store, Func* f, uint32_t n) {
  store.SetFuel(1'000'000'000);
  auto r = f->Call(store, std::vector<Val>{Val::I32(static_cast<int32_t>(n))});
  EXPECT_TRUE(r.has_value());
  return 1'000'000'000 - *store.GetFuel();
}

TEST(HostileModule, BulkOperationsAreChargedFuelBySize) {
  Config config;
  config.consume_fuel = true;
  Engine engine(config);
  auto m = Load(engine, kBulk);
  ASSERT_NE(m, nullptr);
  Store store(engine);
  auto i = Linker().Instantiate(store, m);
  ASSERT_TRUE(i.has_value());
  Instance* inst = *i;
  constexpr uint32_t kBytes = 16 << 20;
  for (const char* name : {"fill", "copy"}) {
    Func* f = inst->GetFunc(name);
    const uint64_t base = FuelUsed(store, f, 0);
    EXPECT_EQ(FuelUsed(store, f, kBytes) - base, kBytes / 64) << name;
  }
  Func* tfill = inst->GetFunc("tfill");
  EXPECT_EQ(FuelUsed(store, tfill, 1'000'000) - FuelUsed(store, tfill, 0), 1'000'000 * 8 / 64);

  // One unit short: the fill traps before writing anything.
  Func* fill = inst->GetFunc("fill");
  Memory* mem = inst->GetMemory("mem");
  std::fill(mem->data().begin(), mem->data().end(), 0);
  const uint64_t need = FuelUsed(store, fill, kBytes);
  std::fill(mem->data().begin(), mem->data().end(), 0);
  store.SetFuel(need - 1);
  auto r = fill->Call(store, std::vector<Val>{Val::I32(kBytes)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kOutOfFuel);
  EXPECT_EQ(mem->data()[0], 0);
}

// Entering a function zeroes its locals: 800 i64 locals cost 800 * 8 / 64 = 100 units more than
// none (a call of a function declaring 50,000 locals is not one unit).
TEST(HostileModule, FrameEntryIsChargedBySize) {
  Config config;
  config.consume_fuel = true;
  Engine engine(config);
  auto m = Load(engine, "(module (func (export \"small\") (param i32))"
                        "(func (export \"big\") (param i32) (local" + Repeat(800, " i64") + ")))");
  ASSERT_NE(m, nullptr);
  Store store(engine);
  auto i = Linker().Instantiate(store, m);
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(FuelUsed(store, (*i)->GetFunc("big"), 0) - FuelUsed(store, (*i)->GetFunc("small"), 0),
            100u);
}

// One memory.fill of 1 GiB, and the epoch passes 20 ms into it: the fill stops within a chunk
// (the old code finished the whole gigabyte first; `nanowasm run --timeout 100ms` of four such
// operations took 10 s before and 0.16 s now).
TEST(HostileModule, OneGigabyteFillStopsAtTheDeadline) {
  Config config;
  config.epoch_interruption = true;
  Engine engine(config);
  auto m = Load(engine, R"((module
    (memory (export "mem") 16384 16384)
    (func (export "fill") (memory.fill (i32.const 0) (i32.const 1) (i32.const 0x40000000)))))");
  ASSERT_NE(m, nullptr);
  Store store(engine);
  auto i = Linker().Instantiate(store, m);
  ASSERT_TRUE(i.has_value());
  store.SetEpochDeadline(1);
  std::chrono::steady_clock::time_point ticked;
  std::thread ticker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ticked = std::chrono::steady_clock::now();
    engine.IncrementEpoch();
  });
  auto r = (*i)->GetFunc("fill")->Call(store, {});
  auto stopped = std::chrono::steady_clock::now();
  ticker.join();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kInterrupted);
  const double late = std::chrono::duration<double>(stopped - ticked).count();
  std::fprintf(stderr, "  stopped %.1f ms after the deadline\n", late * 1000);
  EXPECT_LT(late, 0.5);
  Memory* mem = (*i)->GetMemory("mem");
  EXPECT_EQ(mem->data()[0], 1);                       // it had started
  EXPECT_EQ(mem->data()[mem->data().size() - 1], 0);  // and did not finish
}

}  // namespace
}  // namespace nw
