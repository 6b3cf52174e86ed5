// `nanowasm caps`: what a core module or a component (binary) can ask its host for, from its
// imports (src/caps/caps.h), as text or JSON; `--diff OLD NEW` lists what NEW asks for beyond
// OLD and what it dropped, and fails (exit 1) when NEW asks for more: a gate for dependency
// updates. OLD and NEW may be one of each (a module replaced by a component).
#include <cstdio>
#include <string>

#include "component/binary_reader.h"
#include "component/dump.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"
#include "validate/validate.h"
#include "caps/caps.h"

namespace nwcli {
namespace {

// The capabilities of a valid module or component, or an error line (`file:0xOFFSET: message`).
nw::Result<std::vector<nw::caps::Capability>> Load(const std::string& path) {
  if (auto bytes = ReadFile(path); bytes && nw::component::IsComponentBinary(*bytes)) {
    if (auto st = nw::component::ValidateComponentBinary(*bytes); !st)
      return nw::MakeError(FormatBinaryError(path, st.error()));
    auto c = nw::component::DecodeComponent(*bytes);
    if (!c) return nw::MakeError(FormatBinaryError(path, c.error()));
    return nw::caps::DeriveCapabilities(*c);
  }
  NW_TRY_ASSIGN(auto m, LoadModule(path));
  if (auto st = nw::ValidateModule(m.desc); !st)
    return nw::MakeError(FormatBinaryError(m.from_text ? path + " (encoded)" : path, st.error()));
  return nw::caps::DeriveCapabilities(m.desc);
}

}  // namespace

int Caps(const CapsOptions& opts) {
  std::vector<std::vector<nw::caps::Capability>> caps;
  for (const std::string& f : opts.files) {
    auto c = Load(f);
    if (!c) {
      std::fprintf(stderr, "%s\n", c.error().message.c_str());
      return 1;
    }
    caps.push_back(std::move(*c));
  }
  if (!opts.diff) {
    std::string out = opts.json ? nw::caps::CapabilitiesJson(opts.files[0], caps[0])
                                : nw::caps::CapabilitiesText(caps[0]);
    std::fputs(out.c_str(), stdout);
    return 0;
  }
  nw::caps::CapDiff d = nw::caps::DiffCapabilities(caps[0], caps[1]);
  std::string out;
  if (opts.json) {
    out = nw::caps::CapDiffJson(opts.files[0], opts.files[1], d);
  } else {
    out = nw::caps::CapDiffText(d);
    out += opts.files[1] + ": " + std::to_string(d.added.size()) + " capabilities added, " +
           std::to_string(d.dropped.size()) + " dropped, against " + opts.files[0] + "\n";
  }
  std::fputs(out.c_str(), stdout);
  return d.added.empty() ? 0 : 1;
}

}  // namespace nwcli
