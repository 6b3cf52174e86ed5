// The module description: what a WebAssembly module declares, produced once by the binary
// decoder (or the WAT parser) and consumed read-only by the validator, every execution tier,
// the printer and the encoder. It owns its bytes; nothing here refers into the input buffer.
//
// Index spaces follow the spec: imported functions/tables/memories/globals come first, in
// import order, then the module's own definitions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "format/types.h"

namespace nw {

// A constant expression as encoded (instructions followed by `end`), validated later.
struct ConstExpr {
  std::vector<uint8_t> bytes;  // includes the final 0x0B
  size_t offset = 0;           // byte offset of bytes[0] in the original input (for errors)
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t func_type = 0;  // kind == kFunc: type index
  TableType table;         // kind == kTable
  MemoryType memory;       // kind == kMemory
  GlobalType global;       // kind == kGlobal
  uint32_t tag_type = 0;   // kind == kTag: type index (a function type without results)
  size_t offset = kNoOffset;  // byte offset of the entry in the binary (for errors)
};

struct LocalDecl {
  uint32_t count = 0;
  ValType type = ValType::kI32;
};

// A function defined by the module (imports are not in ModuleDesc::functions).
struct Function {
  uint32_t type_index = 0;
  std::vector<LocalDecl> locals;  // as declared (run-length), params not included
  std::vector<uint8_t> body;      // instructions after the local declarations, incl. final end
  size_t body_offset = 0;         // offset of body[0] in the original input
  size_t code_offset = 0;         // offset of this entry's size field in the code section
  // Where the function starts: just after the entry's size field (its local declarations);
  // trap frames report instruction offsets relative to it. 0 for a module parsed from text (a
  // binary function never starts at 0: the header comes first).
  size_t start_offset = 0;
};

struct GlobalDecl {
  GlobalType type;
  ConstExpr init;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
  size_t offset = kNoOffset;  // byte offset of the entry in the binary (for errors)
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t flags = 0;        // binary encoding variant 0..7, kept for byte-exact round trips
  uint32_t table_index = 0;  // active only
  ConstExpr offset;          // active only
  ValType type = ValType::kFuncRef;
  // Exactly one of these is used: flags & 4 selects expressions.
  std::vector<uint32_t> func_indices;
  std::vector<ConstExpr> exprs;
  size_t Size() const { return (flags & 4) ? exprs.size() : func_indices.size(); }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;  // kActive or kPassive
  uint32_t flags = 0;                        // 0, 1 or 2 as encoded
  uint32_t memory_index = 0;
  ConstExpr offset;
  std::vector<uint8_t> bytes;
};

// A custom section, kept verbatim. `after` is the id of the last non-custom section that
// preceded it (0 if none) so the encoder can put it back in place.
struct CustomSection {
  std::string name;
  std::vector<uint8_t> bytes;  // payload after the name
  uint8_t after = 0;
  size_t offset = 0;  // offset of bytes[0] (the payload) in the original input
};

// Decoded "name" custom section (the raw section is also kept in customs).
struct Names {
  std::optional<std::string> module;
  std::map<uint32_t, std::string> functions;
  std::map<uint32_t, std::map<uint32_t, std::string>> locals;
};

struct ModuleDesc {
  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<GlobalDecl> globals;
  // Defined tags (exception handling): the type index of each, imports not included.
  std::vector<uint32_t> tags;
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<CustomSection> customs;
  Names names;
  // The feature set the module is decoded and validated under (the binary reader's, the
  // runtime's Config::features): every walk over bodies reads immediates with it.
  Features features;
  // Byte offsets in the binary, for validation errors (empty / kNoOffset when built from
  // text): of each defined table and memory entry, of the start and data count sections'
  // contents.
  std::vector<size_t> table_offsets, memory_offsets;
  size_t start_offset = kNoOffset, data_count_offset = kNoOffset;
  // Bit (1 << id) is set for each non-custom section the binary contained, so that empty
  // sections survive a decode/encode round trip byte for byte (0 when built from text).
  uint32_t section_mask = 0;

  // Import counts per kind (kept in sync by the decoder/parser via CountImports()).
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  uint32_t num_imported_tags = 0;
  void CountImports();

  uint32_t NumFuncs() const { return num_imported_funcs + static_cast<uint32_t>(functions.size()); }
  uint32_t NumTables() const { return num_imported_tables + static_cast<uint32_t>(tables.size()); }
  uint32_t NumMemories() const {
    return num_imported_memories + static_cast<uint32_t>(memories.size());
  }
  uint32_t NumGlobals() const { return num_imported_globals + static_cast<uint32_t>(globals.size()); }
  uint32_t NumTags() const { return num_imported_tags + static_cast<uint32_t>(tags.size()); }
  // The type index of tag `tag_index` (imports first; callers must have checked the index).
  uint32_t TagTypeIndex(uint32_t tag_index) const;

  // Types across the whole index space (callers must have checked the index).
  uint32_t FuncTypeIndex(uint32_t func_index) const;
  const FuncType& FuncSig(uint32_t func_index) const { return types[FuncTypeIndex(func_index)]; }
  TableType GetTableType(uint32_t table_index) const;
  MemoryType GetMemoryType(uint32_t memory_index) const;
  GlobalType GetGlobalType(uint32_t global_index) const;
  // Name of a function for backtraces: name section, else an export name, else "func[N]".
  std::string FuncName(uint32_t func_index) const;
};

}  // namespace nw
