// The opt tier's module compiler: declares every function under the internal calling
// convention, has func_gen.cc fill their bodies, adds array-call trampolines for the functions
// the host can reach, runs LLVM's new-pass-manager O2/O3 pipeline and emits a relocatable,
// position-independent x86-64 ELF object into memory.
//
// Passes that matter for wasm-shaped IR (measured on the bench guests, see docs/performance.md):
// SROA/mem2reg turn the per-local allocas into SSA; GVN and LICM hoist the vmctx loads (memory
// base, bound, table pointers) out of loops, which the TBAA tags (vmctx, memory, globals,
// tables are four disjoint types) and !invariant.load on fields fixed for an instance's life
// make legal; InstCombine and IndVarSimplify fold zext(i32 address) + offset chains; the loop
// vectorizer and SLP use the host's vector features; SimplifyCFG turns br_table into jump
// tables; the inliner removes small wasm helper functions. Trap blocks are cold and shared.
// Not here: the function bodies (func_gen.cc), loading the object (loader.cc).
#include <chrono>
#include <cstdlib>
#include <mutex>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>

#include "opt/ir.h"
#include "opt/loader.h"
#include "validate/body_decoder_impl.h"

namespace nw::opt {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

llvm::FunctionType* BuiltinType(llvm::LLVMContext& ctx, std::string_view sig) {
  auto type = [&](char c) -> llvm::Type* {
    switch (c) {
      case 'v': return llvm::Type::getVoidTy(ctx);
      case 'p': return llvm::PointerType::get(ctx, 0);
      case 'l': return llvm::Type::getInt64Ty(ctx);
      default: return llvm::Type::getInt32Ty(ctx);
    }
  };
  std::vector<llvm::Type*> params;
  for (char c : sig.substr(1)) params.push_back(type(c));
  return llvm::FunctionType::get(type(sig[0]), params, false);
}

// LLVM options set once per process, by name through LLVM's own parser (type-checked).
//
// -indvars-widen-indvars=false: IndVarSimplify's widening rewrites a wasm loop's i32 induction
// variable as an i64 one plus `trunc`/`zext` (which InstCombine folds into `and iv,
// 0xFFFFFFFF` masks). Compilers from C to wasm often count an index up from a negative start
// to 0 (a 64-bit view of that crosses 2^32), so after widening neither the addresses
// (`zext(i32 iv + C)`) nor the exit test are affine and the loop vectorizer's overflow checks
// fold to "always overflows": the vector loop is deleted. Left as i32, scalar evolution proves
// the accesses affine from the trip count and the loop vectorizes. Process-global (LLVM has no
// per-pipeline knob for the default pipeline's IndVarSimplify); the opt tier is the only LLVM
// user in a nanowasm process.
//
// NANOWASM_OPT_LLVM_ARGS="-opt-a -opt-b=1" (space-separated) adds options for experiments.
void SetLlvmOptions() {
  std::vector<std::string> words{"nanowasm", "-indvars-widen-indvars=false"};
  if (const char* env = std::getenv("NANOWASM_OPT_LLVM_ARGS")) {
    std::string w;
    for (const char* c = env;; ++c) {
      if (*c == ' ' || *c == '\0') {
        if (!w.empty()) words.push_back(std::move(w));
        w.clear();
        if (*c == '\0') break;
      } else {
        w += *c;
      }
    }
  }
  std::vector<const char*> argv;
  for (const std::string& s : words) argv.push_back(s.c_str());
  llvm::cl::ParseCommandLineOptions(static_cast<int>(argv.size()), argv.data(), "", &llvm::errs());
}

struct Target {
  std::unique_ptr<llvm::TargetMachine> tm;
  std::string cpu, features;
};

Result<Target> MakeTarget(const Options& o) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    SetLlvmOptions();
  });
  std::string triple = llvm::sys::getProcessTriple();
  std::string err;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, err);
  if (!target) return MakeError("opt tier: no LLVM target for " + triple + ": " + err);
  if (llvm::Triple(triple).getArch() != llvm::Triple::x86_64)
    return MakeError("opt tier: only x86-64 is supported, not " + triple);
  Target t;
  if (o.host_cpu) {
    t.cpu = llvm::sys::getHostCPUName().str();
    for (const auto& f : llvm::sys::getHostCPUFeatures())
      t.features += (t.features.empty() ? "" : ",") + std::string(f.getValue() ? "+" : "-") +
                    f.getKey().str();
  } else {
    t.cpu = "x86-64";
  }
  llvm::TargetOptions topts;
  auto level = o.opt_level == 0 ? llvm::CodeGenOptLevel::None
               : o.opt_level == 1 ? llvm::CodeGenOptLevel::Less
               : o.opt_level == 2 ? llvm::CodeGenOptLevel::Default
                                  : llvm::CodeGenOptLevel::Aggressive;
  t.tm.reset(target->createTargetMachine(triple, t.cpu, t.features, topts, llvm::Reloc::PIC_,
                                         llvm::CodeModel::Small, level));
  if (!t.tm) return MakeError("opt tier: cannot create a target machine for " + t.cpu);
  return t;
}

// Functions the host or another instance can reach: exported, the start function, or named
// outside bodies (element segments, global initializers) and so possibly in a table.
std::vector<bool> Escaping(const ModuleDesc& m, const ModuleContext& mctx) {
  std::vector<bool> out = mctx.declared_funcs;
  out.resize(m.NumFuncs());
  if (m.start && *m.start < out.size()) out[*m.start] = true;
  return out;
}

// The CPU and features are the target machine's (functions without target attributes use its
// default subtarget); per-function attribute strings cost a parse per function and pass.
// "disable-tail-calls" also turns off tail-recursion elimination, which would make unbounded
// recursion (self or, after inlining, mutual), which must trap with "call stack exhausted",
// into a loop that never ends.
void SetCommonAttrs(llvm::Function* fn, const Target&) {
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  fn->addFnAttr("disable-tail-calls", "true");
  // No memset/memcpy calls from loop idioms: the object must reference no symbol (the loader
  // refuses undefined ones). Routing them through the builtins table is the better fix.
  fn->addFnAttr("no-builtins");
  // Frame pointers: the runtime walks compiled frames (rbp chain) to build trap backtraces.
  fn->addFnAttr("frame-pointer", "all");
}

// void nw_aN(ptr vmctx, ptr args_results): the array-call entry the runtime calls.
void EmitTrampoline(ModuleIr& m, uint32_t func_index, const Target& t) {
  llvm::LLVMContext& ctx = m.ctx;
  llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
  llvm::Type* i64 = llvm::Type::getInt64Ty(ctx);
  auto* ft = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr, ptr}, false);
  auto* fn = llvm::Function::Create(ft, llvm::GlobalValue::ExternalLinkage,
                                    kArraySymbolPrefix + std::to_string(func_index), m.mod);
  fn->setVisibility(llvm::GlobalValue::HiddenVisibility);
  fn->setDSOLocal(true);
  SetCommonAttrs(fn, t);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  const FuncType& sig = m.desc.FuncSig(func_index);
  llvm::Value* words = fn->getArg(1);
  std::vector<llvm::Value*> args{fn->getArg(0)};
  for (size_t i = 0; i < sig.params.size(); ++i)
    args.push_back(b.CreateLoad(IrType(ctx, sig.params[i]), b.CreateConstInBoundsGEP1_64(i64, words, i)));
  llvm::CallInst* call = b.CreateCall(m.funcs[func_index], args);
  call->setCallingConv(llvm::CallingConv::Fast);
  // The entered function keeps its own frame (backtraces name it; trampolines are skipped).
  call->setIsNoInline();
  for (size_t i = 0; i < sig.results.size(); ++i) {
    llvm::Value* v = sig.results.size() == 1 ? static_cast<llvm::Value*>(call)
                                             : b.CreateExtractValue(call, {static_cast<unsigned>(i)});
    if (v->getType()->isFloatTy()) v = b.CreateBitCast(v, b.getInt32Ty());
    if (v->getType()->isIntegerTy(32)) v = b.CreateZExt(v, i64);
    b.CreateStore(v, b.CreateConstInBoundsGEP1_64(i64, words, i));
  }
  b.CreateRetVoid();
}

void Optimize(llvm::Module& mod, llvm::TargetMachine& tm, int level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = level >= 2;
  pto.SLPVectorization = level >= 2;
  llvm::PassBuilder pb(&tm, pto);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm =
      level == 0 ? pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
                 : pb.buildPerModuleDefaultPipeline(level == 1   ? llvm::OptimizationLevel::O1
                                                    : level == 2 ? llvm::OptimizationLevel::O2
                                                                 : llvm::OptimizationLevel::O3);
  mpm.run(mod, mam);
}

void DumpIr(const llvm::Module& mod, const std::string& path) {
  std::error_code ec;
  llvm::raw_fd_ostream f(path, ec);
  if (!ec) mod.print(f, nullptr);
}

}  // namespace

bool CompilerAvailable() { return true; }

Result<CompiledObject> CompileModule(const ModuleDesc& desc, const Options& options) {
  if (options.consume_fuel)
    return MakeError("opt tier: unsupported configuration (fuel is not compiled yet; use the "
                     "interpreter tier)");
  if (desc.NumMemories() > 1) return MakeError("opt tier: unsupported: more than one memory");
  NW_TRY_ASSIGN(Target t, MakeTarget(options));
  CompiledObject out;
  Clock::time_point start = Clock::now();

  llvm::LLVMContext ctx;
  llvm::Module mod("nanowasm", ctx);
  mod.setTargetTriple(t.tm->getTargetTriple().str());
  mod.setDataLayout(t.tm->createDataLayout());
  ModuleContext mctx = ModuleContext::Build(desc);
  ModuleIr m{ctx,     mod, desc,    mctx,    options, VMOffsets(desc),
             {},      {},  {},      nullptr, nullptr, nullptr, nullptr};
  llvm::MDBuilder md(ctx);
  llvm::MDNode* root = md.createTBAARoot("nanowasm");
  auto tag = [&](const char* name) {
    llvm::MDNode* type = md.createTBAAScalarTypeNode(name, root);
    return md.createTBAAStructTagNode(type, type, 0);
  };
  m.tbaa_vmctx = tag("vmctx");
  m.tbaa_mem = tag("linear memory");
  m.tbaa_global = tag("global");
  m.tbaa_table = tag("table");
  {
    size_t i = 0;
#define NW_BUILTIN(Name, Ret, Params, sig) m.builtin_types[i++] = BuiltinType(ctx, sig);
#include "runtime/builtins.def"
#undef NW_BUILTIN
  }
  for (const FuncType& type : desc.types) m.type_sigs.push_back(InternalSig(ctx, type));

  std::vector<bool> escaping = Escaping(desc, mctx);
  m.funcs.assign(desc.NumFuncs(), nullptr);
  for (uint32_t i = 0; i < desc.functions.size(); ++i) {
    uint32_t index = desc.num_imported_funcs + i;
    auto* fn = llvm::Function::Create(m.type_sigs[desc.functions[i].type_index],
                                      escaping[index] ? llvm::GlobalValue::ExternalLinkage
                                                      : llvm::GlobalValue::InternalLinkage,
                                      kFuncSymbolPrefix + std::to_string(index), mod);
    fn->setCallingConv(llvm::CallingConv::Fast);
    if (escaping[index]) {
      fn->setVisibility(llvm::GlobalValue::HiddenVisibility);
      fn->setDSOLocal(true);
    }
    SetCommonAttrs(fn, t);
    m.funcs[index] = fn;
    out.stats.code_section_bytes += desc.functions[i].body.size();
  }
  DecodeScratch scratch;
  for (uint32_t i = 0; i < desc.functions.size(); ++i) NW_TRY(GenerateFunction(m, i, scratch));
  out.has_array.assign(desc.functions.size(), false);
  for (uint32_t i = 0; i < desc.functions.size(); ++i) {
    uint32_t index = desc.num_imported_funcs + i;
    if (!escaping[index]) continue;
    EmitTrampoline(m, index, t);
    out.has_array[i] = true;
  }
  std::string verify;
  llvm::raw_string_ostream vs(verify);
  if (llvm::verifyModule(mod, &vs))
    return MakeError("opt tier: internal error, invalid IR: " + verify.substr(0, 500));
  out.stats.ir_seconds = Since(start);
  // Developer aid: NANOWASM_OPT_DUMP=PREFIX writes PREFIX.pre.ll (as generated), PREFIX.ll
  // (optimized) and PREFIX.o (the object, for llvm-objdump-19 -d).
  const char* dump = std::getenv("NANOWASM_OPT_DUMP");
  if (dump) DumpIr(mod, std::string(dump) + ".pre.ll");

  start = Clock::now();
  Optimize(mod, *t.tm, options.opt_level);
  out.stats.opt_seconds = Since(start);
  if (dump) DumpIr(mod, std::string(dump) + ".ll");

  start = Clock::now();
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (t.tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return MakeError("opt tier: the target cannot emit object files");
  pm.run(mod);
  out.stats.codegen_seconds = Since(start);
  out.elf.assign(buffer.begin(), buffer.end());
  if (dump) {
    std::error_code ec;
    llvm::raw_fd_ostream f(std::string(dump) + ".o", ec);
    if (!ec) f.write(buffer.data(), buffer.size());
  }
  out.stats.object_bytes = out.elf.size();
  out.cpu = t.cpu;
  out.features = t.features;
  return out;
}

}  // namespace nw::opt
