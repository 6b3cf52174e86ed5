// Merges the relocatable objects that the opt tier's compiler produces per chunk of functions
// (compiled in parallel) into one relocatable object, so an artifact and the loader see a
// single object whatever the chunking: the inputs' allocated sections are kept one by one
// (in input order), their local symbols renumbered, and a global symbol that one input uses
// and another defines (a call across chunks) resolved to the definition. The output depends
// only on the inputs' bytes and order. Only the object shape the compiler emits is accepted
// (ELF64 x86-64 ET_REL, RELA relocations, no COMDAT groups); unwind tables and debug sections
// (the compiler has read its line table already) are dropped, as the loader ignores them. Not a general linker; no LLVM.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"

namespace nw::opt {

// One input is rewritten like several (its debug sections and unwind tables go). A global
// symbol defined twice is an error.
Result<std::vector<uint8_t>> MergeObjects(std::span<const std::vector<uint8_t>> objects);

}  // namespace nw::opt
