// nanowasm.hpp: ModuleFromWat, the one non-inline piece of the typed C++ sugar (it needs the
// text parser, which public headers do not expose).
#include <string>

#include "format/module.h"
#include "nanowasm/nanowasm.hpp"
#include "text/wat.h"

namespace nw {

Result<std::shared_ptr<const Module>> ModuleFromWat(const Engine& engine, std::string_view text) {
  auto desc = ParseWat(text);
  if (!desc) {
    const Error& e = desc.error();
    if (e.offset == kNoOffset || e.offset > text.size()) return MakeError(e.message);
    LineCol lc = LineColAt(text, e.offset);
    return MakeError(std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + e.message);
  }
  return Module::FromDesc(engine, std::move(*desc));
}

}  // namespace nw
