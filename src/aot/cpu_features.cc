// CPUID-based feature detection (cpu_features.h). A feature that needs OS support for its
// register state (AVX: YMM; AVX-512: opmask and ZMM) also requires the OS to have enabled that
// state in XCR0, as LLVM's host detection does, so code is never run where its registers would
// fault.
#include "aot/cpu_features.h"

#include <cpuid.h>

#include <array>
#include <iterator>
#include <cstdint>

namespace nw::aot {
namespace {

enum Reg : uint8_t { kEax, kEbx, kEcx, kEdx };
// XCR0 bits a feature's register state needs.
constexpr uint64_t kXmmYmm = 0x6;      // SSE + AVX state
constexpr uint64_t kAvx512 = 0xe6;     // + opmask, ZMM_Hi256, Hi16_ZMM

struct Feature {
  std::string_view name;
  uint32_t leaf, subleaf;
  Reg reg;
  uint8_t bit;
  uint64_t xcr0 = 0;
};

// LLVM 19's x86 feature names (llvm::sys::getHostCPUFeatures) with their CPUID bits (Intel
// SDM vol. 2A, CPUID; AMD APM vol. 3, CPUID). "crc32" is part of SSE4.2 and "evex512" of
// AVX-512F, as LLVM derives them.
constexpr Feature kFeatures[] = {
    {"64bit", 0x80000001, 0, kEdx, 29},
    {"cx8", 1, 0, kEdx, 8},
    {"cmov", 1, 0, kEdx, 15},
    {"mmx", 1, 0, kEdx, 23},
    {"fxsr", 1, 0, kEdx, 24},
    {"sse", 1, 0, kEdx, 25},
    {"sse2", 1, 0, kEdx, 26},
    {"sse3", 1, 0, kEcx, 0},
    {"pclmul", 1, 0, kEcx, 1},
    {"ssse3", 1, 0, kEcx, 9},
    {"fma", 1, 0, kEcx, 12, kXmmYmm},
    {"cx16", 1, 0, kEcx, 13},
    {"sse4.1", 1, 0, kEcx, 19},
    {"sse4.2", 1, 0, kEcx, 20},
    {"crc32", 1, 0, kEcx, 20},
    {"movbe", 1, 0, kEcx, 22},
    {"popcnt", 1, 0, kEcx, 23},
    {"aes", 1, 0, kEcx, 25},
    {"xsave", 1, 0, kEcx, 26},
    {"avx", 1, 0, kEcx, 28, kXmmYmm},
    {"f16c", 1, 0, kEcx, 29, kXmmYmm},
    {"rdrnd", 1, 0, kEcx, 30},
    {"fsgsbase", 7, 0, kEbx, 0},
    {"bmi", 7, 0, kEbx, 3},
    {"avx2", 7, 0, kEbx, 5, kXmmYmm},
    {"bmi2", 7, 0, kEbx, 8},
    {"invpcid", 7, 0, kEbx, 10},
    {"rtm", 7, 0, kEbx, 11},
    {"avx512f", 7, 0, kEbx, 16, kAvx512},
    {"evex512", 7, 0, kEbx, 16, kAvx512},
    {"avx512dq", 7, 0, kEbx, 17, kAvx512},
    {"rdseed", 7, 0, kEbx, 18},
    {"adx", 7, 0, kEbx, 19},
    {"avx512ifma", 7, 0, kEbx, 21, kAvx512},
    {"clflushopt", 7, 0, kEbx, 23},
    {"clwb", 7, 0, kEbx, 24},
    {"avx512cd", 7, 0, kEbx, 28, kAvx512},
    {"sha", 7, 0, kEbx, 29},
    {"avx512bw", 7, 0, kEbx, 30, kAvx512},
    {"avx512vl", 7, 0, kEbx, 31, kAvx512},
    {"avx512vbmi", 7, 0, kEcx, 1, kAvx512},
    {"pku", 7, 0, kEcx, 4},
    {"waitpkg", 7, 0, kEcx, 5},
    {"avx512vbmi2", 7, 0, kEcx, 6, kAvx512},
    {"shstk", 7, 0, kEcx, 7},
    {"gfni", 7, 0, kEcx, 8},
    {"vaes", 7, 0, kEcx, 9, kXmmYmm},
    {"vpclmulqdq", 7, 0, kEcx, 10, kXmmYmm},
    {"avx512vnni", 7, 0, kEcx, 11, kAvx512},
    {"avx512bitalg", 7, 0, kEcx, 12, kAvx512},
    {"avx512vpopcntdq", 7, 0, kEcx, 14, kAvx512},
    {"rdpid", 7, 0, kEcx, 22},
    {"cldemote", 7, 0, kEcx, 25},
    {"movdiri", 7, 0, kEcx, 27},
    {"movdir64b", 7, 0, kEcx, 28},
    {"enqcmd", 7, 0, kEcx, 29},
    {"avx512vp2intersect", 7, 0, kEdx, 8, kAvx512},
    {"serialize", 7, 0, kEdx, 14},
    {"tsxldtrk", 7, 0, kEdx, 16},
    {"avx512fp16", 7, 0, kEdx, 23, kAvx512},
    {"avxvnni", 7, 1, kEax, 4, kXmmYmm},
    {"avx512bf16", 7, 1, kEax, 5, kAvx512},
    {"xsaveopt", 0xd, 1, kEax, 0},
    {"xsavec", 0xd, 1, kEax, 1},
    {"xsaves", 0xd, 1, kEax, 3},
    {"sahf", 0x80000001, 0, kEcx, 0},
    {"lzcnt", 0x80000001, 0, kEcx, 5},
    {"sse4a", 0x80000001, 0, kEcx, 6},
    {"prfchw", 0x80000001, 0, kEcx, 8},
    {"xop", 0x80000001, 0, kEcx, 11},
    {"fma4", 0x80000001, 0, kEcx, 16},
    {"tbm", 0x80000001, 0, kEcx, 21},
    {"mwaitx", 0x80000001, 0, kEcx, 29},
    {"clzero", 0x80000008, 0, kEbx, 0},
    {"wbnoinvd", 0x80000008, 0, kEbx, 9},
};

// The CPUID words the table reads, read once: CPUID traps to the hypervisor in a VM (about a
// microsecond each), and an artifact lists some 60 features.
struct HostCpuid {
  static constexpr uint32_t kLeaves[][2] = {{1, 0}, {7, 0}, {7, 1}, {0xd, 1}, {0x80000001, 0},
                                            {0x80000008, 0}};
  std::array<std::array<unsigned, 4>, std::size(kLeaves)> regs{};
  uint64_t xcr0 = 0;
  HostCpuid() {
    unsigned max_basic = __get_cpuid_max(0, nullptr), max_ext = __get_cpuid_max(0x80000000u, nullptr);
    for (size_t i = 0; i < std::size(kLeaves); ++i) {
      uint32_t leaf = kLeaves[i][0];
      if (leaf > ((leaf & 0x80000000u) ? max_ext : max_basic)) continue;
      __cpuid_count(leaf, kLeaves[i][1], regs[i][0], regs[i][1], regs[i][2], regs[i][3]);
    }
    if (regs[0][kEcx] & (1u << 27)) {  // OSXSAVE: XGETBV is available
      uint32_t lo, hi;
      __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
      xcr0 = (uint64_t{hi} << 32) | lo;
    }
  }
  bool Has(const Feature& f) const {
    for (size_t i = 0; i < std::size(kLeaves); ++i)
      if (kLeaves[i][0] == f.leaf && kLeaves[i][1] == f.subleaf)
        return (regs[i][f.reg] & (1u << f.bit)) && (xcr0 & f.xcr0) == f.xcr0;
    return false;
  }
};

bool Has(const Feature& f) {
  static const HostCpuid host;
  return host.Has(f);
}

}  // namespace

std::optional<bool> HostHasCpuFeature(std::string_view name) {
  for (const Feature& f : kFeatures)
    if (f.name == name) return Has(f);
  return std::nullopt;
}

std::string MissingCpuFeature(std::string_view features) {
  while (!features.empty()) {
    size_t comma = features.find(',');
    std::string_view item = features.substr(0, comma);
    features = comma == std::string_view::npos ? std::string_view{} : features.substr(comma + 1);
    if (item.empty() || item[0] != '+') continue;  // "-x": not required
    std::string_view name = item.substr(1);
    std::optional<bool> has = HostHasCpuFeature(name);
    if (!has)
      return "needs CPU feature '" + std::string(name) + "', which this loader cannot check";
    if (!*has) return "needs CPU feature '" + std::string(name) + "', which this host lacks";
  }
  return "";
}

}  // namespace nw::aot
