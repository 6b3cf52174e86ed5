// `nanowasm run`'s options, from text to RunOptions. The -W (Wasm) and -S (WASI) groups are
// tables of keys, spelt as Wasmtime spells them where Wasmtime has the same thing; the older
// nanowasm options are aliases of one key each. Numbers go through the text format's own
// integer reader (decimal, 0x hex, `_` separators), so the CLI has no second number syntax.
#include "tools/nanowasm/run_options.h"
#include "tools/nanowasm/tier_option.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "text/lexer.h"

extern char** environ;

namespace nwcli {
namespace {

using Value = std::optional<std::string_view>;  // nullopt: `key` without `=value`

std::optional<bool> ParseBool(Value v) {
  if (!v || *v == "y" || *v == "yes" || *v == "true") return true;
  if (*v == "n" || *v == "no" || *v == "false") return false;
  return std::nullopt;
}

std::optional<uint64_t> ParseCount(Value v, unsigned bits) {
  if (!v) return std::nullopt;
  auto n = nw::ParseUnsigned(*v, bits);
  if (!n) return std::nullopt;
  return *n;
}

// "500ms", "10s", "1.5s", "2m", "2min", "1h", or a plain number of seconds (as Wasmtime reads it).
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + i, v, std::chars_format::fixed);
  if (i == 0 || ec != std::errc() || end != s.data() + i) return std::nullopt;
  std::string_view unit = s.substr(i);
  double ms = unit == "ms"                   ? v
              : unit == "s" || unit.empty()  ? v * 1e3
              : unit == "m" || unit == "min" ? v * 60e3
              : unit == "h"                  ? v * 3600e3
                                             : -1;
  if (ms < 0 || ms > 1e12) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

// Bytes: a number ("65536", "0x10000") or a number and a binary unit ("64KiB", "64MiB", "1GiB";
// K/M/G and KB/MB/GB mean the same powers of 1024).
std::optional<uint64_t> ParseSize(std::string_view s) {
  if (auto n = nw::ParseUnsigned(s, 64)) return *n;  // first, so that "0xB" is eleven bytes
  static constexpr std::pair<std::string_view, unsigned> kUnits[] = {
      {"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"KB", 10}, {"MB", 20},
      {"GB", 30},  {"K", 10},   {"M", 20},   {"G", 30},  {"B", 0}};
  for (auto [unit, shift] : kUnits) {
    if (!s.ends_with(unit)) continue;
    auto n = nw::ParseUnsigned(s.substr(0, s.size() - unit.size()), 64);
    if (!n || *n > (UINT64_MAX >> shift)) return std::nullopt;
    return *n << shift;
  }
  return std::nullopt;
}

// One key of an option group. `apply` returns what is wrong with the value, or "".
struct Key {
  std::string_view name;
  std::string_view value;  // the value syntax shown in help ("=N", "[=y|n]")
  std::string_view alias;  // the older nanowasm option meaning the same, if any
  std::string_view doc;
  std::string (*apply)(Value v, RunOptions& o);
};

constexpr std::string_view kBoolError = "expected y or n (or nothing, meaning y)";

const Key kWasmKeys[] = {
    {"fuel", "=N", "--fuel N", "run at most N wasm instructions, then trap (deterministic)",
     [](Value v, RunOptions& o) -> std::string {
       auto n = ParseCount(v, 64);
       if (!n) return "expected a number of instructions, e.g. fuel=1000000";
       o.fuel = *n;
       o.engine.consume_fuel = true;
       return "";
     }},
    {"timeout", "=DURATION", "--timeout DURATION",
     "stop the guest after this much wall time (500ms, 10s, 2m, 1h; a plain number is seconds)",
     [](Value v, RunOptions& o) -> std::string {
       auto d = v ? ParseDuration(*v) : std::nullopt;
       if (!d) return "expected a duration, e.g. timeout=500ms, 10s, 2m (plain number: seconds)";
       o.timeout = *d;
       o.engine.epoch_interruption = true;
       return "";
     }},
    {"max-memory-size", "=BYTES", "--max-memory SIZE",
     "cap each linear memory at BYTES (or 64KiB, 64MiB, 1GiB); memory.grow past it returns -1",
     [](Value v, RunOptions& o) -> std::string {
       auto n = v ? ParseSize(*v) : std::nullopt;
       if (!n) return "expected a size in bytes, e.g. max-memory-size=67108864 or 64MiB";
       o.limits.max_memory_pages = std::min<uint64_t>(*n / nw::kPageSize, nw::kMaxPages);
       return "";
     }},
    {"max-table-elements", "=N", "", "cap each table at N elements; table.grow past it returns -1",
     [](Value v, RunOptions& o) -> std::string {
       auto n = ParseCount(v, 64);
       if (!n) return "expected a number of elements";
       o.limits.max_table_elements = *n;
       return "";
     }},
    {"max-instances", "=N", "", "allow at most N module instances in the store",
     [](Value v, RunOptions& o) -> std::string {
       auto n = ParseCount(v, 32);
       if (!n) return "expected a number of instances below 2^32";
       o.limits.max_instances = static_cast<uint32_t>(*n);
       return "";
     }},
    {"trap-on-grow-failure", "[=y|n]", "",
     "trap when memory.grow or table.grow fails instead of returning -1",
     [](Value v, RunOptions& o) -> std::string {
       auto b = ParseBool(v);
       if (!b) return std::string(kBoolError);
       o.limits.trap_on_grow_failure = *b;
       return "";
     }},
    {"tier", "=interp|opt", "--tier NAME",
     "the execution tier: interp (the interpreter, default) or opt (the LLVM optimizing "
     "tier, in builds with LLVM; no fuel yet)",
     [](Value v, RunOptions& o) -> std::string {
       auto t = ParseTier(v ? *v : "");
       if (!t) return t.error().message;
       o.engine.tier = *t;
       return "";
     }},
    {"opt-relaxed-traps", "[=y|n]", "--opt-relaxed-traps",
     "opt tier, guard regions: let LLVM delete unused memory loads and reorder or vectorize "
     "accesses (faster loops; an out-of-bounds load may not trap and the memory at a trap may "
     "differ from the interpreter's; the sandbox is unaffected)",
     [](Value v, RunOptions& o) -> std::string {
       auto b = ParseBool(v);
       if (!b) return std::string(kBoolError);
       o.engine.opt_relaxed_traps = *b;
       return "";
     }},
    {"opt-tiering", "=on|off|auto", "--opt-tiering WHEN",
     "opt tier: run a cheap first tier at once and swap in O2 code compiled in the background "
     "(on), compile O2 before running (off), or on for modules with at least 256 KiB of code "
     "(auto, the default)",
     [](Value v, RunOptions& o) -> std::string {
       const std::string_view w = v ? *v : "";
       if (w == "on") o.engine.opt_tiering = nw::Config::OptTiering::kOn;
       else if (w == "off") o.engine.opt_tiering = nw::Config::OptTiering::kOff;
       else if (w == "auto") o.engine.opt_tiering = nw::Config::OptTiering::kAuto;
       else return "expected on, off or auto";
       return "";
     }},
    {"multi-memory", "[=y|n]", "",
     "enable multi-memory (WebAssembly 3.0): several memories per module, on both tiers and "
     "in artifacts (`nanowasm compile --multi-memory`)",
     [](Value v, RunOptions& o) -> std::string {
       auto b = ParseBool(v);
       if (!b) return std::string(kBoolError);
       o.engine.features.multi_memory = *b;
       return "";
     }},
    {"nan-canonicalization", "[=y|n]", "--canonical-nans",
     "every float operation returns the canonical NaN where the spec allows any NaN "
     "(results independent of the host CPU)",
     [](Value v, RunOptions& o) -> std::string {
       auto b = ParseBool(v);
       if (!b) return std::string(kBoolError);
       o.engine.canonicalize_nans = *b ? nw::Config::NanCanonicalization::kAll
                                       : nw::Config::NanCanonicalization::kNone;
       return "";
     }},
};

const Key kWasiKeys[] = {
    {"inherit-env", "[=y|n]", "",
     "pass the host's whole environment (--env entries are applied on top)",
     [](Value v, RunOptions& o) -> std::string {
       auto b = ParseBool(v);
       if (!b) return std::string(kBoolError);
       o.inherit_env = *b;
       return "";
     }},
    {"tcplisten", "=ADDR:PORT", "--listen ADDR:PORT",
     "grant a listening TCP socket (guest fd after the directories); with port 0 the bound "
     "address is printed to stderr",
     [](Value v, RunOptions& o) -> std::string {
       if (!v || v->empty()) return "expected an address, e.g. tcplisten=127.0.0.1:8080";
       o.wasi.listen.emplace_back(*v);
       return "";
     }},
    {"tcpconnect", "=ADDR:PORT", "",
     "allow outbound TCP to this numeric address and port only (nanowasm_sock.sock_connect; "
     "preview1 has no connect of its own)",
     [](Value v, RunOptions& o) -> std::string {
       if (!v || v->empty()) return "expected an address, e.g. tcpconnect=127.0.0.1:9000";
       o.wasi.connect.emplace_back(*v);
       return "";
     }},
    {"inherit-network", "", "",
     "(refused: nanowasm grants the network one listening socket at a time, -S tcplisten)",
     [](Value, RunOptions&) -> std::string {
       return "not supported: nanowasm grants network access only as listening sockets named "
              "one by one (-S tcplisten=ADDR:PORT)";
     }},
};

// The older nanowasm spellings: option -> {group, key}. A flag's value is empty.
struct Alias {
  std::string_view option;
  bool wasi;
  std::string_view key;
};
constexpr Alias kAliases[] = {
    {"--fuel", false, "fuel"},
    {"--timeout", false, "timeout"},
    {"--max-memory", false, "max-memory-size"},
    {"--canonical-nans", false, "nan-canonicalization"},
    {"--opt-relaxed-traps", false, "opt-relaxed-traps"},
    {"--tier", false, "tier"},
    {"--opt-tiering", false, "opt-tiering"},
    {"--listen", true, "tcplisten"},
};

template <size_t N>
const Key* FindKey(const Key (&keys)[N], std::string_view name) {
  for (const Key& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

template <size_t N>
std::string GroupHelp(const Key (&keys)[N], std::string_view flag, std::string_view what,
                      std::string_view example) {
  std::string s = "Available " + std::string(flag) + " options (" + std::string(what) + "):\n";
  constexpr size_t kIndent = 34, kWidth = 100;
  for (const Key& k : keys) {
    std::string line = "  " + std::string(flag) + " " + std::string(k.name) + std::string(k.value);
    line.resize(std::max(line.size() + 1, kIndent), ' ');
    std::string doc(k.doc);
    if (!k.alias.empty()) doc += " (also " + std::string(k.alias) + ")";
    for (size_t i = 0; i < doc.size();) {  // word-wrapped at kWidth
      size_t end = doc.find(' ', i);
      if (end == std::string::npos) end = doc.size();
      if (line.size() > kIndent && line.size() + (end - i) > kWidth) {
        line.pop_back();  // the space after the last word
        s += line + "\n";
        line.assign(kIndent, ' ');
      }
      line += doc.substr(i, end - i) + " ";
      i = end + 1;
    }
    line.pop_back();
    s += line + "\n";
  }
  s += "Several can be given at once, separated by commas: " + std::string(example) + "\n";
  return s;
}

// Applies "key[=value]" of one group; the error names the option as it was typed.
template <size_t N>
nw::Status ApplyKey(const Key (&keys)[N], std::string_view flag, std::string_view shown,
                    std::string_view key, Value value, RunOptions& o) {
  const Key* k = FindKey(keys, key);
  if (!k)
    return nw::MakeError(std::string(shown) + ": unknown " + std::string(flag) + " option '" +
                         std::string(key) + "' (nanowasm run " + std::string(flag) +
                         " help lists them)");
  std::string err = k->apply(value, o);
  if (!err.empty()) return nw::MakeError(std::string(shown) + ": " + err);
  return nw::Ok();
}

nw::Status ApplyGroup(const std::vector<std::pair<std::string, std::string>>& entries, bool wasi,
                      RunOptions& o) {
  std::string_view flag = wasi ? "-S" : "-W";
  for (const auto& [option, text] : entries) {
    if (option != flag && option != (wasi ? "--wasi" : "--wasm")) {  // an older single option
      const Alias* alias = nullptr;
      for (const Alias& a : kAliases)
        if (a.option == option) alias = &a;
      if (!alias) return nw::MakeError(option + ": not an option of " + std::string(flag));
      std::string shown = text.empty() ? option : option + " " + text;
      Value value = text.empty() ? Value{} : Value{text};
      NW_TRY(wasi ? ApplyKey(kWasiKeys, flag, shown, alias->key, value, o)
                  : ApplyKey(kWasmKeys, flag, shown, alias->key, value, o));
      continue;
    }
    std::string_view rest = text;
    do {  // "key[=value],key[=value]..."
      size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      size_t eq = item.find('=');
      std::string_view key = item.substr(0, eq);
      Value value = eq == std::string_view::npos ? Value{} : Value{item.substr(eq + 1)};
      std::string shown = std::string(flag) + " " + std::string(item);
      if (key.empty()) return nw::MakeError(shown + ": expected KEY[=VALUE]");
      NW_TRY(wasi ? ApplyKey(kWasiKeys, flag, shown, key, value, o)
                  : ApplyKey(kWasmKeys, flag, shown, key, value, o));
    } while (!rest.empty());
  }
  return nw::Ok();
}

// Sets NAME to VALUE, replacing an earlier (e.g. inherited) NAME.
void SetEnv(std::vector<std::pair<std::string, std::string>>& env, std::string name,
            std::string value) {
  std::erase_if(env, [&](const auto& kv) { return kv.first == name; });
  env.emplace_back(std::move(name), std::move(value));
}

}  // namespace

std::string WasmOptionsHelp() {
  return GroupHelp(kWasmKeys, "-W", "Wasm execution and limits", "-W fuel=1000000,timeout=10s");
}
std::string WasiOptionsHelp() {
  return GroupHelp(kWasiKeys, "-S", "WASI", "-S inherit-env,tcplisten=127.0.0.1:0");
}

nw::Result<RunOptions> ResolveRunArgs(const RunArgs& a) {
  RunOptions o;
  o.manifest = a.manifest;
  if (a.rest.empty() && o.manifest.empty()) return nw::MakeError("missing FILE, the module to run");
  const std::string first = a.rest.empty() ? "" : a.rest[0];
  if (first.size() > 1 && first[0] == '-' && first != "--")
    return nw::MakeError("unknown option " + first);
  size_t i = 0;
  if (o.manifest.empty()) o.path = first, i = 1;
  else if (first == "--") i = 1;
  o.invoke = a.invoke;
  if (o.invoke.empty() && i + 1 < a.rest.size() && a.rest[i] == "--invoke") {
    o.invoke = a.rest[i + 1];  // the older `run FILE --invoke NAME ARGS` form
    i += 2;
  }
  o.args.assign(a.rest.begin() + static_cast<ptrdiff_t>(i), a.rest.end());
  o.argv0 = a.argv0.empty() ? o.path : a.argv0;  // with --manifest, "" means the root's name

  NW_TRY(ApplyGroup(a.wasm, false, o));
  NW_TRY(ApplyGroup(a.wasi, true, o));

  for (bool ro : {false, true}) {
    for (const std::string& spec : ro ? a.dirs_ro : a.dirs) {
      size_t sep = spec.find("::");
      nw::WasiDir dir;
      dir.host_path = spec.substr(0, sep);
      dir.guest_path = sep == std::string::npos ? spec : spec.substr(sep + 2);
      dir.read_only = ro;
      if (dir.host_path.empty() || dir.guest_path.empty())
        return nw::MakeError(std::string(ro ? "--dir-ro " : "--dir ") + spec +
                             ": expected HOST[::GUEST]");
      o.wasi.dirs.push_back(std::move(dir));
    }
  }

  if (o.inherit_env) {
    for (char** e = environ; e && *e; ++e) {
      std::string_view kv = *e;
      size_t eq = kv.find('=');
      if (eq != std::string_view::npos && eq > 0)
        SetEnv(o.wasi.env, std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  for (const std::string& spec : a.env) {
    size_t eq = spec.find('=');
    std::string name = spec.substr(0, eq);
    if (name.empty()) return nw::MakeError("--env " + spec + ": expected NAME[=VALUE]");
    if (eq != std::string::npos) {
      SetEnv(o.wasi.env, name, spec.substr(eq + 1));
    } else if (const char* host = std::getenv(name.c_str())) {
      SetEnv(o.wasi.env, name, host);  // a bare NAME passes the host's value, if it has one
    }
  }

  if (a.resolver == "walk") o.wasi.resolver = nw::WasiResolver::kWalk;
  else if (a.resolver == "openat2") o.wasi.resolver = nw::WasiResolver::kOpenat2;
  else if (a.resolver.empty() || a.resolver == "auto") o.wasi.resolver = nw::WasiResolver::kAuto;
  else return nw::MakeError("--wasi-resolver " + a.resolver + ": expected walk, openat2 or auto");
  return o;
}

}  // namespace nwcli
