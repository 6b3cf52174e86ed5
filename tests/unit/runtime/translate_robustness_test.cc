// Translation into interpreter code stays linear in the input (issue 6, docs/robustness.md: no
// compile bombs). A branch instruction carries up to 1,000 values (a block type may have that
// many results); if each branch copied them one by one, a few bytes of input (local.get; br_if)
// would emit 1,000 instructions, so a 1 MiB body would become gigabytes of code. Each case
// builds such a module, translates it in a forked child bounded in memory and time
// (../bounded.h), and checks the code size against a small multiple of the body size.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "../bounded.h"
#include "format/decode.h"
#include "interp/interp.h"

namespace nw {
namespace {

using namespace testing_bounded;

constexpr uint32_t kArity = 1000;  // the decoder's limit on results of a function type
// Generous: the fixed code per branch (a conditional branch, one range copy, a jump) is about
// 14 code bytes per input byte; copying 1,000 values one by one is about 4,000.
constexpr size_t kMaxCodeBytesPerBodyByte = 32;
// Translation under ASan on a loaded 2-core machine; the release build takes ~0.1 s.
constexpr double kMaxTranslateSeconds = 10.0;

// Type 0: [] -> [i32 x kArity]; type 1: [i32] -> []; type 2: [i32] -> [i32 x kArity]. One
// function of type `func_type` whose body (locals included) is `body`.
std::vector<uint8_t> WideModule(const std::vector<uint8_t>& body, uint8_t func_type = 1) {
  std::vector<uint8_t> m = Header();
  std::vector<uint8_t> types = {0x03, 0x60, 0x00};
  PutLeb(types, kArity);
  types.insert(types.end(), kArity, 0x7f);
  types.insert(types.end(), {0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x7f});
  PutLeb(types, kArity);
  types.insert(types.end(), kArity, 0x7f);
  PutSection(m, 1, types);
  PutSection(m, 3, {0x01, func_type});
  std::vector<uint8_t> code = {0x01};
  PutLeb(code, body.size());
  code.insert(code.end(), body.begin(), body.end());
  PutSection(m, 10, code);
  return m;
}

// `depth` nested blocks of type 0, each opened one value higher than the last (so every label's
// results sit at a different place), then kArity constants on the stack.
void OpenBlocks(std::vector<uint8_t>& body, uint32_t depth) {
  for (uint32_t k = 0; k < depth; ++k) body.insert(body.end(), {0x41, 0x00, 0x02, 0x00});
  for (uint32_t k = 0; k < kArity; ++k) body.insert(body.end(), {0x41, 0x00});
}
void CloseBlocks(std::vector<uint8_t>& body, uint32_t depth) {
  // Each block's end leaves an extra value below its results: `unreachable` makes the stack
  // polymorphic so the enclosing block's end validates.
  for (uint32_t k = 0; k < depth; ++k) body.insert(body.end(), {0x0b, 0x00});
  body.push_back(0x0b);
}

// Decodes, validates and translates; prints and checks the code size.
bool TranslatesCompactly(const std::vector<uint8_t>& bytes, size_t body_bytes) {
  auto m = DecodeModule(bytes);
  if (!m) {
    std::fprintf(stderr, "  decode: %s\n", m.error().ToString().c_str());
    return false;
  }
  std::vector<uint32_t> type_ids(m->types.size());
  for (uint32_t i = 0; i < type_ids.size(); ++i) type_ids[i] = i;
  std::vector<interp::CompiledFunc> out;
  Status st = interp::TranslateModule(*m, type_ids, VMOffsets(*m), Config{}, out);
  if (!st) {
    std::fprintf(stderr, "  translate: %s\n", st.error().ToString().c_str());
    return false;
  }
  size_t code_bytes = 0;
  for (const interp::CompiledFunc& f : out) code_bytes += f.code.size() * 8;
  std::fprintf(stderr, "  body %zu bytes -> code %zu bytes (%.1fx)\n", body_bytes, code_bytes,
               double(code_bytes) / double(body_bytes));
  return code_bytes <= kMaxCodeBytesPerBodyByte * body_bytes;
}

// 25,000 x (local.get 0; br_if L) where L is a block of 1,000 results one slot below the values.
TEST(TranslateRobustness, BrIfWithThousandValues) {
  std::vector<uint8_t> body = {0x00};
  OpenBlocks(body, 2);  // the values are pushed in the inner block; L is the outer one
  for (int i = 0; i < 25000; ++i) body.insert(body.end(), {0x20, 0x00, 0x0d, 0x01});
  body.push_back(0x00);
  CloseBlocks(body, 2);
  std::vector<uint8_t> bytes = WideModule(body);
  ExpectBounded([&] { return TranslatesCompactly(bytes, body.size()); }, kMaxTranslateSeconds);
}

// One br_table over 5,000 labels at 5,000 different heights, each taking 1,000 values: one
// stub per label.
TEST(TranslateRobustness, BrTableToThousandsOfWideLabels) {
  constexpr uint32_t kDepth = 5000;
  std::vector<uint8_t> body = {0x00};
  OpenBlocks(body, kDepth);
  body.insert(body.end(), {0x20, 0x00, 0x0e});
  PutLeb(body, kDepth);
  for (uint32_t d = 0; d <= kDepth; ++d) PutLeb(body, d % kDepth);
  CloseBlocks(body, kDepth);
  std::vector<uint8_t> bytes = WideModule(body);
  ExpectBounded([&] { return TranslatesCompactly(bytes, body.size()); }, kMaxTranslateSeconds);
}

// 25,000 x (local.get 0; br_if <function>) returning 1,000 values, with the values behind one
// extra value (so each return moves them).
TEST(TranslateRobustness, ReturnsWithThousandValues) {
  std::vector<uint8_t> body = {0x00};
  OpenBlocks(body, 1);  // the block only raises the values by one slot
  for (int i = 0; i < 25000; ++i) body.insert(body.end(), {0x20, 0x00, 0x0d, 0x01});
  body.push_back(0x00);
  CloseBlocks(body, 1);
  std::vector<uint8_t> bytes = WideModule(body, /*func_type=*/2);
  ExpectBounded([&] { return TranslatesCompactly(bytes, body.size()); }, kMaxTranslateSeconds);
}

}  // namespace
}  // namespace nw
