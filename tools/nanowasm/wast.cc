// `nanowasm wast [--tier interp|opt] FILE...`: runs spec-test scripts on an execution tier.
//
// Counting: every assertion (assert_*) is one check, passed or failed. A command that is not an
// assertion (module definition, register, bare action) counts only when it fails, as a failure,
// since every later assertion depends on it. Malformed/invalid assertions pass when the module is
// rejected at the right stage (decode/parse for malformed, validation for invalid); their
// message texts are compared only with --strict-messages (implementations word them freely).
// Trap and link messages must start with the expected text, as the spec interpreter requires.
//
// --skips FILE names assertions not to run ("name.wast:LINE reason"); each applied skip is
// reported with its reason and counted as skipped, never as passed.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "format/decode.h"
#include "nanowasm/runtime.h"
#include "text/wast.h"
#include "text/wat.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/tier_option.h"
#include "tools/nanowasm/util.h"
#include "validate/validate.h"

namespace nwcli {
namespace {

using nw::Val;
using nw::ValType;
using nw::WastCommand;
using nw::WastConst;
using CK = nw::WastCommand::Kind;

struct Counts {
  size_t passed = 0, failed = 0, skipped = 0;
};

struct Skip {
  std::string reason;
  bool used = false;
};

std::string BaseName(const std::string& path) {
  auto p = path.find_last_of('/');
  return p == std::string::npos ? path : path.substr(p + 1);
}

bool LoadSkips(const std::string& path, std::map<std::string, Skip>& skips) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "nanowasm wast: cannot read skips file %s\n", path.c_str());
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string key, reason;
    ss >> key;
    std::getline(ss, reason);
    while (!reason.empty() && reason[0] == ' ') reason.erase(0, 1);
    if (reason.empty()) {
      std::fprintf(stderr, "nanowasm wast: skip '%s' has no reason; every skip needs one\n",
                   key.c_str());
      return false;
    }
    skips[key] = Skip{reason};
  }
  return true;
}

// Runs one script.
class ScriptRunner {
 public:
  ScriptRunner(std::string path, std::string_view text, std::map<std::string, Skip>& skips,
               bool strict_messages, bool verbose, const nw::Config& config)
      : path_(std::move(path)), text_(text), skips_(skips), strict_(strict_messages),
        verbose_(verbose), engine_(config), store_(engine_) {
    nw::DefineSpectest(linker_, store_);
  }

  Counts Run(const nw::WastScript& script) {
    for (const auto& cmd : script.commands) RunCommand(cmd);
    return counts_;
  }

 private:
  void Fail(size_t line, const std::string& what) {
    ++counts_.failed;
    std::printf("%s:%zu: FAIL: %s\n", path_.c_str(), line, what.c_str());
  }
  void Pass() { ++counts_.passed; }

  // The module of an action or register: named, or the most recent one.
  nw::Instance* Target(const std::optional<std::string>& name, size_t line) {
    if (!name) {
      if (!current_) Fail(line, "no module instantiated yet");
      return current_;
    }
    auto it = named_.find(*name);
    if (it == named_.end()) {
      Fail(line, "unknown module " + *name);
      return nullptr;
    }
    return it->second;
  }

  enum class Stage { kOk, kMalformed, kInvalid };
  struct Compiled {
    Stage stage = Stage::kOk;
    std::string error;
    std::shared_ptr<const nw::Module> module;
  };

  // Decode/parse, then validate and translate.
  Compiled Compile(const nw::WastModule& wm) {
    Compiled out;
    nw::ModuleDesc desc;
    switch (wm.kind) {
      case nw::WastModule::Kind::kText: desc = wm.desc; break;
      case nw::WastModule::Kind::kBinary: {
        auto d = nw::DecodeModule(wm.binary, engine_.config().features);
        if (!d) {
          out.stage = Stage::kMalformed;
          out.error = d.error().ToString();
          return out;
        }
        desc = std::move(*d);
        break;
      }
      case nw::WastModule::Kind::kQuote: {
        auto d = nw::ParseWat(wm.quote);
        if (!d) {
          out.stage = Stage::kMalformed;
          out.error = d.error().message;
          return out;
        }
        desc = std::move(*d);
        break;
      }
    }
    auto m = nw::Module::FromDesc(engine_, std::move(desc));
    if (!m) {
      out.stage = Stage::kInvalid;
      out.error = m.error().ToString();
      return out;
    }
    out.module = std::move(*m);
    return out;
  }

  void DefineModule(const WastCommand& cmd) {
    Compiled c = Compile(cmd.module);
    if (c.stage != Stage::kOk) {
      Fail(cmd.line, "module failed to load: " + c.error);
      current_ = nullptr;
      return;
    }
    auto inst = linker_.Instantiate(store_, c.module);
    if (!inst) {
      Fail(cmd.line, "module failed to instantiate: " +
                         (inst.error().is_trap ? inst.error().trap.message : inst.error().message));
      current_ = nullptr;
      return;
    }
    current_ = *inst;
    if (cmd.module.name) named_[*cmd.module.name] = current_;
  }

  static Val ToVal(const WastConst& c) {
    switch (c.type) {
      case ValType::kFuncRef: return Val::FuncRef(nullptr);  // only ref.null func is writable
      case ValType::kExternRef:
        return c.kind == WastConst::Kind::kRefNull ? Val::ExternRef(0) : Val::ExternRef(c.bits + 1);
      case ValType::kV128: {
        Val v = Val::Make(ValType::kV128, 0);
        std::memcpy(v.v128.bytes, c.v128, 16);
        return v;
      }
      default: return Val::Make(c.type, c.bits);
    }
  }

  // Runs an action; returns results or a trap.
  std::optional<nw::TrapResult<std::vector<Val>>> DoAction(const nw::WastAction& a, size_t line) {
    nw::Instance* inst = Target(a.module, line);
    if (!inst) return std::nullopt;
    if (a.kind == nw::WastAction::Kind::kGet) {
      nw::Global* g = inst->GetGlobal(a.field);
      if (!g) {
        Fail(line, "no global export \"" + a.field + "\"");
        return std::nullopt;
      }
      return std::vector<Val>{g->Get()};
    }
    nw::Func* f = inst->GetFunc(a.field);
    if (!f) {
      Fail(line, "no function export \"" + a.field + "\"");
      return std::nullopt;
    }
    std::vector<Val> args;
    for (const auto& c : a.args) args.push_back(ToVal(c));
    return f->Call(store_, args);
  }

  static bool IsCanonicalNan(ValType t, uint64_t bits) {
    if (t == ValType::kF32) return (bits & 0x7fffffffu) == 0x7fc00000u;
    return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
  }
  static bool IsArithmeticNan(ValType t, uint64_t bits) {
    if (t == ValType::kF32) return (bits & 0x7fc00000u) == 0x7fc00000u;
    return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
  }

  static bool LaneMatches(WastConst::Kind kind, ValType lane_type, uint64_t expect, uint64_t got) {
    switch (kind) {
      case WastConst::Kind::kNanCanonical: return IsCanonicalNan(lane_type, got);
      case WastConst::Kind::kNanArithmetic: return IsArithmeticNan(lane_type, got);
      default: return expect == got;
    }
  }

  static bool Matches(const WastConst& e, const Val& v) {
    using K = WastConst::Kind;
    switch (e.kind) {
      case K::kValue:
        if (v.type != e.type) return false;
        if (e.type == ValType::kV128) return std::memcmp(v.v128.bytes, e.v128, 16) == 0;
        if (e.type == ValType::kI32 || e.type == ValType::kF32)
          return static_cast<uint32_t>(v.bits) == static_cast<uint32_t>(e.bits);
        return v.bits == e.bits;
      case K::kNanCanonical: return v.type == e.type && IsCanonicalNan(e.type, v.bits);
      case K::kNanArithmetic: return v.type == e.type && IsArithmeticNan(e.type, v.bits);
      case K::kRefNull: return v.type == e.type && v.IsNullRef();
      case K::kRefFunc: return v.type == ValType::kFuncRef && v.func != nullptr;
      case K::kRefExtern: return v.type == ValType::kExternRef && v.bits == e.bits + 1;
      case K::kV128Pattern: {
        if (v.type != ValType::kV128) return false;
        size_t lanes = e.lane_kinds.size();
        if (lanes == 0 || 16 % lanes) return false;
        size_t width = 16 / lanes;
        ValType lt = (e.lane_shape[0] == 'f' && width == 4) ? ValType::kF32 : ValType::kF64;
        for (size_t i = 0; i < lanes; ++i) {
          uint64_t got = 0;
          std::memcpy(&got, v.v128.bytes + i * width, width);
          if (!LaneMatches(e.lane_kinds[i], lt, e.lane_bits[i], got)) return false;
        }
        return true;
      }
    }
    return false;
  }

  static std::string Describe(const WastConst& e) {
    using K = WastConst::Kind;
    switch (e.kind) {
      case K::kNanCanonical: return std::string(nw::ValTypeName(e.type)) + ":nan:canonical";
      case K::kNanArithmetic: return std::string(nw::ValTypeName(e.type)) + ":nan:arithmetic";
      case K::kRefNull: return "ref.null " + std::string(nw::ValTypeName(e.type));
      case K::kRefFunc: return "ref.func";
      case K::kRefExtern: return "ref.extern " + std::to_string(e.bits);
      case K::kV128Pattern: return "v128 " + e.lane_shape + " pattern";
      case K::kValue: return std::string(nw::ValTypeName(e.type)) + ":" + FormatVal(ToVal(e));
    }
    return "?";
  }

  static std::string DescribeVals(const std::vector<Val>& vs) {
    std::string s = "(";
    for (size_t i = 0; i < vs.size(); ++i) {
      if (i) s += " ";
      s += std::string(nw::ValTypeName(vs[i].type)) + ":" + FormatVal(vs[i]);
    }
    return s + ")";
  }

  static bool MessageMatches(std::string_view actual, std::string_view expected) {
    return actual.substr(0, expected.size()) == expected;
  }

  void AssertReturn(const WastCommand& cmd) {
    auto r = DoAction(cmd.action, cmd.line);
    if (!r) return;
    if (!*r) return Fail(cmd.line, "unexpected trap: " + r->error().message);
    const auto& got = **r;
    bool ok = got.size() == cmd.expected.size();
    for (size_t i = 0; ok && i < got.size(); ++i) ok = Matches(cmd.expected[i], got[i]);
    if (ok) return Pass();
    std::string want = "(";
    for (size_t i = 0; i < cmd.expected.size(); ++i)
      want += (i ? " " : "") + Describe(cmd.expected[i]);
    Fail(cmd.line, "result mismatch: got " + DescribeVals(got) + ", expected " + want + ")");
  }

  void AssertTrapAction(const WastCommand& cmd, bool exhaustion) {
    auto r = DoAction(cmd.action, cmd.line);
    if (!r) return;
    if (*r) return Fail(cmd.line, "expected trap \"" + cmd.message + "\", got " + DescribeVals(**r));
    const auto& trap = r->error();
    if (exhaustion && trap.kind != nw::TrapKind::kStackExhausted)
      return Fail(cmd.line, "expected stack exhaustion, got trap \"" + trap.message + "\"");
    if (!MessageMatches(trap.message, cmd.message))
      return Fail(cmd.line, "expected trap \"" + cmd.message + "\", got \"" + trap.message + "\"");
    Pass();
  }

  // Exception handling: the action ends in an exception that leaves wasm (not a trap).
  void AssertException(const WastCommand& cmd) {
    auto r = DoAction(cmd.action, cmd.line);
    if (!r) return;
    if (*r) return Fail(cmd.line, "expected an exception, got " + DescribeVals(**r));
    if (r->error().kind != nw::TrapKind::kException)
      return Fail(cmd.line, "expected an exception, got trap \"" + r->error().message + "\"");
    Pass();
  }

  void AssertModuleFails(const WastCommand& cmd) {
    Compiled c = Compile(cmd.module);
    const bool want_malformed = cmd.kind == CK::kAssertMalformed;
    const bool want_invalid = cmd.kind == CK::kAssertInvalid;
    if (want_malformed || want_invalid) {
      Stage want = want_malformed ? Stage::kMalformed : Stage::kInvalid;
      if (c.stage == want) {
        if (strict_ && c.error.find(cmd.message) == std::string::npos)
          return Fail(cmd.line, "rejected as expected but with \"" + c.error + "\", expected \"" +
                                    cmd.message + "\"");
        if (verbose_ && c.error.find(cmd.message) == std::string::npos)
          std::printf("%s:%zu: note: message \"%s\", spec says \"%s\"\n", path_.c_str(), cmd.line,
                      c.error.c_str(), cmd.message.c_str());
        return Pass();
      }
      if (c.stage == Stage::kOk)
        return Fail(cmd.line, std::string("module accepted, expected ") +
                                  (want_malformed ? "malformed" : "invalid") + " (\"" + cmd.message +
                                  "\")");
      return Fail(cmd.line, std::string("expected ") + (want_malformed ? "malformed" : "invalid") +
                                " (\"" + cmd.message + "\"), but it was rejected as " +
                                (c.stage == Stage::kMalformed ? "malformed" : "invalid") + ": " +
                                c.error);
    }
    if (c.stage != Stage::kOk) return Fail(cmd.line, "module failed to load: " + c.error);
    auto inst = linker_.Instantiate(store_, c.module);
    if (inst) return Fail(cmd.line, "module instantiated, expected \"" + cmd.message + "\"");
    const auto& err = inst.error();
    const bool want_trap = cmd.kind != CK::kAssertUnlinkable;
    if (err.is_trap != want_trap)
      return Fail(cmd.line, std::string("expected ") + (want_trap ? "a trap" : "a link error") +
                                " \"" + cmd.message + "\", got " +
                                (err.is_trap ? "trap \"" + err.trap.message + "\""
                                             : "link error \"" + err.message + "\""));
    const std::string& msg = err.is_trap ? err.trap.message : err.message;
    if (!MessageMatches(msg, cmd.message))
      return Fail(cmd.line, "expected \"" + cmd.message + "\", got \"" + msg + "\"");
    Pass();
  }

  void RunCommand(const WastCommand& cmd) {
    // Assertions and module definitions may be skipped (a module in a proposal's syntax that
    // is not implemented); a skipped module leaves no current module behind.
    const bool skippable = cmd.kind != CK::kAction;
    if (skippable) {
      auto it = skips_.find(BaseName(path_) + ":" + std::to_string(cmd.line));
      if (it != skips_.end()) {
        it->second.used = true;
        ++counts_.skipped;
        std::printf("%s:%zu: SKIP: %s\n", path_.c_str(), cmd.line, it->second.reason.c_str());
        if (cmd.kind == CK::kModule) current_ = nullptr;
        return;
      }
    }
    switch (cmd.kind) {
      case CK::kModule: return DefineModule(cmd);
      case CK::kRegister: {
        nw::Instance* inst = Target(cmd.register_module, cmd.line);
        if (inst) linker_.DefineInstance(cmd.register_name, inst);
        return;
      }
      case CK::kAction: {
        auto r = DoAction(cmd.action, cmd.line);
        if (r && !*r) Fail(cmd.line, "unexpected trap: " + r->error().message);
        return;
      }
      case CK::kAssertReturn: return AssertReturn(cmd);
      case CK::kAssertTrap:
        if (cmd.has_module) return AssertModuleFails(cmd);
        return AssertTrapAction(cmd, false);
      case CK::kAssertExhaustion: return AssertTrapAction(cmd, true);
      case CK::kAssertException: return AssertException(cmd);
      case CK::kAssertMalformed:
      case CK::kAssertInvalid:
      case CK::kAssertUnlinkable:
      case CK::kAssertUninstantiable: return AssertModuleFails(cmd);
    }
  }

  std::string path_;
  std::string_view text_;
  std::map<std::string, Skip>& skips_;
  bool strict_;
  bool verbose_;
  nw::Engine engine_;
  nw::Store store_;
  nw::Linker linker_;
  nw::Instance* current_ = nullptr;
  std::map<std::string, nw::Instance*> named_;
  Counts counts_;
};

}  // namespace

int Wast(const WastOptions& opts) {
  std::map<std::string, Skip> skips;
  for (const std::string& f : opts.skips)
    if (!LoadSkips(f, skips)) return 2;
  nw::Config config;
  auto tier = ParseTier(opts.tier);
  if (!tier) {
    std::fprintf(stderr, "nanowasm wast: --tier %s: %s\n", opts.tier.c_str(),
                 tier.error().message.c_str());
    return 2;
  }
  config.tier = *tier;
  config.features.multi_memory = opts.multi_memory;
  config.features.exceptions = opts.exceptions;
  config.features.tail_call = opts.tail_call;
  config.features.shared_memory = opts.shared_memory;
  const std::vector<std::string>& files = opts.files;
  const bool strict = opts.strict_messages, verbose = opts.verbose;
  Counts total;
  for (const auto& path : files) {
    auto bytes = ReadFile(path);
    if (!bytes) {
      std::printf("%s: FAIL: %s\n", path.c_str(), bytes.error().message.c_str());
      ++total.failed;
      continue;
    }
    std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    auto script = nw::ParseWast(text);
    if (!script) {
      const auto& e = script.error();
      auto lc = nw::LineColAt(text, e.offset == nw::kNoOffset ? 0 : e.offset);
      std::printf("%s:%zu:%zu: FAIL: script does not parse: %s\n", path.c_str(), lc.line,
                  lc.column, e.message.c_str());
      ++total.failed;
      continue;
    }
    ScriptRunner runner(path, text, skips, strict, verbose, config);
    Counts c = runner.Run(*script);
    if (files.size() > 1)
      std::printf("%s: %zu passed, %zu failed\n", path.c_str(), c.passed, c.failed);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  if (total.skipped)
    std::printf("%zu passed, %zu failed, %zu skipped\n", total.passed, total.failed, total.skipped);
  else
    std::printf("%zu passed, %zu failed\n", total.passed, total.failed);
  return total.failed ? 1 : 0;
}

}  // namespace nwcli
