// The WAST script format of the spec testsuite: modules (text, `binary`, `quote`), `register`,
// actions (`invoke`, `get`) and every assertion form. The parser builds this tree; the runner
// (tests/spec and `nanowasm wast`) executes it. Parsing a script does not parse the modules
// inside `quote` forms (they may be malformed on purpose) nor decode `binary` ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "format/module.h"
#include "nanowasm/types.h"

namespace nw {

struct WastModule {
  enum class Kind : uint8_t { kText, kBinary, kQuote } kind = Kind::kText;
  std::optional<std::string> name;  // $id, if any
  ModuleDesc desc;                  // kText: already parsed (a parse error fails the script,
                                    // except inside assert_malformed/assert_invalid, see below)
  std::vector<uint8_t> binary;      // kBinary: the concatenated bytes
  std::string quote;                // kQuote: the concatenated text, to be parsed by ParseWat
  // kText modules inside assert_malformed/assert_invalid/assert_unlinkable/assert_trap are
  // parsed lazily: the text is in `quote` with kind kQuote so that a parse error becomes
  // the assertion's outcome rather than a script error.
  size_t line = 0;
};

// A constant in an action argument or an expected result.
struct WastConst {
  enum class Kind : uint8_t {
    kValue,           // exact value (floats compared bitwise)
    kNanCanonical,    // nan:canonical (f32/f64; per lane for v128)
    kNanArithmetic,   // nan:arithmetic
    kRefNull,         // ref.null func|extern
    kRefFunc,         // ref.func (any non-null funcref)
    kRefExtern,       // ref.extern N
    kV128Pattern,     // v128 result with per-lane patterns (f32x4/f64x2 lanes may be NaN kinds)
  } kind = Kind::kValue;
  ValType type = ValType::kI32;
  uint64_t bits = 0;            // i32/i64/f32/f64 bits; ref.extern N
  uint8_t v128[16] = {};        // kValue of type v128
  // kV128Pattern: lane shape (e.g. "f32x4") and per-lane kinds/bits.
  std::string lane_shape;
  std::vector<Kind> lane_kinds;
  std::vector<uint64_t> lane_bits;
};

struct WastAction {
  enum class Kind : uint8_t { kInvoke, kGet } kind = Kind::kInvoke;
  std::optional<std::string> module;  // $id of a named module, else the latest one
  std::string field;                  // export name (UTF-8, escapes decoded)
  std::vector<WastConst> args;
};

struct WastCommand {
  enum class Kind : uint8_t {
    kModule,              // define (and instantiate) module
    kRegister,            // register "name" $id?
    kAction,              // bare invoke/get
    kAssertReturn,        // action, expected
    kAssertTrap,          // action or module, message
    kAssertExhaustion,    // action, message
    kAssertMalformed,     // module, message
    kAssertInvalid,       // module, message
    kAssertUnlinkable,    // module, message
    kAssertUninstantiable, // module, message (trap during instantiation)
    kAssertException      // action: a wasm exception escapes it (exception handling)
  } kind = Kind::kModule;
  size_t line = 0;
  WastModule module;        // kModule, kAssertMalformed/Invalid/Unlinkable/Uninstantiable,
                            // kAssertTrap on a module (has_module)
  bool has_module = false;
  WastAction action;
  std::vector<WastConst> expected;
  std::string message;      // expected failure text
  std::string register_name;               // kRegister
  std::optional<std::string> register_module;  // kRegister: $id or latest
};

struct WastScript {
  std::vector<WastCommand> commands;
};

// Errors carry the byte offset into `text`.
Result<WastScript> ParseWast(std::string_view text);

}  // namespace nw
