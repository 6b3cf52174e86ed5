// Value, reference, block and extern types of WebAssembly 2.0, shared by every layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace nw {

// The proposals beyond WebAssembly 2.0 that a module may use, each a run-time switch
// (Config::features for the runtime, ModuleDesc::features for the decoder and validator).
// Off by default: the defaults decode and validate exactly WebAssembly 2.0, whose spec suite
// asserts that, e.g., a second memory is invalid.
struct Features {
  // Multi-memory (WebAssembly 3.0): several memories per module, memory indices in memargs
  // (flag bit 6), in memory.size/grow/fill/copy/init and in data segments.
  bool multi_memory = false;
  // Exception handling (WebAssembly 3.0, not the legacy proposal): the tag section, tag
  // imports/exports, throw, throw_ref, try_table and the exnref type. The interpreter runs it;
  // the opt tier refuses such modules.
  bool exceptions = false;
  // Tail calls (WebAssembly 3.0): return_call and return_call_indirect, run by the interpreter
  // in constant stack space (the caller's frame is replaced); the opt tier refuses them.
  bool tail_call = false;
  // Shared memories (the threads proposal's memory types only): limits flags 0x02/0x03 of a
  // memory type in binary, `shared` in text, carried in MemoryType::shared; a shared memory
  // must have a maximum, and an import matches only a memory of the same sharedness. Decoded
  // and validated, never run: threads and atomics are not implemented, so Module::FromDesc
  // refuses a module that defines or imports a shared memory and no tier ever sees one.
  bool shared_memory = false;
  // Every proposal nanowasm decodes (the component model's core modules use these).
  static constexpr Features All() {
    Features f;
    f.multi_memory = true;
    f.exceptions = true;
    f.tail_call = true;
    f.shared_memory = true;
    return f;
  }
  friend bool operator==(const Features&, const Features&) = default;
};

// Binary encodings of the value types.
enum class ValType : uint8_t {
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
  kExnRef = 0x69,  // exception handling (Features::exceptions): a store-owned exception
};

inline bool IsRefType(ValType t) {
  return t == ValType::kFuncRef || t == ValType::kExternRef || t == ValType::kExnRef;
}
inline bool IsNumType(ValType t) { return !IsRefType(t) && t != ValType::kV128; }
std::string_view ValTypeName(ValType t);  // "i32", "funcref", ...
// True if `b` is a valid value-type byte (exnref only with Features::exceptions).
bool IsValTypeByte(uint8_t b, Features features = {});

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  friend bool operator==(const FuncType&, const FuncType&) = default;
};

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  friend bool operator==(const Limits&, const Limits&) = default;
};

struct TableType {
  ValType elem = ValType::kFuncRef;
  Limits limits;
  friend bool operator==(const TableType&, const TableType&) = default;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
  bool shared = false;  // threads proposal (Features::shared_memory); never instantiated
  friend bool operator==(const MemoryType&, const MemoryType&) = default;
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool mut = false;
  friend bool operator==(const GlobalType&, const GlobalType&) = default;
};

// kTag: exception handling (Features::exceptions).
enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3, kTag = 4 };
std::string_view ExternKindName(ExternKind k);  // "func", "table", ...

inline constexpr uint64_t kPageSize = 65536;
inline constexpr uint32_t kMaxPages = 65536;  // 4 GiB of 32-bit memory

}  // namespace nw
