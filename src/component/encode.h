// Component AST -> component binary (component-model Binary.md, version 0x0d, layer 1): the
// inverse of DecodeComponent for what the AST keeps. It is what `nanowasm parse` writes for a
// component text and what the printer's round-trip tests compare.
//
// Sections are written in the AST's order. Vector sections of one kind that follow each other are
// written as one section (as wasm-tools encodes text), so the output does not depend on how the
// definitions were split into sections; a decoded binary whose sections were already so merged
// and whose LEB128s are minimal encodes back to its own bytes. Embedded core modules are written
// with EncodeModule (format/encode.h); custom sections (including "component-name") are written
// back verbatim where they stood; names the AST holds without a "component-name" section (the $ids
// of a parsed text) are written in one at the end, as wasm-tools does. Nothing is validated here.
#pragma once

#include <cstdint>
#include <vector>

#include "component/ast.h"

namespace nw::component {

std::vector<uint8_t> EncodeComponent(const Component& c);

}  // namespace nw::component
