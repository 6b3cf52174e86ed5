// What `nanowasm run` is asked to do: the options as typed (RunArgs, filled by the option
// declarations in main.cc) and as understood (RunOptions, what run.cc executes). The `-W KEY=VAL`
// and `-S KEY=VAL` groups use Wasmtime's key names where Wasmtime has one for the same thing;
// their keys, value syntax and help text live in one table each in run_options.cc. Nothing here
// touches a module; errors are one line naming the option as it was typed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "nanowasm/runtime.h"
#include "nanowasm/wasi.h"

namespace nwcli {

struct RunArgs {
  // {"-W", "key[=value][,key[=value]...]"} per -W (same for -S), and {"--fuel", "N"} etc. for
  // the older single options that mean one key of a group (see kAliases in run_options.cc).
  std::vector<std::pair<std::string, std::string>> wasm, wasi;
  std::vector<std::string> dirs, dirs_ro, env;
  std::string invoke, argv0, resolver;
  std::string manifest;  // --manifest: run a capability tree; `rest` is then the root's ARGS
  // FILE ARGS... and whatever the option parser did not recognize, in order.
  std::vector<std::string> rest;
};

struct RunOptions {
  std::string path;               // the module (.wasm or .wat)
  std::string manifest;           // or a capability-tree manifest (tree_cmd.cc)
  std::vector<std::string> args;  // guest argv after argv[0], or the --invoke arguments
  std::string invoke;             // export to call instead of _start
  std::string argv0;              // guest argv[0]; default: path
  nw::WasiConfig wasi;            // grants; args and stdio are filled in by Run
  bool inherit_env = false;       // -S inherit-env: the host's environment, then --env on top
  nw::Config engine;
  nw::StoreLimits limits;
  std::optional<uint64_t> fuel;
  std::optional<std::chrono::milliseconds> timeout;
};

// Checks and converts; the error is one line ("-W fuel=x: expected a number ...").
nw::Result<RunOptions> ResolveRunArgs(const RunArgs& a);

// `-W help` / `-S help`: every key with its value syntax and meaning.
std::string WasmOptionsHelp();
std::string WasiOptionsHelp();


}  // namespace nwcli
