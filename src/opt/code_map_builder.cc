// The opt tier's code -> wasm offset maps from LLVM's debug locations (code_map_builder.h).
#include "opt/code_map_builder.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include <llvm/ADT/DenseMap.h>
#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/Object/ObjectFile.h>

namespace nw::opt {

void AttachSubprograms(llvm::Module& mod, std::span<llvm::Function* const> funcs, uint32_t first,
                       uint32_t end) {
  mod.addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  mod.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  llvm::DIBuilder dib(mod);
  llvm::DIFile* file = dib.createFile("wasm", "");
  llvm::DICompileUnit* cu =
      dib.createCompileUnit(llvm::dwarf::DW_LANG_C, file, "nanowasm", /*isOptimized=*/true, "", 0,
                            "", llvm::DICompileUnit::LineTablesOnly);
  llvm::DISubroutineType* type = dib.createSubroutineType(dib.getOrCreateTypeArray({}));
  for (uint32_t index = first; index < end; ++index) {
    // The subprogram's line is the function's index: NumberPositions reads it back.
    llvm::DISubprogram* sp = dib.createFunction(
        cu, "", "", file, index, type, index, llvm::DINode::FlagZero,
        llvm::DISubprogram::SPFlagDefinition | llvm::DISubprogram::SPFlagOptimized);
    funcs[index]->setSubprogram(sp);
  }
  dib.finalize();
}

Positions NumberPositions(llvm::Module& mod) {
  Positions out;
  llvm::DenseMap<const llvm::DILocation*, llvm::DILocation*> flat;
  for (llvm::Function& fn : mod) {
    llvm::DISubprogram* sp = fn.getSubprogram();
    if (sp == nullptr) continue;
    flat.clear();  // a location (its inlinedAt chain ends in one function) is numbered per function
    for (llvm::BasicBlock& bb : fn) {
      for (llvm::Instruction& inst : bb) {
        const llvm::DILocation* loc = inst.getDebugLoc().get();
        if (loc == nullptr) continue;
        auto [it, inserted] = flat.try_emplace(loc, nullptr);
        if (inserted) {
          std::vector<std::pair<uint32_t, uint32_t>> chain;
          for (const llvm::DILocation* l = loc; l != nullptr; l = l->getInlinedAt())
            chain.emplace_back(l->getScope()->getSubprogram()->getLine(), l->getLine());
          out.push_back(std::move(chain));
          it->second = llvm::DILocation::get(mod.getContext(), static_cast<unsigned>(out.size()), 0, sp);
        }
        inst.setDebugLoc(llvm::DebugLoc(it->second));
      }
    }
  }
  return out;
}

namespace {

struct Row {
  uint64_t section, address;
  uint32_t line;
  size_t order = 0;  // its place in the table: rows at one address keep it
};

}  // namespace

Result<ChunkMaps> ReadMaps(std::span<const char> object, const Positions& positions,
                           const char* func_prefix) {
  auto obj = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(llvm::StringRef(object.data(), object.size()), "chunk"));
  if (!obj) {
    llvm::consumeError(obj.takeError());
    return MakeError("opt tier: internal error, cannot read the chunk's object");
  }
  std::unique_ptr<llvm::DWARFContext> dwarf = llvm::DWARFContext::create(
      **obj, llvm::DWARFContext::ProcessDebugRelocations::Process, nullptr, "",
      [](llvm::Error e) { llvm::consumeError(std::move(e)); },
      [](llvm::Error e) { llvm::consumeError(std::move(e)); });
  std::vector<Row> rows;
  for (const auto& cu : dwarf->compile_units()) {
    const llvm::DWARFDebugLine::LineTable* table = dwarf->getLineTableForUnit(cu.get());
    if (table == nullptr) continue;
    for (const llvm::DWARFDebugLine::Row& r : table->Rows)
      rows.push_back({r.Address.SectionIndex, r.Address.Address, r.EndSequence ? 0u : r.Line,
                      rows.size()});
  }
  // By section and address; rows at one address keep their order (the last one holds).
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.section, a.address, a.order) < std::tie(b.section, b.address, b.order);
  });

  ChunkMaps out;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> inline_ids;
  auto inline_id = [&](const aot::InlineFrame& f) {
    auto [it, inserted] = inline_ids.try_emplace({f.func_index, f.call_offset, f.parent}, 0);
    if (inserted) {
      out.inlines.push_back(f);
      it->second = static_cast<uint32_t>(out.inlines.size());
    }
    return it->second;
  };
  const std::string_view prefix(func_prefix);
  for (const llvm::object::SymbolRef& sym : (*obj)->symbols()) {
    auto name = sym.getName();
    auto section = sym.getSection();
    auto value = sym.getValue();
    if (!name || !section || !value || *section == (*obj)->section_end() ||
        !name->starts_with(prefix)) {
      if (!name) llvm::consumeError(name.takeError());
      if (!section) llvm::consumeError(section.takeError());
      if (!value) llvm::consumeError(value.takeError());
      continue;
    }
    uint32_t index = 0;
    if (name->substr(prefix.size()).getAsInteger(10, index)) continue;
    const uint64_t sec = (*section)->getIndex(), begin = *value;
    // (For ELF, the "common size" is st_size, of any symbol; ELFObjectFile.h's ELFSymbolRef
    // does not compile as C++23 in LLVM 19.)
    const uint64_t end = begin + sym.getCommonSize();
    std::vector<aot::OffsetMapEntry> entries;
    auto it = std::lower_bound(rows.begin(), rows.end(), Row{sec, begin, 0, 0}, [](const Row& a, const Row& b) {
      return std::tie(a.section, a.address) < std::tie(b.section, b.address);
    });
    for (; it != rows.end() && it->section == sec && it->address < end; ++it) {
      aot::OffsetMapEntry e{static_cast<uint32_t>(it->address - begin), 0, 0};
      if (it->line != 0 && it->line <= positions.size() &&
          positions[it->line - 1].back().first == index) {
        const auto& chain = positions[it->line - 1];
        e.wasm_offset = chain.front().second;
        for (size_t i = chain.size() - 1; i-- > 0;)
          e.inline_id = inline_id({chain[i].first, chain[i + 1].second, e.inline_id});
      }
      if (!entries.empty() && entries.back().code_offset == e.code_offset) entries.pop_back();
      if (!entries.empty() && entries.back().wasm_offset == e.wasm_offset &&
          entries.back().inline_id == e.inline_id)
        continue;  // the same position goes on
      entries.push_back(e);
    }
    out.funcs.emplace_back(index, std::move(entries));
  }
  // By function index: the symbol table's order is LLVM's, this is ours.
  std::sort(out.funcs.begin(), out.funcs.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace nw::opt
