// The opt tier's side of AOT artifacts (artifact.h).
#include "opt/artifact.h"

#include <cstring>
#include <string>
#include <string_view>

#include "aot/xxhash64.h"
#include "runtime/vm.h"
#include "runtime/vm_offsets.h"

namespace nw::opt {
namespace {

// Bumped by hand when the vmctx layout scheme or the calling convention changes in a way the
// builtins list does not show.
// abi-2: guard-region code became exact (volatile memory accesses); abi-1 artifacts were not.
constexpr std::string_view kAbiScheme = "nw-opt-abi-2 vmctx:vm_offsets.h ";
constexpr std::string_view kBuiltinsText =
#define NW_BUILTIN(Name, Ret, Params, sig) #Name ":" sig ";"
#include "runtime/builtins.def"
#undef NW_BUILTIN
    "";

}  // namespace

uint64_t CodeAbiHash() {
  static const uint64_t hash = [] {
    std::string s(kAbiScheme);
    s += kBuiltinsText;
    s += kFuncSymbolPrefix;
    s += kArraySymbolPrefix;
    // The layout facts code bakes in (vm_offsets.h); its static_asserts fix the rest.
    // memory(1): multi-memory code addresses memory i at memory(0) + 8 * i.
    for (uint64_t v : {uint64_t{VMOffsets::builtins()}, uint64_t{VMOffsets::limits()},
                       uint64_t{VMOffsets::type_ids()}, uint64_t{VMOffsets::memory(0)},
                       uint64_t{VMOffsets::memory(1)},
                       uint64_t{sizeof(VMFuncRef)}, uint64_t{sizeof(VMStoreLimits)},
                       kGuardRegionBytes})
      s += " " + std::to_string(v);
    return aot::Xxh64({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  }();
  return hash;
}

aot::CodeConfig CodeConfigOf(const Options& o) {
  // Bounds byte: 0 explicit, 1 guard pages (exact), 2 guard pages with relaxed traps.
  uint8_t bounds = o.bounds == BoundsMode::kGuardPages && o.relaxed_traps
                       ? 2 : static_cast<uint8_t>(o.bounds);
  return {bounds, o.consume_fuel, o.epoch_interruption,
          static_cast<uint8_t>(o.canonicalize_nans)};
}

Result<std::vector<uint8_t>> BuildArtifact(std::span<const uint8_t> module_bytes,
                                           uint32_t num_imported_funcs,
                                           const CompiledObject& object, const Options& options) {
  aot::Artifact a;
  a.engine_version = aot::EngineVersion();
  a.abi_hash = CodeAbiHash();
  a.config = CodeConfigOf(options);
  a.opt_level = static_cast<uint8_t>(options.opt_level);
  a.cpu = object.cpu;
  a.features = object.features;
  a.module = module_bytes;
  a.object = object.elf;
  // Offsets into the code image as the loader lays it out (every chunk's code section), read
  // back from a real load of the object so that writer and loader cannot disagree.
  NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(object.elf));
  const uintptr_t base = code->code_begin();
  a.funcs.assign(object.has_array.size(), aot::FuncCode{});
  for (size_t i = 0; i < a.funcs.size(); ++i) {
    const std::string index = std::to_string(num_imported_funcs + i);
    const void* entry = code->Symbol(kFuncSymbolPrefix + index);
    const void* array = code->Symbol(kArraySymbolPrefix + index);
    aot::FuncCode& f = a.funcs[i];
    // A function nothing can call (not exported, in no table, never referenced or called) may
    // have been removed by the optimizer: no code, and no entry in the table either.
    f.entry = entry ? reinterpret_cast<uintptr_t>(entry) - base : aot::FuncCode::kNoEntry;
    f.size = entry ? code->SizeAt(entry) : 0;
    f.array_entry = array ? reinterpret_cast<uintptr_t>(array) - base : aot::FuncCode::kNoEntry;
    if (object.has_array[i] != (array != nullptr) || (array && !entry))
      return MakeError("artifact: the object lacks the code of function " + index);
  }
  // The code -> wasm offset maps as the compiler made them (code_map.h); an object without
  // them (none made) gives every function an empty map.
  if (object.offset_maps.begin.size() == a.funcs.size() + 1) {
    a.offset_map_begin = object.offset_maps.begin;
    a.offset_maps = object.offset_maps.entries;
    a.inline_frames = object.offset_maps.inlines;
  } else if (!object.offset_maps.begin.empty()) {
    return MakeError("artifact: the compiler's offset maps do not match its functions");
  } else {
    a.offset_map_begin.assign(a.funcs.size() + 1, 0);
  }
  return aot::WriteArtifact(a);
}

Result<void> CheckFunctionTable(const aot::Artifact& a, const LoadedCode& code) {
  const uint64_t n = code.code().size();
  constexpr uint64_t kNone = aot::FuncCode::kNoEntry;
  for (size_t i = 0; i < a.funcs.size(); ++i) {
    const aot::FuncCode& f = a.funcs[i];
    bool entry_ok = f.entry == kNone ? f.size == 0 : f.entry < n && f.size <= n - f.entry;
    bool array_ok = f.array_entry == kNone || (f.array_entry < n && f.entry != kNone);
    if (!entry_ok || !array_ok)
      return MakeError("artifact: function " + std::to_string(i) + "'s code lies outside the code");
  }
  return {};
}

Result<LoadedArtifact> LoadArtifact(std::span<const uint8_t> bytes, const aot::CodeConfig& config) {
  LoadedArtifact out;
  aot::Expectations expect;
  expect.abi_hash = CodeAbiHash();
  expect.config = config;
  NW_TRY_ASSIGN(out.artifact, aot::ReadArtifact(bytes, expect));
  // Function offsets must lie in the code, checked before any of it is called.
  NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(out.artifact.object));
  NW_TRY(CheckFunctionTable(out.artifact, *code));
  const uint8_t* image = code->code().data();
  out.entries.resize(out.artifact.funcs.size());
  out.array_entries.resize(out.artifact.funcs.size());
  for (size_t i = 0; i < out.artifact.funcs.size(); ++i) {
    const aot::FuncCode& f = out.artifact.funcs[i];
    constexpr uint64_t kNone = aot::FuncCode::kNoEntry;
    out.entries[i] = f.entry == kNone ? nullptr : image + f.entry;
    out.array_entries[i] = f.array_entry == kNone ? nullptr : image + f.array_entry;
  }
  out.code = std::move(code);
  return out;
}

}  // namespace nw::opt
