// The WAT printer: walks a ModuleDesc field by field and each body instruction by instruction
// (through the shared instruction reader), writing text that ParseWat reads back into the
// same module. Segment and block forms are chosen so the parser can pick the same binary
// variant the module recorded (explicit `(table N)`/`(memory N)` for the flag variants that
// carry an index, `func ...` lists versus expression lists, `(type N)` block types).
#include "text/printer.h"

#include <algorithm>
#include <array>
#include <set>

#include "base/reader.h"
#include "format/instr_reader.h"

namespace nw {
namespace {

constexpr std::string_view kIndentUnit = "  ";
constexpr uint32_t kMaxIndentDepth = 64;

// $ids for one index space: a name is used only if it is a valid identifier and not taken
// by an earlier index (the parser rejects duplicates).
class IdTable {
 public:
  void Assign(const std::map<uint32_t, std::string>& names, uint32_t count) {
    std::set<std::string_view> used;
    for (const auto& [index, name] : names) {
      if (index >= count || !IsValidWatId(name) || !used.insert(name).second)
        continue;
      ids_[index] = "$" + name;
    }
  }
  // "$name" or the decimal index.
  std::string Ref(uint32_t index) const {
    auto it = ids_.find(index);
    return it != ids_.end() ? it->second : std::to_string(index);
  }
  // " $name" if named, else "".
  std::string Decl(uint32_t index) const {
    auto it = ids_.find(index);
    return it != ids_.end() ? " " + it->second : "";
  }

 private:
  std::map<uint32_t, std::string> ids_;
};

std::string SignedDecimal(int64_t v) {
  return std::to_string(v);
}

class Printer {
 public:
  explicit Printer(const ModuleDesc& m) : m_(m) { funcs_.Assign(m.names.functions, m.NumFuncs()); }

  Result<std::string> Run() {
    out_ += "(module";
    if (m_.names.module && IsValidWatId(*m_.names.module))
      out_ += " $" + *m_.names.module;
    size_t header_size = out_.size();
    PrintTypes();
    NW_TRY(PrintImports());
    NW_TRY(PrintFunctions());
    PrintTables();
    PrintMemories();
    PrintTags();
    NW_TRY(PrintGlobals());
    PrintExports();
    if (m_.start)
      Field() += "(start " + funcs_.Ref(*m_.start) + ")";
    NW_TRY(PrintElems());
    NW_TRY(PrintDatas());
    out_ += out_.size() == header_size ? ")\n" : "\n)\n";
    return std::move(out_);
  }

 private:
  // Starts a new module field line and returns the output to append to.
  std::string& Field() {
    out_ += '\n';
    out_ += kIndentUnit;
    return out_;
  }

  static std::string Comment(uint32_t index) { return " (;" + std::to_string(index) + ";)"; }

  static std::string Limits(const nw::Limits& l) {
    std::string s = std::to_string(l.min);
    if (l.max)
      s += " " + std::to_string(*l.max);
    return s;
  }

  static std::string MemoryTypeText(const MemoryType& t) {
    return Limits(t.limits) + (t.shared ? " shared" : "");
  }

  static std::string TableTypeText(const TableType& t) {
    return Limits(t.limits) + " " + std::string(ValTypeName(t.elem));
  }

  static std::string GlobalTypeText(const GlobalType& g) {
    std::string t(ValTypeName(g.type));
    return g.mut ? "(mut " + t + ")" : t;
  }

  static std::string TypeList(std::string_view keyword, const std::vector<ValType>& types) {
    if (types.empty())
      return "";
    std::string s = " (" + std::string(keyword);
    for (ValType t : types)
      s += " " + std::string(ValTypeName(t));
    return s + ")";
  }

  // `(type N) (param ...) (result ...)` for a function; params are named from `locals`.
  std::string TypeUse(uint32_t type_index, const IdTable* locals) const {
    std::string s = " (type " + std::to_string(type_index) + ")";
    if (type_index >= m_.types.size())
      return s;
    const FuncType& ft = m_.types[type_index];
    std::vector<ValType> run;  // consecutive unnamed params share one (param ...)
    for (uint32_t i = 0; i < ft.params.size(); ++i) {
      std::string id = locals ? locals->Decl(i) : "";
      if (id.empty()) {
        run.push_back(ft.params[i]);
        continue;
      }
      s += TypeList("param", run);
      run.clear();
      s += " (param" + id + " " + std::string(ValTypeName(ft.params[i])) + ")";
    }
    s += TypeList("param", run);
    return s + TypeList("result", ft.results);
  }

  IdTable LocalIds(uint32_t func_index, uint32_t num_locals) const {
    IdTable ids;
    auto it = m_.names.locals.find(func_index);
    if (it != m_.names.locals.end())
      ids.Assign(it->second, num_locals);
    return ids;
  }

  uint32_t NumParams(uint32_t type_index) const {
    return type_index < m_.types.size() ? static_cast<uint32_t>(m_.types[type_index].params.size())
                                        : 0;
  }

  void PrintTypes() {
    for (uint32_t i = 0; i < m_.types.size(); ++i) {
      const FuncType& ft = m_.types[i];
      Field() += "(type" + Comment(i) + " (func" + TypeList("param", ft.params) +
                 TypeList("result", ft.results) + "))";
    }
  }

  Status PrintImports() {
    uint32_t counts[5] = {};
    for (const Import& im : m_.imports) {
      std::string& s = Field();
      s += "(import " + QuoteWatString(im.module) + " " + QuoteWatString(im.name) + " (";
      uint32_t index = counts[std::min<uint8_t>(static_cast<uint8_t>(im.kind), 4)]++;
      switch (im.kind) {
        case ExternKind::kFunc: {
          IdTable locals = LocalIds(index, NumParams(im.func_type));
          s += "func" + funcs_.Decl(index) + Comment(index) + TypeUse(im.func_type, &locals);
          break;
        }
        case ExternKind::kTable:
          s += "table" + Comment(index) + " " + TableTypeText(im.table);
          break;
        case ExternKind::kMemory:
          s += "memory" + Comment(index) + " " + MemoryTypeText(im.memory);
          break;
        case ExternKind::kGlobal:
          s += "global" + Comment(index) + " " + GlobalTypeText(im.global);
          break;
        case ExternKind::kTag:
          s += "tag" + Comment(index) + TypeUse(im.tag_type, nullptr);
          break;
        default:
          return MakeError("cannot print import of unknown kind");
      }
      s += "))";
    }
    return Ok();
  }

  Status PrintFunctions() {
    for (size_t i = 0; i < m_.functions.size(); ++i) {
      const Function& f = m_.functions[i];
      uint32_t index = m_.num_imported_funcs + static_cast<uint32_t>(i);
      uint32_t num_params = NumParams(f.type_index);
      uint64_t num_locals = num_params;
      for (const LocalDecl& d : f.locals)
        num_locals += d.count;
      IdTable locals = LocalIds(index, static_cast<uint32_t>(std::min<uint64_t>(num_locals, ~0u)));
      Field() += "(func" + funcs_.Decl(index) + Comment(index) + TypeUse(f.type_index, &locals);
      std::string indent(2 * kIndentUnit.size(), ' ');
      // Locals one type at a time; named ones need a (local $x t) of their own.
      uint32_t local_index = num_params;
      std::vector<ValType> run;
      std::string line;
      auto flush = [&] {
        line += TypeList("local", run);
        run.clear();
      };
      for (const LocalDecl& d : f.locals) {
        for (uint32_t k = 0; k < d.count; ++k, ++local_index) {
          std::string id = locals.Decl(local_index);
          if (id.empty()) {
            run.push_back(d.type);
            continue;
          }
          flush();
          line += " (local" + id + " " + std::string(ValTypeName(d.type)) + ")";
        }
      }
      flush();
      if (!line.empty())
        out_ += "\n" + indent + line.substr(1);
      NW_TRY(PrintBody(f, locals));
      out_ += "\n";
      out_ += kIndentUnit;
      out_ += ")";
    }
    return Ok();
  }

  Status PrintBody(const Function& f, const IdTable& locals) {
    Reader r(f.body, f.body_offset);
    RawImm imm;
    uint32_t depth = 0;  // open blocks inside the function
    for (;;) {
      if (r.at_end())
        return MakeError(r.offset(), "unexpected end of function body");
      NW_TRY_ASSIGN(Opcode op, ReadOpcode(r));
      NW_TRY(ReadImmediates(r, op, imm, m_.features));
      uint32_t line_depth = depth;
      if (op == Opcode::kEnd) {
        if (depth == 0) {
          if (!r.at_end())
            return MakeError(r.offset(), "operators remaining after end of function");
          return Ok();
        }
        line_depth = --depth;
      } else if (op == Opcode::kElse) {
        if (depth == 0)
          return MakeError(r.offset(), "else outside of a block");
        line_depth = depth - 1;
      }
      out_ += '\n';
      // Indentation stops growing at kMaxIndentDepth so the text stays linear in the body's
      // size (100,000 nested blocks would otherwise print ~10^10 spaces).
      for (uint32_t k = 0; k < std::min(line_depth, kMaxIndentDepth) + 2; ++k)
        out_ += kIndentUnit;
      AppendInstr(out_, op, imm, &locals);
      if (op == Opcode::kBlock || op == Opcode::kLoop || op == Opcode::kIf ||
          op == Opcode::kTryTable)
        ++depth;
    }
  }

  // Mnemonic and immediates of one instruction.
  void AppendInstr(std::string& s, Opcode op, const RawImm& imm, const IdTable* locals) const {
    const OpcodeInfo& info = GetOpcodeInfo(op);
    s += OpcodeName(op);
    switch (info.imm) {
      case Imm::None:
        break;
      case Imm::Mem:  // memory 0 stays implicit, as 2.0 writes it
        if (imm.memory != 0)
          s += " " + std::to_string(imm.memory);
        break;
      case Imm::MemCopy:
        if (imm.memory != 0 || imm.index2 != 0)
          s += " " + std::to_string(imm.memory) + " " + std::to_string(imm.index2);
        break;
      case Imm::Block:
      case Imm::TryTable:
        if (imm.block.kind == RawBlockType::Kind::kValue)
          s += " (result " + std::string(ValTypeName(imm.block.type)) + ")";
        else if (imm.block.kind == RawBlockType::Kind::kIndex)
          s += " (type " + std::to_string(imm.block.index) + ")";
        if (info.imm == Imm::TryTable) {
          static constexpr std::string_view kCatchNames[] = {"catch", "catch_ref", "catch_all",
                                                             "catch_all_ref"};
          for (const CatchClause& c : imm.catches) {
            s += " (" + std::string(kCatchNames[c.kind]);
            if (c.HasTag()) s += " " + std::to_string(c.tag);
            s += " " + std::to_string(c.label) + ")";
          }
        }
        break;
      case Imm::Tag:
        s += " " + std::to_string(imm.index);
        break;
      case Imm::Label:
      case Imm::Global:
      case Imm::Table:
      case Imm::Elem:
      case Imm::Data:
      case Imm::Lane:
        s += " " + std::to_string(imm.index);
        break;
      case Imm::MemInit:
        if (imm.memory != 0)
          s += " " + std::to_string(imm.memory);
        s += " " + std::to_string(imm.index);
        break;
      case Imm::BrTable:
        for (uint32_t t : imm.targets)
          s += " " + std::to_string(t);
        break;
      case Imm::Func:
        s += " " + funcs_.Ref(imm.index);
        break;
      case Imm::CallIndirect:
        if (imm.index2 != 0)
          s += " " + std::to_string(imm.index2);
        s += " (type " + std::to_string(imm.index) + ")";
        break;
      case Imm::Local:
        s += " " + (locals ? locals->Ref(imm.index) : std::to_string(imm.index));
        break;
      case Imm::MemArg:
      case Imm::MemArgLane:
        AppendMemArg(s, op, imm);
        if (info.imm == Imm::MemArgLane)
          s += " " + std::to_string(imm.index);
        break;
      case Imm::I32:
        s += " " + SignedDecimal(static_cast<int32_t>(imm.value));
        break;
      case Imm::I64:
        s += " " + SignedDecimal(static_cast<int64_t>(imm.value));
        break;
      case Imm::F32:
        s += " " + FormatF32(static_cast<uint32_t>(imm.value));
        break;
      case Imm::F64:
        s += " " + FormatF64(imm.value);
        break;
      case Imm::SelectT:
        s += " (result";
        for (ValType t : imm.types)
          s += " " + std::string(ValTypeName(t));
        s += ")";
        break;
      case Imm::RefNull:
        s += imm.type == ValType::kExternRef ? " extern"
             : imm.type == ValType::kExnRef  ? " exn"
                                             : " func";
        break;
      case Imm::TableInit:  // binary: elem then table; text: table then elem
        s += " " + std::to_string(imm.index2) + " " + std::to_string(imm.index);
        break;
      case Imm::TableCopy:
        s += " " + std::to_string(imm.index) + " " + std::to_string(imm.index2);
        break;
      case Imm::V128:
        s += " i32x4";
        for (int lane = 0; lane < 4; ++lane) {
          uint32_t v = 0;
          for (int b = 3; b >= 0; --b)
            v = (v << 8) | imm.bytes[lane * 4 + b];
          char buf[16];
          std::snprintf(buf, sizeof buf, " 0x%08x", v);
          s += buf;
        }
        break;
      case Imm::Shuffle:
        for (uint8_t b : imm.bytes)
          s += " " + std::to_string(b);
        break;
    }
  }

  static void AppendMemArg(std::string& s, Opcode op, const RawImm& imm) {
    if (imm.memory != 0)
      s += " " + std::to_string(imm.memory);
    if (imm.value != 0)
      s += " offset=" + std::to_string(imm.value);
    if (imm.align != NaturalAlignLog2(op))
      s += " align=" + std::to_string(uint64_t{1} << imm.align);
  }

  // A constant expression as its instructions, without the final `end`.
  Result<std::vector<std::string>> ConstInstrs(const ConstExpr& e) const {
    Reader r(e.bytes, e.offset);
    RawImm imm;
    std::vector<std::string> instrs;
    for (;;) {
      if (r.at_end())
        return MakeError(r.offset(), "unexpected end of constant expression");
      NW_TRY_ASSIGN(Opcode op, ReadOpcode(r));
      NW_TRY(ReadImmediates(r, op, imm, m_.features));
      if (op == Opcode::kEnd) {
        if (!r.at_end())
          return MakeError(r.offset(), "operators remaining after end of constant expression");
        return instrs;
      }
      std::string text;
      AppendInstr(text, op, imm, nullptr);
      instrs.push_back(std::move(text));
    }
  }

  // One instruction folded as `(i32.const 0)`, several as `(keyword instr instr ...)`.
  Result<std::string> WrappedExpr(const ConstExpr& e, std::string_view keyword) const {
    NW_TRY_ASSIGN(auto instrs, ConstInstrs(e));
    if (instrs.size() == 1)
      return "(" + instrs[0] + ")";
    std::string s = "(" + std::string(keyword);
    for (const auto& i : instrs)
      s += " " + i;
    return s + ")";
  }

  void PrintTables() {
    for (size_t i = 0; i < m_.tables.size(); ++i) {
      uint32_t index = m_.num_imported_tables + static_cast<uint32_t>(i);
      Field() += "(table" + Comment(index) + " " + TableTypeText(m_.tables[i]) + ")";
    }
  }

  void PrintMemories() {
    for (size_t i = 0; i < m_.memories.size(); ++i) {
      uint32_t index = m_.num_imported_memories + static_cast<uint32_t>(i);
      Field() += "(memory" + Comment(index) + " " + MemoryTypeText(m_.memories[i]) + ")";
    }
  }

  void PrintTags() {
    for (size_t i = 0; i < m_.tags.size(); ++i)
      Field() += "(tag" + Comment(m_.num_imported_tags + static_cast<uint32_t>(i)) +
                 TypeUse(m_.tags[i], nullptr) + ")";
  }

  Status PrintGlobals() {
    for (size_t i = 0; i < m_.globals.size(); ++i) {
      const GlobalDecl& g = m_.globals[i];
      uint32_t index = m_.num_imported_globals + static_cast<uint32_t>(i);
      NW_TRY_ASSIGN(auto instrs, ConstInstrs(g.init));
      std::string& s = Field();
      s += "(global" + Comment(index) + " " + GlobalTypeText(g.type);
      if (instrs.size() == 1) {
        s += " (" + instrs[0] + ")";
      } else {
        for (const auto& instr : instrs)
          s += " " + instr;
      }
      s += ")";
    }
    return Ok();
  }

  void PrintExports() {
    for (const Export& e : m_.exports) {
      std::string ref = e.kind == ExternKind::kFunc ? funcs_.Ref(e.index) : std::to_string(e.index);
      Field() += "(export " + QuoteWatString(e.name) + " (" + std::string(ExternKindName(e.kind)) +
                 " " + ref + "))";
    }
  }

  Status PrintElems() {
    for (uint32_t i = 0; i < m_.elems.size(); ++i) {
      const ElemSegment& seg = m_.elems[i];
      std::string s = "(elem" + Comment(i);
      if (seg.mode == SegmentMode::kActive) {
        if (seg.flags & 2)
          s += " (table " + std::to_string(seg.table_index) + ")";
        NW_TRY_ASSIGN(std::string offset, WrappedExpr(seg.offset, "offset"));
        s += " " + offset;
      } else if (seg.mode == SegmentMode::kDeclarative) {
        s += " declare";
      }
      if (seg.flags & 4) {
        s += " " + std::string(ValTypeName(seg.type));
        for (const ConstExpr& e : seg.exprs) {
          NW_TRY_ASSIGN(std::string item, WrappedExpr(e, "item"));
          s += " " + item;
        }
      } else {
        s += " func";
        for (uint32_t f : seg.func_indices)
          s += " " + funcs_.Ref(f);
      }
      Field() += s + ")";
    }
    return Ok();
  }

  Status PrintDatas() {
    constexpr size_t kChunk = 32;  // bytes per string line for long segments
    for (uint32_t i = 0; i < m_.datas.size(); ++i) {
      const DataSegment& seg = m_.datas[i];
      std::string s = "(data" + Comment(i);
      if (seg.mode == SegmentMode::kActive) {
        if (seg.flags & 2)
          s += " (memory " + std::to_string(seg.memory_index) + ")";
        NW_TRY_ASSIGN(std::string offset, WrappedExpr(seg.offset, "offset"));
        s += " " + offset;
      }
      std::span<const uint8_t> bytes(seg.bytes);
      if (bytes.size() <= 2 * kChunk) {
        s += " " + QuoteWatString(bytes);
      } else {
        for (size_t at = 0; at < bytes.size(); at += kChunk) {
          s += "\n";
          s += kIndentUnit;
          s += kIndentUnit;
          s += QuoteWatString(bytes.subspan(at, std::min(kChunk, bytes.size() - at)));
        }
      }
      Field() += s + ")";
    }
    return Ok();
  }

  const ModuleDesc& m_;
  IdTable funcs_;
  std::string out_;
};

}  // namespace

Result<std::string> PrintWat(const ModuleDesc& m) {
  return Printer(m).Run();
}

}  // namespace nw
