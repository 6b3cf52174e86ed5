// A buffer of `n` T's that lives on the C++ stack when n <= N and on the heap otherwise: the
// value/slot conversions at the host/wasm boundary use it so the usual small signatures cost
// no allocation.
#pragma once

#include <cstddef>
#include <vector>

namespace nw {

template <class T, size_t N>
class InlineBuffer {
 public:
  explicit InlineBuffer(size_t n) : data_(inline_) {
    if (n > N) {
      heap_.resize(n);
      data_ = heap_.data();
    }
  }
  InlineBuffer(const InlineBuffer&) = delete;
  InlineBuffer& operator=(const InlineBuffer&) = delete;
  T* data() { return data_; }

 private:
  T inline_[N];
  std::vector<T> heap_;
  T* data_;
};

}  // namespace nw
