// The AOT artifact container (`nanowasm compile` output, `.nwc`; docs/aot.md): a checked
// header, then a section table and sections. It knows nothing of LLVM or of how code runs: it
// stores bytes and small tables, and refuses, with one message, any artifact that is
// truncated, corrupt, of another format or engine version, or compiled for a configuration or
// CPU that is not this one. A refused artifact is never mapped executable.
// Not here: producing the object code (src/opt/compiler.h), mapping it (src/opt/loader.h),
// tying the two to a module (src/opt/artifact.h).
//
// Layout, format version 2 (little-endian; offsets in bytes; version 1 had no inline frames):
//   0  magic "\0nwc\r\n\x1a\n"     8  u32 format version      12 u32 header size H
//  16  engine version, 16 bytes NUL-padded                      32 u64 code-ABI hash
//  40  u64 configuration hash      48  u8 bounds, fuel, epoch, NaN mode, opt level, 3 zero
//  56  u32 CPU name length         60  u32 feature string length
//  64  u64 total file size         72  u32 section count, u32 zero
//  80  u64 payload checksum: XXH64 of bytes [H, total size)
//  88  32 zero bytes              120  u64 header checksum: XXH64 of bytes [0, H) with this
//                                      field read as zero
// 128  CPU name, LLVM feature string ("+avx2,+bmi2,..."), zero-padded to H (a multiple of 8)
//   H  section table: per section u32 id, u32 zero, u64 file offset, u64 size; then the
//      sections' bytes, each at a 16-byte aligned offset, in table order, not overlapping.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace nw::aot {

inline constexpr uint8_t kMagic[8] = {0x00, 'n', 'w', 'c', '\r', '\n', 0x1a, '\n'};
inline constexpr uint32_t kFormatVersion = 2;
inline constexpr size_t kFixedHeaderBytes = 128;
inline constexpr size_t kMaxTargetBytes = 4096;  // CPU name + feature string

// This build's version (CMake's project version): an artifact from another version is refused.
std::string_view EngineVersion();

// True when `bytes` starts with the artifact magic (cheap: how `nanowasm run` tells an
// artifact from a wasm module).
bool HasArtifactMagic(std::span<const uint8_t> bytes);

// The configuration fields that change generated code. The hash is what the header records;
// the fields are recorded too so that a mismatch message can name the field.
struct CodeConfig {
  uint8_t bounds = 0;  // nw::opt::BoundsMode
  bool consume_fuel = false;
  bool epoch_interruption = false;
  uint8_t canonicalize_nans = 0;  // Config::NanCanonicalization
  uint64_t Hash() const;
  bool operator==(const CodeConfig&) const = default;
};

enum class SectionId : uint32_t {
  kModule = 1,      // the module's wasm binary, as compiled (rebuilds the ModuleDesc)
  kObject = 2,      // relocatable ELF64 x86-64 object; its .rela sections are the relocations
  kFunctions = 3,   // u32 count, then per defined function: u64 entry, u64 array entry, u64 size
  // u32 count, then per defined function: LEB n, n x (LEB code offset increase, LEB zigzag
  // wasm offset change, LEB inline id); then LEB m, m x (LEB func, LEB call offset, LEB
  // parent): the inline frames (OffsetMapEntry, InlineFrame).
  kOffsetMaps = 4,
};

// Per defined function: byte offsets in the object's .text section of its internal-convention
// entry and its array-call trampoline (kNoEntry when it has none), and its code size.
struct FuncCode {
  static constexpr uint64_t kNoEntry = ~uint64_t{0};
  uint64_t entry = 0;
  uint64_t array_entry = kNoEntry;
  uint64_t size = 0;
};
// A code offset (from the function's entry) and the wasm byte offset (in the module) of the
// instruction whose code starts there (0: unknown); sorted by code offset within a function.
// `inline_id` 0: the instruction is the function's own; else the code was inlined and
// inline_frames[inline_id - 1] says from which function (the one wasm_offset lies in) and where
// it was called.
struct OffsetMapEntry {
  uint32_t code_offset = 0;
  uint32_t wasm_offset = 0;
  uint32_t inline_id = 0;
};
// A function (module function index) inlined at a call at wasm byte offset `call_offset` of its
// caller: the function of inline_frames[parent - 1], or when `parent` is 0 the function whose
// map refers to it. A parent comes before its children (no cycles).
struct InlineFrame {
  uint32_t func_index = 0;
  uint32_t call_offset = 0;
  uint32_t parent = 0;
};

struct Artifact {
  std::string engine_version;
  uint64_t abi_hash = 0;
  CodeConfig config;
  uint8_t opt_level = 0;  // informative: not part of compatibility
  std::string cpu, features;
  // Reading: views into the artifact's bytes, valid while they are.
  std::span<const uint8_t> module, object;
  std::vector<FuncCode> funcs;
  // offset_maps[offset_map_begin[i] .. offset_map_begin[i + 1]) belong to defined function i.
  std::vector<uint32_t> offset_map_begin;
  std::vector<OffsetMapEntry> offset_maps;
  std::vector<InlineFrame> inline_frames;
};

std::vector<uint8_t> WriteArtifact(const Artifact& a);

// What the reader requires of an artifact besides being well formed.
struct Expectations {
  std::string_view engine_version = EngineVersion();
  uint64_t abi_hash = 0;
  CodeConfig config;
  bool check_host_cpu = true;  // tests of the container alone turn this off
};

// The checks that need no expectations: magic, format version, sizes, both checksums. For a
// caller that will refuse the artifact anyway (a tier that runs no AOT code) but should say
// first when it is damaged.
Result<void> CheckIntegrity(std::span<const uint8_t> bytes);

// Parses and checks everything listed above (CheckIntegrity included); errors are "artifact: ..." with the byte offset
// of what is wrong. Spans in the result point into `bytes`.
Result<Artifact> ReadArtifact(std::span<const uint8_t> bytes, const Expectations& expect);

}  // namespace nw::aot
