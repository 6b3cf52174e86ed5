// `nanowasm interp-dump FILE [FUNC_INDEX]`: prints the interpreter's translated code of a
// module's functions (a developer tool for tuning the translator).
#include <cstdio>
#include <string>

#include "interp/interp.h"
#include "nanowasm/runtime.h"
#include "runtime/vm.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int InterpDump(const std::string& path, std::optional<uint32_t> func_index) {
  auto loaded = LoadModule(path);
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    return 1;
  }
  nw::Engine engine;
  auto module = nw::Module::FromDesc(engine, std::move(loaded->desc));
  if (!module) {
    std::fprintf(stderr, "%s\n", FormatBinaryError(path, module.error()).c_str());
    return 1;
  }
  const auto* funcs = nw::interp::InterpFuncs(**module);
  if (funcs == nullptr) {
    std::fprintf(stderr, "nanowasm interp-dump: the module was not compiled by the interpreter\n");
    return 1;
  }
  for (const nw::interp::CompiledFunc& f : *funcs) {
    if (func_index && f.func_index != *func_index) continue;
    std::printf("%s\n", nw::interp::DumpCompiledFunc(f).c_str());
  }
  return 0;
}

}  // namespace nwcli
