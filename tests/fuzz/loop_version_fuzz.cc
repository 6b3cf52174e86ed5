// nw_loop_version_fuzz: a differential fuzzer aimed at the opt tier's exact loop versioning
// (src/opt/loop_version.cc), which removes sandbox checks from the loops it proves safe, so a
// wrong guard is a sandbox hole or a wrong trap. Generic random modules almost never contain
// the loops it accepts; loop_fuzz_gen.h generates them (and near misses) from a seed.
// Each case runs on the interpreter and on the opt tier in both bounds modes (guard regions,
// explicit checks); after every call the result or trap kind, the memory's size and every
// byte, and the globals must be the interpreter's. Counts how often the pass versioned a loop
// (LoopVersionCountsSoFar), so a generator drifting away from what the pass accepts shows.
//   nw_loop_version_fuzz [--seeds A-B] [--seconds N] [--wall N] [--min-fire PERCENT] [--save DIR]
//                        [--print SEED] [--quiet] [--replay FILE] [--fuel]
// Exits 1 on any difference (the case is written to DIR/loopfuzz-SEED.wat, with its calls),
// or when fewer than PERCENT % of the modules had a loop versioned in either bounds mode.
// `--seconds N` / `--wall N`: from the first seed on until N seconds of CPU / wall time have
// passed (campaigns); progress with running totals every 250 seeds on stderr.
// `--replay FILE`: runs a saved (or hand-reduced) reproducer instead of generated cases.
// `--fuel`: all three engines consume fuel, and the fuel left after each call is compared too.
// Not here: epoch interruption, the relaxed-traps mode, multiple memories.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "nanowasm/runtime.h"
#include "opt/loop_version.h"
#include "tests/fuzz/loop_fuzz_gen.h"
#include "text/wat.h"

namespace {

using nw::loopfuzz::LoopCase;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Tier {
  const char* name;
  std::unique_ptr<nw::Engine> engine;
};

// --fuel: every engine consumes fuel; each call starts with kFuel and what is left is compared.
bool g_fuel = false;
constexpr uint64_t kFuel = uint64_t{1} << 40;

std::unique_ptr<nw::Engine> MakeEngine(nw::Config::ExecutionTier tier,
                                       nw::Config::BoundsChecks bounds) {
  nw::Config config;
  config.consume_fuel = g_fuel;
  config.tier = tier;
  config.bounds_checks = bounds;
  config.opt_tiering = nw::Config::OptTiering::kOff;
  return std::make_unique<nw::Engine>(config);
}

// One tier's instance of a case.
struct Side {
  explicit Side(const nw::Engine& engine) : store(engine) {
    nw::StoreLimits limits;
    limits.max_memory_pages = 8;
    store.SetLimits(limits);
  }
  nw::Store store;
  nw::Linker linker;
  nw::Instance* instance = nullptr;
  nw::Memory* memory = nullptr;
};

// What a call leaves behind.
struct Outcome {
  bool trapped = false;
  nw::TrapKind kind{};
  std::vector<uint64_t> results;
  std::vector<uint8_t> memory;
  uint64_t g = 0, gs = 0;
  uint64_t fuel = 0;  // left after the call (--fuel)
};

Outcome Call(Side& s, const std::string& func, const std::vector<uint32_t>& args) {
  Outcome out;
  std::vector<nw::Val> vals;
  for (uint32_t a : args) vals.push_back(nw::Val::Make(nw::ValType::kI32, a));
  if (g_fuel) s.store.SetFuel(kFuel);
  auto r = s.instance->GetFunc(func)->Call(s.store, vals);
  if (g_fuel) out.fuel = *s.store.GetFuel();
  if (r) {
    for (const nw::Val& v : *r) out.results.push_back(v.bits);
  } else {
    out.trapped = true;
    out.kind = r.error().kind;
  }
  auto d = s.memory->data();
  out.memory.assign(d.begin(), d.end());
  out.g = s.instance->GetGlobal("g")->Get().bits;
  out.gs = s.instance->GetGlobal("gs")->Get().bits;
  return out;
}

// Empty when equal, else what differs.
std::string Difference(const Outcome& want, const Outcome& got) {
  char buf[256];
  if (want.trapped != got.trapped || (want.trapped && want.kind != got.kind)) {
    std::snprintf(buf, sizeof buf, "interp %s%s / opt %s%s", want.trapped ? "trap " : "result",
                  want.trapped ? std::string(nw::TrapKindMessage(want.kind)).c_str() : "",
                  got.trapped ? "trap " : "result",
                  got.trapped ? std::string(nw::TrapKindMessage(got.kind)).c_str() : "");
    return buf;
  }
  if (want.results != got.results) {
    std::snprintf(buf, sizeof buf, "result interp %llx / opt %llx",
                  static_cast<unsigned long long>(want.results.empty() ? 0 : want.results[0]),
                  static_cast<unsigned long long>(got.results.empty() ? 0 : got.results[0]));
    return buf;
  }
  if (want.memory.size() != got.memory.size())
    return "memory size interp " + std::to_string(want.memory.size()) + " / opt " +
           std::to_string(got.memory.size());
  for (size_t i = 0; i < want.memory.size(); ++i) {
    if (want.memory[i] != got.memory[i]) {
      size_t n = 0;
      for (size_t j = i; j < want.memory.size(); ++j) n += want.memory[j] != got.memory[j];
      std::snprintf(buf, sizeof buf, "memory differs at %zu (interp %d / opt %d), %zu bytes in all",
                    i, want.memory[i], got.memory[i], n);
      return buf;
    }
  }
  if (want.fuel != got.fuel)
    return "fuel left interp " + std::to_string(want.fuel) + " / opt " + std::to_string(got.fuel);
  if (want.g != got.g || want.gs != got.gs)
    return "globals interp g=" + std::to_string(want.g) + " gs=" + std::to_string(want.gs) +
           " / opt g=" + std::to_string(got.g) + " gs=" + std::to_string(got.gs);
  return "";
}

struct Totals {
  uint64_t seeds = 0, modules = 0, calls = 0, differences = 0;
  uint64_t fired[2] = {0, 0};          // modules with a versioned loop, per bounds mode
  uint64_t versioned = 0, rejected = 0;  // innermost loops, both modes
};

bool Instantiate(Side& s, const std::shared_ptr<const nw::Module>& m) {
  auto inst = s.linker.Instantiate(s.store, m);
  if (!inst) return false;
  s.instance = *inst;
  s.memory = s.instance->GetMemory("mem");
  auto d = s.memory->data();
  for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<uint8_t>(i * 7 + 3);
  return true;
}

// Runs one seed; false on a difference (reported and saved).
bool RunCase(const LoopCase& c, uint64_t seed, Tier (&tiers)[3], Totals& t, const char* save_dir) {
  auto desc = nw::ParseWat(c.wat);
  if (!desc) {
    std::fprintf(stderr, "seed %llu: the generator made an invalid module: %s\n%s",
                 static_cast<unsigned long long>(seed), desc.error().ToString().c_str(),
                 c.Describe().c_str());
    std::exit(2);
  }
  std::shared_ptr<const nw::Module> modules[3];
  for (int k = 0; k < 3; ++k) {
    const nw::opt::LoopVersionCounts before = nw::opt::LoopVersionCountsSoFar();
    auto m = nw::Module::FromDesc(*tiers[k].engine, *desc);
    if (!m) {
      std::fprintf(stderr, "seed %llu: %s refuses the module: %s\n",
                   static_cast<unsigned long long>(seed), tiers[k].name,
                   m.error().ToString().c_str());
      std::exit(2);
    }
    modules[k] = *m;
    const nw::opt::LoopVersionCounts after = nw::opt::LoopVersionCountsSoFar();
    if (k > 0) {
      t.fired[k - 1] += after.versioned > before.versioned;
      t.versioned += after.versioned - before.versioned;
      t.rejected += after.rejected - before.rejected;
    }
  }
  ++t.modules;
  Side sides[3] = {Side(*tiers[0].engine), Side(*tiers[1].engine), Side(*tiers[2].engine)};
  for (int k = 0; k < 3; ++k) {
    if (!Instantiate(sides[k], modules[k])) {
      std::fprintf(stderr, "seed %llu: %s cannot instantiate the module\n",
                   static_cast<unsigned long long>(seed), tiers[k].name);
      std::exit(2);
    }
  }
  bool diverged[3] = {false, false, false};
  for (size_t n = 0; n < c.calls.size(); ++n) {
    const auto& call = c.calls[n];
    std::vector<uint32_t> args;
    for (const auto& a : call.args) args.push_back(a.Resolve(sides[0].memory->data().size()));
    const Outcome want = Call(sides[0], call.func, args);
    for (int k = 1; k < 3; ++k) {
      if (diverged[k]) continue;
      const Outcome got = Call(sides[k], call.func, args);
      ++t.calls;
      const std::string diff = Difference(want, got);
      if (diff.empty()) continue;
      diverged[k] = true;
      ++t.differences;
      std::string args_text;
      for (uint32_t a : args) args_text += (args_text.empty() ? "" : ", ") + std::to_string(a);
      std::fprintf(stderr, "DIFFERENCE seed %llu, %s, call %zu %s(%s): %s\n",
                   static_cast<unsigned long long>(seed), tiers[k].name, n, call.func.c_str(),
                   args_text.c_str(), diff.c_str());
      if (save_dir) {
        const std::string path =
            std::string(save_dir) + "/loopfuzz-" + std::to_string(seed) + ".wat";
        std::ofstream(path) << c.Describe();
        std::fprintf(stderr, "  saved %s\n", path.c_str());
      }
    }
  }
  return !diverged[1] && !diverged[2];
}

bool RunSeed(uint64_t seed, Tier (&tiers)[3], Totals& t, const char* save_dir) {
  return RunCase(nw::loopfuzz::GenerateLoopCase(seed), seed, tiers, t, save_dir);
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: nw_loop_version_fuzz [--seeds A-B] [--seconds N] [--wall N] [--min-fire PERCENT]\n"
               "                            [--save DIR] [--print SEED] [--quiet] [--replay FILE] [--fuel]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t first = 0, last = 299;
  double seconds = 0, wall = 0, min_fire = 0;
  const char* save_dir = nullptr;
  bool quiet = false;
  const char* replay = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) Usage();
      return argv[++i];
    };
    if (a == "--seeds") {
      const char* v = value();
      char* end = nullptr;
      first = std::strtoull(v, &end, 10);
      if (*end != '-') Usage();
      last = std::strtoull(end + 1, nullptr, 10);
    } else if (a == "--seconds") {
      seconds = std::atof(value());
    } else if (a == "--wall") {
      wall = std::atof(value());
    } else if (a == "--min-fire") {
      min_fire = std::atof(value());
    } else if (a == "--save") {
      save_dir = value();
    } else if (a == "--print") {
      std::fputs(nw::loopfuzz::GenerateLoopCase(std::strtoull(value(), nullptr, 10)).Describe().c_str(),
                 stdout);
      return 0;
    } else if (a == "--replay") {
      replay = value();
    } else if (a == "--fuel") {
      g_fuel = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else {
      Usage();
    }
  }
  if (!nw::opt::LoopVersioningEnabled()) {
    // Still runs: to tell whether a difference comes from the pass or from the rest of the tier.
    std::fprintf(stderr, "NANOWASM_OPT_LOOP_VERSION=0: loop versioning is off\n");
  }
  if (seconds > 0 || wall > 0) last = UINT64_MAX;
  const auto wall0 = std::chrono::steady_clock::now();
  Tier tiers[3] = {
      {"interp", MakeEngine(nw::Config::ExecutionTier::kInterp, nw::Config::BoundsChecks::kDefault)},
      {"opt/guard", MakeEngine(nw::Config::ExecutionTier::kOpt, nw::Config::BoundsChecks::kGuardRegion)},
      {"opt/explicit", MakeEngine(nw::Config::ExecutionTier::kOpt, nw::Config::BoundsChecks::kExplicit)},
  };
  Totals t;
  if (replay) {
    std::ifstream in(replay);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LoopCase c;
    if (!in || !LoopCase::Parse(text, c)) {
      std::fprintf(stderr, "%s: not a reproducer (a module, then \";; calls\" lines)\n", replay);
      return 2;
    }
    const bool same = RunCase(c, 0, tiers, t, nullptr);
    std::printf("%s: %llu calls compared, %s; innermost loops versioned %llu, rejected %llu\n",
                replay, static_cast<unsigned long long>(t.calls), same ? "no difference" : "DIFFERENT",
                static_cast<unsigned long long>(t.versioned),
                static_cast<unsigned long long>(t.rejected));
    return same ? 0 : 1;
  }
  const double cpu0 = CpuSeconds();
  uint64_t seed = first;
  for (; seed <= last; ++seed) {
    RunSeed(seed, tiers, t, save_dir);
    ++t.seeds;
    if (seconds > 0 && CpuSeconds() - cpu0 >= seconds) break;
    if (wall > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count() >= wall)
      break;
    if (!quiet && t.seeds % 250 == 0)
      std::fprintf(stderr, "... seeds %llu-%llu: %llu calls, %llu differences, fired %llu/%llu, "
                   "loops versioned %llu rejected %llu, %.0f CPU s\n",
                   static_cast<unsigned long long>(first), static_cast<unsigned long long>(seed),
                   static_cast<unsigned long long>(t.calls),
                   static_cast<unsigned long long>(t.differences),
                   static_cast<unsigned long long>(t.fired[0]),
                   static_cast<unsigned long long>(t.fired[1]),
                   static_cast<unsigned long long>(t.versioned),
                   static_cast<unsigned long long>(t.rejected), CpuSeconds() - cpu0);
  }
  const double fire_g = t.modules ? 100.0 * static_cast<double>(t.fired[0]) / t.modules : 0;
  const double fire_e = t.modules ? 100.0 * static_cast<double>(t.fired[1]) / t.modules : 0;
  std::printf(
      "seeds %llu-%llu: %llu modules, %llu calls compared, %llu differences; a loop versioned "
      "in %.1f%% of modules (guard regions) / %.1f%% (explicit); innermost loops versioned "
      "%llu, rejected %llu (both modes); %.1f CPU s\n",
      static_cast<unsigned long long>(first), static_cast<unsigned long long>(first + t.seeds - 1),
      static_cast<unsigned long long>(t.modules), static_cast<unsigned long long>(t.calls),
      static_cast<unsigned long long>(t.differences), fire_g, fire_e,
      static_cast<unsigned long long>(t.versioned), static_cast<unsigned long long>(t.rejected),
      CpuSeconds() - cpu0);
  if (t.differences) return 1;
  if (fire_g < min_fire || fire_e < min_fire) {
    std::printf("FAIL: the pass fired in fewer than %.1f%% of the modules\n", min_fire);
    return 1;
  }
  return 0;
}
