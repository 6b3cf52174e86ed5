// The opt tier's side of AOT artifacts (artifact.h).
#include "opt/artifact.h"

#include <elf.h>

#include <charconv>
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
constexpr std::string_view kAbiScheme = "nw-opt-abi-1 vmctx:vm_offsets.h ";
constexpr std::string_view kBuiltinsText =
#define NW_BUILTIN(Name, Ret, Params, sig) #Name ":" sig ";"
#include "runtime/builtins.def"
#undef NW_BUILTIN
    "";

// The index in `name` after `prefix` ("nw_f12" -> 12), or -1.
int64_t SymbolIndex(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return -1;
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(name.data() + prefix.size(), name.data() + name.size(), v);
  return ec == std::errc() && p == name.data() + name.size() ? int64_t{v} : -1;
}

// The .text offsets of every nw_fN / nw_aN symbol of an object the compiler produced (trusted
// input, but every read is still bounds-checked: a bug must not read out of bounds).
Result<void> FuncTable(std::span<const uint8_t> elf, uint32_t first, std::vector<aot::FuncCode>& out) {
  auto fits = [&](uint64_t off, uint64_t n) { return off <= elf.size() && n <= elf.size() - off; };
  if (!fits(0, sizeof(Elf64_Ehdr))) return MakeError("artifact: object too small");
  Elf64_Ehdr eh;
  std::memcpy(&eh, elf.data(), sizeof eh);
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || !fits(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr)) ||
      eh.e_shstrndx >= eh.e_shnum)
    return MakeError("artifact: bad object section table");
  std::vector<Elf64_Shdr> sh(eh.e_shnum);
  std::memcpy(sh.data(), elf.data() + eh.e_shoff, sh.size() * sizeof(Elf64_Shdr));
  auto name = [&](const Elf64_Shdr& strtab, uint32_t off) -> std::string_view {
    if (off >= strtab.sh_size || !fits(strtab.sh_offset, strtab.sh_size)) return {};
    const char* s = reinterpret_cast<const char*>(elf.data() + strtab.sh_offset + off);
    return {s, strnlen(s, strtab.sh_size - off)};
  };
  int64_t text = -1;
  const Elf64_Shdr* symtab = nullptr;
  for (size_t i = 0; i < sh.size(); ++i) {
    if (name(sh[eh.e_shstrndx], sh[i].sh_name) == ".text") text = static_cast<int64_t>(i);
    if (sh[i].sh_type == SHT_SYMTAB) symtab = &sh[i];
  }
  if (text < 0 || !symtab || symtab->sh_link >= sh.size() || !fits(symtab->sh_offset, symtab->sh_size))
    return MakeError("artifact: object has no .text or symbol table");
  for (size_t k = 0; k < symtab->sh_size / sizeof(Elf64_Sym); ++k) {
    Elf64_Sym s;
    std::memcpy(&s, elf.data() + symtab->sh_offset + k * sizeof s, sizeof s);
    if (ELF64_ST_TYPE(s.st_info) != STT_FUNC) continue;
    std::string_view n = name(sh[symtab->sh_link], s.st_name);
    int64_t f = SymbolIndex(n, kFuncSymbolPrefix), a = SymbolIndex(n, kArraySymbolPrefix);
    int64_t index = (f >= 0 ? f : a) - first;
    if ((f < 0 && a < 0) || index < 0 || static_cast<uint64_t>(index) >= out.size()) continue;
    if (s.st_shndx != text)
      return MakeError("artifact: function symbol " + std::string(n) + " is not in .text");
    if (f >= 0) {
      out[index].entry = s.st_value;
      out[index].size = s.st_size;
    } else {
      out[index].array_entry = s.st_value;
    }
  }
  return {};
}

}  // namespace

uint64_t CodeAbiHash() {
  static const uint64_t hash = [] {
    std::string s(kAbiScheme);
    s += kBuiltinsText;
    s += kFuncSymbolPrefix;
    s += kArraySymbolPrefix;
    // The layout facts code bakes in (vm_offsets.h); its static_asserts fix the rest.
    for (uint64_t v : {uint64_t{VMOffsets::builtins()}, uint64_t{VMOffsets::limits()},
                       uint64_t{VMOffsets::type_ids()}, uint64_t{VMOffsets::memory(0)},
                       uint64_t{sizeof(VMFuncRef)}, uint64_t{sizeof(VMStoreLimits)},
                       kGuardRegionBytes})
      s += " " + std::to_string(v);
    return aot::Xxh64({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  }();
  return hash;
}

aot::CodeConfig CodeConfigOf(const Options& o) {
  return {static_cast<uint8_t>(o.bounds), o.consume_fuel, o.epoch_interruption,
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
  const uint64_t kUnset = aot::FuncCode::kNoEntry;
  a.funcs.assign(object.has_array.size(), aot::FuncCode{kUnset, kUnset, 0});
  NW_TRY(FuncTable(object.elf, num_imported_funcs, a.funcs));
  for (size_t i = 0; i < a.funcs.size(); ++i) {
    if (a.funcs[i].entry == kUnset || (object.has_array[i] != (a.funcs[i].array_entry != kUnset)))
      return MakeError("artifact: the object lacks the code of function " +
                       std::to_string(num_imported_funcs + i));
  }
  // The code -> wasm offset maps as the compiler made them (code_map.h); none yet: every
  // function's map is then empty (backtraces of compiled frames name the function, no offset).
  if (object.offset_maps.begin.size() == a.funcs.size() + 1) {
    a.offset_map_begin = object.offset_maps.begin;
    a.offset_maps = object.offset_maps.entries;
  } else if (!object.offset_maps.begin.empty()) {
    return MakeError("artifact: the compiler's offset maps do not match its functions");
  } else {
    a.offset_map_begin.assign(a.funcs.size() + 1, 0);
  }
  return aot::WriteArtifact(a);
}

Result<void> CheckFunctionTable(const aot::Artifact& a, const LoadedCode& code) {
  std::span<const uint8_t> text = code.text();
  for (size_t i = 0; i < a.funcs.size(); ++i) {
    const aot::FuncCode& f = a.funcs[i];
    if (f.entry >= text.size() || f.size > text.size() - f.entry ||
        (f.array_entry != aot::FuncCode::kNoEntry && f.array_entry >= text.size()))
      return MakeError("artifact: function " + std::to_string(i) + "'s code lies outside .text");
  }
  return {};
}

Result<LoadedArtifact> LoadArtifact(std::span<const uint8_t> bytes, const aot::CodeConfig& config) {
  LoadedArtifact out;
  aot::Expectations expect;
  expect.abi_hash = CodeAbiHash();
  expect.config = config;
  NW_TRY_ASSIGN(out.artifact, aot::ReadArtifact(bytes, expect));
  // Function offsets must lie in .text, checked before anything is mapped executable.
  NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(out.artifact.object));
  NW_TRY(CheckFunctionTable(out.artifact, *code));
  std::span<const uint8_t> text = code->text();
  out.entries.resize(out.artifact.funcs.size());
  out.array_entries.resize(out.artifact.funcs.size());
  for (size_t i = 0; i < out.artifact.funcs.size(); ++i) {
    const aot::FuncCode& f = out.artifact.funcs[i];
    out.entries[i] = text.data() + f.entry;
    out.array_entries[i] =
        f.array_entry == aot::FuncCode::kNoEntry ? nullptr : text.data() + f.array_entry;
  }
  out.code = std::move(code);
  return out;
}

}  // namespace nw::opt
