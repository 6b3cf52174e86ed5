// The `spectest` host module the spec testsuite imports from, as the reference interpreter
// defines it: print functions (which print nothing here), four immutable globals, a funcref
// table of 10..20 elements and a memory of 1..2 pages.
#include "runtime/vm.h"

namespace nw {

void DefineSpectest(Linker& linker, Store& store) {
  auto print = [&](std::string_view name, std::vector<ValType> params) {
    HostCallback nothing = [](Caller&, std::span<const Val>, std::span<Val>) -> TrapResult<void> {
      return {};
    };
    linker.Define("spectest", name, Func::CreateHost(store, FuncType{std::move(params), {}}, nothing));
  };
  print("print", {});
  print("print_i32", {ValType::kI32});
  print("print_i64", {ValType::kI64});
  print("print_f32", {ValType::kF32});
  print("print_f64", {ValType::kF64});
  print("print_i32_f32", {ValType::kI32, ValType::kF32});
  print("print_f64_f64", {ValType::kF64, ValType::kF64});

  auto global = [&](std::string_view name, Val v) {
    linker.Define("spectest", name, Global::Create(store, GlobalType{v.type, false}, v));
  };
  global("global_i32", Val::I32(666));
  global("global_i64", Val::I64(666));
  global("global_f32", Val::F32Bits(0x4426a666u));            // 666.6f
  global("global_f64", Val::F64Bits(0x4084d4cccccccccdull));  // 666.6

  linker.Define("spectest", "table",
                Table::Create(store, TableType{ValType::kFuncRef, Limits{10, 20}},
                              Val::FuncRef(nullptr)));
  linker.Define("spectest", "memory", Memory::Create(store, MemoryType{Limits{1, 2}}));
}

}  // namespace nw
