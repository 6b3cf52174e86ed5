// Reads a capability-tree manifest (manifest.h). toml++ in header-only mode with exceptions off:
// a syntax error is a value carrying its line and column.
#include "tree/manifest.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace nw::tree {

namespace {

std::string Q(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

struct Reader {
  std::string pre;  // `PATH: node "N": `

  std::unexpected<Error> Fail(const std::string& msg) const { return MakeError(pre + msg); }

  Status Strings(const toml::node& v, std::string_view key, std::vector<std::string>* out) const {
    const toml::array* a = v.as_array();
    if (!a)
      return Fail(std::string(key) + ": expected an array of strings");
    for (const toml::node& e : *a) {
      auto s = e.value<std::string>();
      if (!s)
        return Fail(std::string(key) + ": expected an array of strings");
      out->push_back(*s);
    }
    return Ok();
  }

  Result<bool> Bool(const toml::node& v, std::string_view key) const {
    auto b = v.value<bool>();
    if (!b)
      return Fail(std::string(key) + ": expected true or false");
    return *b;
  }

  Result<std::string> String(const toml::node& v, std::string_view key) const {
    auto s = v.value<std::string>();
    if (!s)
      return Fail(std::string(key) + ": expected a string");
    return *s;
  }

  Status Dir(const toml::node& v, WasiDirGrant* d) const {
    const toml::table* t = v.as_table();
    if (!t)
      return Fail("dirs: expected tables {from = \"DIR\", as = \"NAME\", mode = \"ro\"|\"rw\"}");
    bool have_from = false;
    for (const auto& [k, val] : *t) {
      std::string_view key = k.str();
      if (key == "from") {
        NW_TRY_ASSIGN(d->from, String(val, "dirs.from"));
        have_from = true;
      } else if (key == "as") {
        NW_TRY_ASSIGN(d->guest_path, String(val, "dirs.as"));
      } else if (key == "mode") {
        NW_TRY_ASSIGN(std::string mode, String(val, "dirs.mode"));
        if (mode != "ro" && mode != "rw")
          return Fail("dirs.mode " + Q(mode) + ": expected \"ro\" or \"rw\"");
        d->read_only = mode == "ro";
      } else {
        return Fail("dirs: unknown key " + Q(key) + " (from, as, mode)");
      }
    }
    if (!have_from || d->from.empty())
      return Fail("dirs: an entry has no `from`");
    return Ok();
  }

  Status Stdio(const toml::node& v, WasiGrant* g) const {
    std::vector<std::string> names;
    NW_TRY(Strings(v, "stdio", &names));
    for (const std::string& s : names) {
      if (s == "stdin")
        g->pass_stdin = true;
      else if (s == "stdout")
        g->pass_stdout = true;
      else if (s == "stderr")
        g->pass_stderr = true;
      else
        return Fail("stdio: " + Q(s) + " is not stdin, stdout or stderr");
    }
    return Ok();
  }
};

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

Status ReadNode(const Reader& r,
                const toml::table& t,
                const std::string& base,
                const NodeLoader& load,
                TreeNodeSpec* n) {
  std::string module;
  for (const auto& [k, v] : t) {
    std::string_view key = k.str();
    WasiGrant& g = n->grant;
    if (key == "module") {
      NW_TRY_ASSIGN(module, r.String(v, key));
    } else if (key == "parent") {
      NW_TRY_ASSIGN(n->parent, r.String(v, key));
      if (n->parent.empty())
        return r.Fail("parent: empty (leave it out for the root)");
    } else if (key == "import") {
      NW_TRY_ASSIGN(n->import_as, r.String(v, key));
    } else if (key == "export") {
      NW_TRY_ASSIGN(n->export_as, r.String(v, key));
    } else if (key == "args") {
      NW_TRY(r.Strings(v, key, &g.args));
    } else if (key == "env") {
      NW_TRY(r.Strings(v, key, &g.env));
    } else if (key == "listen") {
      NW_TRY(r.Strings(v, key, &g.listen));
    } else if (key == "connect") {
      NW_TRY(r.Strings(v, key, &g.connect));
    } else if (key == "host") {
      NW_TRY(r.Strings(v, key, &n->host));
    } else if (key == "strings") {
      NW_TRY(r.Strings(v, key, &n->strings));
    } else if (key == "stdio") {
      NW_TRY(r.Stdio(v, &g));
    } else if (key == "clocks") {
      NW_TRY_ASSIGN(g.clocks, r.Bool(v, key));
    } else if (key == "random") {
      NW_TRY_ASSIGN(g.random, r.Bool(v, key));
    } else if (key == "dirs") {
      const toml::array* a = v.as_array();
      if (!a)
        return r.Fail("dirs: expected an array of tables");
      for (const toml::node& e : *a) {
        WasiDirGrant d;
        NW_TRY(r.Dir(e, &d));
        g.dirs.push_back(std::move(d));
      }
    } else {
      return r.Fail("unknown key " + Q(key));
    }
  }
  if (module.empty())
    return r.Fail("no `module`");
  n->module_path = !module.empty() && module[0] == '/' ? module : base + module;
  auto m = load(n->module_path);
  if (!m)
    return r.Fail("module " + Q(module) + ": " + m.error().message);
  n->module = std::move(m->module);
  n->component = std::move(m->component);
  if (n->parent.empty()) {
    // The root's keys come from the embedder (the command line): a grant here would mislead.
    const WasiGrant& g = n->grant;
    if (!g.args.empty() || !g.env.empty() || !g.dirs.empty() || !g.listen.empty() ||
        !g.connect.empty() || g.pass_stdin || g.pass_stdout || g.pass_stderr || g.clocks ||
        g.random || !n->host.empty())
      return r.Fail("is the root: its keys come from the command line, not the manifest");
  }
  return Ok();
}

}  // namespace

Result<TreeSpec> ParseManifest(std::string_view text,
                               const std::string& path,
                               const NodeLoader& load) {
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    return MakeError(path + ":" + std::to_string(e.source().begin.line) + ":" +
                     std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  const toml::table& top = parsed.table();
  TreeSpec spec;
  spec.source = path;
  const toml::table* nodes = nullptr;
  for (const auto& [k, v] : top) {
    if (k.str() == "nodes" && v.is_table())
      nodes = v.as_table();
    else
      return MakeError(path + ": unknown top-level key " + Q(k.str()) + " (only [nodes.NAME])");
  }
  if (!nodes || nodes->empty())
    return MakeError(path + ": no [nodes.NAME] tables");
  std::string base = DirOf(path);
  for (const auto& [k, v] : *nodes) {
    TreeNodeSpec n;
    n.name = std::string(k.str());
    Reader r{path + ": node " + Q(n.name) + ": "};
    const toml::table* t = v.as_table();
    if (!t)
      return r.Fail("expected a table [nodes." + n.name + "]");
    NW_TRY(ReadNode(r, *t, base, load, &n));
    spec.nodes.push_back(std::move(n));
  }
  return spec;
}

Result<TreeSpec> LoadManifest(const std::string& path, const NodeLoader& load) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return MakeError(path + ": cannot read the manifest");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseManifest(ss.str(), path, load);
}

}  // namespace nw::tree
