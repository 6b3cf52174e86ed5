// The opt tier's object merger (see object_merge.h). The inputs come from our own compiler,
// but every offset is still checked before use, so a damaged input is an error, not a crash.
#include "opt/object_merge.h"

#include <elf.h>

#include <cstring>
#include <map>
#include <string>
#include <string_view>

namespace nw::opt {
namespace {

template <class T>
bool Fits(std::span<const uint8_t> elf, uint64_t offset, uint64_t count = 1) {
  return offset <= elf.size() && count <= (elf.size() - offset) / sizeof(T);
}

struct Input {
  std::span<const uint8_t> elf;
  std::vector<Elf64_Shdr> sh;
  std::vector<Elf64_Sym> syms;
  const Elf64_Shdr* strtab = nullptr;
  const Elf64_Shdr* shstrtab = nullptr;
  std::vector<uint32_t> new_section;  // per input section: output index, 0 = dropped
  std::vector<uint32_t> new_symbol;   // per input symbol: output index, 0 = none

  std::string_view Name(const Elf64_Shdr& table, uint32_t off) const {
    if (off >= table.sh_size || table.sh_offset + table.sh_size > elf.size()) return {};
    const char* s = reinterpret_cast<const char*>(elf.data() + table.sh_offset + off);
    return std::string_view(s, strnlen(s, table.sh_size - off));
  }
};

Status Parse(std::span<const uint8_t> elf, Input& in) {
  in.elf = elf;
  Elf64_Ehdr eh;
  if (!Fits<Elf64_Ehdr>(elf, 0)) return MakeError("opt merge: object too small");
  std::memcpy(&eh, elf.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_type != ET_REL || eh.e_machine != EM_X86_64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
      !Fits<Elf64_Shdr>(elf, eh.e_shoff, eh.e_shnum) || eh.e_shstrndx >= eh.e_shnum)
    return MakeError("opt merge: not a relocatable x86-64 ELF64 object");
  in.sh.resize(eh.e_shnum);
  std::memcpy(in.sh.data(), elf.data() + eh.e_shoff, eh.e_shnum * sizeof(Elf64_Shdr));
  in.shstrtab = &in.sh[eh.e_shstrndx];
  for (const Elf64_Shdr& s : in.sh) {
    if (s.sh_type == SHT_GROUP) return MakeError("opt merge: COMDAT groups are not supported");
    if (s.sh_type == SHT_REL) return MakeError("opt merge: REL relocations are not supported");
    if (s.sh_type != SHT_NOBITS && (s.sh_offset > elf.size() || s.sh_size > elf.size() - s.sh_offset))
      return MakeError("opt merge: section outside the object");
    if (s.sh_type != SHT_SYMTAB) continue;
    size_t n = s.sh_size / sizeof(Elf64_Sym);
    if (s.sh_entsize != sizeof(Elf64_Sym) || s.sh_link >= in.sh.size() || !Fits<Elf64_Sym>(elf, s.sh_offset, n))
      return MakeError("opt merge: bad symbol table");
    in.syms.resize(n);
    if (n) std::memcpy(in.syms.data(), elf.data() + s.sh_offset, n * sizeof(Elf64_Sym));
    in.strtab = &in.sh[s.sh_link];
  }
  if (!in.strtab) return MakeError("opt merge: no symbol table");
  in.new_section.assign(in.sh.size(), 0);
  in.new_symbol.assign(in.syms.size(), 0);
  return Ok();
}

class StringTable {
 public:
  StringTable() { data_.push_back('\0'); }
  uint32_t Add(std::string_view s) {
    if (s.empty()) return 0;
    auto off = static_cast<uint32_t>(data_.size());
    data_.insert(data_.end(), s.begin(), s.end());
    data_.push_back('\0');
    return off;
  }
  const std::vector<char>& data() const { return data_; }

 private:
  std::vector<char> data_;
};

struct OutSection {
  Elf64_Shdr hdr{};
  std::span<const uint8_t> bytes;     // kept input section
  std::vector<uint8_t> owned;         // built here (relocations, tables)
};

}  // namespace

Result<std::vector<uint8_t>> MergeObjects(std::span<const std::vector<uint8_t>> objects) {
  std::vector<Input> inputs(objects.size());
  for (size_t i = 0; i < objects.size(); ++i) NW_TRY(Parse(objects[i], inputs[i]));

  StringTable shstr, str;
  std::vector<OutSection> out(1);  // [0] the null section
  // Allocated sections, input by input (unwind tables dropped: the loader ignores them).
  for (Input& in : inputs) {
    for (size_t i = 0; i < in.sh.size(); ++i) {
      const Elf64_Shdr& s = in.sh[i];
      std::string_view name = in.Name(*in.shstrtab, s.sh_name);
      if (!(s.sh_flags & SHF_ALLOC) || name.starts_with(".eh_frame") || s.sh_type == SHT_X86_64_UNWIND)
        continue;
      OutSection o;
      o.hdr = s;
      o.hdr.sh_name = shstr.Add(name);
      o.hdr.sh_link = 0;
      o.hdr.sh_info = 0;
      if (s.sh_type != SHT_NOBITS) o.bytes = in.elf.subspan(s.sh_offset, s.sh_size);
      in.new_section[i] = static_cast<uint32_t>(out.size());
      out.push_back(std::move(o));
    }
  }
  // Symbols: locals of every input first (ELF requires it), then defined globals, then the
  // globals nothing defines (left undefined: the loader refuses them by name).
  std::vector<Elf64_Sym> syms(1, Elf64_Sym{});
  for (Input& in : inputs) {
    for (size_t k = 1; k < in.syms.size(); ++k) {
      Elf64_Sym s = in.syms[k];
      if (ELF64_ST_BIND(s.st_info) != STB_LOCAL || ELF64_ST_TYPE(s.st_info) == STT_FILE) continue;
      if (s.st_shndx != SHN_ABS) {
        if (s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE || s.st_shndx >= in.sh.size() ||
            in.new_section[s.st_shndx] == 0)
          continue;  // e.g. a symbol of a dropped unwind section
        s.st_shndx = static_cast<uint16_t>(in.new_section[s.st_shndx]);
      }
      s.st_name = str.Add(in.Name(*in.strtab, s.st_name));
      in.new_symbol[k] = static_cast<uint32_t>(syms.size());
      syms.push_back(s);
    }
  }
  if (out.size() >= SHN_LORESERVE) return MakeError("opt merge: too many sections");
  const auto first_global = static_cast<uint32_t>(syms.size());
  std::map<std::string, uint32_t, std::less<>> defined;
  for (Input& in : inputs) {
    for (size_t k = 1; k < in.syms.size(); ++k) {
      Elf64_Sym s = in.syms[k];
      if (ELF64_ST_BIND(s.st_info) == STB_LOCAL || s.st_shndx == SHN_UNDEF) continue;
      std::string_view name = in.Name(*in.strtab, s.st_name);
      if (s.st_shndx != SHN_ABS) {
        if (s.st_shndx >= SHN_LORESERVE || s.st_shndx >= in.sh.size() || in.new_section[s.st_shndx] == 0)
          return MakeError("opt merge: global symbol '" + std::string(name) + "' in a dropped section");
        s.st_shndx = static_cast<uint16_t>(in.new_section[s.st_shndx]);
      }
      if (!defined.emplace(std::string(name), static_cast<uint32_t>(syms.size())).second)
        return MakeError("opt merge: symbol '" + std::string(name) + "' defined twice");
      s.st_name = str.Add(name);
      in.new_symbol[k] = static_cast<uint32_t>(syms.size());
      syms.push_back(s);
    }
  }
  for (Input& in : inputs) {
    for (size_t k = 1; k < in.syms.size(); ++k) {
      const Elf64_Sym& s = in.syms[k];
      if (ELF64_ST_BIND(s.st_info) == STB_LOCAL || s.st_shndx != SHN_UNDEF) continue;
      std::string_view name = in.Name(*in.strtab, s.st_name);
      auto it = defined.find(name);
      if (it == defined.end()) {
        Elf64_Sym u = s;
        u.st_name = str.Add(name);
        it = defined.emplace(std::string(name), static_cast<uint32_t>(syms.size())).first;
        syms.push_back(u);
      }
      in.new_symbol[k] = it->second;
    }
  }
  // Relocations of the kept sections, with their symbols renumbered.
  const auto symtab_index = static_cast<uint32_t>(out.size() + [&] {
    size_t n = 0;
    for (const Input& in : inputs)
      for (const Elf64_Shdr& s : in.sh)
        if (s.sh_type == SHT_RELA && s.sh_info < in.sh.size() && in.new_section[s.sh_info]) ++n;
    return n;
  }());
  for (Input& in : inputs) {
    for (const Elf64_Shdr& s : in.sh) {
      if (s.sh_type != SHT_RELA || s.sh_info >= in.sh.size() || in.new_section[s.sh_info] == 0) continue;
      size_t n = s.sh_size / sizeof(Elf64_Rela);
      if (s.sh_entsize != sizeof(Elf64_Rela) || !Fits<Elf64_Rela>(in.elf, s.sh_offset, n))
        return MakeError("opt merge: bad relocation section");
      OutSection o;
      o.hdr = s;
      o.hdr.sh_name = shstr.Add(in.Name(*in.shstrtab, s.sh_name));
      o.hdr.sh_link = symtab_index;
      o.hdr.sh_info = in.new_section[s.sh_info];
      o.owned.resize(n * sizeof(Elf64_Rela));
      for (size_t k = 0; k < n; ++k) {
        Elf64_Rela r;
        std::memcpy(&r, in.elf.data() + s.sh_offset + k * sizeof r, sizeof r);
        uint32_t si = ELF64_R_SYM(r.r_info);
        if (si >= in.syms.size() || (si != 0 && in.new_symbol[si] == 0))
          return MakeError("opt merge: relocation names a symbol that was not kept");
        r.r_info = ELF64_R_INFO(si == 0 ? 0 : in.new_symbol[si], ELF64_R_TYPE(r.r_info));
        std::memcpy(o.owned.data() + k * sizeof r, &r, sizeof r);
      }
      out.push_back(std::move(o));
    }
  }
  // .symtab, .strtab, .shstrtab.
  OutSection symtab;
  symtab.hdr.sh_name = shstr.Add(".symtab");
  symtab.hdr.sh_type = SHT_SYMTAB;
  symtab.hdr.sh_entsize = sizeof(Elf64_Sym);
  symtab.hdr.sh_addralign = 8;
  symtab.hdr.sh_link = symtab_index + 1;
  symtab.hdr.sh_info = first_global;
  symtab.owned.resize(syms.size() * sizeof(Elf64_Sym));
  std::memcpy(symtab.owned.data(), syms.data(), symtab.owned.size());
  out.push_back(std::move(symtab));
  OutSection strtab;
  strtab.hdr.sh_name = shstr.Add(".strtab");
  strtab.hdr.sh_type = SHT_STRTAB;
  strtab.hdr.sh_addralign = 1;
  strtab.owned.assign(str.data().begin(), str.data().end());
  out.push_back(std::move(strtab));
  OutSection shstrtab;
  shstrtab.hdr.sh_name = shstr.Add(".shstrtab");
  shstrtab.hdr.sh_type = SHT_STRTAB;
  shstrtab.hdr.sh_addralign = 1;
  shstrtab.owned.assign(shstr.data().begin(), shstr.data().end());
  const auto shstrndx = static_cast<uint16_t>(out.size());
  out.push_back(std::move(shstrtab));

  // Write: header, section contents (each at its alignment), section header table.
  std::vector<uint8_t> elf(sizeof(Elf64_Ehdr), 0);
  auto align = [&](uint64_t a) {
    if (a > 1) elf.resize((elf.size() + a - 1) / a * a, 0);
  };
  for (size_t i = 1; i < out.size(); ++i) {
    OutSection& o = out[i];
    if (o.hdr.sh_type == SHT_NOBITS) {
      o.hdr.sh_offset = elf.size();
      continue;
    }
    std::span<const uint8_t> bytes = o.owned.empty() ? o.bytes : std::span<const uint8_t>(o.owned);
    align(o.hdr.sh_addralign);
    o.hdr.sh_offset = elf.size();
    o.hdr.sh_size = bytes.size();
    elf.insert(elf.end(), bytes.begin(), bytes.end());
  }
  align(8);
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_REL;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_shoff = elf.size();
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = static_cast<uint16_t>(out.size());
  eh.e_shstrndx = shstrndx;
  std::memcpy(elf.data(), &eh, sizeof eh);
  for (const OutSection& o : out) {
    const auto* p = reinterpret_cast<const uint8_t*>(&o.hdr);
    elf.insert(elf.end(), p, p + sizeof(Elf64_Shdr));
  }
  return elf;
}

}  // namespace nw::opt
