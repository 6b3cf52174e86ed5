// Normalisation of component ASTs for the printer's round-trip tests (print_test.cc here and
// tests/component-real/print_roundtrip.cc): what the text format has no spelling for is taken out
// of both sides before their encodings are compared.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "component/ast.h"

namespace nw::component::testing {

// `c` without its custom sections other than "component-name" and its empty vector sections
// (which have no text form), with extern names in their 0x00 spelling, recursively;
// `core_names`: also without its component-name section and names, and without the custom
// sections, names and data count sections of its core modules (names come back from $ids only
// where they are valid and unique identifiers).
inline Component Strip(Component c, bool core_names) {
  std::vector<Section> kept;
  for (const Section& s : c.sections) {
    bool names = s.kind == SectionKind::kCustom && c.customs[s.first].name == "component-name";
    if (s.kind == SectionKind::kCustom ? names && !core_names
                                       : s.count > 0 || s.kind == SectionKind::kCoreModule ||
                                             s.kind == SectionKind::kComponent)
      kept.push_back(s);
  }
  c.sections = std::move(kept);
  if (core_names) {
    c.names.reset();
    for (CoreModule& m : c.core_modules) {
      m.module.customs.clear();
      m.module.names = {};
      // The core text format has no spelling for a data count section that no instruction
      // needs (the WAT parser writes one only for memory.init/data.drop): compare without it.
      m.module.data_count.reset();
    }
  }
  // A 0x01 prefix, or 0x02 with no attributes, means what 0x00 means (Binary.md): the text has
  // one spelling for the three.
  auto norm = [](ExternName& n) {
    if (n.prefix == 0x01 || (n.prefix == 0x02 && n.attributes.empty())) n.prefix = 0x00;
  };
  auto norm_decls = [&](std::vector<Decl>& decls, auto& self) -> void {
    for (Decl& d : decls) {
      norm(d.name);
      for (TypeDef& t : d.type) self(t.decls, self);
    }
  };
  for (Import& im : c.imports) norm(im.name);
  for (Export& ex : c.exports) norm(ex.name);
  for (Instance& in : c.instances)
    for (InlineExport& e : in.exports) norm(e.name);
  for (TypeDef& t : c.types) norm_decls(t.decls, norm_decls);
  for (Component& n : c.components) n = Strip(std::move(n), core_names);
  return c;
}

// Where two encodings first differ, with four bytes of each, for failure messages.
inline std::string FirstDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  char buf[160];
  std::snprintf(buf, sizeof buf, " first difference at 0x%zx: %02x %02x %02x %02x vs %02x %02x %02x %02x", i,
                i < a.size() ? a[i] : 0, i + 1 < a.size() ? a[i + 1] : 0, i + 2 < a.size() ? a[i + 2] : 0,
                i + 3 < a.size() ? a[i + 3] : 0, i < b.size() ? b[i] : 0, i + 1 < b.size() ? b[i + 1] : 0,
                i + 2 < b.size() ? b[i + 2] : 0, i + 3 < b.size() ? b[i + 3] : 0);
  return buf;
}

}  // namespace nw::component::testing
