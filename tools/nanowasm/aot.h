// The artifact half of `nanowasm run` (aot.cc): artifacts are told from wasm by their magic
// and loaded by mapping the file, with no compilation.
#pragma once

#include <memory>
#include <string>

#include "nanowasm/runtime.h"

namespace nwcli {

bool IsArtifactFile(const std::string& path);
// The engine configuration that runs artifacts, given the one the options asked for.
nw::Config ArtifactEngineConfig(nw::Config config);
nw::Result<std::shared_ptr<const nw::Module>> LoadArtifactModule(const nw::Engine& engine,
                                                                 const std::string& path);

}  // namespace nwcli
