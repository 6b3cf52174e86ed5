// `nanowasm interp-dump FILE [FUNC_INDEX]`: prints the interpreter's translated code of a
// module's functions (a developer tool for tuning the translator).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "interp/interp.h"
#include "nanowasm/runtime.h"
#include "runtime/vm.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int InterpDump(int argc, char** argv) {
  if (argc < 1) {
    std::fprintf(stderr, "usage: nanowasm interp-dump FILE [FUNC_INDEX]\n");
    return 2;
  }
  std::string path = argv[0];
  long only = argc > 1 ? std::strtol(argv[1], nullptr, 10) : -1;
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
  for (const nw::CompiledFunc& f : (*module)->impl().compiled) {
    if (only >= 0 && f.func_index != static_cast<uint32_t>(only)) continue;
    std::printf("%s\n", nw::DumpCompiledFunc(f).c_str());
  }
  return 0;
}

}  // namespace nwcli
