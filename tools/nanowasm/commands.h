// Subcommands of the nanowasm CLI, one file each. main.cc reads the command line (CLI11) into
// these option structs; each command returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nwcli {

struct RunOptions;

struct WastOptions {
  std::vector<std::string> files;
  std::vector<std::string> skips;  // files of "name.wast:LINE reason" lines
  bool multi_memory = false;       // Config::features.multi_memory (the 3.0 multi-memory suite)
  bool tail_call = false;          // Config::features.tail_call (return_call*)
  bool exceptions = false;         // Config::features.exceptions (the 3.0 exceptions suite)
  bool shared_memory = false;      // Config::features.shared_memory (decoded, never run)
  bool strict_messages = false;
  bool verbose = false;
  std::string tier = "interp";  // --tier
};
struct ParseOptions {
  std::string in, out;
  bool no_validate = false;
};
struct CapsOptions {
  std::vector<std::string> files;  // FILE, or OLD NEW with --diff
  bool diff = false;
  bool json = false;
  std::string manifest;  // --manifest: each node's keys (tree_cmd.cc)
};

// `nanowasm compile` (aot.cc): FILE -o OUT.nwc, or --check OUT.nwc.
struct CompileOptions {
  std::string in, out;
  std::string target = "native";  // "native" (this host's CPU and features) or "x86-64"
  int opt_level = 2;
  bool canonical_nans = false;
  bool relaxed_traps = false;  // run's -W opt-relaxed-traps
  bool multi_memory = false;   // run's -W multi-memory (decoding only: the code is the same)
  bool check = false;
};

int Wast(const WastOptions& opts);
int Validate(const std::string& path);
int Parse(const ParseOptions& opts);
int Print(const std::string& path);
int Wit(const std::string& path);
int Run(const RunOptions& opts);
int Caps(const CapsOptions& opts);
int CapsManifest(const CapsOptions& opts);  // tree_cmd.cc
int RunTree(const RunOptions& opts);        // tree_cmd.cc: run --manifest
int Compile(const CompileOptions& opts);
int InterpDump(const std::string& path, std::optional<uint32_t> func_index);

}  // namespace nwcli
