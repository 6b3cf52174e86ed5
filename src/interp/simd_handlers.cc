// The interpreter's SIMD (v128) handlers: one per opcode of format/simd_opcodes.def, generated
// from the operation's C++ signature in nw::simd (simd/simd.h), so an opcode is one line in the
// list plus its semantics there; nothing here is written per opcode. Operand layout is in
// interp/code.h (SimdOperandCount). v128 values live in two consecutive frame slots.
#include <cstring>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "interp/code.h"
#include "interp/handler_util.h"
#include "simd/simd.h"

namespace nw::interp {
namespace {

using simd::V128Bits;

template <class F>
struct FnTraits;
template <class R, class... A>
struct FnTraits<R (*)(A...)> {
  using Ret = R;
  template <size_t I>
  using Arg = std::decay_t<std::tuple_element_t<I, std::tuple<A...>>>;
  static constexpr size_t kArity = sizeof...(A);
};

// Signature letters of the opcode list ("vv_v", "i_v", "iv_"): operands before '_', result after.
constexpr uint32_t SigParams(std::string_view sig) {
  return static_cast<uint32_t>(sig.find('_'));
}
constexpr bool SigHasResult(std::string_view sig) { return sig.find('_') + 1 < sig.size(); }

template <class T>
[[gnu::always_inline]] inline T Arg(const uint64_t* fp, uint32_t off) {
  T v;
  std::memcpy(&v, reinterpret_cast<const char*>(fp) + off, sizeof(T));
  return v;
}
template <class T>
[[gnu::always_inline]] inline void Res(uint64_t* fp, uint32_t off, T v) {
  std::memcpy(reinterpret_cast<char*>(fp) + off, &v, sizeof(T));
}

template <auto F, Imm kImm, uint32_t kParams, bool kResult>
NW_HANDLER_CC uint64_t HSimd(HARGS) {
  using T = FnTraits<decltype(F)>;
  constexpr uint32_t kOperands = SimdOperandCount(kImm, kParams, kResult);
  if constexpr (kImm == Imm::None) {
    static_assert(T::kArity == kParams && kResult);
    [&]<size_t... I>(std::index_sequence<I...>) {
      Res(fp, Op(ip, 0), F(Arg<typename T::template Arg<I>>(fp, Op(ip, 1 + I))...));
    }(std::make_index_sequence<T::kArity>{});
  } else if constexpr (kImm == Imm::Lane) {
    // F(a, lane) or F(a, lane, x): the lane is the last operand.
    static_assert(T::kArity == kParams + 1 && kResult);
    uint32_t lane = Op(ip, 1 + kParams);
    using A0 = typename T::template Arg<0>;
    if constexpr (T::kArity == 2) {
      Res(fp, Op(ip, 0), F(Arg<A0>(fp, Op(ip, 1)), lane));
    } else {
      using A2 = typename T::template Arg<2>;
      Res(fp, Op(ip, 0), F(Arg<A0>(fp, Op(ip, 1)), lane, Arg<A2>(fp, Op(ip, 2))));
    }
  } else if constexpr (kImm == Imm::Shuffle) {
    static_assert(kParams == 2 && kResult);
    Res(fp, Op(ip, 0), F(Arg<V128Bits>(fp, Op(ip, 1)), Arg<V128Bits>(fp, Op(ip, 2)), ip + 8 + 12));
  } else if constexpr (kImm == Imm::MemArg && kResult) {
    // Loads: F(loaded) with the access width given by F's parameter type.
    using L = typename T::template Arg<0>;
    uint64_t ea = static_cast<uint64_t>(Ld<uint32_t>(fp, Op(ip, 1))) + Op(ip, 2);
    if (ea + sizeof(L) > msz) [[unlikely]]
      NW_TRAP(TrapKind::kMemoryOutOfBounds);
    L loaded;
    std::memcpy(&loaded, mem + ea, sizeof(L));
    Res(fp, Op(ip, 0), F(loaded));
  } else if constexpr (kImm == Imm::MemArg) {
    // v128.store: operands addr, value, offset.
    uint64_t ea = static_cast<uint64_t>(Ld<uint32_t>(fp, Op(ip, 0))) + Op(ip, 2);
    if (ea + 16 > msz) [[unlikely]]
      NW_TRAP(TrapKind::kMemoryOutOfBounds);
    V128Bits v = F(Arg<V128Bits>(fp, Op(ip, 1)));
    std::memcpy(mem + ea, v.bytes, 16);
  } else if constexpr (kImm == Imm::MemArgLane && kResult) {
    // vN.loadN_lane: F(a, lane, loaded); operands dst, addr, a, offset, lane.
    using L = typename T::template Arg<2>;
    uint64_t ea = static_cast<uint64_t>(Ld<uint32_t>(fp, Op(ip, 1))) + Op(ip, 3);
    if (ea + sizeof(L) > msz) [[unlikely]]
      NW_TRAP(TrapKind::kMemoryOutOfBounds);
    L loaded;
    std::memcpy(&loaded, mem + ea, sizeof(L));
    Res(fp, Op(ip, 0), F(Arg<V128Bits>(fp, Op(ip, 2)), Op(ip, 4), loaded));
  } else if constexpr (kImm == Imm::MemArgLane) {
    // vN.storeN_lane: F(a, lane) gives the lane to store; operands addr, a, offset, lane.
    using L = typename T::Ret;
    uint64_t ea = static_cast<uint64_t>(Ld<uint32_t>(fp, Op(ip, 0))) + Op(ip, 2);
    if (ea + sizeof(L) > msz) [[unlikely]]
      NW_TRAP(TrapKind::kMemoryOutOfBounds);
    L v = F(Arg<V128Bits>(fp, Op(ip, 1)), Op(ip, 3));
    std::memcpy(mem + ea, &v, sizeof(L));
  } else {
    static_assert(kImm == Imm::None, "unhandled SIMD immediate kind");
  }
  NW_DISPATCH(InstrBytes(kOperands));
}

template <auto F, Imm kImm, uint32_t kParams, bool kResult>
constexpr Handler SimdEntry() {
  if constexpr (kImm == Imm::V128)
    return nullptr;  // v128.const: a frame constant, no handler
  else
    return &HSimd<F, kImm, kParams, kResult>;
}

}  // namespace

const Handler kSimdHandlers[kNumSimdOpcodes] = {
#define NW_OPCODE(Name, prefix, code, text, imm, sig) \
  SimdEntry<&simd::Name, Imm::imm, SigParams(#sig), SigHasResult(#sig)>(),
#include "format/simd_opcodes.def"
#undef NW_OPCODE
};

}  // namespace nw::interp
