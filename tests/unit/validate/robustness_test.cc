// Hostile-input robustness (issue 6, docs/robustness.md): inputs an attacker controls are
// rejected with a clear error in bounded time and memory. Each case runs in a forked child
// whose address space may grow by at most kHeadroom beyond what it had at fork time
// (RLIMIT_AS): an allocation proportional to a declared count (a billion locals, 4 GiB of
// "reserved" entries) fails there and kills the child, which fails the test; the parent times
// the child against a generous bound. The checks inside the child are plain booleans (its exit
// status); the errors it saw are printed to stderr for the log.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "../bounded.h"
#include "format/decode.h"
#include "format/limits.h"
#include "validate/validate.h"

namespace nw {
namespace {

using namespace testing_bounded;

// Prints and checks a decode/validate error: it must exist and start with `prefix`.
bool IsError(const Status& st, std::string_view prefix) {
  if (st) {
    std::fprintf(stderr, "  accepted, expected \"%.*s\"\n", int(prefix.size()), prefix.data());
    return false;
  }
  std::fprintf(stderr, "  rejected: %s\n", st.error().ToString().c_str());
  return st.error().message.rfind(prefix, 0) == 0;
}

Status DecodeAndValidate(std::span<const uint8_t> bytes) {
  NW_TRY_ASSIGN(ModuleDesc m, DecodeModule(bytes));
  return ValidateModule(m);
}

// (module (func (type 0) BODY)) with type 0 = [] -> [] and `locals_prefix` before the body.
std::vector<uint8_t> OneFunction(const std::vector<uint8_t>& locals_and_body) {
  std::vector<uint8_t> m = Header();
  PutSection(m, 1, {0x01, 0x60, 0x00, 0x00});
  PutSection(m, 3, {0x01, 0x00});
  std::vector<uint8_t> code = {0x01};
  PutLeb(code, locals_and_body.size());
  code.insert(code.end(), locals_and_body.begin(), locals_and_body.end());
  PutSection(m, 10, code);
  return m;
}

// The bound itself works (in release and under ASan): a 2 GiB allocation kills the child.
// The child exits with kAllocated only if the allocation succeeded and its last byte reads
// back; any other outcome (std::bad_alloc -> 3, an ASan out-of-memory report, a signal) means
// the bound refused it.
TEST(Robustness, AddressSpaceBoundIsEnforced) {
  constexpr int kAllocated = 42;
  Outcome o = RunBounded([] {
    std::vector<uint8_t> big(size_t{2} << 30, 1);
    volatile uint8_t* p = big.data();
    if (p[big.size() - 1] == 1) {
      std::fflush(nullptr);
      _exit(kAllocated);  // the bound did not stop a 2 GiB allocation
    }
    return false;
  });
  EXPECT_NE(o.exit_code, kAllocated) << "a 2 GiB allocation succeeded under the bound";
  EXPECT_NE(o.exit_code, 0);
}

TEST(Robustness, RandomMegabyte) {
  std::mt19937_64 rng(6);
  std::vector<uint8_t> noise(size_t{1} << 20);
  for (auto& b : noise) b = static_cast<uint8_t>(rng());
  ExpectBounded([&] { return IsError(DecodeAndValidate(noise), ""); });
  // The same behind a valid header, so the section reader sees it.
  std::vector<uint8_t> with_header = Header();
  with_header.insert(with_header.end(), noise.begin(), noise.end());
  ExpectBounded([&] { return IsError(DecodeAndValidate(with_header), ""); });
  // The same as the body of one function in a well-framed module, so the body reader and
  // the validator walk random instructions.
  std::vector<uint8_t> body = {0x00};  // no locals
  body.insert(body.end(), noise.begin(), noise.end());
  ExpectBounded([&] { return IsError(DecodeAndValidate(OneFunction(body)), ""); });
}

TEST(Robustness, BillionLocals) {
  std::vector<uint8_t> body = {0x01};  // one local declaration
  PutLeb(body, 1000000000);
  body.insert(body.end(), {0x7f, 0x0b});  // i32, then `end`
  ExpectBounded([&] { return IsError(DecodeAndValidate(OneFunction(body)), "too many locals"); });
  // A description built by other means (the text parser) is checked by the validator.
  ExpectBounded([] {
    ModuleDesc m;
    m.types.push_back(FuncType{});
    Function f;
    f.locals.push_back(LocalDecl{1000000000, ValType::kI32});
    f.body = {0x0b};
    m.functions.push_back(f);
    return IsError(ValidateModule(m), "too many locals");
  });
}

TEST(Robustness, HundredThousandNestedBlocks) {
  constexpr size_t kDepth = 100000;
  std::vector<uint8_t> body = {0x00};  // no locals
  for (size_t i = 0; i < kDepth; ++i) body.insert(body.end(), {0x02, 0x40});  // block
  body.insert(body.end(), kDepth + 1, 0x0b);                                  // end x (N+1)
  ExpectBounded(
      [&] { return IsError(DecodeAndValidate(OneFunction(body)), "block nesting too deep"); });
}

// Every section of a module: types, imports, functions, table, memory, globals, exports,
// start, active and passive element segments, data count, code, data and a name section
// (the binary of a small hand-written WAT module, 251 bytes).
const char kRealModule[] =
    "0061736d01000000010e0360027f7f017f60017f0060000002140203656e76036c6f67000103656e76016703"
    "7f0003030200020404017000040504010101020612027f0141000b7c0044000000000000f83f0b070d020361"
    "64640001036d656d0200080102090e020041000b020102057001d2010b0c01020a47022002017e017d027f03"
    "4020012000450d01200041016b21000c000b000b20016a0b24004100280204240123001000410841004102fc"
    "080100fc09014101410241001100001a0b0b17020041000b0c68656c6c6f2c20776f726c640103010203001f"
    "046e616d650005047265616c01110300036c6f6701036164640204696e6974";

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : hex) {
    int v = c <= '9' ? c - '0' : c - 'a' + 10;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

TEST(Robustness, TruncatedAtEveryOffset) {
  std::vector<uint8_t> full = FromHex(kRealModule);
  ASSERT_EQ(full.size(), 251u);
  ASSERT_TRUE(DecodeAndValidate(full)) << "the reference module must be valid";
  // Offsets where a section ends: a prefix ending there is a shorter, well-framed module.
  std::vector<size_t> boundaries = {8};
  for (size_t at = 8; at < full.size();) {
    size_t size = 0, shift = 0, p = at + 1;
    while (full[p] & 0x80) size |= size_t{full[p++] & 0x7fu} << shift, shift += 7;
    size |= size_t{full[p++]} << shift;
    at = p + size;
    boundaries.push_back(at);
  }
  ExpectBounded([&] {
    bool ok = true;
    for (size_t n = 0; n < full.size(); ++n) {
      std::span<const uint8_t> prefix(full.data(), n);
      auto m = DecodeModule(prefix);
      bool boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
      if (m) {
        (void)ValidateModule(*m);  // may fail (missing code section...), must not crash
        if (!boundary) {
          std::fprintf(stderr, "  prefix of %zu bytes decoded\n", n);
          ok = false;
        }
      } else if (m.error().message.empty() || m.error().offset > n) {
        std::fprintf(stderr, "  prefix of %zu bytes: unclear error\n", n);
        ok = false;
      }
    }
    return ok;
  });
}

// Declared counts above format/limits.h are rejected at the count, with the limit in the text.
TEST(Robustness, DeclaredCountLimits) {
  struct Case {
    uint8_t section;
    uint32_t count;
    const char* message;
  };
  const Case cases[] = {
      {2, kMaxImports + 1, "imports (100001) exceed the implementation limit of 100000"},
      {7, kMaxExports + 1, "exports (100001) exceed the implementation limit of 100000"},
      {11, kMaxDataSegments + 1,
       "data segments (100001) exceed the implementation limit of 100000"},
      {9, kMaxElemSegments + 1,
       "element segments (100001) exceed the implementation limit of 100000"},
  };
  for (const Case& c : cases) {
    std::vector<uint8_t> payload;
    PutLeb(payload, c.count);
    payload.resize(payload.size() + c.count, 0);  // enough bytes that the count is plausible
    std::vector<uint8_t> m = Header();
    PutSection(m, c.section, payload);
    auto r = DecodeModule(m);
    ASSERT_FALSE(r) << c.message;
    EXPECT_EQ(r.error().message, c.message);
    EXPECT_EQ(r.error().offset, 8u + 1 + 3);  // after the section id and its 3-byte size
  }
  // 1001 parameters in one function type.
  std::vector<uint8_t> type = {0x01, 0x60};
  PutLeb(type, kMaxFunctionParams + 1);
  type.insert(type.end(), kMaxFunctionParams + 1, 0x7f);
  type.push_back(0x00);
  std::vector<uint8_t> m = Header();
  PutSection(m, 1, type);
  auto r = DecodeModule(m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "function parameters (1001) exceed the implementation limit of 1000");
}

// A table's declared initial size above kMaxTableInitialSize is invalid here (V8's limit);
// the spec's own errors (min > max, > 2^32-1) keep priority.
TEST(Robustness, TableInitialSizeLimit) {
  ModuleDesc m;
  m.tables.push_back(TableType{ValType::kFuncRef, Limits{kMaxTableInitialSize, std::nullopt}});
  EXPECT_TRUE(ValidateModule(m));
  m.tables[0].limits.min = kMaxTableInitialSize + 1;
  auto st = ValidateModule(m);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "table initial size (10000001) exceeds the implementation limit of 10000000");
  m.tables[0].limits = Limits{0xFFFFFFFFu, 0};
  EXPECT_EQ(ValidateModule(m).error().message, "size minimum must not be greater than maximum");
}

}  // namespace
}  // namespace nw
