// ModuleContext::Build: the per-module index tables the body decoder looks things up in.
// It does not validate; ValidateModule checks the indices it relies on before decoding bodies.
#include "validate/body_decoder.h"

#include "format/instr_reader.h"

namespace nw {
namespace {

// Marks every ref.func in a constant expression (malformed bytes are left to the validator).
void MarkRefFuncs(const ConstExpr& e, std::vector<bool>& declared, Features features) {
  Reader r(e.bytes, e.offset);
  RawImm imm;
  while (!r.at_end()) {
    auto op = ReadOpcode(r);
    if (!op || !ReadImmediates(r, *op, imm, features))
      return;
    if (*op == Opcode::kRefFunc && imm.index < declared.size())
      declared[imm.index] = true;
  }
}

}  // namespace

ModuleContext ModuleContext::Build(const ModuleDesc& m) {
  ModuleContext c;
  c.module = &m;
  c.func_types.reserve(m.NumFuncs());
  c.global_types.reserve(m.NumGlobals());
  c.table_types.reserve(m.NumTables());
  for (const Import& im : m.imports) {
    switch (im.kind) {
      case ExternKind::kFunc:
        c.func_types.push_back(im.func_type);
        break;
      case ExternKind::kTable:
        c.table_types.push_back(im.table);
        break;
      case ExternKind::kMemory:
        ++c.num_memories;
        break;
      case ExternKind::kGlobal:
        c.global_types.push_back(im.global);
        break;
      case ExternKind::kTag:
        c.tag_types.push_back(im.tag_type);
        break;
    }
  }
  for (const Function& f : m.functions)
    c.func_types.push_back(f.type_index);
  for (const TableType& t : m.tables)
    c.table_types.push_back(t);
  c.num_memories += static_cast<uint32_t>(m.memories.size());
  for (const GlobalDecl& g : m.globals)
    c.global_types.push_back(g.type);
  c.tag_types.insert(c.tag_types.end(), m.tags.begin(), m.tags.end());

  // 2.0: ref.func in a body may name only functions referenced outside bodies (C.refs).
  c.declared_funcs.assign(c.func_types.size(), false);
  for (const Export& e : m.exports) {
    if (e.kind == ExternKind::kFunc && e.index < c.declared_funcs.size())
      c.declared_funcs[e.index] = true;
  }
  for (const ElemSegment& s : m.elems) {
    for (uint32_t f : s.func_indices) {
      if (f < c.declared_funcs.size())
        c.declared_funcs[f] = true;
    }
    for (const ConstExpr& e : s.exprs)
      MarkRefFuncs(e, c.declared_funcs, m.features);
  }
  for (const GlobalDecl& g : m.globals)
    MarkRefFuncs(g.init, c.declared_funcs, m.features);
  return c;
}

}  // namespace nw
