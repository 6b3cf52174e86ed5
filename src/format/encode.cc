// The binary writer (see encode.h). Each section is built in its own buffer and then framed
// with its id and size, which keeps size fields minimal.
#include "format/encode.h"

#include "base/writer.h"
#include "format/binary_reader.h"

namespace nw {
namespace {

constexpr uint8_t kSectionOrder[] = {1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11};

// `shared`: a memory type's flag bit 1 (shared memories); never set for a table.
void WriteLimits(Writer& w, const Limits& l, bool shared = false) {
  w.U8(static_cast<uint8_t>((l.max ? 1 : 0) | (shared ? 2 : 0)));
  w.ULeb(l.min);
  if (l.max)
    w.ULeb(*l.max);
}

void WriteMemoryType(Writer& w, const MemoryType& t) { WriteLimits(w, t.limits, t.shared); }

void WriteTableType(Writer& w, const TableType& t) {
  w.U8(static_cast<uint8_t>(t.elem));
  WriteLimits(w, t.limits);
}

void WriteGlobalType(Writer& w, const GlobalType& g) {
  w.U8(static_cast<uint8_t>(g.type));
  w.U8(g.mut ? 1 : 0);
}

void WriteValTypes(Writer& w, const std::vector<ValType>& ts) {
  w.ULeb(ts.size());
  for (ValType t : ts)
    w.U8(static_cast<uint8_t>(t));
}

// The recorded flags when they agree with the segment, else the canonical variant.
uint32_t ElemFlags(const ElemSegment& s) {
  const uint32_t exprs = s.flags & 4;
  switch (s.mode) {
    case SegmentMode::kPassive:
      return 1 | exprs;
    case SegmentMode::kDeclarative:
      return 3 | exprs;
    case SegmentMode::kActive:
      break;
  }
  const bool explicit_table = (s.flags & 2) || s.table_index != 0 || s.type != ValType::kFuncRef;
  return (explicit_table ? 2 : 0) | exprs;
}

uint32_t DataFlags(const DataSegment& d) {
  if (d.mode != SegmentMode::kActive)
    return 1;
  return (d.flags == 2 || d.memory_index != 0) ? 2 : 0;
}

void WriteElem(Writer& w, const ElemSegment& s) {
  const uint32_t flags = ElemFlags(s);
  w.ULeb(flags);
  if (s.mode == SegmentMode::kActive) {
    if (flags & 2)
      w.ULeb(s.table_index);
    w.Raw(s.offset.bytes);
  }
  if (flags & 3) {
    if (flags & 4)
      w.U8(static_cast<uint8_t>(s.type));
    else
      w.U8(0x00);  // element kind funcref
  }
  if (flags & 4) {
    w.ULeb(s.exprs.size());
    for (const auto& e : s.exprs)
      w.Raw(e.bytes);
  } else {
    w.ULeb(s.func_indices.size());
    for (uint32_t f : s.func_indices)
      w.ULeb(f);
  }
}

void WriteData(Writer& w, const DataSegment& d) {
  const uint32_t flags = DataFlags(d);
  w.ULeb(flags);
  if (flags == 2)
    w.ULeb(d.memory_index);
  if (flags != 1)
    w.Raw(d.offset.bytes);
  w.ULeb(d.bytes.size());
  w.Raw(d.bytes);
}

void WriteCode(Writer& w, const Function& f) {
  Writer entry;
  entry.ULeb(f.locals.size());
  for (const auto& l : f.locals) {
    entry.ULeb(l.count);
    entry.U8(static_cast<uint8_t>(l.type));
  }
  entry.Raw(f.body);
  w.ULeb(entry.bytes().size());
  w.Raw(entry.bytes());
}

// Writes section `id`'s payload; returns false if the module has nothing for it.
bool WriteSectionPayload(Writer& w, const ModuleDesc& m, uint8_t id) {
  const bool present = m.section_mask & (uint32_t{1} << id);
  switch (static_cast<SectionId>(id)) {
    case SectionId::kType:
      if (m.types.empty() && !present)
        return false;
      w.ULeb(m.types.size());
      for (const auto& t : m.types) {
        w.U8(0x60);
        WriteValTypes(w, t.params);
        WriteValTypes(w, t.results);
      }
      return true;
    case SectionId::kImport:
      if (m.imports.empty() && !present)
        return false;
      w.ULeb(m.imports.size());
      for (const auto& im : m.imports) {
        w.Name(im.module);
        w.Name(im.name);
        w.U8(static_cast<uint8_t>(im.kind));
        switch (im.kind) {
          case ExternKind::kFunc:
            w.ULeb(im.func_type);
            break;
          case ExternKind::kTable:
            WriteTableType(w, im.table);
            break;
          case ExternKind::kMemory:
            WriteMemoryType(w, im.memory);
            break;
          case ExternKind::kGlobal:
            WriteGlobalType(w, im.global);
            break;
          case ExternKind::kTag:
            w.U8(0);
            w.ULeb(im.tag_type);
            break;
        }
      }
      return true;
    case SectionId::kFunction:
      if (m.functions.empty() && !present)
        return false;
      w.ULeb(m.functions.size());
      for (const auto& f : m.functions)
        w.ULeb(f.type_index);
      return true;
    case SectionId::kTable:
      if (m.tables.empty() && !present)
        return false;
      w.ULeb(m.tables.size());
      for (const auto& t : m.tables)
        WriteTableType(w, t);
      return true;
    case SectionId::kMemory:
      if (m.memories.empty() && !present)
        return false;
      w.ULeb(m.memories.size());
      for (const auto& mem : m.memories)
        WriteMemoryType(w, mem);
      return true;
    case SectionId::kGlobal:
      if (m.globals.empty() && !present)
        return false;
      w.ULeb(m.globals.size());
      for (const auto& g : m.globals) {
        WriteGlobalType(w, g.type);
        w.Raw(g.init.bytes);
      }
      return true;
    case SectionId::kTag:
      if (m.tags.empty() && !present)
        return false;
      w.ULeb(m.tags.size());
      for (uint32_t t : m.tags) {
        w.U8(0);
        w.ULeb(t);
      }
      return true;
    case SectionId::kExport:
      if (m.exports.empty() && !present)
        return false;
      w.ULeb(m.exports.size());
      for (const auto& e : m.exports) {
        w.Name(e.name);
        w.U8(static_cast<uint8_t>(e.kind));
        w.ULeb(e.index);
      }
      return true;
    case SectionId::kStart:
      if (!m.start)
        return false;
      w.ULeb(*m.start);
      return true;
    case SectionId::kElem:
      if (m.elems.empty() && !present)
        return false;
      w.ULeb(m.elems.size());
      for (const auto& s : m.elems)
        WriteElem(w, s);
      return true;
    case SectionId::kDataCount:
      if (!m.data_count)
        return false;
      w.ULeb(*m.data_count);
      return true;
    case SectionId::kCode:
      // The code section goes with the function section (an empty pair survives too).
      if (m.functions.empty() && !present)
        return false;
      w.ULeb(m.functions.size());
      for (const auto& f : m.functions)
        WriteCode(w, f);
      return true;
    case SectionId::kData:
      if (m.datas.empty() && !present)
        return false;
      w.ULeb(m.datas.size());
      for (const auto& d : m.datas)
        WriteData(w, d);
      return true;
    case SectionId::kCustom:
      return false;
  }
  return false;
}

void WriteSection(Writer& out, uint8_t id, const std::vector<uint8_t>& payload) {
  out.U8(id);
  out.ULeb(payload.size());
  out.Raw(payload);
}

void WriteCustom(Writer& out, std::string_view name, const std::vector<uint8_t>& payload) {
  Writer w;
  w.Name(name);
  w.Raw(payload);
  WriteSection(out, 0, w.bytes());
}

void WriteCustomsAfter(Writer& out, const ModuleDesc& m, uint8_t after) {
  for (const auto& c : m.customs) {
    if (c.after == after)
      WriteCustom(out, c.name, c.bytes);
  }
}

void WriteNameMap(Writer& w, const std::map<uint32_t, std::string>& map) {
  w.ULeb(map.size());
  for (const auto& [index, name] : map) {
    w.ULeb(index);
    w.Name(name);
  }
}

}  // namespace

std::vector<uint8_t> EncodeNameSection(const Names& names) {
  Writer w;
  auto subsection = [&](uint8_t id, const Writer& sub) {
    w.U8(id);
    w.ULeb(sub.bytes().size());
    w.Raw(sub.bytes());
  };
  if (names.module) {
    Writer sub;
    sub.Name(*names.module);
    subsection(0, sub);
  }
  if (!names.functions.empty()) {
    Writer sub;
    WriteNameMap(sub, names.functions);
    subsection(1, sub);
  }
  if (!names.locals.empty()) {
    Writer sub;
    sub.ULeb(names.locals.size());
    for (const auto& [func, map] : names.locals) {
      sub.ULeb(func);
      WriteNameMap(sub, map);
    }
    subsection(2, sub);
  }
  return std::move(w.bytes());
}

std::vector<uint8_t> EncodeModule(const ModuleDesc& m) {
  Writer out;
  out.U32Fixed(kWasmMagic);
  out.U32Fixed(kWasmVersion);
  WriteCustomsAfter(out, m, 0);
  for (uint8_t id : kSectionOrder) {
    Writer payload;
    if (WriteSectionPayload(payload, m, id))
      WriteSection(out, id, payload.bytes());
    WriteCustomsAfter(out, m, id);
  }
  bool has_name_section = false;
  for (const auto& c : m.customs) {
    if (c.after > 12 && c.after != static_cast<uint8_t>(SectionId::kTag))
      WriteCustom(out, c.name, c.bytes);
    has_name_section |= c.name == "name";
  }
  const Names& n = m.names;
  if (!has_name_section && (n.module || !n.functions.empty() || !n.locals.empty())) {
    WriteCustom(out, "name", EncodeNameSection(n));
  }
  return std::move(out.bytes());
}

}  // namespace nw
