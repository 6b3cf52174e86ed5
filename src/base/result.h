// Errors as values. Every fallible operation in nanowasm returns Result<T> (std::expected);
// no C++ exception crosses a library boundary. An Error carries a byte offset when it
// describes input (binary or text) and a one-line message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <utility>

namespace nw {

inline constexpr size_t kNoOffset = static_cast<size_t>(-1);

struct Error {
  size_t offset = kNoOffset;  // byte offset into the input, or kNoOffset
  std::string message;

  // "offset: message" (hex offset as wabt/wasm-tools print it) or just the message.
  std::string ToString() const;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

[[nodiscard, gnu::cold]] std::unexpected<Error> MakeError(size_t offset, std::string message);
[[nodiscard, gnu::cold]] std::unexpected<Error> MakeError(std::string message);

inline Status Ok() { return {}; }

}  // namespace nw

#define NW_CONCAT_INNER(a, b) a##b
#define NW_CONCAT(a, b) NW_CONCAT_INNER(a, b)

// NW_TRY(expr): return the error of a failed Result/Status.
#define NW_TRY(expr)                                        \
  do {                                                      \
    auto&& nw_try_r_ = (expr);                              \
    if (!nw_try_r_) [[unlikely]]                            \
      return std::unexpected(std::move(nw_try_r_.error())); \
  } while (0)

// NW_TRY_ASSIGN(lhs, expr): lhs = *expr, or return its error. lhs may be a declaration.
#define NW_TRY_ASSIGN(lhs, expr) NW_TRY_ASSIGN_IMPL(NW_CONCAT(nw_try_v_, __LINE__), lhs, expr)
#define NW_TRY_ASSIGN_IMPL(tmp, lhs, expr)                                \
  auto tmp = (expr);                                                      \
  if (!tmp) [[unlikely]]                                                  \
    return std::unexpected(std::move(tmp.error()));                       \
  lhs = std::move(*tmp)
