// A buffer of `n` T's that lives on the C++ stack when n <= N and on the heap otherwise: the
// value/slot conversions at the host/wasm boundary use it so the usual small signatures cost
// no allocation. Only the n elements in use are constructed (default-initialized, as the
// elements of a plain array would be): a buffer of 32 Vals for a call with two of them does
// not initialize the other 30 (that was ~110 instructions per wasm→host call).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace nw {

// InlineBuffer(n, kNoInit): storage only; the caller constructs each element (placement new)
// before using it. For trivially destructible T.
struct InlineBufferNoInit {};
inline constexpr InlineBufferNoInit kNoInit{};

template <class T, size_t N>
class InlineBuffer {
 public:
  InlineBuffer(size_t n, InlineBufferNoInit) : n_(n) {
    static_assert(std::is_trivially_destructible_v<T>);
    if (n > N) {
      heap_.resize(n);
      data_ = heap_.data();
    } else {
      data_ = reinterpret_cast<T*>(inline_);
    }
  }
  explicit InlineBuffer(size_t n) : n_(n) {
    if (n > N) {
      heap_.resize(n);
      data_ = heap_.data();
    } else {
      data_ = reinterpret_cast<T*>(inline_);
      for (size_t i = 0; i < n; ++i) ::new (static_cast<void*>(data_ + i)) T;
    }
  }
  ~InlineBuffer() {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      if (n_ <= N) std::destroy_n(data_, n_);
    }
  }
  InlineBuffer(const InlineBuffer&) = delete;
  InlineBuffer& operator=(const InlineBuffer&) = delete;
  T* data() { return data_; }

 private:
  alignas(T) unsigned char inline_[N * sizeof(T)];
  std::vector<T> heap_;
  size_t n_;
  T* data_;
};

}  // namespace nw
