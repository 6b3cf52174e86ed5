// libFuzzer target (a): arbitrary bytes through the binary decoder and, when they decode, the
// whole-module validator. Either may reject; neither may crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <span>

#include "format/decode.h"
#include "validate/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto desc = nw::DecodeModule(std::span<const uint8_t>(data, size));
  if (!desc) return 0;
  (void)nw::ValidateModule(*desc);
  return 0;
}
