// The component text printer of component_printer.h: one writer per AST production, each
// printing the explicit (never the abbreviated) form that ParseComponentText turns back into
// exactly that one AST entry.
#include "component/text/component_printer.h"

#include <algorithm>
#include <map>
#include <set>

#include "component/text/value_literal.h"
#include "text/printer.h"

namespace nw::component {
namespace {

constexpr size_t kMaxIndent = 64;  // deeper nesting is printed at this depth

std::string Quote(std::string_view s) { return QuoteWatString(s); }

// Text inside a block comment: a ";)" or "(;" of a quoted name must not end or nest it.
std::string CommentSafe(std::string s) {
  for (size_t i = 0; (i = s.find_first_of(";", i)) != std::string::npos;) s.replace(i, 1, "\\3b");
  return s;
}

std::string CoreValText(nw::ValType v) { return std::string(nw::ValTypeName(v)); }

// The keyword of a sort: `func`, `core func`, ...; in a core context (core instance exports) the
// core sorts drop their `core`.
std::string SortText(Sort s, bool core_context = false) {
  std::string name = SortName(s);
  if (core_context && IsCoreSort(s)) return name.substr(5);
  return name;
}

// The index spaces of one scope (a component, or a component/instance type): counts, for the
// `(;N;)` labels, and the $ids of a component's name section.
struct Scope {
  LiteralTypes literal_types;  // a component's types, for value literals
  uint32_t count[kNumSorts] = {};
  std::map<uint32_t, std::string> ids[kNumSorts];

  void AssignNames(const std::optional<ComponentNames>& names) {
    if (!names) return;
    for (const NameMap& map : names->sorts) {
      auto& ids_of = ids[static_cast<size_t>(map.sort)];
      std::set<std::string_view> used, dup;
      for (const auto& [idx, name] : map.names) {
        if (!used.insert(name).second) dup.insert(name);
      }
      for (const auto& [idx, name] : map.names) {
        if (IsValidWatId(name) && !dup.count(name) && !ids_of.count(idx)) ids_of[idx] = name;
      }
    }
  }
  // The label of the next item of sort `s`: " $id" or " (;N;)".
  std::string Next(Sort s) {
    uint32_t i = count[static_cast<size_t>(s)]++;
    auto& m = ids[static_cast<size_t>(s)];
    auto it = m.find(i);
    return it != m.end() ? " $" + it->second : " (;" + std::to_string(i) + ";)";
  }
  std::string Ref(Sort s, uint32_t i) const {
    auto& m = ids[static_cast<size_t>(s)];
    auto it = m.find(i);
    return it != m.end() ? "$" + it->second : std::to_string(i);
  }
};

class Printer {
 public:
  Result<std::string> Run(const Component& c) {
    NW_TRY(PrintComponent(c, " "));
    return std::move(out_);
  }

 private:
  // --- output ---------------------------------------------------------------------------------
  std::string& Line() {
    out_ += '\n';
    out_.append(2 * std::min(depth_, kMaxIndent), ' ');
    return out_;
  }
  Scope& S() { return scopes_.back(); }
  std::string Ref(Sort s, uint32_t i) { return S().Ref(s, i); }
  std::string Val(const ValType& v) {
    return v.is_index ? Ref(Sort::kType, v.index) : PrimTypeName(v.prim);
  }

  // --- components -----------------------------------------------------------------------------
  Status PrintComponent(const Component& c, std::string_view label) {
    out_ += "(component";
    if (label != " ") {
      out_ += label;
    } else if (c.names && c.names->component && IsValidWatId(*c.names->component)) {
      out_ += " $" + *c.names->component;
    }
    scopes_.emplace_back();
    S().AssignNames(c.names);
    ++depth_;
    for (size_t si = 0; si < c.sections.size(); ++si) {
      const Section& s = c.sections[si];
      section_ = si;
      for (uint32_t k = 0; k < s.count; ++k) NW_TRY(Definition(c, s.kind, s.first + k));
    }
    --depth_;
    scopes_.pop_back();
    out_ += ")";
    if (depth_ == 0) out_ += "\n";
    return Ok();
  }

  Status Definition(const Component& c, SectionKind kind, uint32_t i) {
    switch (kind) {
      case SectionKind::kCustom:
        if (c.customs[i].name != "component-name")
          Line() += "(; custom section " + CommentSafe(Quote(c.customs[i].name)) + " (" +
                    std::to_string(c.customs[i].payload.size()) + " bytes) is not printed ;)";
        return Ok();
      case SectionKind::kCoreModule: return CoreModuleP(c.core_modules[i]);
      case SectionKind::kCoreInstance: CoreInstanceP(c.core_instances[i]); return Ok();
      case SectionKind::kCoreType:
        Line() += "(core type" + S().Next(Sort::kCoreType) + " ";
        CoreTypeP(c.core_types[i]);
        out_ += ")";
        return Ok();
      case SectionKind::kComponent: {
        Line();
        std::string label = S().Next(Sort::kComponent);
        return PrintComponent(c.components[i], label);
      }
      case SectionKind::kInstance: InstanceP(c.instances[i]); return Ok();
      case SectionKind::kAlias: Line() += AliasText(c.aliases[i]); return Ok();
      case SectionKind::kType:
        Line() += "(type" + S().Next(Sort::kType) + " ";
        TypeP(c.types[i]);
        out_ += ")";
        return Ok();
      case SectionKind::kCanon: Line() += CanonText(c.canons[i]); return Ok();
      case SectionKind::kStart: Line() += StartText(c.starts[i]); return Ok();
      case SectionKind::kImport: {
        const Import& im = c.imports[i];
        Line() += "(import " + NameText(im.name) + " " + ExternText(im.type, true) + ")";
        return Ok();
      }
      case SectionKind::kExport: {
        const Export& ex = c.exports[i];
        std::string item = SortIdxText(ex.item);
        Line() += "(export" + S().Next(ex.item.sort) + " " + NameText(ex.name) + " " + item;
        if (ex.type) out_ += " " + ExternText(*ex.type, false);
        out_ += ")";
        return Ok();
      }
      case SectionKind::kValue: {
        // Explainer.md's literal form where the type has one and the bytes are exactly what
        // that literal encodes to; else the (binary ...) form, the value's own bytes, exact for
        // every type.
        const Value& v = c.values[i];
        Line() += "(value" + S().Next(Sort::kValue) + " " + Val(v.type) + " ";
        S().literal_types.Update(c, section_);
        std::optional<std::string> lit = PrintValueLiteral(v.bytes, v.type, c, S().literal_types);
        out_ += lit ? *lit : "(binary " + QuoteWatString(std::span<const uint8_t>(v.bytes)) + ")";
        out_ += ")";
        return Ok();
      }
    }
    return Ok();
  }

  Status CoreModuleP(const CoreModule& m) {
    auto text = PrintWat(m.module);
    if (!text) {
      Error e = std::move(text.error());
      if (e.offset != kNoOffset && m.offset != kNoOffset) e.offset += m.offset;
      return std::unexpected(std::move(e));
    }
    Line() += "(core module" + S().Next(Sort::kCoreModule);
    // The core printer's `(module $id?` line and closing `)` are replaced; the fields between
    // are re-indented. Strings are quoted with escapes, so every '\n' is between tokens.
    std::string_view t = *text;
    size_t first_nl = t.find('\n');
    size_t last = t.rfind("\n)");
    if (first_nl != std::string_view::npos && last != std::string_view::npos && last > first_nl) {
      std::string_view body = t.substr(first_nl + 1, last - first_nl - 1);
      while (!body.empty()) {
        size_t nl = body.find('\n');
        std::string_view line = body.substr(0, nl);
        Line() += line;
        if (nl == std::string_view::npos) break;
        body.remove_prefix(nl + 1);
      }
    }
    out_ += ")";
    return Ok();
  }

  void CoreInstanceP(const CoreInstance& ci) {
    std::string& o = Line() += "(core instance" + S().Next(Sort::kCoreInstance);
    if (ci.kind == CoreInstance::Kind::kInstantiate) {
      o += " (instantiate " + Ref(Sort::kCoreModule, ci.module);
      for (const auto& a : ci.args)
        o += " (with " + Quote(a.name) + " (instance " + Ref(Sort::kCoreInstance, a.instance) + "))";
      o += ")";
    } else {
      for (const auto& e : ci.exports)
        o += " (export " + Quote(e.name) + " (" + SortText(e.item.sort, true) + " " +
             Ref(e.item.sort, e.item.index) + "))";
    }
    o += ")";
  }

  void InstanceP(const Instance& in) {
    std::string& o = Line() += "(instance" + S().Next(Sort::kInstance);
    if (in.kind == Instance::Kind::kInstantiate) {
      o += " (instantiate " + Ref(Sort::kComponent, in.component);
      for (const auto& a : in.args) o += " (with " + Quote(a.name) + " " + SortIdxText(a.item) + ")";
      o += ")";
    } else {
      for (const auto& e : in.exports)
        o += " (export " + NameText(e.name) + " " + SortIdxText(e.item) + ")";
    }
    o += ")";
  }

  std::string SortIdxText(const SortIdx& si) {
    return "(" + SortText(si.sort) + " " + Ref(si.sort, si.index) + ")";
  }

  std::string NameText(const ExternName& n) {
    std::string s = Quote(n.name);
    static constexpr const char* kAttr[] = {"implements", "versionsuffix", "external-id"};
    for (const NameAttribute& a : n.attributes)
      s += std::string(" (") + kAttr[static_cast<size_t>(a.kind)] + " " + Quote(a.value) + ")";
    return s;
  }

  // --- aliases --------------------------------------------------------------------------------
  std::string AliasText(const Alias& a) {
    std::string s = "(alias ";
    switch (a.target) {
      case Alias::Target::kExport:
        s += "export " + Ref(Sort::kInstance, a.instance) + " " + Quote(a.name);
        break;
      case Alias::Target::kCoreExport:
        s += "core export " + Ref(Sort::kCoreInstance, a.instance) + " " + Quote(a.name);
        break;
      case Alias::Target::kOuter:
        s += "outer " + std::to_string(a.count) + " " + std::to_string(a.index);
        break;
    }
    return s + " (" + SortText(a.sort) + S().Next(a.sort) + "))";
  }

  // --- core types -----------------------------------------------------------------------------
  std::string CoreFuncText(const FuncType& f) {
    std::string s = "(func";
    if (!f.params.empty()) {
      s += " (param";
      for (nw::ValType v : f.params) s += " " + CoreValText(v);
      s += ")";
    }
    if (!f.results.empty()) {
      s += " (result";
      for (nw::ValType v : f.results) s += " " + CoreValText(v);
      s += ")";
    }
    return s + ")";
  }

  void CoreTypeP(const CoreTypeDef& t) {
    if (t.kind == CoreTypeDef::Kind::kFunc) {
      if (!t.sub) {
        out_ += CoreFuncText(t.func);
        return;
      }
      // Printed as Wasm 3.0 writes it; ParseComponentText does not read `sub` yet.
      out_ += "(sub";
      if (t.final) out_ += " final";
      for (uint32_t s : t.supertypes) out_ += " " + std::to_string(s);
      out_ += " " + CoreFuncText(t.func) + ")";
      return;
    }
    out_ += "(module";
    ++depth_;
    uint32_t types = 0;
    for (const CoreModuleDecl& d : t.decls) {
      std::string& o = Line();
      switch (d.kind) {
        case CoreModuleDecl::Kind::kImport:
          o += "(import " + Quote(d.module) + " " + Quote(d.name) + " " + CoreExternText(d.type) + ")";
          break;
        case CoreModuleDecl::Kind::kExport:
          o += "(export " + Quote(d.name) + " " + CoreExternText(d.type) + ")";
          break;
        case CoreModuleDecl::Kind::kType:
          o += "(type (;" + std::to_string(types++) + ";) ";
          if (!d.def.empty()) CoreTypeP(d.def[0]);
          out_ += ")";
          break;
        case CoreModuleDecl::Kind::kAlias:
          o += "(alias outer " + std::to_string(d.outer_count) + " " + std::to_string(d.outer_index) +
               " (type (;" + std::to_string(types++) + ";)))";
          break;
      }
    }
    --depth_;
    out_ += ")";
  }

  static std::string LimitsText(const Limits& l) {
    std::string s = std::to_string(l.min);
    if (l.max) s += " " + std::to_string(*l.max);
    return s;
  }
  std::string CoreExternText(const CoreExternType& t) {
    if (t.is_tag) return "(tag (type " + std::to_string(t.type_index) + "))";
    switch (t.kind) {
      case ExternKind::kFunc: return "(func (type " + std::to_string(t.type_index) + "))";
      case ExternKind::kTable:
        return "(table " + LimitsText(t.table.limits) + " " + CoreValText(t.table.elem) + ")";
      case ExternKind::kMemory:
        return "(memory " + LimitsText(t.memory.limits) + (t.memory.shared ? " shared)" : ")");
      case ExternKind::kGlobal:
        return t.global.mut ? "(global (mut " + CoreValText(t.global.type) + "))"
                            : "(global " + CoreValText(t.global.type) + ")";
      case ExternKind::kTag: return "(tag (type " + std::to_string(t.type_index) + "))";
    }
    return "";
  }

  // --- component types ------------------------------------------------------------------------
  std::string DefValText(const DefValType& v) {
    auto labels = [&](const char* head) {
      std::string s = std::string("(") + head;
      for (const auto& l : v.labels) s += " " + Quote(l);
      return s + ")";
    };
    switch (v.kind) {
      case DefValKind::kPrim: return PrimTypeName(v.prim);
      case DefValKind::kRecord: {
        std::string s = "(record";
        for (const auto& f : v.fields)
          s += " (field " + Quote(f.label) + " " + Val(f.type.value_or(ValType{})) + ")";
        return s + ")";
      }
      case DefValKind::kVariant: {
        std::string s = "(variant";
        for (const auto& c : v.fields)
          s += " (case " + Quote(c.label) + (c.type ? " " + Val(*c.type) : "") + ")";
        return s + ")";
      }
      case DefValKind::kList: return "(list " + Val(*v.a) + ")";
      case DefValKind::kFixedList: return "(list " + Val(*v.a) + " " + std::to_string(v.length) + ")";
      case DefValKind::kTuple: {
        std::string s = "(tuple";
        for (const auto& t : v.types) s += " " + Val(t);
        return s + ")";
      }
      case DefValKind::kFlags: return labels("flags");
      case DefValKind::kEnum: return labels("enum");
      case DefValKind::kOption: return "(option " + Val(*v.a) + ")";
      case DefValKind::kResult: {
        std::string s = "(result";
        if (v.a) s += " " + Val(*v.a);
        if (v.b) s += " (error " + Val(*v.b) + ")";
        return s + ")";
      }
      case DefValKind::kOwn: return "(own " + Ref(Sort::kType, v.index) + ")";
      case DefValKind::kBorrow: return "(borrow " + Ref(Sort::kType, v.index) + ")";
      case DefValKind::kStream: return v.a ? "(stream " + Val(*v.a) + ")" : "(stream)";
      case DefValKind::kFuture: return v.a ? "(future " + Val(*v.a) + ")" : "(future)";
      case DefValKind::kMap: return "(map " + Val(*v.a) + " " + Val(*v.b) + ")";
    }
    return "";
  }

  std::string FuncTypeText(const FuncTypeC& f) {
    std::string s = f.async ? "(func async" : "(func";
    for (const auto& p : f.params)
      s += " (param " + Quote(p.label) + " " + Val(p.type.value_or(ValType{})) + ")";
    if (f.result) s += " (result " + Val(*f.result) + ")";
    return s + ")";
  }

  void TypeP(const TypeDef& t) {
    switch (t.kind) {
      case TypeDef::Kind::kDefVal: out_ += DefValText(t.val); return;
      case TypeDef::Kind::kFunc: out_ += FuncTypeText(t.func); return;
      case TypeDef::Kind::kResource:
        out_ += "(resource (rep " + CoreValText(t.resource.rep) + ")";
        if (t.resource.dtor) out_ += " (dtor (func " + Ref(Sort::kCoreFunc, *t.resource.dtor) + "))";
        out_ += ")";
        return;
      case TypeDef::Kind::kComponent:
      case TypeDef::Kind::kInstance:
        out_ += t.kind == TypeDef::Kind::kComponent ? "(component" : "(instance";
        scopes_.emplace_back();  // a new index space, numbered, never named
        ++depth_;
        for (const Decl& d : t.decls) DeclP(d);
        --depth_;
        scopes_.pop_back();
        out_ += ")";
        return;
    }
  }

  void DeclP(const Decl& d) {
    switch (d.kind) {
      case Decl::Kind::kCoreType:
        Line() += "(core type" + S().Next(Sort::kCoreType) + " ";
        if (!d.core_type.empty()) CoreTypeP(d.core_type[0]);
        out_ += ")";
        return;
      case Decl::Kind::kType:
        Line() += "(type" + S().Next(Sort::kType) + " ";
        if (!d.type.empty()) TypeP(d.type[0]);
        out_ += ")";
        return;
      case Decl::Kind::kAlias: Line() += AliasText(d.alias); return;
      case Decl::Kind::kImport:
      case Decl::Kind::kExport:
        Line() += std::string(d.kind == Decl::Kind::kImport ? "(import " : "(export ") +
                  NameText(d.name) + " " + ExternText(d.extern_type, true) + ")";
        return;
    }
  }

  // An externdesc; `defines`: it adds an item to the current scope (imports and declarators,
  // not the ascribed type of an export).
  std::string ExternText(const ExternTypeC& t, bool defines) {
    Sort sort = SortOfExternKind(t.kind);
    std::string label = defines ? S().Next(sort) : "";
    switch (t.kind) {
      case ExternKindC::kModule:
        return "(core module" + label + " (type " + Ref(Sort::kCoreType, t.index) + "))";
      case ExternKindC::kFunc:
      case ExternKindC::kComponent:
      case ExternKindC::kInstance:
        return "(" + SortText(sort) + label + " (type " + Ref(Sort::kType, t.index) + "))";
      case ExternKindC::kValue:
        return "(value" + label +
               (t.bound_eq ? " (eq " + Ref(Sort::kValue, t.index) + "))" : " " + Val(t.value_type) + ")");
      case ExternKindC::kType:
        return "(type" + label +
               (t.bound_eq ? " (eq " + Ref(Sort::kType, t.index) + "))" : " (sub resource))");
    }
    return "";
  }

  // --- canon, start ---------------------------------------------------------------------------
  std::string OptsText(const std::vector<CanonOpt>& opts) {
    std::string s;
    for (const CanonOpt& o : opts) {
      switch (o.kind) {
        case CanonOpt::Kind::kUtf8: s += " string-encoding=utf8"; break;
        case CanonOpt::Kind::kUtf16: s += " string-encoding=utf16"; break;
        case CanonOpt::Kind::kLatin1Utf16: s += " string-encoding=latin1+utf16"; break;
        case CanonOpt::Kind::kMemory: s += " (memory " + Ref(Sort::kCoreMemory, o.index) + ")"; break;
        case CanonOpt::Kind::kRealloc: s += " (realloc " + Ref(Sort::kCoreFunc, o.index) + ")"; break;
        case CanonOpt::Kind::kPostReturn:
          s += " (post-return " + Ref(Sort::kCoreFunc, o.index) + ")";
          break;
        case CanonOpt::Kind::kAsync: s += " async"; break;
        case CanonOpt::Kind::kCallback: s += " (callback " + Ref(Sort::kCoreFunc, o.index) + ")"; break;
      }
    }
    return s;
  }

  std::string CanonText(const Canon& c) {
    std::string s = std::string("(canon ") + CanonKindName(c.kind);
    auto flag = [&](const char* kw) {
      if (c.flag) s += std::string(" ") + kw;
    };
    switch (c.kind) {
      case CanonKind::kLift:
        s += " (core func " + Ref(Sort::kCoreFunc, c.func) + ")" + OptsText(c.opts);
        return s + " (func" + S().Next(Sort::kFunc) + " (type " + Ref(Sort::kType, c.type) + ")))";
      case CanonKind::kLower: s += " (func " + Ref(Sort::kFunc, c.func) + ")" + OptsText(c.opts); break;
      case CanonKind::kResourceNew: case CanonKind::kResourceDrop: case CanonKind::kResourceRep:
      case CanonKind::kStreamNew: case CanonKind::kStreamDropReadable:
      case CanonKind::kStreamDropWritable: case CanonKind::kFutureNew:
      case CanonKind::kFutureDropReadable: case CanonKind::kFutureDropWritable:
        s += " " + Ref(Sort::kType, c.type);
        if (c.kind == CanonKind::kResourceDrop) flag("async");
        break;
      case CanonKind::kStreamRead: case CanonKind::kStreamWrite: case CanonKind::kFutureRead:
      case CanonKind::kFutureWrite:
        s += " " + Ref(Sort::kType, c.type) + OptsText(c.opts);
        break;
      case CanonKind::kStreamCancelRead: case CanonKind::kStreamCancelWrite:
      case CanonKind::kFutureCancelRead: case CanonKind::kFutureCancelWrite:
        s += " " + Ref(Sort::kType, c.type);
        flag("async");
        break;
      case CanonKind::kSubtaskCancel: flag("async"); break;
      case CanonKind::kTaskReturn:
        if (c.result) s += " (result " + Val(*c.result) + ")";
        s += OptsText(c.opts);
        break;
      case CanonKind::kContextGet: case CanonKind::kContextSet:
        s += " " + CoreValText(c.core_type) + " " + std::to_string(c.index);
        break;
      case CanonKind::kErrorContextNew: case CanonKind::kErrorContextDebugMessage:
        s += OptsText(c.opts);
        break;
      case CanonKind::kWaitableSetWait: case CanonKind::kWaitableSetPoll:
        flag("cancellable");
        s += " (memory " + Ref(Sort::kCoreMemory, c.index) + ")";
        break;
      case CanonKind::kThreadYield: case CanonKind::kThreadSuspend:
      case CanonKind::kThreadSuspendThenResume: case CanonKind::kThreadYieldThenResume:
      case CanonKind::kThreadSuspendThenPromote: case CanonKind::kThreadYieldThenPromote:
        flag("cancellable");
        break;
      case CanonKind::kThreadNewIndirect:
        s += " " + Ref(Sort::kCoreType, c.type) + " (core table " + Ref(Sort::kCoreTable, c.index) + ")";
        break;
      case CanonKind::kThreadSpawnRef:
        flag("shared");
        s += " " + Ref(Sort::kCoreType, c.type);
        break;
      case CanonKind::kThreadSpawnIndirect:
        flag("shared");
        s += " " + Ref(Sort::kCoreType, c.type) + " (core table " + Ref(Sort::kCoreTable, c.index) + ")";
        break;
      case CanonKind::kThreadAvailableParallelism: flag("shared"); break;
      case CanonKind::kTaskCancel: case CanonKind::kSubtaskDrop: case CanonKind::kErrorContextDrop:
      case CanonKind::kWaitableSetNew: case CanonKind::kWaitableSetDrop:
      case CanonKind::kWaitableJoin: case CanonKind::kBackpressureInc:
      case CanonKind::kBackpressureDec: case CanonKind::kThreadIndex:
      case CanonKind::kThreadResumeLater:
        break;
    }
    return s + " (core func" + S().Next(Sort::kCoreFunc) + "))";
  }

  std::string StartText(const Start& st) {
    std::string s = "(start " + Ref(Sort::kFunc, st.func);
    for (uint32_t a : st.args) s += " (value " + Ref(Sort::kValue, a) + ")";
    for (uint32_t r = 0; r < st.results; ++r) s += " (result (value" + S().Next(Sort::kValue) + "))";
    return s + ")";
  }

  std::string out_;
  size_t section_ = 0;  // the section being printed (value literals resolve types before it)
  size_t depth_ = 0;
  std::vector<Scope> scopes_;
};

}  // namespace

Result<std::string> PrintComponentText(const Component& c) {
  Printer p;
  return p.Run(c);
}

}  // namespace nw::component
