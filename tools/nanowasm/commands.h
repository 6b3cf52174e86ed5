// Subcommands of the nanowasm CLI, one file each. Each returns the process exit code.
#pragma once

namespace nwcli {
int Wast(int argc, char** argv);
int Validate(int argc, char** argv);
int Parse(int argc, char** argv);
int Print(int argc, char** argv);
int Run(int argc, char** argv);
int InterpDump(int argc, char** argv);
}  // namespace nwcli
