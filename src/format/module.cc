#include "format/module.h"

namespace nw {

void ModuleDesc::CountImports() {
  num_imported_funcs = num_imported_tables = num_imported_memories = num_imported_globals = 0;
  num_imported_tags = 0;
  for (const auto& im : imports) {
    switch (im.kind) {
      case ExternKind::kFunc: ++num_imported_funcs; break;
      case ExternKind::kTable: ++num_imported_tables; break;
      case ExternKind::kMemory: ++num_imported_memories; break;
      case ExternKind::kGlobal: ++num_imported_globals; break;
      case ExternKind::kTag: ++num_imported_tags; break;
    }
  }
}

namespace {
// The n-th import of a kind.
const Import& NthImport(const ModuleDesc& m, ExternKind kind, uint32_t n) {
  for (const auto& im : m.imports) {
    if (im.kind == kind && n-- == 0) return im;
  }
  __builtin_trap();  // callers check indices first
}
}  // namespace

uint32_t ModuleDesc::FuncTypeIndex(uint32_t i) const {
  if (i < num_imported_funcs) return NthImport(*this, ExternKind::kFunc, i).func_type;
  return functions[i - num_imported_funcs].type_index;
}

TableType ModuleDesc::GetTableType(uint32_t i) const {
  if (i < num_imported_tables) return NthImport(*this, ExternKind::kTable, i).table;
  return tables[i - num_imported_tables];
}

MemoryType ModuleDesc::GetMemoryType(uint32_t i) const {
  if (i < num_imported_memories) return NthImport(*this, ExternKind::kMemory, i).memory;
  return memories[i - num_imported_memories];
}

GlobalType ModuleDesc::GetGlobalType(uint32_t i) const {
  if (i < num_imported_globals) return NthImport(*this, ExternKind::kGlobal, i).global;
  return globals[i - num_imported_globals].type;
}

uint32_t ModuleDesc::TagTypeIndex(uint32_t i) const {
  if (i < num_imported_tags) return NthImport(*this, ExternKind::kTag, i).tag_type;
  return tags[i - num_imported_tags];
}

std::string ModuleDesc::FuncName(uint32_t i) const {
  if (auto it = names.functions.find(i); it != names.functions.end()) return it->second;
  for (const auto& e : exports) {
    if (e.kind == ExternKind::kFunc && e.index == i) return e.name;
  }
  if (i < num_imported_funcs) {
    const auto& im = NthImport(*this, ExternKind::kFunc, i);
    return im.module + "." + im.name;
  }
  return "func[" + std::to_string(i) + "]";
}

}  // namespace nw
