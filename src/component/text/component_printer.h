// Component AST -> the component text format (component-model Explainer.md), the inverse of
// ParseComponentText (component_wat.h): for what the parser reads, parsing the printed text and
// encoding it (EncodeComponent) gives back the bytes the component was decoded from, up to the
// merging of adjacent sections of one kind and the custom sections (see below).
//
// Every definition is printed in binary order as one explicit definition — no inline sugar, so
// each printed form is exactly one AST entry — with its index as a `(;N;)` comment, or as a $id
// where the "component-name" section names it with a valid identifier unique in its index space
// (references then use the $id too). Inside component and instance types, indices are numbers.
// Embedded core modules are printed by the core printer (text/printer.h) as `(core module ...)`;
// names of the core module itself and custom sections of the core module follow its rules.
//
// Not printed: custom sections other than "component-name" (each is a `;;` comment line), the
// 0x01 discriminator of an extern name (printed as a plain name, encoded back as 0x00).
// Component values (🪙) are printed in Explainer.md's literal form (`(value u32 42)`,
// `(value $t (record true 1))`, ...; value_literal.h) when their type has one and their bytes
// are exactly that literal's encoding, else in the `(value <valtype> (binary "..."))` form
// (their bytes as the binary has them, exact for every type); `(start ...)` in its form;
// ParseComponentText reads all of them.
#pragma once

#include <string>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

// Fails only where a core module's body cannot be printed (the core printer's error, with the
// offset made absolute); errors carry byte offsets of the binary.
[[nodiscard]] Result<std::string> PrintComponentText(const Component& c);

}  // namespace nw::component
