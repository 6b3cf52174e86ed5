// Measures the optimizing tier (in progress): compile throughput of a module, and the time of a
// benchmark guest's run(N) compiled by the opt tier against the interpreter (same process, same
// module; the checksums must agree), through the runtime (tests/unit/opt/opt_harness.h: an
// engine with Config::tier = kOpt).
//   opt_bench compile FILE.wasm [O [THREADS [CHUNK_BYTES]]] [guard]   code-section MB/s (wall
//                                           and per thread second), IR/opt/codegen split
//   opt_bench run FILE.wasm N [guard]       run(N): opt tier and interpreter, ms and checksum
//   opt_bench time TIER FILE N [MODE]       run(N) alone as `nanowasm run` sets it up (public
//                                           API, the configuration's default bounds mode): TIER
//                                           is opt or interp for FILE.wasm, aot for FILE.nwc;
//                                           prints load_ms, run_ms, run_cpu_ms (this process's
//                                           CPU time around the call) and the checksum. MODE:
//                                           guard (the default), explicit (explicit bounds
//                                           checks) or relaxed (guard, -W opt-relaxed-traps);
//                                           tiering (Config::opt_tiering, guard mode): tier-off
//                                           (O2 only), tier-auto (the default's choice),
//                                           tier1 (first tier only: the swap never happens),
//                                           tier2 (tiered; run(N) after the swap; prints
//                                           tierup_ms, compile end to swap) or tier-run
//                                           (tiered; run(N) at once, swap whenever ready)
// `run` uses explicit bounds checks; `guard` the guard-region mode (4 GiB + guard reservation,
// faults become traps), the opt tier's default in `nanowasm --tier opt`.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "format/decode.h"
#include "opt_harness.h"
#include "validate/validate.h"

using Clock = std::chrono::steady_clock;

static double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

static double CpuMs() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// `time TIER FILE N`: one run(N) the way the CLI runs it (an engine of the tier with its default
// configuration; an artifact through Module::Deserialize), timed around the call alone.
static int TimeRun(const std::string& tier, const char* file, uint64_t n,
                   const std::string& mode) {
  [[maybe_unused]] static const nw::Tier& opt_tier = nw::opt::OptTier();
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  nw::Config config;
  config.tier = tier == "interp" ? nw::Config::ExecutionTier::kInterp : nw::Config::ExecutionTier::kOpt;
  if (mode == "explicit") config.bounds_checks = nw::Config::BoundsChecks::kExplicit;
  config.opt_relaxed_traps = mode == "relaxed";
  if (mode == "tier-off") config.opt_tiering = nw::Config::OptTiering::kOff;
  if (mode == "tier1" || mode == "tier2" || mode == "tier-run")
    config.opt_tiering = nw::Config::OptTiering::kOn;
  // tier1: the second tier is compiled only on request (never).
  static const auto manual = nw::opt::MakeOptTier(nw::opt::Options{}, /*manual_tier_up=*/true);
  auto owned = mode == "tier1" ? std::make_unique<nw::Engine>(config, *manual)
                               : std::make_unique<nw::Engine>(config);
  nw::Engine& engine = *owned;
  auto t0 = Clock::now();
  nw::Result<std::shared_ptr<const nw::Module>> m = nw::MakeError("");
  if (tier == "aot") {
    m = nw::Module::Deserialize(engine, bytes);
  } else {
    auto desc = nw::DecodeModule(bytes);
    if (!desc) {
      std::fprintf(stderr, "opt_bench: cannot decode %s\n", file);
      return 1;
    }
    m = nw::Module::FromDesc(engine, std::move(*desc));
  }
  auto t1 = Clock::now();
  if (!m) {
    std::fprintf(stderr, "opt_bench: %s\n", m.error().ToString().c_str());
    return 1;
  }
  nw::Store store(engine);
  nw::Linker linker;
  // Imported functions (a guest built for WASI that `run` never calls into, e.g. SQLite's
  // fd_write): hosts that return zeros.
  for (const nw::Import& imp : (*m)->desc().imports) {
    if (imp.kind != nw::ExternKind::kFunc) continue;
    const nw::FuncType& type = (*m)->desc().types[imp.func_type];
    linker.Define(imp.module, imp.name,
                  nw::Func::CreateHost(store, type,
                                       [results = type.results](nw::Caller&, std::span<const nw::Val>,
                                                                std::span<nw::Val> r) -> nw::TrapResult<void> {
                                         for (size_t i = 0; i < r.size(); ++i) r[i] = nw::Val::Make(results[i], 0);
                                         return {};
                                       }));
  }
  auto inst = linker.Instantiate(store, *m);
  if (!inst) {
    std::fprintf(stderr, "opt_bench: cannot instantiate %s\n", file);
    return 1;
  }
  nw::Func* f = (*inst)->GetFunc("run");
  if (!f) return 1;
  if (mode == "tier2") {
    auto* tiered = dynamic_cast<const nw::opt::TieredOptCode*>((*m)->impl().code.get());
    if (!tiered) return 1;
    auto s = tiered->FinishTierUp();
    if (!s) {
      std::fprintf(stderr, "opt_bench: %s\n", s.error().ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "tierup_ms=%.3f ", Ms(t1, Clock::now()));
  }
  std::vector<uint64_t> result(1);
  double c0 = CpuMs();
  auto t2 = Clock::now();
  auto ok = f->CallUnchecked(store, std::vector<uint64_t>{n}, result);
  auto t3 = Clock::now();
  double c1 = CpuMs();
  if (!ok) {
    std::fprintf(stderr, "opt_bench: trap %s\n", ok.error().message.c_str());
    return 1;
  }
  std::printf("%lld\n", static_cast<long long>(result[0]));
  std::fprintf(stderr, "load_ms=%.3f run_ms=%.3f run_cpu_ms=%.3f\n", Ms(t0, t1), Ms(t2, t3),
               c1 - c0);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 5 && std::string(argv[1]) == "time")
    return TimeRun(argv[2], argv[3], static_cast<uint64_t>(std::atoll(argv[4])),
                   argc >= 6 ? argv[5] : "guard");
  if (argc < 3) {
    std::fprintf(stderr, "usage: opt_bench compile FILE.wasm [O [THREADS [CHUNK_BYTES]]] | run FILE.wasm N\n");
    return 2;
  }
  std::string mode = argv[1];
  std::ifstream in(argv[2], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  auto desc = nw::DecodeModule(bytes);
  if (!desc || !nw::ValidateModule(*desc, nw::BodyValidation::kSkip)) {
    std::fprintf(stderr, "opt_bench: cannot decode %s\n", argv[2]);
    return 1;
  }
  nw::opt::Options options;
  if (mode == "compile") {
    // `guard` (last word): compile for the guard-region mode, `--tier opt`'s default.
    if (std::string(argv[argc - 1]) == "guard") {
      options.bounds = nw::opt::BoundsMode::kGuardPages;
      --argc;
    }
    if (argc > 3) options.opt_level = std::atoi(argv[3]);
    if (argc > 4) options.threads = static_cast<unsigned>(std::atoi(argv[4]));
    if (argc > 5) options.chunk_bytes = static_cast<size_t>(std::atoll(argv[5]));
    auto t0 = Clock::now();
    auto obj = nw::opt::CompileModule(*desc, options);
    auto t1 = Clock::now();
    if (!obj) {
      std::fprintf(stderr, "opt_bench: %s\n", obj.error().ToString().c_str());
      return 1;
    }
    auto code = nw::opt::LoadedCode::Load(obj->elf);
    auto t2 = Clock::now();
    if (!code) {
      std::fprintf(stderr, "opt_bench: %s\n", code.error().ToString().c_str());
      return 1;
    }
    const auto& s = obj->stats;
    double mb = s.code_section_bytes / 1e6;
    double thread_s = s.ir_seconds + s.opt_seconds + s.codegen_seconds;
    std::printf("functions=%zu code_section_bytes=%zu O%d chunks=%zu threads=%u wall_s=%.3f "
                "thread_s=%.3f (ir %.3f, opt %.3f, codegen %.3f, merge %.3f) MB/s wall=%.3f "
                "MB/s per thread-s=%.3f object_bytes=%zu machine_code_bytes=%zu load_ms=%.3f "
                "cpu=%s\n",
                desc->functions.size(), s.code_section_bytes, options.opt_level, s.chunks,
                s.threads, Ms(t0, t1) / 1e3, thread_s, s.ir_seconds, s.opt_seconds,
                s.codegen_seconds, s.merge_seconds, mb / (Ms(t0, t1) / 1e3), mb / thread_s,
                s.object_bytes, (*code)->code_bytes(), Ms(t1, t2), obj->cpu.c_str());
    return 0;
  }
  if (mode != "run" || argc < 4) return 2;
  uint64_t n = static_cast<uint64_t>(std::atoll(argv[3]));
  if (argc > 4 && std::string(argv[4]) == "guard") options.bounds = nw::opt::BoundsMode::kGuardPages;
  nw::opt::test::OptStore opt(options);
  auto m = nw::Module::FromDesc(opt.engine(), *desc);
  if (!m) {
    std::fprintf(stderr, "opt_bench: %s\n", m.error().ToString().c_str());
    return 1;
  }
  auto inst = opt.Instantiate(*m);
  if (!inst) {
    std::fprintf(stderr, "opt_bench: %s\n", inst.error().c_str());
    return 1;
  }
  auto t0 = Clock::now();
  auto r = opt.CallExport(**inst, "run", std::vector<uint64_t>{n});
  auto t1 = Clock::now();
  if (!r) {
    std::fprintf(stderr, "opt_bench: trap %s\n", r.error().message.c_str());
    return 1;
  }
  nw::opt::test::OptStore interp(nw::Config::ExecutionTier::kInterp);
  auto mi = nw::Module::FromDesc(interp.engine(), *desc);
  auto ii = interp.linker().Instantiate(interp.store(), *mi);
  nw::Func* f = (*ii)->GetFunc("run");
  std::vector<uint64_t> ri(1);
  auto t2 = Clock::now();
  auto ok = f->CallUnchecked(interp.store(), std::vector<uint64_t>{n}, ri);
  auto t3 = Clock::now();
  if (!ok) return 1;
  std::printf("opt_ms=%.3f interp_ms=%.3f opt_checksum=%lld interp_checksum=%lld %s\n", Ms(t0, t1),
              Ms(t2, t3), static_cast<long long>((*r)[0]), static_cast<long long>(ri[0]),
              (*r)[0] == ri[0] ? "agree" : "DISAGREE");
  return (*r)[0] == ri[0] ? 0 : 1;
}
