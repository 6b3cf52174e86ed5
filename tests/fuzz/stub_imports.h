// Import stubs shared by the instantiate+run fuzz target and the differential harness: every
// import of a module gets an object of the matching type (host functions that return default
// values, memories/tables/globals of the declared type). Objects whose declared size the store
// limits refuse are still created at the limit, so instantiation then fails as a link error,
// which the callers count as a rejection, not a crash.
#pragma once

#include <span>
#include <string_view>

#include "format/module.h"
#include "nanowasm/runtime.h"

namespace nw::fuzz {

inline Val DefaultVal(ValType t) {
  Val v = Val::Default(t);
  return v;
}

// Defines a stub for every import of `m` in `linker`, except function imports for which
// `host_for(import, type)` returns non-null (used by the harness for the logging imports).
template <class HostFor>
void StubImports(const Module& m, Store& store, Linker& linker, HostFor&& host_for) {
  const ModuleDesc& desc = m.desc();
  for (const Import& im : desc.imports) {
    switch (im.kind) {
      case ExternKind::kFunc: {
        const FuncType& type = desc.types[im.func_type];
        Func* f = host_for(im, type);
        if (!f) {
          std::vector<ValType> results = type.results;
          f = Func::CreateHost(store, type,
                               [results](Caller&, std::span<const Val>, std::span<Val> out)
                                   -> TrapResult<void> {
                                 for (size_t i = 0; i < results.size(); ++i)
                                   out[i] = DefaultVal(results[i]);
                                 return {};
                               });
        }
        linker.Define(im.module, im.name, f);
        break;
      }
      case ExternKind::kTable: {
        if (Table* t = Table::Create(store, im.table, DefaultVal(im.table.elem)))
          linker.Define(im.module, im.name, t);
        break;
      }
      case ExternKind::kMemory: {
        if (Memory* mem = Memory::Create(store, im.memory))
          linker.Define(im.module, im.name, mem);
        break;
      }
      case ExternKind::kGlobal: {
        if (Global* g = Global::Create(store, im.global, DefaultVal(im.global.type)))
          linker.Define(im.module, im.name, g);
        break;
      }
      case ExternKind::kTag: {
        if (Tag* t = Tag::Create(store, desc.types[im.tag_type]))
          linker.Define(im.module, im.name, t);
        break;
      }
    }
  }
}

}  // namespace nw::fuzz
