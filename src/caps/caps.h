// Capability audit of a core module or component: what it can ask its host for, read from its
// imports alone (`nanowasm caps`, and later `caps --manifest`). Every WASI preview1 function (both
// `wasi_snapshot_preview1` and `wasi_unstable`) maps to a group and a capability; a WASI name
// this table does not know is listed as unknown-wasi, never dropped; every import from any other
// module is a host interface, named with its module, name and type (except nanowasm_sock.
// sock_connect, nanowasm's outbound TCP: network "connect"). This says what a module
// could use, not what it will use at run time, and it grants nothing: granting stays with the
// WASI context (src/wasi/ctx.h). A component's imports are read the same way: a WASI 0.2 interface
// (`wasi:filesystem/types@0.2.0`) maps to its group, anything else is a host interface.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "component/ast.h"
#include "format/module.h"

namespace nw::caps {

// In the order the report lists them.
enum class CapGroup : uint8_t {
  kFilesystem,
  kNetwork,
  kClocks,
  kRandom,
  kEnvironment,  // env vars, args
  kProcess,      // exit, signals, yield
  kStdio,        // fd operations on stdio and any other descriptor the host granted
  kHost,         // any import from a module that is not WASI preview1
  kUnknownWasi,  // a WASI preview1 module import this table does not know
};
inline constexpr CapGroup kAllCapGroups[] = {
    CapGroup::kFilesystem, CapGroup::kNetwork, CapGroup::kClocks,
    CapGroup::kRandom,     CapGroup::kEnvironment, CapGroup::kProcess,
    CapGroup::kStdio,      CapGroup::kHost,    CapGroup::kUnknownWasi};
// "filesystem", "network", "clocks", "random", "environment", "process", "stdio", "host",
// "unknown-wasi": the spellings of the text and JSON reports.
std::string_view CapGroupName(CapGroup g);

bool IsWasiPreview1Module(std::string_view module);

struct CapImport {
  std::string module, name;
  std::string type;  // as the text format writes it: "func (param i32) (result i32)"
};

// One capability. For WASI groups `name` is the capability ("open", "write", "time") and
// `imports` the functions that imply it (path_open; fd_write from either WASI module). For
// host and unknown-wasi, module/name/type are the import's own and `imports` holds it alone.
struct Capability {
  CapGroup group = CapGroup::kHost;
  std::string module;  // host, unknown-wasi only
  std::string name;
  std::string type;    // host, unknown-wasi only
  std::vector<CapImport> imports;
};
// Identity for diffs: group, module, name and type (a host import whose type changed is a
// different capability: one dropped, one added).
bool SameCapability(const Capability& a, const Capability& b);

// Sorted by group, then module, name and type; one entry per capability.
std::vector<Capability> DeriveCapabilities(const ModuleDesc& m);
// A component's imports. A `wasi:` interface is a capability named by package and interface
// without the version (`wasi:filesystem/types`), so a version bump is no change; its import
// (module "", name as written, type = the extern kind) is listed under it. wasi:filesystem ->
// filesystem, wasi:sockets and wasi:http -> network, wasi:clocks, wasi:random,
// wasi:cli/environment -> environment, wasi:cli/exit -> process, wasi:cli/std*, wasi:cli/
// terminal-* and wasi:io -> stdio, other wasi: names -> unknown-wasi, the rest -> host (name as
// written, type = the extern kind only).
std::vector<Capability> DeriveCapabilities(const component::Component& c);

struct CapDiff {
  std::vector<Capability> added;    // in `now`, not in `old` (with `now`'s imports)
  std::vector<Capability> dropped;  // in `old`, not in `now` (with `old`'s imports)
};
CapDiff DiffCapabilities(const std::vector<Capability>& old, const std::vector<Capability>& now);

// The JSON report, schema "nanowasm-caps/1" (docs/security.md):
//   {"schema":"nanowasm-caps/1","file":F,"capabilities":[CAP...]}
// CAP = {"group":G,"name":N,"module":M,"type":T,"imports":[{"module":M,"name":N,"type":T}...]}
// where "module" and "type" appear only for host and unknown-wasi capabilities.
std::string CapabilitiesJson(std::string_view file, const std::vector<Capability>& caps);
// {"schema":"nanowasm-caps-diff/1","old":F,"new":F,"added":[CAP...],"dropped":[CAP...]}
std::string CapDiffJson(std::string_view old_file, std::string_view new_file, const CapDiff& d);

// One line per capability, under a header per group; an empty group says "none".
std::string CapabilitiesText(const std::vector<Capability>& caps);
// "+ group:name (imports)" and "- group:name (imports)" lines.
std::string CapDiffText(const CapDiff& d);

}  // namespace nw::caps
