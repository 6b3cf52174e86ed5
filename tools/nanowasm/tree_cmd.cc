// `nanowasm run --manifest app.toml [ARGS]` and `nanowasm caps --manifest app.toml [--json]`:
// the capability tree (nanowasm/tree.h) from the command line. The root node gets the keys the
// run options grant (--dir, --env, -S ...), exactly as a single module would; every other node
// gets what its parent hands it in the manifest. `caps --manifest` prints each node's keys and
// what its module asks for, without running anything.
#include <sys/resource.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "caps/caps.h"
#include "component/api_internal.h"
#include "nanowasm/tree.h"
#include "nanowasm/wasi.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/component_load.h"
#include "tools/nanowasm/run_options.h"
#include "tools/nanowasm/util.h"
#include "tools/nanowasm/watchdog.h"
#include "tree/manifest.h"

namespace nwcli {

namespace {

constexpr int kTrapExit = 134;

// A node's file: a component (binary, or text whose first form is `(component`) or a core module.
nw::tree::NodeLoader Loader(const nw::Engine& engine) {
  return [&engine](const std::string& path) -> nw::Result<nw::tree::NodeCode> {
    NW_TRY_ASSIGN(auto component, LoadComponent(path));
    if (component) {
      auto c = nw::ComponentModuleFromAst(std::move(component->component));
      if (!c)
        return nw::MakeError(FormatBinaryError(path, c.error()));
      return nw::tree::NodeCode{nullptr, std::move(*c)};
    }
    NW_TRY_ASSIGN(auto loaded, LoadModule(path));
    auto m = nw::Module::FromDesc(engine, std::move(loaded.desc));
    if (!m)
      return nw::MakeError(FormatBinaryError(path, m.error()));
    return nw::tree::NodeCode{std::move(*m), nullptr};
  };
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

std::string Json(std::string_view s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\')
      out += '\\', out += static_cast<char>(ch);
    else if (ch < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else
      out += static_cast<char>(ch);
  }
  return out + "\"";
}

std::string JsonList(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? "," : "") + Json(v[i]);
  return s + "]";
}

std::vector<std::string> Stdio(const nw::WasiGrant& g) {
  std::vector<std::string> v;
  if (g.pass_stdin)
    v.push_back("stdin");
  if (g.pass_stdout)
    v.push_back("stdout");
  if (g.pass_stderr)
    v.push_back("stderr");
  return v;
}

std::vector<std::string> Dirs(const nw::WasiGrant& g) {
  std::vector<std::string> v;
  for (const auto& d : g.dirs) {
    std::string as = d.guest_path.empty() ? d.from : d.guest_path;
    v.push_back(d.from + (as == d.from ? "" : " as " + as) + (d.read_only ? " (ro)" : " (rw)"));
  }
  return v;
}

// The groups a node's imports ask for ("filesystem", "network", ...), in report order.
std::vector<std::string> Asks(const nw::TreeNodeSpec& n) {
  std::vector<std::string> v;
  auto caps = n.component ? nw::caps::DeriveCapabilities(nw::InternalAst(*n.component))
                          : nw::caps::DeriveCapabilities(n.module->desc());
  for (const auto& c : caps) {
    std::string g(nw::caps::CapGroupName(c.group));
    if (v.empty() || v.back() != g)
      v.push_back(g);
  }
  return v;
}

}  // namespace

int CapsManifest(const CapsOptions& opts) {
  nw::Engine engine;
  auto spec = nw::tree::LoadManifest(opts.manifest, Loader(engine));
  if (!spec) {
    std::fprintf(stderr, "%s\n", spec.error().message.c_str());
    return 1;
  }
  spec->root_host = {"spectest"};  // what `nanowasm run` offers the root
  if (auto st = nw::ValidateTree(*spec); !st) {
    std::fprintf(stderr, "%s\n", st.error().message.c_str());
    return 1;
  }
  if (auto st = nw::CheckDeclaredKeys(*spec); !st) {
    std::fprintf(stderr, "%s\n", st.error().message.c_str());
    return 1;
  }
  std::string out;
  if (opts.json)
    out = "{\"schema\":\"nanowasm-tree/1\",\"manifest\":" + Json(opts.manifest) + ",\"nodes\":[";
  bool first = true;
  for (const nw::TreeNodeSpec& n : spec->nodes) {
    const nw::WasiGrant& g = n.grant;
    bool root = n.parent.empty();
    std::string as = n.import_as.empty() ? n.name : n.import_as;
    std::vector<std::string> asks = Asks(n);
    if (opts.json) {
      out += std::string(first ? "\n  " : ",\n  ") + "{\"name\":" + Json(n.name) +
             ",\"module\":" + Json(n.module_path) +
             ",\"kind\":" + (n.component ? "\"component\"" : "\"module\"") +
             ",\"asks\":" + JsonList(asks);
      if (root) {
        out += ",\"parent\":null,\"keys\":\"command-line\"}";
      } else {
        std::vector<std::string> dirs;
        for (const auto& d : g.dirs)
          dirs.push_back("{\"from\":" + Json(d.from) +
                         ",\"as\":" + Json(d.guest_path.empty() ? d.from : d.guest_path) +
                         ",\"mode\":\"" + (d.read_only ? "ro" : "rw") + "\"}");
        std::string dir_list = "[";
        for (size_t i = 0; i < dirs.size(); ++i)
          dir_list += (i ? "," : "") + dirs[i];
        if (n.component)
          out += ",\"export\":" + Json(n.export_as.empty() ? as : n.export_as);
        out += ",\"parent\":" + Json(n.parent) + ",\"import\":" + Json(as) +
               ",\"keys\":{\"dirs\":" + dir_list + "],\"env\":" + JsonList(g.env) +
               ",\"args\":" + JsonList(g.args) + ",\"stdio\":" + JsonList(Stdio(g)) +
               ",\"clocks\":" + (g.clocks ? "true" : "false") +
               ",\"random\":" + (g.random ? "true" : "false") +
               ",\"listen\":" + JsonList(g.listen) + ",\"connect\":" + JsonList(g.connect) +
               ",\"host\":" + JsonList(n.host) + "},\"strings\":" + JsonList(n.strings) + "}";
      }
      first = false;
      continue;
    }
    out += "node " + n.name + " (" + n.module_path + (n.component ? ", a component" : "") + ")";
    if (root) {
      out += ", the root: keys from the command line (--dir, --env, -S ...)\n";
    } else {
      if (n.component)
        out += ", child of " + n.parent + ", its export \"" +
               (n.export_as.empty() ? as : n.export_as) + "\" satisfies the import \"" + as +
               "\"\n";
      else
        out += ", child of " + n.parent + ", satisfies its imports from \"" + as + "\"\n";
      out += "  dirs:    " + Join(Dirs(g)) + "\n";
      out += "  env:     " + Join(g.env) + "\n";
      out += "  args:    " + Join(g.args) + "\n";
      out += "  stdio:   " + Join(Stdio(g)) + "\n";
      out += std::string("  clocks:  ") + (g.clocks ? "yes" : "no") +
             "    random: " + (g.random ? "yes" : "no") + "\n";
      out += "  network: listen " + Join(g.listen) + "; connect " + Join(g.connect) + "\n";
      out += "  host:    " + Join(n.host) + "\n";
    }
    out += "  asks:    " + Join(asks) + "\n";
  }
  if (opts.json)
    out += "\n]}\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

int RunTree(const RunOptions& opts) {
  if (rlimit nofile{};
      getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  nw::Engine engine(opts.engine);
  auto spec = nw::tree::LoadManifest(opts.manifest, Loader(engine));
  if (!spec) {
    std::fprintf(stderr, "%s\n", spec.error().message.c_str());
    return 1;
  }
  spec->root_host = {"spectest"};
  std::string root_name;
  for (const auto& n : spec->nodes)
    if (n.parent.empty())
      root_name = n.name;
  nw::WasiConfig config = opts.wasi;
  config.args.push_back(opts.argv0.empty() ? root_name : opts.argv0);
  if (opts.invoke.empty())
    config.args.insert(config.args.end(), opts.args.begin(), opts.args.end());
  config.InheritStdio();
  auto ctx = nw::CreateWasiCtx(config);
  if (!ctx) {
    std::fprintf(stderr, "nanowasm run: %s\n", ctx.error().message.c_str());
    return 1;
  }
  nw::Store store(engine);
  store.SetLimits(opts.limits);
  if (opts.fuel)
    store.SetFuel(*opts.fuel);
  std::optional<Watchdog> watchdog;
  if (opts.timeout) {
    store.SetEpochDeadline(1);
    watchdog.emplace(engine, *opts.timeout);
  }
  auto tree = nw::Tree::Instantiate(store, *spec, *ctx,
                                    [](nw::Linker& l, nw::Store& s, std::string_view m) {
                                      if (m == "spectest")
                                        nw::DefineSpectest(l, s);
                                    });
  if (!tree) {
    std::fprintf(stderr, "%s\n", tree.error().message.c_str());
    return 1;
  }
  auto trapped = [&](const nw::Trap& t) {
    if (t.kind == nw::TrapKind::kExit)
      return t.exit_code & 0xff;
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %s", opts.manifest.c_str(), t.ToString().c_str());
    return kTrapExit;
  };
  if (!(*tree)->root()) {  // a component root: its wasi:cli/run, as `nanowasm run COMPONENT`
    if (!opts.invoke.empty()) {
      std::fprintf(stderr, "%s: --invoke is for a core module root; the component root \"%s\" "
                   "runs its wasi:cli/run export\n", opts.manifest.c_str(), root_name.c_str());
      return 1;
    }
    auto code = (*tree)->RunCommand();
    std::fflush(stdout);
    if (!code) {
      std::fprintf(stderr, "%s: %s\n", opts.manifest.c_str(), code.error().message.c_str());
      return nw::component::IsTrap(code.error()) ? kTrapExit : 1;
    }
    return *code & 0xff;
  }
  nw::Instance* root = (*tree)->root();
  std::string entry = opts.invoke.empty() ? "_start" : opts.invoke;
  nw::Func* f = root->GetFunc(entry);
  if (!f) {
    std::fprintf(stderr, "%s: root \"%s\" exports no function \"%s\"\n", opts.manifest.c_str(),
                 root_name.c_str(), entry.c_str());
    return 1;
  }
  std::vector<nw::Val> vals;
  if (!opts.invoke.empty()) {
    const auto& type = f->type();
    if (opts.args.size() != type.params.size()) {
      std::fprintf(stderr, "\"%s\" takes %zu arguments, %zu given\n", entry.c_str(),
                   type.params.size(), opts.args.size());
      return 2;
    }
    for (size_t k = 0; k < opts.args.size(); ++k) {
      auto v = ParseValArg(opts.args[k], type.params[k]);
      if (!v) {
        std::fprintf(stderr, "\"%s\" argument %zu: %s\n", entry.c_str(), k + 1,
                     v.error().message.c_str());
        return 2;
      }
      vals.push_back(*v);
    }
  }
  auto r = f->Call(store, vals);
  std::fflush(stdout);
  if (!r)
    return trapped(r.error());
  for (const auto& v : *r)
    std::printf("%s\n", FormatVal(v).c_str());
  return 0;
}

}  // namespace nwcli
