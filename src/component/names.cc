// Extern-name grammar and uniqueness; see names.h.
#include "component/names.h"

#include <cctype>

namespace nw::component {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// words ::= first-word ('-' word)*: kebab case with lowercase words only.
bool IsWords(std::string_view s) {
  if (!IsKebabLabel(s)) return false;
  for (char c : s)
    if (IsUpper(c)) return false;
  return true;
}

std::unexpected<Error> NotValid(size_t at, std::string_view name, const std::string& why) {
  std::string m = "`" + std::string(name) + "` is not a valid extern name";
  if (!why.empty()) m += ": " + why;
  return MakeError(at, std::move(m));
}

std::string NotKebab(std::string_view part) {
  return "`" + std::string(part) + "` is not in kebab case";
}

// A semver 2.0.0 version: MAJOR.MINOR.PATCH[-pre][+build], numbers without leading zeros.
// Messages follow the semver crate that wasm-tools uses.
std::string CheckSemver(std::string_view v) {
  if (v.empty()) return "empty string, expected a semver version";
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    if (i == v.size()) return "unexpected end of input while parsing version";
    if (!IsDigit(v[i]))
      return std::string("unexpected character '") + v[i] + "' while parsing version";
    size_t b = i;
    while (i < v.size() && IsDigit(v[i])) ++i;
    if (v[b] == '0' && i - b > 1) return "invalid leading zero in version number";
    if (part < 2) {
      if (i == v.size()) return "unexpected end of input while parsing version";
      if (v[i] != '.')
        return std::string("unexpected character '") + v[i] + "' after version number";
      ++i;
    }
  }
  while (i < v.size()) {
    char sep = v[i];
    if (sep != '-' && sep != '+')
      return std::string("unexpected character '") + v[i] + "' after patch version number";
    ++i;
    // Dot-separated identifiers of [0-9A-Za-z-], none empty.
    size_t seg = i;
    while (true) {
      if (i == v.size() || v[i] == '.' || (sep == '-' && v[i] == '+')) {
        if (i == seg) return "empty identifier segment in version";
        if (i < v.size() && v[i] == '.') {
          seg = ++i;
          continue;
        }
        break;
      }
      char c = v[i];
      if (!IsLower(c) && !IsUpper(c) && !IsDigit(c) && c != '-')
        return std::string("unexpected character '") + c + "' in version";
      ++i;
    }
    if (sep == '+' && i < v.size()) return "unexpected character in build metadata";
  }
  return {};
}

Status CheckInterfaceName(std::string_view name, size_t at) {
  size_t colon = name.find(':');
  std::string_view ns = name.substr(0, colon);
  std::string_view rest = name.substr(colon + 1);
  if (!IsKebabLabel(ns)) return NotValid(at, name, NotKebab(ns));
  if (!IsWords(ns)) return NotValid(at, name, "`" + std::string(ns) + "` is not a namespace");
  size_t slash = rest.find('/');
  size_t colon2 = rest.find(':');
  if (colon2 != std::string_view::npos && (slash == std::string_view::npos || colon2 < slash))
    return NotValid(at, name, "expected `/` after package name");
  std::string_view pkg = rest.substr(0, slash);
  if (!IsKebabLabel(pkg)) return NotValid(at, name, NotKebab(pkg));
  if (!IsWords(pkg)) return NotValid(at, name, "`" + std::string(pkg) + "` is not a package name");
  if (slash == std::string_view::npos) return NotValid(at, name, "expected `/` after package name");
  std::string_view tail = rest.substr(slash + 1);
  size_t end = 0;
  while (end < tail.size() && tail[end] != '@' && tail[end] != '/') ++end;
  std::string_view iface = tail.substr(0, end);
  if (!IsKebabLabel(iface)) return NotValid(at, name, NotKebab(iface));
  if (end < tail.size() && tail[end] == '/')
    return NotValid(at, name, "trailing characters found: `" + std::string(tail.substr(end)) + "`");
  if (end < tail.size()) {
    std::string why = CheckSemver(tail.substr(end + 1));
    if (!why.empty()) return NotValid(at, name, why);
  }
  return Ok();
}

}  // namespace

bool IsKebabLabel(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  bool first = true;
  while (true) {
    size_t b = i;
    while (i < s.size() && s[i] != '-') ++i;
    std::string_view frag = s.substr(b, i - b);
    if (frag.empty()) return false;
    if (first && !IsLower(frag[0]) && !IsUpper(frag[0])) return false;
    bool lower = false, upper = false;
    for (char c : frag) {
      if (IsLower(c)) lower = true;
      else if (IsUpper(c)) upper = true;
      else if (!IsDigit(c)) return false;
    }
    if (lower && upper) return false;
    first = false;
    if (i == s.size()) return true;
    ++i;  // '-'
  }
}

PlainName ParsePlainName(std::string_view name) {
  PlainName p;
  auto starts = [&](std::string_view pre) { return name.substr(0, pre.size()) == pre; };
  if (starts("[constructor]")) {
    p.annotation = 'c';
    p.resource = p.label = name.substr(13);
  } else if (starts("[method]") || starts("[static]")) {
    p.annotation = name[1] == 'm' ? 'm' : 's';
    std::string_view rest = name.substr(8);
    size_t dot = rest.find('.');
    p.resource = rest.substr(0, dot);
    p.label = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    if (dot == std::string_view::npos) p.annotation = '?';
  } else if (starts("[")) {
    p.annotation = '?';
  } else {
    p.label = name;
  }
  return p;
}

Status CheckExternName(std::string_view name, size_t at) {
  if (name.find(':') != std::string_view::npos) return CheckInterfaceName(name, at);
  PlainName p = ParsePlainName(name);
  if (p.annotation == '?') {
    bool dotted = name.substr(0, 8) == "[method]" || name.substr(0, 8) == "[static]";
    return NotValid(at, name, dotted ? "failed to find `.` character"
                                     : "unknown or malformed name annotation");
  }
  if ((p.annotation == 'm' || p.annotation == 's') && !IsKebabLabel(p.resource))
    return NotValid(at, name, NotKebab(p.resource));
  if (!IsKebabLabel(p.label)) return NotValid(at, name, NotKebab(p.label));
  return Ok();
}

std::string UniquenessKey(std::string_view name) {
  std::string k(name);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Explainer.md "Name uniqueness": `[method]l.l` / `[static]l.l` become `l`; other annotations
  // except `[constructor]` are stripped.
  PlainName p = ParsePlainName(k);
  if ((p.annotation == 'm' || p.annotation == 's') && p.resource == p.label)
    return std::string(p.label);
  if (p.annotation == 'm' || p.annotation == 's') return k.substr(8);
  return k;
}

}  // namespace nw::component
