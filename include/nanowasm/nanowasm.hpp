// The C++ embedding API in one include: runtime.h plus typed sugar over it.
//   - ModuleFromWat: compile a module from WebAssembly text.
//   - TypedFunc<R(Args...)>: a type-checked handle on a Func whose calls go through
//     Func::CallUnchecked with stack arrays (no allocation per call). R may be void, one value
//     type or std::tuple<...> for several results.
//   - WrapHost / DefineHost: host functions from typed lambdas, `(Caller&, Args...) -> R` or
//     `(Args...) -> R`, where R may also be TrapResult<...> to trap.
//   - MemRead / MemWrite / MemSpan / MemString: bounds-checked access to a Memory.
// Value mapping: int32_t/uint32_t = i32, int64_t/uint64_t = i64, float = f32, double = f64,
// V128 = v128, Func* = funcref, ExternRef = externref. Errors are values; nothing throws.
// Not here: anything that changes runtime behaviour; this file only adapts runtime.h.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "nanowasm/runtime.h"

namespace nw {

static_assert(std::endian::native == std::endian::little,
              "nanowasm's typed helpers assume a little-endian host, as wasm memory is");

// Compile WebAssembly text (a "(module ...)" or bare module fields). Errors read
// "LINE:COL: message".
Result<std::shared_ptr<const Module>> ModuleFromWat(const Engine& engine, std::string_view text);

// An externref value as the host sees it: an opaque word, 0 = null.
struct ExternRef {
  uint64_t word = 0;
  friend bool operator==(const ExternRef&, const ExternRef&) = default;
};

namespace typed_detail {

// How one C++ type maps to a wasm value type and to slot words (see Func::CallUnchecked).
template <class T>
struct WasmTypeOf;

template <class T, ValType kType>
struct ScalarSlot {
  static constexpr ValType kValType = kType;
  static constexpr size_t kSlots = 1;
  static void ToSlots(T v, uint64_t* out) {
    if constexpr (sizeof(T) == 4) {
      uint32_t b;
      std::memcpy(&b, &v, 4);
      out[0] = b;
    } else {
      std::memcpy(out, &v, 8);
    }
  }
  static T FromSlots(const uint64_t* in) {
    T v;
    if constexpr (sizeof(T) == 4) {
      uint32_t b = static_cast<uint32_t>(in[0]);
      std::memcpy(&v, &b, 4);
    } else {
      std::memcpy(&v, in, 8);
    }
    return v;
  }
  static Val ToVal(T v) {
    uint64_t w = 0;
    ToSlots(v, &w);
    return Val::Make(kType, w);
  }
  static T FromVal(const Val& v) { return FromSlots(&v.bits); }
};

template <> struct WasmTypeOf<int32_t> : ScalarSlot<int32_t, ValType::kI32> {};
template <> struct WasmTypeOf<uint32_t> : ScalarSlot<uint32_t, ValType::kI32> {};
template <> struct WasmTypeOf<int64_t> : ScalarSlot<int64_t, ValType::kI64> {};
template <> struct WasmTypeOf<uint64_t> : ScalarSlot<uint64_t, ValType::kI64> {};
template <> struct WasmTypeOf<float> : ScalarSlot<float, ValType::kF32> {};
template <> struct WasmTypeOf<double> : ScalarSlot<double, ValType::kF64> {};

template <>
struct WasmTypeOf<ExternRef> {
  static constexpr ValType kValType = ValType::kExternRef;
  static constexpr size_t kSlots = 1;
  static void ToSlots(ExternRef v, uint64_t* out) { out[0] = v.word; }
  static ExternRef FromSlots(const uint64_t* in) { return {in[0]}; }
  static Val ToVal(ExternRef v) { return Val::ExternRef(v.word); }
  static ExternRef FromVal(const Val& v) { return {v.bits}; }
};

template <>
struct WasmTypeOf<Func*> {
  static constexpr ValType kValType = ValType::kFuncRef;
  static constexpr size_t kSlots = 1;
  static void ToSlots(Func* v, uint64_t* out) { out[0] = reinterpret_cast<uintptr_t>(v); }
  static Func* FromSlots(const uint64_t* in) {
    return reinterpret_cast<Func*>(static_cast<uintptr_t>(in[0]));
  }
  static Val ToVal(Func* v) { return Val::FuncRef(v); }
  static Func* FromVal(const Val& v) { return v.func; }
};

template <>
struct WasmTypeOf<V128> {
  static constexpr ValType kValType = ValType::kV128;
  static constexpr size_t kSlots = 2;
  static void ToSlots(const V128& v, uint64_t* out) { std::memcpy(out, v.bytes, 16); }
  static V128 FromSlots(const uint64_t* in) {
    V128 v;
    std::memcpy(v.bytes, in, 16);
    return v;
  }
  static Val ToVal(const V128& v) { return Val::V128Bytes(v); }
  static V128 FromVal(const Val& v) { return v.v128; }
};

template <class T>
concept WasmValue = requires { WasmTypeOf<std::remove_cvref_t<T>>::kValType; };

// The result list of a C++ return type: void -> (), std::tuple<Ts...> -> Ts..., T -> T.
template <class R>
struct ResultList {
  using Tuple = std::tuple<R>;
};
template <>
struct ResultList<void> {
  using Tuple = std::tuple<>;
};
template <class... Ts>
struct ResultList<std::tuple<Ts...>> {
  using Tuple = std::tuple<Ts...>;
};

template <class Tuple>
struct TupleTypes;
template <class... Ts>
struct TupleTypes<std::tuple<Ts...>> {
  static constexpr bool kAllWasm = (WasmValue<Ts> && ...);
  static constexpr size_t kSlots = (size_t{0} + ... + WasmTypeOf<Ts>::kSlots);
  static bool Matches(std::span<const ValType> types) {
    if (types.size() != sizeof...(Ts)) return false;
    size_t i = 0;
    return ((types[i++] == WasmTypeOf<Ts>::kValType) && ...);
  }
  static std::vector<ValType> List() { return {WasmTypeOf<Ts>::kValType...}; }
};

template <class R>
using ResultTuple = typename ResultList<R>::Tuple;

// Unpacks `slots` into R (void, one value or a tuple).
template <class R, class... Ts>
R FromSlotsAs(const uint64_t* slots, std::tuple<Ts...>*) {
  if constexpr (std::is_void_v<R>) {
    return;
  } else {
    size_t pos = 0;
    // Braced init evaluates left to right, so slot positions advance in order.
    std::tuple<Ts...> t{[&] {
      Ts v = WasmTypeOf<Ts>::FromSlots(slots + pos);
      pos += WasmTypeOf<Ts>::kSlots;
      return v;
    }()...};
    if constexpr (sizeof...(Ts) == 1 && !std::is_same_v<R, std::tuple<Ts...>>) {
      return std::get<0>(std::move(t));
    } else {
      return t;
    }
  }
}

inline std::string TypeListText(std::span<const ValType> types) {
  std::string s = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += " ";
    s += ValTypeName(types[i]);
  }
  return s + "]";
}

// Host-function signature analysis of a lambda's operator().
template <class T>
struct IsTrapResult : std::false_type {};
template <class T>
struct IsTrapResult<TrapResult<T>> : std::true_type {
  using Value = T;
};

template <class R>
struct HostReturn {
  using Value = R;  // what the wasm results are made of
  static constexpr bool kTraps = false;
};
template <class T>
struct HostReturn<TrapResult<T>> {
  using Value = T;
  static constexpr bool kTraps = true;
};

template <class M>
struct CallableSig;
template <class C, class R, class... A>
struct CallableSig<R (C::*)(A...) const> {
  using Return = R;
  using Params = std::tuple<A...>;
};
template <class C, class R, class... A>
struct CallableSig<R (C::*)(A...)> {
  using Return = R;
  using Params = std::tuple<A...>;
};
template <class R, class... A>
struct CallableSig<R (*)(A...)> {
  using Return = R;
  using Params = std::tuple<A...>;
};

template <class F>
struct LambdaSig : CallableSig<decltype(&F::operator())> {};
template <class R, class... A>
struct LambdaSig<R (*)(A...)> : CallableSig<R (*)(A...)> {};

// Params without a leading Caller& (which, when present, the wrapper supplies).
template <class Params>
struct WasmParams {
  using Tuple = Params;
  static constexpr bool kWantsCaller = false;
};
template <class... A>
struct WasmParams<std::tuple<Caller&, A...>> {
  using Tuple = std::tuple<A...>;
  static constexpr bool kWantsCaller = true;
};

template <class Tuple>
struct DecayTuple;
template <class... A>
struct DecayTuple<std::tuple<A...>> {
  using Type = std::tuple<std::remove_cvref_t<A>...>;
};

template <class... Ts>
std::tuple<Ts...> ValsToTuple(std::span<const Val> args, std::tuple<Ts...>*) {
  size_t i = 0;
  return std::tuple<Ts...>{WasmTypeOf<Ts>::FromVal(args[i++])...};
}

template <class... Ts>
void TupleToVals(const std::tuple<Ts...>& t, std::span<Val> out) {
  std::apply(
      [&](const auto&... v) {
        size_t i = 0;
        ((out[i++] = WasmTypeOf<std::remove_cvref_t<decltype(v)>>::ToVal(v)), ...);
      },
      t);
}

}  // namespace typed_detail

// ---- typed calls into wasm --------------------------------------------------------------------

template <class Sig>
class TypedFunc;

template <class R, class... Args>
class TypedFunc<R(Args...)> {
  using Params = typed_detail::TupleTypes<std::tuple<std::remove_cvref_t<Args>...>>;
  using ResTuple = typed_detail::ResultTuple<R>;
  using Results = typed_detail::TupleTypes<ResTuple>;
  static_assert(Params::kAllWasm, "every parameter must map to a wasm value type");
  static_assert(Results::kAllWasm, "every result must map to a wasm value type");

 public:
  TypedFunc() = default;

  // Checks that `func`'s type is exactly (Args...) -> R; an error naming both types if not.
  static Result<TypedFunc> Make(Func* func) {
    if (func == nullptr) return MakeError("typed func: null function");
    const FuncType& t = func->type();
    if (!Params::Matches(t.params) || !Results::Matches(t.results)) {
      return MakeError("typed func: function has type " +
                       typed_detail::TypeListText(t.params) + " -> " +
                       typed_detail::TypeListText(t.results) + ", expected " +
                       typed_detail::TypeListText(Params::List()) + " -> " +
                       typed_detail::TypeListText(Results::List()));
    }
    TypedFunc tf;
    tf.func_ = func;
    return tf;
  }

  // No allocation: arguments and results live in arrays on this stack frame.
  TrapResult<R> Call(Store& store, Args... args) const {
    uint64_t in[Params::kSlots > 0 ? Params::kSlots : 1];
    uint64_t out[Results::kSlots > 0 ? Results::kSlots : 1];
    size_t pos = 0;
    ((typed_detail::WasmTypeOf<std::remove_cvref_t<Args>>::ToSlots(args, in + pos),
      pos += typed_detail::WasmTypeOf<std::remove_cvref_t<Args>>::kSlots),
     ...);
    if constexpr (std::is_void_v<R>) {
      // The entry's own result is the call's (no second TrapResult to fill and destroy).
      return func_->CallUnchecked(store, std::span<const uint64_t>(in, Params::kSlots),
                                  std::span<uint64_t>(out, Results::kSlots));
    } else {
      auto r = func_->CallUnchecked(store, std::span<const uint64_t>(in, Params::kSlots),
                                    std::span<uint64_t>(out, Results::kSlots));
      if (!r) [[unlikely]] return std::unexpected(std::move(r.error()));
      return typed_detail::FromSlotsAs<R>(out, static_cast<ResTuple*>(nullptr));
    }
  }
  TrapResult<R> operator()(Store& store, Args... args) const { return Call(store, args...); }

  Func* func() const { return func_; }
  explicit operator bool() const { return func_ != nullptr; }

 private:
  Func* func_ = nullptr;
};

// The export `name` of `instance` as a TypedFunc (an error if missing or of another type).
template <class Sig>
Result<TypedFunc<Sig>> GetTypedFunc(const Instance& instance, std::string_view name) {
  Func* f = instance.GetFunc(name);
  if (f == nullptr) return MakeError("no exported function \"" + std::string(name) + "\"");
  return TypedFunc<Sig>::Make(f);
}

// ---- host functions from typed lambdas --------------------------------------------------------

// The wasm type a lambda given to WrapHost gets.
template <class F>
FuncType HostFuncType() {
  using Sig = typed_detail::LambdaSig<std::decay_t<F>>;
  using P = typename typed_detail::WasmParams<typename Sig::Params>::Tuple;
  using V = typename typed_detail::HostReturn<typename Sig::Return>::Value;
  using PT = typed_detail::TupleTypes<typename typed_detail::DecayTuple<P>::Type>;
  return FuncType{PT::List(), typed_detail::TupleTypes<typed_detail::ResultTuple<V>>::List()};
}

// A host function in `store` whose wasm type follows from the lambda's signature:
//   [](Caller& caller, int32_t a, int32_t b) -> int32_t { ... }
//   [](int64_t x) -> TrapResult<std::tuple<int64_t, int64_t>> { ... }
// caller.memory() is the calling instance's memory 0 (null when called from the host).
template <class F>
Func* WrapHost(Store& store, F&& fn) {
  using Fn = std::decay_t<F>;
  using Sig = typed_detail::LambdaSig<Fn>;
  using WP = typed_detail::WasmParams<typename Sig::Params>;
  using Ret = typed_detail::HostReturn<typename Sig::Return>;
  using ParamTuple = typename typed_detail::DecayTuple<typename WP::Tuple>::Type;
  using ValueTuple = typed_detail::ResultTuple<typename Ret::Value>;
  static_assert(typed_detail::TupleTypes<ParamTuple>::kAllWasm,
                "host function parameters must map to wasm value types");
  static_assert(typed_detail::TupleTypes<ValueTuple>::kAllWasm,
                "host function results must map to wasm value types");

  HostCallback cb = [fn = std::forward<F>(fn)](Caller& caller, std::span<const Val> args,
                                                std::span<Val> results) mutable
      -> TrapResult<void> {
    ParamTuple params = typed_detail::ValsToTuple(args, static_cast<ParamTuple*>(nullptr));
    auto invoke = [&]() -> decltype(auto) {
      if constexpr (WP::kWantsCaller) {
        return std::apply([&](auto&... p) -> decltype(auto) { return fn(caller, p...); },
                          params);
      } else {
        return std::apply([&](auto&... p) -> decltype(auto) { return fn(p...); }, params);
      }
    };
    auto store_values = [&](auto&& value) {
      using V = std::remove_cvref_t<decltype(value)>;
      if constexpr (std::is_same_v<ValueTuple, V>) {
        typed_detail::TupleToVals(value, results);
      } else {
        typed_detail::TupleToVals(std::tuple<V>(value), results);
      }
    };
    if constexpr (Ret::kTraps) {
      auto r = invoke();
      if (!r) return std::unexpected(std::move(r.error()));
      if constexpr (!std::is_void_v<typename Ret::Value>) store_values(*r);
    } else if constexpr (std::is_void_v<typename Ret::Value>) {
      invoke();
    } else {
      store_values(invoke());
    }
    return {};
  };
  return Func::CreateHost(store, HostFuncType<Fn>(), std::move(cb));
}

// WrapHost, then Linker::Define under (module, name). Returns the function.
template <class F>
Func* DefineHost(Linker& linker, Store& store, std::string_view module, std::string_view name,
                 F&& fn) {
  Func* f = WrapHost(store, std::forward<F>(fn));
  linker.Define(module, name, f);
  return f;
}

// A trap a host function returns to stop the guest, e.g.
//   return std::unexpected(HostTrap("bad pointer"));
inline Trap HostTrap(std::string message) {
  Trap t;
  t.kind = TrapKind::kHostError;
  t.message = std::move(message);
  return t;
}

// ---- memory access ----------------------------------------------------------------------------

// [offset, offset + length) of `memory`, or an error when any of it is out of bounds. The span
// is valid until the memory grows.
inline Result<std::span<uint8_t>> MemSpan(Memory& memory, uint64_t offset, uint64_t length) {
  std::span<uint8_t> data = memory.data();
  if (offset > data.size() || length > data.size() - offset) {
    return MakeError("memory access out of bounds: " + std::to_string(offset) + "+" +
                     std::to_string(length) + " > " + std::to_string(data.size()));
  }
  return data.subspan(static_cast<size_t>(offset), static_cast<size_t>(length));
}

// Guest bytes as text (no terminator needed), bounds-checked.
inline Result<std::string_view> MemString(Memory& memory, uint64_t offset, uint64_t length) {
  NW_TRY_ASSIGN(std::span<uint8_t> s, MemSpan(memory, offset, length));
  return std::string_view(reinterpret_cast<const char*>(s.data()), s.size());
}

// A T read from / written to memory at `offset` (unaligned, little-endian as wasm stores it).
template <class T>
  requires std::is_trivially_copyable_v<T>
Result<T> MemRead(Memory& memory, uint64_t offset) {
  NW_TRY_ASSIGN(std::span<uint8_t> s, MemSpan(memory, offset, sizeof(T)));
  T v;
  std::memcpy(&v, s.data(), sizeof(T));
  return v;
}

template <class T>
  requires std::is_trivially_copyable_v<T>
Status MemWrite(Memory& memory, uint64_t offset, const T& value) {
  NW_TRY_ASSIGN(std::span<uint8_t> s, MemSpan(memory, offset, sizeof(T)));
  std::memcpy(s.data(), &value, sizeof(T));
  return Ok();
}

// Copies `bytes` into memory at `offset`, all or nothing.
inline Status MemWriteBytes(Memory& memory, uint64_t offset, std::span<const uint8_t> bytes) {
  NW_TRY_ASSIGN(std::span<uint8_t> s, MemSpan(memory, offset, bytes.size()));
  if (!bytes.empty()) std::memcpy(s.data(), bytes.data(), bytes.size());
  return Ok();
}

}  // namespace nw
