// nw_fuzz_harness: nanowasm's side of the differential driver (differential.py). For each
// .wasm file given it prints a canonical trace:
//   module PATH
//   invalid MESSAGE | link-error MESSAGE | start-trap MESSAGE      (then `end`)
//   export NAME PARAMS -> RESULTS        every exported function, in export order, first
//   call NAME                            then, for each exported function in order:
//   log V...                             a call of a fuzzing-support logging import
//   result V...  |  trap MESSAGE  |  exhausted MESSAGE   (stack or fuel: inconclusive)
//   memory NAME PAGES FNV1A32            with --state: after the last call, each exported
//   global NAME V                        memory's hash and each exported global's value
//   end
// Values: i32 as signed decimal, i64 as i64:DECIMAL, f32:XXXXXXXX / f64:XXXXXXXXXXXXXXXX (bits in hex),
// v128:AAAAAAAA,BBBBBBBB,CCCCCCCC,DDDDDDDD (i32 lanes, lowest first), ref:null / ref:nonnull.
// Arguments are the default value of each parameter type (zero / null), as binaryen's
// --fuzz-exec passes them; an export named hangLimitInitializer, if any, is called (untraced)
// before each call, as --fuzz-exec does. Other imports are stubbed (stub_imports.h). Each call gets
// --fuel N instructions (default 2e9) so a nanowasm bug cannot hang the driver.
// --bounds explicit: Config::bounds_checks = kExplicit (the opt tier's default is guard regions).
// --engine interp|opt: the tier (opt: the LLVM tier, when built; it charges fuel exactly as the
// interpreter does, so the two traces are comparable event for event).
// --js-boundary behaves as the JS API does, so the trace can be compared with V8's past SIMD
// code: an export with v128 in its signature is not called (`call NAME` then `skipped v128`),
// and a logging import with v128 in its signature traps (JS cannot receive a v128: TypeError).
// --nans all|arithmetic runs with Config::canonicalize_nans = kAll / kArithmetic (canonical NaN
// results); `arithmetic` is Binaryen's interpreter's set, compared with it bit for bit.
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "format/module.h"
#include "nanowasm/runtime.h"
#include "text/wat.h"
#include "tests/fuzz/stub_imports.h"

namespace {

std::string TypeName(nw::ValType t) { return std::string(nw::ValTypeName(t)); }

std::string FormatVal(const nw::Val& v) {
  char buf[64];
  switch (v.type) {
    case nw::ValType::kI32:
      std::snprintf(buf, sizeof buf, "%" PRId32, v.i32());
      return buf;
    case nw::ValType::kI64:
      std::snprintf(buf, sizeof buf, "i64:%" PRId64, v.i64());
      return buf;
    case nw::ValType::kF32:
      std::snprintf(buf, sizeof buf, "f32:%08" PRIx32, static_cast<uint32_t>(v.bits));
      return buf;
    case nw::ValType::kF64:
      std::snprintf(buf, sizeof buf, "f64:%016" PRIx64, v.bits);
      return buf;
    case nw::ValType::kV128: {
      uint32_t lanes[4];
      std::memcpy(lanes, v.v128.bytes, 16);
      std::snprintf(buf, sizeof buf, "v128:%08" PRIx32 ",%08" PRIx32 ",%08" PRIx32 ",%08" PRIx32,
                    lanes[0], lanes[1], lanes[2], lanes[3]);
      return buf;
    }
    case nw::ValType::kFuncRef:
    case nw::ValType::kExternRef:
    case nw::ValType::kExnRef:
      return v.IsNullRef() ? "ref:null" : "ref:nonnull";
  }
  return "?";
}

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

bool IsInconclusive(const nw::Trap& t) {
  return t.kind == nw::TrapKind::kStackExhausted || t.kind == nw::TrapKind::kOutOfFuel;
}

bool HasV128(const nw::FuncType& type) {
  for (nw::ValType t : type.params)
    if (t == nw::ValType::kV128) return true;
  for (nw::ValType t : type.results)
    if (t == nw::ValType::kV128) return true;
  return false;
}

void RunFile(const nw::Engine& engine, const char* path, uint64_t fuel, bool js_boundary,
             bool state) {
  std::printf("module %s\n", path);
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  // A binary module, or text (the committed regressions are .wat).
  const bool binary = bytes.size() >= 4 && std::memcmp(bytes.data(), "\0asm", 4) == 0;
  auto module = [&]() -> nw::Result<std::shared_ptr<const nw::Module>> {
    if (binary) return nw::Module::FromBinary(engine, bytes);
    NW_TRY_ASSIGN(nw::ModuleDesc desc,
                  nw::ParseWat(std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                                bytes.size())));
    return nw::Module::FromDesc(engine, std::move(desc));
  }();
  if (!module) {
    std::printf("invalid %s\nend\n", OneLine(module.error().ToString()).c_str());
    return;
  }
  nw::Store store(engine);
  store.SetFuel(fuel);
  nw::Linker linker;
  nw::fuzz::StubImports(
      **module, store, linker, [&](const nw::Import& im, const nw::FuncType& type) -> nw::Func* {
        if (im.module != "fuzzing-support" || !im.name.starts_with("log")) return nullptr;
        const bool refuse = js_boundary && HasV128(type);
        return nw::Func::CreateHost(
            store, type,
            [refuse](nw::Caller&, std::span<const nw::Val> args, std::span<nw::Val>)
                -> nw::TrapResult<void> {
              if (refuse) {
                nw::Trap t;
                t.kind = nw::TrapKind::kHostError;
                t.message = "v128 at the JS boundary";
                return std::unexpected(std::move(t));
              }
              std::string line = "log";
              for (const nw::Val& a : args) line += " " + FormatVal(a);
              std::printf("%s\n", line.c_str());
              return {};
            });
      });
  auto instance = linker.Instantiate(store, *module);
  if (!instance) {
    const nw::InstantiationError& e = instance.error();
    if (e.is_trap)
      std::printf("start-trap %s\nend\n", OneLine(e.trap.message).c_str());
    else
      std::printf("link-error %s\nend\n", OneLine(e.message).c_str());
    return;
  }
  std::vector<std::pair<std::string, nw::Func*>> funcs;
  for (const nw::ExportDesc& e : (*module)->Exports()) {
    if (e.kind != nw::ExternKind::kFunc) continue;
    nw::Func* f = (*instance)->GetFunc(e.name);
    std::string sig;
    for (nw::ValType t : f->type().params) sig += (sig.empty() ? "" : ",") + TypeName(t);
    sig += " ->";
    for (nw::ValType t : f->type().results) sig += " " + TypeName(t);
    std::printf("export %s %s\n", e.name.c_str(), sig.c_str());
    funcs.emplace_back(e.name, f);
  }
  // Binaryen's generated modules bound loops and recursion with a global counter that the
  // export `hangLimitInitializer` resets; its --fuzz-exec (and V8's harness.mjs) call that
  // before every export, untraced, so every call starts with the full budget.
  nw::Func* reset = (*instance)->GetFunc("hangLimitInitializer");
  for (auto& [name, f] : funcs) {
    std::printf("call %s\n", name.c_str());
    if (js_boundary && HasV128(f->type())) {
      std::printf("skipped v128\n");
      continue;
    }
    std::vector<nw::Val> args;
    for (nw::ValType t : f->type().params) args.push_back(nw::fuzz::DefaultVal(t));
    store.SetFuel(fuel);
    if (reset && reset->type().params.empty()) (void)reset->Call(store, {});
    auto r = f->Call(store, args);
    if (!r) {
      std::printf("%s %s\n", IsInconclusive(r.error()) ? "exhausted" : "trap",
                  OneLine(r.error().message).c_str());
      continue;
    }
    std::string line = "result";
    for (const nw::Val& v : *r) line += " " + FormatVal(v);
    std::printf("%s\n", line.c_str());
  }
  // The state the calls left (differential.py compares it between tiers and with V8).
  for (const nw::ExportDesc& e : (*module)->Exports()) {
    if (!state) break;
    if (e.kind == nw::ExternKind::kMemory) {
      if (nw::Memory* mem = (*instance)->GetMemory(e.name)) {
        auto d = mem->data();
        uint32_t h = 2166136261u;  // FNV-1a 32 (harness.mjs computes the same)
        for (uint8_t b : d) h = (h ^ b) * 16777619u;
        std::printf("memory %s %zu %08" PRIx32 "\n", e.name.c_str(), d.size() / 65536, h);
      }
    } else if (e.kind == nw::ExternKind::kGlobal) {
      if (nw::Global* g = (*instance)->GetGlobal(e.name))
        std::printf("global %s %s\n", e.name.c_str(), FormatVal(g->Get()).c_str());
    }
  }
  std::printf("end\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t fuel = 2000000000;
  auto nans = nw::Config::NanCanonicalization::kNone;
  bool js_boundary = false, state = false, explicit_bounds = false;
  auto tier = nw::Config::ExecutionTier::kInterp;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--js-boundary") == 0) {
      js_boundary = true;
    } else if (std::strcmp(argv[i], "--state") == 0) {
      state = true;
    } else if (std::strcmp(argv[i], "--bounds") == 0 && i + 1 < argc &&
               std::strcmp(argv[i + 1], "explicit") == 0) {
      ++i;
      explicit_bounds = true;
    } else if (std::strcmp(argv[i], "--nans") == 0 && i + 1 < argc) {
      const char* mode = argv[++i];
      if (std::strcmp(mode, "all") == 0) {
        nans = nw::Config::NanCanonicalization::kAll;
      } else if (std::strcmp(mode, "arithmetic") == 0) {
        nans = nw::Config::NanCanonicalization::kArithmetic;
      } else {
        std::fprintf(stderr, "nw_fuzz_harness: --nans takes all or arithmetic, got '%s'\n", mode);
        return 2;
      }
    } else if (std::strcmp(argv[i], "--fuel") == 0 && i + 1 < argc) {
      const char* arg = argv[++i];
      char* end = nullptr;
      errno = 0;
      fuel = std::strtoull(arg, &end, 10);
      if (!std::isdigit(static_cast<unsigned char>(arg[0])) || *end != '\0' || errno == ERANGE) {
        std::fprintf(stderr, "nw_fuzz_harness: --fuel needs a non-negative integer, got '%s'\n",
                     arg);
        return 2;
      }
    } else if (std::strcmp(argv[i], "--engine") == 0 && i + 1 < argc) {
      const char* name = argv[++i];
      if (std::strcmp(name, "opt") == 0 && nw::Engine::TierBuiltIn(nw::Config::ExecutionTier::kOpt)) {
        tier = nw::Config::ExecutionTier::kOpt;
      } else if (std::strcmp(name, "interp") != 0) {
        std::fprintf(stderr, "nw_fuzz_harness: engine %s is not built\n", name);
        return 2;
      }
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr,
                 "usage: nw_fuzz_harness [--engine interp|opt] [--fuel N] [--nans all|arithmetic] "
                 "[--js-boundary] [--state] [--bounds explicit] "
                 "FILE.wasm|FILE.wat...\n");
    return 2;
  }
  nw::Config config;
  config.tier = tier;
  if (explicit_bounds) config.bounds_checks = nw::Config::BoundsChecks::kExplicit;
  config.consume_fuel = true;
  config.canonicalize_nans = nans;
  nw::Engine engine(config);
  for (const char* f : files) RunFile(engine, f, fuel, js_boundary, state);
  return 0;
}
