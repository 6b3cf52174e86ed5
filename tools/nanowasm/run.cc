// `nanowasm run FILE --invoke NAME [ARGS...]`: instantiate a module without WASI and call one
// export, printing each result on its own line. Imports other than `spectest` are not
// satisfiable yet (WASI is a separate piece of work) and give a link error.
#include <cstdio>
#include <string>
#include <vector>

#include "nanowasm/runtime.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int Run(int argc, char** argv) {
  std::string path, invoke;
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--invoke" && i + 1 < argc && invoke.empty()) invoke = argv[++i];
    else if (path.empty()) path = a;
    else args.push_back(a);
  }
  if (path.empty() || invoke.empty()) {
    std::fprintf(stderr, "usage: nanowasm run FILE --invoke NAME [ARGS...]\n");
    return 2;
  }
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
  nw::Store store(engine);
  nw::Linker linker;
  nw::DefineSpectest(linker, store);
  auto inst = linker.Instantiate(store, *module);
  if (!inst) {
    const auto& e = inst.error();
    if (e.is_trap) std::fprintf(stderr, "%s: %s", path.c_str(), e.trap.ToString().c_str());
    else std::fprintf(stderr, "%s: %s\n", path.c_str(), e.message.c_str());
    return 1;
  }
  nw::Func* f = (*inst)->GetFunc(invoke);
  if (!f) {
    std::fprintf(stderr, "%s: no exported function \"%s\"\n", path.c_str(), invoke.c_str());
    return 1;
  }
  const auto& type = f->type();
  if (args.size() != type.params.size()) {
    std::fprintf(stderr, "%s: \"%s\" takes %zu arguments, %zu given\n", path.c_str(),
                 invoke.c_str(), type.params.size(), args.size());
    return 2;
  }
  std::vector<nw::Val> vals;
  for (size_t i = 0; i < args.size(); ++i) {
    auto v = ParseValArg(args[i], type.params[i]);
    if (!v) {
      std::fprintf(stderr, "%s: argument %zu: cannot read \"%s\" as %s\n", path.c_str(), i + 1,
                   args[i].c_str(), std::string(nw::ValTypeName(type.params[i])).c_str());
      return 2;
    }
    vals.push_back(*v);
  }
  auto results = f->Call(store, vals);
  if (!results) {
    std::fprintf(stderr, "%s", results.error().ToString().c_str());
    return 1;
  }
  for (const auto& v : *results) std::printf("%s\n", FormatVal(v).c_str());
  return 0;
}

}  // namespace nwcli
