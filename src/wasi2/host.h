// The WASI 0.2 host: host implementations of the imported interfaces of the 0.2.x WIT packages
// (wasi:io, wasi:clocks, wasi:random, wasi:cli, wasi:filesystem, wasi:sockets) for components
// run by ComponentStore. A Host is bound to one guest's capability table (the preview1 WasiCtx:
// the same grants, the same descriptor table, the same path operations and resolver through
// wasi/path_ops.h) and hands out host resources (descriptors, streams, pollables, sockets) as
// reps of host-defined resource types; the guest holds them in its own handle table.
//
// Each interface is described once, as WIT-like text (types and function signatures) next to
// its handlers; Link builds only the interfaces a component imports, in its ComponentStore's
// TypeTable, and accepts any 0.2.x version of each. Not here: wasi:http, wasi:clocks/timezone,
// the async (0.3) interfaces.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "component/ast.h"
#include "component/component_value.h"
#include "component/instantiate.h"
#include "nanowasm/wasi.h"

namespace nw {
class WasiCtx;
}

namespace nw::wasi2 {

using component::ComponentValue;
using Values = std::vector<ComponentValue>;
using HostResult = Result<Values>;

class Host;
using HostFn = HostResult (*)(Host&, std::span<const ComponentValue>);

// One function of an interface. `sig` is "(T, ...) -> T" in WIT type syntax (see wit.cc);
// "[method]R.name" functions get their borrow<R> self parameter implicitly.
struct FuncSpec {
  const char* name;
  const char* sig;
  HostFn fn;
};
// A named type: "resource" or a type expression.
struct TypeSpec {
  const char* name;
  const char* def;
};
struct InterfaceSpec {
  const char* name;               // "wasi:io/streams"
  std::vector<const char*> uses;  // interfaces whose type names are visible here
  std::vector<TypeSpec> types;
  std::vector<FuncSpec> funcs;
};

// Host objects behind resource reps.
struct Object {
  virtual ~Object() = default;
};

class Host {
 public:
  Host(component::ComponentStore& cs, std::shared_ptr<WasiCtx> ctx);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // The instances satisfying every import of `c`; an error names an import that is not a
  // WASI 0.2 interface this host implements.
  Result<std::vector<std::pair<std::string, component::RtItem>>> Link(
      const component::Component& c);

  // The instance satisfying one import named `import_name` (any 0.2.x version of an interface
  // this host implements), built once; for linkers that satisfy the other imports themselves
  // (the capability tree: a component node's imports are WASI 0.2 and its children's exports).
  Result<component::RtInstance*> Instance(std::string_view import_name);

  // Runs the `wasi:cli/run@0.2.x` export `run` of an instance: the exit code (0 for ok, 1 for
  // err, the code passed to wasi:cli/exit), or an error for a trap.
  Result<int> RunCommand(const component::RtInstance& inst);

  // Set once the guest called wasi:cli/exit (its call then traps to unwind the guest).
  std::optional<int> exit_code() const { return exit_code_; }

  // ---- for the interface implementations --------------------------------------------------
  WasiCtx& ctx() { return *ctx_; }
  const std::shared_ptr<WasiCtx>& ctx_ptr() const { return ctx_; }
  Store& store() { return cs_.store(); }
  void set_exit_code(int c) { exit_code_ = c; }

  // A new rep for `o` of resource `resource` ("wasi:io/streams.input-stream").
  uint32_t Add(std::unique_ptr<Object> o);
  // The object of `rep` if it is a T (reps come from the guest's handle table, which checked
  // the resource type already; the cast is a second line).
  template <class T>
  T* Get(uint32_t rep) {
    Object* o = rep - 1 < objects_.size() ? objects_[rep - 1].get() : nullptr;
    return dynamic_cast<T*>(o);
  }
  // Takes an object out (for `own` parameters).
  std::unique_ptr<Object> Take(uint32_t rep);
  size_t live_objects() const { return objects_.size() - free_.size(); }
  // Host objects one guest may hold at once (streams, pollables, errors, ...): a host call that
  // makes one more traps, so a guest cannot grow host memory without bound by never dropping.
  static constexpr size_t kMaxObjects = size_t{1} << 20;
  bool over_limit() const { return live_objects() > kMaxObjects; }

  // An own<R> of a new host object (R is the type's interface-qualified name).
  ComponentValue Own(std::unique_ptr<Object> o) { return ComponentValue::Own(Add(std::move(o))); }

 private:
  struct Built;
  Result<Built*> Build(const std::string& interface);

  component::ComponentStore& cs_;
  std::shared_ptr<WasiCtx> ctx_;
  std::vector<std::unique_ptr<Object>> objects_;
  std::vector<uint32_t> free_;
  std::map<std::string, std::unique_ptr<Built>> built_;
  std::optional<int> exit_code_;
};

// Whether `import_name` names a WASI 0.2 interface ("wasi:...@0.2.x"), implemented here or not.
bool IsWasi2Import(std::string_view import_name);

// The interface tables, one function per file.
void AddIoInterfaces(std::vector<InterfaceSpec>& out);
void AddCliInterfaces(std::vector<InterfaceSpec>& out);  // cli, clocks, random
void AddFilesystemInterfaces(std::vector<InterfaceSpec>& out);
void AddSocketsInterfaces(std::vector<InterfaceSpec>& out);

// Small helpers for results.
inline ComponentValue Ok() { return ComponentValue::Variant(0); }
inline ComponentValue Ok(ComponentValue v) { return ComponentValue::Variant(0, std::move(v)); }
inline ComponentValue Err(ComponentValue v) { return ComponentValue::Variant(1, std::move(v)); }
inline ComponentValue None() { return ComponentValue::Variant(0); }
inline ComponentValue Some(ComponentValue v) { return ComponentValue::Variant(1, std::move(v)); }
inline ComponentValue Enum(uint32_t i) { return ComponentValue::Variant(i); }
inline HostResult One(ComponentValue v) {
  Values r;
  r.push_back(std::move(v));
  return r;
}
inline HostResult Nothing() { return Values{}; }
// A list<u8> result: packed (ComponentValue::Bytes), so lowering it into the guest is one copy.
inline ComponentValue Bytes(std::string bytes) { return ComponentValue::Bytes(std::move(bytes)); }
ComponentValue Bytes(const uint8_t* p, size_t n);
// A list<u8> argument's bytes: a view of a packed list (what lifting gives), else of `scratch`
// filled from the elements (a host value built element by element).
std::string_view BytesOf(const ComponentValue& v, std::string& scratch);

// The most bytes one call moves: a stream or file read returns at most this much, check-write
// grants it, get-random-bytes gives it. Preview1 reads into the guest's buffers and has no such
// bound; a 0.2 read must hold its bytes in a host buffer until they are lowered into the guest,
// so this bounds the host memory one call takes, and at this size the per-call cost (~1 µs) is
// below 0.1% of copying the bytes (docs/wasi2.md).
inline constexpr uint64_t kMaxIoBytes = uint64_t{16} << 20;

// Fills `buf` with up to n bytes from `read_fn(char* p, size_t n) -> ssize_t` (read, pread,
// getrandom...) without zero-filling it first; returns what read_fn returned (errno kept).
template <class F>
ssize_t ReadInto(std::string& buf, size_t n, F read_fn) {
  ssize_t got = -1;
  buf.resize_and_overwrite(n, [&](char* p, size_t cap) {
    got = read_fn(p, cap);
    return got > 0 ? static_cast<size_t>(got) : size_t{0};
  });
  return got;
}

}  // namespace nw::wasi2
