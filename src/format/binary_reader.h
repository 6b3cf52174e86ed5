// The streaming binary reader: walks a WebAssembly 2.0 module once, checks everything the
// binary format itself can check (header, section framing and order, LEB128 ranges, counts
// against remaining bytes, UTF-8 names, flags and kinds, constant-expression framing,
// function/code and data-count consistency) and reports each entry to a BinaryDelegate.
//
// It does not validate function bodies (src/validate owns that): it only steps over their
// opcodes and immediates to frame them, as it does for constant expressions, so that a
// missing `end`, an illegal opcode or a wrong body size is reported in byte order with the
// spec's message. It does not check indices or types (the validator does). Error messages follow
// the spec's assert_malformed texts; where the reference interpreter says "unexpected end of
// section or function" this reader says exactly that for reads inside a section, and "unexpected
// end" for reads of the header or a section's id/size. Spec runners compare by prefix, as the
// reference interpreter does.
//
// Reads inside a section are bounded by the end of the input, not by the section's declared
// size, and the size is checked afterwards ("section size mismatch"): that reproduces the
// reference interpreter's choice of error for counts that disagree with sizes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.h"
#include "format/limits.h"
#include "format/module.h"

namespace nw {

// Binary section ids.
enum class SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElem = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
  kTag = 13,  // exception handling (Features::exceptions), between memory and global
};
inline constexpr uint8_t kMaxSectionId = 13;


inline constexpr uint32_t kWasmMagic = 0x6d736100;  // "\0asm" little-endian
inline constexpr uint32_t kWasmVersion = 1;

// One code-section entry, viewed in the input (valid only during the callback).
struct CodeView {
  std::span<const LocalDecl> locals;  // run-length, as declared
  std::span<const uint8_t> body;      // instructions after the locals, incl. the final end
  size_t body_offset = 0;             // offset of body[0]
  size_t code_offset = 0;             // offset of the entry's size field
  size_t start_offset = 0;            // offset just after the size field (the local decls)
};

// One data segment with its bytes viewed in the input (valid only during the callback).
struct DataView {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t flags = 0;
  uint32_t memory_index = 0;
  ConstExpr offset;  // active only
  std::span<const uint8_t> bytes;
  size_t bytes_offset = 0;
};

// One custom section viewed in the input (valid only during the callback).
struct CustomView {
  std::string_view name;
  std::span<const uint8_t> payload;  // after the name
  uint8_t after = 0;                 // id of the preceding non-custom section, 0 if none
  size_t payload_offset = 0;
};

// Receives the module piece by piece, in binary order. Every callback may fail; the reader
// then stops and returns that error. Default implementations accept and ignore.
// `index` arguments count entries within their section (not index spaces).
class BinaryDelegate {
 public:
  virtual ~BinaryDelegate() = default;

  // Around every section, custom ones included; `offset` is that of the section id byte,
  // `size` the declared payload size.
  virtual Status OnSectionStart(SectionId, size_t /*offset*/, uint32_t /*size*/) { return Ok(); }
  virtual Status OnSectionEnd(SectionId) { return Ok(); }
  // The entry count of a vector section, already checked against the remaining bytes
  // (so it is safe to reserve from it).
  virtual Status OnCount(SectionId, uint32_t /*count*/) { return Ok(); }

  virtual Status OnType(uint32_t /*index*/, FuncType&&) { return Ok(); }
  virtual Status OnImport(uint32_t /*index*/, Import&&) { return Ok(); }
  virtual Status OnFunction(uint32_t /*index*/, uint32_t /*type_index*/) { return Ok(); }
  // `offset`: of the entry (tables, memories) or of the section's contents (start, data count).
  virtual Status OnTable(uint32_t /*index*/, const TableType&, size_t /*offset*/) { return Ok(); }
  virtual Status OnMemory(uint32_t /*index*/, const MemoryType&, size_t /*offset*/) {
    return Ok();
  }
  virtual Status OnGlobal(uint32_t /*index*/, GlobalDecl&&) { return Ok(); }
  virtual Status OnTag(uint32_t /*index*/, uint32_t /*type_index*/) { return Ok(); }
  virtual Status OnExport(uint32_t /*index*/, Export&&) { return Ok(); }
  virtual Status OnStart(uint32_t /*func_index*/, size_t /*offset*/) { return Ok(); }
  virtual Status OnElem(uint32_t /*index*/, ElemSegment&&) { return Ok(); }
  virtual Status OnDataCount(uint32_t /*count*/, size_t /*offset*/) { return Ok(); }
  virtual Status OnCode(uint32_t /*index*/, const CodeView&) { return Ok(); }
  virtual Status OnData(uint32_t /*index*/, const DataView&) { return Ok(); }
  virtual Status OnCustom(const CustomView&) { return Ok(); }
  // A well-formed "name" section (in addition to its OnCustom). A malformed one is not
  // reported here and does not fail the module.
  virtual Status OnNames(Names&&) { return Ok(); }
};

// Reads a whole module. On success every section was well formed and the module-level
// consistency checks passed.
// `features` decides how memory immediates in bodies are encoded (instr_reader.h).
[[nodiscard]] Status ReadBinary(std::span<const uint8_t> bytes, BinaryDelegate& delegate,
                                Features features = {});

// Parses the payload of a "name" custom section (subsections 0, 1 and 2; others skipped).
// `payload_offset` is the absolute offset of payload[0], for error offsets.
[[nodiscard]] Result<Names> ReadNameSection(std::span<const uint8_t> payload,
                                            size_t payload_offset = 0);

// Strict UTF-8 check (no overlong forms, no surrogates, nothing above U+10FFFF). Returns the
// index of the first byte of the first bad sequence, or npos if the string is valid.
size_t FindInvalidUtf8(std::string_view s);

}  // namespace nw
