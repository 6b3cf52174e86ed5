// Module: a decoded, validated and compiled module (by the engine's tier, runtime/tier.h),
// immutable and shared between stores. Also the process-wide function-type table (InternFuncType) that gives structurally equal
// types one id, so call_indirect and import matching compare integers.
// Instantiation is in instantiate.cc; store objects in objects.cc.
#include <map>
#include <mutex>
#include <new>
#include <string>

#include "format/decode.h"
#include "format/encode.h"
#include "runtime/vm.h"
#include "validate/validate.h"

namespace nw {
namespace {

// A function type as a byte string: params, a separator that is no value-type byte, results.
std::string TypeKey(const FuncType& type) {
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 1);
  for (ValType t : type.params) key.push_back(static_cast<char>(t));
  key.push_back('\0');
  for (ValType t : type.results) key.push_back(static_cast<char>(t));
  return key;
}

}  // namespace

uint32_t InternFuncType(const FuncType& type) {
  // Never destroyed: ids must stay valid for modules that outlive static destruction.
  static std::mutex* mutex = new std::mutex;
  static auto* table = new std::map<std::string, uint32_t, std::less<>>;
  std::string key = TypeKey(type);
  std::lock_guard<std::mutex> lock(*mutex);
  auto [it, inserted] = table->try_emplace(std::move(key), static_cast<uint32_t>(table->size()));
  return it->second;
}

Module::Module(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Module::~Module() = default;

namespace {

// Loading allocates in proportion to the module (its description, the translated code), each
// within the limits of format/limits.h; when even that exceeds what the process may have (an
// address-space limit, a container's memory), the load fails with this error instead of
// std::bad_alloc ending the host.
std::unexpected<Error> OutOfMemoryLoading() {
  return MakeError("out of memory loading the module");
}

}  // namespace

Result<std::shared_ptr<const Module>> Module::FromBinary(const Engine& engine,
                                                         std::span<const uint8_t> bytes) {
  Result<ModuleDesc> desc = OutOfMemoryLoading();
  try {
    desc = DecodeModule(bytes, engine.config().features);
  } catch (const std::bad_alloc&) {
    return OutOfMemoryLoading();
  }
  if (!desc) return std::unexpected(std::move(desc.error()));
  return FromDesc(engine, std::move(*desc));
}

Result<std::shared_ptr<const Module>> Module::FromDesc(const Engine& engine, ModuleDesc desc) {
  try {
    // A proposal is accepted if the engine enables it or whoever decoded the description did
    // (the component loader decodes its core modules with every feature on).
    desc.features.multi_memory |= engine.config().features.multi_memory;
    desc.features.exceptions |= engine.config().features.exceptions;
    desc.features.tail_call |= engine.config().features.tail_call;
    desc.features.shared_memory |= engine.config().features.shared_memory;
    // Bodies are validated by the tier, which decodes each one once for both purposes.
    NW_TRY(ValidateModule(desc, BodyValidation::kSkip));
    NW_TRY(RefuseSharedMemory(desc));  // valid, but never run: no tier sees a shared memory
    auto impl = std::make_unique<Impl>();
    impl->type_ids.reserve(desc.types.size());
    for (const FuncType& t : desc.types) impl->type_ids.push_back(InternFuncType(t));
    impl->offsets = VMOffsets(desc);
    impl->tier = &engine.tier();
    impl->config = engine.config();
    NW_TRY_ASSIGN(impl->code, impl->tier->Compile(ModuleEnv{desc, impl->type_ids,
                                                            engine.config(), impl->offsets}));
    impl->desc = std::move(desc);
    return std::shared_ptr<const Module>(new Module(std::move(impl)));
  } catch (const std::bad_alloc&) {
    return OutOfMemoryLoading();
  }
}

Result<std::vector<uint8_t>> Module::Serialize() const {
  try {
    const Impl& m = *impl_;
    // The encoder reproduces a decoded module byte for byte (section_mask keeps empty
    // sections), so backtrace offsets in the artifact's code stay those of the original.
    std::vector<uint8_t> bytes = EncodeModule(m.desc);
    return m.tier->WriteArtifact(ModuleEnv{m.desc, m.type_ids, m.config, m.offsets}, *m.code,
                                 bytes);
  } catch (const std::bad_alloc&) {
    return MakeError("out of memory serializing the module");
  }
}

Result<std::shared_ptr<const Module>> Module::Deserialize(const Engine& engine,
                                                          std::span<const uint8_t> artifact) {
  try {
    Result<aot::Expectations> expect = engine.tier().ArtifactExpectations(engine.config());
    if (!expect) {
      NW_TRY(aot::CheckIntegrity(artifact));  // a damaged artifact is reported as such first
      return std::unexpected(std::move(expect.error()));
    }
    NW_TRY_ASSIGN(aot::Artifact a, aot::ReadArtifact(artifact, *expect));
    NW_TRY_ASSIGN(ModuleDesc desc, DecodeModule(a.module, engine.config().features));
    NW_TRY(ValidateModule(desc, BodyValidation::kSkip));
    NW_TRY(RefuseSharedMemory(desc));
    auto impl = std::make_unique<Impl>();
    impl->type_ids.reserve(desc.types.size());
    for (const FuncType& t : desc.types) impl->type_ids.push_back(InternFuncType(t));
    impl->offsets = VMOffsets(desc);
    impl->tier = &engine.tier();
    impl->config = engine.config();
    NW_TRY_ASSIGN(impl->code, impl->tier->LoadArtifact(
                                  ModuleEnv{desc, impl->type_ids, engine.config(), impl->offsets},
                                  a));
    impl->desc = std::move(desc);
    return std::shared_ptr<const Module>(new Module(std::move(impl)));
  } catch (const std::bad_alloc&) {
    return OutOfMemoryLoading();
  }
}

const ModuleDesc& Module::desc() const { return impl_->desc; }

std::vector<ImportDesc> Module::Imports() const {
  std::vector<ImportDesc> out;
  out.reserve(impl_->desc.imports.size());
  const ModuleDesc& d = impl_->desc;
  for (const Import& im : d.imports) {
    ExternType t;
    if (im.kind == ExternKind::kFunc && im.func_type < d.types.size()) t.func = d.types[im.func_type];
    t.table = im.table;
    t.memory = im.memory;
    t.global = im.global;
    if (im.kind == ExternKind::kTag && im.tag_type < d.types.size()) t.tag = d.types[im.tag_type];
    out.push_back({im.module, im.name, im.kind, std::move(t)});
  }
  return out;
}

std::vector<ExportDesc> Module::Exports() const {
  std::vector<ExportDesc> out;
  out.reserve(impl_->desc.exports.size());
  const ModuleDesc& d = impl_->desc;
  for (const Export& e : d.exports) {
    ExternType t;
    switch (e.kind) {
      case ExternKind::kFunc: t.func = d.FuncSig(e.index); break;
      case ExternKind::kTable: t.table = d.GetTableType(e.index); break;
      case ExternKind::kMemory: t.memory = d.GetMemoryType(e.index); break;
      case ExternKind::kGlobal: t.global = d.GetGlobalType(e.index); break;
      case ExternKind::kTag: t.tag = d.types[d.TagTypeIndex(e.index)]; break;
    }
    out.push_back({e.name, e.kind, std::move(t)});
  }
  return out;
}

}  // namespace nw
