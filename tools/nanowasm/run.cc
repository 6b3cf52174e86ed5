// `nanowasm run [OPTIONS] FILE [ARGS...]`: run a WASI command (its `_start`) with exactly the
// capabilities the options grant, or call one export with `--invoke NAME ARGS`. The options
// arrive checked (run_options.h); this file only executes. The guest's stdio is the host's; the
// process exits with the guest's proc_exit code (its low 8 bits, as POSIX exit() would); a trap
// prints the trap and its backtrace to stderr and exits with 134 (128 + SIGABRT).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "nanowasm/runtime.h"
#include "nanowasm/wasi.h"
#include "text/wat.h"
#include "tools/nanowasm/aot.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/run_component.h"
#include "tools/nanowasm/run_options.h"
#include "tools/nanowasm/run_setup.h"
#include "tools/nanowasm/util.h"
#include "tools/nanowasm/watchdog.h"

namespace nwcli {

namespace {

constexpr int kTrapExit = 134;

// Set when the module came from a .wat file: frame offsets then point into this text and are
// shown as file:line:col.
std::string g_source_text;

int ExitStatusOfTrap(const std::string& path, const nw::Trap& trap) {
  if (trap.kind == nw::TrapKind::kExit) return trap.exit_code & 0xff;
  std::fflush(stdout);
  if (g_source_text.empty()) {
    std::fprintf(stderr, "%s: %s", path.c_str(), trap.ToString().c_str());
    return kTrapExit;
  }
  // Line starts, found once: each frame's position is then a binary search (scanning the text
  // per frame made a deep backtrace of a large text module quadratic).
  std::vector<size_t> line_starts = {0};
  for (size_t i = 0; i < g_source_text.size(); ++i)
    if (g_source_text[i] == '\n') line_starts.push_back(i + 1);
  std::string s = "trap: " + trap.message + "\n";
  for (size_t i = 0; i < trap.backtrace.size(); ++i) {
    if (i == nw::Trap::kBacktraceHead && trap.frames_omitted != 0)
      s += "  \u2026 " + std::to_string(trap.frames_omitted) + " frames omitted\n";
    const nw::Frame& f = trap.backtrace[i];
    s += "  #" + std::to_string(trap.FrameDepth(i)) + " " + f.func_name;
    if (f.code_offset != 0 && f.code_offset < g_source_text.size()) {
      auto it = std::upper_bound(line_starts.begin(), line_starts.end(), f.code_offset);
      size_t line = static_cast<size_t>(it - line_starts.begin());
      size_t column = f.code_offset - *std::prev(it) + 1;
      s += " at " + path + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    s += "\n";
  }
  std::fprintf(stderr, "%s: %s", path.c_str(), s.c_str());
  return kTrapExit;
}

}  // namespace

int Run(const RunOptions& opts) {
  // The guest may hold up to WasiConfig::max_fds (1024) host fds besides the CLI's own and the
  // resolver's: the soft RLIMIT_NOFILE (often 1024) is raised to the hard limit, as servers do.
  if (rlimit nofile{};
      getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  const std::string& path = opts.path;
  const bool artifact = IsArtifactFile(path);  // AOT (aot.cc): mapped, never compiled
  // (An artifact's 8-byte magic is read first: IsComponentFile reads the whole file.)
  if (!artifact && IsComponentFile(path)) return RunComponent(opts);  // run_component.cc
  const std::string& invoke = opts.invoke;
  const std::vector<std::string>& args = opts.args;
  nw::WasiConfig config = opts.wasi;
  nw::Engine engine(artifact ? ArtifactEngineConfig(opts.engine) : opts.engine);
  nw::Result<std::shared_ptr<const nw::Module>> module = nw::MakeError("");
  if (artifact) {
    module = LoadArtifactModule(engine, path);
  } else {
    auto loaded = LoadModule(path, opts.engine.features);
    if (!loaded) {
      std::fprintf(stderr, "%s\n",
                   MultiMemoryHint(loaded.error().message, opts.engine.features, "-W multi-memory")
                       .c_str());
      return 1;
    }
    if (loaded->from_text) {
      auto bytes = ReadFile(path);
      if (bytes) g_source_text.assign(bytes->begin(), bytes->end());
    }
    module = nw::Module::FromDesc(engine, std::move(loaded->desc));
    if (!module) module = nw::MakeError(FormatBinaryError(path, module.error()));
  }
  if (!module) {
    std::fprintf(stderr, "%s\n",
                 MultiMemoryHint(module.error().message, opts.engine.features, "-W multi-memory")
                     .c_str());
    return 1;
  }
  config.args.push_back(opts.argv0);
  if (invoke.empty()) config.args.insert(config.args.end(), args.begin(), args.end());
  std::shared_ptr<nw::WasiCtx> ctx = CreateRunWasiCtx(config);
  if (!ctx) return 1;
  nw::Store store(engine);
  std::optional<Watchdog> watchdog;
  ApplyRunLimits(opts, engine, store, watchdog);
  nw::Linker linker;
  // The `spectest` module (a memory, a table, globals, print functions) only for a module that
  // imports from it: its memory is a reservation of its own (docs/performance.md, "AOT artifacts").
  const auto& imports = (*module)->desc().imports;
  if (std::any_of(imports.begin(), imports.end(),
                  [](const nw::Import& i) { return i.module == "spectest"; }))
    nw::DefineSpectest(linker, store);
  nw::DefineWasiImports(linker, store, ctx, **module);  // only what it imports: startup
  auto inst = linker.Instantiate(store, *module);
  if (!inst) {
    const auto& e = inst.error();
    if (e.is_trap) return ExitStatusOfTrap(path, e.trap);
    std::fprintf(stderr, "%s: %s\n", path.c_str(), e.message.c_str());
    return 1;
  }
  if (invoke.empty()) {
    nw::Func* start = (*inst)->GetFunc("_start");
    if (!start) {
      std::fprintf(stderr, "%s: no \"_start\" export (use --invoke NAME for other exports)\n",
                   path.c_str());
      return 1;
    }
    auto r = start->Call(store, {});
    std::fflush(stdout);
    if (!r) return ExitStatusOfTrap(path, r.error());
    return 0;
  }

  nw::Func* f = (*inst)->GetFunc(invoke);
  if (!f) {
    std::fprintf(stderr, "%s: no exported function \"%s\"\n", path.c_str(), invoke.c_str());
    return 1;
  }
  const auto& type = f->type();
  if (args.size() != type.params.size()) {
    std::fprintf(stderr, "%s: \"%s\" takes %zu arguments, %zu given\n", path.c_str(),
                 invoke.c_str(), type.params.size(), args.size());
    return 2;
  }
  std::vector<nw::Val> vals;
  for (size_t k = 0; k < args.size(); ++k) {
    auto v = ParseValArg(args[k], type.params[k]);
    if (!v) {
      std::fprintf(stderr, "%s: \"%s\" argument %zu (%s): %s: %s\n", path.c_str(), invoke.c_str(),
                   k + 1, std::string(nw::ValTypeName(type.params[k])).c_str(), args[k].c_str(),
                   v.error().message.c_str());
      return 2;
    }
    vals.push_back(*v);
  }
  auto results = f->Call(store, vals);
  if (!results) return ExitStatusOfTrap(path, results.error());
  for (const auto& v : *results) std::printf("%s\n", FormatVal(v).c_str());
  return 0;
}

}  // namespace nwcli
