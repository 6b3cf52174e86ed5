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
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <llvm/IRPrinter/IRPrintingPasses.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/PassTimingInfo.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/Scalar/LICM.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>

#include "base/reader.h"
#include "format/instr_reader.h"
#include "opt/code_map_builder.h"
#include "opt/ir.h"
#include "opt/loader.h"
#include "opt/loop_version.h"
#include "opt/object_merge.h"
#include "validate/validate.h"
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
  // Functions marked optnone (too large to optimize in bounded time, func_gen.cc) get fast
  // instruction selection, which is linear.
  t.tm->setO0WantsFastISel(true);
  // The light first tier: fast instruction selection under the O1 code generator.
  if (o.first_tier && o.opt_level == 1) t.tm->setFastISel(true);
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
  for (size_t i = 0, slot = 0; i < sig.params.size(); slot += SlotWidth(sig.params[i]), ++i)
    args.push_back(b.CreateAlignedLoad(IrType(ctx, sig.params[i]),
                                       b.CreateConstInBoundsGEP1_64(i64, words, slot), llvm::Align(8)));
  llvm::CallInst* call = b.CreateCall(m.funcs[func_index], args);
  call->setCallingConv(llvm::CallingConv::Fast);
  // The entered function keeps its own frame (backtraces name it; trampolines are skipped).
  call->setIsNoInline();
  for (size_t i = 0, slot = 0; i < sig.results.size(); slot += SlotWidth(sig.results[i]), ++i) {
    llvm::Value* v = sig.results.size() == 1 ? static_cast<llvm::Value*>(call)
                                             : b.CreateExtractValue(call, {static_cast<unsigned>(i)});
    if (v->getType()->isFloatTy()) v = b.CreateBitCast(v, b.getInt32Ty());
    if (v->getType()->isIntegerTy(32)) v = b.CreateZExt(v, i64);
    b.CreateAlignedStore(v, b.CreateConstInBoundsGEP1_64(i64, words, slot), llvm::Align(8));
  }
  b.CreateRetVoid();
}

// NANOWASM_OPT_PASSES=TEXT (new-pass-manager pipeline text, as opt-19 -passes=) replaces the
// O1-O3 pipeline, for measuring candidate pass lists in-process on compile time and run time
// (docs/performance.md, "Compile throughput"). Experiments only: the artifact header does not
// record it. A text LLVM cannot parse is reported and the O-level pipeline is used.
bool ParsePipeline(llvm::PassBuilder& pb, llvm::ModulePassManager& mpm, const char* text) {
  if (llvm::Error e = pb.parsePassPipeline(mpm, text)) {
    llvm::errs() << "nanowasm: bad NANOWASM_OPT_PASSES: " << llvm::toString(std::move(e)) << "\n";
    mpm = llvm::ModulePassManager();
    return false;
  }
  return true;
}

// `tbaa_mem`: linear memory's TBAA tag, for exact loop versioning (Options::loop_versioning) (loop_version.h), which runs
// just before the loop vectorizer (loops rotated, induction variables simplified), followed by
// LICM so that the fast copies' now ordinary accesses to invariant addresses are promoted.
// `light`: the light first tier (Baseline::kLight).
void Optimize(llvm::Module& mod, llvm::TargetMachine& tm, int level, bool loop_versioning,
              const llvm::MDNode* tbaa_mem, bool light = false) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = level >= 2;
  pto.SLPVectorization = level >= 2;
  // Developer aid: NANOWASM_OPT_LLVM_ARGS=-time-passes prints each chunk's optimization-pass
  // times (new pass manager), then the code generator's (legacy pass manager) per chunk;
  // meaningful with one compile thread (opt_bench compile FILE 2 1).
  std::optional<llvm::TimePassesHandler> timing;
  llvm::PassInstrumentationCallbacks pic;
  if (llvm::TimePassesIsEnabled) {
    timing.emplace(true);
    timing->registerCallbacks(pic);
  }
  llvm::PassBuilder pb(&tm, pto, std::nullopt, timing ? &pic : nullptr);
  if (level >= 2 && loop_versioning && LoopVersioningEnabled()) {
    pb.registerVectorizerStartEPCallback(
        [tbaa_mem](llvm::FunctionPassManager& fpm, llvm::OptimizationLevel) {
          fpm.addPass(LoopVersionPass(tbaa_mem));
          fpm.addPass(llvm::createFunctionToLoopPassAdaptor(
              llvm::LICMPass(llvm::LICMOptions()), /*UseMemorySSA=*/true));
          // Developer aid: NANOWASM_OPT_LOOP_VERSION=print writes each function as the loop
          // vectorizer gets it (after versioning) to stderr, for opt-19 -passes=loop-vectorize.
          if (LoopVersionPrintEnabled())
            fpm.addPass(llvm::PrintFunctionPass(llvm::errs(), "; after nanowasm loop versioning"));
        });
  }
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm;
  const char* text = level == 0 ? nullptr : std::getenv("NANOWASM_OPT_PASSES");
  if (light) {
    // The light first tier (Baseline::kLight): locals into SSA, local redundancy, CFG cleanup.
    if (!ParsePipeline(pb, mpm, "function(sroa<modify-cfg>,early-cse,simplifycfg)"))
      mpm = pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0);
  } else if (level == 0) {
    mpm = pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0);
  } else if (text && ParsePipeline(pb, mpm, text)) {
    // the experiment's pipeline
  } else {
    mpm = pb.buildPerModuleDefaultPipeline(level == 1   ? llvm::OptimizationLevel::O1
                                           : level == 2 ? llvm::OptimizationLevel::O2
                                                        : llvm::OptimizationLevel::O3);
  }
  mpm.run(mod, mam);
}

void DumpIr(const llvm::Module& mod, const std::string& path) {
  std::error_code ec;
  llvm::raw_fd_ostream f(path, ec);
  if (!ec) mod.print(f, nullptr);
}

}  // namespace

bool CompilerAvailable() { return true; }

Baseline BaselineKind() {
  static const Baseline kind = [] {
    const char* env = std::getenv("NANOWASM_OPT_BASELINE");
    return env && std::string_view(env) == "light" ? Baseline::kLight : Baseline::kO0;
  }();
  return kind;
}

namespace {

// What one chunk compiles: defined functions [first, end); `minimal`: one function too large
// to optimize in bounded time, compiled at O0.
struct Chunk {
  uint32_t first = 0, end = 0;
  bool minimal = false;
};

// What a walk over a body finds before any IR exists: its deepest block nesting and the
// functions it calls directly. A body the reader cannot walk is left to the validator.
struct BodyScan {
  size_t max_depth = 0;
  std::vector<uint32_t> callees;
};
BodyScan ScanBody(const Function& f, RawImm& imm, Features features) {
  BodyScan out;
  Reader r(f.body);
  size_t depth = 0;
  while (!r.at_end()) {
    auto op = ReadOpcode(r);
    if (!op || !ReadImmediates(r, *op, imm, features)) break;
    switch (*op) {
      case Opcode::kBlock: case Opcode::kLoop: case Opcode::kIf:
        out.max_depth = std::max(out.max_depth, ++depth);
        break;
      case Opcode::kEnd: if (depth) --depth; break;
      case Opcode::kCall: out.callees.push_back(imm.index); break;
      default: break;
    }
  }
  return out;
}

struct ChunkOutput {
  std::vector<uint8_t> elf;
  ChunkMaps maps;
  CompileStats stats;
};

// Per function index: true if some other chunk calls it directly (it then needs external,
// hidden linkage). A body the reader cannot walk is left to the validator's message.
std::vector<bool> CrossChunkCallees(const ModuleDesc& desc, std::span<const Chunk> chunks,
                                    std::span<const BodyScan> scans) {
  std::vector<bool> out(desc.NumFuncs(), false);
  if (chunks.size() < 2) return out;
  std::vector<uint32_t> chunk_of(desc.functions.size());
  for (uint32_t c = 0; c < chunks.size(); ++c)
    for (uint32_t i = chunks[c].first; i < chunks[c].end; ++i) chunk_of[i] = c;
  for (uint32_t i = 0; i < desc.functions.size(); ++i) {
    for (uint32_t callee : scans[i].callees) {
      if (callee < desc.num_imported_funcs || callee >= desc.NumFuncs()) continue;
      if (chunk_of[callee - desc.num_imported_funcs] != chunk_of[i]) out[callee] = true;
    }
  }
  return out;
}

bool TooLargeToOptimize(const Function& f, const BodyScan& scan) {
  return f.body.size() > kOptMaxFunctionBytes || scan.max_depth > kOptMaxDepth;
}

// Contiguous chunks of about kChunkBytes of code; a function at least that big is a chunk of
// its own. Depends on the module only (never on the thread count), so the object is the same
// for any number of threads.
// A function too large to optimize is a minimal chunk of its own.
std::vector<Chunk> Partition(const ModuleDesc& desc, size_t chunk_bytes, std::span<const BodyScan> scans) {
  std::vector<Chunk> chunks;
  size_t bytes = 0;
  for (uint32_t i = 0; i < desc.functions.size(); ++i) {
    size_t size = desc.functions[i].body.size();
    if (TooLargeToOptimize(desc.functions[i], scans[i])) {
      chunks.push_back(Chunk{i, i + 1, true});
      bytes = chunk_bytes;  // the next function starts a new chunk
      continue;
    }
    if (chunks.empty() || bytes >= chunk_bytes || (size >= chunk_bytes && bytes > 0)) {
      chunks.push_back(Chunk{i, i});
      bytes = 0;
    }
    chunks.back().end = i + 1;
    bytes += size;
  }
  return chunks;
}

// ---- tiering (Options::first_tier) ----------------------------------------------------------

// The patchable entry pointer nw_eN of function index `index`: defined here (initially the
// function itself) when this chunk compiles it, else declared. External and hidden: other
// chunks' calls load it, and the runtime finds it by name to swap in the second tier.
llvm::GlobalVariable* EntryPointer(ModuleIr& m, uint32_t index, bool define) {
  const std::string name = kEntrySymbolPrefix + std::to_string(index);
  llvm::Type* ptr = llvm::PointerType::get(m.ctx, 0);
  auto* g = m.mod.getNamedGlobal(name);
  if (!g)
    g = new llvm::GlobalVariable(m.mod, ptr, false, llvm::GlobalValue::ExternalLinkage, nullptr, name);
  g->setVisibility(llvm::GlobalValue::HiddenVisibility);
  g->setDSOLocal(true);
  g->setAlignment(llvm::Align(8));
  if (define && !g->hasInitializer()) g->setInitializer(m.funcs[index]);
  return g;
}

// The value of nw_eN: an aligned 8-byte atomic load (the swap stores it with release order
// from another thread; x86 needs no fence for either side).
llvm::Value* LoadEntry(ModuleIr& m, llvm::IRBuilder<>& b, uint32_t index) {
  llvm::LoadInst* l = b.CreateAlignedLoad(b.getPtrTy(), EntryPointer(m, index, false), llvm::Align(8));
  l->setAtomic(llvm::AtomicOrdering::Monotonic);
  return l;
}

// First tier: every direct call to a defined function of the module goes through its entry
// pointer instead (one load), so that once the second tier is swapped in, a first-tier frame
// that stays on the stack (a main loop) calls second-tier code.
void RouteCallsThroughEntries(ModuleIr& m, const Chunk& chunk) {
  std::unordered_map<const llvm::Function*, uint32_t> index_of;
  for (uint32_t i = m.desc.num_imported_funcs; i < m.funcs.size(); ++i)
    if (m.funcs[i]) index_of.emplace(m.funcs[i], i);
  llvm::IRBuilder<> b(m.ctx);
  for (uint32_t i = chunk.first; i < chunk.end; ++i) {
    llvm::Function* fn = m.funcs[m.desc.num_imported_funcs + i];
    for (llvm::BasicBlock& bb : *fn) {
      for (llvm::Instruction& inst : bb) {
        auto* call = llvm::dyn_cast<llvm::CallInst>(&inst);
        if (!call) continue;
        auto it = index_of.find(call->getCalledFunction());
        if (it == index_of.end()) continue;
        b.SetInsertPoint(call);
        call->setCalledOperand(LoadEntry(m, b, it->second));
      }
    }
  }
  for (uint32_t i = chunk.first; i < chunk.end; ++i) EntryPointer(m, m.desc.num_imported_funcs + i, true);
}

// fastcc nw_sN(args...) { [musttail] call *nw_eN(args...) }: the code function objects hold for
// a first-tier function the host or a table can reach, so that calls through function
// references (call_indirect, imports of other instances) reach the second tier too. A tail
// jump where x86 can guarantee one.
void EmitEntryStub(ModuleIr& m, uint32_t index) {
  llvm::FunctionType* ft = m.type_sigs[m.desc.FuncTypeIndex(index)];
  auto* fn = llvm::Function::Create(ft, llvm::GlobalValue::ExternalLinkage,
                                    kStubSymbolPrefix + std::to_string(index), m.mod);
  fn->setCallingConv(llvm::CallingConv::Fast);
  fn->setVisibility(llvm::GlobalValue::HiddenVisibility);
  fn->setDSOLocal(true);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  fn->addFnAttr("frame-pointer", "all");
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(m.ctx, "entry", fn));
  std::vector<llvm::Value*> args;
  for (llvm::Argument& a : fn->args()) args.push_back(&a);
  llvm::CallInst* call = b.CreateCall(ft, LoadEntry(m, b, index), args);
  call->setCallingConv(llvm::CallingConv::Fast);
  // x86 cannot guarantee the tail jump when arguments go on the stack or several results are
  // returned through memory: those stubs call (their frame has no nw_fN symbol, so backtraces
  // skip it, as they skip trampolines).
  const FuncType& sig = m.desc.FuncSig(index);
  if (sig.params.size() <= 4 && sig.results.size() <= 1)
    call->setTailCallKind(llvm::CallInst::TCK_MustTail);
  else
    fn->addFnAttr("disable-tail-calls", "true");
  if (ft->getReturnType()->isVoidTy())
    b.CreateRetVoid();
  else
    b.CreateRet(call);
}

Result<ChunkOutput> CompileChunk(const ModuleDesc& desc, const ModuleContext& mctx,
                                 const Options& module_options, const Chunk& chunk,
                                 const std::vector<bool>& external, const std::string& dump) {
  Options options = module_options;
  if (options.first_tier) options.opt_level = BaselineKind() == Baseline::kLight ? 1 : 0;
  if (chunk.minimal) options.opt_level = 0;
  NW_TRY_ASSIGN(Target t, MakeTarget(options));
  ChunkOutput out;
  Clock::time_point start = Clock::now();
  llvm::LLVMContext ctx;
  llvm::Module mod("nanowasm", ctx);
  mod.setTargetTriple(t.tm->getTargetTriple().str());
  mod.setDataLayout(t.tm->createDataLayout());
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

  // This chunk's functions; others are declared when first called (FuncDecl).
  m.funcs.assign(desc.NumFuncs(), nullptr);
  for (uint32_t i = chunk.first; i < chunk.end; ++i) {
    uint32_t index = desc.num_imported_funcs + i;
    auto* fn = llvm::Function::Create(m.type_sigs[desc.functions[i].type_index],
                                      external[index] ? llvm::GlobalValue::ExternalLinkage
                                                      : llvm::GlobalValue::InternalLinkage,
                                      kFuncSymbolPrefix + std::to_string(index), mod);
    fn->setCallingConv(llvm::CallingConv::Fast);
    if (external[index]) {
      fn->setVisibility(llvm::GlobalValue::HiddenVisibility);
      fn->setDSOLocal(true);
    }
    SetCommonAttrs(fn, t);
    m.funcs[index] = fn;
    out.stats.code_section_bytes += desc.functions[i].body.size();
  }
  AttachSubprograms(mod, m.funcs, desc.num_imported_funcs + chunk.first,
                    desc.num_imported_funcs + chunk.end);
  DecodeScratch scratch;
  for (uint32_t i = chunk.first; i < chunk.end; ++i) NW_TRY(GenerateFunction(m, i, scratch));
  if (options.first_tier) RouteCallsThroughEntries(m, chunk);
  std::vector<bool> escaping = Escaping(desc, mctx);
  for (uint32_t i = chunk.first; i < chunk.end; ++i) {
    if (!escaping[desc.num_imported_funcs + i]) continue;
    EmitTrampoline(m, desc.num_imported_funcs + i, t);
    if (options.first_tier) EmitEntryStub(m, desc.num_imported_funcs + i);
  }
  std::string verify;
  llvm::raw_string_ostream vs(verify);
  if (llvm::verifyModule(mod, &vs))
    return MakeError("opt tier: internal error, invalid IR: " + verify.substr(0, 500));
  out.stats.ir_seconds = Since(start);
  if (!dump.empty()) DumpIr(mod, dump + ".pre.ll");

  start = Clock::now();
  Optimize(mod, *t.tm, options.opt_level, options.loop_versioning, m.tbaa_mem,
           options.first_tier && options.opt_level == 1);
  out.stats.opt_seconds = Since(start);
  const Positions positions = NumberPositions(mod);
  if (!dump.empty()) DumpIr(mod, dump + ".ll");

  start = Clock::now();
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (t.tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return MakeError("opt tier: the target cannot emit object files");
  pm.run(mod);
  if (llvm::TimePassesIsEnabled) llvm::reportAndResetTimings();  // the code generator's passes
  NW_TRY_ASSIGN(out.maps, ReadMaps(buffer, positions, kFuncSymbolPrefix));
  out.stats.codegen_seconds = Since(start);
  out.elf.assign(buffer.begin(), buffer.end());
  return out;
}

}  // namespace

llvm::Function* FuncDecl(ModuleIr& m, uint32_t func_index) {
  llvm::Function*& fn = m.funcs[func_index];
  if (!fn) {
    const FuncType& type = m.desc.FuncSig(func_index);
    (void)type;
    fn = llvm::Function::Create(m.type_sigs[m.desc.FuncTypeIndex(func_index)],
                                llvm::GlobalValue::ExternalLinkage,
                                kFuncSymbolPrefix + std::to_string(func_index), m.mod);
    fn->setCallingConv(llvm::CallingConv::Fast);
    fn->setVisibility(llvm::GlobalValue::HiddenVisibility);
    fn->setDSOLocal(true);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
  }
  return fn;
}

Result<CompiledObject> CompileModule(const ModuleDesc& desc, const Options& options) {
  if (UsesExceptionHandling(desc))
    return MakeError("opt tier: unsupported: exception handling or tail calls (the interpreter runs them)");
  // Module::FromDesc refuses these first; a direct caller (nanowasm compile) gets the same.
  NW_TRY(RefuseSharedMemory(desc));
  NW_TRY_ASSIGN(Target t, MakeTarget(options));
  CompiledObject out;
  Clock::time_point start = Clock::now();
  ModuleContext mctx = ModuleContext::Build(desc);
  std::vector<BodyScan> scans;
  {
    RawImm imm;
    for (const Function& f : desc.functions) scans.push_back(ScanBody(f, imm, desc.features));
  }
  std::vector<Chunk> chunks =
      Partition(desc, options.chunk_bytes ? options.chunk_bytes : kChunkBytes, scans);
  std::vector<bool> external = Escaping(desc, mctx);
  if (options.keep_func_symbols) external.assign(external.size(), true);
  {
    std::vector<bool> cross = CrossChunkCallees(desc, chunks, scans);
    for (size_t i = 0; i < external.size(); ++i) external[i] = external[i] || cross[i];
  }
  // Developer aid: NANOWASM_OPT_DUMP=PREFIX writes PREFIX[.cN].pre.ll (as generated),
  // PREFIX[.cN].ll (optimized) per chunk and PREFIX.o (the merged object, for
  // llvm-objdump-19 -d); a "%n" in PREFIX becomes the number of this compilation in the
  // process (0, 1, ...), so a process compiling several modules keeps each one's files.
  std::string dump_prefix;
  if (const char* env = std::getenv("NANOWASM_OPT_DUMP")) {
    static std::atomic<unsigned> compilations{0};
    dump_prefix = env;
    if (size_t at = dump_prefix.find("%n"); at != std::string::npos)
      dump_prefix.replace(at, 2, std::to_string(compilations.fetch_add(1)));
  }
  const char* dump = dump_prefix.empty() ? nullptr : dump_prefix.c_str();
  auto dump_name = [&](size_t c) {
    if (!dump) return std::string();
    return chunks.size() == 1 ? std::string(dump) : std::string(dump) + ".c" + std::to_string(c);
  };

  // Chunks on a pool of threads, results by chunk index: the object does not depend on the
  // order in which threads finish.
  std::vector<std::optional<Result<ChunkOutput>>> results(chunks.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t c; (c = next.fetch_add(1)) < chunks.size();) {
      if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
        results[c] = MakeError("opt tier: cancelled");
        next.store(chunks.size());
        break;
      }
      results[c] = CompileChunk(desc, mctx, options, chunks[c], external, dump_name(c));
      if (!*results[c]) next.store(chunks.size());  // stop taking new chunks
    }
  };
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, chunks.size()));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& th : pool) th.join();

  std::vector<std::vector<uint8_t>> objects;
  // The chunks' maps, by defined function; inline ids rebased past the earlier chunks'.
  std::vector<std::vector<aot::OffsetMapEntry>> maps(desc.functions.size());
  for (size_t c = 0; c < chunks.size(); ++c) {
    // The first failing chunk in module order: the same error as a serial compile. A chunk
    // not compiled after a failure comes after a failed one.
    if (!results[c]) continue;
    if (!*results[c]) return std::unexpected(std::move(results[c]->error()));
    ChunkOutput& r = **results[c];
    out.stats.code_section_bytes += r.stats.code_section_bytes;
    out.stats.ir_seconds += r.stats.ir_seconds;
    out.stats.opt_seconds += r.stats.opt_seconds;
    out.stats.codegen_seconds += r.stats.codegen_seconds;
    objects.push_back(std::move(r.elf));
    const uint32_t base = static_cast<uint32_t>(out.offset_maps.inlines.size());
    for (aot::InlineFrame f : r.maps.inlines) {
      if (f.parent) f.parent += base;
      out.offset_maps.inlines.push_back(f);
    }
    for (auto& [index, entries] : r.maps.funcs) {
      if (index < desc.num_imported_funcs || index >= desc.NumFuncs()) continue;
      for (aot::OffsetMapEntry& e : entries)
        if (e.inline_id) e.inline_id += base;
      maps[index - desc.num_imported_funcs] = std::move(entries);
    }
  }
  out.offset_maps.begin.push_back(0);
  for (std::vector<aot::OffsetMapEntry>& entries : maps) {
    out.offset_maps.entries.insert(out.offset_maps.entries.end(), entries.begin(), entries.end());
    out.offset_maps.begin.push_back(static_cast<uint32_t>(out.offset_maps.entries.size()));
  }
  if (objects.size() != chunks.size()) return MakeError("opt tier: internal error, a chunk was not compiled");
  Clock::time_point merge_start = Clock::now();
  NW_TRY_ASSIGN(out.elf, MergeObjects(objects));
  out.stats.merge_seconds = Since(merge_start);
  if (dump) {
    std::error_code ec;
    llvm::raw_fd_ostream f(std::string(dump) + ".o", ec);
    if (!ec) f.write(reinterpret_cast<const char*>(out.elf.data()), out.elf.size());
  }
  std::vector<bool> escaping = Escaping(desc, mctx);
  out.has_array.assign(desc.functions.size(), false);
  for (uint32_t i = 0; i < desc.functions.size(); ++i)
    out.has_array[i] = escaping[desc.num_imported_funcs + i];
  out.stats.object_bytes = out.elf.size();
  out.stats.chunks = chunks.size();
  for (const Chunk& c : chunks) out.stats.unoptimized_functions += c.minimal;
  out.stats.threads = threads;
  out.stats.wall_seconds = Since(start);
  out.cpu = t.cpu;
  out.features = t.features;
  return out;
}

}  // namespace nw::opt
