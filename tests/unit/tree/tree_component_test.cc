// Component nodes of the capability tree (nanowasm/tree.h): each with its own WASI 0.2 context
// derived from its parent's and its own handle tables, linked to its parent through an
// interface (the parent's instance import is the child's exported instance), values crossing
// by the canonical ABI. The attacks of issue 13 for components (docs/security.md lists each
// with its result): a parent's or a sibling's descriptor handle numbers, a parent's descriptor
// passed down, a grandchild importing its parent's interface or asking for more than its parent
// has, symbolic links and `..` out of a child's directory. Every filesystem case checks that the
// parent's data/sentinel.txt is unchanged. The components are written in the text format (no
// toolchain needed).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "nanowasm/component.hpp"
#include "nanowasm/tree.h"
#include "nanowasm/wasi.h"
#include "../wasi2/wasi_fs_imports_wat.h"
#include "temp_tree.h"
#include "tree/manifest.h"

namespace {

using V = nw::ComponentVal;

// The WASI filesystem imports (wasi_fs_imports_wat.h) and a memory with a bump realloc. `$C`
// is the enclosing component's name.
const std::string kFsImports = nw::testing::WasiFsImportsWat("0.2.0") + R"(
  (core module $Mem
    (memory (export "mem") 1)
    (global $n (mut i32) (i32.const 8192))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $n) (i32.const 7)) (i32.const -8)))
      (global.set $n (i32.add (local.get $r) (local.get 3)))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $cmem))
  (core func $dirs (canon lower (func $pre "get-directories") (memory $cmem) (realloc (core func $mem "realloc"))))
  (core func $open (canon lower (func $types "[method]descriptor.open-at") (memory $cmem) (realloc (core func $mem "realloc"))))
  (core func $drop (canon resource.drop $desc))
)";

const char kOpts[] = R"((memory $cmem) (realloc (core func $mem "realloc")))";

// The core functions every component here uses on its own WASI: setup() lists its preopens
// (handles 1..n in its own table) and returns n; open(h, path, n, o, dflags) runs open-at on
// handle number h as given, with open-flags o & 0xff and path-flags o >> 8: 0 = opened (and
// dropped), else 1 + error-code; a handle number not in its table traps.
const char kFsCore[] = R"(
    (func $own-setup (export "own-setup") (result i32) (call $dirs (i32.const 16)) (i32.load (i32.const 20)))
    (func $own-open (export "own-open") (param $h i32) (param $p i32) (param $n i32) (param $o i32) (param $f i32) (result i32)
      (call $open (local.get $h) (i32.shr_u (local.get $o) (i32.const 8)) (local.get $p) (local.get $n)
        (i32.and (local.get $o) (i32.const 255)) (local.get $f) (i32.const 64))
      (if (result i32) (i32.load8_u (i32.const 64))
        (then (i32.add (i32.const 1) (i32.load8_u (i32.const 68))))
        (else (call $drop (i32.load (i32.const 68))) (i32.const 0))))
)";

// A child exporting the instance `exported` ("local:tree/files"): setup and open on its own
// WASI, describe() -> record {dirs: u32, first: string} (its preopens' count and first name),
// greet(name) -> "hello, " + name. Rich values its parent receives by copy.
std::string ChildWat(const std::string& exported = "local:tree/files") {
  return std::string("(component $C") + kFsImports + R"(
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "dirs" (func $dirs (param i32)))
    (import "" "open" (func $open (param i32 i32 i32 i32 i32 i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (data (i32.const 3000) "hello, ")
    )" + kFsCore + R"(
    (func (export "describe") (result i32)
      (call $dirs (i32.const 32))
      (i32.store (i32.const 128) (i32.load (i32.const 36)))
      (if (i32.load (i32.const 36)) (then
        (i32.store (i32.const 132) (i32.load (i32.add (i32.load (i32.const 32)) (i32.const 4))))
        (i32.store (i32.const 136) (i32.load (i32.add (i32.load (i32.const 32)) (i32.const 8))))))
      (i32.const 128))
    (func (export "greet") (param $p i32) (param $n i32) (result i32)
      (memory.copy (i32.const 3007) (local.get $p) (local.get $n))
      (i32.store (i32.const 2992) (i32.const 3000))
      (i32.store (i32.const 2996) (i32.add (i32.const 7) (local.get $n)))
      (i32.const 2992)))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $cmem)) (export "dirs" (func $dirs)) (export "open" (func $open))
    (export "drop" (func $drop))))))
  (type $info (record (field "dirs" u32) (field "first" string)))
  (export $ie "info" (type $info))
  (func $setup (result u32) (canon lift (core func $m "own-setup")))
  (func $openf (param "h" u32) (param "path" string) (param "o" u32) (param "f" u32) (result u32)
    (canon lift (core func $m "own-open") )" + kOpts + R"())
  (func $describe (result $ie) (canon lift (core func $m "describe") )" + kOpts + R"())
  (func $greet (param "name" string) (result string) (canon lift (core func $m "greet") )" + kOpts + R"())
  (instance $api (export "info" (type $ie)) (export "setup" (func $setup))
    (export "open" (func $openf)) (export "describe" (func $describe)) (export "greet" (func $greet)))
  (export ")" + exported + R"(" (instance $api))))";
}

// The type of a "local:tree/files" instance, as an importer declares it.
const char kFilesType[] = R"(
    (type $info (record (field "dirs" u32) (field "first" string)))
    (export "info" (type $i (eq $info)))
    (export "setup" (func (result u32)))
    (export "open" (func (param "h" u32) (param "path" string) (param "o" u32) (param "f" u32) (result u32)))
    (export "describe" (func (result $i)))
    (export "greet" (func (param "name" string) (result string)))))";

// A root (or middle) node: its own WASI, and one instance import per name in `imports`, each of
// the files type. Exports, `which` 0 meaning itself and k the k-th import: setup(which),
// open(which, h, path, o, f), describe(which) and greet(which, name) (k >= 1 only).
std::string ParentWat(const std::vector<std::string>& imports) {
  std::string w = std::string("(component $C") + kFsImports;
  for (size_t k = 0; k < imports.size(); ++k) {
    std::string i = std::to_string(k + 1);
    w += "(import \"" + imports[k] + "\" (instance $f" + i + kFilesType + ")\n";
    w += "(core func $setup" + i + " (canon lower (func $f" + i + " \"setup\")))\n";
    w += "(core func $open" + i + " (canon lower (func $f" + i + " \"open\") " + kOpts + "))\n";
    w += "(core func $describe" + i + " (canon lower (func $f" + i + " \"describe\") " + kOpts + "))\n";
    w += "(core func $greet" + i + " (canon lower (func $f" + i + " \"greet\") " + kOpts + "))\n";
  }
  w += R"((core module $M
    (import "" "mem" (memory 1))
    (import "" "dirs" (func $dirs (param i32)))
    (import "" "open" (func $open (param i32 i32 i32 i32 i32 i32 i32)))
    (import "" "drop" (func $drop (param i32)))
)";
  for (size_t k = 0; k < imports.size(); ++k) {
    std::string i = std::to_string(k + 1);
    w += "(import \"\" \"setup" + i + "\" (func $setup" + i + " (result i32)))\n";
    w += "(import \"\" \"open" + i + "\" (func $open" + i + " (param i32 i32 i32 i32 i32) (result i32)))\n";
    w += "(import \"\" \"describe" + i + "\" (func $describe" + i + " (param i32)))\n";
    w += "(import \"\" \"greet" + i + "\" (func $greet" + i + " (param i32 i32 i32)))\n";
  }
  w += kFsCore;
  std::string setup = "(if (i32.eqz (local.get $w)) (then (return (call $own-setup))))\n";
  std::string open, describe, greet;
  for (size_t k = 0; k < imports.size(); ++k) {
    std::string i = std::to_string(k + 1);
    std::string is = "(if (i32.eq (local.get $w) (i32.const " + i + ")) (then (return ";
    setup += is + "(call $setup" + i + "))))\n";
    open += is + "(call $open" + i + " (local.get $h) (local.get $p) (local.get $n) (local.get $o) (local.get $f)))))\n";
    describe += is + "(call $describe" + i + " (i32.const 256)) (i32.const 256))))\n";
    greet += is + "(call $greet" + i + " (local.get $p) (local.get $n) (i32.const 272)) (i32.const 272))))\n";
  }
  w += "(func (export \"setup\") (param $w i32) (result i32)\n" +
       setup + " unreachable)\n";
  w += R"((func (export "open") (param $w i32) (param $h i32) (param $p i32) (param $n i32) (param $o i32) (param $f i32) (result i32)
    (if (i32.eqz (local.get $w)) (then (return (call $own-open (local.get $h) (local.get $p) (local.get $n) (local.get $o) (local.get $f)))))
)" + open + " unreachable)\n";
  w += "(func (export \"describe\") (param $w i32) (result i32)\n" + describe + " unreachable)\n";
  w += "(func (export \"greet\") (param $w i32) (param $p i32) (param $n i32) (result i32)\n" + greet +
       " unreachable))\n";
  w += R"((core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $cmem)) (export "dirs" (func $dirs)) (export "open" (func $open))
    (export "drop" (func $drop)))";
  for (size_t k = 0; k < imports.size(); ++k) {
    std::string i = std::to_string(k + 1);
    for (const char* f : {"setup", "open", "describe", "greet"})
      w += std::string("(export \"") + f + i + "\" (func $" + f + i + "))";
  }
  w += R"())))
  (type $info (record (field "dirs" u32) (field "first" string)))
  (export $ie "info" (type $info))
  (func (export "setup") (param "which" u32) (result u32) (canon lift (core func $m "setup")))
  (func (export "open") (param "which" u32) (param "h" u32) (param "path" string) (param "o" u32) (param "f" u32) (result u32)
    (canon lift (core func $m "open") )" + std::string(kOpts) + R"())
  (func (export "describe") (param "which" u32) (result $ie) (canon lift (core func $m "describe") )" + kOpts + R"())
  (func (export "greet") (param "which" u32) (param "name" string) (result string)
    (canon lift (core func $m "greet") )" + kOpts + R"())))";
  return w;
}

constexpr uint32_t kCreate = 1, kFollow = 1 << 8, kRead = 1, kWrite = 2, kOk = 0;
constexpr uint32_t kLoop = 1 + 15, kNotPermitted = 1 + 31;

struct CFixture {
  nw::Engine engine;
  nw::Store store{engine};
  nw::TreeSpec spec;
  std::unique_ptr<nw::Tree> tree;

  std::shared_ptr<const nw::ComponentModule> Parse(const std::string& wat) {
    auto c = nw::ComponentModule::FromText(wat);
    EXPECT_TRUE(c) << c.error().ToString() << "\n" << wat;
    return c ? *c : nullptr;
  }
  nw::TreeNodeSpec& Add(const std::string& name, const std::string& parent, const std::string& wat,
                        const std::string& import_as = "") {
    nw::TreeNodeSpec n;
    n.name = name;
    n.parent = parent;
    n.component = Parse(wat);
    n.import_as = import_as;
    spec.nodes.push_back(std::move(n));
    return spec.nodes.back();
  }
  // The root holds data/ and uploads/, read-write (its handles 1 and 2 after setup(0)).
  nw::Status Build(const TempTree& t) {
    nw::WasiConfig config;
    config.dirs = {{t.At("data"), "data", false}, {t.At("uploads"), "uploads", false}};
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
  nw::CallResult<std::vector<V>> Call(const std::string& func, std::initializer_list<V> args) {
    auto root = tree->component(spec.nodes[0].name);
    EXPECT_TRUE(root);
    auto f = root->GetFunc(func);
    EXPECT_TRUE(f) << f.error().message;
    return f->Call(args);
  }
  uint32_t Setup(uint32_t which) {
    auto r = Call("setup", {V::U32(which)});
    EXPECT_TRUE(r) << r.error().message;
    return r ? static_cast<uint32_t>((*r)[0].as_u64()) : 999;
  }
  nw::CallResult<std::vector<V>> Open(uint32_t which, uint32_t h, const std::string& path,
                                      uint32_t o, uint32_t f) {
    return Call("open", {V::U32(which), V::U32(h), V::String(path), V::U32(o), V::U32(f)});
  }
  uint32_t OpenOk(uint32_t which, uint32_t h, const std::string& path, uint32_t o, uint32_t f) {
    auto r = Open(which, h, path, o, f);
    EXPECT_TRUE(r) << r.error().message;
    return r ? static_cast<uint32_t>((*r)[0].as_u64()) : 999;
  }
};

nw::WasiDirGrant Dir(std::string from, bool ro = false, std::string as = "") {
  return {std::move(from), std::move(as), ro};
}

std::string ErrorOf(const nw::Status& s) {
  return s ? "(no error)" : s.error().message;
}

// --- the boundary: an interface, rich values by copy -------------------------------------------

TEST(TreeComponent, RecordsAndStringsComeBackFromAChild) {
  TempTree t;
  CFixture f;
  f.Add("app", "", ParentWat({"local:tree/files"}));
  f.Add("lib", "app", ChildWat(), "local:tree/files").grant.dirs = {Dir("uploads")};
  ASSERT_TRUE(f.Build(t)) << ErrorOf(f.Build(t));
  auto d = f.Call("describe", {V::U32(1)});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ((*d)[0], V::Record({V::U32(1), V::String("uploads")}));
  auto g = f.Call("greet", {V::U32(1), V::String("nanowasm")});
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ((*g)[0], V::String("hello, nanowasm"));
  // The child's view: one preopen; the parent's: two.
  EXPECT_EQ(f.Setup(1), 1u);
  EXPECT_EQ(f.Setup(0), 2u);
  // The child writes beneath its own uploads/ (its handle 1).
  EXPECT_EQ(f.OpenOk(1, 1, "made-by-child.txt", kCreate, kWrite), kOk);
  EXPECT_TRUE(t.Exists("uploads/made-by-child.txt"));
  EXPECT_TRUE(t.SentinelIntact());
}

TEST(TreeComponent, ExportKeyNamesTheChildsInstance) {
  TempTree t;
  CFixture f;
  f.Add("app", "", ParentWat({"files-a", "files-b"}));
  f.Add("a", "app", ChildWat(), "files-a").export_as = "local:tree/files";
  f.Add("b", "app", ChildWat("local:tree/other"), "files-b").export_as = "local:tree/other";
  ASSERT_TRUE(f.Build(t)) << ErrorOf(f.Build(t));
  EXPECT_EQ((*f.Call("greet", {V::U32(2), V::String("b")}))[0], V::String("hello, b"));
  // Without `export`, b's instance is looked up under the import name: none.
  CFixture g;
  g.Add("app", "", ParentWat({"files-a"}));
  g.Add("a", "app", ChildWat(), "files-a");
  EXPECT_EQ(ErrorOf(g.Build(t)),
            "t.toml: node \"app\": child \"a\" exports no instance \"files-a\" for its import "
            "\"files-a\"");
}

// --- handles: a node uses its own, never its parent's or a sibling's ---------------------------

TEST(TreeComponentHandles, ChildUsingItsParentsHandleNumberTraps) {
  TempTree t;
  CFixture f;
  f.Add("app", "", ParentWat({"local:tree/files"}));
  f.Add("lib", "app", ChildWat(), "local:tree/files").grant.dirs = {Dir("uploads")};
  ASSERT_TRUE(f.Build(t)) << ErrorOf(f.Build(t));
  ASSERT_EQ(f.Setup(0), 2u);  // the parent holds handle 1 (data/) and 2 (uploads/)
  ASSERT_EQ(f.Setup(1), 1u);  // the child holds its own handle 1 (its uploads/)
  // The parent's handle 1 is data/: from the child, number 1 is its own uploads/.
  EXPECT_EQ(f.OpenOk(1, 1, "sentinel.txt", 0, kRead), 1 + 20u) << "no-entry: not data/";
  // Number 2 is not in the child's table: a canonical ABI trap, nothing opened.
  auto r = f.Open(1, 2, "sentinel.txt", kCreate, kWrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, nw::ComponentError::Kind::kAbiTrap) << r.error().message;
  EXPECT_TRUE(t.SentinelIntact());
}

TEST(TreeComponentHandles, SiblingHandlesAreNotShared) {
  TempTree t;
  CFixture f;
  f.Add("app", "", ParentWat({"files-a", "files-b"}));
  f.Add("a", "app", ChildWat(), "files-a").export_as = "local:tree/files";
  auto& b = f.Add("b", "app", ChildWat(), "files-b");
  b.export_as = "local:tree/files";
  b.grant.dirs = {Dir("data", /*ro=*/true)};
  ASSERT_TRUE(f.Build(t)) << ErrorOf(f.Build(t));
  EXPECT_EQ(f.Setup(2), 1u);  // b holds data/ read-only as its handle 1
  EXPECT_EQ(f.Setup(1), 0u);  // a holds nothing
  // a tries b's handle number 1: not in a's table.
  auto r = f.Open(1, 1, "sentinel.txt", kCreate, kWrite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, nw::ComponentError::Kind::kAbiTrap) << r.error().message;
  // b's own handle is read-only.
  CFixture g;
  g.Add("app", "", ParentWat({"files-b"}));
  auto& b2 = g.Add("b", "app", ChildWat(), "files-b");
  b2.export_as = "local:tree/files";
  b2.grant.dirs = {Dir("data", /*ro=*/true)};
  ASSERT_TRUE(g.Build(t));
  ASSERT_EQ(g.Setup(1), 1u);
  EXPECT_EQ(g.OpenOk(1, 1, "sentinel.txt", 0, kWrite), kNotPermitted);
  EXPECT_EQ(g.OpenOk(1, 1, "sentinel.txt", 0, kRead), kOk);
  EXPECT_TRUE(t.SentinelIntact());
}

// A parent's descriptor cannot be handed to a child: each node's WASI host has its own resource
// types, so an interface taking a borrow<descriptor> of the child's WASI does not match the
// parent's import naming its own descriptor type. Refused when linking, at load.
TEST(TreeComponentHandles, AParentsDescriptorTypeIsNotItsChilds) {
  TempTree t;
  CFixture f;
  f.Add("app", "", R"((component $P
    (import "wasi:filesystem/types@0.2.0" (instance $types (export "descriptor" (type (sub resource)))))
    (alias export $types "descriptor" (type $desc))
    (import "local:tree/handles" (instance $h
      (alias outer $P $desc (type $d1))
      (export "descriptor" (type $d2 (eq $d1)))
      (export "use" (func (param "d" (borrow $d2)) (result u32))))))
  )");
  f.Add("lib", "app", R"((component
    (import "wasi:filesystem/types@0.2.0" (instance $types (export "descriptor" (type (sub resource)))))
    (alias export $types "descriptor" (type $desc))
    (core module $M (func (export "use") (param i32) (result i32) (local.get 0)))
    (core instance $m (instantiate $M))
    (func $use (param "d" (borrow $desc)) (result u32) (canon lift (core func $m "use")))
    (instance $api (export "descriptor" (type $desc)) (export "use" (func $use)))
    (export "local:tree/handles" (instance $api)))
  )", "local:tree/handles");
  std::string e = ErrorOf(f.Build(t));
  EXPECT_TRUE(e.starts_with("t.toml: node \"app\": ")) << e;
  EXPECT_NE(e.find("local:tree/handles"), std::string::npos) << e;
}

// A child that re-exports its own WASI 0.2 preopens instance gives its parent the child's keys
// only: get-directories through it lists the child's one directory, not the parent's two.
TEST(TreeComponentHandles, ReexportedWasiInstanceCarriesTheChildsKeysOnly) {
  TempTree t;
  CFixture f;
  f.Add("app", "", R"((component
    (import "local:tree/fs" (instance $fs
      (export "descriptor" (type $d (sub resource)))
      (export "get-directories" (func (result (list (tuple (own $d) string)))))))
    (core module $Mem
      (memory (export "mem") 1)
      (global $n (mut i32) (i32.const 8192))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $r i32)
        (local.set $r (global.get $n)) (global.set $n (i32.add (local.get $r) (local.get 3))) (local.get $r)))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $cmem))
    (core func $dirs (canon lower (func $fs "get-directories") (memory $cmem) (realloc (core func $mem "realloc"))))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "dirs" (func $dirs (param i32)))
      (func (export "first") (result i32)
        (call $dirs (i32.const 16))
        (i32.store (i32.const 32) (i32.load (i32.const 20)))
        (i32.store (i32.const 36) (i32.load (i32.add (i32.load (i32.const 16)) (i32.const 4))))
        (i32.store (i32.const 40) (i32.load (i32.add (i32.load (i32.const 16)) (i32.const 8))))
        (i32.const 32)))
    (core instance $m (instantiate $M (with "" (instance (export "mem" (memory $cmem)) (export "dirs" (func $dirs))))))
    (func (export "first") (result (tuple u32 string))
      (canon lift (core func $m "first") (memory $cmem) (realloc (core func $mem "realloc")))))
  )");
  f.Add("lib", "app", R"((component $C
    (import "wasi:filesystem/types@0.2.0" (instance $types (export "descriptor" (type (sub resource)))))
    (alias export $types "descriptor" (type $desc))
    (import "wasi:filesystem/preopens@0.2.0" (instance $pre
      (alias outer $C $desc (type $d))
      (export "descriptor" (type $d2 (eq $d)))
      (export "get-directories" (func (result (list (tuple (own $d2) string)))))))
    (export "local:tree/fs" (instance $pre)))
  )", "local:tree/fs").grant.dirs = {Dir("uploads")};
  ASSERT_TRUE(f.Build(t)) << ErrorOf(f.Build(t));
  auto r = f.Call("first", {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0], V::Tuple({V::U32(1), V::String("uploads")}));
}

// --- grants: never wider than the parent's -----------------------------------------------------

// A grandchild asking for a key its parent does not hold: refused at load, one line.
TEST(TreeComponentGrants, GrandchildAskingMoreThanItsParentIsRefused) {
  TempTree t;
  const std::string mid = R"((component
    (import "local:tree/files" (instance $f )" + std::string(kFilesType) + R"()
    (export "local:tree/files" (instance $f))))";
  CFixture f;
  f.Add("app", "", ParentWat({"local:tree/files"}));
  f.Add("mid", "app", mid, "local:tree/files").grant.dirs = {Dir("uploads")};
  f.Add("leaf", "mid", ChildWat(), "local:tree/files").grant.dirs = {Dir("data")};
  EXPECT_EQ(ErrorOf(f.Build(t)), "t.toml: node \"leaf\": dir \"data\" is not granted to its parent \"mid\"");
  // rw beneath a ro grant, clocks the parent lacks: the same rules as preview1.
  CFixture g;
  g.Add("app", "", ParentWat({"local:tree/files"}));
  g.Add("mid", "app", mid, "local:tree/files").grant.dirs = {Dir("uploads", /*ro=*/true)};
  g.Add("leaf", "mid", ChildWat(), "local:tree/files").grant.dirs = {Dir("uploads")};
  EXPECT_EQ(ErrorOf(g.Build(t)),
            "t.toml: node \"leaf\": dir \"uploads\" is read-only for its parent \"mid\"; it cannot "
            "be granted read-write");
  // Granted within the middle node's: the leaf's calls reach it through the middle node's
  // re-export, and it sees only uploads/, read-only.
  CFixture h;
  h.Add("app", "", ParentWat({"local:tree/files"}));
  h.Add("mid", "app", mid, "local:tree/files").grant.dirs = {Dir("uploads", /*ro=*/true)};
  h.Add("leaf", "mid", ChildWat(), "local:tree/files").grant.dirs = {Dir("uploads", true)};
  ASSERT_TRUE(h.Build(t)) << ErrorOf(h.Build(t));
  EXPECT_EQ((*h.Call("describe", {V::U32(1)}))[0], V::Record({V::U32(1), V::String("uploads")}));
  ASSERT_EQ(h.Setup(1), 1u);
  EXPECT_EQ(h.OpenOk(1, 1, "x.txt", kCreate, kWrite), kNotPermitted);
  EXPECT_FALSE(t.Exists("uploads/x.txt"));
}

// A middle node's interface (say, a wrapper of its own directory) reaches a grandchild only if
// the manifest makes the grandchild's import satisfied by it — and a node's imports are only
// ever satisfied by its own children, WASI on its own context, or host interfaces it holds.
TEST(TreeComponentGrants, GrandchildCannotImportItsParentsInterface) {
  TempTree t;
  CFixture f;
  f.Add("app", "", ParentWat({"local:tree/files"}));
  f.Add("mid", "app", ParentWat({"local:tree/wrapper"}) , "local:tree/files");
  f.Add("leaf", "mid", ParentWat({"local:tree/files"}), "local:tree/wrapper");
  std::string e = ErrorOf(f.Build(t));
  EXPECT_EQ(e, "t.toml: node \"leaf\": import \"local:tree/files\" is satisfied by no child and is "
               "not a host interface granted to it");
  EXPECT_EQ(ErrorOf(nw::ValidateTree(f.spec)), e);
}

// --- paths: nothing leaves a child's directory -------------------------------------------------

TEST(TreeComponentPaths, SymlinksAndDotDotOutOfTheChildsDirectoryAreRefused) {
  TempTree t;
  ASSERT_EQ(symlink("../data", t.At("uploads/link").c_str()), 0);
  ASSERT_EQ(symlink("../data/sentinel.txt", t.At("uploads/file").c_str()), 0);
  CFixture f;
  f.Add("app", "", ParentWat({"local:tree/files"}));
  f.Add("lib", "app", ChildWat(), "local:tree/files").grant.dirs = {Dir("uploads")};
  ASSERT_TRUE(f.Build(t)) << ErrorOf(f.Build(t));
  ASSERT_EQ(mkdir(t.At("uploads/a").c_str(), 0755), 0);
  ASSERT_EQ(f.Setup(1), 1u);
  for (const char* path : {"link/sentinel.txt", "file", "../data/sentinel.txt", "/data/sentinel.txt",
                           "a/../../data/sentinel.txt"}) {
    EXPECT_EQ(f.OpenOk(1, 1, path, kFollow, kWrite), kNotPermitted) << path;
    EXPECT_EQ(f.OpenOk(1, 1, path, kFollow, kRead), kNotPermitted) << path;
  }
  // Not following the final link: the link itself is not opened either.
  EXPECT_EQ(f.OpenOk(1, 1, "file", 0, kRead), kLoop);
  EXPECT_EQ(f.OpenOk(1, 1, "link/new.txt", kCreate, kWrite), kNotPermitted);
  EXPECT_FALSE(t.Exists("data/new.txt"));
  EXPECT_TRUE(t.SentinelIntact());
  // The parent, holding data/ as its handle 1, reads its own file.
  ASSERT_EQ(f.Setup(0), 2u);
  EXPECT_EQ(f.OpenOk(0, 1, "sentinel.txt", 0, kRead), kOk);
  // Granting the symlink itself is refused at load.
  CFixture g;
  g.Add("app", "", ParentWat({"local:tree/files"}));
  g.Add("lib", "app", ChildWat(), "local:tree/files").grant.dirs = {Dir("uploads/link")};
  EXPECT_EQ(ErrorOf(g.Build(t)),
            "t.toml: node \"lib\": dir \"uploads/link\" leaves its parent \"app\"'s directory "
            "\"uploads\"");
}

// --- shape ----------------------------------------------------------------------------------------

TEST(TreeComponentShape, Refusals) {
  TempTree t;
  {
    CFixture f;  // a core module child of a component
    f.Add("app", "", ParentWat({"lib"}));
    nw::TreeNodeSpec n;
    n.name = "lib";
    n.parent = "app";
    auto m = nw::Module::FromBinary(f.engine, std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0});
    ASSERT_TRUE(m);
    n.module = *m;
    f.spec.nodes.push_back(n);
    EXPECT_EQ(ErrorOf(f.Build(t)), "t.toml: node \"lib\": is a core module but its parent \"app\" "
                                   "is a component: a node's children are of its own kind");
  }
  {
    CFixture f;  // a child satisfying a WASI import
    f.Add("app", "", ParentWat({}));
    f.Add("lib", "app", ChildWat(), "wasi:filesystem/preopens@0.2.0");
    EXPECT_EQ(ErrorOf(f.Build(t)), "t.toml: node \"lib\": import name "
                                   "\"wasi:filesystem/preopens@0.2.0\" is WASI or a host "
                                   "interface of its parent");
  }
  {
    CFixture f;  // `strings` is for core modules
    f.Add("app", "", ParentWat({"local:tree/files"}));
    f.Add("lib", "app", ChildWat(), "local:tree/files").strings = {"greet"};
    EXPECT_EQ(ErrorOf(f.Build(t)), "t.toml: node \"lib\": `strings` is for core modules: a "
                                   "component's values cross by the canonical ABI");
  }
  {
    CFixture f;  // a WASI 0.2 interface nanowasm does not implement
    f.Add("app", "", "(component (import \"wasi:http/outgoing-handler@0.2.0\" (instance)))");
    std::string e = ErrorOf(f.Build(t));
    EXPECT_TRUE(e.starts_with("t.toml: node \"app\": import \"wasi:http/outgoing-handler@0.2.0\"")) << e;
  }
}

// Host interfaces: the embedder offers the root some (TreeSpec::root_host, defined by the
// TreeComponentHostDefiner); a child may import one only when its manifest entry lists it and
// its parent holds it.
TEST(TreeComponentShape, HostInterfacesOnlyWhenHandedDown) {
  const std::string user = R"((component
    (import "local:host/log" (instance $log (export "log" (func (param "s" string)))))
    (core module $Mem (memory (export "mem") 1) (data (i32.const 100) "from lib"))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $cmem))
    (core func $log (canon lower (func $log "log") (memory $cmem)))
    (core module $M
      (import "" "log" (func $log (param i32 i32)))
      (func (export "go") (call $log (i32.const 100) (i32.const 8))))
    (core instance $m (instantiate $M (with "" (instance (export "log" (func $log))))))
    (func $go (canon lift (core func $m "go")))
    (instance $api (export "go" (func $go)))
    (export "local:tree/go" (instance $api)))
  )";
  const std::string root = R"((component
    (import "local:tree/go" (instance $g (export "go" (func))))
    (alias export $g "go" (func $go))
    (export "go" (func $go)))
  )";
  std::vector<std::string> logged;
  auto define = [&](nw::ComponentLinker& l, std::string_view name) {
    EXPECT_EQ(name, "local:host/log");
    l.DefineFunc("local:host/log#log", [&](std::string s) { logged.push_back(s); });
  };
  for (bool granted : {false, true}) {
    CFixture f;
    f.Add("app", "", root);
    f.Add("lib", "app", user, "local:tree/go");
    if (granted)
      f.spec.nodes[1].host = {"local:host/log"};
    f.spec.root_host = {"local:host/log"};
    f.spec.source = "t.toml";
    auto tree = nw::Tree::Instantiate(f.store, f.spec, *nw::CreateWasiCtx({}), nullptr, define);
    if (!granted) {
      ASSERT_FALSE(tree);
      EXPECT_EQ(tree.error().message, "t.toml: node \"lib\": import \"local:host/log\" is satisfied "
                                      "by no child and is not a host interface granted to it");
      continue;
    }
    ASSERT_TRUE(tree) << tree.error().message;
    auto go = (*tree)->component("app")->GetFunc("go");
    ASSERT_TRUE(go);
    ASSERT_TRUE(go->Call({}));
    EXPECT_EQ(logged, std::vector<std::string>{"from lib"});
  }
}

// --- the manifest --------------------------------------------------------------------------------

TEST(TreeComponentManifest, ComponentNodesAndTheExportKey) {
  std::map<std::string, std::string> files = {{"app.wat", ParentWat({"files"})},
                                              {"lib.wat", ChildWat()}};
  auto load = [&](const std::string& path) -> nw::Result<nw::tree::NodeCode> {
    auto c = nw::ComponentModule::FromText(files.at(path));
    if (!c)
      return std::unexpected(c.error());
    return nw::tree::NodeCode{nullptr, *c};
  };
  auto spec = nw::tree::ParseManifest(R"(
[nodes.app]
module = "app.wat"
[nodes.lib]
module = "lib.wat"
parent = "app"
import = "files"
export = "local:tree/files"
dirs = [{ from = "uploads", mode = "rw" }]
)", "app.toml", load);
  ASSERT_TRUE(spec) << spec.error().message;
  ASSERT_EQ(spec->nodes.size(), 2u);
  const nw::TreeNodeSpec& lib = spec->nodes[1];
  EXPECT_TRUE(lib.component && !lib.module);
  EXPECT_EQ(lib.import_as, "files");
  EXPECT_EQ(lib.export_as, "local:tree/files");
  TempTree t;
  nw::Engine engine;
  nw::Store store(engine);
  nw::WasiConfig config;
  config.dirs = {{t.At("uploads"), "uploads", false}};
  auto tree = nw::Tree::Instantiate(store, *spec, *nw::CreateWasiCtx(config), nullptr);
  ASSERT_TRUE(tree) << tree.error().message;
  auto greet = (*tree)->component("app")->GetFunc("greet");
  ASSERT_TRUE(greet);
  EXPECT_EQ((*greet->Call({V::U32(1), V::String("tree")}))[0], V::String("hello, tree"));
  EXPECT_EQ((*tree)->root(), nullptr);
  EXPECT_FALSE((*tree)->component("nowhere"));
}

}  // namespace
