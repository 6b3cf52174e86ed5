// `nanowasm run COMPONENT`: runs a WASI 0.2 command component's `wasi:cli/run` export with the
// same options as a core module (run_options.h): arguments, --env, --dir/--dir-ro, -S
// tcplisten, fuel, --timeout and the memory limits. The grants go through the same WasiConfig
// and WasiCtx as preview1; src/wasi2 implements the imported interfaces on them. Exit codes as
// for modules: the guest's wasi:cli/exit code, 1 when run returns err, 134 for a trap.
// Not here: --invoke of other component exports (refused with a message).
#include "tools/nanowasm/run_component.h"

#include <sys/resource.h>

#include <cstdio>
#include <optional>

#include "component/instantiate.h"
#include "nanowasm/runtime.h"
#include "nanowasm/wasi.h"
#include "tools/nanowasm/component_load.h"
#include "tools/nanowasm/run_options.h"
#include "tools/nanowasm/run_setup.h"
#include "tools/nanowasm/util.h"
#include "tools/nanowasm/watchdog.h"
#include "wasi2/host.h"

namespace nwcli {

namespace {

constexpr int kTrapExit = 134;

}  // namespace

bool IsComponentFile(const std::string& path) {
  auto bytes = ReadFile(path);
  return bytes && LooksLikeComponent(*bytes, path);
}

int RunComponent(const RunOptions& opts) {
  const std::string& path = opts.path;
  if (!opts.invoke.empty()) {
    std::fprintf(stderr,
                 "%s: --invoke is for core modules; a component runs its wasi:cli/run export\n",
                 path.c_str());
    return 1;
  }
  if (rlimit nofile{};
      getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  auto loaded = LoadComponent(path);
  if (!loaded || !*loaded) {
    std::fprintf(stderr, "%s\n",
                 loaded ? (path + ": not a component").c_str() : loaded.error().message.c_str());
    return 1;
  }
  nw::component::Component* component = &(*loaded)->component;
  nw::WasiConfig config = opts.wasi;
  config.args.push_back(opts.argv0);
  config.args.insert(config.args.end(), opts.args.begin(), opts.args.end());
  std::shared_ptr<nw::WasiCtx> ctx = CreateRunWasiCtx(config);
  if (!ctx) return 1;
  nw::Engine engine(opts.engine);
  nw::Store store(engine);
  std::optional<Watchdog> watchdog;
  ApplyRunLimits(opts, engine, store, watchdog);
  nw::component::ComponentStore cs(store);
  nw::wasi2::Host host(cs, ctx);
  auto args = host.Link(*component);
  if (!args) {
    std::fprintf(stderr, "%s\n", FormatBinaryError(path, args.error()).c_str());
    return 1;
  }
  // Instantiate validates the component first (invalid input is `file:offset: message`).
  auto inst = cs.Instantiate(*component, *args);
  if (!inst) {
    std::fflush(stdout);
    if (host.exit_code()) return *host.exit_code() & 0xff;
    bool trap = nw::component::IsTrap(inst.error());
    std::fprintf(stderr, "%s\n",
                 trap ? (path + ": " + inst.error().message).c_str()
                      : FormatBinaryError(path, inst.error()).c_str());
    return trap ? kTrapExit : 1;
  }
  auto code = host.RunCommand(**inst);
  std::fflush(stdout);
  if (!code) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), code.error().message.c_str());
    return nw::component::IsTrap(code.error()) ? kTrapExit : 1;
  }
  return *code & 0xff;
}

}  // namespace nwcli
