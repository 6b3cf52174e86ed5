// Component validation (see validate.h for the rules covered). One Validator walks the AST with
// a stack of scopes (component, component type, instance type), each holding its index spaces.
// Types live in one arena so that outer aliases share them; an entry records only what later
// checks need (defined-value-type properties, function result borrows, the imports and exports
// of component and instance types, core module and instance exports).
#include "component/validate.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "component/dump.h"
#include "format/limits.h"
#include "component/names.h"

namespace nw::component {
namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr uint64_t kMaxValueSize = uint64_t{1} << 28;
constexpr uint64_t kSizeCap = uint64_t{1} << 40;  // saturation for size arithmetic

struct Entity {
  Sort sort = Sort::kFunc;
  uint32_t id = kNone;  // arena id; meaning depends on the sort
};

struct NamedEntity {
  std::string name;
  Entity entity;
};

// A value type operand as the validator keeps it: absent, an inline primitive, or a type id.
struct Kid {
  bool present = false;
  bool prim = false;
  PrimType p = PrimType::kBool;
  uint32_t id = UINT32_MAX;
};

// A component-level type (sort `type`), a func's type, or the type of a component or instance.
struct TypeInfo {
  TypeDef::Kind kind = TypeDef::Kind::kDefVal;
  // kDefVal
  DefValKind val_kind = DefValKind::kPrim;
  PrimType prim = PrimType::kBool;
  bool has_borrow = false;
  bool has_resource = false;
  uint64_t size = 0;
  uint64_t align = 1;
  // kFunc
  bool async = false;
  // Types referenced by this one (defined value types and function types), for the external
  // visibility rule; `exportable` is set on the index an import or export introduces.
  std::vector<uint32_t> refs;
  bool exportable = false, imported = false;
  // kFunc: parameter labels and types (kNone for primitives), result (kNone if primitive/none).
  std::vector<std::pair<std::string, uint32_t>> params;
  bool has_result = false;
  uint32_t result = UINT32_MAX;
  // kDefVal kResult: ok type id (kNone if absent or primitive).
  uint32_t ok = UINT32_MAX;
  // Canonical ABI flattening (capped at kFlatCap values) and whether a pointer to linear memory
  // (string, list, map) is inside. kFunc: of the parameters and of the result.
  std::vector<nw::ValType> flat, flat_results;
  bool has_ptr = false, result_ptr = false;
  // Structure for subtype checks: labels (fields, cases, flags, enum, params) and operands
  // (fields, cases, tuple/list/option elements, result ok/err, map key/value, params); kFunc:
  // `result` too. kResource: `abstract` for a fresh type made by a (sub resource) import.
  std::vector<std::string> labels;
  std::vector<Kid> kids;
  Kid result_kid;
  uint32_t length = 0;
  bool abstract = false;
  uint32_t owner = 0;  // kResource defined by `resource`: the serial of its component
  uint32_t alias_of = UINT32_MAX;  // the type an import/export index stands for
  // kComponent / kInstance
  std::vector<NamedEntity> imports, exports;
  // kInstance: the abstract resources this instance type declares (roots): each import of the
  // type, and each export of it inside another type, stands for new resource types.
  std::vector<uint32_t> generated;
  // kInstance: imported or exported (Mark), so the types it exports are named where aliased.
  bool named = false;
  // A copy without names (Unnamed, or an instantiation's exports): the named type index it
  // stands for in the component that named it; importing or exporting that identity here (an
  // alias of the child's export, then exported) makes the copies visible again.
  uint32_t origin = UINT32_MAX;
};

struct CoreItem {
  std::string module, name;  // module only for imports
  ExternKind kind = ExternKind::kFunc;
  bool is_tag = false;
  FuncType func;  // kind == kFunc
  GlobalType global;
  bool func_known = true;  // false for core functions made by canon lower and built-ins
  bool limits_known = false;  // table/memory types below are set
  TableType table;
  MemoryType memory;
};

struct CoreModuleInfo {
  std::vector<CoreItem> imports, exports;
};

struct CoreInstanceInfo {
  std::vector<CoreItem> exports;
};

struct CoreTypeInfo {
  bool is_module = false;
  FuncType func;
  uint32_t module = kNone;  // into core_modules_
};

enum class ScopeKind : uint8_t { kComponent, kComponentType, kInstanceType };

struct Scope {
  ScopeKind kind = ScopeKind::kComponent;
  std::vector<Entity> space[kNumSorts];
  std::unordered_map<std::string, std::string> import_names, export_names;  // key -> name
  std::vector<NamedEntity> imports, exports;
  // Resource types named by an import / an export of this scope (root type id -> label), for
  // the [constructor]/[method]/[static] rules.
  std::unordered_map<uint32_t, std::string> import_resources, export_resources;
  uint32_t serial = 0;  // identifies a concrete component (for "local" resources)
  // TypeInfo::origin identities this scope imported / exported (visibility of unnamed copies).
  std::unordered_set<uint32_t> imported_origins, exported_origins;
  std::vector<uint32_t> generated;  // type scopes: TypeInfo::generated of the type being built
};

const char* IndexWord(Sort s) {
  switch (s) {
    case Sort::kCoreFunc: return "core function";
    case Sort::kCoreTable: return "table";
    case Sort::kCoreMemory: return "memory";
    case Sort::kCoreGlobal: return "global";
    case Sort::kCoreTag: return "tag";
    case Sort::kCoreType: return "core type";
    case Sort::kCoreModule: return "module";
    case Sort::kCoreInstance: return "core instance";
    case Sort::kFunc: return "function";
    case Sort::kValue: return "value";
    case Sort::kType: return "type";
    case Sort::kComponent: return "component";
    case Sort::kInstance: return "instance";
  }
  return "?";
}

constexpr size_t kFlatCap = 17;  // one more than MAX_FLAT_PARAMS
constexpr size_t kMaxFlatParams = 16, kMaxFlatResults = 1;

void AppendFlat(std::vector<nw::ValType>& out, const std::vector<nw::ValType>& in) {
  for (nw::ValType t : in) {
    if (out.size() >= kFlatCap) return;
    out.push_back(t);
  }
}

nw::ValType JoinFlat(nw::ValType a, nw::ValType b) {
  if (a == b) return a;
  if ((a == nw::ValType::kI32 && b == nw::ValType::kF32) ||
      (a == nw::ValType::kF32 && b == nw::ValType::kI32))
    return nw::ValType::kI32;
  return nw::ValType::kI64;
}

std::string FlatText(const std::vector<nw::ValType>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    switch (v[i]) {
      case nw::ValType::kI32: s += "I32"; break;
      case nw::ValType::kI64: s += "I64"; break;
      case nw::ValType::kF32: s += "F32"; break;
      case nw::ValType::kF64: s += "F64"; break;
      default: s += "?"; break;
    }
  }
  return s + "]";
}

uint64_t AlignTo(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
uint64_t Sat(uint64_t v) { return v > kSizeCap ? kSizeCap : v; }

class Validator {
 public:
  Status Run(const Component& c) {
    NW_TRY_ASSIGN(uint32_t id, ComponentBody(c));
    (void)id;
    return Ok();
  }

 private:
  Scope& cur() { return scopes_.back(); }
  std::vector<Entity>& space(Sort s) { return cur().space[static_cast<size_t>(s)]; }

  Result<Entity> Get(Sort s, uint32_t index, size_t at) {
    auto& sp = space(s);
    if (index >= sp.size()) {
      return MakeError(at, "unknown " + std::string(IndexWord(s)) + " " + std::to_string(index) +
                               ": " + IndexWord(s) + " index out of bounds");
    }
    return sp[index];
  }
  void Push(Sort s, uint32_t id) { space(s).push_back({s, id}); }

  uint32_t NewType(TypeInfo t) {
    types_.push_back(std::move(t));
    return static_cast<uint32_t>(types_.size() - 1);
  }

  // --- components -----------------------------------------------------------------------------
  Result<uint32_t> ComponentBody(const Component& c) {
    scopes_.push_back(Scope{});
    cur().serial = ++next_serial_;
    for (const Section& s : c.sections) {
      for (uint32_t i = s.first; i < s.first + s.count; ++i) NW_TRY(Definition(c, s.kind, i));
    }
    TypeInfo t;
    t.kind = TypeDef::Kind::kComponent;
    t.imports = std::move(cur().imports);
    t.exports = std::move(cur().exports);
    scopes_.pop_back();
    return NewType(std::move(t));
  }

  Status Definition(const Component& c, SectionKind kind, uint32_t i) {
    switch (kind) {
      case SectionKind::kCustom: return Ok();
      case SectionKind::kCoreModule: {
        // Imports are identified by their mangled single-level name `module:name`.
        std::unordered_map<std::string, bool> seen;
        for (const nw::Import& im : c.core_modules[i].module.imports) {
          std::string key = im.module + ":" + im.name;
          if (!seen.emplace(key, true).second)
            return MakeError(c.core_modules[i].offset, "duplicate import name `" + key + "`");
        }
        Push(Sort::kCoreModule, ModuleInfo(c.core_modules[i].module));
        return Ok();
      }
      case SectionKind::kCoreInstance: return CoreInstanceDef(c.core_instances[i]);
      case SectionKind::kCoreType: return CoreTypeDefinition(c.core_types[i]);
      case SectionKind::kComponent: {
        NW_TRY_ASSIGN(uint32_t id, ComponentBody(c.components[i]));
        Push(Sort::kComponent, id);
        return Ok();
      }
      case SectionKind::kInstance: return InstanceDef(c.instances[i]);
      case SectionKind::kAlias: return AliasDef(c.aliases[i]);
      case SectionKind::kType: return TypeDefinition(c.types[i]);
      case SectionKind::kCanon: return CanonDef(c.canons[i]);
      case SectionKind::kStart: return StartDef(c.starts[i]);
      case SectionKind::kImport: {
        const Import& im = c.imports[i];
        return ImportDecl(im.name, im.type, im.offset);
      }
      case SectionKind::kExport: return ExportDef(c.exports[i]);
      case SectionKind::kValue: {
        NW_TRY(CheckValType(c.values[i].type, c.values[i].offset));
        Push(Sort::kValue, kNone);
        return Ok();
      }
    }
    return Ok();
  }

  // --- core modules and instances -------------------------------------------------------------
  uint32_t ModuleInfo(const ModuleDesc& m) {
    CoreModuleInfo info;
    for (const nw::Import& im : m.imports) {
      CoreItem item;
      item.module = im.module;
      item.name = im.name;
      item.kind = im.kind;
      item.global = im.global;
      if (im.kind == ExternKind::kFunc && im.func_type < m.types.size())
        item.func = m.types[im.func_type];
      item.table = im.table;
      item.memory = im.memory;
      item.limits_known = true;
      info.imports.push_back(std::move(item));
    }
    for (const nw::Export& ex : m.exports) {
      CoreItem item;
      item.name = ex.name;
      item.kind = ex.kind;
      if (ex.kind == ExternKind::kFunc) item.func = m.FuncSig(ex.index);
      if (ex.kind == ExternKind::kTable) item.table = m.GetTableType(ex.index);
      if (ex.kind == ExternKind::kMemory) item.memory = m.GetMemoryType(ex.index);
      item.limits_known = true;
      if (ex.kind == ExternKind::kGlobal) {
        uint32_t gi = 0;
        for (const nw::Import& im : m.imports) {
          if (im.kind == ExternKind::kGlobal && gi++ == ex.index) item.global = im.global;
        }
        if (ex.index >= m.num_imported_globals)
          item.global = m.globals[ex.index - m.num_imported_globals].type;
      }
      info.exports.push_back(std::move(item));
    }
    core_modules_.push_back(std::move(info));
    return static_cast<uint32_t>(core_modules_.size() - 1);
  }

  static Sort CoreSortOf(const CoreItem& it) {
    if (it.is_tag) return Sort::kCoreTag;
    switch (it.kind) {
      case ExternKind::kFunc: return Sort::kCoreFunc;
      case ExternKind::kTable: return Sort::kCoreTable;
      case ExternKind::kMemory: return Sort::kCoreMemory;
      case ExternKind::kGlobal: return Sort::kCoreGlobal;
      case ExternKind::kTag: return Sort::kCoreTag;
    }
    return Sort::kCoreFunc;
  }

  static bool LimitsMatch(const Limits& expected, const Limits& actual) {
    if (actual.min < expected.min) return false;
    if (expected.max && (!actual.max || *actual.max > *expected.max)) return false;
    return true;
  }
  // Core extern subtyping: `actual` supplied for import `im`.
  Status MatchCore(const CoreItem& im, const CoreItem& actual) {
    if (CoreSortOf(actual) != CoreSortOf(im)) {
      auto word = [](const CoreItem& c) {
        return c.is_tag ? std::string("tag") : std::string(ExternKindName(c.kind));
      };
      return Mismatch("expected " + word(im) + ", found " + word(actual));
    }
    if (im.is_tag) return Ok();
    switch (im.kind) {
      case ExternKind::kFunc:
        if (actual.func_known && actual.func != im.func)
          return Mismatch("expected: " + CoreFuncTypeText(im.func) + ", found: " +
                          CoreFuncTypeText(actual.func));
        return Ok();
      case ExternKind::kGlobal:
        if (actual.global.mut != im.global.mut) return Mismatch("mismatch in global mutability");
        if (actual.global.type != im.global.type)
          return Mismatch(std::string("expected global type ") + std::string(nw::ValTypeName(im.global.type)) +
                          ", found " + std::string(nw::ValTypeName(actual.global.type)));
        return Ok();
      case ExternKind::kTable:
        if (!actual.limits_known) return Ok();
        if (actual.table.elem != im.table.elem)
          return Mismatch(std::string("expected table element type ") +
                          std::string(nw::ValTypeName(im.table.elem)) + ", found " + std::string(nw::ValTypeName(actual.table.elem)));
        if (!LimitsMatch(im.table.limits, actual.table.limits))
          return Mismatch("mismatch in table limits");
        return Ok();
      case ExternKind::kMemory:
        if (!actual.limits_known) return Ok();
        // Sharedness first (threads proposal): a shared import takes only a shared memory and
        // an unshared one only an unshared memory, whatever the limits.
        if (actual.memory.shared != im.memory.shared)
          return Mismatch("mismatch in the shared flag for memories");
        if (!LimitsMatch(im.memory.limits, actual.memory.limits))
          return Mismatch("mismatch in memory limits");
        return Ok();
      case ExternKind::kTag:
        return Ok();
    }
    return Ok();
  }

  Status CoreInstanceDef(const CoreInstance& ci) {
    CoreInstanceInfo info;
    if (ci.kind == CoreInstance::Kind::kInstantiate) {
      NW_TRY_ASSIGN(Entity m, Get(Sort::kCoreModule, ci.module, ci.offset));
      std::unordered_map<std::string, uint32_t> args;
      for (const CoreInstantiateArg& a : ci.args) {
        NW_TRY_ASSIGN(Entity inst, Get(Sort::kCoreInstance, a.instance, ci.offset));
        if (!args.emplace(a.name, inst.id).second)
          return MakeError(ci.offset, "duplicate module instantiation argument named `" +
                                          a.name + "`");
      }
      const CoreModuleInfo& mod = core_modules_[m.id];
      for (const CoreItem& im : mod.imports) {
        auto it = args.find(im.module);
        if (it == args.end())
          return MakeError(ci.offset, "missing module instantiation argument named `" +
                                          im.module + "`");
        const CoreInstanceInfo& arg = core_instances_[it->second];
        auto ex = std::find_if(arg.exports.begin(), arg.exports.end(),
                               [&](const CoreItem& e) { return e.name == im.name; });
        if (ex == arg.exports.end())
          return MakeError(ci.offset, "module instantiation argument `" + im.module +
                                          "` does not export an item named `" + im.name + "`");
        if (Status st = MatchCore(im, *ex); !st)
          return MakeError(ci.offset, "type mismatch for export `" + im.name + "` of module " +
                                          "instantiation argument `" + im.module + "`: " +
                                          st.error().message);
      }
      info.exports = mod.exports;
    } else {
      std::unordered_map<std::string, bool> seen;
      for (const CoreInlineExport& e : ci.exports) {
        NW_TRY_ASSIGN(Entity item, Get(e.item.sort, e.item.index, ci.offset));
        if (!seen.emplace(e.name, true).second)
          return MakeError(ci.offset, "export name `" + e.name + "` already defined");
        CoreItem ci_item;
        ci_item.name = e.name;
        switch (e.item.sort) {
          case Sort::kCoreFunc:
            ci_item.kind = ExternKind::kFunc;
            ci_item.func_known = item.id != kNone;
            if (item.id != kNone) ci_item.func = core_funcs_[item.id];
            break;
          case Sort::kCoreTable: ci_item.kind = ExternKind::kTable; break;
          case Sort::kCoreMemory: ci_item.kind = ExternKind::kMemory; break;
          case Sort::kCoreGlobal:
            ci_item.kind = ExternKind::kGlobal;
            if (item.id != kNone) ci_item.global = core_globals_[item.id];
            break;
          case Sort::kCoreTag: ci_item.is_tag = true; break;
          default:
            return MakeError(ci.offset, std::string(SortName(e.item.sort)) +
                                            " cannot be exported from a core instance");
        }
        info.exports.push_back(std::move(ci_item));
      }
    }
    core_instances_.push_back(std::move(info));
    Push(Sort::kCoreInstance, static_cast<uint32_t>(core_instances_.size() - 1));
    return Ok();
  }

  Status CoreTypeDefinition(const CoreTypeDef& t) {
    CoreTypeInfo info;
    if (t.kind == CoreTypeDef::Kind::kFunc) {
      info.func = t.func;
      for (uint32_t super : t.supertypes) NW_TRY(Get(Sort::kCoreType, super, t.offset));
    } else {
      NW_TRY_ASSIGN(info.module, ModuleType(t));
      info.is_module = true;
    }
    core_types_.push_back(std::move(info));
    Push(Sort::kCoreType, static_cast<uint32_t>(core_types_.size() - 1));
    return Ok();
  }

  // A core module type: its own (initially empty) core type index space.
  Result<uint32_t> ModuleType(const CoreTypeDef& t) {
    std::vector<uint32_t> local;  // core type ids
    CoreModuleInfo info;
    auto func_of = [&](uint32_t idx, size_t at) -> Result<FuncType> {
      if (idx >= local.size())
        return MakeError(at, "unknown core type " + std::to_string(idx) +
                                 ": type index out of bounds");
      const CoreTypeInfo& ti = core_types_[local[idx]];
      if (ti.is_module)
        return MakeError(at, "core type index " + std::to_string(idx) + " is not a function type");
      return ti.func;
    };
    for (const CoreModuleDecl& d : t.decls) {
      switch (d.kind) {
        case CoreModuleDecl::Kind::kType: {
          CoreTypeInfo ti;
          ti.func = d.def[0].func;
          core_types_.push_back(std::move(ti));
          local.push_back(static_cast<uint32_t>(core_types_.size() - 1));
          break;
        }
        case CoreModuleDecl::Kind::kAlias: {
          // ct counts the module type itself as scope 0.
          if (d.outer_count == 0) {
            if (d.outer_index >= local.size())
              return MakeError(d.offset, "type index out of bounds");
            local.push_back(local[d.outer_index]);
            break;
          }
          if (d.outer_count > scopes_.size())
            return MakeError(d.offset,
                             "invalid outer alias count of " + std::to_string(d.outer_count));
          Scope& target = scopes_[scopes_.size() - d.outer_count];
          auto& sp = target.space[static_cast<size_t>(Sort::kCoreType)];
          if (d.outer_index >= sp.size())
            return MakeError(d.offset, "unknown core type " + std::to_string(d.outer_index) +
                                           ": type index out of bounds");
          if (core_types_[sp[d.outer_index].id].is_module)
            return MakeError(d.offset, "a module type cannot be aliased into a module type");
          local.push_back(sp[d.outer_index].id);
          break;
        }
        case CoreModuleDecl::Kind::kImport:
        case CoreModuleDecl::Kind::kExport: {
          CoreItem item;
          item.module = d.module;
          item.name = d.name;
          item.kind = d.type.kind;
          item.is_tag = d.type.is_tag;
          item.global = d.type.global;
          item.table = d.type.table;
          item.memory = d.type.memory;
          item.limits_known = true;
          if (!d.type.is_tag && (d.type.kind == ExternKind::kMemory || d.type.kind == ExternKind::kTable)) {
            // The core rules for the limits of a declared memory or table (as in a module).
            bool memory = d.type.kind == ExternKind::kMemory;
            const Limits& l = memory ? d.type.memory.limits : d.type.table.limits;
            uint64_t range = memory ? kMaxPages : 0xFFFFFFFFu;
            if (l.min > range || (l.max && *l.max > range))
              return MakeError(d.offset, memory ? "memory size must be at most 65536 pages (4GiB)"
                                                : "table size must be at most 2^32-1");
            if (l.max && l.min > *l.max)
              return MakeError(d.offset, "size minimum must not be greater than maximum");
            if (memory && d.type.memory.shared && !l.max)
              return MakeError(d.offset, "shared memory must have maximum");
          }
          if (d.type.kind == ExternKind::kFunc || d.type.is_tag) {
            NW_TRY_ASSIGN(item.func, func_of(d.type.type_index, d.offset));
          }
          auto& list = d.kind == CoreModuleDecl::Kind::kImport ? info.imports : info.exports;
          for (const CoreItem& prev : list) {
            if (prev.name == item.name &&
                (d.kind == CoreModuleDecl::Kind::kExport || prev.module == item.module))
              return MakeError(d.offset, d.kind == CoreModuleDecl::Kind::kImport
                                             ? "duplicate import name `" + item.module + ":" +
                                                   item.name + "`"
                                             : "export name `" + item.name + "` already defined");
          }
          list.push_back(std::move(item));
          break;
        }
      }
    }
    core_modules_.push_back(std::move(info));
    return static_cast<uint32_t>(core_modules_.size() - 1);
  }

  // --- component instances --------------------------------------------------------------------
  Result<Entity> EntityOf(const SortIdx& si, size_t at) { return Get(si.sort, si.index, at); }

  Status InstanceDef(const Instance& in) {
    TypeInfo t;
    t.kind = TypeDef::Kind::kInstance;
    if (in.kind == Instance::Kind::kInstantiate) {
      NW_TRY_ASSIGN(Entity comp, Get(Sort::kComponent, in.component, in.offset));
      std::unordered_map<std::string, Entity> args;
      for (const InstantiateArg& a : in.args) {
        NW_TRY_ASSIGN(Entity e, EntityOf(a.item, in.offset));
        if (!args.emplace(a.name, e).second)
          return MakeError(in.offset, "instantiation argument `" + a.name +
                                          "` conflicts with previous argument `" + a.name + "`");
      }
      subst_.clear();
      for (const NamedEntity& im : types_[comp.id].imports) {
        auto it = args.find(im.name);
        if (it == args.end()) return MakeError(in.offset, "missing import named `" + im.name + "`");
        if (it->second.sort != im.entity.sort)
          return MakeError(in.offset, "expected " + std::string(SortName(im.entity.sort)) +
                                          ", found " + SortName(it->second.sort));
        if (Status st = MatchEntity(im.entity, it->second, 0); !st)
          return MakeError(in.offset, "type mismatch in instantiation argument `" + im.name +
                                          "`: " + st.error().message);
      }
      t.exports = types_[comp.id].exports;
      // Generativity: every instantiation makes new resource types of those the component
      // defines or declares abstractly (exported, not reached from its imports).
      for (uint32_t r : ExportedResourceRoots(types_[comp.id])) {
        if (subst_.count(r)) continue;
        TypeInfo fresh = types_[r];
        fresh.alias_of = kNone;
        fresh.exportable = true;  // as the component's own export of it was
        fresh.imported = false;
        subst_[r] = NewType(std::move(fresh));
      }
      // The exports see the supplied resources in place of the imported ones: in exported types
      // and, through them, in the types of exported functions and instances (a function
      // re-exported by a wit-component shim returns own<the shim's imported resource>, which
      // must become the resource the shim was instantiated with).
      // A name the child gave a type (by importing or exporting it) does not hold here
      // (external-visibility.wast: re-exporting a child's instance does not make the types its
      // functions use visible); its type imports, though, are the arguments supplied here, and
      // keep whatever names those have in this component.
      for (const NamedEntity& im : types_[comp.id].imports) {
        auto it = args.find(im.name);
        if (im.entity.sort == Sort::kType && im.entity.id != kNone && it != args.end() &&
            it->second.id != kNone && !subst_.count(Root(im.entity.id)))
          named_args_[im.entity.id] = it->second.id;
      }
      unname_ = true;
      std::unordered_map<uint32_t, uint32_t> memo;
      for (NamedEntity& ex : t.exports) {
        if (ex.entity.sort == Sort::kType || ex.entity.sort == Sort::kFunc ||
            ex.entity.sort == Sort::kInstance || ex.entity.sort == Sort::kComponent)
          ex.entity.id = SubstDeep(ex.entity.id, memo, 0);
      }
      unname_ = false;
      named_args_.clear();
      subst_.clear();
    } else {
      std::unordered_map<std::string, std::string> seen;
      std::unordered_map<uint32_t, std::string> bag_names;  // stays empty: see Annotations
      for (const InlineExport& e : in.exports) {
        NW_TRY(CheckExternName(e.name.name, e.name.offset));
        NW_TRY_ASSIGN(Entity item, EntityOf(e.item, in.offset));
        if (IsCoreSort(e.item.sort) && e.item.sort != Sort::kCoreModule)
          return MakeError(in.offset, std::string(SortName(e.item.sort)) +
                                          " not valid to be used as export");
        NW_TRY(CheckAttributes(e.name, item.sort));
        NW_TRY(Unique(seen, e.name.name, "export", e.name.offset));
        bag_names.clear();
        NW_TRY(Annotations(e.name.name, item, bag_names, e.name.offset));
        t.exports.push_back({e.name.name, item});
      }
    }
    Push(Sort::kInstance, NewType(std::move(t)));
    return Ok();
  }

  // Resource roots exported by a component type (also inside exported instances), less those
  // reached from its imports.
  std::vector<uint32_t> ExportedResourceRoots(const TypeInfo& comp) {
    std::unordered_set<uint32_t> imported;
    std::vector<uint32_t> out;
    auto walk = [&](auto& self, const std::vector<NamedEntity>& list, bool into_imported,
                    int depth) -> void {
      if (depth > 100) return;
      for (const NamedEntity& x : list) {
        if (x.entity.id == kNone) continue;
        if (x.entity.sort == Sort::kType && types_[Root(x.entity.id)].kind == TypeDef::Kind::kResource) {
          uint32_t r = Root(x.entity.id);
          if (into_imported) {
            imported.insert(r);
          } else if (!imported.count(r) && std::find(out.begin(), out.end(), r) == out.end()) {
            out.push_back(r);
          }
        } else if (x.entity.sort == Sort::kInstance) {
          self(self, types_[x.entity.id].exports, into_imported, depth + 1);
        }
      }
    };
    walk(walk, comp.imports, true, 0);
    walk(walk, comp.exports, false, 0);
    return out;
  }

  // An instance type as one import (or one export inside a type) sees it: with new resource
  // types for the abstract ones it declares, so two imports of one instance type do not share
  // resources (validation/resources.wast "resource types are not the same").
  uint32_t Freshen(uint32_t id) {
    const std::vector<uint32_t> gen = types_[id].generated;
    if (gen.empty()) return id;
    auto saved = std::move(subst_);
    subst_.clear();
    std::vector<uint32_t> fresh;
    for (uint32_t r : gen) {
      TypeInfo ti;
      ti.kind = TypeDef::Kind::kResource;
      ti.abstract = true;
      ti.exportable = true;  // named by the import or export that made it
      ti.imported = true;
      uint32_t n = NewType(std::move(ti));
      subst_[Root(r)] = n;
      fresh.push_back(n);
    }
    std::unordered_map<uint32_t, uint32_t> memo;
    uint32_t out = SubstDeep(id, memo, 0);
    subst_ = std::move(saved);
    if (out != id) types_[out].generated = std::move(fresh);
    return out;
  }

  // --- subtyping -------------------------------------------------------------------------------
  // Type matching for instantiation arguments and ascribed export types (Explainer.md "Type
  // checking"). `subst_` maps the abstract resources of the component being instantiated to the
  // resources supplied so far (type-import substitution). Messages are chained "outer: inner".
  uint32_t Subst(uint32_t id) const {
    id = Root(id);
    auto it = subst_.find(id);
    return it == subst_.end() ? id : it->second;
  }
  // `id` with subst_ applied all the way down: a type that mentions no substituted resource
  // keeps its id; one that does is copied once (memo) with the supplied resources in place. A
  // copy keeps what the original entry says about names (exportable, alias_of's copy), so the
  // visibility rules see the same thing.
  uint32_t SubstDeep(uint32_t id, std::unordered_map<uint32_t, uint32_t>& memo, int depth) {
    if (id == kNone) return id;
    if (auto it = named_args_.find(id); it != named_args_.end()) return it->second;
    if (auto it = subst_.find(Root(id)); it != subst_.end()) return it->second;
    if (auto it = memo.find(id); it != memo.end()) return it->second;
    if (depth > 100 || types_[Root(id)].kind == TypeDef::Kind::kResource) return id;
    memo[id] = id;  // a cycle (not expected) resolves to the original
    TypeInfo t = types_[id];
    bool changed = false;
    if (unname_ && (t.exportable || t.named)) {  // the child's names do not hold here
      t.origin = Identity(id);
      t.exportable = t.imported = t.named = false;
      changed = true;
    }
    auto sub = [&](uint32_t& x) {
      if (x == kNone) return;
      uint32_t y = SubstDeep(x, memo, depth + 1);
      if (y != x) changed = true;
      x = y;
    };
    sub(t.alias_of);
    for (uint32_t& r : t.refs) sub(r);
    for (Kid& k : t.kids)
      if (k.present && !k.prim) sub(k.id);
    if (t.result_kid.present && !t.result_kid.prim) sub(t.result_kid.id);
    for (auto& p : t.params) sub(p.second);
    sub(t.result);
    sub(t.ok);
    for (auto* list : {&t.imports, &t.exports})
      for (NamedEntity& e : *list)
        if (!IsCoreSort(e.entity.sort) && e.entity.sort != Sort::kValue) sub(e.entity.id);
    for (uint32_t& g : t.generated) sub(g);
    if (!changed) return id;
    uint32_t copy = NewType(std::move(t));
    memo[id] = copy;
    return copy;
  }
  static std::string KindName(const TypeInfo& t) {
    switch (t.kind) {
      case TypeDef::Kind::kFunc: return "func";
      case TypeDef::Kind::kComponent: return "component";
      case TypeDef::Kind::kInstance: return "instance";
      case TypeDef::Kind::kResource: return "resource";
      case TypeDef::Kind::kDefVal: break;
    }
    switch (t.val_kind) {
      case DefValKind::kPrim: return "primitive";
      case DefValKind::kRecord: return "record";
      case DefValKind::kVariant: return "variant";
      case DefValKind::kList: case DefValKind::kFixedList: return "list";
      case DefValKind::kTuple: return "tuple";
      case DefValKind::kFlags: return "flags";
      case DefValKind::kEnum: return "enum";
      case DefValKind::kOption: return "option";
      case DefValKind::kResult: return "result";
      case DefValKind::kOwn: return "own";
      case DefValKind::kBorrow: return "borrow";
      case DefValKind::kStream: return "stream";
      case DefValKind::kFuture: return "future";
      case DefValKind::kMap: return "map";
    }
    return "?";
  }
  static std::unexpected<Error> Mismatch(std::string m) { return MakeError(std::move(m)); }
  static Status Wrap(Status st, const std::string& context) {
    if (st) return st;
    return Mismatch(context + ": " + st.error().message);
  }

  Status MatchKid(const Kid& ek, const Kid& ak, int depth) {
    auto prim_of = [&](const Kid& k, PrimType& p, bool& defined) {
      if (k.prim) {
        p = k.p;
        defined = false;
        return true;
      }
      const TypeInfo& t = types_[Subst(k.id)];
      if (t.kind == TypeDef::Kind::kDefVal && t.val_kind == DefValKind::kPrim) {
        p = t.prim;
        defined = true;
        return true;
      }
      return false;
    };
    PrimType ep, ap;
    bool ed = false, ad = false;
    bool eprim = prim_of(ek, ep, ed), aprim = prim_of(ak, ap, ad);
    if (eprim && aprim) {
      if (ep != ap)
        return Mismatch(std::string("expected primitive `") + PrimTypeName(ep) +
                        "` found primitive `" + PrimTypeName(ap) + "`");
      return Ok();
    }
    if (eprim || aprim) {
      std::string e = eprim ? (ed ? "primitive" : PrimTypeName(ep)) : KindName(types_[Subst(ek.id)]);
      std::string a = aprim ? PrimTypeName(ap) : KindName(types_[Subst(ak.id)]);
      return Mismatch("expected " + e + ", found " + a);
    }
    return MatchIds(ek.id, ak.id, depth + 1);
  }

  Status MatchOpt(const Kid& e, const Kid& a, const std::string& what, int depth) {
    if (e.present && !a.present) return Mismatch("expected " + what + " type, but found none");
    if (!e.present && a.present) return Mismatch("expected " + what + " type to not be present");
    if (!e.present) return Ok();
    return Wrap(MatchKid(e, a, depth), "type mismatch in " + what + " variant");
  }

  Status MatchIds(uint32_t eid, uint32_t aid, int depth) {
    eid = Subst(eid);
    aid = Subst(aid);
    if (eid == aid || depth > 100) return Ok();
    const TypeInfo& e = types_[eid];
    const TypeInfo& a = types_[aid];
    if (e.kind == TypeDef::Kind::kResource || a.kind == TypeDef::Kind::kResource) {
      if (e.kind != a.kind)
        return Mismatch(e.kind == TypeDef::Kind::kResource ? "expected resource, found defined type"
                                                           : "expected defined type, found resource");
      return Mismatch("resource types are not the same");
    }
    if (e.kind != a.kind || (e.kind == TypeDef::Kind::kDefVal && e.val_kind != a.val_kind)) {
      bool a_prim = a.kind == TypeDef::Kind::kDefVal && a.val_kind == DefValKind::kPrim;
      return Mismatch("expected " + KindName(e) + ", found " +
                      (a_prim ? std::string(PrimTypeName(a.prim)) : KindName(a)));
    }
    switch (e.kind) {
      case TypeDef::Kind::kDefVal: return MatchDefVal(e, a, depth);
      case TypeDef::Kind::kFunc: return MatchFunc(e, a, depth);
      case TypeDef::Kind::kInstance: return MatchExports(e, a, "instance export", depth);
      case TypeDef::Kind::kComponent: {
        for (const NamedEntity& ai : a.imports) {
          auto ei = std::find_if(e.imports.begin(), e.imports.end(),
                                 [&](const NamedEntity& x) { return x.name == ai.name; });
          if (ei == e.imports.end()) return Mismatch("missing expected import `" + ai.name + "`");
          NW_TRY(Wrap(MatchEntity(ai.entity, ei->entity, depth), "type mismatch in import `" +
                                                                    ai.name + "`"));
        }
        return MatchExports(e, a, "export", depth);
      }
      case TypeDef::Kind::kResource: break;
    }
    return Ok();
  }

  Status MatchExports(const TypeInfo& e, const TypeInfo& a, const char* what, int depth) {
    for (const NamedEntity& ee : e.exports) {
      auto ae = std::find_if(a.exports.begin(), a.exports.end(),
                             [&](const NamedEntity& x) { return x.name == ee.name; });
      if (ae == a.exports.end()) return Mismatch("missing expected export `" + ee.name + "`");
      NW_TRY(Wrap(MatchEntity(ee.entity, ae->entity, depth),
                  "type mismatch in " + std::string(what) + " `" + ee.name + "`"));
    }
    return Ok();
  }

  Status MatchEntity(const Entity& e, const Entity& a, int depth) {
    if (e.sort != a.sort)
      return Mismatch("expected " + std::string(SortName(e.sort)) + ", found " + SortName(a.sort));
    if (e.id == kNone || a.id == kNone) return Ok();
    switch (e.sort) {
      case Sort::kType: {
        uint32_t root = Root(e.id);
        if (types_[root].abstract && !subst_.count(root)) {
          if (types_[Subst(a.id)].kind != TypeDef::Kind::kResource)
            return Mismatch("expected resource, found defined type");
          subst_[root] = Subst(a.id);
          return Ok();
        }
        return MatchIds(e.id, a.id, depth + 1);
      }
      case Sort::kFunc: case Sort::kInstance: case Sort::kComponent:
        return MatchIds(e.id, a.id, depth + 1);
      case Sort::kCoreModule: return MatchModule(core_modules_[e.id], core_modules_[a.id]);
      default: return Ok();
    }
  }

  // Core module subtyping: `a` may stand for `e` when every import of `a` is among `e`'s (and
  // what `e`'s importer supplies fits it) and every export of `e` is among `a`'s.
  Status MatchModule(const CoreModuleInfo& e, const CoreModuleInfo& a) {
    for (const CoreItem& ai : a.imports) {
      auto it = std::find_if(e.imports.begin(), e.imports.end(), [&](const CoreItem& x) {
        return x.module == ai.module && x.name == ai.name;
      });
      std::string what = "`" + ai.module + "::" + ai.name + "`";
      if (it == e.imports.end()) return Mismatch("missing expected import " + what);
      NW_TRY(Wrap(MatchCore(ai, *it), "type mismatch in import " + what));
    }
    for (const CoreItem& ee : e.exports) {
      auto it = std::find_if(a.exports.begin(), a.exports.end(),
                             [&](const CoreItem& x) { return x.name == ee.name; });
      std::string what = "`" + ee.name + "`";
      if (it == a.exports.end()) return Mismatch("missing expected export " + what);
      NW_TRY(Wrap(MatchCore(ee, *it), "type mismatch in export " + what));
    }
    return Ok();
  }

  Status MatchDefVal(const TypeInfo& e, const TypeInfo& a, int depth) {
    switch (e.val_kind) {
      case DefValKind::kPrim:
        if (e.prim != a.prim)
          return Mismatch(std::string("expected primitive `") + PrimTypeName(e.prim) +
                          "` found primitive `" + PrimTypeName(a.prim) + "`");
        return Ok();
      case DefValKind::kRecord:
        if (e.kids.size() != a.kids.size())
          return Mismatch("expected " + std::to_string(e.kids.size()) + " fields, found " +
                          std::to_string(a.kids.size()));
        for (size_t i = 0; i < e.kids.size(); ++i) {
          if (e.labels[i] != a.labels[i])
            return Mismatch("expected field name `" + e.labels[i] + "`, found `" + a.labels[i] + "`");
          NW_TRY(Wrap(MatchKid(e.kids[i], a.kids[i], depth),
                      "type mismatch in record field `" + e.labels[i] + "`"));
        }
        return Ok();
      case DefValKind::kVariant:
        if (e.kids.size() != a.kids.size())
          return Mismatch("expected " + std::to_string(e.kids.size()) + " cases, found " +
                          std::to_string(a.kids.size()));
        for (size_t i = 0; i < e.kids.size(); ++i) {
          const std::string& l = e.labels[i];
          if (l != a.labels[i])
            return Mismatch("expected case named `" + l + "`, found `" + a.labels[i] + "`");
          if (e.kids[i].present && !a.kids[i].present)
            return Mismatch("expected case `" + l + "` to have a type, found none");
          if (!e.kids[i].present && a.kids[i].present)
            return Mismatch("expected case `" + l + "` to have no type");
          if (e.kids[i].present)
            NW_TRY(Wrap(MatchKid(e.kids[i], a.kids[i], depth), "type mismatch in variant case `" + l + "`"));
        }
        return Ok();
      case DefValKind::kTuple:
        if (e.kids.size() != a.kids.size())
          return Mismatch("expected " + std::to_string(e.kids.size()) + " types, found " +
                          std::to_string(a.kids.size()));
        for (size_t i = 0; i < e.kids.size(); ++i)
          NW_TRY(Wrap(MatchKid(e.kids[i], a.kids[i], depth),
                      "type mismatch in tuple field " + std::to_string(i)));
        return Ok();
      case DefValKind::kFlags:
        if (e.labels != a.labels) return Mismatch("mismatch in flags elements");
        return Ok();
      case DefValKind::kEnum:
        if (e.labels != a.labels) return Mismatch("mismatch in enum elements");
        return Ok();
      case DefValKind::kResult:
        NW_TRY(MatchOpt(e.kids[0], a.kids[0], "ok", depth));
        return MatchOpt(e.kids[1], a.kids[1], "err", depth);
      case DefValKind::kOwn:
      case DefValKind::kBorrow:
        if (Subst(e.refs[0]) != Subst(a.refs[0])) return Mismatch("resource types are not the same");
        return Ok();
      default:
        if (e.length != a.length) return Mismatch("mismatch in list lengths");
        for (size_t i = 0; i < e.kids.size(); ++i) {
          if (e.kids[i].present != a.kids[i].present) return Mismatch("type mismatch");
          if (e.kids[i].present) NW_TRY(MatchKid(e.kids[i], a.kids[i], depth));
        }
        return Ok();
    }
  }

  Status MatchFunc(const TypeInfo& e, const TypeInfo& a, int depth) {
    if (e.kids.size() != a.kids.size())
      return Mismatch("expected " + std::to_string(e.kids.size()) + " parameters, found " +
                      std::to_string(a.kids.size()));
    for (size_t i = 0; i < e.kids.size(); ++i) {
      if (e.labels[i] != a.labels[i])
        return Mismatch("expected parameter named `" + e.labels[i] + "`, found `" + a.labels[i] + "`");
      NW_TRY(Wrap(MatchKid(e.kids[i], a.kids[i], depth),
                  "type mismatch in function parameter `" + e.labels[i] + "`"));
    }
    // (Worded as wasm-tools words them: from the supplied function's side.)
    if (e.has_result && !a.has_result) return Mismatch("expected no result, found one");
    if (!e.has_result && a.has_result) return Mismatch("expected a result, found none");
    if (e.has_result) NW_TRY(Wrap(MatchKid(e.result_kid, a.result_kid, depth), "type mismatch with result type"));
    if (e.async != a.async) return Mismatch("mismatch in the async option of the function types");
    return Ok();
  }

  Status Unique(std::unordered_map<std::string, std::string>& seen, const std::string& name,
                const char* what, size_t at) {
    auto [it, inserted] = seen.emplace(UniquenessKey(name), name);
    if (!inserted)
      return MakeError(at, std::string(what) + " name `" + name +
                               "` conflicts with previous name `" + it->second + "`");
    return Ok();
  }

  // --- aliases --------------------------------------------------------------------------------
  Status AliasDef(const Alias& a) {
    switch (a.target) {
      case Alias::Target::kExport: {
        if (IsCoreSort(a.sort) && a.sort != Sort::kCoreModule)
          return MakeError(a.offset, std::string(SortName(a.sort)) +
                                         " cannot be aliased from a component instance");
        NW_TRY_ASSIGN(Entity inst, Get(Sort::kInstance, a.instance, a.offset));
        for (const NamedEntity& e : types_[inst.id].exports) {
          if (e.name != a.name) continue;
          if (e.entity.sort != a.sort)
            return MakeError(a.offset, "export `" + a.name + "` for instance " +
                                           std::to_string(a.instance) + " is not a " +
                                           (a.sort == Sort::kCoreModule ? "module"
                                                                        : SortName(a.sort)));
          uint32_t id = e.entity.id;
          // Only an imported or exported instance names the types it exports.
          if (a.sort == Sort::kType && id != kNone && !types_[inst.id].named) id = Unnamed(id);
          Push(a.sort, id);
          return Ok();
        }
        return MakeError(a.offset, "instance " + std::to_string(a.instance) +
                                       " has no export named `" + a.name + "`");
      }
      case Alias::Target::kCoreExport: {
        if (!IsCoreSort(a.sort))
          return MakeError(a.offset, std::string(SortName(a.sort)) +
                                         " cannot be aliased from a core instance");
        NW_TRY_ASSIGN(Entity inst, Get(Sort::kCoreInstance, a.instance, a.offset));
        for (const CoreItem& e : core_instances_[inst.id].exports) {
          if (e.name != a.name) continue;
          if (CoreSortOf(e) != a.sort)
            return MakeError(a.offset, "export `" + a.name + "` for core instance " +
                                           std::to_string(a.instance) + " is not a " +
                                           (SortName(a.sort) + 5));  // without "core "
          uint32_t id = kNone;
          if (a.sort == Sort::kCoreFunc && e.func_known) {
            core_funcs_.push_back(e.func);
            id = static_cast<uint32_t>(core_funcs_.size() - 1);
          } else if (a.sort == Sort::kCoreGlobal) {
            core_globals_.push_back(e.global);
            id = static_cast<uint32_t>(core_globals_.size() - 1);
          }
          Push(a.sort, id);
          return Ok();
        }
        return MakeError(a.offset, "core instance " + std::to_string(a.instance) +
                                       " has no export named `" + a.name + "`");
      }
      case Alias::Target::kOuter: {
        if (a.count >= scopes_.size())
          return MakeError(a.offset, "invalid outer alias count of " + std::to_string(a.count));
        Scope& target = scopes_[scopes_.size() - 1 - a.count];
        auto& sp = target.space[static_cast<size_t>(a.sort)];
        if (a.index >= sp.size())
          return MakeError(a.offset, "unknown " + std::string(IndexWord(a.sort)) + " " +
                                         std::to_string(a.index) + ": " + IndexWord(a.sort) +
                                         " index out of bounds");
        Entity e = sp[a.index];
        if (a.sort == Sort::kType && a.count > 0 && CrossesComponent(a.count) &&
            RefersToResource(e.id))
          return MakeError(a.offset, "cannot alias outer type which transitively refers to "
                                     "resources not defined in the current component");
        // A name an outer component gave a type (by importing or exporting it) does not hold
        // in an inner component or component type.
        if (a.sort == Sort::kType && e.id != kNone && CrossesComponentOrComponentType(a.count))
          e.id = Unnamed(e.id);
        Push(a.sort, e.id);
        return Ok();
      }
    }
    return Ok();
  }

  bool CrossesComponentOrComponentType(uint32_t count) {
    for (uint32_t i = 0; i < count; ++i)
      if (scopes_[scopes_.size() - 1 - i].kind != ScopeKind::kInstanceType) return true;
    return false;
  }
  // `id` as a type index no import or export introduced (the same type, without its name).
  uint32_t Unnamed(uint32_t id) {
    if (!types_[id].exportable) return id;
    TypeInfo copy = types_[id];
    copy.alias_of = Root(id);
    copy.origin = Identity(id);
    copy.exportable = false;
    copy.imported = false;
    return NewType(std::move(copy));
  }
  bool CrossesComponent(uint32_t count) {
    for (uint32_t i = 0; i < count; ++i)
      if (scopes_[scopes_.size() - 1 - i].kind == ScopeKind::kComponent) return true;
    return false;
  }
  bool RefersToResource(uint32_t id, int depth = 0) {
    const TypeInfo& t = types_[Root(id)];
    if (t.kind == TypeDef::Kind::kResource) return true;
    if (depth > 100) return false;
    if (t.kind == TypeDef::Kind::kDefVal)
      return t.val_kind == DefValKind::kOwn || t.val_kind == DefValKind::kBorrow || t.has_resource;
    if (t.kind == TypeDef::Kind::kFunc) {
      for (uint32_t r : t.refs)
        if (RefersToResource(r, depth + 1)) return true;
      return false;
    }
    for (const auto* list : {&t.imports, &t.exports}) {
      for (const NamedEntity& x : *list) {
        if (x.entity.id == kNone) continue;
        if ((x.entity.sort == Sort::kType || x.entity.sort == Sort::kFunc ||
             x.entity.sort == Sort::kInstance || x.entity.sort == Sort::kComponent) &&
            RefersToResource(x.entity.id, depth + 1))
          return true;
      }
    }
    return false;
  }

  // --- types ----------------------------------------------------------------------------------
  Status TypeDefinition(const TypeDef& t) {
    NW_TRY_ASSIGN(uint32_t id, Type(t));
    Push(Sort::kType, id);
    return Ok();
  }

  Result<uint32_t> Type(const TypeDef& t) {
    switch (t.kind) {
      case TypeDef::Kind::kDefVal: return DefVal(t.val, t.offset);
      case TypeDef::Kind::kFunc: return Func(t.func, t.offset);
      case TypeDef::Kind::kResource: {
        if (cur().kind != ScopeKind::kComponent)
          return MakeError(t.offset, "resources can only be defined within a concrete component");
        if (t.resource.rep != nw::ValType::kI32)
          return MakeError(t.offset, "resources can only be represented by `i32`");
        if (t.resource.dtor) {
          NW_TRY_ASSIGN(Entity f, Get(Sort::kCoreFunc, *t.resource.dtor, t.offset));
          if (f.id != kNone &&
              core_funcs_[f.id] != FuncType{{nw::ValType::kI32}, {}})
            return MakeError(t.offset, "wrong signature for a destructor");
        }
        TypeInfo ti;
        ti.kind = TypeDef::Kind::kResource;
        ti.owner = cur().serial;
        return NewType(std::move(ti));
      }
      case TypeDef::Kind::kComponent:
      case TypeDef::Kind::kInstance: {
        Scope s;
        s.kind = t.kind == TypeDef::Kind::kComponent ? ScopeKind::kComponentType
                                                     : ScopeKind::kInstanceType;
        scopes_.push_back(std::move(s));
        for (const Decl& d : t.decls) {
          if (Status st = DeclDef(d); !st) {
            scopes_.pop_back();
            return std::unexpected(std::move(st.error()));
          }
        }
        TypeInfo ti;
        ti.kind = t.kind;
        ti.imports = std::move(cur().imports);
        ti.exports = std::move(cur().exports);
        if (t.kind == TypeDef::Kind::kInstance) ti.generated = std::move(cur().generated);
        scopes_.pop_back();
        return NewType(std::move(ti));
      }
    }
    return kNone;
  }

  Status DeclDef(const Decl& d) {
    switch (d.kind) {
      case Decl::Kind::kCoreType: return CoreTypeDefinition(d.core_type[0]);
      case Decl::Kind::kType: return TypeDefinition(d.type[0]);
      case Decl::Kind::kAlias: {
        const Alias& a = d.alias;
        if (a.target == Alias::Target::kOuter && a.sort != Sort::kType &&
            a.sort != Sort::kCoreType)
          return MakeError(a.offset, "aliases in type declarations may only refer to types or "
                                     "instances");
        if (a.target == Alias::Target::kExport && a.sort != Sort::kType &&
            a.sort != Sort::kInstance)
          return MakeError(a.offset, "export aliases in type declarations may only refer to "
                                     "types or instances");
        if (a.target == Alias::Target::kCoreExport)
          return MakeError(a.offset, "core export aliases are not allowed in type declarations");
        return AliasDef(a);
      }
      case Decl::Kind::kImport: return ImportDecl(d.name, d.extern_type, d.offset);
      case Decl::Kind::kExport: return ExportDecl(d.name, d.extern_type, d.offset);
    }
    return Ok();
  }

  Status CheckValType(const ValType& v, size_t at) {
    if (!v.is_index) return Ok();
    NW_TRY_ASSIGN(Entity e, Get(Sort::kType, v.index, at));
    if (types_[e.id].kind != TypeDef::Kind::kDefVal)
      return MakeError(at, "type index " + std::to_string(v.index) + " is not a defined type");
    return Ok();
  }
  // Properties of a checked valtype.
  const TypeInfo* Info(const ValType& v) {
    if (!v.is_index) return nullptr;
    return &types_[space(Sort::kType)[v.index].id];
  }
  uint64_t SizeOf(const ValType& v) {
    if (const TypeInfo* t = Info(v)) return t->size;
    return PrimSize(v.prim);
  }
  uint64_t AlignOf(const ValType& v) {
    if (const TypeInfo* t = Info(v)) return t->align;
    return v.prim == PrimType::kString ? 8 : PrimSize(v.prim);
  }
  bool BorrowIn(const ValType& v) {
    const TypeInfo* t = Info(v);
    return t && t->has_borrow;
  }
  bool ResourceIn(const ValType& v) {
    const TypeInfo* t = Info(v);
    return t && t->has_resource;
  }
  static uint64_t PrimSize(PrimType p) {
    switch (p) {
      case PrimType::kBool: case PrimType::kS8: case PrimType::kU8: return 1;
      case PrimType::kS16: case PrimType::kU16: return 2;
      case PrimType::kS32: case PrimType::kU32: case PrimType::kF32: case PrimType::kChar:
      case PrimType::kErrorContext: return 4;
      case PrimType::kS64: case PrimType::kU64: case PrimType::kF64: return 8;
      case PrimType::kString: return 16;  // elem_size(string, i64): two 64-bit words
    }
    return 4;
  }

  Status Labels(const std::vector<std::string>& labels, const char* what, const char* prev_what,
                size_t at) {
    std::unordered_map<std::string, std::string> seen;
    for (const std::string& l : labels) {
      if (l.empty()) return MakeError(at, std::string(what) + " name cannot be empty");
      if (!IsKebabLabel(l))
        return MakeError(at, std::string(what) + " name `" + l + "` is not in kebab case");
      auto [it, inserted] = seen.emplace(UniquenessKey(l), l);
      if (!inserted)
        return MakeError(at, std::string(what) + " name `" + l + "` conflicts with previous " +
                                 prev_what + " name `" + it->second + "`");
    }
    return Ok();
  }

  // Variant layout (CanonicalABI.md): discriminant, then the largest case aligned.
  void VariantLayout(TypeInfo& ti, size_t n, const std::vector<const ValType*>& cases) {
    uint64_t disc = n <= 256 ? 1 : n <= 65536 ? 2 : 4;
    uint64_t align = disc, payload = 0;
    for (const ValType* c : cases) {
      if (!c) continue;
      align = std::max(align, AlignOf(*c));
      payload = std::max(payload, SizeOf(*c));
    }
    uint64_t s = AlignTo(disc, align) + payload;
    ti.align = align;
    ti.size = Sat(AlignTo(s, align));
  }

  std::vector<nw::ValType> FlatOf(const ValType& v) {
    if (v.is_index) return types_[space(Sort::kType)[v.index].id].flat;
    switch (v.prim) {
      case PrimType::kS64: case PrimType::kU64: return {nw::ValType::kI64};
      case PrimType::kF32: return {nw::ValType::kF32};
      case PrimType::kF64: return {nw::ValType::kF64};
      case PrimType::kString: return {nw::ValType::kI32, nw::ValType::kI32};
      default: return {nw::ValType::kI32};
    }
  }
  bool PtrOf(const ValType& v) {
    if (v.is_index) return types_[space(Sort::kType)[v.index].id].has_ptr;
    return v.prim == PrimType::kString;
  }
  std::vector<nw::ValType> FlatVariant(const std::vector<const ValType*>& cases) {
    std::vector<nw::ValType> joined;
    for (const ValType* c : cases) {
      if (!c) continue;
      std::vector<nw::ValType> f = FlatOf(*c);
      for (size_t i = 0; i < f.size(); ++i) {
        if (i < joined.size()) joined[i] = JoinFlat(joined[i], f[i]);
        else if (joined.size() < kFlatCap) joined.push_back(f[i]);
      }
    }
    std::vector<nw::ValType> out = {nw::ValType::kI32};
    AppendFlat(out, joined);
    return out;
  }
  // CanonicalABI.md flatten_type, after the operands were checked.
  void Flatten(const DefValType& v, TypeInfo& ti) {
    std::vector<nw::ValType>& out = ti.flat;
    auto ptr = [&](const ValType& t) { ti.has_ptr |= PtrOf(t); };
    switch (v.kind) {
      case DefValKind::kPrim: out = FlatOf(ValType{false, v.prim, 0}); ti.has_ptr = v.prim == PrimType::kString; break;
      case DefValKind::kRecord:
        for (const LabeledType& f : v.fields) { AppendFlat(out, FlatOf(*f.type)); ptr(*f.type); }
        break;
      case DefValKind::kTuple:
        for (const ValType& t : v.types) { AppendFlat(out, FlatOf(t)); ptr(t); }
        break;
      case DefValKind::kList: case DefValKind::kMap:
        out = {nw::ValType::kI32, nw::ValType::kI32};
        ti.has_ptr = true;
        break;
      case DefValKind::kFixedList: {
        std::vector<nw::ValType> e = FlatOf(*v.a);
        for (uint32_t i = 0; i < v.length && out.size() < kFlatCap && !e.empty(); ++i) AppendFlat(out, e);
        ptr(*v.a);
        break;
      }
      case DefValKind::kVariant: {
        std::vector<const ValType*> cases;
        for (const LabeledType& c : v.fields) {
          cases.push_back(c.type ? &*c.type : nullptr);
          if (c.type) ptr(*c.type);
        }
        out = FlatVariant(cases);
        break;
      }
      case DefValKind::kOption: out = FlatVariant({nullptr, &*v.a}); ptr(*v.a); break;
      case DefValKind::kResult:
        out = FlatVariant({v.a ? &*v.a : nullptr, v.b ? &*v.b : nullptr});
        if (v.a) ptr(*v.a);
        if (v.b) ptr(*v.b);
        break;
      default: out = {nw::ValType::kI32}; break;  // flags (<= 32), enum, handles, stream, future
    }
  }

  Kid KidOf(const std::optional<ValType>& v) {
    Kid k;
    if (!v) return k;
    k.present = true;
    k.prim = !v->is_index;
    k.p = v->prim;
    if (v->is_index) k.id = space(Sort::kType)[v->index].id;
    return k;
  }
  void Structure(const DefValType& v, TypeInfo& ti) {
    switch (v.kind) {
      case DefValKind::kRecord: case DefValKind::kVariant:
        for (const LabeledType& f : v.fields) {
          ti.labels.push_back(f.label);
          ti.kids.push_back(KidOf(f.type));
        }
        break;
      case DefValKind::kTuple:
        for (const ValType& t : v.types) ti.kids.push_back(KidOf(t));
        break;
      case DefValKind::kFlags: case DefValKind::kEnum: ti.labels = v.labels; break;
      case DefValKind::kOwn: case DefValKind::kBorrow: break;
      default:
        ti.kids.push_back(KidOf(v.a));
        ti.kids.push_back(KidOf(v.b));
        ti.length = v.length;
        break;
    }
  }

  Result<uint32_t> DefVal(const DefValType& v, size_t at) {
    TypeInfo ti;
    ti.kind = TypeDef::Kind::kDefVal;
    ti.val_kind = v.kind;
    ti.prim = v.prim;
    auto take = [&](const ValType& t) -> Status {
      NW_TRY(CheckValType(t, at));
      if (t.is_index) ti.refs.push_back(space(Sort::kType)[t.index].id);
      ti.has_borrow |= BorrowIn(t);
      ti.has_resource |= ResourceIn(t);
      return Ok();
    };
    switch (v.kind) {
      case DefValKind::kPrim:
        ti.size = PrimSize(v.prim);
        ti.align = v.prim == PrimType::kString ? 8 : ti.size;
        break;
      case DefValKind::kRecord: {
        if (v.fields.empty()) return MakeError(at, "record type must have at least one field");
        std::vector<std::string> names;
        uint64_t s = 0, align = 1;
        for (const LabeledType& f : v.fields) {
          names.push_back(f.label);
          NW_TRY(take(*f.type));
          s = Sat(AlignTo(s, AlignOf(*f.type)) + SizeOf(*f.type));
          align = std::max(align, AlignOf(*f.type));
        }
        NW_TRY(Labels(names, "record field", "field", at));
        ti.align = align;
        ti.size = Sat(AlignTo(s, align));
        break;
      }
      case DefValKind::kVariant: {
        if (v.fields.empty()) return MakeError(at, "variant type must have at least one case");
        std::vector<std::string> names;
        std::vector<const ValType*> cases;
        for (const LabeledType& c : v.fields) {
          names.push_back(c.label);
          if (c.type) NW_TRY(take(*c.type));
          cases.push_back(c.type ? &*c.type : nullptr);
        }
        NW_TRY(Labels(names, "variant case", "case", at));
        VariantLayout(ti, cases.size(), cases);
        break;
      }
      case DefValKind::kList:
      case DefValKind::kMap:
        NW_TRY(take(*v.a));
        if (v.b) NW_TRY(take(*v.b));
        ti.size = 16;  // (ptr, len) at i64 width
        ti.align = 8;
        break;
      case DefValKind::kFixedList:
        NW_TRY(take(*v.a));
        if (v.length == 0) return MakeError(at, "fixed-size list must have a length above 0");
        ti.size = Sat(SizeOf(*v.a) * v.length);
        ti.align = AlignOf(*v.a);
        break;
      case DefValKind::kTuple: {
        if (v.types.empty()) return MakeError(at, "tuple type must have at least one type");
        uint64_t s = 0, align = 1;
        for (const ValType& t : v.types) {
          NW_TRY(take(t));
          s = Sat(AlignTo(s, AlignOf(t)) + SizeOf(t));
          align = std::max(align, AlignOf(t));
        }
        ti.align = align;
        ti.size = Sat(AlignTo(s, align));
        break;
      }
      case DefValKind::kFlags:
        if (v.labels.empty()) return MakeError(at, "flags must have at least one entry");
        if (v.labels.size() > 32) return MakeError(at, "cannot have more than 32 flags");
        NW_TRY(Labels(v.labels, "flag", "flag", at));
        ti.size = ti.align = v.labels.size() <= 8 ? 1 : v.labels.size() <= 16 ? 2 : 4;
        break;
      case DefValKind::kEnum:
        if (v.labels.empty()) return MakeError(at, "enum type must have at least one variant");
        NW_TRY(Labels(v.labels, "enum tag", "tag", at));
        VariantLayout(ti, v.labels.size(), {});
        break;
      case DefValKind::kOption:
        NW_TRY(take(*v.a));
        VariantLayout(ti, 2, {nullptr, &*v.a});
        break;
      case DefValKind::kResult:
        if (v.a) NW_TRY(take(*v.a));
        if (v.a && v.a->is_index) ti.ok = space(Sort::kType)[v.a->index].id;
        if (v.b) NW_TRY(take(*v.b));
        VariantLayout(ti, 2, {v.a ? &*v.a : nullptr, v.b ? &*v.b : nullptr});
        break;
      case DefValKind::kOwn:
      case DefValKind::kBorrow: {
        NW_TRY_ASSIGN(Entity e, Get(Sort::kType, v.index, at));
        if (types_[e.id].kind != TypeDef::Kind::kResource)
          return MakeError(at, "type index " + std::to_string(v.index) +
                                   " is not a resource type");
        ti.has_borrow = v.kind == DefValKind::kBorrow;
        ti.has_resource = true;
        ti.refs.push_back(e.id);
        ti.size = ti.align = 4;
        break;
      }
      case DefValKind::kStream:
      case DefValKind::kFuture:
        if (v.a) {
          NW_TRY(take(*v.a));
          if (BorrowIn(*v.a))
            return MakeError(at, "stream and future element types cannot contain a `borrow`");
          if (v.kind == DefValKind::kStream && !v.a->is_index && v.a->prim == PrimType::kChar)
            return MakeError(at, "`stream<char>` is not valid at this time");
        }
        ti.has_borrow = false;
        ti.size = ti.align = 4;
        break;
    }
    Flatten(v, ti);
    Structure(v, ti);
    if (ti.size >= kMaxValueSize)
      return MakeError(at, "type of " + std::to_string(ti.size) +
                               " bytes exceeds maximum byte size of 2^28");
    return NewType(std::move(ti));
  }

  Result<uint32_t> Func(const FuncTypeC& f, size_t at) {
    std::vector<std::string> names;
    for (const LabeledType& p : f.params) {
      names.push_back(p.label);
      NW_TRY(CheckValType(*p.type, at));
    }
    NW_TRY(Labels(names, "function parameter", "parameter", at));
    if (f.result) {
      NW_TRY(CheckValType(*f.result, at));
      if (BorrowIn(*f.result))
        return MakeError(at, "function result cannot contain a `borrow` type");
    }
    TypeInfo ti;
    ti.kind = TypeDef::Kind::kFunc;
    ti.async = f.async;
    for (const LabeledType& p : f.params) {
      uint32_t id = p.type->is_index ? space(Sort::kType)[p.type->index].id : kNone;
      if (id != kNone) ti.refs.push_back(id);
      ti.params.emplace_back(p.label, id);
    }
    for (const LabeledType& p : f.params) {
      AppendFlat(ti.flat, FlatOf(*p.type));
      ti.has_ptr |= PtrOf(*p.type);
    }
    if (f.result) {
      ti.flat_results = FlatOf(*f.result);
      ti.result_ptr = PtrOf(*f.result);
    }
    ti.has_result = f.result.has_value();
    for (const LabeledType& p : f.params) {
      ti.labels.push_back(p.label);
      ti.kids.push_back(KidOf(p.type));
    }
    ti.result_kid = KidOf(f.result);
    if (f.result && f.result->is_index) {
      ti.result = space(Sort::kType)[f.result->index].id;
      ti.refs.push_back(ti.result);
    }
    return NewType(std::move(ti));
  }

  // --- imports and exports --------------------------------------------------------------------

  // Resolves an externtype to the entity it introduces.
  Result<Entity> ExternEntity(const ExternTypeC& t, size_t at) {
    Sort s = SortOfExternKind(t.kind);
    auto want = [&](TypeDef::Kind k, const char* what) -> Result<uint32_t> {
      NW_TRY_ASSIGN(Entity e, Get(Sort::kType, t.index, at));
      if (types_[e.id].kind != k)
        return MakeError(at, "type index " + std::to_string(t.index) + " is not a" + what);
      return e.id;
    };
    switch (t.kind) {
      case ExternKindC::kModule: {
        NW_TRY_ASSIGN(Entity e, Get(Sort::kCoreType, t.index, at));
        if (!core_types_[e.id].is_module)
          return MakeError(at, "core type index " + std::to_string(t.index) +
                                   " is not a module type");
        return Entity{s, core_types_[e.id].module};
      }
      case ExternKindC::kFunc: {
        NW_TRY_ASSIGN(uint32_t id, want(TypeDef::Kind::kFunc, " function type"));
        return Entity{s, id};
      }
      case ExternKindC::kComponent: {
        NW_TRY_ASSIGN(uint32_t id, want(TypeDef::Kind::kComponent, " component type"));
        return Entity{s, id};
      }
      case ExternKindC::kInstance: {
        NW_TRY_ASSIGN(uint32_t id, want(TypeDef::Kind::kInstance, "n instance type"));
        return Entity{s, id};
      }
      case ExternKindC::kValue:
        if (t.bound_eq) {
          NW_TRY(Get(Sort::kValue, t.index, at));
        } else {
          NW_TRY(CheckValType(t.value_type, at));
        }
        return Entity{s, kNone};
      case ExternKindC::kType:
        if (t.bound_eq) {
          NW_TRY_ASSIGN(Entity e, Get(Sort::kType, t.index, at));
          return Entity{s, e.id};
        } else {
          TypeInfo ti;
          ti.kind = TypeDef::Kind::kResource;  // a fresh abstract resource type
          ti.abstract = true;
          return Entity{s, NewType(std::move(ti))};
        }
    }
    return Entity{s, kNone};
  }

  Status CheckAttributes(const ExternName& n, Sort sort) {
    for (const NameAttribute& a : n.attributes) {
      if (a.kind == NameAttribute::Kind::kImplements) {
        if (sort != Sort::kInstance)
          return MakeError(n.offset, "only instances can have an `implements` attribute");
        if (n.name.find(':') != std::string::npos)
          return MakeError(n.offset, "name `" + n.name + "` is not valid with `implements`");
        if (a.value.empty() || !CheckExternName(a.value, n.offset))
          return MakeError(n.offset, "`implements` value `" + a.value + "` is not a valid name");
        if (a.value.find(':') == std::string::npos)
          return MakeError(n.offset, "`implements` name `" + a.value + "` must be an interface");
      }
    }
    return Ok();
  }

  // External visibility (Explainer.md "External visibility of types"): a named type (record,
  // variant, enum, flags, resource) reached from an import or export must itself have been
  // imported or exported, i.e. be referred to through the index that import/export introduced.
  static bool NamedKind(const TypeInfo& t) {
    if (t.kind == TypeDef::Kind::kResource) return true;
    if (t.kind != TypeDef::Kind::kDefVal) return false;
    switch (t.val_kind) {
      case DefValKind::kRecord: case DefValKind::kVariant: case DefValKind::kEnum:
      case DefValKind::kFlags: return true;
      default: return false;
    }
  }
  // Visible from an import (only imported types) or an export (imported or exported types).
  bool Visible(uint32_t id, bool for_import, uint32_t depth = 0) {
    const TypeInfo& t = types_[id];
    if (t.exportable && (!for_import || t.imported)) return true;
    if (t.origin != kNone && (cur().imported_origins.count(t.origin) ||
                              (!for_import && cur().exported_origins.count(t.origin))))
      return true;
    if (std::find(named_by_instance_.begin(), named_by_instance_.end(), Root(id)) != named_by_instance_.end())
      return true;
    if (NamedKind(t) || depth > 100) return false;
    return RefsVisible(id, for_import, depth + 1);
  }
  bool RefsVisible(uint32_t id, bool for_import, uint32_t depth = 0) {
    const TypeInfo& t = types_[id];
    const std::vector<uint32_t>& refs = t.alias_of != kNone ? types_[t.alias_of].refs : t.refs;
    for (uint32_t r : refs)
      if (!Visible(r, for_import, depth)) return false;
    return true;
  }
  bool EntityVisible(const Entity& e, bool for_import, uint32_t depth = 0) {
    if (e.id == kNone || depth > 100) return true;
    switch (e.sort) {
      case Sort::kFunc: return RefsVisible(e.id, for_import);
      case Sort::kType: {
        uint32_t id = types_[e.id].alias_of != kNone ? types_[e.id].alias_of : e.id;
        const TypeInfo& t = types_[id];
        if (t.kind == TypeDef::Kind::kInstance || t.kind == TypeDef::Kind::kComponent) {
          for (const NamedEntity& x : t.exports)
            if (!EntityVisible(x.entity, for_import, depth + 1)) return false;
          return true;
        }
        return RefsVisible(id, for_import);
      }
      case Sort::kInstance:
      case Sort::kComponent: {
        // The types an instance exports are named by it, so its functions may use them (an
        // instance made by instantiating with a resource exports that resource itself).
        size_t mark = named_by_instance_.size();
        for (const NamedEntity& x : types_[e.id].exports)
          if (x.entity.sort == Sort::kType && x.entity.id != kNone) named_by_instance_.push_back(Root(x.entity.id));
        bool ok = true;
        for (const NamedEntity& x : types_[e.id].exports)
          if (ok && !EntityVisible(x.entity, for_import, depth + 1)) ok = false;
        named_by_instance_.resize(mark);
        return ok;
      }
      default: return true;
    }
  }
  // Checks the entity an import/export of a concrete component names; returns it, marked
  // exportable when it is a type.
  Result<Entity> Expose(Entity e, bool is_import, size_t at) {
    // Component types are checked as they are declared; instance types only once they are
    // attached to a concrete import or export.
    if (cur().kind != ScopeKind::kInstanceType && !EntityVisible(e, is_import))
      return MakeError(at, std::string(SortName(e.sort)) + " not valid to be used as " +
                               (is_import ? "import" : "export"));
    // Inside an instance type, an exported type is named for whichever import/export uses it.
    return Mark(e, is_import || cur().kind == ScopeKind::kInstanceType);
  }
  // Marks a type as named; an instance's exported types (transitively) become named too, since
  // importing or exporting an instance confers names on them.
  Entity Mark(Entity e, bool imported, uint32_t depth = 0) {
    if (e.sort == Sort::kInstance && e.id != kNone && depth < 100) {
      TypeInfo copy = types_[e.id];
      copy.named = true;
      for (NamedEntity& x : copy.exports) x.entity = Mark(x.entity, imported, depth + 1);
      e.id = NewType(std::move(copy));
      return e;
    }
    if (e.sort == Sort::kType && e.id != kNone) {
      if (uint32_t o = types_[e.id].origin; o != kNone)
        (imported ? cur().imported_origins : cur().exported_origins).insert(o);
      TypeInfo copy = types_[e.id];
      copy.origin = kNone;  // the new index is a named identity of its own
      if (copy.alias_of == kNone) copy.alias_of = e.id;
      copy.exportable = true;
      copy.imported = imported;
      e.id = NewType(std::move(copy));
    }
    return e;
  }

  uint32_t Identity(uint32_t id) const {
    return types_[id].origin != kNone ? types_[id].origin : id;
  }
  uint32_t Root(uint32_t id) const {
    return types_[id].alias_of != kNone ? types_[id].alias_of : id;
  }
  // The resource of an own/borrow type id (kNone if it is not a handle of `kind`).
  uint32_t HandleResource(uint32_t id, DefValKind kind) const {
    if (id == kNone) return kNone;
    const TypeInfo& t = types_[Root(id)];
    if (t.kind != TypeDef::Kind::kDefVal || t.val_kind != kind || t.refs.empty()) return kNone;
    return Root(t.refs[0]);
  }

  // Records resource names and checks the [constructor]/[method]/[static] rules.
  Status Annotations(const std::string& name, const Entity& e, bool is_import, size_t at) {
    return Annotations(name, e, is_import ? cur().import_resources : cur().export_resources, at);
  }
  // `names`: the resource names of the context (the imports' or the exports' of the component
  // or type being declared); a bag-of-exports instance gives an empty one, since it has no index
  // space of its own through which an export could name a resource.
  Status Annotations(const std::string& name, const Entity& e,
                     std::unordered_map<uint32_t, std::string>& names, size_t at) {
    PlainName p = ParsePlainName(name);
    if (e.sort == Sort::kType && e.id != kNone && !p.annotation && name.find(':') == std::string::npos &&
        types_[Root(e.id)].kind == TypeDef::Kind::kResource)
      names[Root(e.id)] = name;
    if (!p.annotation) return Ok();
    if (e.sort != Sort::kFunc) return MakeError(at, "item `" + name + "` is not a func");
    if (e.id == kNone) return Ok();
    const TypeInfo& f = types_[Root(e.id)];
    auto check_name = [&](uint32_t resource) -> Status {
      auto it = names.find(resource);
      if (it == names.end())
        return MakeError(at, "resource used in function does not have a name in this context");
      if (UniquenessKey(it->second) != UniquenessKey(std::string(p.resource)))
        return MakeError(at, "function does not match expected resource name `" + it->second + "`");
      return Ok();
    };
    switch (p.annotation) {
      case 'c': {
        if (!f.has_result) return MakeError(at, "function should return one value");
        uint32_t r = HandleResource(f.result, DefValKind::kOwn);
        if (r == kNone && f.result != kNone) {
          const TypeInfo& res = types_[Root(f.result)];
          if (res.kind == TypeDef::Kind::kDefVal && res.val_kind == DefValKind::kResult)
            r = HandleResource(res.ok, DefValKind::kOwn);
        }
        if (r == kNone)
          return MakeError(at, "function should return `(own $T)` or `(result (own $T))`");
        return check_name(r);
      }
      case 'm': {
        if (f.params.empty()) return MakeError(at, "function should have at least one argument");
        if (f.params[0].first != "self")
          return MakeError(at, "function should have a first argument called `self`");
        uint32_t r = HandleResource(f.params[0].second, DefValKind::kBorrow);
        if (r == kNone)
          return MakeError(at, "function should take a first argument of `(borrow $T)`");
        return check_name(r);
      }
      case 's': {
        for (const auto& [id, label] : names)
          if (UniquenessKey(label) == UniquenessKey(std::string(p.resource))) return Ok();
        return MakeError(at, "static resource name is not known in this context");
      }
    }
    return Ok();
  }

  Status ImportDecl(const ExternName& n, const ExternTypeC& t, size_t at) {
    NW_TRY(CheckExternName(n.name, n.offset));
    NW_TRY_ASSIGN(Entity e, ExternEntity(t, at));
    NW_TRY(CheckAttributes(n, e.sort));
    NW_TRY(Unique(cur().import_names, n.name, "import", n.offset));
    if (e.sort == Sort::kInstance && e.id != kNone) e.id = Freshen(e.id);
    NW_TRY_ASSIGN(e, Expose(e, true, at));
    NW_TRY(Annotations(n.name, e, true, n.offset));
    cur().imports.push_back({n.name, e});
    space(e.sort).push_back(e);
    return Ok();
  }

  Status ExportDecl(const ExternName& n, const ExternTypeC& t, size_t at) {
    NW_TRY(CheckExternName(n.name, n.offset));
    NW_TRY_ASSIGN(Entity e, ExternEntity(t, at));
    NW_TRY(CheckAttributes(n, e.sort));
    NW_TRY(Unique(cur().export_names, n.name, "export", n.offset));
    // (ExportDecl is a declarator inside a component or instance type.)
    if (t.kind == ExternKindC::kType && !t.bound_eq) cur().generated.push_back(e.id);
    if (e.sort == Sort::kInstance && e.id != kNone) {
      e.id = Freshen(e.id);
      const std::vector<uint32_t>& g = types_[e.id].generated;
      cur().generated.insert(cur().generated.end(), g.begin(), g.end());
    }
    NW_TRY_ASSIGN(e, Expose(e, false, at));
    NW_TRY(Annotations(n.name, e, false, n.offset));
    cur().exports.push_back({n.name, e});
    space(e.sort).push_back(e);
    return Ok();
  }

  Status ExportDef(const Export& ex) {
    NW_TRY(CheckExternName(ex.name.name, ex.name.offset));
    NW_TRY_ASSIGN(Entity e, EntityOf(ex.item, ex.offset));
    if (IsCoreSort(ex.item.sort) && ex.item.sort != Sort::kCoreModule)
      return MakeError(ex.offset, std::string(SortName(ex.item.sort)) +
                                      " not valid to be used as export");
    NW_TRY(CheckAttributes(ex.name, e.sort));
    if (ex.type) {
      NW_TRY_ASSIGN(Entity ascribed, ExternEntity(*ex.type, ex.offset));
      if (ascribed.sort != e.sort)
        return MakeError(ex.offset, "export `" + ex.name.name + "`: expected " +
                                        SortName(ascribed.sort) + ", found " + SortName(e.sort));
      subst_.clear();
      if (Status st = MatchEntity(ascribed, e, 0); !st)
        return MakeError(ex.offset, "ascribed type of export is not compatible with item's type: " +
                                        st.error().message);
      e = ascribed;
    }
    NW_TRY(Unique(cur().export_names, ex.name.name, "export", ex.name.offset));
    NW_TRY_ASSIGN(e, Expose(e, false, ex.offset));
    NW_TRY(Annotations(ex.name.name, e, false, ex.name.offset));
    cur().exports.push_back({ex.name.name, e});
    space(e.sort).push_back(e);
    return Ok();
  }

  // --- canon and start ------------------------------------------------------------------------
  Status Options(const Canon& c) {
    bool encoding = false, memory = false, realloc = false, post = false, async = false,
         callback = false;
    int encoding_kind = 0;
    auto dup = [&](bool& seen, const char* name, size_t at) -> Status {
      if (seen) return MakeError(at, std::string("canonical option `") + name +
                                         "` is specified more than once");
      seen = true;
      return Ok();
    };
    for (const CanonOpt& o : c.opts) {
      switch (o.kind) {
        case CanonOpt::Kind::kUtf8:
        case CanonOpt::Kind::kUtf16:
        case CanonOpt::Kind::kLatin1Utf16:
          if (encoding) {
            static constexpr const char* kEnc[] = {"utf8", "utf16", "latin1-utf16"};
            return MakeError(o.offset, std::string("canonical encoding option `") +
                                           kEnc[encoding_kind] + "` conflicts with option `" +
                                           kEnc[static_cast<int>(o.kind)] + "`");
          }
          encoding = true;
          encoding_kind = static_cast<int>(o.kind);
          break;
        case CanonOpt::Kind::kMemory:
          NW_TRY(dup(memory, "memory", o.offset));
          NW_TRY(Get(Sort::kCoreMemory, o.index, o.offset));
          break;
        case CanonOpt::Kind::kRealloc:
          NW_TRY(dup(realloc, "realloc", o.offset));
          NW_TRY(Get(Sort::kCoreFunc, o.index, o.offset));
          break;
        case CanonOpt::Kind::kPostReturn:
          NW_TRY(dup(post, "post-return", o.offset));
          NW_TRY(Get(Sort::kCoreFunc, o.index, o.offset));
          break;
        case CanonOpt::Kind::kAsync: NW_TRY(dup(async, "async", o.offset)); break;
        case CanonOpt::Kind::kCallback:
          NW_TRY(dup(callback, "callback", o.offset));
          NW_TRY(Get(Sort::kCoreFunc, o.index, o.offset));
          break;
      }
    }
    if (callback && !async)
      return MakeError(c.offset, "cannot specify callback without async");
    if (post && c.kind != CanonKind::kLift)
      return MakeError(c.offset, "canonical option `post-return` cannot be specified for "
                                 "lowerings");
    if (realloc && !memory)
      return MakeError(c.offset, "canonical option `realloc` requires `memory` to also be "
                                 "specified");
    return Ok();
  }

  const CanonOpt* FindOpt(const Canon& c, CanonOpt::Kind k) {
    for (const CanonOpt& o : c.opts)
      if (o.kind == k) return &o;
    return nullptr;
  }

  // The memory/realloc requirements and core signatures of a sync lift or lower of function
  // type `f` (CanonicalABI.md flatten_functype); `core` is the lifted core function's type when
  // known.
  Status LiftLowerAbi(const Canon& c, const TypeInfo& f, const FuncType* core) {
    bool lift = c.kind == CanonKind::kLift;
    if (FindOpt(c, CanonOpt::Kind::kAsync)) return Ok();  // async ABI: not checked here
    bool params_in_memory = f.flat.size() > kMaxFlatParams;
    bool results_in_memory = f.flat_results.size() > kMaxFlatResults;
    bool need_memory = f.has_ptr || f.result_ptr || params_in_memory || results_in_memory;
    bool need_realloc = lift ? (f.has_ptr || params_in_memory) : f.result_ptr;
    if (need_memory && !FindOpt(c, CanonOpt::Kind::kMemory))
      return MakeError(c.offset, "canonical option `memory` is required");
    if (need_realloc && !FindOpt(c, CanonOpt::Kind::kRealloc))
      return MakeError(c.offset, "canonical option `realloc` is required");
    auto func_sig = [&](const CanonOpt* o) -> const FuncType* {
      if (!o) return nullptr;
      Entity e = space(Sort::kCoreFunc)[o->index];
      return e.id == kNone ? nullptr : &core_funcs_[e.id];
    };
    if (const FuncType* r = func_sig(FindOpt(c, CanonOpt::Kind::kRealloc))) {
      FuncType want{{nw::ValType::kI32, nw::ValType::kI32, nw::ValType::kI32, nw::ValType::kI32},
                    {nw::ValType::kI32}};
      if (*r != want)
        return MakeError(c.offset, "canonical option `realloc` uses a core function with an "
                                   "incorrect signature");
    }
    if (!lift || !core) return Ok();
    std::vector<nw::ValType> params = f.flat, results = f.flat_results;
    if (params_in_memory) params = {nw::ValType::kI32};
    if (results_in_memory) results = {nw::ValType::kI32};
    if (core->params != params)
      return MakeError(c.offset, "lowered parameter types `" + FlatText(params) +
                                     "` do not match parameter types `" +
                                     FlatText(core->params) + "`");
    if (core->results != results)
      return MakeError(c.offset, "lowered result types `" + FlatText(results) +
                                     "` do not match result types `" + FlatText(core->results) +
                                     "`");
    if (const FuncType* pr = func_sig(FindOpt(c, CanonOpt::Kind::kPostReturn))) {
      if (pr->params != results || !pr->results.empty())
        return MakeError(c.offset, "canonical option `post-return` uses a core function with an "
                                   "incorrect signature");
    }
    return Ok();
  }

  Result<Entity> TypeOfKind(uint32_t index, TypeDef::Kind k, const char* what, size_t at) {
    NW_TRY_ASSIGN(Entity e, Get(Sort::kType, index, at));
    if (types_[e.id].kind != k)
      return MakeError(at, "type index " + std::to_string(index) + " is not a " + what);
    return e;
  }

  // Lifting or lowering with the `async` ABI needs a function type marked async.
  Status AsyncOptionNeedsAsyncType(const Canon& c, const TypeInfo& ft) {
    if (FindOpt(c, CanonOpt::Kind::kAsync) && !ft.async)
      return MakeError(c.offset, "the `async` canonical option requires an async function type");
    return Ok();
  }

  Status CanonDef(const Canon& c) {
    NW_TRY(Options(c));
    switch (c.kind) {
      case CanonKind::kLift: {
        NW_TRY_ASSIGN(Entity core, Get(Sort::kCoreFunc, c.func, c.offset));
        NW_TRY_ASSIGN(Entity t, TypeOfKind(c.type, TypeDef::Kind::kFunc, "function type",
                                           c.offset));
        NW_TRY(AsyncOptionNeedsAsyncType(c, types_[t.id]));
        NW_TRY(LiftLowerAbi(c, types_[t.id], core.id == kNone ? nullptr : &core_funcs_[core.id]));
        Push(Sort::kFunc, t.id);
        return Ok();
      }
      case CanonKind::kLower: {
        NW_TRY_ASSIGN(Entity f, Get(Sort::kFunc, c.func, c.offset));
        if (f.id != kNone) {
          NW_TRY(AsyncOptionNeedsAsyncType(c, types_[f.id]));
          NW_TRY(LiftLowerAbi(c, types_[f.id], nullptr));
        }
        break;
      }
      case CanonKind::kResourceNew:
      case CanonKind::kResourceDrop:
      case CanonKind::kResourceRep: {
        NW_TRY_ASSIGN(Entity r, TypeOfKind(c.type, TypeDef::Kind::kResource, "resource type",
                                           c.offset));
        if (c.kind != CanonKind::kResourceDrop && types_[Root(r.id)].owner != cur().serial)
          return MakeError(c.offset, "type index " + std::to_string(c.type) +
                                         " is not a local resource");
        break;
      }
      case CanonKind::kStreamNew: case CanonKind::kStreamRead: case CanonKind::kStreamWrite:
      case CanonKind::kStreamCancelRead: case CanonKind::kStreamCancelWrite:
      case CanonKind::kStreamDropReadable: case CanonKind::kStreamDropWritable:
      case CanonKind::kFutureNew: case CanonKind::kFutureRead: case CanonKind::kFutureWrite:
      case CanonKind::kFutureCancelRead: case CanonKind::kFutureCancelWrite:
      case CanonKind::kFutureDropReadable: case CanonKind::kFutureDropWritable: {
        bool stream = c.kind <= CanonKind::kStreamDropWritable;
        NW_TRY_ASSIGN(Entity t, TypeOfKind(c.type, TypeDef::Kind::kDefVal, "defined type",
                                           c.offset));
        DefValKind want = stream ? DefValKind::kStream : DefValKind::kFuture;
        if (types_[t.id].val_kind != want)
          return MakeError(c.offset, "type index " + std::to_string(c.type) + " is not a " +
                                         (stream ? "stream" : "future") + " type");
        break;
      }
      case CanonKind::kTaskReturn:
        if (c.result) NW_TRY(CheckValType(*c.result, c.offset));
        break;
      case CanonKind::kContextGet:
      case CanonKind::kContextSet:
        if (c.core_type != nw::ValType::kI32)
          return MakeError(c.offset, "context slots hold only `i32` values");
        if (c.index > 1) return MakeError(c.offset, "context slot index out of bounds");
        break;
      case CanonKind::kWaitableSetWait:
      case CanonKind::kWaitableSetPoll:
        NW_TRY(Get(Sort::kCoreMemory, c.index, c.offset));
        break;
      case CanonKind::kThreadNewIndirect:
      case CanonKind::kThreadSpawnIndirect:
        NW_TRY(Get(Sort::kCoreType, c.type, c.offset));
        NW_TRY(Get(Sort::kCoreTable, c.index, c.offset));
        break;
      case CanonKind::kThreadSpawnRef:
        NW_TRY(Get(Sort::kCoreType, c.type, c.offset));
        break;
      default:
        break;
    }
    // Every other canon defines a core function; its signature is not tracked.
    Push(Sort::kCoreFunc, kNone);
    return Ok();
  }

  Status StartDef(const Start& s) {
    NW_TRY(Get(Sort::kFunc, s.func, s.offset));
    for (uint32_t v : s.args) NW_TRY(Get(Sort::kValue, v, s.offset));
    for (uint32_t i = 0; i < s.results; ++i) Push(Sort::kValue, kNone);
    return Ok();
  }

  std::vector<Scope> scopes_;
  std::vector<TypeInfo> types_;
  std::unordered_map<uint32_t, uint32_t> subst_;
  // While the exports of an instantiation are rewritten (InstanceDef): drop the names the child
  // gave its types, except its type imports, which become the arguments (exact ids).
  bool unname_ = false;
  std::unordered_map<uint32_t, uint32_t> named_args_;
  std::vector<uint32_t> named_by_instance_;  // EntityVisible: types the instance in hand exports
  uint32_t next_serial_ = 0;
  std::vector<CoreModuleInfo> core_modules_;
  std::vector<CoreInstanceInfo> core_instances_;
  std::vector<CoreTypeInfo> core_types_;
  std::vector<FuncType> core_funcs_;
  std::vector<GlobalType> core_globals_;
};

}  // namespace

Status ValidateComponent(const Component& c) {
  Validator v;
  return v.Run(c);
}

}  // namespace nw::component
