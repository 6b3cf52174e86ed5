// The literal forms of component values (🪙, Explainer.md "Value definitions"): `true`, `42`,
// `-1.5`, `nan`, `'c'`, `"text"`, `(record v+)`, `(variant "l" v?)`, `(list v*)`,
// `(tuple v+)`, `(flags "l"*)`, `(enum "l")`, `none`, `(some v)`, `ok`, `(ok v)`, `error`,
// `(error v)` — read against the value's type into its binary encoding (Binary.md
// `val(t)`), and a value's bytes printed back as a literal.
//
// The type must be known from the component itself: a primitive, or a type index that names a
// value type defined in the component (directly, or through a type export or an `(eq i)` type
// import of one). Types reached only through aliases or instance exports, resources, streams,
// futures, maps, fixed-length lists and error-context have no literal here; for those the
// `(binary "...")` form stays (the parser says so; the printer falls back to it).
// Not here: the token stream (component_wat.cc turns tokens into LitNode trees).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

// A literal as read from the text: an atom or a parenthesised form with a keyword head.
struct LitNode {
  enum class Kind : uint8_t {
    kWord,    // a keyword or number token (true, none, 42, -1.5e3, inf, nan, ...)
    kString,  // a string token, decoded
    kChar,    // 'c'
    kForm,    // (head elems...)
  } kind = Kind::kWord;
  std::string text;          // kWord: the token; kString: the bytes; kForm: the head keyword
  uint32_t code_point = 0;   // kChar
  size_t offset = 0;         // in the source, for errors
  std::vector<LitNode> elems;  // kForm
};

// A component's type index space as far as literals need it: for each type index, the local
// definition (an index into Component::types) it denotes, or none. Built incrementally, so a
// parser or printer walking a component pays once per definition, not once per value; it holds
// indices, not pointers, because the parser's Component grows while it is read.
class LiteralTypes {
 public:
  // Takes in the definitions of the first `sections` sections of `c` not yet seen (`c` may
  // have grown since the last call, its last section included).
  void Update(const Component& c, size_t sections);
  // The local type definition of type index `i` in `c`, or null.
  const TypeDef* At(const Component& c, uint32_t i) const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> space_;
  size_t section_ = 0;  // the next section to read ...
  uint32_t item_ = 0;   // ... from this item of it on
};

// The binary encoding (Binary.md val(t)) of `lit` as a value of type `t` in `c`; errors carry
// the offset of the offending part of the literal.
Result<std::vector<uint8_t>> EncodeValueLiteral(const LitNode& lit, const ValType& t,
                                                const Component& c, const LiteralTypes& types);

// The literal text of a value's bytes, when its type has a literal form and the bytes are
// exactly what EncodeValueLiteral gives for that literal (so printing then parsing gives the
// same bytes); nullopt otherwise (the caller prints the binary form).
std::optional<std::string> PrintValueLiteral(const std::vector<uint8_t>& bytes, const ValType& t,
                                             const Component& c, const LiteralTypes& types);

}  // namespace nw::component
