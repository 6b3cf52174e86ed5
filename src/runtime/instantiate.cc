// Linking and instantiation (WebAssembly 2.0, "instantiate"): resolve imports by (module, name)
// with the spec's extern-type matching (no side effect on failure), allocate the instance's
// functions, tables, memories and globals, evaluate constant expressions, then run the active
// element and data segments in order and the start function. A trap there leaves what was
// already written in place, as 2.0 says.
#include <cstring>
#include <new>
#include <string>

#include "base/reader.h"
#include "format/instr_reader.h"
#include "runtime/builtins.h"
#include "runtime/vm.h"

namespace nw {
namespace {

std::string Key(std::string_view module, std::string_view name) {
  std::string key(module);
  key.push_back('\0');
  key.append(name);
  return key;
}

std::unexpected<InstantiationError> LinkError(std::string message) {
  InstantiationError e;
  e.message = std::move(message);
  return std::unexpected(std::move(e));
}

std::unexpected<InstantiationError> TrapError(Trap trap) {
  InstantiationError e;
  e.is_trap = true;
  e.message = trap.message;
  e.trap = std::move(trap);
  return std::unexpected(std::move(e));
}

std::string ImportName(const Import& im) { return "\"" + im.module + "\" \"" + im.name + "\""; }

// Limits subtyping: the provided `min` (current size) and `max` against the required limits.
bool LimitsMatch(uint64_t min, std::optional<uint64_t> max, const Limits& required) {
  if (min < required.min) return false;
  if (required.max && (!max || *max > *required.max)) return false;
  return true;
}

// Whether `item` can be the import `im` of module `m`.
bool ImportMatches(const Import& im, const Module::Impl& m, const Extern& item) {
  switch (im.kind) {
    case ExternKind::kFunc: {
      auto* const* f = std::get_if<Func*>(&item);
      return f && AsObj(*f)->f.type_id == m.type_ids[im.func_type];
    }
    case ExternKind::kTable: {
      auto* const* t = std::get_if<Table*>(&item);
      if (!t) return false;
      const TableObj* obj = AsObj(*t);
      return obj->elem_type_ == im.table.elem &&
             LimitsMatch(obj->elems_.size(), obj->max_, im.table.limits);
    }
    case ExternKind::kMemory: {
      auto* const* mem = std::get_if<Memory*>(&item);
      if (!mem) return false;
      // A store's memories are never shared (Memory::Create refuses a shared type), and a
      // module importing a shared memory never gets here (Module::FromDesc refuses it).
      if (im.memory.shared) return false;
      const MemoryObj* obj = AsObj(*mem);
      std::optional<uint64_t> max;
      if (obj->has_max_) max = obj->max_pages_;
      return LimitsMatch(obj->def_.length / kPageSize, max, im.memory.limits);
    }
    case ExternKind::kGlobal: {
      auto* const* g = std::get_if<Global*>(&item);
      return g && AsObj(*g)->type_ == im.global;
    }
    case ExternKind::kTag: {
      auto* const* t = std::get_if<Tag*>(&item);
      return t && AsObj(*t)->type_id_ == m.type_ids[im.tag_type];
    }
  }
  return false;
}

// Evaluates a validated constant expression of `inst` (whose funcs and the globals it may
// read are already set) to a slot word; a v128 value's high 8 bytes go to *hi.
Result<uint64_t> EvalConstExpr(const ConstExpr& expr, const InstanceObj& inst,
                               uint64_t* hi = nullptr) {
  Reader r(expr.bytes, expr.offset);
  RawImm imm;
  uint64_t stack[4];
  uint64_t stack_hi[4];
  size_t height = 0;
  for (;;) {
    size_t at = r.offset();
    NW_TRY_ASSIGN(Opcode op, ReadOpcode(r));
    NW_TRY(ReadImmediates(r, op, imm, inst.module->desc().features));
    uint64_t v = 0, v_hi = 0;
    switch (op) {
      case Opcode::kEnd:
        if (height != 1) return MakeError(at, "type mismatch");
        if (hi != nullptr) *hi = stack_hi[0];
        return stack[0];
      case Opcode::kI32Const: v = static_cast<uint32_t>(imm.value); break;
      case Opcode::kF32Const: v = static_cast<uint32_t>(imm.value); break;
      case Opcode::kI64Const:
      case Opcode::kF64Const: v = imm.value; break;
      case Opcode::kRefNull: v = 0; break;
      case Opcode::kRefFunc:
        if (imm.index >= inst.funcs.size()) return MakeError(at, "unknown function");
        v = reinterpret_cast<uint64_t>(inst.funcs[imm.index]);
        break;
      case Opcode::kGlobalGet:
        if (imm.index >= inst.globals.size()) return MakeError(at, "unknown global");
        v = inst.globals[imm.index]->def_.lo;
        v_hi = inst.globals[imm.index]->def_.hi;
        break;
      case Opcode::kV128Const:
        std::memcpy(&v, imm.bytes, 8);
        std::memcpy(&v_hi, imm.bytes + 8, 8);
        break;
      default: return MakeError(at, "constant expression required");
    }
    if (height == std::size(stack)) return MakeError(at, "type mismatch");
    stack_hi[height] = v_hi;
    stack[height++] = v;
  }
}

// Allocation failures and unsupported types are reported like link errors: nothing ran yet.
std::unexpected<InstantiationError> ResourceError(const Error& e) {
  return LinkError("cannot instantiate: " + e.message);
}

// Creates the module's own functions, tables, memories and globals after the imports.
std::expected<void, InstantiationError> AllocateDefinitions(Store& store, InstanceObj& inst) {
  const Module::Impl& m = inst.module->impl();
  const ModuleDesc& d = m.desc;
  for (size_t i = 0; i < d.functions.size(); ++i) {
    FuncObj* f = NewFuncObj(store);
    const uint32_t ti = d.functions[i].type_index;
    f->f.type = &d.types[ti];
    f->f.type_id = m.type_ids[ti];
    f->f.instance = &inst;
    const FuncEntry entry = m.code->Entry(static_cast<uint32_t>(i));
    f->f.code = entry.code;
    f->f.array_call = entry.array_call;
    f->f.array_data = entry.array_data;
    f->f.func_index = d.num_imported_funcs + static_cast<uint32_t>(i);
    inst.funcs.push_back(f);
  }
  const StoreLimits& limits = store.impl().limits;
  for (const TableType& t : d.tables) {
    const uint64_t cap = std::min<uint64_t>(limits.max_table_elements, kMaxTableElems);
    if (t.limits.min > cap)
      return LinkError("cannot instantiate: table of " + std::to_string(t.limits.min) +
                       " elements exceeds the store limit of " + std::to_string(cap));
    TableObj* obj = NewTableObj(store, t, 0);
    if (!obj)
      return LinkError("cannot instantiate: out of memory for a table of " +
                       std::to_string(t.limits.min) + " elements");
    inst.tables.push_back(obj);
  }
  for (const MemoryType& t : d.memories) {
    if (t.limits.min > limits.max_memory_pages)
      return LinkError("cannot instantiate: memory of " + std::to_string(t.limits.min) +
                       " pages exceeds the store limit of " +
                       std::to_string(limits.max_memory_pages) + " pages");
    MemoryObj* obj = NewMemoryObj(store, t);
    if (!obj) return LinkError("cannot instantiate: memory allocation failed");
    inst.memories.push_back(obj);
  }
  for (const GlobalDecl& g : d.globals) {
    uint64_t hi = 0;
    auto v = EvalConstExpr(g.init, inst, &hi);
    if (!v) return ResourceError(v.error());
    inst.globals.push_back(NewGlobalObj(store, g.type, *v, hi));
  }
  // Tags are generative: each instantiation defines new ones.
  for (uint32_t type_index : d.tags) inst.tags.push_back(NewTagObj(store, d.types[type_index]));
  if (!inst.memories.empty()) inst.mem0 = inst.memories[0];
  return {};
}

// Lays out the instance's VMContext (runtime/vm_offsets.h) over its imports and definitions,
// with the instance word below it, and gives its functions their vmctx.
void BuildVMContext(Store& store, InstanceObj& inst) {
  const Module::Impl& m = inst.module->impl();
  const VMOffsets& o = m.offsets;
  inst.vmctx_storage = std::make_unique<uint64_t[]>(1 + o.size() / sizeof(uint64_t));
  inst.vmctx = reinterpret_cast<uint8_t*>(inst.vmctx_storage.get() + 1);
  auto put = [&](uint32_t offset, const void* p) { std::memcpy(inst.vmctx + offset, &p, 8); };
  const InstanceObj* self = &inst;
  std::memcpy(inst.vmctx - 8, &self, 8);
  put(VMOffsets::builtins(), &RuntimeBuiltins());
  put(VMOffsets::limits(), store.impl().live_limits());
  put(VMOffsets::type_ids(), m.type_ids.data());
  put(VMOffsets::memory(0), &inst.mem0->def_);
  for (uint32_t i = 1; i < inst.memories.size(); ++i)
    put(VMOffsets::memory(i), &inst.memories[i]->def_);
  for (uint32_t i = 0; i < inst.globals.size(); ++i) put(o.global(i), &inst.globals[i]->def_);
  for (uint32_t i = 0; i < inst.tables.size(); ++i) put(o.table(i), &inst.tables[i]->def_);
  for (uint32_t i = 0; i < inst.funcs.size(); ++i) {
    put(o.func(i), inst.funcs[i]);
    if (i >= m.desc.num_imported_funcs) inst.funcs[i]->f.vmctx = inst.vmctx;
  }
}

void CollectExports(InstanceObj& inst) {
  for (const Export& e : inst.module->desc().exports) {
    Extern item;
    switch (e.kind) {
      case ExternKind::kFunc: item = static_cast<Func*>(inst.funcs[e.index]); break;
      case ExternKind::kTable: item = static_cast<Table*>(inst.tables[e.index]); break;
      case ExternKind::kMemory: item = static_cast<Memory*>(inst.memories[e.index]); break;
      case ExternKind::kGlobal: item = static_cast<Global*>(inst.globals[e.index]); break;
      case ExternKind::kTag: item = static_cast<Tag*>(inst.tags[e.index]); break;
    }
    inst.exports.emplace(e.name, item);
  }
}

// Evaluates every element segment's items (2.0 does it while allocating the instance).
std::expected<void, InstantiationError> EvaluateElemSegments(InstanceObj& inst) {
  const ModuleDesc& d = inst.module->desc();
  inst.elem_segments.resize(d.elems.size());
  for (size_t i = 0; i < d.elems.size(); ++i) {
    const ElemSegment& s = d.elems[i];
    auto& items = inst.elem_segments[i];
    items.reserve(s.Size());
    if (s.flags & 4) {
      for (const ConstExpr& e : s.exprs) {
        auto v = EvalConstExpr(e, inst);
        if (!v) return ResourceError(v.error());
        items.push_back(*v);
      }
    } else {
      for (uint32_t f : s.func_indices) items.push_back(reinterpret_cast<uint64_t>(inst.funcs[f]));
    }
  }
  inst.data_dropped.assign(d.datas.size(), false);
  return {};
}

// The instantiation's implicit table.init/elem.drop and memory.init/data.drop, in order.
std::expected<void, InstantiationError> RunSegments(InstanceObj& inst) {
  const ModuleDesc& d = inst.module->desc();
  for (size_t i = 0; i < d.elems.size(); ++i) {
    const ElemSegment& s = d.elems[i];
    auto& items = inst.elem_segments[i];
    if (s.mode == SegmentMode::kActive) {
      auto offset = EvalConstExpr(s.offset, inst);
      if (!offset) return ResourceError(offset.error());
      if (!InitTableRange(*inst.tables[s.table_index], items, static_cast<uint32_t>(*offset), 0,
                          static_cast<uint32_t>(items.size())))
        return TrapError(MakeTrap(TrapKind::kTableOutOfBounds));
    }
    if (s.mode != SegmentMode::kPassive) std::vector<uint64_t>().swap(items);
  }
  for (size_t i = 0; i < d.datas.size(); ++i) {
    const DataSegment& s = d.datas[i];
    if (s.mode != SegmentMode::kActive) continue;
    auto offset = EvalConstExpr(s.offset, inst);
    if (!offset) return ResourceError(offset.error());
    if (!InitMemoryRange(*inst.memories[s.memory_index], s.bytes, static_cast<uint32_t>(*offset),
                         0, static_cast<uint32_t>(s.bytes.size())))
      return TrapError(MakeTrap(TrapKind::kMemoryOutOfBounds));
    inst.data_dropped[i] = true;
  }
  return {};
}

}  // namespace

void Linker::Define(std::string_view module, std::string_view name, Extern item) {
  std::string key = Key(module, name);
  for (auto& [k, v] : items_) {
    if (k == key) {
      v = item;
      return;
    }
  }
  items_.emplace_back(std::move(key), item);
}

void Linker::DefineInstance(std::string_view module, Instance* instance) {
  for (const auto& [name, item] : static_cast<InstanceObj*>(instance)->exports)
    Define(module, name, item);
}

std::expected<Instance*, InstantiationError> Linker::Instantiate(
    Store& store, const std::shared_ptr<const Module>& module) {
  // What instantiation allocates is proportional to the module (objects, evaluated segments,
  // exports) and bounded by the limits of format/limits.h and StoreLimits; running out of
  // memory even so is an instantiation error, never std::bad_alloc ending the host. (Tables
  // and memories report their own failures without throwing; the start function's host calls
  // are guarded in interp/exec.cc.)
  try {
    return InstantiateImpl(store, module);
  } catch (const std::bad_alloc&) {
    return LinkError("cannot instantiate: out of memory");
  }
}

std::expected<Instance*, InstantiationError> Linker::InstantiateImpl(
    Store& store, const std::shared_ptr<const Module>& module) {
  const Module::Impl& m = module->impl();
  const ModuleDesc& d = m.desc;

  // A store runs the code of one tier (its StoreContext is that tier's).
  if (m.tier != &store.engine().tier())
    return LinkError("cannot instantiate: the module was compiled by the " +
                     std::string(m.tier->Name()) + " tier, the store's engine runs the " +
                     std::string(store.engine().tier().Name()) + " tier");
  if (store.impl().instances.size() >= store.impl().limits.max_instances)
    return LinkError("cannot instantiate: instance limit of the store reached (" +
                     std::to_string(store.impl().limits.max_instances) + ")");

  // Code compiled for guard regions (the opt tier's, Config::UsesGuardRegion) leaves out the
  // bounds checks that every memory's 4 GiB + guard reservation makes unneeded, in every
  // memory it addresses (multi-memory included): each of its memories, defined (made by the
  // store's engine) or imported, must have that reservation, else those accesses could leave it.
  const bool needs_guard = m.config.tier == Config::ExecutionTier::kOpt && m.config.UsesGuardRegion();
  if (needs_guard && d.NumMemories() > 0 && !store.engine().config().UsesGuardRegion())
    return LinkError("cannot instantiate: the module's code was compiled for guard-region "
                     "memories, the store's engine makes memories without them "
                     "(Config::bounds_checks)");

  // Resolve every import before creating anything.
  std::vector<Extern> resolved;
  resolved.reserve(d.imports.size());
  for (const Import& im : d.imports) {
    const std::string key = Key(im.module, im.name);
    const Extern* found = nullptr;
    for (const auto& [k, v] : items_) {
      if (k == key) {
        found = &v;
        break;
      }
    }
    if (!found) return LinkError("unknown import " + ImportName(im));
    if (!ImportMatches(im, m, *found)) return LinkError("incompatible import type " + ImportName(im));
    if (needs_guard && im.kind == ExternKind::kMemory &&
        !AsObj(std::get<Memory*>(*found))->guard_region_)
      return LinkError("memory import " + ImportName(im) + " has no guard region (it was made by "
                       "an engine with explicit bounds checks), which the module's code, "
                       "compiled for guard regions, relies on");
    resolved.push_back(*found);
  }

  InstanceObj* inst = NewInstanceObj(store);
  inst->module = module;
  for (const Extern& e : resolved) {
    if (auto* f = std::get_if<Func*>(&e)) inst->funcs.push_back(AsObj(*f));
    else if (auto* t = std::get_if<Table*>(&e)) inst->tables.push_back(AsObj(*t));
    else if (auto* mem = std::get_if<Memory*>(&e)) inst->memories.push_back(AsObj(*mem));
    else if (auto* tag = std::get_if<Tag*>(&e)) inst->tags.push_back(AsObj(*tag));
    else inst->globals.push_back(AsObj(std::get<Global*>(e)));
  }

  if (auto r = AllocateDefinitions(store, *inst); !r) {
    // Nothing ran and nothing outside the new instance changed: it does not count against the
    // store's instance limit. (Objects it allocated stay owned by the store, unreachable.)
    store.impl().instances.pop_back();
    return std::unexpected(std::move(r.error()));
  }
  // Before any of the instance's code can run (segments may store its functions in an
  // imported table, where they stay callable even if instantiation then traps).
  BuildVMContext(store, *inst);
  CollectExports(*inst);
  if (auto r = EvaluateElemSegments(*inst); !r) return std::unexpected(std::move(r.error()));
  if (auto r = RunSegments(*inst); !r) return std::unexpected(std::move(r.error()));
  if (d.start) {
    auto r = InvokeFunc(store, inst->funcs[*d.start], {}, {});
    if (!r) return TrapError(std::move(r.error()));
  }
  return inst;
}

}  // namespace nw
