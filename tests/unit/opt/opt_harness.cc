// The opt tier's test harness (see opt_harness.h).
#include "opt_harness.h"

#include <cstring>

namespace nw::opt::test {
namespace {

OptInstance* Self(VmContext* vmctx) { return static_cast<OptInstance*>(VmInstanceOf(vmctx)); }

bool InRange(uint64_t start, uint64_t n, uint64_t size) { return start + n <= size; }

[[noreturn]] void TrapBuiltin(VmContext* vmctx, uint32_t code) {
  Self(vmctx)->store->RaiseTrap(MakeTrap(static_cast<TrapKind>(code)));
}

int32_t MemoryGrowBuiltin(VmContext* vmctx, uint32_t delta) {
  OptInstance* oi = Self(vmctx);
  int64_t r = oi->inst->mem0->GrowPages(delta);
  oi->store->Refresh();
  return static_cast<int32_t>(r);
}

void MemoryFillBuiltin(VmContext* vmctx, uint32_t d, uint32_t val, uint32_t n) {
  MemoryObj* m = Self(vmctx)->inst->mem0;
  if (!InRange(d, n, m->def_.length)) TrapBuiltin(vmctx, static_cast<uint32_t>(TrapKind::kMemoryOutOfBounds));
  if (n) std::memset(m->def_.base + d, static_cast<uint8_t>(val), n);
}

void MemoryCopyBuiltin(VmContext* vmctx, uint32_t d, uint32_t s, uint32_t n) {
  MemoryObj* m = Self(vmctx)->inst->mem0;
  if (!InRange(s, n, m->def_.length) || !InRange(d, n, m->def_.length))
    TrapBuiltin(vmctx, static_cast<uint32_t>(TrapKind::kMemoryOutOfBounds));
  if (n) std::memmove(m->def_.base + d, m->def_.base + s, n);
}

void MemoryInitBuiltin(VmContext* vmctx, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  InstanceObj* inst = Self(vmctx)->inst;
  std::span<const uint8_t> src;
  if (!inst->data_dropped[seg]) src = inst->module->desc().datas[seg].bytes;
  if (!InitMemoryRange(*inst->mem0, src, d, s, n))
    TrapBuiltin(vmctx, static_cast<uint32_t>(TrapKind::kMemoryOutOfBounds));
}

void DataDropBuiltin(VmContext* vmctx, uint32_t seg) { Self(vmctx)->inst->data_dropped[seg] = true; }

// An imported function that is not compiled: called through the runtime.
void ImportThunkEntry(void* ctx, uint64_t* words) {
  auto* t = static_cast<ImportThunk*>(ctx);
  const FuncType& type = *t->func->f.type;
  std::optional<Trap> trap;
  {
    std::vector<uint64_t> args(words, words + SlotCount(type.params));
    std::vector<uint64_t> results(SlotCount(type.results));
    TrapResult<void> r = t->func->CallUnchecked(t->store->store(), args, results);
    if (r) std::copy(results.begin(), results.end(), words);
    else trap = std::move(r.error());
  }
  if (trap) t->store->RaiseTrap(std::move(*trap));
}

uintptr_t StackPointer() { return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

}  // namespace

OptStore::OptStore() : store_(engine_) {
  DefineSpectest(linker_, store_);
  builtins_.Trap = TrapBuiltin;
  builtins_.MemoryGrow = MemoryGrowBuiltin;
  builtins_.MemoryFill = MemoryFillBuiltin;
  builtins_.MemoryCopy = MemoryCopyBuiltin;
  builtins_.MemoryInit = MemoryInitBuiltin;
  builtins_.DataDrop = DataDropBuiltin;
}

Result<std::shared_ptr<const LoadedCode>> OptStore::CompileAndLoad(const ModuleDesc& desc,
                                                                   const Options& options) {
  NW_TRY_ASSIGN(CompiledObject obj, CompileModule(desc, options));
  NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(obj.elf));
  return std::shared_ptr<const LoadedCode>(std::move(code));
}

OptInstance* OptStore::FindFuncRef(FuncObj* f, VmFuncRef** out) {
  for (auto& oi : instances_) {
    if (f->f.instance != oi->inst) continue;
    uint32_t index = f->f.func_index;
    if (index >= oi->funcrefs.size() || !oi->funcrefs[index].entry) return nullptr;
    *out = &oi->funcrefs[index];
    return oi.get();
  }
  return nullptr;
}

std::expected<OptInstance*, std::string> OptStore::Instantiate(
    const std::shared_ptr<const Module>& m, std::shared_ptr<const LoadedCode> code) {
  auto inst = linker_.Instantiate(store_, m);
  if (!inst)
    return std::unexpected(inst.error().is_trap ? inst.error().trap.message : inst.error().message);
  auto oi = std::make_unique<OptInstance>();
  oi->store = this;
  oi->inst = static_cast<InstanceObj*>(*inst);
  oi->code = std::move(code);
  const ModuleDesc& desc = m->desc();
  for (const FuncType& t : desc.types) oi->type_ids.push_back(InternFuncType(t));
  oi->offsets = VmOffsets(desc.NumMemories(), desc.NumGlobals());
  oi->block.assign(1 + oi->offsets.size() / 8, 0);
  oi->block[0] = reinterpret_cast<uint64_t>(oi.get());
  oi->vmctx = reinterpret_cast<VmContext*>(&oi->block[1]);
  oi->funcrefs.resize(desc.NumFuncs());
  for (uint32_t i = desc.num_imported_funcs; i < desc.NumFuncs(); ++i) {
    const void* entry = oi->code->Symbol(kFuncSymbolPrefix + std::to_string(i));
    if (entry)
      oi->funcrefs[i] = VmFuncRef{entry, oi->vmctx, oi->type_ids[desc.FuncTypeIndex(i)]};
  }
  oi->thunks.resize(desc.num_imported_funcs);
  for (uint32_t i = 0; i < desc.num_imported_funcs; ++i) {
    FuncObj* f = oi->inst->funcs[i];
    VmFuncRef* ref = nullptr;
    OptInstance* owner = f->f.instance ? FindFuncRef(f, &ref) : nullptr;
    const void* array = owner ? owner->code->Symbol(kArraySymbolPrefix + std::to_string(f->f.func_index))
                              : nullptr;
    if (array) {
      oi->imports.push_back(VmImportFunc{reinterpret_cast<VmArrayEntry>(const_cast<void*>(array)),
                                         owner->vmctx});
    } else {
      oi->thunks[i] = ImportThunk{this, f};
      oi->imports.push_back(VmImportFunc{ImportThunkEntry, &oi->thunks[i]});
    }
  }
  oi->tables.resize(oi->inst->tables.size());
  oi->table_elems.resize(oi->inst->tables.size());
  for (VmTable& t : oi->tables) oi->table_ptrs.push_back(&t);
  auto set = [&](uint32_t offset, const void* p) {
    oi->block[1 + offset / 8] = reinterpret_cast<uint64_t>(p);
  };
  auto& def = memory_defs_[oi->inst->mem0];
  if (!def) def = std::make_unique<VmMemoryDefinition>();
  set(VmOffsets::memory(0), def.get());
  for (uint32_t i = 0; i < oi->inst->globals.size(); ++i)
    set(oi->offsets.global(i), &oi->inst->globals[i]->def_.lo);
  set(oi->offsets.builtins(), &builtins_);
  set(oi->offsets.type_ids(), oi->type_ids.data());
  set(oi->offsets.tables(), oi->table_ptrs.data());
  set(oi->offsets.imports(), oi->imports.data());
  instances_.push_back(std::move(oi));
  OptInstance* result = instances_.back().get();
  // Every function a table holds must be compiled code the tables can point to.
  for (TableObj* t : result->inst->tables) {
    for (uint64_t e : std::span(t->elems_.data(), t->elems_.size())) {
      VmFuncRef* ref;
      if (e && t->elem_type_ == ValType::kFuncRef && !FindFuncRef(reinterpret_cast<FuncObj*>(e), &ref))
        return std::unexpected("harness: a table holds a function that is not compiled code");
    }
  }
  Refresh();
  return result;
}

// Mirrors the runtime's state into every vmctx: memory bounds and table snapshots (the
// interim layout has its own table arrays; the runtime's layout will share one).
void OptStore::Refresh() {
  for (auto& [mem, def] : memory_defs_) *def = VmMemoryDefinition{mem->def_.base, mem->def_.length};
  for (auto& oi : instances_) {
    for (size_t t = 0; t < oi->tables.size(); ++t) {
      TableObj* table = oi->inst->tables[t];
      auto& elems = oi->table_elems[t];
      elems.assign(table->elems_.size(), nullptr);
      for (size_t i = 0; i < elems.size(); ++i) {
        uint64_t e = table->elems_[i];
        if (e && table->elem_type_ == ValType::kFuncRef) FindFuncRef(reinterpret_cast<FuncObj*>(e), &elems[i]);
      }
      oi->tables[t] = VmTable{elems.data(), elems.size()};
    }
  }
}

void OptStore::RaiseTrap(Trap trap) {
  trap_ = std::move(trap);
  std::longjmp(*jmp_, 1);
}

TrapResult<std::vector<uint64_t>> OptStore::Call(OptInstance& oi, uint32_t func_index,
                                                 std::span<const uint64_t> args) {
  if (func_index < oi.inst->module->desc().num_imported_funcs) {
    // A re-exported import: call its compiled owner, or the runtime for a host function.
    FuncObj* f = oi.inst->funcs[func_index];
    VmFuncRef* ref;
    if (OptInstance* owner = FindFuncRef(f, &ref)) return Call(*owner, f->f.func_index, args);
    std::vector<uint64_t> results(SlotCount(f->f.type->results));
    TrapResult<void> r = f->CallUnchecked(store_, args, results);
    if (!r) return std::unexpected(std::move(r.error()));
    return results;
  }
  const FuncType& type = oi.inst->module->desc().FuncSig(func_index);
  const void* entry = oi.code->Symbol(kArraySymbolPrefix + std::to_string(func_index));
  if (!entry) return std::unexpected(MakeHostTrap("harness: no array entry for the function"));
  std::vector<uint64_t> words(std::max(SlotCount(type.params), SlotCount(type.results)));
  std::copy(args.begin(), args.end(), words.begin());
  Refresh();
  for (auto& o : instances_)
    o->block[1 + o->offsets.stack_limit() / 8] = StackPointer() - (size_t{4} << 20);
  auto fn = reinterpret_cast<void (*)(VmContext*, uint64_t*)>(const_cast<void*>(entry));
  std::jmp_buf buf;
  std::jmp_buf* saved = jmp_;
  jmp_ = &buf;
  if (setjmp(buf) != 0) {
    jmp_ = saved;
    return std::unexpected(std::move(trap_));
  }
  fn(oi.vmctx, words.data());
  jmp_ = saved;
  words.resize(SlotCount(type.results));
  return words;
}

TrapResult<std::vector<uint64_t>> OptStore::CallExport(OptInstance& oi, std::string_view name,
                                                       std::span<const uint64_t> args) {
  for (const Export& e : oi.inst->module->desc().exports)
    if (e.kind == ExternKind::kFunc && e.name == name) return Call(oi, e.index, args);
  return std::unexpected(MakeHostTrap("harness: no export " + std::string(name)));
}

}  // namespace nw::opt::test
