// A bounds-checked cursor over bytes with LEB128 decoding that reports exact offsets.
// Used by the binary decoder and the function-body decoder. Offsets are absolute
// (base_offset + position) so errors point into the original file.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace nw {

class Reader {
 public:
  Reader() = default;
  Reader(std::span<const uint8_t> bytes, size_t base_offset = 0)
      : begin_(bytes.data()), pos_(bytes.data()), end_(bytes.data() + bytes.size()),
        base_(base_offset) {}

  size_t offset() const { return base_ + static_cast<size_t>(pos_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
  bool at_end() const { return pos_ == end_; }
  const uint8_t* pos() const { return pos_; }

  Result<uint8_t> U8() {
    if (pos_ == end_) return MakeError(offset(), "unexpected end");
    return *pos_++;
  }
  Result<uint32_t> U32Fixed() {
    if (remaining() < 4) return MakeError(offset(), "unexpected end");
    uint32_t v;
    std::memcpy(&v, pos_, 4);
    pos_ += 4;
    return v;
  }
  Result<uint64_t> U64Fixed() {
    if (remaining() < 8) return MakeError(offset(), "unexpected end");
    uint64_t v;
    std::memcpy(&v, pos_, 8);
    pos_ += 8;
    return v;
  }
  Result<std::span<const uint8_t>> Bytes(size_t n) {
    if (remaining() < n) return MakeError(offset(), "unexpected end");
    std::span<const uint8_t> s(pos_, n);
    pos_ += n;
    return s;
  }
  // Unsigned LEB128 of at most `bits` bits ("integer representation too long",
  // "integer too large" as the spec's malformed tests expect).
  Result<uint64_t> ULeb(unsigned bits) {
    uint64_t result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0;; ++i) {
      if (pos_ == end_) return MakeError(offset(), "unexpected end");
      if (i == max_bytes) return MakeError(offset(), "integer representation too long");
      uint8_t b = *pos_++;
      if (i == max_bytes - 1) {
        // Unused high bits of the last byte must be zero.
        unsigned used = bits - 7 * i;
        if (used < 7 && (b & 0x7f) >> used) return MakeError(offset() - 1, "integer too large");
      }
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) return result;
    }
  }
  // Signed LEB128 of at most `bits` bits; unused bits of the last byte must be a sign extension.
  Result<int64_t> SLeb(unsigned bits) {
    int64_t result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0;; ++i) {
      if (pos_ == end_) return MakeError(offset(), "unexpected end");
      if (i == max_bytes) return MakeError(offset(), "integer representation too long");
      uint8_t b = *pos_++;
      if (i == max_bytes - 1) {
        unsigned used = bits - 7 * i;  // value bits in this byte, 1..7
        if (used < 7) {
          // Bits [used-1 .. 6] must all equal the sign bit.
          int8_t rest = static_cast<int8_t>(static_cast<uint8_t>(b << 1)) >> used;
          if (rest != 0 && rest != -1) return MakeError(offset() - 1, "integer too large");
        }
      }
      result |= static_cast<int64_t>(static_cast<uint64_t>(b & 0x7f) << shift);
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) result |= static_cast<int64_t>(~uint64_t{0} << shift);
        return result;
      }
    }
  }
  Result<uint32_t> U32() {
    NW_TRY_ASSIGN(uint64_t v, ULeb(32));
    return static_cast<uint32_t>(v);
  }
  Result<int32_t> S32() {
    NW_TRY_ASSIGN(int64_t v, SLeb(32));
    return static_cast<int32_t>(v);
  }
  Result<int64_t> S64() { return SLeb(64); }

 private:
  const uint8_t* begin_ = nullptr;
  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
  size_t base_ = 0;
};

}  // namespace nw
