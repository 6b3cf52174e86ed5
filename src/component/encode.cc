// The component binary encoder of encode.h: one writer per Binary.md production, mirroring
// binary_reader.cc production by production.
#include "component/encode.h"

#include <algorithm>

#include "base/writer.h"
#include "format/encode.h"

namespace nw::component {
namespace {

class Encoder {
 public:
  explicit Encoder(Writer& w) : w_(w) {}

  void Component(const struct Component& c) {
    w_.Raw(std::span<const uint8_t>(kPreamble));
    for (size_t i = 0; i < c.sections.size();) {
      const Section& s = c.sections[i];
      // Consecutive vector sections of one kind become one section.
      size_t j = i + 1;
      if (IsVectorSection(s.kind)) {
        while (j < c.sections.size() && c.sections[j].kind == s.kind) ++j;
      }
      Writer body;
      Encoder e(body);
      e.SectionBody(c, i, j);
      w_.U8(static_cast<uint8_t>(s.kind));
      w_.ULeb(body.bytes().size());
      w_.Raw(body.bytes());
      i = j;
    }
    // Names the AST holds without their section (a parsed text's $ids) get one at the end.
    bool has_name_section = std::any_of(c.customs.begin(), c.customs.end(), [](const auto& cs) {
      return cs.name == "component-name";
    });
    if (c.names && !has_name_section) {
      Writer body;
      body.Name("component-name");
      Encoder(body).NameSection(*c.names);
      w_.U8(static_cast<uint8_t>(SectionKind::kCustom));
      w_.ULeb(body.bytes().size());
      w_.Raw(body.bytes());
    }
  }

 private:
  static constexpr uint8_t kPreamble[8] = {0x00, 0x61, 0x73, 0x6d,
                                           kComponentVersion & 0xff, kComponentVersion >> 8,
                                           kComponentLayer & 0xff, kComponentLayer >> 8};

  static bool IsVectorSection(SectionKind k) {
    switch (k) {
      case SectionKind::kCustom:
      case SectionKind::kCoreModule:
      case SectionKind::kComponent:
      case SectionKind::kStart:
        return false;
      default:
        return true;
    }
  }

  // Sections [first, last) of `c`, all of one kind (several only for vector sections).
  void SectionBody(const struct Component& c, size_t first, size_t last) {
    const Section& s = c.sections[first];
    uint32_t total = 0;
    for (size_t i = first; i < last; ++i) total += c.sections[i].count;
    auto each = [&](auto& vec, auto write) {
      w_.ULeb(total);
      for (size_t i = first; i < last; ++i)
        for (uint32_t k = 0; k < c.sections[i].count; ++k) write(vec[c.sections[i].first + k]);
    };
    switch (s.kind) {
      case SectionKind::kCustom: {
        const CustomSection& cs = c.customs[s.first];
        w_.Name(cs.name);
        w_.Raw(cs.payload);
        return;
      }
      case SectionKind::kCoreModule: w_.Raw(EncodeModule(c.core_modules[s.first].module)); return;
      case SectionKind::kComponent: Component(c.components[s.first]); return;
      case SectionKind::kStart: Start(c.starts[s.first]); return;
      case SectionKind::kCoreInstance: each(c.core_instances, [&](const auto& x) { CoreInst(x); }); return;
      case SectionKind::kCoreType: each(c.core_types, [&](const auto& x) { CoreType(x); }); return;
      case SectionKind::kInstance: each(c.instances, [&](const auto& x) { Inst(x); }); return;
      case SectionKind::kAlias: each(c.aliases, [&](const auto& x) { AliasE(x); }); return;
      case SectionKind::kType: each(c.types, [&](const auto& x) { Type(x); }); return;
      case SectionKind::kCanon: each(c.canons, [&](const auto& x) { CanonE(x); }); return;
      case SectionKind::kImport:
        each(c.imports, [&](const Import& x) {
          Name(x.name);
          Extern(x.type);
        });
        return;
      case SectionKind::kExport:
        each(c.exports, [&](const Export& x) {
          Name(x.name);
          SortIdxE(x.item);
          if (x.type) {
            w_.U8(0x01);
            Extern(*x.type);
          } else {
            w_.U8(0x00);
          }
        });
        return;
      case SectionKind::kValue:
        each(c.values, [&](const Value& v) {
          Val(v.type);
          w_.ULeb(v.bytes.size());
          w_.Raw(v.bytes);
        });
        return;
    }
  }

  // The "component-name" payload: subsection 0 (the component's name), then one subsection 1
  // per sort, sorts in Sort order and entries by index (so the bytes do not depend on the order
  // the names were collected in).
  void NameSection(const ComponentNames& names) {
    if (names.component) {
      Writer sub;
      sub.Name(*names.component);
      w_.U8(0x00);
      w_.ULeb(sub.bytes().size());
      w_.Raw(sub.bytes());
    }
    // (std::sort on (key, position) pairs: a stable order without std::stable_sort, whose
    // libstdc++ 12 implementation trips -Wdeprecated-declarations in C++23.)
    std::vector<std::pair<Sort, size_t>> maps;
    for (size_t i = 0; i < names.sorts.size(); ++i) maps.emplace_back(names.sorts[i].sort, i);
    std::sort(maps.begin(), maps.end());
    for (const auto& [sort, pos] : maps) {
      const NameMap* m = &names.sorts[pos];
      std::vector<std::pair<uint32_t, size_t>> order;
      for (size_t i = 0; i < m->names.size(); ++i) order.emplace_back(m->names[i].first, i);
      std::sort(order.begin(), order.end());
      std::vector<std::pair<uint32_t, std::string>> entries;
      for (const auto& [idx, i] : order) entries.push_back(m->names[i]);
      Writer sub;
      Encoder e(sub);
      e.SortE(m->sort);
      sub.ULeb(entries.size());
      for (const auto& [idx, name] : entries) {
        sub.ULeb(idx);
        sub.Name(name);
      }
      w_.U8(0x01);
      w_.ULeb(sub.bytes().size());
      w_.Raw(sub.bytes());
    }
  }

  // --- sorts ----------------------------------------------------------------------------------
  void CoreSortByte(Sort s) {
    static constexpr uint8_t kBytes[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x12};
    w_.U8(kBytes[static_cast<size_t>(s)]);
  }
  void SortE(Sort s) {
    if (IsCoreSort(s)) {
      w_.U8(0x00);
      CoreSortByte(s);
      return;
    }
    w_.U8(static_cast<uint8_t>(static_cast<uint8_t>(s) - static_cast<uint8_t>(Sort::kFunc) + 1));
  }
  void SortIdxE(const SortIdx& si) {
    SortE(si.sort);
    w_.ULeb(si.index);
  }

  // --- instances ------------------------------------------------------------------------------
  void CoreInst(const CoreInstance& ci) {
    if (ci.kind == CoreInstance::Kind::kInstantiate) {
      w_.U8(0x00);
      w_.ULeb(ci.module);
      w_.ULeb(ci.args.size());
      for (const auto& a : ci.args) {
        w_.Name(a.name);
        w_.U8(0x12);
        w_.ULeb(a.instance);
      }
      return;
    }
    w_.U8(0x01);
    w_.ULeb(ci.exports.size());
    for (const auto& e : ci.exports) {
      w_.Name(e.name);
      CoreSortByte(e.item.sort);
      w_.ULeb(e.item.index);
    }
  }
  void Inst(const Instance& in) {
    if (in.kind == Instance::Kind::kInstantiate) {
      w_.U8(0x00);
      w_.ULeb(in.component);
      w_.ULeb(in.args.size());
      for (const auto& a : in.args) {
        w_.Name(a.name);
        SortIdxE(a.item);
      }
      return;
    }
    w_.U8(0x01);
    w_.ULeb(in.exports.size());
    for (const auto& e : in.exports) {
      Name(e.name);
      SortIdxE(e.item);
    }
  }

  // --- aliases --------------------------------------------------------------------------------
  void AliasE(const Alias& a) {
    SortE(a.sort);
    switch (a.target) {
      case Alias::Target::kExport:
      case Alias::Target::kCoreExport:
        w_.U8(a.target == Alias::Target::kExport ? 0x00 : 0x01);
        w_.ULeb(a.instance);
        w_.Name(a.name);
        return;
      case Alias::Target::kOuter:
        w_.U8(0x02);
        w_.ULeb(a.count);
        w_.ULeb(a.index);
        return;
    }
  }

  // --- core types -----------------------------------------------------------------------------
  void CoreVal(nw::ValType v) { w_.U8(static_cast<uint8_t>(v)); }
  void CoreFuncBody(const FuncType& f) {
    w_.ULeb(f.params.size());
    for (nw::ValType v : f.params) CoreVal(v);
    w_.ULeb(f.results.size());
    for (nw::ValType v : f.results) CoreVal(v);
  }
  void CoreLimits(const Limits& l, bool shared = false) {
    w_.U8(static_cast<uint8_t>((l.max ? 0x01 : 0x00) | (shared ? 0x02 : 0x00)));
    w_.ULeb(l.min);
    if (l.max) w_.ULeb(*l.max);
  }
  void CoreExtern(const CoreExternType& t) {
    if (t.is_tag) {
      w_.U8(0x04);
      w_.U8(0x00);
      w_.ULeb(t.type_index);
      return;
    }
    w_.U8(static_cast<uint8_t>(t.kind));
    switch (t.kind) {
      case ExternKind::kFunc: w_.ULeb(t.type_index); return;
      case ExternKind::kTable:
        CoreVal(t.table.elem);
        CoreLimits(t.table.limits);
        return;
      case ExternKind::kMemory: CoreLimits(t.memory.limits, t.memory.shared); return;
      case ExternKind::kGlobal:
        CoreVal(t.global.type);
        w_.U8(t.global.mut ? 0x01 : 0x00);
        return;
      case ExternKind::kTag:  // the reader marks tags with is_tag (above); written the same way
        w_.U8(0x00);
        w_.ULeb(t.type_index);
        return;
    }
  }
  void CoreType(const CoreTypeDef& t) {
    if (t.kind == CoreTypeDef::Kind::kModule) {
      w_.U8(0x50);
      w_.ULeb(t.decls.size());
      for (const CoreModuleDecl& d : t.decls) ModuleDecl(d);
      return;
    }
    if (t.sub) {
      if (t.final) {
        w_.U8(0x4f);
      } else {
        w_.U8(0x00);
        w_.U8(0x50);
      }
      w_.ULeb(t.supertypes.size());
      for (uint32_t s : t.supertypes) w_.ULeb(s);
    }
    w_.U8(0x60);
    CoreFuncBody(t.func);
  }
  void ModuleDecl(const CoreModuleDecl& d) {
    switch (d.kind) {
      case CoreModuleDecl::Kind::kImport:
        w_.U8(0x00);
        w_.Name(d.module);
        w_.Name(d.name);
        CoreExtern(d.type);
        return;
      case CoreModuleDecl::Kind::kType:
        w_.U8(0x01);
        if (!d.def.empty()) CoreType(d.def[0]);
        return;
      case CoreModuleDecl::Kind::kAlias:
        w_.U8(0x02);
        w_.U8(0x10);
        w_.U8(0x01);
        w_.ULeb(d.outer_count);
        w_.ULeb(d.outer_index);
        return;
      case CoreModuleDecl::Kind::kExport:
        w_.U8(0x03);
        w_.Name(d.name);
        CoreExtern(d.type);
        return;
    }
  }

  // --- component types ------------------------------------------------------------------------
  void Val(const ValType& v) {
    if (v.is_index) w_.SLeb(v.index);
    else w_.U8(static_cast<uint8_t>(v.prim));
  }
  void OptVal(const std::optional<ValType>& v) {
    if (!v) {
      w_.U8(0x00);
      return;
    }
    w_.U8(0x01);
    Val(*v);
  }
  void Labels(const std::vector<std::string>& ls) {
    w_.ULeb(ls.size());
    for (const auto& l : ls) w_.Name(l);
  }
  void DefVal(const DefValType& t) {
    switch (t.kind) {
      case DefValKind::kPrim: w_.U8(static_cast<uint8_t>(t.prim)); return;
      case DefValKind::kRecord:
        w_.U8(0x72);
        w_.ULeb(t.fields.size());
        for (const auto& f : t.fields) {
          w_.Name(f.label);
          Val(f.type.value_or(ValType{}));
        }
        return;
      case DefValKind::kVariant:
        w_.U8(0x71);
        w_.ULeb(t.fields.size());
        for (const auto& f : t.fields) {
          w_.Name(f.label);
          OptVal(f.type);
          w_.U8(0x00);
        }
        return;
      case DefValKind::kList:
        w_.U8(0x70);
        Val(*t.a);
        return;
      case DefValKind::kFixedList:
        w_.U8(0x67);
        Val(*t.a);
        w_.ULeb(t.length);
        return;
      case DefValKind::kTuple:
        w_.U8(0x6f);
        w_.ULeb(t.types.size());
        for (const auto& v : t.types) Val(v);
        return;
      case DefValKind::kFlags: w_.U8(0x6e); Labels(t.labels); return;
      case DefValKind::kEnum: w_.U8(0x6d); Labels(t.labels); return;
      case DefValKind::kOption:
        w_.U8(0x6b);
        Val(*t.a);
        return;
      case DefValKind::kResult:
        w_.U8(0x6a);
        OptVal(t.a);
        OptVal(t.b);
        return;
      case DefValKind::kOwn:
      case DefValKind::kBorrow:
        w_.U8(t.kind == DefValKind::kOwn ? 0x69 : 0x68);
        w_.ULeb(t.index);
        return;
      case DefValKind::kStream:
      case DefValKind::kFuture:
        w_.U8(t.kind == DefValKind::kStream ? 0x66 : 0x65);
        OptVal(t.a);
        return;
      case DefValKind::kMap:
        w_.U8(0x63);
        Val(*t.a);
        Val(*t.b);
        return;
    }
  }
  void ResultList(const std::optional<ValType>& r) {
    if (r) {
      w_.U8(0x00);
      Val(*r);
    } else {
      w_.U8(0x01);
      w_.U8(0x00);
    }
  }
  void Type(const TypeDef& t) {
    switch (t.kind) {
      case TypeDef::Kind::kDefVal: DefVal(t.val); return;
      case TypeDef::Kind::kFunc:
        w_.U8(t.func.async ? 0x43 : 0x40);
        w_.ULeb(t.func.params.size());
        for (const auto& p : t.func.params) {
          w_.Name(p.label);
          Val(p.type.value_or(ValType{}));
        }
        ResultList(t.func.result);
        return;
      case TypeDef::Kind::kComponent:
      case TypeDef::Kind::kInstance:
        w_.U8(t.kind == TypeDef::Kind::kComponent ? 0x41 : 0x42);
        w_.ULeb(t.decls.size());
        for (const Decl& d : t.decls) DeclE(d);
        return;
      case TypeDef::Kind::kResource:
        w_.U8(0x3f);
        CoreVal(t.resource.rep);
        if (t.resource.dtor) {
          w_.U8(0x01);
          w_.ULeb(*t.resource.dtor);
        } else {
          w_.U8(0x00);
        }
        return;
    }
  }
  void DeclE(const Decl& d) {
    switch (d.kind) {
      case Decl::Kind::kCoreType:
        w_.U8(0x00);
        if (!d.core_type.empty()) CoreType(d.core_type[0]);
        return;
      case Decl::Kind::kType:
        w_.U8(0x01);
        if (!d.type.empty()) Type(d.type[0]);
        return;
      case Decl::Kind::kAlias:
        w_.U8(0x02);
        AliasE(d.alias);
        return;
      case Decl::Kind::kImport:
      case Decl::Kind::kExport:
        w_.U8(d.kind == Decl::Kind::kImport ? 0x03 : 0x04);
        Name(d.name);
        Extern(d.extern_type);
        return;
    }
  }

  // --- imports and exports --------------------------------------------------------------------
  void Name(const ExternName& n) {
    w_.U8(n.prefix);
    w_.Name(n.name);
    if (n.prefix == 0x02) {
      w_.ULeb(n.attributes.size());
      for (const auto& a : n.attributes) {
        w_.U8(static_cast<uint8_t>(a.kind));
        w_.Name(a.value);
      }
    }
  }
  void Extern(const ExternTypeC& t) {
    switch (t.kind) {
      case ExternKindC::kModule:
        w_.U8(0x00);
        w_.U8(0x11);
        w_.ULeb(t.index);
        return;
      case ExternKindC::kFunc: w_.U8(0x01); w_.ULeb(t.index); return;
      case ExternKindC::kComponent: w_.U8(0x04); w_.ULeb(t.index); return;
      case ExternKindC::kInstance: w_.U8(0x05); w_.ULeb(t.index); return;
      case ExternKindC::kValue:
        w_.U8(0x02);
        if (t.bound_eq) {
          w_.U8(0x00);
          w_.ULeb(t.index);
        } else {
          w_.U8(0x01);
          Val(t.value_type);
        }
        return;
      case ExternKindC::kType:
        w_.U8(0x03);
        if (t.bound_eq) {
          w_.U8(0x00);
          w_.ULeb(t.index);
        } else {
          w_.U8(0x01);
        }
        return;
    }
  }

  // --- canon, start ---------------------------------------------------------------------------
  void Opts(const std::vector<CanonOpt>& opts) {
    w_.ULeb(opts.size());
    for (const CanonOpt& o : opts) {
      w_.U8(static_cast<uint8_t>(o.kind));
      switch (o.kind) {
        case CanonOpt::Kind::kMemory:
        case CanonOpt::Kind::kRealloc:
        case CanonOpt::Kind::kPostReturn:
        case CanonOpt::Kind::kCallback:
          w_.ULeb(o.index);
          break;
        default: break;
      }
    }
  }
  void Flag(bool f) { w_.U8(f ? 0x01 : 0x00); }
  void CanonE(const Canon& c) {
    w_.U8(static_cast<uint8_t>(c.kind));
    switch (c.kind) {
      case CanonKind::kLift:
      case CanonKind::kLower:
        w_.U8(0x00);
        w_.ULeb(c.func);
        Opts(c.opts);
        if (c.kind == CanonKind::kLift) w_.ULeb(c.type);
        return;
      case CanonKind::kResourceNew: case CanonKind::kResourceDrop: case CanonKind::kResourceRep:
      case CanonKind::kStreamNew: case CanonKind::kStreamDropReadable:
      case CanonKind::kStreamDropWritable: case CanonKind::kFutureNew:
      case CanonKind::kFutureDropReadable: case CanonKind::kFutureDropWritable:
        w_.ULeb(c.type);
        return;
      case CanonKind::kTaskCancel: case CanonKind::kSubtaskDrop: case CanonKind::kErrorContextDrop:
      case CanonKind::kWaitableSetNew: case CanonKind::kWaitableSetDrop:
      case CanonKind::kWaitableJoin: case CanonKind::kBackpressureInc:
      case CanonKind::kBackpressureDec: case CanonKind::kThreadIndex:
      case CanonKind::kThreadResumeLater:
        return;
      case CanonKind::kTaskReturn:
        ResultList(c.result);
        Opts(c.opts);
        return;
      case CanonKind::kContextGet:
      case CanonKind::kContextSet:
        CoreVal(c.core_type);
        w_.ULeb(c.index);
        return;
      case CanonKind::kSubtaskCancel: case CanonKind::kThreadYield:
      case CanonKind::kThreadSuspend: case CanonKind::kThreadSuspendThenResume:
      case CanonKind::kThreadYieldThenResume: case CanonKind::kThreadSuspendThenPromote:
      case CanonKind::kThreadYieldThenPromote: case CanonKind::kThreadAvailableParallelism:
        Flag(c.flag);
        return;
      case CanonKind::kStreamRead: case CanonKind::kStreamWrite: case CanonKind::kFutureRead:
      case CanonKind::kFutureWrite:
        w_.ULeb(c.type);
        Opts(c.opts);
        return;
      case CanonKind::kStreamCancelRead: case CanonKind::kStreamCancelWrite:
      case CanonKind::kFutureCancelRead: case CanonKind::kFutureCancelWrite:
        w_.ULeb(c.type);
        Flag(c.flag);
        return;
      case CanonKind::kErrorContextNew:
      case CanonKind::kErrorContextDebugMessage:
        Opts(c.opts);
        return;
      case CanonKind::kWaitableSetWait:
      case CanonKind::kWaitableSetPoll:
        Flag(c.flag);
        w_.ULeb(c.index);
        return;
      case CanonKind::kThreadNewIndirect:
        w_.ULeb(c.type);
        w_.ULeb(c.index);
        return;
      case CanonKind::kThreadSpawnRef:
        Flag(c.flag);
        w_.ULeb(c.type);
        return;
      case CanonKind::kThreadSpawnIndirect:
        Flag(c.flag);
        w_.ULeb(c.type);
        w_.ULeb(c.index);
        return;
    }
  }
  void Start(const struct Start& s) {
    w_.ULeb(s.func);
    w_.ULeb(s.args.size());
    for (uint32_t a : s.args) w_.ULeb(a);
    w_.ULeb(s.results);
  }

  Writer& w_;
};

}  // namespace

std::vector<uint8_t> EncodeComponent(const Component& c) {
  Writer w;
  Encoder(w).Component(c);
  return std::move(w.bytes());
}

}  // namespace nw::component
