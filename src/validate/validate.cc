// Module-level validation rules of WebAssembly 2.0 and the driver that runs every function body
// through the body decoder with the validation-only consumer. The order of the checks follows
// the reference interpreter (types of imports, tables, memories, globals, elements, data,
// functions, start, exports), so a module with several faults reports the same one.
#include "validate/validate.h"

#include <string>
#include <string_view>
#include <unordered_set>

#include "format/instr_reader.h"
#include "format/limits.h"
#include "validate/body_decoder_impl.h"

namespace nw {
namespace {

using body_decoder_detail::Unknown;

constexpr uint64_t kMaxTableSize = 0xFFFFFFFFu;

// `at`: where the type was declared in the binary (kNoOffset when unknown).
Status CheckLimits(const Limits& l, uint64_t range, std::string_view too_large, size_t at) {
  if (l.min > range || (l.max && *l.max > range)) [[unlikely]]
    return MakeError(at, std::string(too_large));
  if (l.max && l.min > *l.max) [[unlikely]]
    return MakeError(at, "size minimum must not be greater than maximum");
  return Ok();
}

Status CheckMemoryType(const MemoryType& t, size_t at, const Features& features) {
  NW_TRY(CheckLimits(t.limits, kMaxPages, "memory size must be at most 65536 pages (4GiB)", at));
  if (t.shared) {
    // Only a description built by hand or parsed from text gets here without the feature (the
    // decoder without it reads a shared flag as a malformed limits flag).
    if (!features.shared_memory) [[unlikely]]
      return MakeError(at, "shared memory needs the threads proposal (Features::shared_memory)");
    if (!t.limits.max) [[unlikely]]
      return MakeError(at, "shared memory must have maximum");
  }
  return Ok();
}

Status CheckTableType(const TableType& t, size_t at) {
  NW_TRY(CheckLimits(t.limits, kMaxTableSize, "table size must be at most 2^32-1", at));
  // After the spec's checks, so their errors win (the testsuite expects them).
  if (t.limits.min > kMaxTableInitialSize) [[unlikely]]
    return MakeError(at, "table initial size (" + std::to_string(t.limits.min) +
                             ") exceeds the implementation limit of " +
                             std::to_string(kMaxTableInitialSize));
  return Ok();
}

// The offset recorded for entry i, if the module came from a binary.
size_t OffsetAt(const std::vector<size_t>& offsets, size_t i) {
  return i < offsets.size() ? offsets[i] : kNoOffset;
}

class ModuleValidator {
 public:
  ModuleValidator(const ModuleDesc& m, bool check_bodies)
      : m_(m),
        check_bodies_(check_bodies),
        ctx_(ModuleContext::Build(m)),
        imported_globals_(static_cast<uint32_t>(ctx_.global_types.size() - m.globals.size())) {}

  Status Run() {
    NW_TRY(CheckImports());
    for (size_t i = 0; i < m_.tables.size(); ++i)
      NW_TRY(CheckTableType(m_.tables[i], OffsetAt(m_.table_offsets, i)));
    for (size_t i = 0; i < m_.memories.size(); ++i)
      NW_TRY(CheckMemoryType(m_.memories[i], OffsetAt(m_.memory_offsets, i), m_.features));
    if (ctx_.num_memories > 1 && !m_.features.multi_memory) [[unlikely]]
      return MakeError(SecondMemoryOffset(), "multiple memories");
    for (uint32_t t : m_.tags)
      NW_TRY(CheckTagType(t, kNoOffset));
    for (const GlobalDecl& g : m_.globals)
      NW_TRY(ValidateConstExpr(ctx_, g.init, g.type.type, imported_globals_));
    for (const ElemSegment& s : m_.elems)
      NW_TRY(CheckElem(s));
    for (const DataSegment& d : m_.datas)
      NW_TRY(CheckData(d));
    if (m_.data_count && *m_.data_count != m_.datas.size()) [[unlikely]]
      return MakeError(m_.data_count_offset,
                       "data count and data section have inconsistent lengths");
    NW_TRY(CheckFunctions());
    NW_TRY(CheckStart());
    return CheckExports();
  }

 private:
  Status CheckImports() {
    for (const Import& im : m_.imports) {
      switch (im.kind) {
        case ExternKind::kFunc:
          if (im.func_type >= m_.types.size()) [[unlikely]]
            return Unknown(im.offset, "type", im.func_type);
          break;
        case ExternKind::kTable:
          NW_TRY(CheckTableType(im.table, im.offset));
          break;
        case ExternKind::kMemory:
          NW_TRY(CheckMemoryType(im.memory, im.offset, m_.features));
          break;
        case ExternKind::kGlobal:
          break;
        case ExternKind::kTag:
          NW_TRY(CheckTagType(im.tag_type, im.offset));
          break;
      }
    }
    return Ok();
  }

  // A tag's type is a function type without results (exception handling).
  Status CheckTagType(uint32_t type_index, size_t offset) const {
    if (type_index >= m_.types.size()) [[unlikely]]
      return Unknown(offset, "type", type_index);
    if (!m_.types[type_index].results.empty()) [[unlikely]]
      return MakeError(offset, "non-empty tag result type");
    return Ok();
  }

  Status CheckElem(const ElemSegment& s) {
    if (s.flags & 4) {
      for (const ConstExpr& e : s.exprs)
        NW_TRY(ValidateConstExpr(ctx_, e, s.type, imported_globals_));
    } else {
      for (uint32_t f : s.func_indices) {
        if (f >= ctx_.func_types.size()) [[unlikely]]
          return Unknown(s.offset.offset, "function", f);
      }
    }
    if (s.mode == SegmentMode::kActive) {
      if (s.table_index >= ctx_.table_types.size()) [[unlikely]]
        return Unknown(s.offset.offset, "table", s.table_index);
      NW_TRY(ValidateConstExpr(ctx_, s.offset, ValType::kI32, imported_globals_));
      if (ctx_.table_types[s.table_index].elem != s.type) [[unlikely]]
        return MakeError(s.offset.offset, "type mismatch");
    }
    return Ok();
  }

  Status CheckData(const DataSegment& d) {
    if (d.mode != SegmentMode::kActive)
      return Ok();
    if (d.memory_index >= ctx_.num_memories) [[unlikely]]
      return Unknown(d.offset.offset, "memory", d.memory_index);
    return ValidateConstExpr(ctx_, d.offset, ValType::kI32, imported_globals_);
  }

  Status CheckFunctions() {
    for (const Function& f : m_.functions) {
      if (f.type_index >= m_.types.size()) [[unlikely]]
        return Unknown(f.code_offset, "type", f.type_index);
    }
    if (!check_bodies_)
      return Ok();
    DecodeScratch scratch;
    NullConsumer consumer;
    for (uint32_t i = 0; i < m_.functions.size(); ++i)
      NW_TRY(DecodeFunctionBody(ctx_, i, consumer, scratch));
    return Ok();
  }

  // Where the module's second memory was declared (imports come first in the index space).
  size_t SecondMemoryOffset() const {
    uint32_t seen = 0;
    for (const Import& im : m_.imports)
      if (im.kind == ExternKind::kMemory && ++seen == 2) return im.offset;
    return OffsetAt(m_.memory_offsets, 1 - seen);
  }

  Status CheckStart() {
    if (!m_.start)
      return Ok();
    uint32_t f = *m_.start;
    if (f >= ctx_.func_types.size()) [[unlikely]]
      return Unknown(m_.start_offset, "function", f);
    const FuncType& t = m_.types[ctx_.func_types[f]];
    if (!t.params.empty() || !t.results.empty()) [[unlikely]]
      return MakeError(m_.start_offset, "start function");
    return Ok();
  }

  Status CheckExports() {
    std::unordered_set<std::string_view> names;
    names.reserve(m_.exports.size());
    for (const Export& e : m_.exports) {
      switch (e.kind) {
        case ExternKind::kFunc:
          if (e.index >= ctx_.func_types.size()) [[unlikely]]
            return Unknown(e.offset, "function", e.index);
          break;
        case ExternKind::kTable:
          if (e.index >= ctx_.table_types.size()) [[unlikely]]
            return Unknown(e.offset, "table", e.index);
          break;
        case ExternKind::kMemory:
          if (e.index >= ctx_.num_memories) [[unlikely]]
            return Unknown(e.offset, "memory", e.index);
          break;
        case ExternKind::kGlobal:
          if (e.index >= ctx_.global_types.size()) [[unlikely]]
            return Unknown(e.offset, "global", e.index);
          break;
        case ExternKind::kTag:
          if (e.index >= ctx_.tag_types.size()) [[unlikely]]
            return Unknown(e.offset, "tag", e.index);
          break;
      }
      if (!names.insert(e.name).second) [[unlikely]]
        return MakeError(e.offset, "duplicate export name");
    }
    return Ok();
  }

  const ModuleDesc& m_;
  bool check_bodies_;
  ModuleContext ctx_;
  uint32_t imported_globals_;  // counted from the imports, whatever CountImports() last saw
};

}  // namespace

Status ValidateConstExpr(const ModuleContext& ctx,
                         const ConstExpr& expr,
                         ValType expected,
                         uint32_t num_visible_globals) {
  Reader r(expr.bytes, expr.offset);
  RawImm imm;
  // A valid expression leaves one value; anything deeper is a type error reported at `end`.
  ValType stack[2];
  uint32_t height = 0;
  auto push = [&](ValType t) {
    if (height < 2)
      stack[height] = t;
    ++height;
  };
  for (;;) {
    size_t at = r.offset();
    if (r.at_end()) [[unlikely]]
      return MakeError(at, "unexpected end");
    NW_TRY_ASSIGN(Opcode op, ReadOpcode(r));
    NW_TRY(ReadImmediates(r, op, imm, ctx.module->features));
    switch (op) {
      case Opcode::kEnd:
        if (height != 1 || stack[0] != expected) [[unlikely]]
          return MakeError(at, "type mismatch");
        if (!r.at_end()) [[unlikely]]
          return MakeError(r.offset(), "constant expression required");
        return Ok();
      case Opcode::kRefNull:
        push(imm.type);
        break;
      case Opcode::kRefFunc:
        if (imm.index >= ctx.func_types.size()) [[unlikely]]
          return Unknown(at, "function", imm.index);
        push(ValType::kFuncRef);
        break;
      case Opcode::kGlobalGet: {
        if (imm.index >= num_visible_globals || imm.index >= ctx.global_types.size()) [[unlikely]]
          return Unknown(at, "global", imm.index);
        const GlobalType& g = ctx.global_types[imm.index];
        if (g.mut) [[unlikely]]
          return MakeError(at, "constant expression required");
        push(g.type);
        break;
      }
      default: {
        // t.const of every value type (v128.const once SIMD lands) is constant.
        const OpcodeInfo& info = GetOpcodeInfo(op);
        bool is_const = info.fixed_sig && info.params.empty() && info.results.size() == 1 &&
                        (info.imm == Imm::I32 || info.imm == Imm::I64 || info.imm == Imm::F32 ||
                         info.imm == Imm::F64 || info.imm == Imm::V128);
        if (!is_const) [[unlikely]]
          return MakeError(at, "constant expression required");
        push(info.results[0]);
        break;
      }
    }
  }
}

Status RefuseSharedMemory(const ModuleDesc& m) {
  constexpr std::string_view kWhat = "shared memories (threads) are not supported: memory ";
  uint32_t index = 0;
  for (const Import& im : m.imports) {
    if (im.kind != ExternKind::kMemory) continue;
    if (im.memory.shared) [[unlikely]]
      return MakeError(im.offset, std::string(kWhat) + std::to_string(index) + " (import \"" +
                                      im.module + "\" \"" + im.name + "\") is shared");
    ++index;
  }
  for (size_t i = 0; i < m.memories.size(); ++i, ++index) {
    if (m.memories[i].shared) [[unlikely]]
      return MakeError(OffsetAt(m.memory_offsets, i),
                       std::string(kWhat) + std::to_string(index) + " is shared");
  }
  return Ok();
}

bool UsesExceptionHandling(const ModuleDesc& m) {
  if (!m.features.exceptions && !m.features.tail_call) return false;
  if (m.NumTags() != 0) return true;
  auto exn = [](ValType t) { return t == ValType::kExnRef; };
  for (const FuncType& t : m.types)
    if (std::ranges::any_of(t.params, exn) || std::ranges::any_of(t.results, exn)) return true;
  for (const Import& im : m.imports)
    if ((im.kind == ExternKind::kTable && exn(im.table.elem)) ||
        (im.kind == ExternKind::kGlobal && exn(im.global.type)))
      return true;
  for (const TableType& t : m.tables)
    if (exn(t.elem)) return true;
  for (const GlobalDecl& g : m.globals)
    if (exn(g.type.type)) return true;
  RawImm imm;
  for (const Function& f : m.functions) {
    for (const LocalDecl& l : f.locals)
      if (exn(l.type)) return true;
    Reader r(f.body, f.body_offset);
    while (!r.at_end()) {
      auto op = ReadOpcode(r);
      if (!op || !ReadImmediates(r, *op, imm, m.features)) break;  // invalid: not our concern
      if (*op == Opcode::kThrow || *op == Opcode::kThrowRef || *op == Opcode::kTryTable ||
          *op == Opcode::kReturnCall || *op == Opcode::kReturnCallIndirect ||
          (*op == Opcode::kRefNull && exn(imm.type)) ||
          (*op == Opcode::kSelectT && std::ranges::any_of(imm.types, exn)))
        return true;
    }
  }
  return false;
}

Status ValidateModule(const ModuleDesc& m, BodyValidation bodies) {
  return ModuleValidator(m, bodies == BodyValidation::kAll).Run();
}

}  // namespace nw
