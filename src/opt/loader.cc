// The opt tier's object loader (see loader.h). Every header field and offset is checked
// against the object's size before use: a truncated or corrupt object is an error.
#include "opt/loader.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace nw::opt {
namespace {

constexpr size_t kPage = 4096;

size_t AlignUp(size_t v, size_t a) { return a <= 1 ? v : (v + a - 1) / a * a; }

template <class T>
bool Fits(std::span<const uint8_t> elf, uint64_t offset, uint64_t count = 1) {
  return offset <= elf.size() && count <= (elf.size() - offset) / sizeof(T);
}

// Developer aid: NANOWASM_PERF_MAP=1 appends every loaded function symbol (nw_fN: wasm
// function index N; nw_aN: its array-call trampoline) to /tmp/perf-PID.map, the file `perf
// report` reads to name JIT code (docs/performance.md, "Where the integer gap is"). Off
// unless set; an unwritable file is ignored (profiling only, never a failure).
void WritePerfMap(const std::unordered_map<std::string, uintptr_t>& symbols,
                  const LoadedCode& code) {
  if (!std::getenv("NANOWASM_PERF_MAP")) return;
  const std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (!f) return;
  for (const auto& [name, addr] : symbols)
    std::fprintf(f, "%jx %jx %s\n", static_cast<uintmax_t>(addr),
                 static_cast<uintmax_t>(code.SizeAt(reinterpret_cast<const void*>(addr))),
                 name.c_str());
  std::fclose(f);
}

}  // namespace

LoadedCode::~LoadedCode() {
  if (base_) munmap(base_, size_);
}

const void* LoadedCode::Symbol(std::string_view name) const {
  auto it = symbols_.find(std::string(name));
  return it == symbols_.end() ? nullptr : reinterpret_cast<const void*>(it->second);
}

uint64_t LoadedCode::SizeAt(const void* addr) const {
  auto a = reinterpret_cast<uintptr_t>(addr);
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), a,
                             [](const Range& r, uintptr_t p) { return r.begin < p; });
  return it != ranges_.end() && it->begin == a ? it->end - it->begin : 0;
}

int64_t LoadedCode::FuncIndexAt(uintptr_t pc) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), pc,
                             [](uintptr_t p, const Range& r) { return p < r.begin; });
  if (it == ranges_.begin()) return -1;
  --it;
  return pc < it->end ? it->func_index : -1;
}

Result<std::unique_ptr<LoadedCode>> LoadedCode::Load(std::span<const uint8_t> elf) {
  if (!Fits<Elf64_Ehdr>(elf, 0)) return MakeError("opt loader: object too small");
  Elf64_Ehdr eh;
  std::memcpy(&eh, elf.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_REL || eh.e_machine != EM_X86_64)
    return MakeError("opt loader: not a relocatable x86-64 ELF64 object");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || !Fits<Elf64_Shdr>(elf, eh.e_shoff, eh.e_shnum))
    return MakeError("opt loader: bad section header table");
  std::vector<Elf64_Shdr> sh(eh.e_shnum);
  if (eh.e_shnum) std::memcpy(sh.data(), elf.data() + eh.e_shoff, eh.e_shnum * sizeof(Elf64_Shdr));
  auto name_of = [&](const Elf64_Shdr& strtab, uint32_t off) -> std::string_view {
    if (off >= strtab.sh_size || strtab.sh_offset + strtab.sh_size > elf.size()) return {};
    const char* s = reinterpret_cast<const char*>(elf.data() + strtab.sh_offset + off);
    return std::string_view(s, strnlen(s, strtab.sh_size - off));
  };
  if (eh.e_shstrndx >= sh.size()) return MakeError("opt loader: bad section name table");

  // Layout: executable sections, then read-only, then writable, each group page-aligned.
  std::vector<int64_t> addr(sh.size(), -1);
  size_t size = 0;
  size_t group_end[3] = {0, 0, 0};
  for (int group = 0; group < 3; ++group) {
    size = AlignUp(size, kPage);
    for (size_t i = 0; i < sh.size(); ++i) {
      const Elf64_Shdr& s = sh[i];
      if (!(s.sh_flags & SHF_ALLOC)) continue;
      std::string_view name = name_of(sh[eh.e_shstrndx], s.sh_name);
      if (name.starts_with(".eh_frame") || s.sh_type == SHT_X86_64_UNWIND) continue;
      int g = (s.sh_flags & SHF_EXECINSTR) ? 0 : (s.sh_flags & SHF_WRITE) ? 2 : 1;
      if (g != group) continue;
      if (s.sh_type != SHT_NOBITS && (s.sh_offset > elf.size() || s.sh_size > elf.size() - s.sh_offset))
        return MakeError("opt loader: section outside the object");
      if (s.sh_addralign > kPage || s.sh_size > (size_t{1} << 32))
        return MakeError("opt loader: section alignment or size out of range");
      size = AlignUp(size, s.sh_addralign);
      addr[i] = static_cast<int64_t>(size);
      size += s.sh_size;
    }
    group_end[group] = size;
  }
  size = AlignUp(std::max<size_t>(size, 1), kPage);
  void* mem = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return MakeError("opt loader: out of memory");
  std::unique_ptr<LoadedCode> code(new LoadedCode());
  code->base_ = static_cast<uint8_t*>(mem);
  code->size_ = size;
  code->code_bytes_ = group_end[0];
  uint8_t* base = code->base_;
  for (size_t i = 0; i < sh.size(); ++i) {
    if (addr[i] < 0 || sh[i].sh_type == SHT_NOBITS) continue;
    std::memcpy(base + addr[i], elf.data() + sh[i].sh_offset, sh[i].sh_size);
  }

  // Symbols.
  const Elf64_Shdr* symtab = nullptr;
  for (const Elf64_Shdr& s : sh)
    if (s.sh_type == SHT_SYMTAB) symtab = &s;
  if (!symtab || symtab->sh_entsize != sizeof(Elf64_Sym) || symtab->sh_link >= sh.size() ||
      !Fits<Elf64_Sym>(elf, symtab->sh_offset, symtab->sh_size / sizeof(Elf64_Sym)))
    return MakeError("opt loader: missing or bad symbol table");
  const Elf64_Shdr& strtab = sh[symtab->sh_link];
  size_t nsyms = symtab->sh_size / sizeof(Elf64_Sym);
  std::vector<Elf64_Sym> syms(nsyms);
  if (nsyms) std::memcpy(syms.data(), elf.data() + symtab->sh_offset, nsyms * sizeof(Elf64_Sym));
  auto sym_addr = [&](const Elf64_Sym& s, uintptr_t& out) -> bool {
    if (s.st_shndx == SHN_ABS) {
      out = s.st_value;
      return true;
    }
    if (s.st_shndx == SHN_UNDEF || s.st_shndx >= sh.size() || addr[s.st_shndx] < 0) return false;
    out = reinterpret_cast<uintptr_t>(base + addr[s.st_shndx] + s.st_value);
    return true;
  };
  for (const Elf64_Sym& s : syms) {
    std::string_view name = name_of(strtab, s.st_name);
    uintptr_t a;
    // A first tier's entry pointers (kEntrySymbolPrefix) are data: named, not code ranges.
    if (ELF64_ST_TYPE(s.st_info) == STT_OBJECT && name.starts_with(kEntrySymbolPrefix) &&
        sym_addr(s, a)) {
      code->symbols_.emplace(std::string(name), a);
      continue;
    }
    if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || !name.starts_with("nw_") || !sym_addr(s, a))
      continue;
    code->symbols_.emplace(std::string(name), a);
    int64_t index = -1;
    if (name.starts_with(kFuncSymbolPrefix)) {
      index = 0;
      for (char c : name.substr(4)) index = index * 10 + (c - '0');
    }
    code->ranges_.push_back({a, a + s.st_size, index});
  }
  std::sort(code->ranges_.begin(), code->ranges_.end(),
            [](const Range& x, const Range& y) { return x.begin < y.begin; });

  // Relocations.
  for (const Elf64_Shdr& rs : sh) {
    if (rs.sh_type == SHT_REL) return MakeError("opt loader: REL relocations are not supported");
    if (rs.sh_type != SHT_RELA) continue;
    if (rs.sh_info >= sh.size() || addr[rs.sh_info] < 0) continue;  // e.g. .rela.eh_frame
    const Elf64_Shdr& target = sh[rs.sh_info];
    size_t n = rs.sh_size / sizeof(Elf64_Rela);
    if (rs.sh_entsize != sizeof(Elf64_Rela) || !Fits<Elf64_Rela>(elf, rs.sh_offset, n))
      return MakeError("opt loader: bad relocation section");
    for (size_t k = 0; k < n; ++k) {
      Elf64_Rela r;
      std::memcpy(&r, elf.data() + rs.sh_offset + k * sizeof r, sizeof r);
      uint32_t si = ELF64_R_SYM(r.r_info), type = ELF64_R_TYPE(r.r_info);
      if (si >= syms.size()) return MakeError("opt loader: relocation names no symbol");
      uintptr_t s;
      if (!sym_addr(syms[si], s))
        return MakeError("opt loader: undefined symbol '" +
                         std::string(name_of(strtab, syms[si].st_name)) + "'");
      uint8_t* p = base + addr[rs.sh_info] + r.r_offset;
      size_t width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
      if (r.r_offset > target.sh_size || width > target.sh_size - r.r_offset)
        return MakeError("opt loader: relocation outside its section");
      int64_t value;
      switch (type) {
        case R_X86_64_64:
          value = static_cast<int64_t>(s + r.r_addend);
          std::memcpy(p, &value, 8);
          break;
        case R_X86_64_PC64:
          value = static_cast<int64_t>(s + r.r_addend - reinterpret_cast<uintptr_t>(p));
          std::memcpy(p, &value, 8);
          break;
        case R_X86_64_PC32:
        case R_X86_64_PLT32: {
          value = static_cast<int64_t>(s + r.r_addend - reinterpret_cast<uintptr_t>(p));
          if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max())
            return MakeError("opt loader: PC-relative relocation out of range");
          int32_t v32 = static_cast<int32_t>(value);
          std::memcpy(p, &v32, 4);
          break;
        }
        default:
          return MakeError("opt loader: unsupported relocation type " + std::to_string(type));
      }
    }
  }

  if (group_end[0] && mprotect(base, AlignUp(group_end[0], kPage), PROT_READ | PROT_EXEC) != 0)
    return MakeError("opt loader: cannot make code executable");
  size_t ro_begin = AlignUp(group_end[0], kPage), ro_end = AlignUp(group_end[1], kPage);
  if (ro_end > ro_begin && mprotect(base + ro_begin, ro_end - ro_begin, PROT_READ) != 0)
    return MakeError("opt loader: cannot protect constants");
  WritePerfMap(code->symbols_, *code);
  return code;
}

}  // namespace nw::opt
