// `nanowasm run [OPTIONS] FILE [ARGS...]`: run a WASI command (its `_start`) with exactly the
// capabilities the options grant, or call one export with `--invoke NAME ARGS` (the older
// `run FILE --invoke NAME ARGS` spelling still works). The guest's stdio is the host's; the
// process exits with the guest's proc_exit code (its low 8 bits, as POSIX exit() would); a trap
// prints the trap and its backtrace to stderr and exits with 134 (128 + SIGABRT).
#include <sys/resource.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include "nanowasm/runtime.h"
#include "nanowasm/wasi.h"
#include "text/wat.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

namespace {

constexpr int kTrapExit = 134;

void RunUsage() {
  std::fputs(
      "usage: nanowasm run [OPTIONS] FILE [ARGS...]\n"
      "       nanowasm run [OPTIONS] --invoke NAME FILE [ARGS...]   (or FILE --invoke NAME ARGS)\n"
      "Nothing is granted unless an option grants it:\n"
      "  --dir HOST[::GUEST]     grant directory HOST (read-write), seen by the guest as GUEST\n"
      "                          (default: HOST as written)\n"
      "  --dir-ro HOST[::GUEST]  grant directory HOST read-only: nothing beneath it can be\n"
      "                          created, written, truncated, renamed, linked or removed\n"
      "  --env NAME=VALUE        set a guest environment variable\n"
      "  --env NAME              pass the host's value of NAME (if set); nothing else is inherited\n"
      "  --listen ADDR:PORT      grant a listening TCP socket (guest fd after the directories);\n"
      "                          with port 0 the bound address is printed to stderr\n"
      "  --invoke NAME           call export NAME with ARGS instead of running _start\n"
      "  --canonical-nans        every float operation returns the canonical NaN where the\n"
      "                          spec allows any NaN (results independent of the host CPU)\n"
      "Limits (a guest past one traps; nothing is limited unless asked):\n"
      "  --fuel N                run at most N wasm instructions (deterministic)\n"
      "  --timeout DURATION      stop the guest after DURATION of wall time (e.g. 500ms, 10s, 2m)\n"
      "  --max-memory SIZE       cap each linear memory at SIZE bytes (e.g. 64MiB, 1GiB, 65536);\n"
      "                          memory.grow past it returns -1\n"
      "Exit status: the guest's proc_exit code; 134 after a trap; 1 when loading fails.\n",
      stderr);
}

// "500ms", "10s", "2m", "1h" or plain seconds.
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double v = std::strtod(s.substr(0, i).c_str(), nullptr);
  std::string unit = s.substr(i);
  double ms = unit == "ms" ? v : unit == "s" || unit.empty() ? v * 1e3 : unit == "m" ? v * 60e3
            : unit == "h" ? v * 3600e3 : -1;
  if (ms < 0 || ms > 1e12) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

// "65536", "64KiB", "64MiB", "1GiB" (also K/M/G, KB/MB/GB as powers of 1024).
std::optional<uint64_t> ParseSize(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 15) return std::nullopt;
  uint64_t v = std::strtoull(s.substr(0, i).c_str(), nullptr, 10);  // <= 15 digits: no overflow
  std::string unit = s.substr(i);
  uint64_t mul = 1;
  if (unit.empty() || unit == "B") mul = 1;
  else if (unit == "K" || unit == "KB" || unit == "KiB") mul = uint64_t{1} << 10;
  else if (unit == "M" || unit == "MB" || unit == "MiB") mul = uint64_t{1} << 20;
  else if (unit == "G" || unit == "GB" || unit == "GiB") mul = uint64_t{1} << 30;
  else return std::nullopt;
  if (v > UINT64_MAX / mul) return std::nullopt;
  return v * mul;
}

// Bumps the engine's epoch once the timeout passes, unless the run ends first.
class Watchdog {
 public:
  Watchdog(nw::Engine& engine, std::chrono::milliseconds timeout)
      : thread_([this, &engine, timeout] {
          std::unique_lock lock(mu_);
          if (!cv_.wait_for(lock, timeout, [this] { return done_; })) engine.IncrementEpoch();
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

bool SplitDir(const std::string& spec, nw::WasiDir* out) {
  size_t sep = spec.find("::");
  out->host_path = sep == std::string::npos ? spec : spec.substr(0, sep);
  out->guest_path = sep == std::string::npos ? spec : spec.substr(sep + 2);
  return !out->host_path.empty() && !out->guest_path.empty();
}

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
  std::string s = "trap: " + trap.message + "\n";
  for (size_t i = 0; i < trap.backtrace.size(); ++i) {
    const nw::Frame& f = trap.backtrace[i];
    s += "  #" + std::to_string(i) + " " + f.func_name;
    if (f.code_offset != 0 && f.code_offset < g_source_text.size()) {
      auto lc = nw::LineColAt(g_source_text, f.code_offset);
      s += " at " + path + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
    }
    s += "\n";
  }
  std::fprintf(stderr, "%s: %s", path.c_str(), s.c_str());
  return kTrapExit;
}

}  // namespace

int Run(int argc, char** argv) {
  // The guest may hold up to WasiConfig::max_fds (1024) host fds besides the CLI's own and the
  // resolver's: the soft RLIMIT_NOFILE (often 1024) is raised to the hard limit, as servers do.
  if (rlimit nofile{}; getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  std::string path, invoke;
  std::vector<std::string> args;
  nw::WasiConfig config;
  nw::Config engine_config;
  std::optional<uint64_t> fuel;
  std::optional<std::chrono::milliseconds> timeout;
  nw::StoreLimits limits;
  int i = 0;
  auto need_value = [&](const std::string& opt) -> const char* {
    if (i + 1 >= argc) {
      std::fprintf(stderr, "nanowasm run: %s needs a value\n", opt.c_str());
      return nullptr;
    }
    return argv[++i];
  };
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    const char* v = nullptr;
    if (a == "-h" || a == "--help") {
      RunUsage();
      return 0;
    } else if (a == "--dir" || a == "--dir-ro") {
      if (!(v = need_value(a))) return 2;
      nw::WasiDir dir;
      if (!SplitDir(v, &dir)) {
        std::fprintf(stderr, "nanowasm run: %s %s: expected HOST[::GUEST]\n", a.c_str(), v);
        return 2;
      }
      dir.read_only = a == "--dir-ro";
      config.dirs.push_back(dir);
    } else if (a == "--env") {
      if (!(v = need_value(a))) return 2;
      std::string e = v;
      size_t eq = e.find('=');
      if (eq == std::string::npos) {
        if (const char* host = std::getenv(e.c_str())) config.env.emplace_back(e, host);
      } else {
        config.env.emplace_back(e.substr(0, eq), e.substr(eq + 1));
      }
    } else if (a == "--listen") {
      if (!(v = need_value(a))) return 2;
      config.listen.push_back(v);
    } else if (a == "--invoke") {
      if (!(v = need_value(a))) return 2;
      invoke = v;
    } else if (a == "--canonical-nans") {
      engine_config.canonicalize_nans = nw::Config::NanCanonicalization::kAll;
    } else if (a == "--fuel") {
      if (!(v = need_value(a))) return 2;
      auto n = ParseSize(v);
      if (!n || std::string(v).find_first_not_of("0123456789") != std::string::npos) {
        std::fprintf(stderr, "nanowasm run: --fuel %s: expected a number of instructions\n", v);
        return 2;
      }
      fuel = *n;
      engine_config.consume_fuel = true;
    } else if (a == "--timeout") {
      if (!(v = need_value(a))) return 2;
      timeout = ParseDuration(v);
      if (!timeout) {
        std::fprintf(stderr, "nanowasm run: --timeout %s: expected e.g. 500ms, 10s, 2m\n", v);
        return 2;
      }
      engine_config.epoch_interruption = true;
    } else if (a == "--max-memory") {
      if (!(v = need_value(a))) return 2;
      auto n = ParseSize(v);
      if (!n) {
        std::fprintf(stderr, "nanowasm run: --max-memory %s: expected e.g. 64MiB, 1GiB\n", v);
        return 2;
      }
      limits.max_memory_pages = *n / nw::kPageSize;
    } else if (a == "--wasi-resolver") {  // for tests: force one path resolver
      if (!(v = need_value(a))) return 2;
      std::string r = v;
      if (r == "walk") config.resolver = nw::WasiResolver::kWalk;
      else if (r == "openat2") config.resolver = nw::WasiResolver::kOpenat2;
      else config.resolver = nw::WasiResolver::kAuto;
    } else {
      std::fprintf(stderr, "nanowasm run: unknown option %s\n", a.c_str());
      RunUsage();
      return 2;
    }
  }
  if (i >= argc) {
    RunUsage();
    return 2;
  }
  path = argv[i++];
  if (invoke.empty() && i + 1 < argc && std::string(argv[i]) == "--invoke") {
    invoke = argv[i + 1];  // the older `run FILE --invoke NAME ARGS` form
    i += 2;
  }
  for (; i < argc; ++i) args.push_back(argv[i]);

  auto loaded = LoadModule(path);
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    return 1;
  }
  if (loaded->from_text) {
    auto bytes = ReadFile(path);
    if (bytes) g_source_text.assign(bytes->begin(), bytes->end());
  }
  nw::Engine engine(engine_config);
  auto module = nw::Module::FromDesc(engine, std::move(loaded->desc));
  if (!module) {
    std::fprintf(stderr, "%s\n", FormatBinaryError(path, module.error()).c_str());
    return 1;
  }
  config.args.push_back(path);
  if (invoke.empty()) config.args.insert(config.args.end(), args.begin(), args.end());
  config.InheritStdio();
  auto ctx = nw::CreateWasiCtx(config);
  if (!ctx) {
    std::fprintf(stderr, "nanowasm run: %s\n", ctx.error().message.c_str());
    return 1;
  }
  for (size_t l = 0; l < config.listen.size(); ++l) {
    const std::string& spec = config.listen[l];
    if (spec.size() >= 2 && spec.compare(spec.size() - 2, 2, ":0") == 0)
      std::fprintf(stderr, "nanowasm: listening on %s\n",
                   nw::WasiListenerAddress(**ctx, l).c_str());
  }
  nw::Store store(engine);
  store.SetLimits(limits);
  if (fuel) store.SetFuel(*fuel);
  std::optional<Watchdog> watchdog;
  if (timeout) {
    store.SetEpochDeadline(1);
    watchdog.emplace(engine, *timeout);
  }
  nw::Linker linker;
  nw::DefineSpectest(linker, store);
  nw::DefineWasi(linker, store, *ctx);
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
      std::fprintf(stderr, "%s: argument %zu: cannot read \"%s\" as %s\n", path.c_str(), k + 1,
                   args[k].c_str(), std::string(nw::ValTypeName(type.params[k])).c_str());
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
