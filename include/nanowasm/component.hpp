// The C++ embedding API for components (the component model): load and validate a component,
// define host implementations of the interfaces it imports, instantiate it, call its exports —
// with a dynamic value type (ComponentVal) or with C++ types (typed sugar below).
//
//   nw::Engine engine;  nw::Store store(engine);  nw::ComponentStore cs(store);
//   auto c = nw::ComponentModule::FromBinary(bytes);             // Result<...>
//   nw::ComponentLinker linker;
//   linker.DefineFunc("local:demo/log#print", [](std::string s) { ... });
//   auto inst = linker.Instantiate(cs, **c);                     // CallResult<ComponentInstance>
//   auto greet = nw::TypedComponentFunc<std::string(std::string)>::Make(*inst->GetFunc("greet"));
//   auto r = greet->Call("world");                               // CallResult<std::string>
//
// Paths name an import or export: "name" at the top level, "iface#name" for a function of an
// imported or exported instance (e.g. "wasi:cli/stdout@0.2.0#get-stdout").
// Values cross by copy; errors are values (nothing throws). A call's error says whether it is a
// misuse by the embedder (kError: wrong arity or shape; nothing ran), a core wasm trap (kTrap,
// with its TrapKind), a canonical-ABI trap (kAbiTrap: a bad handle, invalid string, reentrance)
// or a host function's error (kHostTrap). After a trap the instance stays unenterable, as the
// component model says.
//
// C++ mapping of the typed sugar: bool, int8_t..uint64_t, float, double, char32_t (char),
// std::string (string), std::vector<T> (list; a vector of bool, integers, float, double or
// char32_t crosses packed, one copy each way), std::optional<T> (option), std::tuple<...>
// (tuple), std::expected<T, E> (result; T or E may be void), std::variant<...> (variant; a
// std::monostate case has no payload), C++ enums (enum, by case index), ComponentFlags (flags),
// OwnHandle / BorrowHandle (own / borrow of a resource), and structs declared with
// NW_COMPONENT_RECORD (record, fields in order). Not here: async functions, streams, futures.
#pragma once

#include <cstdint>
#include <cstring>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "nanowasm/runtime.h"

namespace nw {

// ---- values -----------------------------------------------------------------------------------

enum class ComponentValKind : uint8_t {
  kBool, kS8, kU8, kS16, kU16, kS32, kU32, kS64, kU64, kF32, kF64, kChar, kString,
  kList, kRecord, kTuple, kVariant, kEnum, kOption, kResult, kFlags, kOwn, kBorrow,
};
std::string_view ComponentValKindName(ComponentValKind k);

// A component-level value. Records and tuples hold their fields in declaration order; variant,
// enum, option (none = 0, some = 1) and result (ok = 0, error = 1) hold a case index and at most
// one payload; flags a bit mask (bit i = label i); own/borrow a resource representation.
class ComponentVal {
 public:
  ComponentVal() = default;
  static ComponentVal Bool(bool b) { return Scalar(ComponentValKind::kBool, b ? 1 : 0); }
  static ComponentVal S8(int8_t v) { return Signed(ComponentValKind::kS8, v); }
  static ComponentVal U8(uint8_t v) { return Scalar(ComponentValKind::kU8, v); }
  static ComponentVal S16(int16_t v) { return Signed(ComponentValKind::kS16, v); }
  static ComponentVal U16(uint16_t v) { return Scalar(ComponentValKind::kU16, v); }
  static ComponentVal S32(int32_t v) { return Signed(ComponentValKind::kS32, v); }
  static ComponentVal U32(uint32_t v) { return Scalar(ComponentValKind::kU32, v); }
  static ComponentVal S64(int64_t v) { return Signed(ComponentValKind::kS64, v); }
  static ComponentVal U64(uint64_t v) { return Scalar(ComponentValKind::kU64, v); }
  static ComponentVal F32(float f);
  static ComponentVal F64(double f);
  static ComponentVal Char(char32_t c) { return Scalar(ComponentValKind::kChar, c); }
  // UTF-8 text; invalid UTF-8 is refused when the value is passed (kError).
  static ComponentVal String(std::string utf8);
  static ComponentVal List(std::vector<ComponentVal> elems) {
    return Aggregate(ComponentValKind::kList, std::move(elems));
  }
  // A list of scalars given packed (kind kList, is_packed()): the elements of kind `elem`
  // (bool, s8..u64, f32, f64, char) as their little-endian bytes, PackedWidth(elem) each, as
  // in linear memory. It is lowered with one copy, where a List costs a value per element,
  // and equals the List of the same values. Bools must be 0/1 and chars Unicode scalar values
  // (checked when the value is passed: kError); NaNs are lowered canonical, as single floats are.
  static ComponentVal Packed(ComponentValKind elem, std::string bytes) {
    ComponentVal v;
    v.kind_ = ComponentValKind::kList;
    v.packed_ = true;
    v.elem_ = elem;
    v.str_ = std::move(bytes);
    return v;
  }
  // A packed list<u8> (is_bytes()).
  static ComponentVal Bytes(std::string bytes) { return Packed(ComponentValKind::kU8, std::move(bytes)); }
  // Bytes per element of a packed list of `elem`; 0 for kinds never packed.
  static constexpr size_t PackedWidth(ComponentValKind elem) {
    switch (elem) {
      case ComponentValKind::kBool: case ComponentValKind::kS8: case ComponentValKind::kU8: return 1;
      case ComponentValKind::kS16: case ComponentValKind::kU16: return 2;
      case ComponentValKind::kS32: case ComponentValKind::kU32: case ComponentValKind::kF32:
      case ComponentValKind::kChar: return 4;
      case ComponentValKind::kS64: case ComponentValKind::kU64: case ComponentValKind::kF64: return 8;
      default: return 0;
    }
  }
  static ComponentVal Record(std::vector<ComponentVal> fields) {
    return Aggregate(ComponentValKind::kRecord, std::move(fields));
  }
  static ComponentVal Tuple(std::vector<ComponentVal> elems) {
    return Aggregate(ComponentValKind::kTuple, std::move(elems));
  }
  static ComponentVal Variant(uint32_t case_index, std::optional<ComponentVal> payload = {}) {
    return Cased(ComponentValKind::kVariant, case_index, std::move(payload));
  }
  static ComponentVal Enum(uint32_t case_index) { return Scalar(ComponentValKind::kEnum, case_index); }
  static ComponentVal None() { return Cased(ComponentValKind::kOption, 0, {}); }
  static ComponentVal Some(ComponentVal v) { return Cased(ComponentValKind::kOption, 1, std::move(v)); }
  static ComponentVal Ok(std::optional<ComponentVal> v = {}) {
    return Cased(ComponentValKind::kResult, 0, std::move(v));
  }
  static ComponentVal Err(std::optional<ComponentVal> v = {}) {
    return Cased(ComponentValKind::kResult, 1, std::move(v));
  }
  static ComponentVal Flags(uint32_t bits) { return Scalar(ComponentValKind::kFlags, bits); }
  static ComponentVal Own(uint32_t rep) { return Scalar(ComponentValKind::kOwn, rep); }
  static ComponentVal Borrow(uint32_t rep) { return Scalar(ComponentValKind::kBorrow, rep); }

  ComponentValKind kind() const { return kind_; }
  bool as_bool() const { return bits_ != 0; }
  int64_t as_s64() const { return static_cast<int64_t>(bits_); }  // any integer, sign-extended
  uint64_t as_u64() const { return bits_; }                       // any integer, zero-extended
  float as_f32() const;
  double as_f64() const;
  char32_t as_char() const { return static_cast<char32_t>(bits_); }
  const std::string& as_string() const { return str_; }  // UTF-8
  uint32_t case_index() const { return static_cast<uint32_t>(bits_); }  // variant/enum/option/result
  const ComponentVal* payload() const { return elems_.empty() ? nullptr : &elems_[0]; }
  uint32_t flags() const { return static_cast<uint32_t>(bits_); }
  uint32_t rep() const { return static_cast<uint32_t>(bits_); }  // own/borrow
  const std::vector<ComponentVal>& elems() const { return elems_; }  // list/record/tuple
  uint64_t bits() const { return bits_; }
  // A packed list (Packed, Bytes): its bytes are packed_bytes() and elems() is empty. Results
  // come in this form only where asked for (ComponentFunc::Call with ByteLists::kBytes for
  // list<u8>, ByteLists::kPacked for every list of scalars; typed sugar); elsewhere a list is
  // a List of values, as before.
  bool is_packed() const { return packed_; }
  ComponentValKind packed_elem() const { return elem_; }  // packed lists only
  const std::string& packed_bytes() const { return str_; }
  bool is_bytes() const { return packed_ && elem_ == ComponentValKind::kU8; }
  const std::string& as_bytes() const { return str_; }
  size_t list_size() const {  // either form
    if (!packed_) return elems_.size();
    return PackedWidth(elem_) ? str_.size() / PackedWidth(elem_) : 0;
  }
  // Element i of a list in either form (a copy).
  ComponentVal list_elem(size_t i) const;

  // Structural; a list in bytes form equals the List of the same U8 values.
  bool operator==(const ComponentVal& o) const;
  // Text like the component-model WAST values: (record (u32 1) (string "x")), for messages.
  std::string ToString() const;

 private:
  static ComponentVal Scalar(ComponentValKind k, uint64_t bits) {
    ComponentVal v;
    v.kind_ = k;
    v.bits_ = bits;
    return v;
  }
  static ComponentVal Signed(ComponentValKind k, int64_t v) {
    return Scalar(k, static_cast<uint64_t>(v));
  }
  static ComponentVal Aggregate(ComponentValKind k, std::vector<ComponentVal> elems) {
    ComponentVal v;
    v.kind_ = k;
    v.elems_ = std::move(elems);
    return v;
  }
  static ComponentVal Cased(ComponentValKind k, uint32_t index, std::optional<ComponentVal> payload) {
    ComponentVal v = Scalar(k, index);
    if (payload) v.elems_.push_back(std::move(*payload));
    return v;
  }

  ComponentValKind kind_ = ComponentValKind::kBool;
  bool packed_ = false;  // a list of scalars held in str_
  ComponentValKind elem_ = ComponentValKind::kU8;  // packed lists: the element kind
  uint64_t bits_ = 0;
  std::string str_;
  std::vector<ComponentVal> elems_;
};

// ---- errors -----------------------------------------------------------------------------------

struct ComponentError {
  enum class Kind : uint8_t {
    kError,     // the embedder's misuse or a link error: nothing ran (or instantiation failed)
    kTrap,      // a core wasm trap; trap_kind says which
    kAbiTrap,   // a canonical ABI trap (bad or dropped handle, invalid string, reentrance, ...)
    kHostTrap,  // a host function returned an error
  };
  Kind kind = Kind::kError;
  TrapKind trap_kind = TrapKind::kHostError;  // kTrap only
  std::string message;
  bool is_trap() const { return kind != Kind::kError; }
};
template <class T>
using CallResult = std::expected<T, ComponentError>;

// ---- components, stores, instances ------------------------------------------------------------

// A decoded and validated component binary (or text). Immutable; shareable between stores.
class ComponentModule {
 public:
  // Errors carry the binary's byte offset (Error::ToString: "OFFSET: message", hex).
  static Result<std::shared_ptr<const ComponentModule>> FromBinary(std::span<const uint8_t> bytes);
  // The component text format (as far as the reference suite uses it). Errors carry offsets.
  static Result<std::shared_ptr<const ComponentModule>> FromText(std::string_view text);
  // Top-level import / export names, in order.
  std::vector<std::string> ImportNames() const;
  std::vector<std::string> ExportNames() const;

  struct Impl;
  explicit ComponentModule(std::unique_ptr<Impl> impl);
  ~ComponentModule();
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Bounds on the host resources the component instances of one ComponentStore may take: a guest
// cannot raise them, the embedder chooses them per store (per tenant). The core side (memory
// pages, table elements, instances) is bounded by the Store's StoreLimits.
struct ComponentLimits {
  // Live async threads of the component async ABI (each runs on a host thread); one more traps
  // "too many threads".
  size_t max_async_threads = 256;
  // Live callback-lifted async tasks run without a host thread (a few hundred bytes of host
  // memory each); one more traps "too many callback tasks".
  size_t max_callback_tasks = 65536;
  // Host memory, in bytes, that one call's values lifted for the host may take (a host
  // function's arguments, the results of ComponentFunc::Call); a call past it traps. Read when
  // an instance's host functions are linked (Instantiate) and by every Call.
  uint64_t max_host_value_bytes = uint64_t{512} << 20;
};

// Everything the component instances of one nw::Store create. `store` must outlive it; the
// instances and functions it hands out live as long as it does.
class ComponentStore {
 public:
  explicit ComponentStore(Store& store);
  ~ComponentStore();
  ComponentStore(const ComponentStore&) = delete;
  ComponentStore& operator=(const ComponentStore&) = delete;
  Store& store();
  // Set before instantiating (see ComponentLimits for when each bound is read).
  void SetLimits(const ComponentLimits& limits);
  ComponentLimits limits() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Resource handles as the host sees them.
struct OwnHandle {
  uint32_t rep = 0;
  bool operator==(const OwnHandle&) const = default;
};

class ComponentInstance;

// A component-level function: an export of an instance. Cheap to copy (a handle).
class ComponentFunc {
 public:
  ComponentFunc() = default;
  // Arguments are checked against the parameter types first (kError when they do not fit,
  // before anything runs).
  CallResult<std::vector<ComponentVal>> Call(std::span<const ComponentVal> args) const;
  CallResult<std::vector<ComponentVal>> Call(std::initializer_list<ComponentVal> args) const {
    return Call(std::span<const ComponentVal>(args.begin(), args.size()));
  }
  // As Call; with kBytes, list<u8> results (at any depth) come as ComponentVal::Bytes; with
  // kPacked, every list of bool, integers, floats or char comes packed (ComponentVal::Packed).
  enum class ByteLists : uint8_t { kElements, kBytes, kPacked };
  CallResult<std::vector<ComponentVal>> Call(std::span<const ComponentVal> args, ByteLists form) const;
  size_t param_count() const;
  size_t result_count() const;
  // The function type in WIT-like text, e.g. "func(s: string, p: record{x: u32}) -> u32".
  std::string TypeText() const;
  // Whether the C++ shape (see typed_detail::Shape) fits parameter i / the result.
  bool ParamFits(size_t i, std::string_view shape) const;
  bool ResultFits(std::string_view shape) const;  // "" fits no result

  struct Impl;
  ComponentFunc(ComponentStore* cs, const void* func) : cs_(cs), func_(func) {}
  explicit operator bool() const { return func_ != nullptr; }

 private:
  ComponentStore* cs_ = nullptr;
  const void* func_ = nullptr;  // the store's function record
};

// A resource type an instance exports, for the host to drop the own handles of it that it
// received (running the resource's destructor in its defining instance).
class ComponentResource {
 public:
  ComponentResource(ComponentStore* cs, const void* rt) : cs_(cs), rt_(rt) {}
  // Ends the host's ownership of `h`: the destructor runs (traps are kTrap/kAbiTrap). The
  // handle must be an own of this type that the host holds; nanowasm cannot tell a forged rep
  // from a real one here, as the host is trusted with the reps it was given.
  CallResult<void> Drop(OwnHandle h) const;

 private:
  ComponentStore* cs_;
  const void* rt_;
};

class ComponentInstance {
 public:
  // "name" or "iface#name"; an error when missing or not a function.
  Result<ComponentFunc> GetFunc(std::string_view path) const;
  // An exported resource type: "name" or "iface#name".
  Result<ComponentResource> GetResource(std::string_view path) const;
  // An exported instance (for ComponentLinker::DefineInstance).
  Result<ComponentInstance> GetInstance(std::string_view name) const;
  std::vector<std::string> ExportNames() const;

  ComponentInstance(ComponentStore* cs, void* inst) : cs_(cs), inst_(inst) {}
  ComponentStore* store() const { return cs_; }
  void* internal() const { return inst_; }  // the store's instance record

 private:
  ComponentStore* cs_;
  void* inst_;
};

// A host function: arguments lifted from the guest (already of the import's declared types);
// results must fit the declared result type (else the call traps). An error traps (kHostTrap).
using ComponentHostFunc =
    std::function<Result<std::vector<ComponentVal>>(std::span<const ComponentVal> args)>;
// The same, told how many results the import declares (0 or 1) — for bindings (the C API).
using ComponentHostFuncN = std::function<Result<std::vector<ComponentVal>>(
    std::span<const ComponentVal> args, size_t num_results)>;

// Defines what a component's imports resolve to, then instantiates.
class ComponentLinker {
 public:
  ComponentLinker();
  ~ComponentLinker();
  ComponentLinker(ComponentLinker&&) noexcept;
  ComponentLinker& operator=(ComponentLinker&&) noexcept;

  // A host function for a func import: "name" (top level) or "iface#name" (an imported
  // instance's function). It gets the import's declared type.
  void DefineFunc(std::string_view path, ComponentHostFunc fn);
  void DefineFuncN(std::string_view path, ComponentHostFuncN fn);
  // Typed sugar: the lambda's C++ signature (see the mapping above) is checked against the
  // import's declared type when instantiating. It may return Result<T> to trap with a message.
  template <class F>
    requires(!std::is_convertible_v<F, ComponentHostFunc>)
  void DefineFunc(std::string_view path, F&& fn);
  // A host resource type for "(type (sub resource))" imports: reps are the host's own numbers.
  // `dtor` (may be empty) runs when the guest drops an own handle of it.
  void DefineResource(std::string_view path, std::function<void(uint32_t rep)> dtor = {});
  // An instance import satisfied by another component's instance (same ComponentStore); at
  // instantiation its exports are checked against the import's instance type.
  void DefineInstance(std::string_view name, const ComponentInstance& instance);

  CallResult<ComponentInstance> Instantiate(ComponentStore& cs, const ComponentModule& c) const;

  struct Impl;

 private:
  struct TypedHost {
    std::vector<std::string> param_shapes;
    std::string result_shape;  // "" = no result
  };
  void DefineFuncShaped(std::string_view path, ComponentHostFuncN fn, std::optional<TypedHost> shapes);
  std::unique_ptr<Impl> impl_;
};

// ---- typed sugar --------------------------------------------------------------------------------

struct BorrowHandle {
  uint32_t rep = 0;
  bool operator==(const BorrowHandle&) const = default;
};
struct ComponentFlags {
  uint32_t bits = 0;
  bool operator==(const ComponentFlags&) const = default;
};

// Records: NW_COMPONENT_RECORD(Point, x, y) after `struct Point { uint32_t x, y; };` (at
// namespace scope) maps Point to a record of those fields, in that order.
template <class T>
struct ComponentRecord;  // specialized by NW_COMPONENT_RECORD

namespace typed_detail {

template <class T>
struct CType;

// Shapes: a compact text of a C++ type's component type, matched against a declared type by
// ComponentFunc::ParamFits (names are not compared, records and tuples differ; "E" is any
// enum, "fl" any flags).
template <class T, ComponentValKind K, const char* kShape>
struct IntCType {
  static void Shape(std::string& s) { s += kShape; }
  static ComponentVal To(T v) {
    if constexpr (std::is_signed_v<T>) {
      switch (K) {
        case ComponentValKind::kS8: return ComponentVal::S8(static_cast<int8_t>(v));
        case ComponentValKind::kS16: return ComponentVal::S16(static_cast<int16_t>(v));
        case ComponentValKind::kS32: return ComponentVal::S32(static_cast<int32_t>(v));
        default: return ComponentVal::S64(static_cast<int64_t>(v));
      }
    } else {
      switch (K) {
        case ComponentValKind::kU8: return ComponentVal::U8(static_cast<uint8_t>(v));
        case ComponentValKind::kU16: return ComponentVal::U16(static_cast<uint16_t>(v));
        case ComponentValKind::kU32: return ComponentVal::U32(static_cast<uint32_t>(v));
        default: return ComponentVal::U64(static_cast<uint64_t>(v));
      }
    }
  }
  static std::optional<T> From(const ComponentVal& v) {
    if (v.kind() != K) return std::nullopt;
    return static_cast<T>(v.bits());
  }
};
inline constexpr char kShS8[] = "s8", kShU8[] = "u8", kShS16[] = "s16", kShU16[] = "u16",
                      kShS32[] = "s32", kShU32[] = "u32", kShS64[] = "s64", kShU64[] = "u64";
template <> struct CType<int8_t> : IntCType<int8_t, ComponentValKind::kS8, kShS8> {};
template <> struct CType<uint8_t> : IntCType<uint8_t, ComponentValKind::kU8, kShU8> {};
template <> struct CType<int16_t> : IntCType<int16_t, ComponentValKind::kS16, kShS16> {};
template <> struct CType<uint16_t> : IntCType<uint16_t, ComponentValKind::kU16, kShU16> {};
template <> struct CType<int32_t> : IntCType<int32_t, ComponentValKind::kS32, kShS32> {};
template <> struct CType<uint32_t> : IntCType<uint32_t, ComponentValKind::kU32, kShU32> {};
template <> struct CType<int64_t> : IntCType<int64_t, ComponentValKind::kS64, kShS64> {};
template <> struct CType<uint64_t> : IntCType<uint64_t, ComponentValKind::kU64, kShU64> {};

template <>
struct CType<bool> {
  static void Shape(std::string& s) { s += "bool"; }
  static ComponentVal To(bool v) { return ComponentVal::Bool(v); }
  static std::optional<bool> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kBool) return std::nullopt;
    return v.as_bool();
  }
};
template <>
struct CType<float> {
  static void Shape(std::string& s) { s += "f32"; }
  static ComponentVal To(float v) { return ComponentVal::F32(v); }
  static std::optional<float> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kF32) return std::nullopt;
    return v.as_f32();
  }
};
template <>
struct CType<double> {
  static void Shape(std::string& s) { s += "f64"; }
  static ComponentVal To(double v) { return ComponentVal::F64(v); }
  static std::optional<double> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kF64) return std::nullopt;
    return v.as_f64();
  }
};
template <>
struct CType<char32_t> {
  static void Shape(std::string& s) { s += "char"; }
  static ComponentVal To(char32_t v) { return ComponentVal::Char(v); }
  static std::optional<char32_t> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kChar) return std::nullopt;
    return v.as_char();
  }
};
template <>
struct CType<std::string> {
  static void Shape(std::string& s) { s += "string"; }
  static ComponentVal To(const std::string& v) { return ComponentVal::String(v); }
  static std::optional<std::string> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kString) return std::nullopt;
    return v.as_string();
  }
};
template <>
struct CType<OwnHandle> {
  static void Shape(std::string& s) { s += "own"; }
  static ComponentVal To(OwnHandle h) { return ComponentVal::Own(h.rep); }
  static std::optional<OwnHandle> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kOwn) return std::nullopt;
    return OwnHandle{v.rep()};
  }
};
template <>
struct CType<BorrowHandle> {
  static void Shape(std::string& s) { s += "borrow"; }
  static ComponentVal To(BorrowHandle h) { return ComponentVal::Borrow(h.rep); }
  static std::optional<BorrowHandle> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kBorrow) return std::nullopt;
    return BorrowHandle{v.rep()};
  }
};
template <>
struct CType<ComponentFlags> {
  static void Shape(std::string& s) { s += "fl"; }
  static ComponentVal To(ComponentFlags f) { return ComponentVal::Flags(f.bits); }
  static std::optional<ComponentFlags> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kFlags) return std::nullopt;
    return ComponentFlags{v.flags()};
  }
};

// The element kind of a C++ scalar that a vector of it crosses packed (kBool for none; see
// kPackedScalar).
template <class T>
constexpr ComponentValKind PackedKindOf() {
  if constexpr (std::is_same_v<T, bool>) return ComponentValKind::kBool;
  else if constexpr (std::is_same_v<T, int8_t>) return ComponentValKind::kS8;
  else if constexpr (std::is_same_v<T, uint8_t>) return ComponentValKind::kU8;
  else if constexpr (std::is_same_v<T, int16_t>) return ComponentValKind::kS16;
  else if constexpr (std::is_same_v<T, uint16_t>) return ComponentValKind::kU16;
  else if constexpr (std::is_same_v<T, int32_t>) return ComponentValKind::kS32;
  else if constexpr (std::is_same_v<T, uint32_t>) return ComponentValKind::kU32;
  else if constexpr (std::is_same_v<T, int64_t>) return ComponentValKind::kS64;
  else if constexpr (std::is_same_v<T, uint64_t>) return ComponentValKind::kU64;
  else if constexpr (std::is_same_v<T, float>) return ComponentValKind::kF32;
  else if constexpr (std::is_same_v<T, double>) return ComponentValKind::kF64;
  else return ComponentValKind::kChar;
}
template <class T>
inline constexpr bool kPackedScalar =
    std::is_same_v<T, bool> || std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t> ||
    std::is_same_v<T, int16_t> || std::is_same_v<T, uint16_t> || std::is_same_v<T, int32_t> ||
    std::is_same_v<T, uint32_t> || std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t> ||
    std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, char32_t>;

template <class T>
struct CType<std::vector<T>> {
  static void Shape(std::string& s) {
    s += "list<";
    CType<T>::Shape(s);
    s += ">";
  }
  // Vectors of scalars cross packed: one copy of their bytes (std::vector<bool>, a bitset, a
  // byte each).
  static ComponentVal To(const std::vector<T>& v) {
    if constexpr (kPackedScalar<T>) {
      std::string b(v.size() * sizeof(T), '\0');
      if constexpr (std::is_same_v<T, bool>) {
        for (size_t i = 0; i < v.size(); ++i) b[i] = v[i] ? 1 : 0;
      } else if (!v.empty()) {
        std::memcpy(b.data(), v.data(), b.size());
      }
      return ComponentVal::Packed(PackedKindOf<T>(), std::move(b));
    } else {
      std::vector<ComponentVal> e;
      e.reserve(v.size());
      for (const T& x : v) e.push_back(CType<T>::To(x));
      return ComponentVal::List(std::move(e));
    }
  }
  static std::optional<std::vector<T>> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kList) return std::nullopt;
    if constexpr (kPackedScalar<T>) {
      if (v.is_packed()) {
        if (v.packed_elem() != PackedKindOf<T>()) return std::nullopt;
        const std::string& b = v.packed_bytes();
        std::vector<T> out(b.size() / sizeof(T));
        if constexpr (std::is_same_v<T, bool>) {
          for (size_t i = 0; i < out.size(); ++i) out[i] = b[i] != 0;
        } else if (!out.empty()) {
          std::memcpy(out.data(), b.data(), out.size() * sizeof(T));
        }
        return out;
      }
    }
    std::vector<T> out;
    out.reserve(v.elems().size());
    for (const ComponentVal& e : v.elems()) {
      auto x = CType<T>::From(e);
      if (!x) return std::nullopt;
      out.push_back(std::move(*x));
    }
    return out;
  }
};

// Variant-like shapes: "v<" case ("_" for no payload) separated by ";" ">".
template <class T>
void PayloadShape(std::string& s) {
  if constexpr (std::is_void_v<T> || std::is_same_v<T, std::monostate>) {
    s += "_";
  } else {
    CType<T>::Shape(s);
  }
}

template <class T>
struct CType<std::optional<T>> {
  static void Shape(std::string& s) {
    s += "v<_;";
    CType<T>::Shape(s);
    s += ">";
  }
  static ComponentVal To(const std::optional<T>& v) {
    return v ? ComponentVal::Some(CType<T>::To(*v)) : ComponentVal::None();
  }
  static std::optional<std::optional<T>> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kOption) return std::nullopt;
    if (v.case_index() == 0) return std::optional<T>();
    if (!v.payload()) return std::nullopt;
    auto x = CType<T>::From(*v.payload());
    if (!x) return std::nullopt;
    return std::optional<T>(std::move(*x));
  }
};

template <class T, class E>
struct CType<std::expected<T, E>> {
  static void Shape(std::string& s) {
    s += "v<";
    PayloadShape<T>(s);
    s += ";";
    PayloadShape<E>(s);
    s += ">";
  }
  static ComponentVal To(const std::expected<T, E>& v) {
    if (v) {
      if constexpr (std::is_void_v<T>) return ComponentVal::Ok();
      else return ComponentVal::Ok(CType<T>::To(*v));
    }
    if constexpr (std::is_void_v<E>) return ComponentVal::Err();
    else return ComponentVal::Err(CType<E>::To(v.error()));
  }
  static std::optional<std::expected<T, E>> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kResult) return std::nullopt;
    if (v.case_index() == 0) {
      if constexpr (std::is_void_v<T>) {
        return std::expected<T, E>();
      } else {
        if (!v.payload()) return std::nullopt;
        auto x = CType<T>::From(*v.payload());
        if (!x) return std::nullopt;
        return std::expected<T, E>(std::move(*x));
      }
    }
    if constexpr (std::is_void_v<E>) {
      return std::expected<T, E>(std::unexpect);
    } else {
      if (!v.payload()) return std::nullopt;
      auto x = CType<E>::From(*v.payload());
      if (!x) return std::nullopt;
      return std::expected<T, E>(std::unexpect, std::move(*x));
    }
  }
};

template <class... Ts>
struct CType<std::variant<Ts...>> {
  static void Shape(std::string& s) {
    s += "v<";
    size_t i = 0;
    ((s += (i++ ? ";" : ""), PayloadShape<Ts>(s)), ...);
    s += ">";
  }
  static ComponentVal To(const std::variant<Ts...>& v) {
    return std::visit(
        [&](const auto& x) {
          using X = std::remove_cvref_t<decltype(x)>;
          uint32_t index = static_cast<uint32_t>(v.index());
          if constexpr (std::is_same_v<X, std::monostate>) return ComponentVal::Variant(index);
          else return ComponentVal::Variant(index, CType<X>::To(x));
        },
        v);
  }
  template <size_t I>
  static std::optional<std::variant<Ts...>> FromCase(const ComponentVal& v) {
    if constexpr (I == sizeof...(Ts)) {
      return std::nullopt;
    } else {
      if (v.case_index() != I) return FromCase<I + 1>(v);
      using X = std::variant_alternative_t<I, std::variant<Ts...>>;
      if constexpr (std::is_same_v<X, std::monostate>) {
        return std::variant<Ts...>(std::in_place_index<I>);
      } else {
        if (!v.payload()) return std::nullopt;
        auto x = CType<X>::From(*v.payload());
        if (!x) return std::nullopt;
        return std::variant<Ts...>(std::in_place_index<I>, std::move(*x));
      }
    }
  }
  static std::optional<std::variant<Ts...>> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kVariant) return std::nullopt;
    return FromCase<0>(v);
  }
};

template <class T>
  requires std::is_enum_v<T>
struct CType<T> {
  static void Shape(std::string& s) { s += "E"; }
  static ComponentVal To(T v) { return ComponentVal::Enum(static_cast<uint32_t>(v)); }
  static std::optional<T> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kEnum) return std::nullopt;
    return static_cast<T>(v.case_index());
  }
};

template <class... Ts>
struct CType<std::tuple<Ts...>> {
  static void Shape(std::string& s) {
    s += "t<";
    size_t i = 0;
    ((s += (i++ ? ";" : ""), CType<Ts>::Shape(s)), ...);
    s += ">";
  }
  static ComponentVal To(const std::tuple<Ts...>& t) {
    std::vector<ComponentVal> e;
    std::apply([&](const auto&... x) { (e.push_back(CType<std::remove_cvref_t<decltype(x)>>::To(x)), ...); }, t);
    return ComponentVal::Tuple(std::move(e));
  }
  static std::optional<std::tuple<Ts...>> From(const ComponentVal& v) {
    if (v.kind() != ComponentValKind::kTuple || v.elems().size() != sizeof...(Ts)) return std::nullopt;
    return FromElems(v.elems(), std::index_sequence_for<Ts...>{});
  }
  template <size_t... I>
  static std::optional<std::tuple<Ts...>> FromElems(const std::vector<ComponentVal>& e,
                                                    std::index_sequence<I...>) {
    std::tuple<std::optional<Ts>...> parts{CType<Ts>::From(e[I])...};
    if (!(std::get<I>(parts).has_value() && ...)) return std::nullopt;
    return std::tuple<Ts...>{std::move(*std::get<I>(parts))...};
  }
};

// Records declared with NW_COMPONENT_RECORD.
template <class T>
  requires requires { ComponentRecord<T>::kFields; }
struct CType<T> {
  static constexpr auto kFields = ComponentRecord<T>::kFields;
  static void Shape(std::string& s) {
    s += "r<";
    size_t i = 0;
    std::apply([&](auto... m) { ((s += (i++ ? ";" : ""), CType<MemberType<decltype(m)>>::Shape(s)), ...); },
               kFields);
    s += ">";
  }
  template <class M>
  using MemberType = std::remove_cvref_t<decltype(std::declval<T&>().*std::declval<M>())>;
  static ComponentVal To(const T& v) {
    std::vector<ComponentVal> e;
    std::apply([&](auto... m) { (e.push_back(CType<MemberType<decltype(m)>>::To(v.*m)), ...); }, kFields);
    return ComponentVal::Record(std::move(e));
  }
  static std::optional<T> From(const ComponentVal& v) {
    constexpr size_t n = std::tuple_size_v<decltype(kFields)>;
    if (v.kind() != ComponentValKind::kRecord || v.elems().size() != n) return std::nullopt;
    T out{};
    bool ok = true;
    size_t i = 0;
    std::apply(
        [&](auto... m) {
          ((ok = ok && [&] {
             auto x = CType<MemberType<decltype(m)>>::From(v.elems()[i++]);
             if (!x) return false;
             out.*m = std::move(*x);
             return true;
           }()),
           ...);
        },
        kFields);
    if (!ok) return std::nullopt;
    return out;
  }
};

template <class T>
std::string ShapeOf() {
  std::string s;
  CType<std::remove_cvref_t<T>>::Shape(s);
  return s;
}

template <class R>
struct HostRet {
  using Value = R;
  static constexpr bool kFallible = false;
};
template <class R>
struct HostRet<Result<R>> {
  using Value = R;
  static constexpr bool kFallible = true;
};

template <class M>
struct FnSig;
template <class C, class R, class... A>
struct FnSig<R (C::*)(A...) const> {
  using Return = R;
  using Params = std::tuple<std::remove_cvref_t<A>...>;
};
template <class C, class R, class... A>
struct FnSig<R (C::*)(A...)> {
  using Return = R;
  using Params = std::tuple<std::remove_cvref_t<A>...>;
};
template <class F>
struct LambdaFnSig : FnSig<decltype(&F::operator())> {};
template <class R, class... A>
struct LambdaFnSig<R (*)(A...)> {
  using Return = R;
  using Params = std::tuple<std::remove_cvref_t<A>...>;
};

ComponentError TypedMismatch(std::string what);

}  // namespace typed_detail

#define NW_COMPONENT_RECORD_MEMBER_(T, f) &T::f
#define NW_COMPONENT_RECORD(T, ...) \
  template <>                       \
  struct nw::ComponentRecord<T> {   \
    static constexpr auto kFields = NW_COMPONENT_RECORD_FIELDS_(T, __VA_ARGS__); \
  }
// Up to 16 fields.
#define NW_CR_EXPAND_(x) x
#define NW_CR_1(T, a) &T::a
#define NW_CR_2(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_1(T, __VA_ARGS__))
#define NW_CR_3(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_2(T, __VA_ARGS__))
#define NW_CR_4(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_3(T, __VA_ARGS__))
#define NW_CR_5(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_4(T, __VA_ARGS__))
#define NW_CR_6(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_5(T, __VA_ARGS__))
#define NW_CR_7(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_6(T, __VA_ARGS__))
#define NW_CR_8(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_7(T, __VA_ARGS__))
#define NW_CR_9(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_8(T, __VA_ARGS__))
#define NW_CR_10(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_9(T, __VA_ARGS__))
#define NW_CR_11(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_10(T, __VA_ARGS__))
#define NW_CR_12(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_11(T, __VA_ARGS__))
#define NW_CR_13(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_12(T, __VA_ARGS__))
#define NW_CR_14(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_13(T, __VA_ARGS__))
#define NW_CR_15(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_14(T, __VA_ARGS__))
#define NW_CR_16(T, a, ...) &T::a, NW_CR_EXPAND_(NW_CR_15(T, __VA_ARGS__))
#define NW_CR_PICK_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, N, ...) N
#define NW_COMPONENT_RECORD_FIELDS_(T, ...)                                                      \
  std::make_tuple(NW_CR_EXPAND_(NW_CR_PICK_(__VA_ARGS__, NW_CR_16, NW_CR_15, NW_CR_14, NW_CR_13, \
                                            NW_CR_12, NW_CR_11, NW_CR_10, NW_CR_9, NW_CR_8,      \
                                            NW_CR_7, NW_CR_6, NW_CR_5, NW_CR_4, NW_CR_3, NW_CR_2, \
                                            NW_CR_1)(T, __VA_ARGS__)))

// A type-checked handle on a ComponentFunc: R may be void, one type, or std::tuple<...> is one
// tuple-typed result (component functions have at most one result).
template <class Sig>
class TypedComponentFunc;

template <class R, class... Args>
class TypedComponentFunc<R(Args...)> {
 public:
  // Checks the C++ signature against the function's type (an error naming both if not).
  static Result<TypedComponentFunc> Make(ComponentFunc f) {
    if (!f) return MakeError("typed component func: null function");
    bool ok = f.param_count() == sizeof...(Args);
    size_t i = 0;
    ok = ok && (f.ParamFits(i++, typed_detail::ShapeOf<Args>()) && ...);
    if constexpr (std::is_void_v<R>) ok = ok && f.result_count() == 0;
    else ok = ok && f.result_count() == 1 && f.ResultFits(typed_detail::ShapeOf<R>());
    if (!ok) return MakeError("typed component func: the function has type " + f.TypeText() +
                              ", which the C++ signature does not fit");
    TypedComponentFunc t;
    t.f_ = f;
    return t;
  }
  CallResult<R> Call(const Args&... args) const {
    ComponentVal in[sizeof...(Args) > 0 ? sizeof...(Args) : 1] = {
        typed_detail::CType<std::remove_cvref_t<Args>>::To(args)...};
    auto r = f_.Call(std::span<const ComponentVal>(in, sizeof...(Args)), ComponentFunc::ByteLists::kPacked);
    if (!r) return std::unexpected(std::move(r.error()));
    if constexpr (std::is_void_v<R>) {
      return {};
    } else {
      auto v = typed_detail::CType<R>::From(r->at(0));
      if (!v) return std::unexpected(typed_detail::TypedMismatch("result " + r->at(0).ToString()));
      return std::move(*v);
    }
  }
  CallResult<R> operator()(const Args&... args) const { return Call(args...); }
  const ComponentFunc& func() const { return f_; }

 private:
  ComponentFunc f_;
};

template <class F>
  requires(!std::is_convertible_v<F, ComponentHostFunc>)
void ComponentLinker::DefineFunc(std::string_view path, F&& fn) {
  using Sig = typed_detail::LambdaFnSig<std::decay_t<F>>;
  using Params = typename Sig::Params;
  using Ret = typed_detail::HostRet<typename Sig::Return>;
  using V = typename Ret::Value;
  TypedHost shapes;
  [&]<size_t... I>(std::index_sequence<I...>) {
    (shapes.param_shapes.push_back(typed_detail::ShapeOf<std::tuple_element_t<I, Params>>()), ...);
  }(std::make_index_sequence<std::tuple_size_v<Params>>{});
  if constexpr (!std::is_void_v<V>) shapes.result_shape = typed_detail::ShapeOf<V>();
  ComponentHostFunc dyn = [fn = std::forward<F>(fn)](
                              std::span<const ComponentVal> args) mutable
      -> Result<std::vector<ComponentVal>> {
    if (args.size() != std::tuple_size_v<Params>) return MakeError("host function: wrong arity");
    std::optional<Params> params;
    [&]<size_t... I>(std::index_sequence<I...>) {
      std::tuple<std::optional<std::tuple_element_t<I, Params>>...> parts{
          typed_detail::CType<std::tuple_element_t<I, Params>>::From(args[I])...};
      if ((std::get<I>(parts).has_value() && ...)) params.emplace(std::move(*std::get<I>(parts))...);
    }(std::make_index_sequence<std::tuple_size_v<Params>>{});
    if (!params) return MakeError("host function: an argument does not fit its C++ type");
    if constexpr (Ret::kFallible) {
      auto r = std::apply(fn, std::move(*params));
      if (!r) return std::unexpected(std::move(r.error()));
      if constexpr (std::is_void_v<V>) return std::vector<ComponentVal>{};
      else return std::vector<ComponentVal>{typed_detail::CType<V>::To(*r)};
    } else if constexpr (std::is_void_v<V>) {
      std::apply(fn, std::move(*params));
      return std::vector<ComponentVal>{};
    } else {
      return std::vector<ComponentVal>{typed_detail::CType<V>::To(std::apply(fn, std::move(*params)))};
    }
  };
  DefineFuncShaped(path, [dyn = std::move(dyn)](std::span<const ComponentVal> a, size_t) { return dyn(a); },
                   std::move(shapes));
}

}  // namespace nw
