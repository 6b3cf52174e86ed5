// What `nanowasm run` does the same way for a core module and for a component before the guest
// starts: the WASI context (stdio inherited; the address of each ":0" listener printed) and the
// store's limits, fuel and timeout watchdog. Not option parsing (run_options.h) and not loading.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "nanowasm/runtime.h"
#include "nanowasm/wasi.h"
#include "tools/nanowasm/run_options.h"
#include "tools/nanowasm/watchdog.h"

namespace nwcli {

// Null after printing the error as one line.
inline std::shared_ptr<nw::WasiCtx> CreateRunWasiCtx(nw::WasiConfig& config) {
  config.InheritStdio();
  auto ctx = nw::CreateWasiCtx(config);
  if (!ctx) {
    std::fprintf(stderr, "nanowasm run: %s\n", ctx.error().message.c_str());
    return nullptr;
  }
  for (size_t l = 0; l < config.listen.size(); ++l) {
    const std::string& spec = config.listen[l];
    if (spec.size() >= 2 && spec.compare(spec.size() - 2, 2, ":0") == 0)
      std::fprintf(stderr, "nanowasm: listening on %s\n",
                   nw::WasiListenerAddress(**ctx, l).c_str());
  }
  return *ctx;
}

inline void ApplyRunLimits(const RunOptions& opts, nw::Engine& engine, nw::Store& store,
                           std::optional<Watchdog>& watchdog) {
  store.SetLimits(opts.limits);
  if (opts.fuel) store.SetFuel(*opts.fuel);
  if (opts.timeout) {
    store.SetEpochDeadline(1);
    watchdog.emplace(engine, *opts.timeout);
  }
}

}  // namespace nwcli
