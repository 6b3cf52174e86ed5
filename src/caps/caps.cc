// Capability derivation from a core module's imports (caps.h): the WASI preview1 table, the
// host-interface naming, the diff and the text/JSON reports. Pure functions of the ModuleDesc.
#include "caps/caps.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace nw::caps {
namespace {

struct WasiCap {
  std::string_view function;
  CapGroup group;
  std::string_view capability;
};

// Every preview1 function (define.cc binds the same names) and what calling it can reach.
// Descriptor functions that work on any fd (stdio, a granted file or socket) are "stdio";
// those that only make sense on files and directories are "filesystem".
constexpr WasiCap kWasiCaps[] = {
    {"args_get", CapGroup::kEnvironment, "args"},
    {"args_sizes_get", CapGroup::kEnvironment, "args"},
    {"environ_get", CapGroup::kEnvironment, "env"},
    {"environ_sizes_get", CapGroup::kEnvironment, "env"},
    {"clock_res_get", CapGroup::kClocks, "resolution"},
    {"clock_time_get", CapGroup::kClocks, "time"},
    {"poll_oneoff", CapGroup::kClocks, "poll"},  // sleeps on clocks, waits on descriptors
    {"random_get", CapGroup::kRandom, "get"},
    {"proc_exit", CapGroup::kProcess, "exit"},
    {"proc_raise", CapGroup::kProcess, "raise"},
    {"sched_yield", CapGroup::kProcess, "yield"},
    {"sock_accept", CapGroup::kNetwork, "accept"},
    {"sock_recv", CapGroup::kNetwork, "recv"},
    {"sock_send", CapGroup::kNetwork, "send"},
    {"sock_shutdown", CapGroup::kNetwork, "shutdown"},
    {"fd_close", CapGroup::kStdio, "close"},
    {"fd_fdstat_get", CapGroup::kStdio, "stat"},
    {"fd_fdstat_set_flags", CapGroup::kStdio, "set-flags"},
    {"fd_fdstat_set_rights", CapGroup::kStdio, "set-rights"},
    {"fd_read", CapGroup::kStdio, "read"},
    {"fd_renumber", CapGroup::kStdio, "renumber"},
    {"fd_seek", CapGroup::kStdio, "seek"},
    {"fd_tell", CapGroup::kStdio, "seek"},
    {"fd_write", CapGroup::kStdio, "write"},
    {"fd_advise", CapGroup::kFilesystem, "advise"},
    {"fd_allocate", CapGroup::kFilesystem, "allocate"},
    {"fd_datasync", CapGroup::kFilesystem, "sync"},
    {"fd_sync", CapGroup::kFilesystem, "sync"},
    {"fd_filestat_get", CapGroup::kFilesystem, "stat"},
    {"fd_filestat_set_size", CapGroup::kFilesystem, "truncate"},
    {"fd_filestat_set_times", CapGroup::kFilesystem, "set-times"},
    {"fd_pread", CapGroup::kFilesystem, "read"},
    {"fd_pwrite", CapGroup::kFilesystem, "write"},
    {"fd_prestat_get", CapGroup::kFilesystem, "preopens"},
    {"fd_prestat_dir_name", CapGroup::kFilesystem, "preopens"},
    {"fd_readdir", CapGroup::kFilesystem, "readdir"},
    {"path_create_directory", CapGroup::kFilesystem, "mkdir"},
    {"path_filestat_get", CapGroup::kFilesystem, "stat"},
    {"path_filestat_set_times", CapGroup::kFilesystem, "set-times"},
    {"path_link", CapGroup::kFilesystem, "link"},
    {"path_open", CapGroup::kFilesystem, "open"},
    {"path_readlink", CapGroup::kFilesystem, "readlink"},
    {"path_remove_directory", CapGroup::kFilesystem, "rmdir"},
    {"path_rename", CapGroup::kFilesystem, "rename"},
    {"path_symlink", CapGroup::kFilesystem, "symlink"},
    {"path_unlink_file", CapGroup::kFilesystem, "unlink"},
};

std::string TypeList(std::string_view keyword, const std::vector<ValType>& types) {
  if (types.empty()) return "";
  std::string s = " (" + std::string(keyword);
  for (ValType t : types) s += " " + std::string(ValTypeName(t));
  return s + ")";
}

std::string LimitsText(const Limits& l) {
  std::string s = std::to_string(l.min);
  if (l.max) s += " " + std::to_string(*l.max);
  return s;
}

std::string ImportType(const ModuleDesc& m, const Import& imp) {
  switch (imp.kind) {
    case ExternKind::kFunc: {
      if (imp.func_type >= m.types.size()) return "func";
      const FuncType& ft = m.types[imp.func_type];
      return "func" + TypeList("param", ft.params) + TypeList("result", ft.results);
    }
    case ExternKind::kTable:
      return "table " + LimitsText(imp.table.limits) + " " +
             std::string(ValTypeName(imp.table.elem));
    case ExternKind::kMemory: return "memory " + LimitsText(imp.memory.limits);
    case ExternKind::kGlobal: {
      std::string t(ValTypeName(imp.global.type));
      return "global " + (imp.global.mut ? "(mut " + t + ")" : t);
    }
    case ExternKind::kTag: {
      if (imp.tag_type >= m.types.size()) return "tag";
      return "tag" + TypeList("param", m.types[imp.tag_type].params);
    }
  }
  return "?";
}

const WasiCap* FindWasiCap(const Import& imp) {
  if (imp.kind != ExternKind::kFunc) return nullptr;
  for (const WasiCap& c : kWasiCaps)
    if (c.function == imp.name) return &c;
  return nullptr;
}

// Adds `ci` under capability `c` (a new entry, or the equal one already there), once.
void AddCapability(std::vector<Capability>& caps, Capability c, CapImport ci) {
  auto it = std::find_if(caps.begin(), caps.end(),
                         [&](const Capability& x) { return SameCapability(x, c); });
  if (it == caps.end()) it = caps.insert(caps.end(), std::move(c));
  // The same import twice (legal in a core module) is one entry.
  bool seen = std::any_of(it->imports.begin(), it->imports.end(), [&](const CapImport& x) {
    return x.module == ci.module && x.name == ci.name && x.type == ci.type;
  });
  if (!seen) it->imports.push_back(std::move(ci));
}

void SortCapabilities(std::vector<Capability>& caps);

std::string_view ExternKindCName(component::ExternKindC k) {
  switch (k) {
    case component::ExternKindC::kModule: return "core module";
    case component::ExternKindC::kFunc: return "func";
    case component::ExternKindC::kValue: return "value";
    case component::ExternKindC::kType: return "type";
    case component::ExternKindC::kComponent: return "component";
    case component::ExternKindC::kInstance: return "instance";
  }
  return "?";
}

// The group of a `wasi:PACKAGE/INTERFACE` name (version already removed).
CapGroup ComponentWasiGroup(std::string_view iface) {
  auto in = [&](std::string_view package) { return iface.starts_with(package); };
  if (in("wasi:filesystem/")) return CapGroup::kFilesystem;
  if (in("wasi:sockets/") || in("wasi:http/")) return CapGroup::kNetwork;
  if (in("wasi:clocks/")) return CapGroup::kClocks;
  if (in("wasi:random/")) return CapGroup::kRandom;
  if (iface == "wasi:cli/environment") return CapGroup::kEnvironment;
  if (iface == "wasi:cli/exit") return CapGroup::kProcess;
  if (iface == "wasi:cli/stdin" || iface == "wasi:cli/stdout" || iface == "wasi:cli/stderr" ||
      in("wasi:cli/terminal-") || in("wasi:io/"))
    return CapGroup::kStdio;
  return CapGroup::kUnknownWasi;
}

auto Key(const Capability& c) { return std::tie(c.group, c.module, c.name, c.type); }

// JSON string with the bytes JSON cannot carry raw escaped. Import names are valid UTF-8 (the
// decoder checks), so bytes from 0x80 up pass through as they are.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

std::string CapJson(const Capability& c) {
  std::string s = "{\"group\":" + Quote(CapGroupName(c.group)) + ",\"name\":" + Quote(c.name);
  if (c.group == CapGroup::kHost || c.group == CapGroup::kUnknownWasi)
    s += ",\"module\":" + Quote(c.module) + ",\"type\":" + Quote(c.type);
  s += ",\"imports\":[";
  for (size_t i = 0; i < c.imports.size(); ++i) {
    const CapImport& imp = c.imports[i];
    s += (i ? "," : "") + std::string("{\"module\":") + Quote(imp.module) +
         ",\"name\":" + Quote(imp.name) + ",\"type\":" + Quote(imp.type) + "}";
  }
  return s + "]}";
}

std::string CapListJson(const std::vector<Capability>& caps) {
  std::string s = "[";
  for (size_t i = 0; i < caps.size(); ++i) s += (i ? ",\n  " : "\n  ") + CapJson(caps[i]);
  return s + (caps.empty() ? "]" : "\n]");
}

// Names as the text report writes them: printable ASCII raw, anything else as \xx.
std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char ch : s) {
    if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
      out += static_cast<char>(ch);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%02x", ch);
      out += buf;
    }
  }
  return out;
}

std::string CapLabel(const Capability& c) {
  auto qualified = [](const std::string& module, const std::string& name) {
    return module.empty() ? Printable(name) : Printable(module) + "::" + Printable(name);
  };
  if (c.group == CapGroup::kHost || c.group == CapGroup::kUnknownWasi)
    return qualified(c.module, c.name) + ": " + c.type;
  std::string s = Printable(c.name) + " (";
  for (size_t i = 0; i < c.imports.size(); ++i)
    s += (i ? ", " : "") + qualified(c.imports[i].module, c.imports[i].name);
  return s + ")";
}

void SortCapabilities(std::vector<Capability>& caps) {
  std::sort(caps.begin(), caps.end(),
            [](const Capability& a, const Capability& b) { return Key(a) < Key(b); });
}

}  // namespace

std::string_view CapGroupName(CapGroup g) {
  switch (g) {
    case CapGroup::kFilesystem: return "filesystem";
    case CapGroup::kNetwork: return "network";
    case CapGroup::kClocks: return "clocks";
    case CapGroup::kRandom: return "random";
    case CapGroup::kEnvironment: return "environment";
    case CapGroup::kProcess: return "process";
    case CapGroup::kStdio: return "stdio";
    case CapGroup::kHost: return "host";
    case CapGroup::kUnknownWasi: return "unknown-wasi";
  }
  return "?";
}

bool IsWasiPreview1Module(std::string_view module) {
  return module == "wasi_snapshot_preview1" || module == "wasi_unstable";
}

bool SameCapability(const Capability& a, const Capability& b) { return Key(a) == Key(b); }

std::vector<Capability> DeriveCapabilities(const ModuleDesc& m) {
  std::vector<Capability> caps;
  for (const Import& imp : m.imports) {
    CapImport ci{imp.module, imp.name, ImportType(m, imp)};
    Capability c;
    if (imp.module == "nanowasm_sock" && imp.name == "sock_connect" &&
        imp.kind == ExternKind::kFunc) {
      c = {CapGroup::kNetwork, "", "connect", "", {}};  // nanowasm's outbound TCP (src/wasi)
    } else if (!IsWasiPreview1Module(imp.module)) {
      c = {CapGroup::kHost, imp.module, imp.name, ci.type, {}};
    } else if (const WasiCap* w = FindWasiCap(imp)) {
      c = {w->group, "", std::string(w->capability), "", {}};
    } else {
      c = {CapGroup::kUnknownWasi, imp.module, imp.name, ci.type, {}};
    }
    AddCapability(caps, std::move(c), std::move(ci));
  }
  SortCapabilities(caps);
  return caps;
}

std::vector<Capability> DeriveCapabilities(const component::Component& comp) {
  std::vector<Capability> caps;
  for (const component::Import& imp : comp.imports) {
    const std::string& full = imp.name.name;
    CapImport ci{"", full, std::string(ExternKindCName(imp.type.kind))};
    Capability c;
    if (full.starts_with("wasi:")) {
      std::string iface = full.substr(0, full.find('@'));
      CapGroup g = ComponentWasiGroup(iface);
      if (g == CapGroup::kUnknownWasi)
        c = {g, "", full, ci.type, {}};
      else
        c = {g, "", iface, "", {}};
    } else {
      c = {CapGroup::kHost, "", full, ci.type, {}};
    }
    AddCapability(caps, std::move(c), std::move(ci));
  }
  SortCapabilities(caps);
  return caps;
}

CapDiff DiffCapabilities(const std::vector<Capability>& old, const std::vector<Capability>& now) {
  auto missing_from = [](const std::vector<Capability>& from, const std::vector<Capability>& in) {
    std::vector<Capability> out;
    for (const Capability& c : from) {
      bool found = std::any_of(in.begin(), in.end(),
                               [&](const Capability& x) { return SameCapability(x, c); });
      if (!found) out.push_back(c);
    }
    return out;
  };
  return {missing_from(now, old), missing_from(old, now)};
}

std::string CapabilitiesJson(std::string_view file, const std::vector<Capability>& caps) {
  return "{\"schema\":\"nanowasm-caps/1\",\"file\":" + Quote(file) +
         ",\"capabilities\":" + CapListJson(caps) + "}\n";
}

std::string CapDiffJson(std::string_view old_file, std::string_view new_file, const CapDiff& d) {
  return "{\"schema\":\"nanowasm-caps-diff/1\",\"old\":" + Quote(old_file) +
         ",\"new\":" + Quote(new_file) + ",\"added\":" + CapListJson(d.added) +
         ",\"dropped\":" + CapListJson(d.dropped) + "}\n";
}

std::string CapabilitiesText(const std::vector<Capability>& caps) {
  std::string s;
  for (CapGroup g : kAllCapGroups) {
    std::string lines;
    for (const Capability& c : caps)
      if (c.group == g) lines += "  " + CapLabel(c) + "\n";
    s += std::string(CapGroupName(g)) + (lines.empty() ? ": none\n" : ":\n" + lines);
  }
  return s;
}

std::string CapDiffText(const CapDiff& d) {
  std::string s;
  for (const Capability& c : d.added)
    s += "+ " + std::string(CapGroupName(c.group)) + ":" + CapLabel(c) + "\n";
  for (const Capability& c : d.dropped)
    s += "- " + std::string(CapGroupName(c.group)) + ":" + CapLabel(c) + "\n";
  return s;
}

}  // namespace nw::caps
