#include "tools/nanowasm/util.h"

#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "format/decode.h"
#include "text/wat.h"

namespace nwcli {

nw::Result<std::vector<uint8_t>> ReadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return nw::MakeError(path + ": " + std::strerror(errno));
  std::vector<uint8_t> data;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return nw::MakeError(path + ": read error");
  return data;
}

std::string FormatBinaryError(const std::string& path, const nw::Error& e) {
  if (e.offset == nw::kNoOffset) return path + ": " + e.message;
  char buf[32];
  std::snprintf(buf, sizeof buf, ":0x%zx: ", e.offset);
  return path + buf + e.message;
}

nw::Result<LoadedModule> LoadModule(const std::string& path) {
  NW_TRY_ASSIGN(auto bytes, ReadFile(path));
  LoadedModule out;
  static const uint8_t kMagic[4] = {0, 'a', 's', 'm'};
  // Binary if it says so (magic), is named so, or starts with a byte no WAT text can start
  // with; a .wasm file with a bad header then gets the decoder's offset error.
  bool is_binary = (bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0) ||
                   path.ends_with(".wasm") || (!bytes.empty() && bytes[0] == 0);
  if (is_binary) {
    auto desc = nw::DecodeModule(bytes);
    if (!desc) return nw::MakeError(FormatBinaryError(path, desc.error()));
    out.desc = std::move(*desc);
    return out;
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  auto desc = nw::ParseWat(text);
  if (!desc) {
    const auto& e = desc.error();
    if (e.offset == nw::kNoOffset) return nw::MakeError(path + ": " + e.message);
    auto lc = nw::LineColAt(text, e.offset);
    return nw::MakeError(path + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) +
                         ": " + e.message);
  }
  out.desc = std::move(*desc);
  out.from_text = true;
  return out;
}

namespace {

std::string FormatF64(double d, uint64_t bits, int nan_payload_bits) {
  if (std::isnan(d)) {
    uint64_t payload = bits & ((uint64_t{1} << nan_payload_bits) - 1);
    bool neg = bits >> (nan_payload_bits == 23 ? 31 : 63);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%snan:0x%" PRIx64, neg ? "-" : "", payload);
    return buf;
  }
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

}  // namespace

std::string FormatVal(const nw::Val& v) {
  switch (v.type) {
    case nw::ValType::kI32: return std::to_string(v.i32());
    case nw::ValType::kI64: return std::to_string(v.i64());
    case nw::ValType::kF32: {
      float f;
      uint32_t b = static_cast<uint32_t>(v.bits);
      std::memcpy(&f, &b, 4);
      if (std::isnan(f) || std::isinf(f)) return FormatF64(f, b, 23);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(f));
      return buf;
    }
    case nw::ValType::kF64: {
      double d;
      std::memcpy(&d, &v.bits, 8);
      return FormatF64(d, v.bits, 52);
    }
    case nw::ValType::kV128: {
      std::string s = "v128:";
      char buf[4];
      for (uint8_t b : v.v128.bytes) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        s += buf;
      }
      return s;
    }
    case nw::ValType::kFuncRef: return v.func ? "funcref" : "ref.null func";
    case nw::ValType::kExternRef:
      return v.bits ? "externref:" + std::to_string(v.bits) : "ref.null extern";
  }
  return "?";
}

std::optional<nw::Val> ParseValArg(std::string_view text, nw::ValType t) {
  auto parse_int = [&](auto& out) {
    std::string_view s = text;
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
      neg = s[0] == '-';
      s.remove_prefix(1);
    }
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      s.remove_prefix(2);
    }
    uint64_t u = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), u, base);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return false;
    out = neg ? static_cast<uint64_t>(0) - u : u;
    return true;
  };
  switch (t) {
    case nw::ValType::kI32: {
      uint64_t u;
      if (!parse_int(u)) return std::nullopt;
      return nw::Val::I32(static_cast<int32_t>(u));
    }
    case nw::ValType::kI64: {
      uint64_t u;
      if (!parse_int(u)) return std::nullopt;
      return nw::Val::I64(static_cast<int64_t>(u));
    }
    case nw::ValType::kF32:
    case nw::ValType::kF64: {
      std::string s(text);
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end) return std::nullopt;
      if (t == nw::ValType::kF64) {
        uint64_t b;
        std::memcpy(&b, &d, 8);
        return nw::Val::F64Bits(b);
      }
      float f = std::strtof(s.c_str(), nullptr);
      uint32_t b;
      std::memcpy(&b, &f, 4);
      return nw::Val::F32Bits(b);
    }
    default: return std::nullopt;
  }
}

}  // namespace nwcli
