// Byte output with LEB128 encoding; used by the binary encoder and the WAT parser.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace nw {

class Writer {
 public:
  std::vector<uint8_t>& bytes() { return out_; }
  const std::vector<uint8_t>& bytes() const { return out_; }

  void U8(uint8_t b) { out_.push_back(b); }
  void Raw(std::span<const uint8_t> s) { out_.insert(out_.end(), s.begin(), s.end()); }
  void Raw(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  void U32Fixed(uint32_t v) { Append(&v, 4); }
  void U64Fixed(uint64_t v) { Append(&v, 8); }
  void ULeb(uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      out_.push_back(v ? (b | 0x80) : b);
    } while (v);
  }
  void SLeb(int64_t v) {
    for (;;) {
      uint8_t b = v & 0x7f;
      v >>= 7;  // arithmetic shift
      bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
      out_.push_back(done ? b : (b | 0x80));
      if (done) return;
    }
  }
  void Name(std::string_view s) {
    ULeb(s.size());
    Raw(s);
  }

 private:
  void Append(const void* p, size_t n) {
    auto b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  std::vector<uint8_t> out_;
};

}  // namespace nw
