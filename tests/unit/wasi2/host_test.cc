// The WASI 0.2 host (src/wasi2) under components written in the text format: each test imports
// one interface the way wit-component declares it, calls the host through `canon lower`
// (values lowered into the component's memory and handle table) and hands the result back to
// the test through `canon lift`, so every value crosses the real canonical ABI both ways.
// Covers wasi:cli (environment, stdout, exit), wasi:io (streams, poll, resource checks),
// wasi:random, wasi:clocks, wasi:filesystem (preopens, open-at beneath a grant, escapes) and
// wasi:sockets (deny by default), and linking by interface name and version.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <deque>
#include <string>

#include "component/instantiate.h"
#include "component/text/component_wat.h"
#include "nanowasm/wasi.h"
#include "wasi2/host.h"
#include "wasi_fs_imports_wat.h"

namespace nw::wasi2 {
namespace {

using component::ComponentValue;

// A memory with a bump allocator as realloc, shared by the tests' core modules.
constexpr const char* kMem = R"(
  (core module $Mem
    (memory (export "mem") 1)
    (global $n (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $n) (i32.const 7)) (i32.const -8)))
      (global.set $n (i32.add (local.get $r) (local.get 3)))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
)";

std::string Opts() { return "(memory (core memory $mem \"mem\")) (realloc (core func $mem \"realloc\"))"; }

class Wasi2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = memfd_create("wasi2-out", MFD_CLOEXEC);
    config_.stdout_fd = out_;
  }
  void TearDown() override { close(out_); }

  // Instantiates `text` against a host for config_; null on failure (with a test failure).
  component::RtInstance* Make(const std::string& text) {
    auto ctx = CreateWasiCtx(config_);
    EXPECT_TRUE(ctx) << ctx.error().message;
    if (!ctx) return nullptr;
    ctx_ = *ctx;
    host_ = std::make_unique<Host>(cs_, ctx_);
    auto c = component::ParseComponentText(text);
    EXPECT_TRUE(c) << c.error().ToString();
    if (!c) return nullptr;
    asts_.push_back(std::move(*c));
    auto args = host_->Link(asts_.back());
    EXPECT_TRUE(args) << args.error().ToString();
    if (!args) return nullptr;
    auto inst = cs_.Instantiate(asts_.back(), *args);
    EXPECT_TRUE(inst) << inst.error().ToString();
    return inst ? *inst : nullptr;
  }
  Result<std::vector<ComponentValue>> Call(component::RtInstance* i, const std::string& name,
                                           std::vector<ComponentValue> args = {}) {
    const component::RtItem* it = i->Find(name);
    EXPECT_TRUE(it && it->sort == component::Sort::kFunc) << name;
    if (!it) return MakeError("no export " + name);
    return cs_.Call(*it->func, args);
  }
  std::string Stdout() {
    std::string s;
    lseek(out_, 0, SEEK_SET);
    char buf[4096];
    for (ssize_t n; (n = read(out_, buf, sizeof buf)) > 0;) s.append(buf, static_cast<size_t>(n));
    return s;
  }

  WasiConfig config_;
  int out_ = -1;
  Engine engine_;
  Store store_{engine_};
  component::ComponentStore cs_{store_};
  std::shared_ptr<WasiCtx> ctx_;
  std::unique_ptr<Host> host_;
  std::deque<component::Component> asts_;
};

TEST_F(Wasi2Test, EnvironmentArgumentsAndVariablesAreTheGrantedOnes) {
  config_.args = {"prog", "a", "\xc3\xa9t\xc3\xa9"};
  config_.env = {{"K", "V"}, {"EMPTY", ""}};
  auto* i = Make(std::string(R"((component
    (import "wasi:cli/environment@0.2.3" (instance $env
      (export "get-arguments" (func (result (list string))))
      (export "get-environment" (func (result (list (tuple string string)))))))
  )") + kMem + R"(
    (core func $args (canon lower (func $env "get-arguments") )" + Opts() + R"())
    (core func $vars (canon lower (func $env "get-environment") )" + Opts() + R"())
    (core module $M
      (import "" "args" (func $args (param i32)))
      (import "" "vars" (func $vars (param i32)))
      (func (export "args") (result i32) (call $args (i32.const 16)) (i32.const 16))
      (func (export "vars") (result i32) (call $vars (i32.const 32)) (i32.const 32)))
    (core instance $m (instantiate $M (with "" (instance (export "args" (func $args)) (export "vars" (func $vars))))))
    (func (export "args") (result (list string)) (canon lift (core func $m "args") (memory (core memory $mem "mem"))))
    (func (export "vars") (result (list (tuple string string))) (canon lift (core func $m "vars") (memory (core memory $mem "mem"))))
  ))");
  ASSERT_TRUE(i);
  auto args = Call(i, "args");
  ASSERT_TRUE(args) << args.error().ToString();
  ASSERT_EQ((*args)[0].elems().size(), 3u);
  EXPECT_EQ((*args)[0].elems()[0].ToUtf8(), "prog");
  EXPECT_EQ((*args)[0].elems()[2].ToUtf8(), "\xc3\xa9t\xc3\xa9");
  auto vars = Call(i, "vars");
  ASSERT_TRUE(vars) << vars.error().ToString();
  ASSERT_EQ((*vars)[0].elems().size(), 2u);  // nothing of the host's environment
  EXPECT_EQ((*vars)[0].elems()[0].elems()[0].ToUtf8(), "K");
  EXPECT_EQ((*vars)[0].elems()[0].elems()[1].ToUtf8(), "V");
  EXPECT_EQ((*vars)[0].elems()[1].elems()[1].ToUtf8(), "");
}

// wasi:io/streams through wasi:cli/stdout; the stream resource is dropped by the guest and the
// host object goes with it. A handle of another resource type (stdin's input-stream) passed as
// an output-stream traps in the handle table before the host sees it.
constexpr const char* kStreamsImports = R"(
    (import "wasi:io/error@0.2.0" (instance $error (export "error" (type (sub resource)))))
    (alias export $error "error" (type $err))
    (import "wasi:io/streams@0.2.0" (instance $streams
      (alias outer $C $err (type $err2))
      (export "error" (type $e (eq $err2)))
      (export "output-stream" (type $os (sub resource)))
      (export "input-stream" (type $is (sub resource)))
      (type $se (variant (case "last-operation-failed" (own $e)) (case "closed")))
      (export "stream-error" (type $se2 (eq $se)))
      (export "[method]output-stream.blocking-write-and-flush"
        (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se2)))))))
    (alias export $streams "output-stream" (type $os))
    (alias export $streams "input-stream" (type $is))
    (import "wasi:cli/stdout@0.2.0" (instance $stdout
      (alias outer $C $os (type $os2))
      (export "output-stream" (type $os3 (eq $os2)))
      (export "get-stdout" (func (result (own $os3))))))
    (import "wasi:cli/stdin@0.2.0" (instance $stdin
      (alias outer $C $is (type $is2))
      (export "input-stream" (type $is3 (eq $is2)))
      (export "get-stdin" (func (result (own $is3))))))
)";

std::string StreamsComponent() {
  return std::string("(component $C") + kStreamsImports + kMem + R"(
    (core func $get (canon lower (func $stdout "get-stdout")))
    (core func $get_in (canon lower (func $stdin "get-stdin")))
    (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") )" +
         Opts() + R"())
    (core func $drop (canon resource.drop $os))
    (core module $M
      (import "" "get" (func $get (result i32)))
      (import "" "get_in" (func $get_in (result i32)))
      (import "" "write" (func $write (param i32 i32 i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "mem" (memory 1))
      (data (i32.const 100) "hello from 0.2\n")
      (func (export "hello") (result i32) (local $h i32)
        (local.set $h (call $get))
        (call $write (local.get $h) (i32.const 100) (i32.const 15) (i32.const 200))
        (call $drop (local.get $h))
        (i32.load8_u (i32.const 200)))
      (func (export "forged") (call $write (call $get_in) (i32.const 100) (i32.const 1) (i32.const 200)))
      (func (export "huge")
        (drop (memory.grow (i32.const 1024)))
        (call $write (call $get) (i32.const 0) (i32.const 67108864) (i32.const 200))))
    (core instance $m (instantiate $M (with "" (instance
      (export "get" (func $get)) (export "get_in" (func $get_in)) (export "write" (func $write))
      (export "drop" (func $drop)) (export "mem" (memory $mem "mem"))))))
    (func (export "hello") (result u8) (canon lift (core func $m "hello")))
    (func (export "forged") (canon lift (core func $m "forged")))
    (func (export "huge") (canon lift (core func $m "huge")))
  ))";
}

TEST_F(Wasi2Test, StdoutStreamWritesAndIsDropped) {
  auto* i = Make(StreamsComponent());
  ASSERT_TRUE(i);
  auto r = Call(i, "hello");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0].bits(), 0u);  // ok
  EXPECT_EQ(Stdout(), "hello from 0.2\n");
  EXPECT_EQ(host_->live_objects(), 0u) << "the dropped stream's host object is gone";
}

TEST_F(Wasi2Test, HandleOfAnotherResourceTypeTraps) {
  auto* i = Make(StreamsComponent());
  ASSERT_TRUE(i);
  auto r = Call(i, "forged");
  ASSERT_FALSE(r);
  EXPECT_TRUE(component::IsTrap(r.error())) << r.error().message;
  EXPECT_EQ(Stdout(), "");
}

// A list<u8> crosses as bytes (one copy), so a 64 MiB write is lifted cheaply; it is then more
// than check-write permits (kMaxIoBytes) and traps without writing anything.
TEST_F(Wasi2Test, WritePastCheckWriteTraps) {
  auto* i = Make(StreamsComponent());
  ASSERT_TRUE(i);
  auto r = Call(i, "huge");
  ASSERT_FALSE(r);
  EXPECT_TRUE(component::IsTrap(r.error())) << r.error().message;
  EXPECT_NE(r.error().message.find("check-write"), std::string::npos) << r.error().message;
  EXPECT_EQ(Stdout(), "");
}

// The store's bound on host values (ComponentStore::set_max_host_value_bytes, in bytes) holds
// for byte lists too: with 1 MiB allowed, the 64 MiB list traps while it is lifted.
TEST_F(Wasi2Test, HugeListToTheHostTrapsAtTheStoreBound) {
  cs_.set_max_host_value_bytes(uint64_t{1} << 20);
  auto* i = Make(StreamsComponent());
  ASSERT_TRUE(i);
  auto r = Call(i, "huge");
  ASSERT_FALSE(r);
  EXPECT_TRUE(component::IsTrap(r.error())) << r.error().message;
  EXPECT_NE(r.error().message.find("1 MiB of host memory"), std::string::npos) << r.error().message;
  EXPECT_EQ(Stdout(), "");
}

// A guest that never drops what it asks for cannot grow host memory without bound: the host call
// making object kMaxObjects + 1 traps.
TEST_F(Wasi2Test, LiveHostResourcesAreBounded) {
  auto* i = Make(R"((component $C
    (import "wasi:io/poll@0.2.0" (instance $poll (export "pollable" (type $p (sub resource)))))
    (alias export $poll "pollable" (type $pollable))
    (import "wasi:clocks/monotonic-clock@0.2.0" (instance $mono
      (alias outer $C $pollable (type $p))
      (export "pollable" (type $p2 (eq $p)))
      (export "subscribe-duration" (func (param "when" u64) (result (own $p2))))))
    (core func $sub (canon lower (func $mono "subscribe-duration")))
    (core module $M
      (import "" "sub" (func $sub (param i64) (result i32)))
      (func (export "hoard") (param $n i32) (result i32) (local $i i32)
        (loop $l
          (drop (call $sub (i64.const 1000000000)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $i)))
    (core instance $m (instantiate $M (with "" (instance (export "sub" (func $sub))))))
    (func (export "hoard") (param "n" u32) (result u32) (canon lift (core func $m "hoard")))
  ))");
  ASSERT_TRUE(i);
  uint32_t n = static_cast<uint32_t>(Host::kMaxObjects) + 10;
  auto r = Call(i, "hoard", {ComponentValue::U32(n)});
  ASSERT_FALSE(r) << "made " << n << " pollables";
  EXPECT_NE(r.error().message.find("live host resources"), std::string::npos) << r.error().message;
}

TEST_F(Wasi2Test, RandomAndClocks) {
  auto* i = Make(std::string(R"((component $C
    (import "wasi:random/random@0.2.12" (instance $random
      (export "get-random-bytes" (func (param "len" u64) (result (list u8))))
      (export "get-random-u64" (func (result u64)))))
    (import "wasi:random/insecure-seed@0.2.0" (instance $seed
      (export "insecure-seed" (func (result (tuple u64 u64))))))
    (import "wasi:io/poll@0.2.0" (instance $poll (export "pollable" (type $p (sub resource)))
      (export "[method]pollable.block" (func (param "self" (borrow $p))))))
    (alias export $poll "pollable" (type $pollable))
    (import "wasi:clocks/monotonic-clock@0.2.0" (instance $mono
      (alias outer $C $pollable (type $p))
      (export "pollable" (type $p2 (eq $p)))
      (export "now" (func (result u64)))
      (export "subscribe-duration" (func (param "when" u64) (result (own $p2))))))
    (type $dt (record (field "seconds" u64) (field "nanoseconds" u32)))
    (import "wasi:clocks/wall-clock@0.2.0" (instance $wall
      (alias outer $C $dt (type $dt1))
      (export "datetime" (type $dt2 (eq $dt1)))
      (export "now" (func (result $dt2)))))
  )") + kMem + R"(
    (core func $bytes (canon lower (func $random "get-random-bytes") )" + Opts() + R"())
    (core func $u64 (canon lower (func $random "get-random-u64")))
    (core func $seed (canon lower (func $seed "insecure-seed") )" + Opts() + R"())
    (core func $now (canon lower (func $mono "now")))
    (core func $sub (canon lower (func $mono "subscribe-duration")))
    (core func $block (canon lower (func $poll "[method]pollable.block")))
    (core func $pdrop (canon resource.drop $pollable))
    (core func $wall (canon lower (func $wall "now") )" + Opts() + R"())
    (core module $M
      (import "" "bytes" (func $bytes (param i64 i32)))
      (import "" "u64" (func $u64 (result i64)))
      (import "" "seed" (func $seed (param i32)))
      (import "" "now" (func $now (result i64)))
      (import "" "sub" (func $sub (param i64) (result i32)))
      (import "" "block" (func $block (param i32)))
      (import "" "pdrop" (func $pdrop (param i32)))
      (import "" "wall" (func $wall (param i32)))
      (func (export "bytes") (result i32) (call $bytes (i64.const 32) (i32.const 16)) (i32.const 16))
      (func (export "u64") (result i64) (call $u64))
      (func (export "seed") (result i32) (call $seed (i32.const 32)) (i32.const 32))
      (func (export "sleep") (param i64) (result i64) (local $t i64) (local $p i32)
        (local.set $t (call $now))
        (local.set $p (call $sub (local.get 0)))
        (call $block (local.get $p))
        (call $pdrop (local.get $p))
        (i64.sub (call $now) (local.get $t)))
      (func (export "wall") (result i32) (call $wall (i32.const 64)) (i32.const 64)))
    (core instance $m (instantiate $M (with "" (instance
      (export "bytes" (func $bytes)) (export "u64" (func $u64)) (export "seed" (func $seed))
      (export "now" (func $now)) (export "sub" (func $sub)) (export "block" (func $block))
      (export "pdrop" (func $pdrop)) (export "wall" (func $wall))))))
    (func (export "bytes") (result (list u8)) (canon lift (core func $m "bytes") (memory (core memory $mem "mem"))))
    (func (export "u64") (result u64) (canon lift (core func $m "u64")))
    (func (export "seed") (result (tuple u64 u64)) (canon lift (core func $m "seed") (memory (core memory $mem "mem"))))
    (func (export "sleep") (param "ns" u64) (result u64) (canon lift (core func $m "sleep")))
    (export $dte "datetime" (type $dt))
    (func (export "wall") (result $dte) (canon lift (core func $m "wall") (memory (core memory $mem "mem"))))
  ))");
  ASSERT_TRUE(i);
  auto b = Call(i, "bytes");
  ASSERT_TRUE(b) << b.error().ToString();
  ASSERT_TRUE((*b)[0].packed()) << "a list<u8> is lifted as bytes";
  ASSERT_EQ((*b)[0].list_size(), 32u);
  EXPECT_NE((*b)[0].packed_bytes(), std::string(32, '\0'));
  auto x = Call(i, "u64"), y = Call(i, "u64");
  ASSERT_TRUE(x && y);
  EXPECT_NE((*x)[0].as_u64(), (*y)[0].as_u64());
  auto s = Call(i, "seed");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ((*s)[0].elems().size(), 2u);
  auto slept = Call(i, "sleep", {ComponentValue::U64(20'000'000)});  // 20 ms through poll
  ASSERT_TRUE(slept) << slept.error().ToString();
  EXPECT_GE((*slept)[0].as_u64(), 20'000'000u);
  EXPECT_LT((*slept)[0].as_u64(), 2'000'000'000u);
  auto w = Call(i, "wall");
  ASSERT_TRUE(w) << w.error().ToString();
  int64_t host_now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_LE(std::llabs(static_cast<int64_t>((*w)[0].elems()[0].as_u64()) - host_now), 5);
  EXPECT_EQ(host_->live_objects(), 0u);
}

// wasi:filesystem: the preopen arrives as an own<descriptor> named as granted; open-at creates a
// file beneath it, refuses `..` and absolute paths (not-permitted, the shared resolver), and
// refuses writes beneath a read-only grant.
class Wasi2FsTest : public Wasi2Test {
 protected:
  void SetUp() override {
    Wasi2Test::SetUp();
    char tmpl[] = "/tmp/nanowasm-wasi2-XXXXXX";
    root_ = mkdtemp(tmpl);
    mkdir((root_ + "/rw").c_str(), 0755);
    mkdir((root_ + "/ro").c_str(), 0755);
  }
  void TearDown() override {
    std::system(("rm -rf '" + root_ + "'").c_str());
    Wasi2Test::TearDown();
  }
  std::string root_;
};

std::string FsComponent() {
  return std::string("(component $C") + nw::testing::WasiFsImportsWat("0.2.6") + kMem + R"(
    (core func $dirs (canon lower (func $pre "get-directories") )" + Opts() + R"())
    (core func $open (canon lower (func $types "[method]descriptor.open-at") )" + Opts() + R"())
    (core func $drop (canon resource.drop $desc))
    (core module $M
      (import "" "dirs" (func $dirs (param i32)))
      (import "" "open" (func $open (param i32 i32 i32 i32 i32 i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "mem" (memory 1))
      ;; get-directories into 16: (ptr, len); element k at ptr + 12k: (handle, name ptr, name len)
      (func (export "count") (result i32) (call $dirs (i32.const 16)) (i32.load (i32.const 20)))
      ;; open-at on preopen k with path at (p, n), open-flags o, descriptor-flags f: 0 = ok
      ;; (the new descriptor dropped), else 1 + error-code
      (func (export "open") (param $k i32) (param $p i32) (param $n i32) (param $o i32) (param $f i32) (result i32)
        (call $open (i32.load (i32.add (i32.load (i32.const 16)) (i32.mul (local.get $k) (i32.const 12))))
          (i32.const 0) (local.get $p) (local.get $n) (local.get $o) (local.get $f) (i32.const 64))
        (if (result i32) (i32.load8_u (i32.const 64))
          (then (i32.add (i32.const 1) (i32.load8_u (i32.const 68))))
          (else (call $drop (i32.load (i32.const 68))) (i32.const 0))))
      (func (export "name") (param $k i32) (result i32)
        (i32.add (i32.load (i32.const 16)) (i32.add (i32.mul (local.get $k) (i32.const 12)) (i32.const 4))))
      (func (export "put") (param $at i32) (param $b i32) (i32.store8 (local.get $at) (local.get $b))))
    (core instance $m (instantiate $M (with "" (instance
      (export "dirs" (func $dirs)) (export "open" (func $open)) (export "drop" (func $drop))
      (export "mem" (memory $mem "mem"))))))
    (func (export "count") (result u32) (canon lift (core func $m "count")))
    (func (export "open") (param "k" u32) (param "p" u32) (param "n" u32) (param "o" u32) (param "f" u32) (result u32)
      (canon lift (core func $m "open")))
    (func (export "name") (param "k" u32) (result string) (canon lift (core func $m "name") (memory (core memory $mem "mem"))))
    (func (export "put") (param "at" u32) (param "b" u8) (canon lift (core func $m "put")))
  ))";
}

TEST_F(Wasi2FsTest, PreopensAndOpenAtStayBeneathTheGrant) {
  config_.dirs.push_back({root_ + "/rw", "data", false});
  config_.dirs.push_back({root_ + "/ro", "ro", true});
  auto* i = Make(FsComponent());
  ASSERT_TRUE(i);
  auto n = Call(i, "count");
  ASSERT_TRUE(n) << n.error().ToString();
  ASSERT_EQ((*n)[0].bits(), 2u);
  auto name = Call(i, "name", {ComponentValue::U32(0)});
  ASSERT_TRUE(name) << name.error().ToString();
  EXPECT_EQ((*name)[0].ToUtf8(), "data");
  // Paths are written into guest memory at 1024 by the host, one byte at a time.
  auto open = [&](uint32_t k, const std::string& path, uint32_t oflags, uint32_t dflags) -> uint32_t {
    for (size_t b = 0; b < path.size(); ++b)
      EXPECT_TRUE(Call(i, "put", {ComponentValue::U32(1024 + static_cast<uint32_t>(b)),
                                  ComponentValue::U8(static_cast<uint8_t>(path[b]))}));
    auto r = Call(i, "open", {ComponentValue::U32(k), ComponentValue::U32(1024),
                              ComponentValue::U32(static_cast<uint32_t>(path.size())),
                              ComponentValue::U32(oflags), ComponentValue::U32(dflags)});
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? static_cast<uint32_t>((*r)[0].bits()) : 999;
  };
  constexpr uint32_t kCreate = 1, kRead = 1, kWrite = 2, kOk = 0;
  constexpr uint32_t kNotPermitted = 1 + 31, kNoEntry = 1 + 20;
  EXPECT_EQ(open(0, "new.txt", kCreate, kRead | kWrite), kOk);
  struct stat st;
  EXPECT_EQ(stat((root_ + "/rw/new.txt").c_str(), &st), 0) << "created beneath the grant";
  EXPECT_EQ(open(0, "../escape.txt", kCreate, kWrite), kNotPermitted);
  EXPECT_EQ(open(0, "/etc/passwd", 0, kRead), kNotPermitted);
  EXPECT_NE(stat((root_ + "/escape.txt").c_str(), &st), 0) << "nothing created outside";
  EXPECT_EQ(open(0, "missing", 0, kRead), kNoEntry);
  EXPECT_EQ(open(1, "made.txt", kCreate, kWrite), kNotPermitted) << "read-only grant";
  EXPECT_NE(stat((root_ + "/ro/made.txt").c_str(), &st), 0);
  ASSERT_EQ(symlink("/etc", (root_ + "/rw/out").c_str()), 0);
  EXPECT_EQ(open(0, "out/passwd", 0, kRead), kNotPermitted) << "a symlink out of the grant";
}

TEST_F(Wasi2FsTest, NoGrantNoPreopens) {
  auto* i = Make(FsComponent());
  ASSERT_TRUE(i);
  auto n = Call(i, "count");
  ASSERT_TRUE(n) << n.error().ToString();
  EXPECT_EQ((*n)[0].bits(), 0u);
}

std::string SocketsComponent() {
  return std::string(R"((component $C
    (import "wasi:sockets/network@0.2.0" (instance $net
      (export "network" (type (sub resource)))
      (type $ec (enum "unknown" "access-denied" "not-supported" "invalid-argument" "out-of-memory"
        "timeout" "concurrency-conflict" "not-in-progress" "would-block" "invalid-state"
        "new-socket-limit" "address-not-bindable" "address-in-use" "remote-unreachable"
        "connection-refused" "connection-reset" "connection-aborted" "datagram-too-large"
        "name-unresolvable" "temporary-resolver-failure" "permanent-resolver-failure"))
      (export "error-code" (type $ec2 (eq $ec)))
      (type $fam (enum "ipv4" "ipv6"))
      (export "ip-address-family" (type $fam2 (eq $fam)))))
    (alias export $net "error-code" (type $ec))
    (alias export $net "ip-address-family" (type $fam))
    (import "wasi:sockets/tcp@0.2.0" (instance $tcp (export "tcp-socket" (type (sub resource)))))
    (alias export $tcp "tcp-socket" (type $sock))
    (import "wasi:sockets/tcp-create-socket@0.2.0" (instance $create
      (alias outer $C $ec (type $ec1)) (export "error-code" (type $ec2 (eq $ec1)))
      (alias outer $C $fam (type $fam1)) (export "ip-address-family" (type $fam2 (eq $fam1)))
      (alias outer $C $sock (type $s1)) (export "tcp-socket" (type $s2 (eq $s1)))
      (export "create-tcp-socket" (func (param "f" $fam2) (result (result (own $s2) (error $ec2)))))))
    (import "wasi:sockets/udp-create-socket@0.2.0" (instance $ucreate
      (alias outer $C $ec (type $ec1)) (export "error-code" (type $ec2 (eq $ec1)))
      (alias outer $C $fam (type $fam1)) (export "ip-address-family" (type $fam2 (eq $fam1)))
      (export "udp-socket" (type $u (sub resource)))
      (export "create-udp-socket" (func (param "f" $fam2) (result (result (own $u) (error $ec2)))))))
  )") + kMem + R"(
    (core func $tcp (canon lower (func $create "create-tcp-socket") (memory (core memory $mem "mem"))))
    (core func $udp (canon lower (func $ucreate "create-udp-socket") (memory (core memory $mem "mem"))))
    (core func $drop (canon resource.drop $sock))
    (core module $M
      (import "" "tcp" (func $tcp (param i32 i32)))
      (import "" "udp" (func $udp (param i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "mem" (memory 1))
      ;; 0 = created (and dropped), else 1 + error-code
      (func (export "tcp") (result i32)
        (call $tcp (i32.const 0) (i32.const 64))
        (if (result i32) (i32.load8_u (i32.const 64))
          (then (i32.add (i32.const 1) (i32.load8_u (i32.const 68))))
          (else (call $drop (i32.load (i32.const 68))) (i32.const 0))))
      (func (export "udp") (result i32)
        (call $udp (i32.const 0) (i32.const 64))
        (if (result i32) (i32.load8_u (i32.const 64))
          (then (i32.add (i32.const 1) (i32.load8_u (i32.const 68)))) (else (i32.const 0)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "tcp" (func $tcp)) (export "udp" (func $udp)) (export "drop" (func $drop))
      (export "mem" (memory $mem "mem"))))))
    (func (export "tcp") (result u32) (canon lift (core func $m "tcp")))
    (func (export "udp") (result u32) (canon lift (core func $m "udp")))
  ))";
}

TEST_F(Wasi2Test, SocketsAreDeniedWithoutAGrant) {
  auto* i = Make(SocketsComponent());
  ASSERT_TRUE(i);
  constexpr uint32_t kAccessDenied = 1 + 1;
  auto t = Call(i, "tcp");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ((*t)[0].bits(), kAccessDenied);
  auto u = Call(i, "udp");
  ASSERT_TRUE(u) << u.error().ToString();
  EXPECT_EQ((*u)[0].bits(), kAccessDenied);
}

TEST_F(Wasi2Test, ATcpSocketOnlyWithAListenerGrant) {
  config_.listen.push_back("127.0.0.1:0");
  auto* i = Make(SocketsComponent());
  ASSERT_TRUE(i);
  auto t = Call(i, "tcp");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ((*t)[0].bits(), 0u);
  auto u = Call(i, "udp");  // no UDP grant exists
  ASSERT_TRUE(u);
  EXPECT_EQ((*u)[0].bits(), 2u);
  EXPECT_EQ(host_->live_objects(), 0u);
}

TEST_F(Wasi2Test, ExitCodes) {
  auto make = [&](const std::string& body) {
    return Make(R"((component
      (import "wasi:cli/exit@0.2.0" (instance $exit
        (export "exit" (func (param "status" (result))))
        (export "exit-with-code" (func (param "code" u8)))))
      (core func $exit (canon lower (func $exit "exit")))
      (core func $code (canon lower (func $exit "exit-with-code")))
      (core module $M (import "" "exit" (func $exit (param i32))) (import "" "code" (func $code (param i32)))
        (func (export "run") (result i32) )" + body + R"( (i32.const 0)))
      (core instance $m (instantiate $M (with "" (instance (export "exit" (func $exit)) (export "code" (func $code))))))
      (func $run (result (result)) (canon lift (core func $m "run")))
      (instance $run (export "run" (func $run)))
      (export "wasi:cli/run@0.2.0" (instance $run))
    ))");
  };
  auto* ok = make("");
  ASSERT_TRUE(ok);
  auto c0 = host_->RunCommand(*ok);
  ASSERT_TRUE(c0) << c0.error().ToString();
  EXPECT_EQ(*c0, 0);
  auto* err = make("(call $exit (i32.const 1))");
  ASSERT_TRUE(err);
  EXPECT_EQ(host_->RunCommand(*err).value_or(-1), 1);
  auto* seven = make("(call $code (i32.const 7))");
  ASSERT_TRUE(seven);
  EXPECT_EQ(host_->RunCommand(*seven).value_or(-1), 7);
}

TEST_F(Wasi2Test, LinkingByInterfaceAndVersion) {
  auto ctx = CreateWasiCtx(config_);
  ASSERT_TRUE(ctx);
  Host host(cs_, *ctx);
  auto link = [&](const std::string& import) {
    auto c = component::ParseComponentText("(component (import \"" + import + "\" (instance)))");
    EXPECT_TRUE(c) << c.error().ToString();
    asts_.push_back(std::move(*c));
    return host.Link(asts_.back());
  };
  EXPECT_TRUE(link("wasi:io/poll@0.2.0"));
  EXPECT_TRUE(link("wasi:io/poll@0.2.12"));
  auto v3 = link("wasi:io/poll@0.3.0");
  ASSERT_FALSE(v3);
  EXPECT_NE(v3.error().message.find("not a WASI 0.2 interface"), std::string::npos) << v3.error().message;
  auto http = link("wasi:http/types@0.2.0");
  ASSERT_FALSE(http);
  EXPECT_NE(http.error().message.find("no such interface"), std::string::npos) << http.error().message;
  auto other = link("my:app/thing@0.2.0");
  ASSERT_FALSE(other);
}

}  // namespace
}  // namespace nw::wasi2
