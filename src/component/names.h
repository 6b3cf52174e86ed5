// The name rules of the component model (Explainer.md "Import and Export Definitions"): labels in
// kebab case, extern names (plain names with [constructor]/[method]/[static] annotations, and
// interface names `ns:pkg/iface@version`), and strong uniqueness. Messages follow wasm-tools.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace nw::component {

// label ::= first-fragment ('-' fragment)*, words all-lowercase or all-uppercase.
bool IsKebabLabel(std::string_view s);

// An import/export name. Errors carry `offset`.
[[nodiscard]] Status CheckExternName(std::string_view name, size_t offset);

// The key under which two names are compared for strong uniqueness (ASCII lowercase).
std::string UniquenessKey(std::string_view name);

// Label parts of an annotated plain name: "[method]R.f" -> kind 'm', resource "R", name "f".
struct PlainName {
  char annotation = 0;  // 0, 'c' (constructor), 'm' (method), 's' (static)
  std::string_view resource, label;
};
PlainName ParsePlainName(std::string_view name);

}  // namespace nw::component
