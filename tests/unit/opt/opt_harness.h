// A test harness for the opt tier until it is wired into the runtime (`--tier opt`): modules
// are instantiated by the runtime as usual (imports, segments, start function: the
// interpreter's tier), then an INTERIM VmContext (src/opt/vm_context.h) is built over the
// instance's memory, globals and tables, and exports are called through the compiled array-
// call trampolines. Traps unwind from the Trap builtin to Call with longjmp (compiled frames
// hold nothing to clean up). Not the runtime's design: the runtime will own the vmctx.
#pragma once

#include <csetjmp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nanowasm/runtime.h"
#include "opt/compiler.h"
#include "opt/loader.h"
#include "opt/vm_context.h"
#include "runtime/vm.h"

namespace nw::opt::test {

class OptStore;

struct ImportThunk {
  OptStore* store = nullptr;
  FuncObj* func = nullptr;
};

struct OptInstance {
  OptStore* store = nullptr;
  InstanceObj* inst = nullptr;
  std::shared_ptr<const LoadedCode> code;
  VmOffsets offsets;
  std::vector<uint64_t> block;  // [0] = this OptInstance*, then the vmctx's slots
  VmContext* vmctx = nullptr;   // &block[1]
  std::vector<uint32_t> type_ids;
  std::vector<VmTable> tables;
  std::vector<VmTable*> table_ptrs;
  std::vector<std::vector<VmFuncRef*>> table_elems;
  std::vector<VmFuncRef> funcrefs;  // per function index (defined functions only)
  std::vector<VmImportFunc> imports;
  std::vector<ImportThunk> thunks;
};

// One runtime store (with the spectest module in its linker) and the compiled instances in it.
class OptStore {
 public:
  OptStore();
  Store& store() { return store_; }
  Linker& linker() { return linker_; }
  const Engine& engine() const { return engine_; }

  // Compiles `module`'s description with the opt tier (errors as CompileModule's).
  static Result<std::shared_ptr<const LoadedCode>> CompileAndLoad(const ModuleDesc& desc,
                                                                  const Options& options = {});
  // Instantiates through the linker and builds the compiled view. An error string says why
  // (link error, start trap, or a table holding a function the harness cannot represent).
  std::expected<OptInstance*, std::string> Instantiate(const std::shared_ptr<const Module>& m,
                                                       std::shared_ptr<const LoadedCode> code);
  // Calls function `func_index` of `oi` with slot words; results as slot words.
  TrapResult<std::vector<uint64_t>> Call(OptInstance& oi, uint32_t func_index,
                                         std::span<const uint64_t> args);
  // Calls the export `name`.
  TrapResult<std::vector<uint64_t>> CallExport(OptInstance& oi, std::string_view name,
                                               std::span<const uint64_t> args);

  // Used by the builtins.
  void Refresh();
  [[noreturn]] void RaiseTrap(Trap trap);
  OptInstance* FindFuncRef(FuncObj* f, VmFuncRef** out);

 private:
  Engine engine_;
  Store store_;
  Linker linker_;
  std::vector<std::unique_ptr<OptInstance>> instances_;
  VmBuiltins builtins_;
  std::jmp_buf* jmp_ = nullptr;
  Trap trap_;
  std::map<MemoryObj*, std::unique_ptr<VmMemoryDefinition>> memory_defs_;
};

}  // namespace nw::opt::test
