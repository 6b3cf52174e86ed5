// libFuzzer target (b): arbitrary text through the WAT parser and the WAST script parser, and
// for every module that parses and validates, the printer's round trip: PrintWat(m) must
// succeed (it may refuse invalid ones) and parse back to a module with the same binary
// encoding (the printer's contract, printer.h). Quoted modules inside a script are parsed too
// (that is what the runner would do).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/encode.h"
#include "text/printer.h"
#include "text/wast.h"
#include "text/wat.h"
#include "validate/validate.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "print round trip failure: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void RoundTrip(const nw::ModuleDesc& m) {
  auto printed = nw::PrintWat(m);
  // The parser accepts some forms of later proposals whose encoding is malformed in 2.0 (e.g.
  // a memory index on memory.size); the printer may refuse those, but only those: a module
  // the validator accepts must print.
  if (!printed) {
    if (nw::ValidateModule(m))
      Fail("PrintWat failed on a valid parsed module", printed.error().ToString());
    return;
  }
  auto again = nw::ParseWat(*printed);
  if (!again) Fail("printed text does not parse", again.error().ToString() + "\n" + *printed);
  if (nw::EncodeModule(m) != nw::EncodeModule(*again))
    Fail("printed text parses to a different module", *printed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto m = nw::ParseWat(text)) RoundTrip(*m);
  auto script = nw::ParseWast(text);
  if (!script) return 0;
  for (const nw::WastCommand& c : script->commands) {
    if (!c.has_module && c.kind != nw::WastCommand::Kind::kModule) continue;
    const nw::WastModule& wm = c.module;
    if (wm.kind == nw::WastModule::Kind::kText) {
      RoundTrip(wm.desc);
    } else if (wm.kind == nw::WastModule::Kind::kQuote) {
      if (auto m = nw::ParseWat(wm.quote)) RoundTrip(*m);
    }
  }
  return 0;
}
