// The structural dump of dump.h.
#include "component/dump.h"

#include "component/binary_reader.h"
#include "component/validate.h"

namespace nw::component {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Val(const ValType& v) {
  return v.is_index ? std::to_string(v.index) : PrimTypeName(v.prim);
}


std::string DefVal(const DefValType& v) {
  auto labels = [&](const char* head) {
    std::string s = std::string("(") + head;
    for (const auto& l : v.labels) s += " " + Quote(l);
    return s + ")";
  };
  switch (v.kind) {
    case DefValKind::kPrim: return PrimTypeName(v.prim);
    case DefValKind::kRecord: {
      std::string s = "(record";
      for (const auto& f : v.fields) s += " (field " + Quote(f.label) + " " + Val(*f.type) + ")";
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
    case DefValKind::kOwn: return "(own " + std::to_string(v.index) + ")";
    case DefValKind::kBorrow: return "(borrow " + std::to_string(v.index) + ")";
    case DefValKind::kStream: return v.a ? "(stream " + Val(*v.a) + ")" : "(stream)";
    case DefValKind::kFuture: return v.a ? "(future " + Val(*v.a) + ")" : "(future)";
    case DefValKind::kMap: return "(map " + Val(*v.a) + " " + Val(*v.b) + ")";
  }
  return "?";
}

std::string Name(const ExternName& n) {
  std::string s = Quote(n.name);
  for (const auto& a : n.attributes) {
    static constexpr const char* kKinds[] = {"implements", "versionsuffix", "external-id"};
    s += " (" + std::string(kKinds[static_cast<int>(a.kind)]) + " " + Quote(a.value) + ")";
  }
  return s;
}

std::string Extern(const ExternTypeC& t) {
  std::string i = std::to_string(t.index);
  switch (t.kind) {
    case ExternKindC::kModule: return "(core module (type " + i + "))";
    case ExternKindC::kFunc: return "(func (type " + i + "))";
    case ExternKindC::kComponent: return "(component (type " + i + "))";
    case ExternKindC::kInstance: return "(instance (type " + i + "))";
    case ExternKindC::kValue:
      return t.bound_eq ? "(value (eq " + i + "))" : "(value " + Val(t.value_type) + ")";
    case ExternKindC::kType: return t.bound_eq ? "(type (eq " + i + "))" : "(type (sub resource))";
  }
  return "?";
}

std::string SortIdxText(const SortIdx& s) {
  return std::string("(") + SortName(s.sort) + " " + std::to_string(s.index) + ")";
}

std::string AliasText(const Alias& a) {
  switch (a.target) {
    case Alias::Target::kExport:
      return "(alias export " + std::to_string(a.instance) + " " + Quote(a.name) + " (" +
             SortName(a.sort) + "))";
    case Alias::Target::kCoreExport:
      return "(alias core export " + std::to_string(a.instance) + " " + Quote(a.name) + " (" +
             SortName(a.sort) + "))";
    case Alias::Target::kOuter:
      return "(alias outer " + std::to_string(a.count) + " " + std::to_string(a.index) + " (" +
             SortName(a.sort) + "))";
  }
  return "?";
}

class Dumper {
 public:
  std::string out;

  void Line(int depth, const std::string& s) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
    out += s;
    out += '\n';
  }

  void CoreType(int depth, const CoreTypeDef& t) {
    if (t.kind == CoreTypeDef::Kind::kFunc) {
      Line(depth, "(core type " + std::string(t.sub ? "(sub " : "") + CoreFuncTypeText(t.func) +
                      (t.sub ? ")" : "") + ")");
      return;
    }
    Line(depth, "(core type (module");
    for (const CoreModuleDecl& d : t.decls) {
      switch (d.kind) {
        case CoreModuleDecl::Kind::kImport:
          Line(depth + 1, "(import " + Quote(d.module) + " " + Quote(d.name) + " " +
                              std::string(d.type.is_tag ? "tag" : ExternKindName(d.type.kind)) +
                              ")");
          break;
        case CoreModuleDecl::Kind::kExport:
          Line(depth + 1, "(export " + Quote(d.name) + " " +
                              std::string(d.type.is_tag ? "tag" : ExternKindName(d.type.kind)) +
                              ")");
          break;
        case CoreModuleDecl::Kind::kType: CoreType(depth + 1, d.def[0]); break;
        case CoreModuleDecl::Kind::kAlias:
          Line(depth + 1, "(alias outer " + std::to_string(d.outer_count) + " " +
                              std::to_string(d.outer_index) + " (type))");
          break;
      }
    }
    Line(depth, "))");
  }

  void Type(int depth, const TypeDef& t, const std::string& head = "type") {
    switch (t.kind) {
      case TypeDef::Kind::kDefVal: Line(depth, "(" + head + " " + DefVal(t.val) + ")"); return;
      case TypeDef::Kind::kFunc: {
        std::string s = "(" + head + " (func" + (t.func.async ? " async" : "");
        for (const auto& p : t.func.params) s += " (param " + Quote(p.label) + " " + Val(*p.type) + ")";
        if (t.func.result) s += " (result " + Val(*t.func.result) + ")";
        Line(depth, s + "))");
        return;
      }
      case TypeDef::Kind::kResource: {
        std::string s = "(" + head + " (resource (rep " + std::string(nw::ValTypeName(t.resource.rep)) + ")";
        if (t.resource.dtor) s += " (dtor (core func " + std::to_string(*t.resource.dtor) + "))";
        Line(depth, s + "))");
        return;
      }
      case TypeDef::Kind::kComponent:
      case TypeDef::Kind::kInstance:
        Line(depth, "(" + head + (t.kind == TypeDef::Kind::kComponent ? " (component" : " (instance"));
        for (const Decl& d : t.decls) {
          switch (d.kind) {
            case Decl::Kind::kCoreType: CoreType(depth + 1, d.core_type[0]); break;
            case Decl::Kind::kType: Type(depth + 1, d.type[0]); break;
            case Decl::Kind::kAlias: Line(depth + 1, AliasText(d.alias)); break;
            case Decl::Kind::kImport:
              Line(depth + 1, "(import " + Name(d.name) + " " + Extern(d.extern_type) + ")");
              break;
            case Decl::Kind::kExport:
              Line(depth + 1, "(export " + Name(d.name) + " " + Extern(d.extern_type) + ")");
              break;
          }
        }
        Line(depth, "))");
        return;
    }
  }

  void CanonLine(int depth, const Canon& c) {
    std::string s = std::string("(canon ") + CanonKindName(c.kind);
    switch (c.kind) {
      case CanonKind::kLift: s += " (core func " + std::to_string(c.func) + ")"; break;
      case CanonKind::kLower: s += " (func " + std::to_string(c.func) + ")"; break;
      default:
        break;
    }
    static constexpr const char* kOpts[] = {"string-encoding=utf8", "string-encoding=utf16",
                                            "string-encoding=latin1+utf16", "memory", "realloc",
                                            "post-return", "async", "callback"};
    for (const CanonOpt& o : c.opts) {
      int k = static_cast<int>(o.kind);
      if (k >= 3 && k != 6) s += std::string(" (") + kOpts[k] + " " + std::to_string(o.index) + ")";
      else s += std::string(" ") + kOpts[k];
    }
    if (c.kind == CanonKind::kLift || (c.kind >= CanonKind::kResourceNew &&
                                       c.kind <= CanonKind::kResourceRep))
      s += " (type " + std::to_string(c.type) + ")";
    if (c.flag) s += " (flag)";
    Line(depth, s + ")");
  }

  void Component(int depth, const component::Component& c) {
    Line(depth, "(component");
    for (const Section& sec : c.sections) {
      for (uint32_t i = sec.first; i < sec.first + sec.count; ++i) Definition(depth + 1, c, sec.kind, i);
    }
    Line(depth, ")");
  }

  void Definition(int d, const component::Component& c, SectionKind kind, uint32_t i) {
    switch (kind) {
      case SectionKind::kCustom:
        Line(d, "(@custom " + Quote(c.customs[i].name) + " (; " +
                    std::to_string(c.customs[i].payload.size()) + " bytes ;))");
        return;
      case SectionKind::kCoreModule: {
        const ModuleDesc& m = c.core_modules[i].module;
        Line(d, "(core module (; " + std::to_string(c.core_modules[i].size) + " bytes ;)");
        for (const auto& im : m.imports)
          Line(d + 1, "(import " + Quote(im.module) + " " + Quote(im.name) + " " +
                          std::string(ExternKindName(im.kind)) + ")");
        for (const auto& ex : m.exports)
          Line(d + 1, "(export " + Quote(ex.name) + " (" + std::string(ExternKindName(ex.kind)) +
                          " " + std::to_string(ex.index) + "))");
        Line(d, ")");
        return;
      }
      case SectionKind::kCoreInstance: {
        const CoreInstance& ci = c.core_instances[i];
        std::string s = "(core instance";
        if (ci.kind == CoreInstance::Kind::kInstantiate) {
          s += " (instantiate " + std::to_string(ci.module);
          for (const auto& a : ci.args)
            s += " (with " + Quote(a.name) + " (instance " + std::to_string(a.instance) + "))";
          s += ")";
        } else {
          for (const auto& e : ci.exports) s += " (export " + Quote(e.name) + " " + SortIdxText(e.item) + ")";
        }
        Line(d, s + ")");
        return;
      }
      case SectionKind::kCoreType: CoreType(d, c.core_types[i]); return;
      case SectionKind::kComponent: Component(d, c.components[i]); return;
      case SectionKind::kInstance: {
        const Instance& in = c.instances[i];
        std::string s = "(instance";
        if (in.kind == Instance::Kind::kInstantiate) {
          s += " (instantiate " + std::to_string(in.component);
          for (const auto& a : in.args) s += " (with " + Quote(a.name) + " " + SortIdxText(a.item) + ")";
          s += ")";
        } else {
          for (const auto& e : in.exports) s += " (export " + Name(e.name) + " " + SortIdxText(e.item) + ")";
        }
        Line(d, s + ")");
        return;
      }
      case SectionKind::kAlias: Line(d, AliasText(c.aliases[i])); return;
      case SectionKind::kType: Type(d, c.types[i]); return;
      case SectionKind::kCanon: CanonLine(d, c.canons[i]); return;
      case SectionKind::kStart: {
        const Start& st = c.starts[i];
        std::string s = "(start " + std::to_string(st.func);
        for (uint32_t a : st.args) s += " (value " + std::to_string(a) + ")";
        Line(d, s + " (; " + std::to_string(st.results) + " results ;))");
        return;
      }
      case SectionKind::kImport:
        Line(d, "(import " + Name(c.imports[i].name) + " " + Extern(c.imports[i].type) + ")");
        return;
      case SectionKind::kExport: {
        const Export& ex = c.exports[i];
        Line(d, "(export " + Name(ex.name) + " " + SortIdxText(ex.item) +
                    (ex.type ? " " + Extern(*ex.type) : "") + ")");
        return;
      }
      case SectionKind::kValue:
        Line(d, "(value " + Val(c.values[i].type) + " (; " +
                    std::to_string(c.values[i].bytes.size()) + " bytes ;))");
        return;
    }
  }
};

}  // namespace

std::string CoreFuncTypeText(const nw::FuncType& f) {
  std::string s = "(func";
  if (!f.params.empty()) {
    s += " (param";
    for (auto t : f.params) (s += " ") += nw::ValTypeName(t);
    s += ")";
  }
  if (!f.results.empty()) {
    s += " (result";
    for (auto t : f.results) (s += " ") += nw::ValTypeName(t);
    s += ")";
  }
  return s + ")";
}

std::string DumpComponent(const Component& c) {
  Dumper d;
  d.Component(0, c);
  return std::move(d.out);
}

Status ValidateComponentBinary(std::span<const uint8_t> bytes) {
  NW_TRY_ASSIGN(Component c, DecodeComponent(bytes));
  return ValidateComponent(c);
}

Result<std::string> DumpComponentBinary(std::span<const uint8_t> bytes) {
  NW_TRY_ASSIGN(Component c, DecodeComponent(bytes));
  return DumpComponent(c);
}

}  // namespace nw::component
