// nanowasm command line: dispatches to one file per subcommand.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "tools/nanowasm/commands.h"

namespace {

void Usage() {
  std::fputs(
      "usage: nanowasm <command> [args]\n"
      "  wast FILE...                 run spec scripts; prints failures and 'N passed, N failed'\n"
      "  validate FILE                decode and validate a .wasm or .wat module\n"
      "  parse FILE.wat -o FILE.wasm  text to binary\n"
      "  print FILE.wasm              binary to text\n"
      "  run [OPTIONS] FILE [ARGS]    run a WASI program with only the granted capabilities\n"
      "                               (see `nanowasm run --help`); --invoke NAME calls an export\n"
      "  interp-dump FILE [FUNC]      developers: the interpreter's translated code\n",
      stderr);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage();
    return 2;
  }
  std::string_view cmd = argv[1];
  int sub_argc = argc - 2;
  char** sub_argv = argv + 2;
  if (cmd == "wast") return nwcli::Wast(sub_argc, sub_argv);
  if (cmd == "validate") return nwcli::Validate(sub_argc, sub_argv);
  if (cmd == "parse") return nwcli::Parse(sub_argc, sub_argv);
  if (cmd == "print") return nwcli::Print(sub_argc, sub_argv);
  if (cmd == "run") return nwcli::Run(sub_argc, sub_argv);
  if (cmd == "interp-dump") return nwcli::InterpDump(sub_argc, sub_argv);
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    Usage();
    return 0;
  }
  std::fprintf(stderr, "nanowasm: unknown command '%s'\n", argv[1]);
  Usage();
  return 2;
}
