// Maps a relocatable x86-64 ELF object produced by the opt tier's compiler (compiler.h) into
// executable memory: lays out its allocated sections (code read+execute, constants read-only),
// applies the PC-relative and absolute relocations between them, and looks up the function
// symbols (nw_fN, nw_aN). No LLVM: this is what a runtime-only build uses to run
// AOT artifacts. The object must be self-contained: an undefined symbol, or a relocation kind
// other than those a PIC object with no imports uses, is refused with a message, never run.
// Not here: artifact headers and checksums (the artifact format wraps the object).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace nw::opt {

// Symbol names in compiled objects: the internal-convention entry of function index N
// (vmctx first, then the wasm parameters; results returned) and the array-call trampoline
// `void(uint8_t* vmctx, uint64_t* args_results)` of function index N.
inline constexpr const char* kFuncSymbolPrefix = "nw_f";
inline constexpr const char* kArraySymbolPrefix = "nw_a";
// A tiered module's first tier (compiler.h, Options::first_tier): the writable entry pointer
// of function index N (a data symbol) and the stub that jumps through it.
inline constexpr const char* kEntrySymbolPrefix = "nw_e";
inline constexpr const char* kStubSymbolPrefix = "nw_s";

class LoadedCode {
 public:
  static Result<std::unique_ptr<LoadedCode>> Load(std::span<const uint8_t> elf);
  ~LoadedCode();
  LoadedCode(const LoadedCode&) = delete;
  LoadedCode& operator=(const LoadedCode&) = delete;

  // The address of a defined symbol, or nullptr.
  const void* Symbol(std::string_view name) const;
  size_t mapped_bytes() const { return size_; }
  size_t code_bytes() const { return code_bytes_; }
  // The executable range [code_begin, code_end).
  uintptr_t code_begin() const { return reinterpret_cast<uintptr_t>(base_); }
  uintptr_t code_end() const { return reinterpret_cast<uintptr_t>(base_) + code_bytes_; }
  // The function index of the compiled wasm function (an nw_fN symbol) whose code contains
  // `pc`, or -1 (a trampoline, or not this object's code).
  int64_t FuncIndexAt(uintptr_t pc) const;
  // The mapped executable image (every code section, laid out from code_begin): AOT function
  // tables hold offsets into it. The compiler's object has one code section per chunk.
  std::span<const uint8_t> code() const { return {base_, code_bytes_}; }
  // The size of the defined function symbol at `addr` (0 if none starts there).
  uint64_t SizeAt(const void* addr) const;

 private:
  LoadedCode() = default;
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t code_bytes_ = 0;
  std::unordered_map<std::string, uintptr_t> symbols_;
  struct Range {
    uintptr_t begin, end;
    int64_t func_index;  // -1: a trampoline
  };
  std::vector<Range> ranges_;  // sorted by begin
};

}  // namespace nw::opt
