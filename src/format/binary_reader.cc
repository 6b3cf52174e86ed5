// The streaming binary reader (see binary_reader.h for what it checks and what it leaves to
// the validator). One pass over the input, no backtracking; every vector count and length is
// checked against the bytes that remain before anything is reserved from it.
#include "format/binary_reader.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "base/reader.h"
#include "format/instr_reader.h"
#include "format/opcode.h"

namespace nw {
namespace {

constexpr std::string_view kUnexpectedEnd = "unexpected end";
constexpr std::string_view kUnexpectedEndOfSection = "unexpected end of section or function";
// Reservations from counts are capped: a count is only known to fit the input's bytes, and an
// entry in memory is larger than its smallest encoding.
constexpr uint32_t kMaxReserve = 4096;

// Position of each non-custom section in the required order (data count sits between
// element and code); 0 for custom.
constexpr uint8_t SectionRank(uint8_t id) {
  switch (static_cast<SectionId>(id)) {
    case SectionId::kCustom: return 0;
    case SectionId::kType: return 1;
    case SectionId::kImport: return 2;
    case SectionId::kFunction: return 3;
    case SectionId::kTable: return 4;
    case SectionId::kMemory: return 5;
    case SectionId::kTag: return 6;
    case SectionId::kGlobal: return 7;
    case SectionId::kExport: return 8;
    case SectionId::kStart: return 9;
    case SectionId::kElem: return 10;
    case SectionId::kDataCount: return 11;
    case SectionId::kCode: return 12;
    case SectionId::kData: return 13;
  }
  return 0;
}

// The declared-count limit of each vector section (format/limits.h); 0 = not a vector.
constexpr uint32_t SectionCountLimit(SectionId id) {
  switch (id) {
    case SectionId::kType:
      return kMaxTypes;
    case SectionId::kImport:
      return kMaxImports;
    case SectionId::kFunction:
    case SectionId::kCode:
      return kMaxFunctions;
    case SectionId::kTable:
      return kMaxTables;
    case SectionId::kMemory:
      return kMaxMemories;
    case SectionId::kGlobal:
      return kMaxGlobals;
    case SectionId::kTag:
      return kMaxTags;
    case SectionId::kExport:
      return kMaxExports;
    case SectionId::kElem:
      return kMaxElemSegments;
    case SectionId::kData:
      return kMaxDataSegments;
    default:
      return 0;
  }
}

constexpr std::string_view SectionCountNoun(SectionId id) {
  switch (id) {
    case SectionId::kType:
      return "types";
    case SectionId::kImport:
      return "imports";
    case SectionId::kFunction:
    case SectionId::kCode:
      return "functions";
    case SectionId::kTable:
      return "tables";
    case SectionId::kMemory:
      return "memories";
    case SectionId::kGlobal:
      return "globals";
    case SectionId::kTag:
      return "tags";
    case SectionId::kExport:
      return "exports";
    case SectionId::kElem:
      return "element segments";
    case SectionId::kData:
      return "data segments";
    default:
      return "entries";
  }
}

[[gnu::cold]] std::unexpected<Error> LimitError(size_t at, std::string_view what, uint64_t n,
                                                uint64_t limit) {
  return MakeError(at, std::string(what) + " (" + std::to_string(n) +
                           ") exceed the implementation limit of " + std::to_string(limit));
}

// Reading helpers shared by the module reader and the name-section reader: lengths are checked
// against the end of the cursor's bytes.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> bytes, size_t base)
      : r_(bytes, base), end_(base + bytes.size()) {}

  Reader& r() { return r_; }
  size_t offset() const { return r_.offset(); }
  bool at_end() const { return r_.at_end(); }

  // A vector count or byte length: it can never exceed the bytes left from where the LEB
  // starts (the reference interpreter's rule, which fixes which error wins).
  Result<uint32_t> Len32() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint32_t n, r_.U32());
    if (n > end_ - at)
      return MakeError(at, "length out of bounds");
    return n;
  }

  Result<std::string> Name() {
    size_t len_at = r_.offset();
    NW_TRY_ASSIGN(uint32_t n, Len32());
    if (n > kMaxNameLength) return LimitError(len_at, "name bytes", n, kMaxNameLength);
    size_t at = r_.offset();
    NW_TRY_ASSIGN(auto bytes, r_.Bytes(n));
    std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (size_t bad = FindInvalidUtf8(s); bad != std::string_view::npos) {
      return MakeError(at + bad, "malformed UTF-8 encoding");
    }
    return std::string(s);
  }

 private:
  Reader r_;
  size_t end_;
};

class ModuleReader {
 public:
  ModuleReader(std::span<const uint8_t> bytes, BinaryDelegate& d, Features features)
      : bytes_(bytes), c_(bytes, 0), r_(c_.r()), d_(d), features_(features) {}

  Status Read() {
    if (bytes_.size() > kMaxModuleSize)
      return LimitError(0, "module bytes", bytes_.size(), kMaxModuleSize);
    NW_TRY(ReadHeader());
    while (!r_.at_end())
      NW_TRY(ReadSection());
    return CheckConsistency();
  }

 private:
  Status ReadHeader() {
    if (bytes_.size() < 4)
      return MakeError(bytes_.size(), std::string(kUnexpectedEnd));
    NW_TRY_ASSIGN(uint32_t magic, r_.U32Fixed());
    if (magic != kWasmMagic)
      return MakeError(0, "magic header not detected");
    if (bytes_.size() < 8)
      return MakeError(bytes_.size(), std::string(kUnexpectedEnd));
    NW_TRY_ASSIGN(uint32_t version, r_.U32Fixed());
    if (version != kWasmVersion)
      return MakeError(4, "unknown binary version");
    return Ok();
  }

  Status ReadSection() {
    size_t section_offset = r_.offset();
    NW_TRY_ASSIGN(uint8_t id, r_.U8());
    if (id > kMaxSectionId ||
        (id == static_cast<uint8_t>(SectionId::kTag) && !features_.exceptions))
      return MakeError(section_offset, "malformed section id");
    if (id != 0) {
      if (SectionRank(id) <= last_rank_) {
        return MakeError(section_offset, "unexpected content after last section");
      }
      last_rank_ = SectionRank(id);
    }
    NW_TRY_ASSIGN(uint32_t size, c_.Len32());
    size_t start = r_.offset();
    size_t end = start + size;
    auto sid = static_cast<SectionId>(id);
    NW_TRY(d_.OnSectionStart(sid, section_offset, size));
    if (Status st = ReadSectionBody(sid, end); !st) {
      Error e = std::move(st.error());
      // Inside a section, running out of input means the section (or a body) was cut short.
      if (e.message == kUnexpectedEnd)
        e.message = kUnexpectedEndOfSection;
      return std::unexpected(std::move(e));
    }
    if (r_.offset() != end)
      return MakeError(r_.offset(), "section size mismatch");
    NW_TRY(d_.OnSectionEnd(sid));
    if (id != 0)
      last_id_ = id;
    return Ok();
  }

  Status ReadSectionBody(SectionId id, size_t end) {
    switch (id) {
      case SectionId::kCustom:
        return ReadCustom(end);
      case SectionId::kType:
        return ReadVec(id, &ModuleReader::ReadType);
      case SectionId::kImport:
        return ReadVec(id, &ModuleReader::ReadImport);
      case SectionId::kFunction:
        return ReadVec(id, &ModuleReader::ReadFunction);
      case SectionId::kTable:
        return ReadVec(id, &ModuleReader::ReadTable);
      case SectionId::kMemory:
        return ReadVec(id, &ModuleReader::ReadMemory);
      case SectionId::kGlobal:
        return ReadVec(id, &ModuleReader::ReadGlobal);
      case SectionId::kTag:
        return ReadVec(id, &ModuleReader::ReadTag);
      case SectionId::kExport:
        return ReadVec(id, &ModuleReader::ReadExport);
      case SectionId::kStart: {
        size_t at = r_.offset();
        NW_TRY_ASSIGN(uint32_t func, r_.U32());
        return d_.OnStart(func, at);
      }
      case SectionId::kElem:
        return ReadVec(id, &ModuleReader::ReadElem);
      case SectionId::kDataCount: {
        size_t at = r_.offset();
        NW_TRY_ASSIGN(uint32_t n, r_.U32());
        data_count_ = n;
        return d_.OnDataCount(n, at);
      }
      case SectionId::kCode:
        return ReadVec(id, &ModuleReader::ReadCode);
      case SectionId::kData:
        return ReadVec(id, &ModuleReader::ReadData);
    }
    return Ok();
  }

  using EntryFn = Status (ModuleReader::*)(uint32_t index);
  Status ReadVec(SectionId id, EntryFn fn) {
    size_t count_offset = r_.offset();
    NW_TRY_ASSIGN(uint32_t n, c_.Len32());
    if (uint32_t limit = SectionCountLimit(id); n > limit)
      return LimitError(count_offset, SectionCountNoun(id), n, limit);
    counts_[static_cast<uint8_t>(id)] = n;
    count_offsets_[static_cast<uint8_t>(id)] = count_offset;
    NW_TRY(d_.OnCount(id, n));
    for (uint32_t i = 0; i < n; ++i)
      NW_TRY((this->*fn)(i));
    return Ok();
  }

  // --- types ---------------------------------------------------------------------------------

  // A type byte is formally a 7-bit signed LEB: a set continuation bit makes it too long.
  Result<uint8_t> TypeByte() {
    NW_TRY_ASSIGN(int64_t v, r_.SLeb(7));
    return static_cast<uint8_t>(v & 0x7f);
  }

  Result<ValType> ReadValType() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, TypeByte());
    if (!IsValTypeByte(b, features_))
      return MakeError(at, "malformed value type");
    return static_cast<ValType>(b);
  }

  Result<ValType> ReadRefType() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t b, TypeByte());
    if (b != static_cast<uint8_t>(ValType::kFuncRef) &&
        b != static_cast<uint8_t>(ValType::kExternRef) &&
        !(b == static_cast<uint8_t>(ValType::kExnRef) && features_.exceptions)) {
      return MakeError(at, "malformed reference type");
    }
    return static_cast<ValType>(b);
  }

  // `shared`: where a memory type's shared flag goes; null for a table's limits.
  Result<Limits> ReadLimits(bool* shared = nullptr) {
    // The flags field is a 1-bit LEB in 2.0: 2 is "integer too large", 0x81 0x00 "too long".
    // Shared memories widen a memory's flags to 2 bits (bit 1: shared), read the same way, so
    // 4 is "integer too large"; a table's flags stay 1 bit.
    const bool widen = shared && features_.shared_memory;
    NW_TRY_ASSIGN(uint64_t flags, r_.ULeb(widen ? 2 : 1));
    Limits l;
    NW_TRY_ASSIGN(l.min, r_.U32());
    if (flags & 1) {
      NW_TRY_ASSIGN(uint32_t max, r_.U32());
      l.max = max;
    }
    if (shared) *shared = (flags & 2) != 0;  // without a max: invalid, said by the validator
    return l;
  }

  Result<MemoryType> ReadMemoryType() {
    MemoryType m;
    NW_TRY_ASSIGN(m.limits, ReadLimits(&m.shared));
    return m;
  }

  Result<TableType> ReadTableType() {
    TableType t;
    NW_TRY_ASSIGN(t.elem, ReadRefType());
    NW_TRY_ASSIGN(t.limits, ReadLimits());
    return t;
  }

  Result<GlobalType> ReadGlobalType() {
    GlobalType g;
    NW_TRY_ASSIGN(g.type, ReadValType());
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t m, r_.U8());
    if (m > 1)
      return MakeError(at, "malformed mutability");
    g.mut = m == 1;
    return g;
  }

  Status ReadValTypes(std::vector<ValType>& out, std::string_view what, uint32_t limit) {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint32_t n, c_.Len32());
    if (n > limit) return LimitError(at, what, n, limit);
    out.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      NW_TRY_ASSIGN(ValType t, ReadValType());
      out.push_back(t);
    }
    return Ok();
  }

  // --- constant expressions ------------------------------------------------------------------

  // Steps over an instruction sequence up to and including the `end` that closes it, the way
  // the reference interpreter frames bodies and constant expressions: only opcodes and
  // immediates are read (with their malformed-encoding errors), nothing is type-checked.
  // This is what makes a wrong body size or a missing `end` come out as the spec's error.
  Status SkipExpression() {
    uint32_t depth = 0;
    for (;;) {
      size_t at = r_.offset();
      NW_TRY_ASSIGN(Opcode op_value, ReadOpcode(r_));
      std::optional<Opcode> op = op_value;
      if (depth == 0 && *op == Opcode::kElse)
        return MakeError(at, "END opcode expected");
      // Data indices in code need the data count section (it precedes the code section, so
      // this is known here); reported after the whole module, where the spec reports it.
      if ((*op == Opcode::kMemoryInit || *op == Opcode::kDataDrop) && !data_count_ &&
          !needs_data_count_at_) {
        needs_data_count_at_ = at;
      }
      NW_TRY(ReadImmediates(r_, *op, imm_, features_));
      if (*op == Opcode::kBlock || *op == Opcode::kLoop || *op == Opcode::kIf ||
          *op == Opcode::kTryTable) {
        ++depth;
      } else if (*op == Opcode::kEnd) {
        if (depth == 0)
          return Ok();
        --depth;
      }
    }
  }

  Result<ConstExpr> ReadConstExpr() {
    ConstExpr e;
    e.offset = r_.offset();
    NW_TRY(SkipExpression());
    auto bytes = bytes_.subspan(e.offset, r_.offset() - e.offset);
    e.bytes.assign(bytes.begin(), bytes.end());
    return e;
  }

  // --- entries -------------------------------------------------------------------------------

  Status ReadType(uint32_t index) {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t form, TypeByte());
    if (form != 0x60)
      return MakeError(at, "malformed function type");
    FuncType t;
    NW_TRY(ReadValTypes(t.params, "function parameters", kMaxFunctionParams));
    NW_TRY(ReadValTypes(t.results, "function results", kMaxFunctionResults));
    return d_.OnType(index, std::move(t));
  }

  Status ReadImport(uint32_t index) {
    Import im;
    im.offset = r_.offset();
    NW_TRY_ASSIGN(im.module, c_.Name());
    NW_TRY_ASSIGN(im.name, c_.Name());
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t kind, r_.U8());
    switch (kind) {
      case 0: {
        NW_TRY_ASSIGN(im.func_type, r_.U32());
        break;
      }
      case 1: {
        NW_TRY_ASSIGN(im.table, ReadTableType());
        break;
      }
      case 2: {
        NW_TRY_ASSIGN(im.memory, ReadMemoryType());
        break;
      }
      case 3: {
        NW_TRY_ASSIGN(im.global, ReadGlobalType());
        break;
      }
      case 4: {
        if (!features_.exceptions)
          return MakeError(at, "malformed import kind");
        NW_TRY_ASSIGN(im.tag_type, ReadTagType());
        break;
      }
      default:
        return MakeError(at, "malformed import kind");
    }
    im.kind = static_cast<ExternKind>(kind);
    return d_.OnImport(index, std::move(im));
  }

  Status ReadFunction(uint32_t index) {
    NW_TRY_ASSIGN(uint32_t type_index, r_.U32());
    return d_.OnFunction(index, type_index);
  }

  Status ReadTable(uint32_t index) {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(TableType t, ReadTableType());
    return d_.OnTable(index, t, at);
  }

  Status ReadMemory(uint32_t index) {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(MemoryType m, ReadMemoryType());
    return d_.OnMemory(index, m, at);
  }

  Status ReadGlobal(uint32_t index) {
    GlobalDecl g;
    NW_TRY_ASSIGN(g.type, ReadGlobalType());
    NW_TRY_ASSIGN(g.init, ReadConstExpr());
    return d_.OnGlobal(index, std::move(g));
  }

  // A tag type: attribute 0 (exception), then the type index.
  Result<uint32_t> ReadTagType() {
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t attribute, r_.U8());
    if (attribute != 0)
      return MakeError(at, "malformed tag attribute");
    return r_.U32();
  }

  Status ReadTag(uint32_t index) {
    NW_TRY_ASSIGN(uint32_t type_index, ReadTagType());
    return d_.OnTag(index, type_index);
  }

  Status ReadExport(uint32_t index) {
    Export e;
    e.offset = r_.offset();
    NW_TRY_ASSIGN(e.name, c_.Name());
    size_t at = r_.offset();
    NW_TRY_ASSIGN(uint8_t kind, r_.U8());
    if (kind > 4 || (kind == 4 && !features_.exceptions))
      return MakeError(at, "malformed export kind");
    e.kind = static_cast<ExternKind>(kind);
    NW_TRY_ASSIGN(e.index, r_.U32());
    return d_.OnExport(index, std::move(e));
  }

  // Element segment flags: bit 0 passive/declarative, bit 1 explicit table (active) or
  // declarative (otherwise), bit 2 expressions instead of function indices.
  Status ReadElem(uint32_t index) {
    ElemSegment s;
    size_t at = r_.offset();
    NW_TRY_ASSIGN(s.flags, r_.U32());
    if (s.flags > 7)
      return MakeError(at, "malformed elements segment kind");
    const bool passive_or_declarative = s.flags & 1;
    const bool bit1 = s.flags & 2;
    const bool exprs = s.flags & 4;
    if (passive_or_declarative) {
      s.mode = bit1 ? SegmentMode::kDeclarative : SegmentMode::kPassive;
    } else {
      s.mode = SegmentMode::kActive;
      if (bit1) {
        NW_TRY_ASSIGN(s.table_index, r_.U32());
      }
      NW_TRY_ASSIGN(s.offset, ReadConstExpr());
    }
    // Flags 0 and 4 imply funcref; the others spell an element kind or a reference type.
    if (passive_or_declarative || bit1) {
      if (exprs) {
        NW_TRY_ASSIGN(s.type, ReadRefType());
      } else {
        size_t kind_at = r_.offset();
        NW_TRY_ASSIGN(uint8_t kind, r_.U8());
        if (kind != 0x00)
          return MakeError(kind_at, "malformed element kind");
        s.type = ValType::kFuncRef;
      }
    }
    size_t n_at = r_.offset();
    NW_TRY_ASSIGN(uint32_t n, c_.Len32());
    if (n > kMaxElemSegmentEntries)
      return LimitError(n_at, "element segment entries", n, kMaxElemSegmentEntries);
    if (exprs) {
      s.exprs.reserve(std::min<uint32_t>(n, kMaxReserve));
      for (uint32_t i = 0; i < n; ++i) {
        NW_TRY_ASSIGN(ConstExpr e, ReadConstExpr());
        s.exprs.push_back(std::move(e));
      }
    } else {
      s.func_indices.reserve(n);
      for (uint32_t i = 0; i < n; ++i) {
        NW_TRY_ASSIGN(uint32_t f, r_.U32());
        s.func_indices.push_back(f);
      }
    }
    return d_.OnElem(index, std::move(s));
  }

  // The entry's size is checked after its locals and instructions were stepped over (as
  // for sections), so a body that is cut short or overlong is reported where it goes wrong.
  Status ReadCode(uint32_t index) {
    CodeView v;
    v.code_offset = r_.offset();
    NW_TRY_ASSIGN(uint32_t size, c_.Len32());
    if (size > kMaxFunctionBodySize)
      return LimitError(v.code_offset, "function body bytes", size, kMaxFunctionBodySize);
    const size_t start = r_.offset();
    const size_t end = start + size;
    v.start_offset = start;
    NW_TRY_ASSIGN(uint32_t ndecls, c_.Len32());
    locals_.clear();
    locals_.reserve(std::min<uint32_t>(ndecls, kMaxReserve));
    uint64_t total = 0;
    for (uint32_t i = 0; i < ndecls; ++i) {
      size_t at = r_.offset();
      LocalDecl d;
      NW_TRY_ASSIGN(d.count, r_.U32());
      total += d.count;
      if (total > kMaxFunctionLocals)  // the spec's text (for > 2^32-1), kept for our limit
        return MakeError(at, "too many locals");
      size_t type_at = r_.offset();
      NW_TRY_ASSIGN(int64_t t, r_.SLeb(7));
      if (!IsValTypeByte(t & 0x7f, features_))
        return MakeError(type_at, "malformed value type");
      d.type = static_cast<ValType>(t & 0x7f);
      locals_.push_back(d);
    }
    v.locals = locals_;
    v.body_offset = r_.offset();
    NW_TRY(SkipExpression());
    if (r_.offset() != end)
      return MakeError(r_.offset(), "section size mismatch");
    v.body = bytes_.subspan(v.body_offset, end - v.body_offset);
    return d_.OnCode(index, v);
  }

  Status ReadData(uint32_t index) {
    DataView v;
    size_t at = r_.offset();
    NW_TRY_ASSIGN(v.flags, r_.U32());
    switch (v.flags) {
      case 0:
        break;
      case 1:
        v.mode = SegmentMode::kPassive;
        break;
      case 2: {
        NW_TRY_ASSIGN(v.memory_index, r_.U32());
        break;
      }
      default:
        return MakeError(at, "malformed data segment kind");
    }
    if (v.mode == SegmentMode::kActive) {
      NW_TRY_ASSIGN(v.offset, ReadConstExpr());
    }
    NW_TRY_ASSIGN(uint32_t n, c_.Len32());
    v.bytes_offset = r_.offset();
    NW_TRY_ASSIGN(v.bytes, r_.Bytes(n));
    return d_.OnData(index, v);
  }

  Status ReadCustom(size_t end) {
    NW_TRY_ASSIGN(std::string name, c_.Name());
    if (r_.offset() > end)
      return MakeError(end, std::string(kUnexpectedEnd));
    CustomView v;
    v.name = name;
    v.after = last_id_;
    v.payload_offset = r_.offset();
    NW_TRY_ASSIGN(v.payload, r_.Bytes(end - r_.offset()));
    NW_TRY(d_.OnCustom(v));
    if (name == "name") {
      // The name section is advisory: a malformed one is kept raw and otherwise ignored.
      if (auto names = ReadNameSection(v.payload, v.payload_offset)) {
        NW_TRY(d_.OnNames(std::move(*names)));
      }
    }
    return Ok();
  }

  // --- module-level checks -------------------------------------------------------------------

  Status CheckConsistency() {
    constexpr auto kFunc = static_cast<uint8_t>(SectionId::kFunction);
    constexpr auto kCode = static_cast<uint8_t>(SectionId::kCode);
    constexpr auto kData = static_cast<uint8_t>(SectionId::kData);
    const size_t end = bytes_.size();
    if (counts_[kFunc].value_or(0) != counts_[kCode].value_or(0)) {
      return MakeError(counts_[kCode] ? count_offsets_[kCode] : end,
                       "function and code section have inconsistent lengths");
    }
    if (needs_data_count_at_) {
      return MakeError(*needs_data_count_at_, "data count section required");
    }
    if (data_count_ && *data_count_ != counts_[kData].value_or(0)) {
      return MakeError(counts_[kData] ? count_offsets_[kData] : end,
                       "data count and data section have inconsistent lengths");
    }
    return Ok();
  }

  std::span<const uint8_t> bytes_;
  Cursor c_;
  Reader& r_;
  BinaryDelegate& d_;
  Features features_;
  uint8_t last_rank_ = 0;
  uint8_t last_id_ = 0;
  std::optional<uint32_t> counts_[kMaxSectionId + 1];
  size_t count_offsets_[kMaxSectionId + 1] = {};
  RawImm imm_;  // reused across instructions: reading stays allocation-free
  std::optional<uint32_t> data_count_;
  std::optional<size_t> needs_data_count_at_;  // first memory.init/data.drop without it
  std::vector<LocalDecl> locals_;              // reused across code entries
};

// --- name section ------------------------------------------------------------------------------

Status ReadNameMap(Cursor& c, std::map<uint32_t, std::string>& out) {
  NW_TRY_ASSIGN(uint32_t n, c.Len32());
  std::optional<uint32_t> prev;
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = c.offset();
    NW_TRY_ASSIGN(uint32_t index, c.r().U32());
    if (prev && index <= *prev)
      return MakeError(at, "name map indices out of order");
    prev = index;
    NW_TRY_ASSIGN(std::string name, c.Name());
    out.emplace_hint(out.end(), index, std::move(name));
  }
  return Ok();
}

}  // namespace

Result<Names> ReadNameSection(std::span<const uint8_t> payload, size_t payload_offset) {
  Names names;
  Cursor c(payload, payload_offset);
  std::optional<uint8_t> prev_id;
  while (!c.at_end()) {
    size_t at = c.offset();
    NW_TRY_ASSIGN(uint8_t id, c.r().U8());
    if (prev_id && id <= *prev_id)
      return MakeError(at, "out-of-order name subsection");
    prev_id = id;
    NW_TRY_ASSIGN(uint32_t size, c.Len32());
    size_t start = c.offset();
    NW_TRY_ASSIGN(auto bytes, c.r().Bytes(size));
    Cursor sub(bytes, start);
    switch (id) {
      case 0: {
        NW_TRY_ASSIGN(std::string name, sub.Name());
        names.module = std::move(name);
        break;
      }
      case 1:
        NW_TRY(ReadNameMap(sub, names.functions));
        break;
      case 2: {
        NW_TRY_ASSIGN(uint32_t n, sub.Len32());
        std::optional<uint32_t> prev;
        for (uint32_t i = 0; i < n; ++i) {
          size_t func_at = sub.offset();
          NW_TRY_ASSIGN(uint32_t func, sub.r().U32());
          if (prev && func <= *prev)
            return MakeError(func_at, "name map indices out of order");
          prev = func;
          NW_TRY(ReadNameMap(sub, names.locals[func]));
        }
        break;
      }
      default:
        continue;  // later proposals' subsections (labels, types, ...): not needed
    }
    if (!sub.at_end())
      return MakeError(start, "name subsection size mismatch");
  }
  return names;
}

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    uint8_t b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    uint32_t cp;
    if ((b & 0xE0) == 0xC0) {
      len = 2;
      min = 0x80;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      min = 0x800;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      min = 0x10000;
      cp = b & 0x07;
    } else
      return i;
    if (n - i < len)
      return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

Status ReadBinary(std::span<const uint8_t> bytes, BinaryDelegate& delegate, Features features) {
  return ModuleReader(bytes, delegate, features).Read();
}

}  // namespace nw
