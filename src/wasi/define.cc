// Binds the WASI host functions to their import names and core-wasm signatures, once for
// `wasi_snapshot_preview1` and once for `wasi_unstable` (same handlers; a flag selects the
// older layouts where they differ; sock_accept exists only in preview1).
#include <algorithm>
#include <string_view>

#include "format/module.h"
#include "wasi/funcs.h"

namespace nw {

namespace {

using wasi::Handler;

struct Entry {
  const char* name;
  const char* params;  // 'i' = i32, 'I' = i64; every function returns an i32 errno
  Handler handler;
  bool preview1_only = false;
};

const Entry kFunctions[] = {
    {"args_get", "ii", wasi::ArgsGet},
    {"args_sizes_get", "ii", wasi::ArgsSizesGet},
    {"environ_get", "ii", wasi::EnvironGet},
    {"environ_sizes_get", "ii", wasi::EnvironSizesGet},
    {"clock_res_get", "ii", wasi::ClockResGet},
    {"clock_time_get", "iIi", wasi::ClockTimeGet},
    {"fd_advise", "iIIi", wasi::FdAdvise},
    {"fd_allocate", "iII", wasi::FdAllocate},
    {"fd_close", "i", wasi::FdClose},
    {"fd_datasync", "i", wasi::FdDatasync},
    {"fd_fdstat_get", "ii", wasi::FdFdstatGet},
    {"fd_fdstat_set_flags", "ii", wasi::FdFdstatSetFlags},
    {"fd_fdstat_set_rights", "iII", wasi::FdFdstatSetRights},
    {"fd_filestat_get", "ii", wasi::FdFilestatGet},
    {"fd_filestat_set_size", "iI", wasi::FdFilestatSetSize},
    {"fd_filestat_set_times", "iIIi", wasi::FdFilestatSetTimes},
    {"fd_pread", "iiiIi", wasi::FdPread},
    {"fd_prestat_get", "ii", wasi::FdPrestatGet},
    {"fd_prestat_dir_name", "iii", wasi::FdPrestatDirName},
    {"fd_pwrite", "iiiIi", wasi::FdPwrite},
    {"fd_read", "iiii", wasi::FdRead},
    {"fd_readdir", "iiiIi", wasi::FdReaddir},
    {"fd_renumber", "ii", wasi::FdRenumber},
    {"fd_seek", "iIii", wasi::FdSeek},
    {"fd_sync", "i", wasi::FdSync},
    {"fd_tell", "ii", wasi::FdTell},
    {"fd_write", "iiii", wasi::FdWrite},
    {"path_create_directory", "iii", wasi::PathCreateDirectory},
    {"path_filestat_get", "iiiii", wasi::PathFilestatGet},
    {"path_filestat_set_times", "iiiiIIi", wasi::PathFilestatSetTimes},
    {"path_link", "iiiiiii", wasi::PathLink},
    {"path_open", "iiiiiIIii", wasi::PathOpen},
    {"path_readlink", "iiiiii", wasi::PathReadlink},
    {"path_remove_directory", "iii", wasi::PathRemoveDirectory},
    {"path_rename", "iiiiii", wasi::PathRename},
    {"path_symlink", "iiiii", wasi::PathSymlink},
    {"path_unlink_file", "iii", wasi::PathUnlinkFile},
    {"poll_oneoff", "iiii", wasi::PollOneoff},
    {"proc_raise", "i", wasi::ProcRaise},
    {"sched_yield", "", wasi::SchedYield},
    {"random_get", "ii", wasi::RandomGet},
    {"sock_accept", "iii", wasi::SockAccept, true},
    {"sock_recv", "iiiiii", wasi::SockRecv},
    {"sock_send", "iiiii", wasi::SockSend},
    {"sock_shutdown", "ii", wasi::SockShutdown},
};

FuncType Signature(std::string_view params, bool has_result) {
  FuncType t;
  for (char p : params) t.params.push_back(p == 'I' ? ValType::kI64 : ValType::kI32);
  if (has_result) t.results.push_back(ValType::kI32);
  return t;
}

// Defines the functions `wanted(module, name)` selects.
template <typename Wanted>
void DefineSelected(Linker& linker, Store& store, const std::shared_ptr<WasiCtx>& ctx,
                    const Wanted& wanted) {
  for (bool unstable : {false, true}) {
    std::string_view module = unstable ? "wasi_unstable" : "wasi_snapshot_preview1";
    for (const Entry& e : kFunctions) {
      if ((unstable && e.preview1_only) || !wanted(module, e.name)) continue;
      Handler h = e.handler;
      HostCallback cb = [ctx, h, unstable](Caller& caller, std::span<const Val> args,
                                           std::span<Val> results) -> TrapResult<void> {
        Memory* m = caller.memory();
        wasi::Call call{*ctx, wasi::GuestMemory(m ? m->data() : std::span<uint8_t>{}), unstable,
                        args, caller.store(), std::nullopt};
        results[0] = Val::I32(h(call));
        if (call.trap) return std::unexpected(std::move(*call.trap));
        return {};
      };
      linker.Define(module, e.name, Func::CreateHost(store, Signature(e.params, true), cb));
    }
    HostCallback exit_cb = [](Caller&, std::span<const Val> args,
                              std::span<Val>) -> TrapResult<void> {
      Trap t;
      t.kind = TrapKind::kExit;
      t.exit_code = static_cast<int32_t>(args[0].bits);
      t.message = "exit with code " + std::to_string(t.exit_code);
      return std::unexpected(std::move(t));
    };
    if (wanted(module, "proc_exit"))
      linker.Define(module, "proc_exit", Func::CreateHost(store, Signature("i", false), exit_cb));
  }
  // The one nanowasm extension: outbound TCP to granted addresses (preview1 has none).
  HostCallback connect_cb = [ctx](Caller& caller, std::span<const Val> args,
                                  std::span<Val> results) -> TrapResult<void> {
    Memory* m = caller.memory();
    wasi::Call call{*ctx, wasi::GuestMemory(m ? m->data() : std::span<uint8_t>{}), false, args,
                    caller.store(), std::nullopt};
    results[0] = Val::I32(wasi::SockConnect(call));
    if (call.trap) return std::unexpected(std::move(*call.trap));
    return {};
  };
  if (wanted("nanowasm_sock", "sock_connect"))
    linker.Define("nanowasm_sock", "sock_connect",
                  Func::CreateHost(store, Signature("iii", true), connect_cb));
}

}  // namespace

void DefineWasi(Linker& linker, Store& store, std::shared_ptr<WasiCtx> ctx) {
  DefineSelected(linker, store, ctx, [](std::string_view, std::string_view) { return true; });
}

void DefineWasiImports(Linker& linker, Store& store, std::shared_ptr<WasiCtx> ctx,
                       const Module& module) {
  const auto& imports = module.desc().imports;
  DefineSelected(linker, store, ctx, [&](std::string_view m, std::string_view name) {
    return std::any_of(imports.begin(), imports.end(),
                       [&](const Import& i) { return i.module == m && i.name == name; });
  });
}

}  // namespace nw
