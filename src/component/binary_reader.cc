// The component binary decoder: one recursive-descent reader over Binary.md's grammar. Reads
// inside a section are bounded by the section's declared size, so a short section reports
// "unexpected end-of-file" where its contents run out, as wasm-tools does.
#include "component/binary_reader.h"

#include <cstdio>
#include <string_view>

#include "base/reader.h"
#include "format/binary_reader.h"
#include "format/decode.h"
#include "format/limits.h"
#include "validate/validate.h"

namespace nw::component {
namespace {

// NW_TRY_ASSIGN for an existing lvalue, scoped so that it may stand between case labels.
#define NW_SET(lhs, expr)                                  \
  do {                                                     \
    auto nw_set_ = (expr);                                 \
    if (!nw_set_) [[unlikely]]                             \
      return std::unexpected(std::move(nw_set_.error()));  \
    lhs = std::move(*nw_set_);                             \
  } while (0)

constexpr std::string_view kEof = "unexpected end-of-file";

[[gnu::cold]] std::unexpected<Error> BadByte(size_t at, uint8_t b, std::string_view what) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", b);
  return MakeError(at, "invalid leading byte (" + std::string(buf) + ") for " + std::string(what));
}

// The core reader and validator say some things in the reference interpreter's words; a
// component reports wasm-tools' words throughout.
Error TranslateCoreError(Error e) {
  if (e.message == "unexpected end" || e.message == "unexpected end of section or function")
    e.message = std::string(kEof);
  else if (e.message == "unexpected content after last section")
    e.message = "section out of order";
  else if (e.message == "unknown binary version")
    e.message = "unknown binary version (expected a version header for a module)";
  return e;
}

class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> bytes) : all_(bytes) {}

  Result<Component> ReadComponent(size_t begin, size_t end, uint32_t depth) {
    if (depth > kMaxNesting) return MakeError(begin, "component nesting too deep");
    Component c;
    c.offset = begin;
    NW_TRY(ReadPreamble(begin, end, /*want_component=*/true));
    size_t pos = begin + 8;
    while (pos < end) {
      NW_SET(pos, ReadSection(c, pos, end, depth));
    }
    return c;
  }

 private:
  // --- primitive reads, all bounded by r_ -----------------------------------------------------
  static Error Fix(Error e) {
    if (e.message == "unexpected end") e.message = std::string(kEof);
    return e;
  }
  Result<uint8_t> U8() {
    auto v = r_.U8();
    if (!v) return std::unexpected(Fix(std::move(v.error())));
    return *v;
  }
  Result<uint32_t> U32() {
    auto v = r_.U32();
    if (!v) return std::unexpected(Fix(std::move(v.error())));
    return *v;
  }
  Result<int64_t> Sleb(unsigned bits) {
    auto v = r_.SLeb(bits);
    if (!v) return std::unexpected(Fix(std::move(v.error())));
    return *v;
  }
  // A vector count: every entry takes at least one byte.
  Result<uint32_t> Count() {
    NW_TRY_ASSIGN(uint32_t n, U32());
    if (n > r_.remaining()) return MakeError(r_.offset() + r_.remaining(), std::string(kEof));
    return n;
  }
  Result<std::string> Name() {
    NW_TRY_ASSIGN(uint32_t n, U32());
    if (n > r_.remaining()) return MakeError(r_.offset() + r_.remaining(), std::string(kEof));
    if (n > kMaxNameLength)
      return MakeError(r_.offset(), "name of " + std::to_string(n) + " bytes is too long");
    size_t at = r_.offset();
    auto bytes = r_.Bytes(n);
    std::string_view s(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    if (size_t bad = FindInvalidUtf8(s); bad != std::string_view::npos)
      return MakeError(at + bad, "malformed UTF-8 encoding");
    return std::string(s);
  }
  Result<bool> Flag() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    if (b > 1) return MakeError(at, "invalid boolean value");
    return b == 1;
  }
  template <class F>
  auto Optional(std::string_view what, F read)
      -> Result<std::optional<typename decltype(read())::value_type>> {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    if (b == 0) return std::nullopt;
    if (b != 1) return BadByte(at, b, what);
    NW_TRY_ASSIGN(auto v, read());
    return v;
  }

  // --- preamble and sections ------------------------------------------------------------------
  Status ReadPreamble(size_t begin, size_t end, bool want_component) {
    static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
    if (end - begin < 4) return MakeError(end, std::string(kEof));
    for (int i = 0; i < 4; ++i)
      if (all_[begin + i] != kMagic[i]) return MakeError(begin, "magic header not detected");
    if (end - begin < 8) return MakeError(end, std::string(kEof));
    uint16_t version = static_cast<uint16_t>(all_[begin + 4] | all_[begin + 5] << 8);
    uint16_t layer = static_cast<uint16_t>(all_[begin + 6] | all_[begin + 7] << 8);
    if (want_component && layer == 0)
      return MakeError(begin + 4, "expected a version header for a component");
    if (!want_component && layer != 0)
      return MakeError(begin + 4, "expected a version header for a module");
    if (want_component && (layer != kComponentLayer || version != kComponentVersion))
      return MakeError(begin + 4, "unknown binary version");
    return Ok();
  }

  // Reads the section at `pos`; returns the offset after it.
  Result<size_t> ReadSection(Component& c, size_t pos, size_t end, uint32_t depth) {
    r_ = Reader(all_.subspan(pos, end - pos), pos);
    size_t section_at = pos;
    NW_TRY_ASSIGN(uint8_t id, U8());
    if (id > static_cast<uint8_t>(SectionKind::kValue))
      return MakeError(section_at, "malformed section id");
    NW_TRY_ASSIGN(uint32_t size, U32());
    size_t start = r_.offset();
    if (size > end - start) return MakeError(end, std::string(kEof));
    size_t section_end = start + size;
    r_ = Reader(all_.subspan(start, size), start);
    Section s{static_cast<SectionKind>(id), 0, 0, section_at};
    NW_TRY(ReadSectionBody(c, s, section_end, depth));
    if (!r_.at_end())
      return MakeError(r_.offset(), "unexpected content in the section (section size mismatch)");
    c.sections.push_back(s);
    return section_end;
  }

  // A vector in the binary: a count, then `read_one()` that many times, appended to `out`.
  template <class T, class F>
  Status AppendVec(std::vector<T>& out, F read_one) {
    NW_TRY_ASSIGN(uint32_t n, Count());
    for (uint32_t i = 0; i < n; ++i) {
      NW_TRY_ASSIGN(T v, read_one());
      out.push_back(std::move(v));
    }
    return Ok();
  }
  // A section that is one vector: also records which entries of `out` it holds.
  template <class T, class F>
  Status ReadVec(std::vector<T>& out, Section& s, F read_one) {
    s.first = static_cast<uint32_t>(out.size());
    NW_TRY(AppendVec(out, read_one));
    s.count = static_cast<uint32_t>(out.size()) - s.first;
    return Ok();
  }

  Status ReadSectionBody(Component& c, Section& s, size_t section_end, uint32_t depth) {
    switch (s.kind) {
      case SectionKind::kCustom: return ReadCustom(c, s, section_end);
      case SectionKind::kCoreModule: {
        size_t begin = r_.offset();
        NW_TRY_ASSIGN(CoreModule m, ReadCoreModule(begin, section_end));
        s.first = static_cast<uint32_t>(c.core_modules.size());
        s.count = 1;
        c.core_modules.push_back(std::move(m));
        r_ = Reader({}, section_end);
        return Ok();
      }
      case SectionKind::kCoreInstance:
        return ReadVec(c.core_instances, s, [&] { return ReadCoreInstance(); });
      case SectionKind::kCoreType:
        return ReadVec(c.core_types, s, [&] { return ReadCoreType(/*in_module_type=*/false, depth); });
      case SectionKind::kComponent: {
        size_t begin = r_.offset();
        NW_TRY_ASSIGN(Component nested, ReadComponent(begin, section_end, depth + 1));
        s.first = static_cast<uint32_t>(c.components.size());
        s.count = 1;
        c.components.push_back(std::move(nested));
        r_ = Reader({}, section_end);
        return Ok();
      }
      case SectionKind::kInstance: return ReadVec(c.instances, s, [&] { return ReadInstance(); });
      case SectionKind::kAlias: return ReadVec(c.aliases, s, [&] { return ReadAlias(); });
      case SectionKind::kType: return ReadVec(c.types, s, [&] { return ReadType(depth); });
      case SectionKind::kCanon: return ReadVec(c.canons, s, [&] { return ReadCanon(); });
      case SectionKind::kStart: {
        NW_TRY_ASSIGN(Start st, ReadStart());
        s.first = static_cast<uint32_t>(c.starts.size());
        s.count = 1;
        c.starts.push_back(std::move(st));
        return Ok();
      }
      case SectionKind::kImport: return ReadVec(c.imports, s, [&] { return ReadImport(); });
      case SectionKind::kExport: return ReadVec(c.exports, s, [&] { return ReadExport(); });
      case SectionKind::kValue: return ReadVec(c.values, s, [&] { return ReadValue(); });
    }
    return Ok();
  }

  Status ReadCustom(Component& c, Section& s, size_t section_end) {
    CustomSection cs;
    cs.offset = s.offset;
    NW_SET(cs.name, Name());
    size_t payload_at = r_.offset();
    auto payload = r_.Bytes(r_.remaining());
    cs.payload.assign(payload->begin(), payload->end());
    if (cs.name == "component-name") {
      // Validity of the name section is not required: a malformed one is ignored.
      Reader saved = r_;
      r_ = Reader(std::span<const uint8_t>(cs.payload), payload_at);
      if (auto names = ReadNames(); names) c.names = std::move(*names);
      r_ = saved;
    }
    s.first = static_cast<uint32_t>(c.customs.size());
    s.count = 1;
    c.customs.push_back(std::move(cs));
    return Ok();
  }

  Result<ComponentNames> ReadNames() {
    ComponentNames names;
    int last_id = -1;
    while (!r_.at_end()) {
      NW_TRY_ASSIGN(uint8_t id, U8());
      NW_TRY_ASSIGN(uint32_t size, U32());
      if (size > r_.remaining()) return MakeError(r_.offset(), std::string(kEof));
      if (id <= last_id && id == 0) return MakeError(r_.offset(), "out-of-order name subsection");
      last_id = id;
      size_t end = r_.offset() + size;
      if (id == 0) {
        NW_SET(names.component, Name());
      } else if (id == 1) {
        NameMap map;
        NW_SET(map.sort, ReadSort());
        NW_TRY(AppendVec(map.names, [&]() -> Result<std::pair<uint32_t, std::string>> {
          NW_TRY_ASSIGN(uint32_t idx, U32());
          NW_TRY_ASSIGN(std::string name, Name());
          return std::pair{idx, std::move(name)};
        }));
        names.sorts.push_back(std::move(map));
      } else {
        NW_TRY(r_.Bytes(size));
      }
      if (r_.offset() != end) return MakeError(r_.offset(), "name subsection size mismatch");
    }
    return names;
  }

  Result<CoreModule> ReadCoreModule(size_t begin, size_t end) {
    NW_TRY(ReadPreamble(begin, end, /*want_component=*/false));
    CoreModule m;
    m.offset = begin;
    m.size = end - begin;
    auto bytes = all_.subspan(begin, end - begin);
    auto shift = [begin](Error e) {
      if (e.offset != kNoOffset) e.offset += begin;
      return TranslateCoreError(std::move(e));
    };
    // Core modules of components are Wasm 3.0 ones (wasm-tools' default features).
    auto desc = DecodeModule(bytes, Features::All());
    if (!desc) return std::unexpected(shift(std::move(desc.error())));
    if (Status st = ValidateModule(*desc); !st) return std::unexpected(shift(std::move(st.error())));
    m.module = std::move(*desc);
    return m;
  }

  // --- sorts ----------------------------------------------------------------------------------
  Result<Sort> CoreSortFromByte(size_t at, uint8_t b) {
    switch (b) {
      case 0x00: return Sort::kCoreFunc;
      case 0x01: return Sort::kCoreTable;
      case 0x02: return Sort::kCoreMemory;
      case 0x03: return Sort::kCoreGlobal;
      case 0x04: return Sort::kCoreTag;
      case 0x10: return Sort::kCoreType;
      case 0x11: return Sort::kCoreModule;
      case 0x12: return Sort::kCoreInstance;
    }
    return BadByte(at, b, "core sort");
  }
  Result<Sort> SortFromBytes(size_t at, uint8_t b0, size_t at1, uint8_t b1) {
    switch (b0) {
      case 0x00: return CoreSortFromByte(at1, b1);
      case 0x01: return Sort::kFunc;
      case 0x02: return Sort::kValue;
      case 0x03: return Sort::kType;
      case 0x04: return Sort::kComponent;
      case 0x05: return Sort::kInstance;
    }
    return BadByte(at, b0, "component external kind");
  }
  Result<Sort> ReadSort() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b0, U8());
    uint8_t b1 = 0;
    size_t at1 = r_.offset();
    if (b0 == 0x00) {
      NW_SET(b1, U8());
    }
    return SortFromBytes(at, b0, at1, b1);
  }
  Result<SortIdx> ReadSortIdx() {
    NW_TRY_ASSIGN(Sort s, ReadSort());
    NW_TRY_ASSIGN(uint32_t i, U32());
    return SortIdx{s, i};
  }
  Result<SortIdx> ReadCoreSortIdx() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    NW_TRY_ASSIGN(Sort s, CoreSortFromByte(at, b));
    NW_TRY_ASSIGN(uint32_t i, U32());
    return SortIdx{s, i};
  }

  // --- instances ------------------------------------------------------------------------------
  Result<CoreInstance> ReadCoreInstance() {
    CoreInstance ci;
    ci.offset = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    if (b == 0x00) {
      ci.kind = CoreInstance::Kind::kInstantiate;
      NW_SET(ci.module, U32());
      NW_TRY(AppendVec(ci.args, [&]() -> Result<CoreInstantiateArg> {
        CoreInstantiateArg a;
        NW_SET(a.name, Name());
        size_t at = r_.offset();
        NW_TRY_ASSIGN(uint8_t kind, U8());
        if (kind != 0x12) return BadByte(at, kind, "instantiation arg kind");
        NW_SET(a.instance, U32());
        return a;
      }));
    } else if (b == 0x01) {
      ci.kind = CoreInstance::Kind::kExports;
      NW_TRY(AppendVec(ci.exports, [&]() -> Result<CoreInlineExport> {
        CoreInlineExport e;
        NW_SET(e.name, Name());
        NW_SET(e.item, ReadCoreSortIdx());
        return e;
      }));
    } else {
      return BadByte(ci.offset, b, "core instance");
    }
    return ci;
  }

  Result<Instance> ReadInstance() {
    Instance in;
    in.offset = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    if (b == 0x00) {
      in.kind = Instance::Kind::kInstantiate;
      NW_SET(in.component, U32());
      NW_TRY(AppendVec(in.args, [&]() -> Result<InstantiateArg> {
        InstantiateArg a;
        NW_SET(a.name, Name());
        NW_SET(a.item, ReadSortIdx());
        return a;
      }));
    } else if (b == 0x01) {
      in.kind = Instance::Kind::kExports;
      NW_TRY(AppendVec(in.exports, [&]() -> Result<InlineExport> {
        InlineExport e;
        NW_SET(e.name, ReadExternName());
        NW_SET(e.item, ReadSortIdx());
        return e;
      }));
    } else {
      return BadByte(in.offset, b, "instance");
    }
    return in;
  }

  // --- aliases --------------------------------------------------------------------------------
  Result<Alias> ReadAlias() {
    Alias a;
    a.offset = r_.offset();
    // The sort is read raw first: an outer alias reports any sort outside `outeraliassort` as
    // one error, whether or not it is a sort at all.
    size_t at0 = r_.offset();
    NW_TRY_ASSIGN(uint8_t b0, U8());
    uint8_t b1 = 0;
    size_t at1 = r_.offset();
    if (b0 == 0x00) {
      NW_SET(b1, U8());
    }
    size_t target_at = r_.offset();
    NW_TRY_ASSIGN(uint8_t target, U8());
    switch (target) {
      case 0x00:
      case 0x01:
        a.target = target == 0 ? Alias::Target::kExport : Alias::Target::kCoreExport;
        NW_SET(a.sort, SortFromBytes(at0, b0, at1, b1));
        NW_SET(a.instance, U32());
        NW_SET(a.name, Name());
        return a;
      case 0x02: {
        bool ok = (b0 == 0x00 && (b1 == 0x10 || b1 == 0x11)) || b0 == 0x03 || b0 == 0x04;
        if (!ok) {
          return b0 == 0x00 ? BadByte(at1, b1, "component outer alias kind")
                            : BadByte(at0, b0, "component outer alias kind");
        }
        a.target = Alias::Target::kOuter;
        NW_SET(a.sort, SortFromBytes(at0, b0, at1, b1));
        NW_SET(a.count, U32());
        NW_SET(a.index, U32());
        return a;
      }
    }
    return BadByte(target_at, target, "alias");
  }

  // --- core types -----------------------------------------------------------------------------
  Result<nw::ValType> CoreValType() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    switch (b) {
      case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x7b: case 0x70: case 0x6f:
        return static_cast<nw::ValType>(b);
    }
    return BadByte(at, b, "value type");
  }
  Result<FuncType> CoreFuncTypeBody() {
    FuncType ft;
    NW_TRY(AppendVec(ft.params, [&] { return CoreValType(); }));
    NW_TRY(AppendVec(ft.results, [&] { return CoreValType(); }));
    return ft;
  }
  // `shared`: where a memory type's shared flag (bit 1, threads proposal) goes; null for a
  // table, whose limits flags are 0 or 1.
  Result<Limits> CoreLimits(bool* shared = nullptr) {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t flags, U8());
    if (flags > (shared ? 3 : 1)) return BadByte(at, flags, "limits");
    Limits l;
    NW_SET(l.min, U32());
    if (flags & 1) {
      NW_SET(l.max, U32());
    }
    if (shared) *shared = (flags & 2) != 0;  // without a max: invalid, said by the validator
    return l;
  }
  Result<CoreExternType> CoreExtern() {
    CoreExternType t;
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t kind, U8());
    switch (kind) {
      case 0x00:
        t.kind = ExternKind::kFunc;
        NW_SET(t.type_index, U32());
        return t;
      case 0x01: {
        t.kind = ExternKind::kTable;
        size_t rat = r_.offset();
        NW_TRY_ASSIGN(nw::ValType elem, CoreValType());
        if (elem != nw::ValType::kFuncRef && elem != nw::ValType::kExternRef)
          return BadByte(rat, static_cast<uint8_t>(elem), "reference type");
        t.table.elem = elem;
        NW_SET(t.table.limits, CoreLimits());
        return t;
      }
      case 0x02:
        t.kind = ExternKind::kMemory;
        NW_SET(t.memory.limits, CoreLimits(&t.memory.shared));
        return t;
      case 0x03: {
        t.kind = ExternKind::kGlobal;
        NW_SET(t.global.type, CoreValType());
        NW_SET(t.global.mut, Flag());
        return t;
      }
      case 0x04: {
        t.is_tag = true;
        size_t zat = r_.offset();
        NW_TRY_ASSIGN(uint8_t z, U8());
        if (z != 0) return BadByte(zat, z, "tag attribute");
        NW_SET(t.type_index, U32());
        return t;
      }
    }
    return BadByte(at, kind, "external kind");
  }

  Result<CoreTypeDef> ReadCoreType(bool in_module_type, uint32_t depth) {
    CoreTypeDef t;
    t.offset = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    switch (b) {
      case 0x60: {
        NW_SET(t.func, CoreFuncTypeBody());
        return t;
      }
      case 0x00:
      case 0x4f: {
        // 0x00 0x50: a non-final `sub` (prefixed here because 0x50 is a module type); 0x4f: final.
        if (b == 0x00) {
          size_t at = r_.offset();
          NW_TRY_ASSIGN(uint8_t p, U8());
          if (p != 0x50) return BadByte(at, p, "core type");
          t.final = false;
        }
        t.sub = true;
        NW_TRY(AppendVec(t.supertypes, [&] { return U32(); }));
        size_t at = r_.offset();
        NW_TRY_ASSIGN(uint8_t c, U8());
        if (c != 0x60)
          return MakeError(at, "core struct and array types (WebAssembly 3.0) are not supported");
        NW_SET(t.func, CoreFuncTypeBody());
        return t;
      }
      case 0x50: {
        if (in_module_type) return BadByte(t.offset, b, "non-module core type");
        if (depth > kMaxNesting) return MakeError(t.offset, "type nesting too deep");
        t.kind = CoreTypeDef::Kind::kModule;
        NW_TRY(AppendVec(t.decls, [&] { return ReadModuleDecl(depth + 1); }));
        return t;
      }
      case 0x4e:
      case 0x5f:
      case 0x5e:
        return MakeError(t.offset, "core rec groups, struct and array types (WebAssembly 3.0) "
                                   "are not supported");
    }
    return BadByte(t.offset, b, "core type");
  }

  Result<CoreModuleDecl> ReadModuleDecl(uint32_t depth) {
    CoreModuleDecl d;
    d.offset = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    switch (b) {
      case 0x00:
        d.kind = CoreModuleDecl::Kind::kImport;
        NW_SET(d.module, Name());
        NW_SET(d.name, Name());
        NW_SET(d.type, CoreExtern());
        return d;
      case 0x01: {
        d.kind = CoreModuleDecl::Kind::kType;
        NW_TRY_ASSIGN(CoreTypeDef t, ReadCoreType(/*in_module_type=*/true, depth));
        d.def.push_back(std::move(t));
        return d;
      }
      case 0x02: {
        d.kind = CoreModuleDecl::Kind::kAlias;
        size_t at = r_.offset();
        NW_TRY_ASSIGN(uint8_t sort, U8());
        if (sort != 0x10) return BadByte(at, sort, "outer alias kind");
        at = r_.offset();
        NW_TRY_ASSIGN(uint8_t target, U8());
        if (target != 0x01) return BadByte(at, target, "outer alias target");
        NW_SET(d.outer_count, U32());
        NW_SET(d.outer_index, U32());
        return d;
      }
      case 0x03:
        d.kind = CoreModuleDecl::Kind::kExport;
        NW_SET(d.name, Name());
        NW_SET(d.type, CoreExtern());
        return d;
    }
    return BadByte(d.offset, b, "type definition");
  }

  // --- component types ------------------------------------------------------------------------
  Result<ValType> ReadValType() {
    size_t at = r_.offset();
    if (r_.at_end()) return MakeError(at, std::string(kEof));
    uint8_t b = *r_.pos();
    if (IsPrimType(b)) {
      (void)r_.U8();
      return ValType{false, static_cast<PrimType>(b), 0};
    }
    NW_TRY_ASSIGN(int64_t v, Sleb(33));
    if (v < 0) return BadByte(at, b, "value type");
    return ValType{true, PrimType::kBool, static_cast<uint32_t>(v)};
  }
  Result<std::optional<ValType>> OptValType(std::string_view what) {
    return Optional(what, [&] { return ReadValType(); });
  }
  Result<std::vector<std::string>> Labels() {
    std::vector<std::string> out;
    NW_TRY(AppendVec(out, [&] { return Name(); }));
    return out;
  }
  Result<std::vector<LabeledType>> LabeledTypes() {
    std::vector<LabeledType> out;
    NW_TRY(AppendVec(out, [&]() -> Result<LabeledType> {
      LabeledType lt;
      NW_SET(lt.label, Name());
      NW_SET(lt.type, ReadValType());
      return lt;
    }));
    return out;
  }

  Result<DefValType> ReadDefValType(uint8_t b) {
    DefValType t;
    if (IsPrimType(b)) {
      t.kind = DefValKind::kPrim;
      t.prim = static_cast<PrimType>(b);
      return t;
    }
    switch (b) {
      case 0x72:
        t.kind = DefValKind::kRecord;
        NW_SET(t.fields, LabeledTypes());
        return t;
      case 0x71: {
        t.kind = DefValKind::kVariant;
        NW_TRY(AppendVec(t.fields, [&]() -> Result<LabeledType> {
          LabeledType c;
          NW_SET(c.label, Name());
          NW_SET(c.type, OptValType("variant case type"));
          size_t at = r_.offset();
          NW_TRY_ASSIGN(uint8_t z, U8());
          if (z != 0) return BadByte(at, z, "zero byte required");
          return c;
        }));
        return t;
      }
      case 0x70:
        t.kind = DefValKind::kList;
        NW_SET(t.a, ReadValType());
        return t;
      case 0x67:
        t.kind = DefValKind::kFixedList;
        NW_SET(t.a, ReadValType());
        NW_SET(t.length, U32());
        return t;
      case 0x6f: {
        t.kind = DefValKind::kTuple;
        NW_TRY(AppendVec(t.types, [&] { return ReadValType(); }));
        return t;
      }
      case 0x6e:
        t.kind = DefValKind::kFlags;
        NW_SET(t.labels, Labels());
        return t;
      case 0x6d:
        t.kind = DefValKind::kEnum;
        NW_SET(t.labels, Labels());
        return t;
      case 0x6b:
        t.kind = DefValKind::kOption;
        NW_SET(t.a, ReadValType());
        return t;
      case 0x6a:
        t.kind = DefValKind::kResult;
        NW_SET(t.a, OptValType("result ok type"));
        NW_SET(t.b, OptValType("result error type"));
        return t;
      case 0x69:
      case 0x68:
        t.kind = b == 0x69 ? DefValKind::kOwn : DefValKind::kBorrow;
        NW_SET(t.index, U32());
        return t;
      case 0x66:
      case 0x65:
        t.kind = b == 0x66 ? DefValKind::kStream : DefValKind::kFuture;
        NW_SET(t.a, OptValType(b == 0x66 ? "stream type" : "future type"));
        return t;
      case 0x63:
        t.kind = DefValKind::kMap;
        NW_SET(t.a, ReadValType());
        NW_SET(t.b, ReadValType());
        return t;
    }
    return BadByte(r_.offset() - 1, b, "component defined type");
  }

  Result<FuncTypeC> ReadFuncType(bool async) {
    FuncTypeC f;
    f.async = async;
    NW_SET(f.params, LabeledTypes());
    NW_SET(f.result, ReadResultList());
    return f;
  }
  Result<std::optional<ValType>> ReadResultList() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    if (b == 0x00) {
      NW_TRY_ASSIGN(ValType v, ReadValType());
      return std::optional<ValType>(v);
    }
    if (b != 0x01) return BadByte(at, b, "component function results");
    at = r_.offset();
    NW_TRY_ASSIGN(uint8_t z, U8());
    if (z != 0x00) return BadByte(at, z, "number of results");
    return std::optional<ValType>();
  }

  Result<TypeDef> ReadType(uint32_t depth) {
    TypeDef t;
    t.offset = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    switch (b) {
      case 0x40:
      case 0x43:
        t.kind = TypeDef::Kind::kFunc;
        NW_SET(t.func, ReadFuncType(b == 0x43));
        return t;
      case 0x41:
      case 0x42: {
        if (depth > kMaxNesting) return MakeError(t.offset, "type nesting too deep");
        t.kind = b == 0x41 ? TypeDef::Kind::kComponent : TypeDef::Kind::kInstance;
        NW_TRY(AppendVec(t.decls, [&] { return ReadDecl(b == 0x41, depth + 1); }));
        return t;
      }
      case 0x3f: {
        t.kind = TypeDef::Kind::kResource;
        NW_SET(t.resource.rep, CoreValType());
        NW_SET(t.resource.dtor, Optional("resource destructor", [&] { return U32(); }));
        return t;
      }
    }
    t.kind = TypeDef::Kind::kDefVal;
    NW_SET(t.val, ReadDefValType(b));
    return t;
  }

  Result<Decl> ReadDecl(bool component, uint32_t depth) {
    Decl d;
    d.offset = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    switch (b) {
      case 0x00: {
        d.kind = Decl::Kind::kCoreType;
        NW_TRY_ASSIGN(CoreTypeDef t, ReadCoreType(/*in_module_type=*/false, depth));
        d.core_type.push_back(std::move(t));
        return d;
      }
      case 0x01: {
        d.kind = Decl::Kind::kType;
        NW_TRY_ASSIGN(TypeDef t, ReadType(depth));
        d.type.push_back(std::move(t));
        return d;
      }
      case 0x02:
        d.kind = Decl::Kind::kAlias;
        NW_SET(d.alias, ReadAlias());
        return d;
      case 0x03:
        if (!component) break;
        [[fallthrough]];
      case 0x04:
        d.kind = b == 0x03 ? Decl::Kind::kImport : Decl::Kind::kExport;
        NW_SET(d.name, ReadExternName());
        NW_SET(d.extern_type, ReadExternType());
        return d;
    }
    return BadByte(d.offset, b, "component or instance type declaration");
  }

  // --- imports and exports --------------------------------------------------------------------
  Result<ExternName> ReadExternName() {
    ExternName n;
    n.offset = r_.offset();
    NW_SET(n.prefix, U8());
    if (n.prefix > 0x02) return BadByte(n.offset, n.prefix, "component name");
    NW_SET(n.name, Name());
    if (n.prefix == 0x02) {
      NW_TRY_ASSIGN(uint32_t count, Count());
      for (uint32_t i = 0; i < count; ++i) {
        size_t at = r_.offset();
        NW_TRY_ASSIGN(uint8_t k, U8());
        if (k > 0x02) return BadByte(at, k, "name option");
        NameAttribute a{static_cast<NameAttribute::Kind>(k), {}};
        NW_SET(a.value, Name());
        for (const NameAttribute& prev : n.attributes) {
          if (prev.kind == a.kind) {
            static constexpr const char* kNames[] = {"implements", "versionsuffix",
                                                     "external-id"};
            return MakeError(at, "duplicate '" + std::string(kNames[k]) + "' option in name");
          }
        }
        n.attributes.push_back(std::move(a));
      }
    }
    return n;
  }

  Result<ExternTypeC> ReadExternType() {
    ExternTypeC t;
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    switch (b) {
      case 0x00: {
        size_t at1 = r_.offset();
        NW_TRY_ASSIGN(uint8_t b1, U8());
        if (b1 != 0x11) return BadByte(at1, b1, "component external kind");
        t.kind = ExternKindC::kModule;
        NW_SET(t.index, U32());
        return t;
      }
      case 0x01: t.kind = ExternKindC::kFunc; break;
      case 0x04: t.kind = ExternKindC::kComponent; break;
      case 0x05: t.kind = ExternKindC::kInstance; break;
      case 0x02: {
        t.kind = ExternKindC::kValue;
        size_t bat = r_.offset();
        NW_TRY_ASSIGN(uint8_t bound, U8());
        if (bound == 0x00) {
          NW_SET(t.index, U32());
        } else if (bound == 0x01) {
          t.bound_eq = false;
          NW_SET(t.value_type, ReadValType());
        } else {
          return BadByte(bat, bound, "value bound");
        }
        return t;
      }
      case 0x03: {
        t.kind = ExternKindC::kType;
        size_t bat = r_.offset();
        NW_TRY_ASSIGN(uint8_t bound, U8());
        if (bound == 0x00) {
          NW_SET(t.index, U32());
        } else if (bound == 0x01) {
          t.bound_eq = false;
        } else {
          return BadByte(bat, bound, "type bound");
        }
        return t;
      }
      default: return BadByte(at, b, "component external kind");
    }
    NW_SET(t.index, U32());
    return t;
  }

  Result<Import> ReadImport() {
    Import im;
    im.offset = r_.offset();
    NW_SET(im.name, ReadExternName());
    NW_SET(im.type, ReadExternType());
    return im;
  }

  Result<Export> ReadExport() {
    Export ex;
    ex.offset = r_.offset();
    NW_SET(ex.name, ReadExternName());
    NW_SET(ex.item, ReadSortIdx());
    NW_SET(ex.type,
                  Optional("optional component export type", [&] { return ReadExternType(); }));
    return ex;
  }

  // --- canon, start, values -------------------------------------------------------------------
  Result<std::vector<CanonOpt>> ReadOpts() {
    std::vector<CanonOpt> opts;
    NW_TRY(AppendVec(opts, [&]() -> Result<CanonOpt> {
      CanonOpt o;
      o.offset = r_.offset();
      NW_TRY_ASSIGN(uint8_t b, U8());
      if (b > 0x07) return BadByte(o.offset, b, "canonical option");
      o.kind = static_cast<CanonOpt::Kind>(b);
      if (b == 0x03 || b == 0x04 || b == 0x05 || b == 0x07) {
        NW_SET(o.index, U32());
      }
      return o;
    }));
    return opts;
  }

  Result<Canon> ReadCanon() {
    Canon c;
    c.offset = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, U8());
    c.kind = static_cast<CanonKind>(b);
    switch (b) {
      case 0x00:
      case 0x01: {
        size_t at = r_.offset();
        NW_TRY_ASSIGN(uint8_t z, U8());
        if (z != 0x00)
          return BadByte(at, z, b == 0 ? "canonical function lift" : "canonical function lower");
        NW_SET(c.func, U32());
        NW_SET(c.opts, ReadOpts());
        if (b == 0x00) {
          NW_SET(c.type, U32());
        }
        return c;
      }
      case 0x02: case 0x03: case 0x04:
      case 0x0e: case 0x13: case 0x14: case 0x15: case 0x1a: case 0x1b:
        NW_SET(c.type, U32());
        return c;
      case 0x05: case 0x0d: case 0x1e: case 0x1f: case 0x22: case 0x23: case 0x24: case 0x25:
      case 0x26: case 0x28:
        return c;
      case 0x09:
        NW_SET(c.result, ReadResultList());
        NW_SET(c.opts, ReadOpts());
        return c;
      case 0x0a:
      case 0x0b:
        NW_SET(c.core_type, CoreValType());
        NW_SET(c.index, U32());
        return c;
      case 0x06: case 0x0c: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d:
      case 0x42:
        NW_SET(c.flag, Flag());
        return c;
      case 0x0f: case 0x10: case 0x16: case 0x17:
        NW_SET(c.type, U32());
        NW_SET(c.opts, ReadOpts());
        return c;
      case 0x11: case 0x12: case 0x18: case 0x19:
        NW_SET(c.type, U32());
        NW_SET(c.flag, Flag());
        return c;
      case 0x1c:
      case 0x1d:
        NW_SET(c.opts, ReadOpts());
        return c;
      case 0x20:
      case 0x21:
        NW_SET(c.flag, Flag());
        NW_SET(c.index, U32());
        return c;
      case 0x27:
        NW_SET(c.type, U32());
        NW_SET(c.index, U32());
        return c;
      case 0x40:
        NW_SET(c.flag, Flag());
        NW_SET(c.type, U32());
        return c;
      case 0x41:
        NW_SET(c.flag, Flag());
        NW_SET(c.type, U32());
        NW_SET(c.index, U32());
        return c;
    }
    return BadByte(c.offset, b, "canonical function");
  }

  Result<Start> ReadStart() {
    Start s;
    s.offset = r_.offset();
    NW_SET(s.func, U32());
    NW_TRY(AppendVec(s.args, [&] { return U32(); }));
    NW_SET(s.results, U32());
    return s;
  }

  Result<Value> ReadValue() {
    Value v;
    v.offset = r_.offset();
    NW_SET(v.type, ReadValType());
    NW_TRY_ASSIGN(uint32_t len, U32());
    if (len > r_.remaining()) return MakeError(r_.offset() + r_.remaining(), std::string(kEof));
    auto bytes = r_.Bytes(len);
    v.bytes.assign(bytes->begin(), bytes->end());
    return v;
  }

  std::span<const uint8_t> all_;
  Reader r_;
};

}  // namespace

bool IsPrimType(uint8_t b) { return (b >= 0x73 && b <= 0x7f) || b == 0x64; }

bool IsComponentBinary(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && bytes[0] == 0x00 && bytes[1] == 0x61 && bytes[2] == 0x73 &&
         bytes[3] == 0x6d && (bytes[6] != 0 || bytes[7] != 0);
}

Result<Component> DecodeComponent(std::span<const uint8_t> bytes) {
  Decoder d(bytes);
  return d.ReadComponent(0, bytes.size(), 0);
}

}  // namespace nw::component
