// The capability tree (nanowasm/tree.h, src/tree, src/wasi/derive.cc) against the attacks of
// issue 13 (docs/security.md lists each with its result): fd numbers of a parent or sibling,
// a re-exported parent key, a grandchild asking more than its parent, symbolic links and `..`
// out of a child's directory, a manifest naming a host path outside the root's grant; plus the
// keys themselves (ro/rw, env, clocks, random, connect), the boundary (numbers only, string
// copies) and the manifest reader. Every filesystem case checks that the sentinel is unchanged.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nanowasm/tree.h"
#include "temp_tree.h"
#include "text/wat.h"
#include "tree/manifest.h"

namespace {

constexpr int32_t kBadf = 8, kFault = 21, kNotCapable = 76;

// A child that can try everything: files beneath a descriptor, descriptor probes, clocks,
// random, environment, outbound TCP. Paths and data are put into its memory by the test.
const char kProbe[] = R"((module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $stat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $rand (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $envs (param i32 i32) (result i32)))
  (import "nanowasm_sock" "sock_connect" (func $connect (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 32768))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (global.get $bump) (local.get 3)))
    (local.get $p))
  ;; write_file(dir, path, path_len, data, data_len) -> errno (create|trunc, follow symlinks)
  (func (export "write_file") (param $dir i32) (param $p i32) (param $l i32) (param $d i32)
        (param $n i32) (result i32) (local $e i32)
    (local.set $e (call $open (local.get $dir) (i32.const 1) (local.get $p) (local.get $l)
                        (i32.const 9) (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 60000)))
    (if (local.get $e) (then (return (local.get $e))))
    (i32.store (i32.const 60008) (local.get $d))
    (i32.store (i32.const 60012) (local.get $n))
    (call $write (i32.load (i32.const 60000)) (i32.const 60008) (i32.const 1) (i32.const 60016)))
  ;; read_open(dir, path, path_len) -> errno
  (func (export "read_open") (param $dir i32) (param $p i32) (param $l i32) (result i32)
    (call $open (local.get $dir) (i32.const 1) (local.get $p) (local.get $l)
          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 60000)))
  (func (export "fdstat") (param i32) (result i32) (call $stat (local.get 0) (i32.const 60100)))
  (func (export "clock") (result i32) (call $clock (i32.const 0) (i64.const 0) (i32.const 60200)))
  (func (export "random") (result i32) (call $rand (i32.const 60300) (i32.const 8)))
  (func (export "env_count") (result i32)
    (drop (call $envs (i32.const 60400) (i32.const 60404))) (i32.load (i32.const 60400)))
  (func (export "connect") (param i32 i32) (result i32)
    (call $connect (local.get 0) (local.get 1) (i32.const 60500)))
  ;; sum of the bytes of a string argument (copied in by the tree)
  (func (export "sum") (param $p i32) (param $l i32) (result i32) (local $s i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $l)))
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $l (i32.sub (local.get $l) (i32.const 1)))
      (br $next)))
    (local.get $s))
  ;; its own path_open, re-exported as is
  (export "po" (func $open)))
)";

// A root that imports nothing from children.
const char kPlainRoot[] = R"((module (memory (export "memory") 1) (func (export "_start"))))";

struct Fixture {
  nw::Engine engine;
  nw::Store store{engine};
  nw::TreeSpec spec;
  std::unique_ptr<nw::Tree> tree;

  std::shared_ptr<const nw::Module> Parse(const std::string& wat) {
    auto desc = nw::ParseWat(wat);
    EXPECT_TRUE(desc) << desc.error().message;
    if (!desc)
      return nullptr;
    auto m = nw::Module::FromDesc(engine, std::move(*desc));
    EXPECT_TRUE(m) << m.error().message;
    return m ? *m : nullptr;
  }
  nw::TreeNodeSpec& Add(const std::string& name,
                        const std::string& parent,
                        const std::string& wat) {
    nw::TreeNodeSpec n;
    n.name = name;
    n.parent = parent;
    n.module = Parse(wat);
    n.strings = {"sum"};
    spec.nodes.push_back(std::move(n));
    return spec.nodes.back();
  }
  // The root holds data/ (fd 3) and uploads/ (fd 4), read-write, and whatever `more` adds.
  nw::Status Build(const TempTree& t, nw::WasiConfig config = {}) {
    config.dirs.insert(config.dirs.begin(),
                       {{t.At("data"), "data", false}, {t.At("uploads"), "uploads", false}});
    auto ctx = nw::CreateWasiCtx(config);
    if (!ctx)
      return std::unexpected(ctx.error());
    spec.source = "t.toml";
    auto tr = nw::Tree::Instantiate(store, spec, *ctx, nullptr);
    if (!tr)
      return std::unexpected(tr.error());
    tree = std::move(*tr);
    return nw::Ok();
  }
  // Calls `func` of node `node` with i32 arguments; strings go into its memory first.
  int32_t Call(const std::string& node, const std::string& func, std::vector<uint32_t> args) {
    nw::Instance* inst = tree->node(node);
    std::vector<nw::Val> vals;
    for (uint32_t a : args)
      vals.push_back(nw::Val::I32(a));
    auto r = inst->GetFunc(func)->Call(store, vals);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? static_cast<int32_t>((*r)[0].bits) : -1;
  }
  uint32_t Put(const std::string& node, uint32_t at, const std::string& s) {
    auto mem = tree->node(node)->GetMemory("memory")->data();
    std::memcpy(mem.data() + at, s.data(), s.size());
    return static_cast<uint32_t>(s.size());
  }
  // write_file(dir, path, "owned") in `node`.
  int32_t WriteFile(const std::string& node, uint32_t dir, const std::string& path) {
    uint32_t len = Put(node, 1000, path);
    Put(node, 2000, "owned");
    return Call(node, "write_file", {dir, 1000, len, 2000, 5});
  }
};

nw::WasiDirGrant Dir(std::string from, bool ro = false, std::string as = "") {
  return {std::move(from), std::move(as), ro};
}

std::string ErrorOf(const nw::Status& s) {
  return s ? "(no error)" : s.error().message;
}

// --- descriptors: a node uses its own, never its parent's or a sibling's ---------------------

TEST(TreeFds, ChildSeesOnlyItsOwnDescriptors) {
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("c", "app", kProbe).grant.dirs = {Dir("uploads")};
  ASSERT_TRUE(f.Build(t));
  // fd 4 is the parent's uploads/; the child has no fd 4 (until it opens a file).
  EXPECT_EQ(f.Call("c", "fdstat", {4}), kBadf);
  EXPECT_EQ(f.WriteFile("c", 4, "x.txt"), kBadf);
  // The child's fd 3 is uploads/: the number of the parent's data/ means uploads/ here.
  EXPECT_EQ(f.WriteFile("c", 3, "sentinel.txt"), 0);
  EXPECT_EQ(t.Read("uploads/sentinel.txt"), "owned");
  EXPECT_FALSE(t.Exists("data/x.txt"));
  EXPECT_TRUE(t.SentinelIntact());
}

TEST(TreeFds, SiblingDescriptorsAreNotShared) {
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("a", "app", kProbe).grant.dirs = {Dir("data")};
  f.Add("b", "app", kProbe);  // nothing
  ASSERT_TRUE(f.Build(t));
  EXPECT_EQ(f.Call("b", "fdstat", {3}), kBadf);
  EXPECT_EQ(f.WriteFile("b", 3, "sentinel.txt"), kBadf);
  for (uint32_t fd = 5; fd < 64; ++fd)
    EXPECT_EQ(f.Call("b", "fdstat", {fd}), kBadf) << fd;
  EXPECT_TRUE(t.SentinelIntact());
}

// --- `..`, absolute paths and symbolic links from a child's directory ------------------------

TEST(TreePaths, DotDotAndAbsoluteFromTheChildRootAreRefused) {
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("c", "app", kProbe).grant.dirs = {Dir("uploads")};
  mkdir(t.At("uploads/a").c_str(), 0755);
  ASSERT_TRUE(f.Build(t));
  EXPECT_EQ(f.WriteFile("c", 3, "../data/sentinel.txt"), kNotCapable);
  EXPECT_EQ(f.WriteFile("c", 3, "a/../../data/sentinel.txt"), kNotCapable);
  EXPECT_EQ(f.WriteFile("c", 3, "/data/sentinel.txt"), kNotCapable);
  EXPECT_TRUE(t.SentinelIntact());
}

TEST(TreePaths, SymlinkFromTheChildDirectoryIntoTheParentsWiderOneIsRefused) {
  TempTree t;
  ASSERT_EQ(symlink("../data", t.At("uploads/link").c_str()), 0);
  ASSERT_EQ(symlink("../data/sentinel.txt", t.At("uploads/file").c_str()), 0);
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("c", "app", kProbe).grant.dirs = {Dir("uploads")};
  ASSERT_TRUE(f.Build(t));
  EXPECT_EQ(f.WriteFile("c", 3, "link/sentinel.txt"), kNotCapable);
  EXPECT_EQ(f.WriteFile("c", 3, "file"), kNotCapable);
  uint32_t len = f.Put("c", 1000, "link/sentinel.txt");
  EXPECT_EQ(f.Call("c", "read_open", {3, 1000, len}), kNotCapable);
  EXPECT_TRUE(t.SentinelIntact());
}

TEST(TreePaths, GrantThroughASymlinkOutOfTheParentsDirectoryIsRefusedAtLoad) {
  TempTree t;
  ASSERT_EQ(symlink("../data", t.At("uploads/link").c_str()), 0);
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("c", "app", kProbe).grant.dirs = {Dir("uploads/link")};
  EXPECT_EQ(ErrorOf(f.Build(t)),
            "t.toml: node \"c\": dir \"uploads/link\" leaves its parent \"app\"'s directory "
            "\"uploads\"");
  EXPECT_TRUE(t.SentinelIntact());
}

TEST(TreePaths, SubdirectoryGrantIsNarrowerThanTheParents) {
  TempTree t;
  mkdir(t.At("uploads/in").c_str(), 0755);
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("c", "app", kProbe).grant.dirs = {Dir("uploads/in", false, "in")};
  ASSERT_TRUE(f.Build(t));
  EXPECT_EQ(f.WriteFile("c", 3, "ok.txt"), 0);
  EXPECT_EQ(t.Read("uploads/in/ok.txt"), "owned");
  EXPECT_EQ(f.WriteFile("c", 3, "../escaped.txt"), kNotCapable);
  EXPECT_FALSE(t.Exists("uploads/escaped.txt"));
}

// --- a manifest naming a host path outside the root's grant ----------------------------------

TEST(TreeGrants, HostPathOutsideTheRootsGrantIsRefused) {
  for (const char* from : {"/etc", "..", "../data", "/", "uploads/../../etc", "nowhere"}) {
    TempTree t;
    Fixture f;
    f.Add("app", "", kPlainRoot);
    f.Add("c", "app", kProbe).grant.dirs = {Dir(from)};
    std::string e = ErrorOf(f.Build(t));
    EXPECT_TRUE(e.find("is not granted to its parent \"app\"") != std::string::npos ||
                e.find("leaves its parent \"app\"'s directory") != std::string::npos)
        << from << ": " << e;
    EXPECT_EQ(e.rfind("t.toml: node \"c\": dir \"" + std::string(from) + "\"", 0), 0u) << e;
  }
}

TEST(TreeGrants, ReadWriteUnderAReadOnlyParentIsRefused) {
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("c", "app", kProbe).grant.dirs = {Dir("data")};
  nw::WasiConfig config;
  auto ctx_dirs = std::vector<nw::WasiDir>{{t.At("data"), "data", true}};
  config.dirs = ctx_dirs;
  auto ctx = nw::CreateWasiCtx(config);
  ASSERT_TRUE(ctx);
  f.spec.source = "t.toml";
  auto tr = nw::Tree::Instantiate(f.store, f.spec, *ctx, nullptr);
  ASSERT_FALSE(tr);
  EXPECT_EQ(tr.error().message,
            "t.toml: node \"c\": dir \"data\" is read-only for its parent \"app\"; it cannot be "
            "granted read-write");
}

TEST(TreeGrants, ReadOnlyChildCannotWrite) {
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("c", "app", kProbe).grant.dirs = {Dir("data", /*ro=*/true)};
  ASSERT_TRUE(f.Build(t));
  EXPECT_EQ(f.WriteFile("c", 3, "sentinel.txt"), kNotCapable);
  uint32_t len = f.Put("c", 1000, "sentinel.txt");
  EXPECT_EQ(f.Call("c", "read_open", {3, 1000, len}), 0);
  EXPECT_TRUE(t.SentinelIntact());
}

TEST(TreeGrants, GrandchildAskingMoreThanItsParentIsRefused) {
  struct Case {
    const char* what;
    void (*set)(nw::WasiGrant&);
    const char* error;
  } cases[] = {
      {"rw under ro", [](nw::WasiGrant& g) { g.dirs = {Dir("uploads")}; },
       "t.toml: node \"g\": dir \"uploads\" is read-only for its parent \"c\"; it cannot be "
       "granted read-write"},
      {"a dir the child lacks", [](nw::WasiGrant& g) { g.dirs = {Dir("data", true)}; },
       "t.toml: node \"g\": dir \"data\" is not granted to its parent \"c\""},
      {"clocks", [](nw::WasiGrant& g) { g.clocks = true; },
       "t.toml: node \"g\": clocks is not granted to its parent \"c\""},
      {"random", [](nw::WasiGrant& g) { g.random = true; },
       "t.toml: node \"g\": random is not granted to its parent \"c\""},
      {"env", [](nw::WasiGrant& g) { g.env = {"SECRET"}; },
       "t.toml: node \"g\": env \"SECRET\" is not granted to its parent \"c\""},
      {"arg", [](nw::WasiGrant& g) { g.args = {"--admin"}; },
       "t.toml: node \"g\": arg \"--admin\" is not granted to its parent \"c\""},
      {"connect", [](nw::WasiGrant& g) { g.connect = {"127.0.0.1:80"}; },
       "t.toml: node \"g\": connect \"127.0.0.1:80\" is not granted to its parent \"c\""},
  };
  for (const Case& k : cases) {
    TempTree t;
    Fixture f;
    f.Add("app", "", kPlainRoot);
    nw::WasiGrant& c = f.Add("c", "app", kProbe).grant;
    c.dirs = {Dir("uploads", true)};
    c.env = {"LANG"};
    c.connect = {"127.0.0.1:9"};
    k.set(f.Add("g", "c", kProbe).grant);
    nw::WasiConfig config;
    config.env = {{"LANG", "C"}, {"SECRET", "x"}};
    config.args = {"app", "--admin"};
    config.connect = {"127.0.0.1:9", "127.0.0.1:80"};
    EXPECT_EQ(ErrorOf(f.Build(t, config)), k.error) << k.what;
  }
}

TEST(TreeGrants, KeysNotHandedDownAreNotCapable) {
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("none", "app", kProbe);
  nw::WasiGrant& g = f.Add("some", "app", kProbe).grant;
  g.clocks = g.random = true;
  g.env = {"LANG"};
  nw::WasiConfig config;
  config.env = {{"LANG", "C"}, {"SECRET", "x"}};
  ASSERT_TRUE(f.Build(t, config));
  EXPECT_EQ(f.Call("none", "clock", {}), kNotCapable);
  EXPECT_EQ(f.Call("none", "random", {}), kNotCapable);
  EXPECT_EQ(f.Call("none", "env_count", {}), 0);
  EXPECT_EQ(f.Call("some", "clock", {}), 0);
  EXPECT_EQ(f.Call("some", "random", {}), 0);
  EXPECT_EQ(f.Call("some", "env_count", {}), 1);
}

TEST(TreeGrants, ConnectOnlyToGrantedAddresses) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(l, 4), 0);
  socklen_t len = sizeof a;
  getsockname(l, reinterpret_cast<sockaddr*>(&a), &len);
  std::string addr = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("granted", "app", kProbe).grant.connect = {addr};
  f.Add("denied", "app", kProbe);
  nw::WasiConfig config;
  config.connect = {addr};
  ASSERT_TRUE(f.Build(t, config));
  uint32_t n = f.Put("denied", 1000, addr);
  EXPECT_EQ(f.Call("denied", "connect", {1000, n}), kNotCapable);
  n = f.Put("granted", 1000, "127.0.0.1:1");
  EXPECT_EQ(f.Call("granted", "connect", {1000, n}), kNotCapable);  // another port
  n = f.Put("granted", 1000, addr);
  EXPECT_EQ(f.Call("granted", "connect", {1000, n}), 0);
  close(l);
}

// A listener handed to a child moves to it: the parent's descriptor for it is closed (`badf`),
// and it cannot be handed to a second child.
TEST(TreeGrants, AListenerBelongsToOneNode) {
  TempTree t;
  nw::WasiConfig config;
  config.listen = {"127.0.0.1:0"};
  auto ctx = nw::CreateWasiCtx(config);
  ASSERT_TRUE(ctx) << ctx.error().message;
  std::string addr = nw::WasiListenerAddress(**ctx, 0);
  Fixture f;
  f.Add("app", "", kProbe);
  f.Add("a", "app", kProbe).grant.listen = {addr};
  f.spec.source = "t.toml";
  auto tree = nw::Tree::Instantiate(f.store, f.spec, *ctx, nullptr);
  ASSERT_TRUE(tree) << tree.error().message;
  f.tree = std::move(*tree);
  EXPECT_EQ(f.Call("app", "fdstat", {3}), kBadf) << "the root's listener moved to its child";
  EXPECT_EQ(f.Call("a", "fdstat", {3}), 0) << "the child's fd 3 is the listener";
  // A second child asking for it.
  auto ctx2 = nw::CreateWasiCtx(config);
  ASSERT_TRUE(ctx2);
  addr = nw::WasiListenerAddress(**ctx2, 0);
  Fixture g;
  g.Add("app", "", kProbe);
  g.Add("a", "app", kProbe).grant.listen = {addr};
  g.Add("b", "app", kProbe).grant.listen = {addr};
  g.spec.source = "t.toml";
  auto bad = nw::Tree::Instantiate(g.store, g.spec, *ctx2, nullptr);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "t.toml: node \"b\": listen \"" + addr +
                                     "\" was handed to sibling \"a\": a listener belongs to one node");
}

// --- the boundary: re-exports, references, strings -------------------------------------------

// A parent calling its child's export that is the child's own WASI import, re-exported: the
// trampoline runs it with no caller instance, so it reaches no memory at all.
TEST(TreeBoundary, ReexportedWasiFunctionReachesNoMemory) {
  TempTree t;
  Fixture f;
  f.Add("app", "", R"((module
    (import "c" "po" (func $po (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) "sentinel.txt")
    (func (export "attack") (result i32)
      (call $po (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 12) (i32.const 9)
            (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 200)))))");
  f.Add("c", "app", kProbe).grant.dirs = {Dir("uploads")};
  ASSERT_TRUE(f.Build(t));
  EXPECT_EQ(f.Call("app", "attack", {}), kFault);
  EXPECT_FALSE(t.Exists("uploads/sentinel.txt"));
  EXPECT_TRUE(t.SentinelIntact());
}

// A grandchild cannot import from the node above it: only children satisfy imports.
TEST(TreeBoundary, GrandchildCannotImportItsParentsFunctions) {
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("c", "app", kProbe).grant.dirs = {Dir("uploads")};
  f.Add("g", "c", R"((module (import "c" "write_file"
                       (func (param i32 i32 i32 i32 i32) (result i32)))))");
  EXPECT_EQ(ErrorOf(f.Build(t)),
            "t.toml: node \"g\": import \"c\".\"write_file\" is satisfied by no child and is "
            "not a host interface granted to it");
  EXPECT_EQ(ErrorOf(nw::ValidateTree(f.spec)), ErrorOf(f.Build(t)));
}

TEST(TreeBoundary, ReferencesMemoriesAndTablesDoNotCross) {
  const char* parents[] = {
      R"((module (import "c" "f" (func (param funcref)))))",
      R"((module (import "c" "f" (func (result externref)))))",
      R"((module (import "c" "memory" (memory 1))))",
      R"((module (import "c" "t" (table 1 funcref))))",
  };
  const char* errors[] = {
      "t.toml: node \"app\": import \"c\".\"f\" passes funcref: only i32, i64, f32 and f64 "
      "cross a node boundary",
      "t.toml: node \"app\": import \"c\".\"f\" passes externref: only i32, i64, f32 and f64 "
      "cross a node boundary",
      "t.toml: node \"app\": import \"c\".\"memory\" from child \"c\" is not a function: only "
      "functions cross a node boundary",
      "t.toml: node \"app\": import \"c\".\"t\" from child \"c\" is not a function: only "
      "functions cross a node boundary",
  };
  for (size_t i = 0; i < std::size(parents); ++i) {
    Fixture f;
    f.Add("app", "", parents[i]);
    f.Add("c", "app", kProbe);
    f.spec.source = "t.toml";
    EXPECT_EQ(ErrorOf(nw::ValidateTree(f.spec)), errors[i]);
  }
}

TEST(TreeBoundary, StringArgumentsAreCopiedAndBoundsChecked) {
  TempTree t;
  Fixture f;
  f.Add("app", "", R"((module
    (import "c" "sum" (func $sum (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) "\01\02\03\04")
    (func (export "ok") (result i32) (call $sum (i32.const 100) (i32.const 4)))
    (func (export "oob") (result i32) (call $sum (i32.const 65534) (i32.const 4)))))");
  f.Add("c", "app", kProbe);
  ASSERT_TRUE(f.Build(t));
  EXPECT_EQ(f.Call("app", "ok", {}), 10);
  auto r = f.tree->root()->GetFunc("oob")->Call(f.store, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "string argument out of bounds of the caller's memory");
}

TEST(TreeBoundary, EachNodeHasItsOwnMemory) {
  TempTree t;
  Fixture f;
  f.Add("app", "", kPlainRoot);
  f.Add("a", "app", kProbe);
  f.Add("b", "app", kProbe);
  ASSERT_TRUE(f.Build(t));
  EXPECT_NE(f.tree->node("a")->GetMemory("memory"), f.tree->node("b")->GetMemory("memory"));
  EXPECT_NE(f.tree->node("a")->GetMemory("memory"), f.tree->root()->GetMemory("memory"));
}

// --- shape ------------------------------------------------------------------------------------

TEST(TreeShape, Refusals) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> nodes;  // name, parent
    const char* error;
  } cases[] = {
      {{{"a", ""}, {"b", ""}}, "t.toml: node \"b\": has no parent, and \"a\" is already the root"},
      {{{"a", "b"}, {"b", "a"}}, "t.toml: no root node (a node without a parent)"},
      {{{"r", ""}, {"a", "b"}, {"b", "a"}}, "t.toml: node \"a\": its parents form a cycle"},
      {{{"r", ""}, {"a", "x"}}, "t.toml: node \"a\": parent \"x\" is not a node"},
      {{{"r", ""}, {"r", ""}}, "t.toml: node \"r\": named twice"},
  };
  for (const Case& k : cases) {
    Fixture f;
    for (const auto& [name, parent] : k.nodes)
      f.Add(name, parent, kPlainRoot);
    f.spec.source = "t.toml";
    EXPECT_EQ(ErrorOf(nw::ValidateTree(f.spec)), k.error);
  }
}

// --- the manifest -------------------------------------------------------------------------------

nw::Result<nw::TreeSpec> ParseManifest(const std::string& text) {
  nw::Engine engine;
  auto load = [&](const std::string&) -> nw::Result<nw::tree::NodeCode> {
    auto desc = nw::ParseWat(kPlainRoot);
    NW_TRY_ASSIGN(auto m, nw::Module::FromDesc(engine, std::move(*desc)));
    return nw::tree::NodeCode{m, nullptr};
  };
  return nw::tree::ParseManifest(text, "app.toml", load);
}

TEST(TreeManifest, ReadsEveryKey) {
  auto spec = ParseManifest(R"(
[nodes.app]
module = "app.wasm"
[nodes.x]
module = "x.wasm"
parent = "app"
import = "ex"
stdio = ["stdout", "stderr"]
clocks = true
env = ["LANG"]
args = ["-v"]
connect = ["127.0.0.1:9"]
listen = ["127.0.0.1:8080"]
host = ["spectest"]
strings = ["f"]
dirs = [{ from = "uploads", as = "up", mode = "rw" }, { from = "data" }]
)");
  ASSERT_TRUE(spec) << spec.error().message;
  ASSERT_EQ(spec->nodes.size(), 2u);
  const nw::TreeNodeSpec& x = spec->nodes[1];
  EXPECT_EQ(x.parent, "app");
  EXPECT_EQ(x.import_as, "ex");
  EXPECT_EQ(x.module_path, "x.wasm");
  EXPECT_TRUE(x.grant.pass_stdout && x.grant.pass_stderr && !x.grant.pass_stdin);
  EXPECT_TRUE(x.grant.clocks && !x.grant.random);
  ASSERT_EQ(x.grant.dirs.size(), 2u);
  EXPECT_EQ(x.grant.dirs[0].guest_path, "up");
  EXPECT_FALSE(x.grant.dirs[0].read_only);
  EXPECT_TRUE(x.grant.dirs[1].read_only);  // ro unless rw is asked for
}

TEST(TreeManifest, Refusals) {
  std::pair<const char*, const char*> cases[] = {
      {"[nodes.a]\nmodule = \"a.wasm\"\ndirz = []\n", "app.toml: node \"a\": unknown key \"dirz\""},
      {"[nodes.a]\nmodule = \"a.wasm\"\n[nodes.b]\nmodule = \"b.wasm\"\nparent = \"a\"\n"
       "dirs = [{ from = \"d\", mode = \"rwx\" }]\n",
       "app.toml: node \"b\": dirs.mode \"rwx\": expected \"ro\" or \"rw\""},
      {"[nodes.a]\nmodule = \"a.wasm\"\ndirs = [{ from = \"d\" }]\n",
       "app.toml: node \"a\": is the root: its keys come from the command line, not the manifest"},
      {"[nodes.a]\nparent = \"b\"\n", "app.toml: node \"a\": no `module`"},
      {"root = 1\n", "app.toml: unknown top-level key \"root\" (only [nodes.NAME])"},
      {"[nodes.a]\nmodule = \"a.wasm\"\nstdio = [\"tty\"]\n",
       "app.toml: node \"a\": stdio: \"tty\" is not stdin, stdout or stderr"},
  };
  for (auto [text, error] : cases) {
    auto spec = ParseManifest(text);
    ASSERT_FALSE(spec) << text;
    EXPECT_EQ(spec.error().message, error);
  }
  auto bad = ParseManifest("[nodes.a\nmodule = 1\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("app.toml:1:", 0), 0u) << bad.error().message;
}

}  // namespace
