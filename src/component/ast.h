// The component AST: what a component binary (component-model Binary.md, version 0x0d, layer 1)
// says, one struct per production, in binary order. It is produced by binary_reader.h and checked
// by validate.h; it carries no resolved types (the validator builds those) and nothing for the
// canonical ABI's lifting and lowering (src/component/canon*, written separately).
//
// Index spaces are not materialised here: a Component keeps its sections in order (`sections`),
// each naming a run of entries in the per-kind vectors, so a consumer can replay the definitions
// in the order that builds the index spaces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "format/module.h"

namespace nw::component {

inline constexpr uint16_t kComponentVersion = 0x0d;
inline constexpr uint16_t kComponentLayer = 1;

// sort ::= core <core:sort> | func | value | type | component | instance
enum class Sort : uint8_t {
  kCoreFunc,
  kCoreTable,
  kCoreMemory,
  kCoreGlobal,
  kCoreTag,
  kCoreType,
  kCoreModule,
  kCoreInstance,
  kFunc,
  kValue,
  kType,
  kComponent,
  kInstance,
};
inline constexpr size_t kNumSorts = 13;
inline bool IsCoreSort(Sort s) { return s <= Sort::kCoreInstance; }
const char* SortName(Sort s);  // "core func", "func", "type", ...

struct SortIdx {
  Sort sort = Sort::kFunc;
  uint32_t index = 0;
};

// ---------------------------------------------------------------------------------------------
// Value types.

// primvaltype opcodes (negative SLEB128, as in core wasm).
enum class PrimType : uint8_t {
  kBool = 0x7f,
  kS8 = 0x7e,
  kU8 = 0x7d,
  kS16 = 0x7c,
  kU16 = 0x7b,
  kS32 = 0x7a,
  kU32 = 0x79,
  kS64 = 0x78,
  kU64 = 0x77,
  kF32 = 0x76,
  kF64 = 0x75,
  kChar = 0x74,
  kString = 0x73,
  kErrorContext = 0x64,
};
bool IsPrimType(uint8_t byte);
const char* PrimTypeName(PrimType p);

// valtype ::= typeidx | primvaltype
struct ValType {
  bool is_index = false;
  PrimType prim = PrimType::kBool;  // !is_index
  uint32_t index = 0;               // is_index: a type index
  friend bool operator==(const ValType&, const ValType&) = default;
};

struct LabeledType {
  std::string label;
  std::optional<ValType> type;  // always set for record fields and params
};

enum class DefValKind : uint8_t {
  kPrim,
  kRecord,
  kVariant,
  kList,
  kFixedList,  // 🔧 (list t len)
  kTuple,
  kFlags,
  kEnum,
  kOption,
  kResult,
  kOwn,
  kBorrow,
  kStream,  // 🔀
  kFuture,  // 🔀
  kMap,     // 🗺️
};

struct DefValType {
  DefValKind kind = DefValKind::kPrim;
  PrimType prim = PrimType::kBool;  // kPrim
  std::vector<LabeledType> fields;  // kRecord (type set), kVariant (type optional)
  std::vector<ValType> types;       // kTuple
  std::vector<std::string> labels;  // kFlags, kEnum
  // kList/kFixedList/kOption: element in `a`; kResult: ok in `a`, error in `b`; kStream/kFuture:
  // optional element in `a`; kMap: key in `a`, value in `b`.
  std::optional<ValType> a, b;
  uint32_t index = 0;   // kOwn/kBorrow: resource type index
  uint32_t length = 0;  // kFixedList
};

struct FuncTypeC {
  bool async = false;
  std::vector<LabeledType> params;
  std::optional<ValType> result;
};

// ---------------------------------------------------------------------------------------------
// Core types (core:type), including module types.

struct CoreExternType {
  ExternKind kind = ExternKind::kFunc;  // tags use kTag below
  bool is_tag = false;
  uint32_t type_index = 0;  // func / tag
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct CoreModuleDecl;

struct CoreTypeDef {
  enum class Kind : uint8_t { kFunc, kModule } kind = Kind::kFunc;
  FuncType func;  // kFunc (also the comptype of a `sub`/`rec` of one function type)
  bool sub = false, final = true;
  std::vector<uint32_t> supertypes;
  std::vector<CoreModuleDecl> decls;  // kModule
  size_t offset = kNoOffset;
};

struct CoreModuleDecl {
  enum class Kind : uint8_t { kImport, kType, kAlias, kExport } kind = Kind::kImport;
  std::string module, name;     // kImport: both; kExport: name
  CoreExternType type;          // kImport/kExport
  std::vector<CoreTypeDef> def;  // kType: exactly one (a vector so the type may be incomplete)
  uint32_t outer_count = 0, outer_index = 0;  // kAlias (outer type alias)
  size_t offset = kNoOffset;
};

// ---------------------------------------------------------------------------------------------
// Imports, exports, extern types.

struct NameAttribute {
  enum class Kind : uint8_t { kImplements, kVersionSuffix, kExternalId } kind;
  std::string value;
};

struct ExternName {
  uint8_t prefix = 0;  // 0x00, 0x01 or 0x02 (with attributes)
  std::string name;
  std::vector<NameAttribute> attributes;
  size_t offset = kNoOffset;
};

enum class ExternKindC : uint8_t { kModule, kFunc, kValue, kType, kComponent, kInstance };
Sort SortOfExternKind(ExternKindC k);  // the index space an import/export of kind k adds to

struct ExternTypeC {
  ExternKindC kind = ExternKindC::kFunc;
  uint32_t index = 0;  // core type / type index; value bound eq index; type bound eq index
  bool bound_eq = true;  // kType: (eq i) or (sub resource); kValue: (eq i) or a valtype
  ValType value_type;    // kValue with !bound_eq
};

struct Import {
  ExternName name;
  ExternTypeC type;
  size_t offset = kNoOffset;
};

struct Export {
  ExternName name;
  SortIdx item;
  std::optional<ExternTypeC> type;  // ascribed type
  size_t offset = kNoOffset;
};

// ---------------------------------------------------------------------------------------------
// Aliases.

struct Alias {
  enum class Target : uint8_t { kExport, kCoreExport, kOuter } target = Target::kExport;
  Sort sort = Sort::kFunc;
  uint32_t instance = 0;  // export / core export
  std::string name;       // export / core export
  uint32_t count = 0;     // outer
  uint32_t index = 0;     // outer
  size_t offset = kNoOffset;
};

// ---------------------------------------------------------------------------------------------
// Component-level types.

struct TypeDef;

struct Decl {
  enum class Kind : uint8_t { kCoreType, kType, kAlias, kImport, kExport } kind = Kind::kType;
  std::vector<CoreTypeDef> core_type;  // kCoreType: one
  std::vector<TypeDef> type;           // kType: one
  Alias alias;                         // kAlias
  ExternName name;                     // kImport/kExport
  ExternTypeC extern_type;             // kImport/kExport
  size_t offset = kNoOffset;
};

struct ResourceTypeDef {
  nw::ValType rep = nw::ValType::kI32;
  std::optional<uint32_t> dtor;  // core func index
};

struct TypeDef {
  enum class Kind : uint8_t { kDefVal, kFunc, kComponent, kInstance, kResource } kind =
      Kind::kDefVal;
  DefValType val;
  FuncTypeC func;
  std::vector<Decl> decls;  // kComponent / kInstance
  ResourceTypeDef resource;
  size_t offset = kNoOffset;
};

// ---------------------------------------------------------------------------------------------
// Instances.

struct CoreInstantiateArg {
  std::string name;
  uint32_t instance = 0;  // core instance index (the only sort allowed today)
};

struct CoreInlineExport {
  std::string name;
  SortIdx item;  // a core sort
};

struct CoreInstance {
  enum class Kind : uint8_t { kInstantiate, kExports } kind = Kind::kInstantiate;
  uint32_t module = 0;
  std::vector<CoreInstantiateArg> args;
  std::vector<CoreInlineExport> exports;
  size_t offset = kNoOffset;
};

struct InstantiateArg {
  std::string name;
  SortIdx item;
};

struct InlineExport {
  ExternName name;
  SortIdx item;
};

struct Instance {
  enum class Kind : uint8_t { kInstantiate, kExports } kind = Kind::kInstantiate;
  uint32_t component = 0;
  std::vector<InstantiateArg> args;
  std::vector<InlineExport> exports;
  size_t offset = kNoOffset;
};

// ---------------------------------------------------------------------------------------------
// Canonical definitions.

enum class CanonKind : uint8_t {
  kLift = 0x00,
  kLower = 0x01,
  kResourceNew = 0x02,
  kResourceDrop = 0x03,
  kResourceRep = 0x04,
  kTaskCancel = 0x05,
  kSubtaskCancel = 0x06,
  kTaskReturn = 0x09,
  kContextGet = 0x0a,
  kContextSet = 0x0b,
  kThreadYield = 0x0c,
  kSubtaskDrop = 0x0d,
  kStreamNew = 0x0e,
  kStreamRead = 0x0f,
  kStreamWrite = 0x10,
  kStreamCancelRead = 0x11,
  kStreamCancelWrite = 0x12,
  kStreamDropReadable = 0x13,
  kStreamDropWritable = 0x14,
  kFutureNew = 0x15,
  kFutureRead = 0x16,
  kFutureWrite = 0x17,
  kFutureCancelRead = 0x18,
  kFutureCancelWrite = 0x19,
  kFutureDropReadable = 0x1a,
  kFutureDropWritable = 0x1b,
  kErrorContextNew = 0x1c,
  kErrorContextDebugMessage = 0x1d,
  kErrorContextDrop = 0x1e,
  kWaitableSetNew = 0x1f,
  kWaitableSetWait = 0x20,
  kWaitableSetPoll = 0x21,
  kWaitableSetDrop = 0x22,
  kWaitableJoin = 0x23,
  kBackpressureInc = 0x24,
  kBackpressureDec = 0x25,
  kThreadIndex = 0x26,
  kThreadNewIndirect = 0x27,
  kThreadResumeLater = 0x28,
  kThreadSuspend = 0x29,
  kThreadSuspendThenResume = 0x2a,
  kThreadYieldThenResume = 0x2b,
  kThreadSuspendThenPromote = 0x2c,
  kThreadYieldThenPromote = 0x2d,
  kThreadSpawnRef = 0x40,
  kThreadSpawnIndirect = 0x41,
  kThreadAvailableParallelism = 0x42,
};
const char* CanonKindName(CanonKind k);  // "lift", "resource.new", "stream.read", ...

struct CanonOpt {
  enum class Kind : uint8_t {
    kUtf8 = 0,
    kUtf16 = 1,
    kLatin1Utf16 = 2,
    kMemory = 3,
    kRealloc = 4,
    kPostReturn = 5,
    kAsync = 6,
    kCallback = 7,
  } kind;
  uint32_t index = 0;  // memory / realloc / post-return / callback
  size_t offset = kNoOffset;
};

struct Canon {
  CanonKind kind = CanonKind::kLift;
  uint32_t func = 0;         // lift: core func; lower: func
  uint32_t type = 0;         // lift: func type; resource.*, stream.*, future.*: type; thread.*:
                             // core type
  uint32_t index = 0;        // context.*: slot; waitable-set.wait/poll: memory; thread tables
  nw::ValType core_type = nw::ValType::kI32;  // context.get/set
  bool flag = false;         // async? / cancel? / shared?
  std::vector<CanonOpt> opts;
  std::optional<ValType> result;  // task.return
  size_t offset = kNoOffset;
};

// ---------------------------------------------------------------------------------------------
// The rest.

struct Start {
  uint32_t func = 0;
  std::vector<uint32_t> args;  // value indices
  uint32_t results = 0;
  size_t offset = kNoOffset;
};

struct Value {  // 🪙 kept undecoded: its bytes depend on its type
  ValType type;
  std::vector<uint8_t> bytes;
  size_t offset = kNoOffset;
};

struct CoreModule {
  ModuleDesc module;
  size_t offset = kNoOffset;  // of the embedded "\0asm"
  size_t size = 0;
};

struct NameMap {
  Sort sort = Sort::kFunc;
  std::vector<std::pair<uint32_t, std::string>> names;
};

struct ComponentNames {
  std::optional<std::string> component;
  std::vector<NameMap> sorts;
};

struct CustomSection {
  std::string name;
  std::vector<uint8_t> payload;
  size_t offset = kNoOffset;
};

enum class SectionKind : uint8_t {
  kCustom = 0,
  kCoreModule = 1,
  kCoreInstance = 2,
  kCoreType = 3,
  kComponent = 4,
  kInstance = 5,
  kAlias = 6,
  kType = 7,
  kCanon = 8,
  kStart = 9,
  kImport = 10,
  kExport = 11,
  kValue = 12,
};

// One section: entries [first, first + count) of the vector for its kind.
struct Section {
  SectionKind kind = SectionKind::kCustom;
  uint32_t first = 0, count = 0;
  size_t offset = kNoOffset;  // of the section id byte
};

struct Component {
  std::vector<Section> sections;
  std::vector<CoreModule> core_modules;
  std::vector<CoreInstance> core_instances;
  std::vector<CoreTypeDef> core_types;
  std::vector<Component> components;
  std::vector<Instance> instances;
  std::vector<Alias> aliases;
  std::vector<TypeDef> types;
  std::vector<Canon> canons;
  std::vector<Start> starts;
  std::vector<Import> imports;
  std::vector<Export> exports;
  std::vector<Value> values;
  std::vector<CustomSection> customs;
  std::optional<ComponentNames> names;  // a well-formed "component-name" section, if any
  size_t offset = 0;                    // of the preamble
};

}  // namespace nw::component
