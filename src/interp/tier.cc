// The interpreter as a tier (runtime/tier.h): Compile translates every body (translate.cc) into
// an InterpCode, whose entries are the CompiledFuncs under the interpreter's ArrayCall
// (exec.cc: Invoke); the per-store context is an ExecCtx with its value and call-frame stacks.
#include "interp/interp.h"

namespace nw::interp {
namespace {

class InterpCode final : public CompiledCode {
 public:
  explicit InterpCode(std::vector<CompiledFunc> funcs) : funcs_(std::move(funcs)) {}

  FuncEntry Entry(uint32_t defined_index) const override {
    return {&Invoke, &funcs_[defined_index]};
  }

  std::optional<size_t> WasmOffsetAt(uint32_t defined_index, uintptr_t pc) const override {
    const CompiledFunc& f = funcs_[defined_index];
    const auto base = reinterpret_cast<uintptr_t>(f.code.data());
    if (pc < base || pc >= base + f.code.size() * sizeof(uint64_t)) return std::nullopt;
    return f.WasmOffsetAt(pc - base);
  }

  const std::vector<CompiledFunc>& funcs() const { return funcs_; }

 private:
  std::vector<CompiledFunc> funcs_;
};

class InterpTierImpl final : public Tier {
 public:
  std::string_view Name() const override { return "interp"; }

  Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv& env) const override {
    std::vector<CompiledFunc> funcs;
    NW_TRY(TranslateModule(env.desc, env.type_ids, env.offsets, env.config, funcs));
    return std::make_unique<const InterpCode>(std::move(funcs));
  }

  StoreContext* NewStoreContext(Store& store, const Config& config) const override {
    auto* ctx = new ExecCtx;
    ctx->store = &store;
    InitExecCtx(*ctx, config);
    return ctx;
  }

  void DeleteStoreContext(StoreContext* ctx) const override {
    auto* exec = static_cast<ExecCtx*>(ctx);
    FreeExecCtx(*exec);
    delete exec;
  }
};

}  // namespace

const Tier& InterpTier() {
  static const InterpTierImpl tier;
  return tier;
}

const std::vector<CompiledFunc>* InterpFuncs(const Module& module) {
  const auto* code = dynamic_cast<const InterpCode*>(module.impl().code.get());
  return code != nullptr ? &code->funcs() : nullptr;
}

}  // namespace nw::interp
