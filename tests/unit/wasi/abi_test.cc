// WASI host functions called from small WAT modules (no toolchain needed): the wasi_unstable
// layouts that differ from preview1 (filestat, whence), calls from a module without memory,
// proc_exit as a kExit trap, each WasiCtx being its own capability table, config errors, and
// host state the guest must not be able to touch (SIGPIPE, the host's stdio flags).
#include <gtest/gtest.h>
#include <signal.h>

#include "guest_runner.h"
#include "text/wat.h"

namespace {

using namespace nwtest;

struct Instance {
  nw::Engine engine{WithTestTier()};
  nw::Store store{engine};
  nw::Instance* inst = nullptr;
};

std::unique_ptr<Instance> Instantiate(const std::string& wat, std::shared_ptr<nw::WasiCtx> ctx) {
  auto out = std::make_unique<Instance>();
  auto desc = nw::ParseWat(wat);
  EXPECT_TRUE(desc) << desc.error().message;
  if (!desc) return nullptr;
  auto m = nw::Module::FromDesc(out->engine, std::move(*desc));
  EXPECT_TRUE(m) << m.error().message;
  if (!m) return nullptr;
  nw::Linker linker;
  nw::DefineWasi(linker, out->store, std::move(ctx));
  auto inst = linker.Instantiate(out->store, *m);
  EXPECT_TRUE(inst) << inst.error().message;
  if (!inst) return nullptr;
  out->inst = *inst;
  return out;
}

int64_t CallI(Instance& i, const char* name, std::vector<nw::Val> args = {}) {
  auto r = i.inst->GetFunc(name)->Call(i.store, args);
  EXPECT_TRUE(r) << r.error().ToString();
  return r && !r->empty() ? (*r)[0].i64() : -1;
}

std::shared_ptr<nw::WasiCtx> CtxWithDir(const std::string& dir, bool read_only = false) {
  nw::WasiConfig c;
  c.dirs.push_back({dir, ".", read_only});
  auto ctx = nw::CreateWasiCtx(c);
  EXPECT_TRUE(ctx);
  return *ctx;
}

TEST(WasiAbi, FilestatLayoutsPreview1AndUnstable) {
  TempDir tmp;
  WriteFile(tmp / "f", "12345");
  auto i = Instantiate(R"((module
    (import "wasi_snapshot_preview1" "path_filestat_get" (func $p1 (param i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_unstable" "path_filestat_get" (func $p0 (param i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "f")
    (func (export "p1") (result i64)
      (drop (call $p1 (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 64)))
      (i64.add (i64.shl (i64.load8_u (i32.const 80)) (i64.const 32)) (i64.load (i32.const 96))))
    (func (export "p0") (result i64)
      (drop (call $p0 (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 128)))
      (i64.add (i64.shl (i64.load8_u (i32.const 144)) (i64.const 32)) (i64.load (i32.const 152))))
    (func (export "nlink0") (result i32) (i32.load (i32.const 148))))
  )", CtxWithDir(tmp.path()));
  ASSERT_TRUE(i);
  // filetype regular_file (4) at offset 16; size at 32 (preview1) or 24 (unstable).
  EXPECT_EQ(CallI(*i, "p1"), (int64_t{4} << 32) + 5);
  EXPECT_EQ(CallI(*i, "p0"), (int64_t{4} << 32) + 5);
  EXPECT_EQ(CallI(*i, "nlink0"), 1);  // u32 nlink at offset 20 in wasi_unstable
}

TEST(WasiAbi, WhenceDiffersInUnstable) {
  TempDir tmp;
  WriteFile(tmp / "f", "0123456789");
  auto i = Instantiate(R"((module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_seek" (func $seek1 (param i32 i64 i32 i32) (result i32)))
    (import "wasi_unstable" "fd_seek" (func $seek0 (param i32 i64 i32 i32) (result i32)))
    (memory 1)
    (data (i32.const 0) "f")
    (func (export "open") (result i32)
      (drop (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
                        (i64.const 6) (i64.const 0) (i32.const 0) (i32.const 16)))
      (i32.load (i32.const 16)))
    ;; whence 0: SET in preview1, CUR in wasi_unstable; 2: END in preview1, SET in unstable
    (func (export "seek1") (param i32 i64 i32) (result i64)
      (drop (call $seek1 (local.get 0) (local.get 1) (local.get 2) (i32.const 24)))
      (i64.load (i32.const 24)))
    (func (export "seek0") (param i32 i64 i32) (result i64)
      (drop (call $seek0 (local.get 0) (local.get 1) (local.get 2) (i32.const 24)))
      (i64.load (i32.const 24))))
  )", CtxWithDir(tmp.path()));
  ASSERT_TRUE(i);
  int64_t fd = CallI(*i, "open");
  ASSERT_EQ(fd, 4);
  auto V = [](int64_t a, int64_t b, int64_t c) {
    return std::vector<nw::Val>{nw::Val::I32(static_cast<int32_t>(a)), nw::Val::I64(b),
                                nw::Val::I32(static_cast<int32_t>(c))};
  };
  EXPECT_EQ(CallI(*i, "seek1", V(fd, 3, 0)), 3);   // SET 3
  EXPECT_EQ(CallI(*i, "seek0", V(fd, 2, 0)), 5);   // CUR +2
  EXPECT_EQ(CallI(*i, "seek0", V(fd, -1, 1)), 9);  // END -1
  EXPECT_EQ(CallI(*i, "seek0", V(fd, 1, 2)), 1);   // SET 1
  EXPECT_EQ(CallI(*i, "seek1", V(fd, -2, 2)), 8);  // END -2
}

TEST(WasiAbi, NoMemoryIsFaultAndExitIsATrap) {
  nw::WasiConfig c;
  c.args = {"x"};
  auto i = Instantiate(R"((module
    (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (import "wasi_snapshot_preview1" "proc_raise" (func $raise (param i32) (result i32)))
    (func (export "sizes") (result i32) (call $sizes (i32.const 0) (i32.const 4)))
    (func (export "yield") (result i32) (call $yield))
    (func (export "raise") (result i32) (call $raise (i32.const 6)))
    (func (export "exit") (call $exit (i32.const 7))))
  )", *nw::CreateWasiCtx(c));
  ASSERT_TRUE(i);
  EXPECT_EQ(CallI(*i, "sizes"), 21);  // fault: there is no memory
  EXPECT_EQ(CallI(*i, "yield"), 0);
  EXPECT_EQ(CallI(*i, "raise"), 52);  // nosys
  auto r = i->inst->GetFunc("exit")->Call(i->store, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, nw::TrapKind::kExit);
  EXPECT_EQ(r.error().exit_code, 7);
}

// DefineWasiImports (what `nanowasm run` uses) defines exactly what the module imports, from
// all three modules, bound as DefineWasi binds them; links fail the same way as with DefineWasi.
TEST(WasiAbi, DefineWasiImportsDefinesWhatTheModuleImports) {
  const char* wat = R"((module
    (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
    (import "wasi_unstable" "proc_raise" (func $raise (param i32) (result i32)))
    (import "wasi_unstable" "proc_exit" (func $exit (param i32)))
    (import "nanowasm_sock" "sock_connect" (func $connect (param i32 i32 i32) (result i32)))
    (func (export "yield") (result i32) (call $yield))
    (func (export "raise") (result i32) (call $raise (i32.const 6)))
    (func (export "connect") (result i32) (call $connect (i32.const 0) (i32.const 0) (i32.const 0)))
    (func (export "exit") (call $exit (i32.const 9))))
  )";
  nw::Engine engine{WithTestTier()};
  nw::Store store{engine};
  auto module = [&](const char* text) {
    auto desc = nw::ParseWat(text);
    EXPECT_TRUE(desc) << desc.error().message;
    auto m = nw::Module::FromDesc(engine, std::move(*desc));
    EXPECT_TRUE(m) << m.error().message;
    return *m;
  };
  auto m = module(wat);
  auto ctx = *nw::CreateWasiCtx({});
  nw::Linker linker;
  nw::DefineWasiImports(linker, store, ctx, *m);
  auto inst = linker.Instantiate(store, m);
  ASSERT_TRUE(inst) << inst.error().message;
  auto call = [&](const char* name) { return (*inst)->GetFunc(name)->Call(store, {}); };
  EXPECT_EQ((*call("yield"))[0].i32(), 0);
  EXPECT_EQ((*call("raise"))[0].i32(), 52);  // nosys
  EXPECT_EQ((*call("connect"))[0].i32(), 21);  // fault: there is no memory
  auto r = call("exit");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, nw::TrapKind::kExit);
  EXPECT_EQ(r.error().exit_code, 9);

  // Nothing else is defined: another WASI import does not resolve in this linker.
  auto other = module(R"((module (import "wasi_snapshot_preview1" "fd_write"
                            (func (param i32 i32 i32 i32) (result i32)))))");
  auto unresolved = linker.Instantiate(store, other);
  ASSERT_FALSE(unresolved);
  // A wrong signature or an unknown name fails as it does with every function defined.
  for (const char* bad : {R"((module (import "wasi_unstable" "fd_write" (func (param i32)))))",
                          R"((module (import "wasi_unstable" "sock_accept" (func))))",
                          R"((module (import "wasi_snapshot_preview1" "nope" (func))))"}) {
    auto bad_module = module(bad);
    nw::Linker all, some;
    nw::DefineWasi(all, store, ctx);
    nw::DefineWasiImports(some, store, ctx, *bad_module);
    auto a = all.Instantiate(store, bad_module), s = some.Instantiate(store, bad_module);
    ASSERT_FALSE(a);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, a.error().message) << bad;
  }
}

TEST(WasiAbi, EachCtxIsItsOwnCapabilityTable) {
  TempDir a, b;
  WriteFile(a / "only_in_a", "a");
  const char* wat = R"((module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
    (memory 1)
    (data (i32.const 0) "only_in_a")
    (func (export "open") (result i32)
      (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 9) (i32.const 0)
                  (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16)))
    (func (export "close") (param i32) (result i32) (call $close (local.get 0))))
  )";
  auto ia = Instantiate(wat, CtxWithDir(a.path()));
  auto ib = Instantiate(wat, CtxWithDir(b.path()));
  ASSERT_TRUE(ia && ib);
  EXPECT_EQ(CallI(*ia, "open"), 0);
  EXPECT_EQ(CallI(*ib, "open"), 44);  // noent: b's fd 3 is b, not a
  EXPECT_EQ(CallI(*ib, "close", {nw::Val::I32(3)}), 0);
  EXPECT_EQ(CallI(*ib, "open"), 8);   // b closed its preopen...
  EXPECT_EQ(CallI(*ia, "open"), 0);   // ...a still has its own
}

TEST(WasiAbi, ConfigErrors) {
  nw::WasiConfig c;
  c.dirs.push_back({"/nonexistent/nanowasm", ".", false});
  EXPECT_FALSE(nw::CreateWasiCtx(c));
  nw::WasiConfig e;
  e.env = {{"A=B", "c"}};
  EXPECT_FALSE(nw::CreateWasiCtx(e));
  nw::WasiConfig l;
  l.listen = {"not-an-address"};
  EXPECT_FALSE(nw::CreateWasiCtx(l));
}

// A write to a FIFO whose reader is gone raises SIGPIPE, whose default action kills the whole
// host process. The guest can arrange it alone with a FIFO the host placed in a grant: open the
// read end, open the write end, close the read end, write. It must get `pipe` (64) instead.
TEST(WasiAbi, WriteToBrokenFifoIsAnErrorNotSigpipe) {
  TempDir tmp;
  ASSERT_EQ(mkfifo((tmp / "p").c_str(), 0600), 0);
  auto i = Instantiate(R"((module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (memory 1)
    (data (i32.const 0) "p")
    (data (i32.const 32) "x")
    (data (i32.const 64) "\20\00\00\00\01\00\00\00")  ;; iovec {32, 1}
    (func (export "run") (result i32)
      (local $e i32)
      ;; read end (fd_read, nonblock), then write end (fd_write, nonblock)
      (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
                                (i64.const 2) (i64.const 0) (i32.const 4) (i32.const 16)))
      (if (local.get $e) (then (return (i32.add (i32.const 1000) (local.get $e)))))
      (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
                                (i64.const 64) (i64.const 0) (i32.const 4) (i32.const 20)))
      (if (local.get $e) (then (return (i32.add (i32.const 2000) (local.get $e)))))
      (drop (call $close (i32.load (i32.const 16))))
      (call $write (i32.load (i32.const 20)) (i32.const 64) (i32.const 1) (i32.const 24))))
  )", CtxWithDir(tmp.path()));
  ASSERT_TRUE(i);
  sigset_t mask_before, mask_after, pending;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask_before);
  EXPECT_EQ(CallI(*i, "run"), 64);  // pipe; the test process is still alive
  pthread_sigmask(SIG_SETMASK, nullptr, &mask_after);
  EXPECT_EQ(sigismember(&mask_after, SIGPIPE), sigismember(&mask_before, SIGPIPE));
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE)) << "a SIGPIPE was left pending";
}

// Guest fds 0-2 share the host's open file descriptions (the terminal in `nanowasm run`):
// fd_fdstat_set_flags on them must not make the host's stdout non-blocking or append-only
// (that outlives the guest and breaks the host's own writes and the parent shell's).
TEST(WasiAbi, StdioFlagsOfTheHostAreNotChanged) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  nw::WasiConfig c;
  c.stdout_fd = p[1];
  auto i = Instantiate(R"((module
    (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $setfl (param i32 i32) (result i32)))
    (func (export "setfl") (param i32 i32) (result i32) (call $setfl (local.get 0) (local.get 1))))
  )", *nw::CreateWasiCtx(c));
  ASSERT_TRUE(i);
  int before = fcntl(p[1], F_GETFL);
  auto V = [](int fd, int flags) { return std::vector<nw::Val>{nw::Val::I32(fd), nw::Val::I32(flags)}; };
  EXPECT_EQ(CallI(*i, "setfl", V(1, 4)), 58);  // nonblock: notsup
  EXPECT_EQ(fcntl(p[1], F_GETFL), before);
  EXPECT_EQ(CallI(*i, "setfl", V(1, 1)), 58);  // append: notsup
  EXPECT_EQ(fcntl(p[1], F_GETFL), before);
  EXPECT_EQ(CallI(*i, "setfl", V(1, 0)), 0);   // what it already is: fine
  EXPECT_EQ(CallI(*i, "setfl", V(0, 4)), 0);   // null stdin (no host fd): nothing to change
  EXPECT_EQ(fcntl(p[1], F_GETFL), before);
  close(p[0]);
  close(p[1]);
}

// fstflags is a u16: bits above it are not silently dropped.
TEST(WasiAbi, SetTimesRejectsFlagBitsBeyondU16) {
  TempDir tmp;
  WriteFile(tmp / "f", "x");
  auto i = Instantiate(R"((module
    (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $pt (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_filestat_set_times" (func $ft (param i32 i64 i64 i32) (result i32)))
    (memory 1)
    (data (i32.const 0) "f")
    (func (export "path") (param i32) (result i32)
      (call $pt (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i64.const 0) (i64.const 0) (local.get 0)))
    (func (export "fd") (param i32) (result i32)
      (drop (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
                        (i64.const 0x800000) (i64.const 0) (i32.const 0) (i32.const 16)))
      (call $ft (i32.load (i32.const 16)) (i64.const 0) (i64.const 0) (local.get 0))))
  )", CtxWithDir(tmp.path()));
  ASSERT_TRUE(i);
  EXPECT_EQ(CallI(*i, "path", {nw::Val::I32(0x10002)}), 28);  // inval, not "atim_now"
  EXPECT_EQ(CallI(*i, "fd", {nw::Val::I32(0x10008)}), 28);
  EXPECT_EQ(CallI(*i, "path", {nw::Val::I32(2)}), 0);
}

}  // namespace
