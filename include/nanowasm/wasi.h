// WASI preview1 for embedders: a WasiConfig says exactly which keys a guest holds (arguments,
// environment variables, pre-opened directories with or without write access, pre-opened TCP
// listeners, the three stdio descriptors); nothing of the host process is inherited unless the
// configuration names it. A WasiCtx is the capability table of one guest (one per instance, never
// per process); DefineWasi puts the `wasi_snapshot_preview1` and `wasi_unstable` imports for that
// table into a Linker. The threat model and the path-resolution rules are in docs/security.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "nanowasm/runtime.h"

namespace nw {

// How guest paths are resolved beneath a granted directory. kAuto uses openat2
// (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) and falls back to the component-by-component walk
// when the kernel lacks it; the other two force one resolver (tests run both).
enum class WasiResolver : uint8_t { kAuto, kOpenat2, kWalk };

struct WasiDir {
  std::string host_path;   // opened once, when the WasiCtx is created
  std::string guest_path;  // the name the guest sees (fd_prestat_dir_name), e.g. "." or "/data"
  bool read_only = false;  // no right that could change anything beneath it is ever granted
};

struct WasiConfig {
  std::vector<std::string> args;                            // argv[0] included
  std::vector<std::pair<std::string, std::string>> env;     // nothing inherited by default
  std::vector<WasiDir> dirs;                                // guest fds 3, 4, ... in this order
  std::vector<std::string> listen;                          // "ADDR:PORT" ("[v6]:PORT"), after dirs
  // Outbound TCP the guest may open with nanowasm_sock.sock_connect, one "ADDR:PORT" each
  // (numeric addresses; nothing else is reachable). Empty: no outbound connection at all.
  std::vector<std::string> connect;
  bool clocks = true;  // clock_time_get, clock_res_get, clock subscriptions of poll_oneoff
  bool random = true;  // random_get
  // Host descriptors used for guest fds 0, 1, 2 (not owned, never closed). -1 (the default)
  // gives an empty stdin and discards output.
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;
  void InheritStdio() { stdin_fd = 0, stdout_fd = 1, stderr_fd = 2; }
  uint32_t max_fds = 1024;  // descriptors a guest may hold at once (EMFILE beyond)
  WasiResolver resolver = WasiResolver::kAuto;
};

class WasiCtx;

// Opens every granted directory and listener. Fails (naming the grant) when one cannot be opened.
Result<std::shared_ptr<WasiCtx>> CreateWasiCtx(const WasiConfig& config);

// What a parent hands one child (the capability tree, docs/security.md): every key names one the
// parent holds, and the child's is never wider. A directory is one of the parent's pre-opened
// directories as the parent sees it ("uploads", "/data", ".") or a directory beneath it
// ("uploads/in"), resolved beneath the parent's descriptor by the same resolver as the guest's
// own path_open: `..`, absolute paths and symbolic links cannot leave it.
struct WasiDirGrant {
  std::string from;        // the parent's directory, as the parent's guest names it
  std::string guest_path;  // the child's name for it (default: `from`)
  bool read_only = true;   // read-write only beneath a read-write grant of the parent
};
struct WasiGrant {
  std::string argv0;                // the child's argv[0] (not a key)
  std::vector<std::string> args;    // each one of the parent's arguments (argv[0] excluded)
  std::vector<std::string> env;     // variable names, each held by the parent
  std::vector<WasiDirGrant> dirs;
  std::vector<std::string> listen;  // the parent's listeners, by the address they are bound to
  std::vector<std::string> connect; // each one the parent may connect to
  bool pass_stdin = false, pass_stdout = false, pass_stderr = false;  // else empty, discarded
  bool clocks = false, random = false;
  uint32_t max_fds = 1024;
};

// A child's capability table derived from `parent`'s, as it was created (descriptors the parent
// guest opened, closed or renumbered since do not count). A key the parent does not hold, or a
// wider one, is refused with one line naming the key: `dir "data" is not granted to its parent`.
Result<std::shared_ptr<WasiCtx>> DeriveWasiCtx(const WasiCtx& parent, const WasiGrant& grant);

// Takes listener `addr` (one of ctx's, by the address it is bound to) out of ctx's table: the
// descriptor is closed (its fd number is `badf` from then on) and no later DeriveWasiCtx can hand
// it down. The capability tree releases a listener from a parent once it was handed to a child,
// so each listener belongs to exactly one node.
Status ReleaseWasiListener(WasiCtx& ctx, const std::string& addr);

// "ADDR:PORT" actually bound by listener `index` of the config (useful with port 0).
std::string WasiListenerAddress(const WasiCtx& ctx, size_t index);

// Defines all preview1 imports (and the wasi_unstable variants) bound to `ctx` into `linker`.
// The functions keep `ctx` alive; use one ctx per instance. proc_exit returns a Trap with
// kind TrapKind::kExit and exit_code set.
void DefineWasi(Linker& linker, Store& store, std::shared_ptr<WasiCtx> ctx);
// The same, but only the functions `module` imports (by module and name): what instantiating
// that one module needs, without a host function object for each of the ~90 others (a WASI
// hello world's startup, docs/performance.md "AOT artifacts").
void DefineWasiImports(Linker& linker, Store& store, std::shared_ptr<WasiCtx> ctx,
                       const Module& module);

}  // namespace nw
