// libFuzzer target (c): decode -> encode round trip. For every input that decodes:
//   e1 = Encode(Decode(input)) must decode again, and Encode(Decode(e1)) must equal e1 byte
//   for byte (the encoder's output is canonical and a fixed point);
//   when the input itself is canonical (no over-long LEB128s, which is what the encoder would
//   rewrite), e1 must equal the input byte for byte — checked as: if Decode(e1)'s encoding
//   has the input's length, the bytes must be identical;
//   and validity must survive: if the input validates, so does e1.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "format/decode.h"
#include "format/encode.h"
#include "validate/validate.h"

namespace {
[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "round trip failure: %s\n", what);
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  auto desc = nw::DecodeModule(input);
  if (!desc) return 0;
  std::vector<uint8_t> e1 = nw::EncodeModule(*desc);
  auto desc2 = nw::DecodeModule(e1);
  if (!desc2) {
    std::fprintf(stderr, "%s\n", desc2.error().ToString().c_str());
    Fail("the encoder's output does not decode");
  }
  std::vector<uint8_t> e2 = nw::EncodeModule(*desc2);
  if (e1 != e2) Fail("encode(decode(encode(x))) != encode(x)");
  // Same length means no LEB128 was shortened, so the bytes must be the input's.
  if (e1.size() == size && !std::equal(e1.begin(), e1.end(), data))
    Fail("a canonical input does not re-encode to itself");
  if (nw::ValidateModule(*desc) && !nw::ValidateModule(*desc2))
    Fail("a valid module became invalid after re-encoding");
  return 0;
}
