// Builds small ModuleDesc values by hand for the validator tests (no text parser here): types,
// imports, functions with bodies given as hex bytes, and constant expressions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "../format/test_util.h"
#include "format/module.h"
#include "validate/validate.h"

namespace nw::test {

inline constexpr ValType I32 = ValType::kI32;
inline constexpr ValType I64 = ValType::kI64;
inline constexpr ValType F32 = ValType::kF32;
inline constexpr ValType F64 = ValType::kF64;
inline constexpr ValType V128 = ValType::kV128;
inline constexpr ValType FuncRef = ValType::kFuncRef;
inline constexpr ValType ExternRef = ValType::kExternRef;

// Offset at which the builder places function bodies (errors are checked against it).
inline constexpr size_t kBodyBase = 0x100;

inline ConstExpr Expr(std::string_view hex, size_t offset = 0x40) {
  ConstExpr e;
  e.bytes = Hex(hex);
  e.offset = offset;
  return e;
}

struct TestModule {
  ModuleDesc m;

  uint32_t Type(std::vector<ValType> params, std::vector<ValType> results) {
    m.types.push_back(FuncType{std::move(params), std::move(results)});
    return static_cast<uint32_t>(m.types.size() - 1);
  }
  // A defined function; returns its index in the function index space.
  uint32_t Func(uint32_t type, std::string_view body_hex, std::vector<LocalDecl> locals = {}) {
    Function f;
    f.type_index = type;
    f.locals = std::move(locals);
    f.body = Hex(body_hex);
    f.body_offset = kBodyBase;
    f.code_offset = kBodyBase - 4;
    m.functions.push_back(std::move(f));
    return m.num_imported_funcs + static_cast<uint32_t>(m.functions.size() - 1);
  }
  void ImportFunc(uint32_t type) {
    Import im;
    im.module = "m";
    im.name = "f" + std::to_string(m.imports.size());
    im.kind = ExternKind::kFunc;
    im.func_type = type;
    m.imports.push_back(im);
    m.CountImports();
  }
  void ImportGlobal(ValType t, bool mut) {
    Import im;
    im.module = "m";
    im.name = "g" + std::to_string(m.imports.size());
    im.kind = ExternKind::kGlobal;
    im.global = GlobalType{t, mut};
    m.imports.push_back(im);
    m.CountImports();
  }
  void Global(ValType t, bool mut, std::string_view init_hex) {
    m.globals.push_back(nw::GlobalDecl{GlobalType{t, mut}, Expr(init_hex)});
  }
  void Memory(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    m.memories.push_back(MemoryType{Limits{min, max}});
  }
  void Table(ValType elem, uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    m.tables.push_back(TableType{elem, Limits{min, max}});
  }
  void Export(std::string name, ExternKind kind, uint32_t index) {
    m.exports.push_back(nw::Export{std::move(name), kind, index});
  }
  // A declarative element segment naming `funcs` (makes them usable by ref.func).
  void Declare(std::vector<uint32_t> funcs) {
    ElemSegment s;
    s.mode = SegmentMode::kDeclarative;
    s.flags = 3;
    s.func_indices = std::move(funcs);
    m.elems.push_back(std::move(s));
  }
  void PassiveData(size_t n = 1) {
    for (size_t i = 0; i < n; ++i) {
      DataSegment d;
      d.mode = SegmentMode::kPassive;
      d.flags = 1;
      d.bytes = {1, 2, 3};
      m.datas.push_back(std::move(d));
    }
    m.data_count = static_cast<uint32_t>(m.datas.size());
  }

  Status Validate() const { return ValidateModule(m); }
};

// The error message of a failed status, or "ok".
inline std::string Message(const Status& st) {
  return st ? "ok" : st.error().message;
}

}  // namespace nw::test
