// What every handler file of the interpreter shares: the handler argument list, dispatch to
// the next instruction (a guaranteed tail call), trapping, and operand/slot access. Private to
// src/interp; included by handlers.cc and simd_handlers.cc only.
#pragma once

#include <cstring>

#include "interp/code.h"

namespace nw::interp {

#define HARGS const uint8_t *ip, uint64_t *fp, uint8_t *mem, uint64_t msz, ExecCtx *ctx
#define HPASS ip, fp, mem, msz, ctx

#define NW_DISPATCH(bytes)                                                      \
  do {                                                                          \
    ip += (bytes);                                                              \
    [[clang::musttail]] return (*reinterpret_cast<const Handler*>(ip))(HPASS); \
  } while (0)

#define NW_TRAP(kind)                       \
  do {                                      \
    ctx->trap_kind = (kind);                \
    [[clang::musttail]] return HTrap(HPASS); \
  } while (0)

[[gnu::always_inline]] inline uint32_t Op(const uint8_t* ip, int k) {
  uint32_t v;
  std::memcpy(&v, ip + 8 + 4 * k, 4);
  return v;
}
template <class T>
[[gnu::always_inline]] inline T Ld(const uint64_t* fp, uint32_t off) {
  T v;
  std::memcpy(&v, reinterpret_cast<const char*>(fp) + off, sizeof(T));
  return v;
}
template <class T>
[[gnu::always_inline]] inline void St(uint64_t* fp, uint32_t off, T v) {
  std::memcpy(reinterpret_cast<char*>(fp) + off, &v, sizeof(T));
}

// Ends the handler chain with kExitTrap (ctx->trap_kind says why). Defined in handlers.cc.
NW_HANDLER_CC uint64_t HTrap(HARGS);


}  // namespace nw::interp
