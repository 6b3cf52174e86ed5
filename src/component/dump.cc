// The helpers of dump.h.
#include "component/dump.h"

#include "component/binary_reader.h"
#include "component/validate.h"

namespace nw::component {

std::string CoreFuncTypeText(const nw::FuncType& f) {
  std::string s = "(func";
  if (!f.params.empty()) {
    s += " (param";
    for (auto t : f.params) (s += " ") += nw::ValTypeName(t);
    s += ")";
  }
  if (!f.results.empty()) {
    s += " (result";
    for (auto t : f.results) (s += " ") += nw::ValTypeName(t);
    s += ")";
  }
  return s + ")";
}

Status ValidateComponentBinary(std::span<const uint8_t> bytes) {
  NW_TRY_ASSIGN(Component c, DecodeComponent(bytes));
  return ValidateComponent(c);
}

}  // namespace nw::component
