// Reading one instruction (opcode + immediates) from a byte cursor: the single place that
// knows how instructions are encoded. The function-body decoder (src/validate), the printer
// and anything else that walks instruction bytes go through these two functions.
//
// Only the encoding is checked here (LEB ranges, reserved zero bytes, value/reference type
// bytes, memarg flag range, vector lengths against the remaining bytes); whether an index
// exists or a type fits is the validator's business.
#pragma once

#include <cstdint>
#include <vector>

#include "base/reader.h"
#include "base/result.h"
#include "format/opcode.h"
#include "format/types.h"

namespace nw {

// A blocktype immediate as encoded: empty (0x40), one value type, or an s33 type index.
struct RawBlockType {
  enum class Kind : uint8_t { kEmpty, kValue, kIndex };
  Kind kind = Kind::kEmpty;
  ValType type = ValType::kI32;  // kValue
  uint32_t index = 0;            // kIndex
};

// One catch clause of try_table: catch / catch_ref name a tag, the _all forms catch anything;
// the _ref forms also deliver the exception as an exnref.
struct CatchClause {
  enum Kind : uint8_t { kCatch = 0, kCatchRef = 1, kCatchAll = 2, kCatchAllRef = 3 };
  Kind kind = kCatch;
  uint32_t tag = 0;    // kCatch / kCatchRef
  uint32_t label = 0;  // label depth, relative to the try_table's enclosing block
  bool HasTag() const { return kind == kCatch || kind == kCatchRef; }
  bool IsRef() const { return kind == kCatchRef || kind == kCatchAllRef; }
};

// Decoded immediates. Only the fields used by the opcode's Imm kind are meaningful; the field
// meanings match nw::Instr (validate/body_decoder.h). Reuse one RawImm across calls: the
// vectors keep their capacity, so reading stays allocation-free once warmed up.
struct RawImm {
  // Label depth, function/type/local/global/table/elem/data index, or lane. For
  // call_indirect the type index; table.copy the destination table; table.init the elem
  // segment; memory.init the data segment.
  uint32_t index = 0;  // also: throw's tag
  // call_indirect: table; table.copy: source table; table.init: table.
  uint32_t index2 = 0;
  // i32/i64 constants (sign-extended, as bits), f32/f64 bit patterns, memarg offset.
  uint64_t value = 0;
  uint32_t align = 0;  // memarg alignment exponent (< 32; < 64 with multi-memory)
  // The memory of a memarg, memory.size/grow/fill/init; memory.copy: the destination (its
  // source is index2). Always 0 without multi-memory.
  uint32_t memory = 0;
  RawBlockType block;
  std::vector<uint32_t> targets;     // br_table: all targets, default last
  std::vector<CatchClause> catches;  // try_table
  std::vector<ValType> types;        // select t: the type vector as encoded
  ValType type = ValType::kFuncRef;  // ref.null
  uint8_t bytes[16] = {};            // v128.const / i8x16.shuffle
};

// Reads an opcode: one byte, or a 0xFC/0xFD prefix followed by a u32 LEB sub-opcode.
// Unknown opcodes give "illegal opcode xx" / "illegal opcode xx yy" at the opcode's offset.
[[nodiscard]] Result<Opcode> ReadOpcode(Reader& r);

// Reads the immediates of `op` into `imm`. The memory immediates depend on `features`: a
// reserved zero byte in 2.0, a memory index with multi-memory (constant expressions, which
// contain no memory instruction, may leave the default).
[[nodiscard]] Status ReadImmediates(Reader& r, Opcode op, RawImm& imm, Features features = {});

}  // namespace nw
