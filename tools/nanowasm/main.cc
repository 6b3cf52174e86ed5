// nanowasm command line: the one place that reads argv. The options of every subcommand are
// declared here with CLI11 (so each has a generated --help that cannot drift from what is
// accepted) and land in the option structs of commands.h / run_options.h; each subcommand's
// work lives in its own file. As with Wasmtime, `nanowasm FILE ARGS...` is `nanowasm run FILE
// ARGS...`. A usage error is one line naming what is wrong, then the usage; exit status 2.
//
// CLI11 includes <iostream>, whose static std::ios_base::Init (libstdc++ 12: one per including
// file; this is the only one in the CLI) builds the standard streams and the global locale in
// every process, ~13 page faults and ~0.1 M instructions before main (docs/performance.md, "AOT
// artifacts"). <iostream>'s declarations without that object; Main constructs the Init itself
// before CLI11 runs, so CLI11 sees initialized streams on the path that uses it.
#include <istream>
#include <ostream>
#if defined(__GLIBCXX__) && !defined(_GLIBCXX_IOSTREAM)
#define _GLIBCXX_IOSTREAM 1
namespace std {
extern istream cin;
extern ostream cout;
extern ostream cerr;
extern ostream clog;
}  // namespace std
#endif
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "text/lexer.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/run_options.h"

#ifndef NW_VERSION
#error "NW_VERSION (CMake's project version) must be defined"
#endif

namespace nwcli {
namespace {

struct Synopsis {
  std::string_view command;  // "" for nanowasm itself
  std::string_view usage;
};
constexpr Synopsis kSynopses[] = {
    {"", "nanowasm [run] [OPTIONS] FILE [ARGS...]\n"
         "       nanowasm COMMAND [OPTIONS] ...   (COMMAND: run compile wast validate parse print "
         "wit caps interp-dump)\n"
         "       nanowasm --version"},
    {"run", "nanowasm [run] [OPTIONS] FILE [ARGS...]\n"
            "       nanowasm [run] [OPTIONS] --invoke NAME FILE [ARGS...]\n"
            "       nanowasm run [OPTIONS] --manifest TREE.toml [ARGS...]"},
    {"wast", "nanowasm wast [--skips FILE] [--strict-messages] [-v] FILE..."},
    {"validate", "nanowasm validate FILE"},
    {"parse", "nanowasm parse FILE.wat -o FILE.wasm [--no-validate]"},
    {"print", "nanowasm print FILE"},
    {"wit", "nanowasm wit FILE"},
    {"caps", "nanowasm caps [--json] FILE\n"
             "       nanowasm caps [--json] --diff OLD NEW\n"
             "       nanowasm caps [--json] --manifest TREE.toml"},
    {"interp-dump", "nanowasm interp-dump FILE [FUNC_INDEX]"},
    {"compile", "nanowasm compile [--target native|x86-64] [-O N] [--canonical-nans] FILE -o OUT.nwc\n"
                "       nanowasm compile --check [--canonical-nans] FILE.nwc"},
};

bool IsCommand(std::string_view s) {
  return !s.empty() && std::any_of(std::begin(kSynopses), std::end(kSynopses),
                                   [&](const Synopsis& c) { return c.command == s; });
}

std::string Usage(std::string_view command) {
  for (const Synopsis& c : kSynopses)
    if (c.command == command) return "usage: " + std::string(c.usage) + "\n";
  return "";
}

// CLI11's help with our usage lines (it cannot say that run's FILE ends the options).
class Formatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string) const override {
    return Usage(app->get_parent() ? app->get_name() : "");
  }
  // Positionals are described by the usage line; CLI11 would add "TEXT REQUIRED".
  std::string make_option_opts(const CLI::Option* opt) const override {
    return opt->get_positional() ? "" : CLI::Formatter::make_option_opts(opt);
  }
};

int UsageError(std::string_view command, const std::string& message) {
  std::string who = command.empty() ? "nanowasm" : "nanowasm " + std::string(command);
  std::fprintf(stderr, "%s: %s\n%s(`%s --help` describes every option)\n", who.c_str(),
               message.c_str(), Usage(command).c_str(), who.c_str());
  return 2;
}

// What the option parser left over in a command that takes no more: the first one, named.
std::string Extra(const std::vector<std::string>& rest) {
  const std::string& a = rest.front();
  return (a.size() > 1 && a[0] == '-' ? "unknown option " : "unexpected argument ") + a;
}

// Every value CLI11 collects for `nanowasm run`, before run_options.cc gives it meaning.
struct RunCli {
  RunArgs args;
  std::vector<std::string> wasm, wasi, fuel, timeout, max_memory, listen;
  bool canonical_nans = false, opt_relaxed_traps = false;
  std::vector<std::string> tier, opt_tiering;

  void Declare(CLI::App& run) {
    run.prefix_command();  // FILE ends the options: what follows is the guest's
    const std::string cap = "Capabilities (nothing is granted unless an option grants it)";
    const std::string exec = "Execution and limits (Wasmtime's names)";
    const std::string old = "Older spellings, still accepted";
    // A repeatable option taking one value per use, shown as `--dir HOST[::GUEST]` (not `...`).
    auto each = [](CLI::Option* o, const std::string& value) {
      return o->allow_extra_args(false)->type_name(value)->option_text(value);
    };
    each(run.add_option("--dir", args.dirs,
                        "grant directory HOST (read-write), seen by the guest as GUEST\n"
                        "(default: HOST as written)"),
         "HOST[::GUEST]")
        ->group(cap);
    each(run.add_option("--dir-ro", args.dirs_ro,
                        "grant directory HOST read-only: nothing beneath it can be\n"
                        "created, written, truncated, renamed, linked or removed"),
         "HOST[::GUEST]")
        ->group(cap);
    each(run.add_option("--env", args.env,
                        "set a guest environment variable; a bare NAME passes the\n"
                        "host's value of NAME (nothing else unless -S inherit-env)"),
         "NAME[=VALUE]")
        ->group(cap);
    each(run.add_option("-S,--wasi", wasi,
                        "WASI options: inherit-env, tcplisten=ADDR:PORT;\n"
                        "`-S help` lists them"),
         "KEY[=VAL[,..]]")
        ->group(cap);
    each(run.add_option("-W,--wasm", wasm,
                        "Wasm options: fuel=N, timeout=DURATION,\n"
                        "max-memory-size=BYTES, nan-canonicalization, ...;\n"
                        "`-W help` lists them"),
         "KEY[=VAL[,..]]")
        ->group(exec);
    run.add_option("--invoke", args.invoke,
                   "call export NAME with ARGS instead of running _start;\n"
                   "prints its results, one a line")
        ->type_name("NAME")->group(exec);
    run.add_option("--argv0", args.argv0, "the guest's argv[0] (default: FILE as written)")
        ->type_name("NAME")->group(exec);
    each(run.add_option("--fuel", fuel, "= -W fuel=N"), "N")->group(old);
    each(run.add_option("--timeout", timeout, "= -W timeout=DURATION"), "DURATION")->group(old);
    each(run.add_option("--max-memory", max_memory, "= -W max-memory-size=SIZE"), "SIZE")
        ->group(old);
    run.add_flag("--canonical-nans", canonical_nans, "= -W nan-canonicalization")->group(old);
    run.add_flag("--opt-relaxed-traps", opt_relaxed_traps, "= -W opt-relaxed-traps")->group(exec);
    each(run.add_option("--tier", tier, "= -W tier=NAME: interp (default) or opt"), "NAME")->group(exec);
    each(run.add_option("--opt-tiering", opt_tiering, "= -W opt-tiering=on|off|auto"), "WHEN")->group(exec);
    each(run.add_option("--listen", listen, "= -S tcplisten=ADDR:PORT"), "ADDR:PORT")->group(old);
    run.add_option("--manifest", args.manifest,
                   "run a capability tree (docs/security.md); the options grant the root")
        ->type_name("TREE.toml")->group(exec);
    run.add_option("--wasi-resolver", args.resolver)->group("");  // tests: force one resolver
    run.footer(
        "Arguments after FILE are the guest's, or with --invoke the export's, read as the text\n"
        "format reads literals: 42, 0x2a, -1.5, nan:0x200000, \"i32x4 1 2 3 4\", ref.null.\n"
        "Exit status: the guest's proc_exit code; 134 after a trap; 1 when loading fails;\n"
        "2 for a usage error.");
  }

  // Older spellings first, so that a -W/-S key given as well wins.
  void Collect() {
    for (const auto& v : fuel) args.wasm.emplace_back("--fuel", v);
    for (const auto& v : timeout) args.wasm.emplace_back("--timeout", v);
    for (const auto& v : max_memory) args.wasm.emplace_back("--max-memory", v);
    if (canonical_nans) args.wasm.emplace_back("--canonical-nans", "");
    if (opt_relaxed_traps) args.wasm.emplace_back("--opt-relaxed-traps", "");
    for (const auto& v : tier) args.wasm.emplace_back("--tier", v);
    for (const auto& v : opt_tiering) args.wasm.emplace_back("--opt-tiering", v);
    for (const auto& v : wasm) args.wasm.emplace_back("-W", v);
    for (const auto& v : listen) args.wasi.emplace_back("--listen", v);
    for (const auto& v : wasi) args.wasi.emplace_back("-S", v);
  }
};

int ResolveAndRun(const RunArgs& args) {
  auto opts = ResolveRunArgs(args);
  if (!opts) return UsageError("run", opts.error().message);
  return opts->manifest.empty() ? Run(*opts) : RunTree(*opts);
}

int Main(std::vector<std::string> argv) {
  if (argv.empty()) {
    std::fputs(Usage("").c_str(), stderr);
    return 2;
  }
  if (argv[0] == "help") {  // `nanowasm help [COMMAND]`
    argv = argv.size() > 1 && IsCommand(argv[1]) ? std::vector<std::string>{argv[1], "--help"}
                                                 : std::vector<std::string>{"--help"};
  }
  const bool top_flag = argv[0] == "-h" || argv[0] == "--help" || argv[0] == "-V" ||
                        argv[0] == "--version";
  if (!IsCommand(argv[0]) && !top_flag) argv.insert(argv.begin(), "run");
  const std::string command = top_flag ? "" : argv[0];
  // `nanowasm [run] FILE ARGS...` with no option before FILE: CLI11 would pass FILE ARGS through
  // untouched, and building its option tables was most of an AOT hello world's user-space
  // startup (docs/performance.md, "AOT artifacts"). tests/cli/cli_test.sh holds both paths equal.
  if (command == "run" && argv.size() > 1 && !argv[1].empty() && argv[1][0] != '-') {
    RunArgs plain;
    plain.rest.assign(argv.begin() + 1, argv.end());
    return ResolveAndRun(plain);
  }
  // run: everything after a `--` is FILE ARGS... (CLI11 2.1 mishandles `--` in a prefix command).
  std::vector<std::string> after_dashes;
  bool had_dashes = false;
  if (command == "run") {
    auto dashes = std::find(argv.begin() + 1, argv.end(), "--");
    if (dashes != argv.end()) {
      had_dashes = true;
      after_dashes.assign(dashes + 1, argv.end());
      argv.erase(dashes, argv.end());
    }
  }

  static std::ios_base::Init streams;  // see the top of the file
  CLI::App app("nanowasm " NW_VERSION ": a secure-by-default WebAssembly runtime", "nanowasm");
  auto formatter = std::make_shared<Formatter>();
  formatter->column_width(34);
  app.formatter(formatter);
  app.set_help_flag("-h,--help", "print this help and exit");
  app.set_version_flag("-V,--version", "nanowasm " NW_VERSION, "print the version and exit");
  app.require_subcommand(0, 1);
  app.footer("`nanowasm FILE [ARGS...]` is `nanowasm run FILE [ARGS...]`; "
             "`nanowasm COMMAND --help` describes a command.");

  CLI::App* run = app.add_subcommand(
      "run", "run a WASI program, or call one export (the default command)");
  RunCli run_cli;
  run_cli.Declare(*run);

  WastOptions wast_opts;
  CLI::App* wast = app.add_subcommand(
      "wast", "run spec scripts; prints failures and `N passed, N failed`");
  wast->add_option("FILE", wast_opts.files, "the .wast scripts")->required();
  wast->add_option("--skips", wast_opts.skips,
                   "assertions not to run, one `name.wast:LINE reason` a line")
      ->type_name("FILE")->option_text("FILE")->allow_extra_args(false);
  wast->add_flag("--strict-messages", wast_opts.strict_messages,
                 "compare malformed/invalid messages with the spec's texts too");
  wast->add_flag("-v,--verbose", wast_opts.verbose, "note every message that differs");
  wast->add_flag("--multi-memory", wast_opts.multi_memory, "enable multi-memory (Wasm 3.0)");
  wast->add_flag("--exceptions", wast_opts.exceptions, "enable exception handling (Wasm 3.0)");
  wast->add_flag("--tail-call", wast_opts.tail_call, "enable tail calls (Wasm 3.0)");
  wast->add_flag("--shared-memory", wast_opts.shared_memory,
                 "decode and validate shared memories (threads proposal; never instantiated)");
  wast->add_option("--tier", wast_opts.tier, "the execution tier: interp (default) or opt")
      ->type_name("NAME")->allow_extra_args(false);

  std::string path;
  CLI::App* validate = app.add_subcommand(
      "validate", "decode (.wasm) or parse (.wat) and validate;\none-line error with the offset");
  validate->add_option("FILE", path, "the module")->required();

  ParseOptions parse_opts;
  CLI::App* parse = app.add_subcommand("parse", "text (.wat) to binary (.wasm), validated");
  parse->add_option("FILE", parse_opts.in, "the .wat module")->required();
  parse->add_option("-o", parse_opts.out, "the .wasm to write")->type_name("FILE")->required();
  parse->add_flag("--no-validate", parse_opts.no_validate, "write it even if it does not validate");

  CLI::App* print = app.add_subcommand("print", "binary (.wasm) to text on stdout");
  print->add_option("FILE", path, "the module")->required();

  CLI::App* wit = app.add_subcommand("wit", "a component's world in WIT (wit.cc)");
  wit->add_option("FILE", path, "the component (.wasm)")->required();

  CapsOptions caps_opts;
  CLI::App* caps = app.add_subcommand(
      "caps", "what a module or component can ask for, from its imports;\n"
              "--diff: what NEW asks for beyond OLD");
  caps->add_option("FILE", caps_opts.files, "the module or component (OLD NEW with --diff)");
  caps->add_option("--manifest", caps_opts.manifest, "each node's keys in a capability tree")
      ->type_name("TREE.toml");
  caps->add_flag("--diff", caps_opts.diff,
                 "compare OLD with NEW: print what NEW adds and drops;\n"
                 "exit status 1 when NEW asks for more");
  caps->add_flag("--json", caps_opts.json, "print JSON (schema in docs/security.md)");

  std::string func_index;
  CLI::App* dump = app.add_subcommand(
      "interp-dump", "developers: the interpreter's translated code of each function");
  dump->add_option("FILE", path, "the module")->required();
  dump->add_option("FUNC_INDEX", func_index, "only this function (index space incl. imports)");

  CompileOptions compile_opts;  // aot.cc
  CLI::App* compile = app.add_subcommand(
      "compile", "ahead of time: FILE to an artifact (.nwc) that `run` maps, no compiling");
  compile->add_option("FILE", compile_opts.in, "the module (or, with --check, the artifact)")->required();
  compile->add_option("-o", compile_opts.out, "the artifact to write")->type_name("FILE");
  compile->add_option("--target", compile_opts.target, "native (default) or x86-64")
      ->check(CLI::IsMember({"native", "x86-64"}));
  compile->add_option("-O", compile_opts.opt_level, "optimization level 0-3 (default 2)")
      ->check(CLI::Range(0, 3));
  compile->add_flag("--canonical-nans", compile_opts.canonical_nans, "= run's -W nan-canonicalization");
  compile->add_flag("--opt-relaxed-traps", compile_opts.relaxed_traps, "= run's -W opt-relaxed-traps");
  compile->add_flag("--multi-memory", compile_opts.multi_memory,
                    "= run's -W multi-memory (needed there too to run the artifact)");
  compile->add_flag("--check", compile_opts.check, "verify and map an artifact, print its header");

  for (CLI::App* sub : {wast, validate, parse, print, wit, caps, dump, compile}) sub->allow_extras();
  for (CLI::App* sub : {run, compile, wast, validate, parse, print, wit, caps, dump}) sub->group("Commands");
  for (CLI::App* sub : {wast, validate, parse, print, wit, dump, compile}) sub->footer("");
  caps->footer("Exit status: 0; with --diff, 1 when NEW asks for a capability OLD does not;\n"
               "1 when a file cannot be read or is not valid; 2 for a usage error.");

  std::reverse(argv.begin(), argv.end());  // CLI11 takes the arguments last first
  try {
    app.parse(argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs((command.empty() ? app.help() : app.get_subcommand(command)->help()).c_str(),
               stdout);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::printf("%s\n", e.what());
    return 0;
  } catch (const CLI::ParseError& e) {
    return UsageError(command, e.what());
  }

  if (*run) {
    for (const auto& v : run_cli.wasm) {
      if (v == "help") return std::fputs(WasmOptionsHelp().c_str(), stdout) < 0;
    }
    for (const auto& v : run_cli.wasi) {
      if (v == "help") return std::fputs(WasiOptionsHelp().c_str(), stdout) < 0;
    }
    run_cli.Collect();
    run_cli.args.rest = run->remaining();
    if (had_dashes && !run_cli.args.rest.empty()) run_cli.args.rest.emplace_back("--");
    run_cli.args.rest.insert(run_cli.args.rest.end(), after_dashes.begin(), after_dashes.end());
    return ResolveAndRun(run_cli.args);
  }
  for (CLI::App* sub : {wast, validate, parse, print, wit, caps, dump, compile}) {
    if (*sub && !sub->remaining().empty()) return UsageError(command, Extra(sub->remaining()));
  }
  if (*compile) return Compile(compile_opts);
  if (*wast) return Wast(wast_opts);
  if (*validate) return Validate(path);
  if (*parse) return Parse(parse_opts);
  if (*print) return Print(path);
  if (*wit) return Wit(path);
  if (*caps && !caps_opts.manifest.empty()) {
    if (!caps_opts.files.empty() || caps_opts.diff)
      return UsageError(command, "--manifest takes no FILE and no --diff");
    return CapsManifest(caps_opts);
  }
  if (*caps) {
    size_t want = caps_opts.diff ? 2 : 1;
    if (caps_opts.files.size() < want)
      return UsageError(command, caps_opts.diff ? "--diff needs OLD and NEW" : "FILE is required");
    if (caps_opts.files.size() > want)
      return UsageError(command, "unexpected argument " + caps_opts.files[want]);
    return Caps(caps_opts);
  }
  if (*dump) {
    std::optional<uint32_t> index;
    if (!func_index.empty()) {
      auto n = nw::ParseUnsigned(func_index, 32);
      if (!n)
        return UsageError(command, "FUNC_INDEX " + func_index + ": expected a function index");
      index = static_cast<uint32_t>(*n);
    }
    return InterpDump(path, index);
  }
  std::fputs(Usage("").c_str(), stderr);
  return 2;
}

}  // namespace
}  // namespace nwcli

int main(int argc, char** argv) {
  return nwcli::Main(std::vector<std::string>(argv + 1, argv + argc));
}
