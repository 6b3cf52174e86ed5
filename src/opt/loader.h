// Maps a relocatable x86-64 ELF object produced by the opt tier's compiler (compiler.h) into
// executable memory: lays out its allocated sections (code read+execute, constants read-only),
// applies the PC-relative and absolute relocations between them, and looks up the function
// symbols (nw_fN, nw_aN; vm_context.h). No LLVM: this is what a runtime-only build uses to run
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

#include "base/result.h"

namespace nw::opt {

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

 private:
  LoadedCode() = default;
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t code_bytes_ = 0;
  std::unordered_map<std::string, uintptr_t> symbols_;
};

}  // namespace nw::opt
