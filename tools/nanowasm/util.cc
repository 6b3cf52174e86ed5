#include "tools/nanowasm/util.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "format/decode.h"
#include "text/lexer.h"
#include "text/printer.h"
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

std::string MultiMemoryHint(std::string message, const nw::Features& features, std::string_view how) {
  if (features.multi_memory) return message;
  for (std::string_view m : {"multiple memories", "zero byte expected", "malformed memop flags"}) {
    if (message.ends_with(m)) {
      message += " (if the module uses several memories: WebAssembly 3.0 multi-memory is off; ";
      message += how;
      message += " turns it on)";
      break;
    }
  }
  return message;
}

nw::Result<LoadedModule> LoadModule(const std::string& path, nw::Features features) {
  NW_TRY_ASSIGN(auto bytes, ReadFile(path));
  LoadedModule out;
  static const uint8_t kMagic[4] = {0, 'a', 's', 'm'};
  // Binary if it says so (magic), is named so, or starts with a byte no WAT text can start
  // with; a .wasm file with a bad header then gets the decoder's offset error.
  bool is_binary = (bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0) ||
                   path.ends_with(".wasm") || (!bytes.empty() && bytes[0] == 0);
  if (is_binary) {
    auto desc = nw::DecodeModule(bytes, features);
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
  out.desc.features = features;
  out.from_text = true;
  return out;
}

std::string FormatVal(const nw::Val& v) {
  switch (v.type) {
    case nw::ValType::kI32: return std::to_string(v.i32());
    case nw::ValType::kI64: return std::to_string(v.i64());
    case nw::ValType::kF32: return nw::FormatF32(static_cast<uint32_t>(v.bits));
    case nw::ValType::kF64: return nw::FormatF64(v.bits);
    case nw::ValType::kV128: {
      // The printer's own v128.const spelling: four little-endian i32 lanes in hex.
      std::string s = "i32x4";
      for (int lane = 0; lane < 4; ++lane) {
        uint32_t w;
        std::memcpy(&w, v.v128.bytes + lane * 4, 4);
        char buf[16];
        std::snprintf(buf, sizeof buf, " 0x%08x", w);
        s += buf;
      }
      return s;
    }
    case nw::ValType::kFuncRef: return v.func ? "ref.func" : "ref.null func";
    case nw::ValType::kExternRef:
      // As in WAST scripts: host word 0 is null, `ref.extern N` is word N + 1.
      return v.bits ? "ref.extern " + std::to_string(v.bits - 1) : "ref.null extern";
    case nw::ValType::kExnRef: return v.bits ? "ref.exn" : "ref.null exn";
  }
  return "?";
}

namespace {

// The text library's errors are worded for a parser ("unknown operator"); say what was wrong.
std::unexpected<nw::Error> ArgError(const nw::Error& e, std::string_view what) {
  if (e.message == "constant out of range")
    return nw::MakeError("out of range for " + std::string(what));
  return nw::MakeError("not " + std::string(what) + " literal");
}

nw::Result<nw::Val> ParseV128Arg(std::string_view text) {
  std::vector<std::string_view> words;
  for (size_t i = 0; i < text.size();) {
    size_t j = text.find_first_of(" \t", i);
    if (j == std::string_view::npos) j = text.size();
    if (j > i) words.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  auto shape = words.empty() ? std::nullopt : nw::ParseV128Shape(words[0]);
  if (!shape || words.size() != shape->lanes + 1)
    return nw::MakeError("not a v128 literal (a shape and its lanes, e.g. \"i32x4 1 2 3 4\")");
  nw::V128 out{};
  for (unsigned i = 0; i < shape->lanes; ++i) {
    std::string_view lane = words[i + 1];
    nw::Result<uint64_t> v = shape->is_float && shape->bits == 32
                                 ? nw::Result<uint64_t>(nw::ParseF32(lane))
                             : shape->is_float ? nw::ParseF64(lane)
                                               : nw::ParseInt(lane, shape->bits);
    if (!v) return ArgError(v.error(), "an " + std::string(words[0]) + " lane");
    std::memcpy(out.bytes + i * (shape->bits / 8), &*v, shape->bits / 8);  // little-endian host
  }
  return nw::Val::V128Bytes(out);
}

}  // namespace

nw::Result<nw::Val> ParseValArg(std::string_view text, nw::ValType t) {
  switch (t) {
    case nw::ValType::kI32: {
      auto v = nw::ParseInt(text, 32);
      if (!v) return ArgError(v.error(), "an i32");
      return nw::Val::Make(t, *v);
    }
    case nw::ValType::kI64: {
      auto v = nw::ParseInt(text, 64);
      if (!v) return ArgError(v.error(), "an i64");
      return nw::Val::Make(t, *v);
    }
    case nw::ValType::kF32: {
      auto v = nw::ParseF32(text);
      if (!v) return ArgError(v.error(), "an f32");
      return nw::Val::F32Bits(*v);
    }
    case nw::ValType::kF64: {
      auto v = nw::ParseF64(text);
      if (!v) return ArgError(v.error(), "an f64");
      return nw::Val::F64Bits(*v);
    }
    case nw::ValType::kV128: return ParseV128Arg(text);
    case nw::ValType::kFuncRef:
      if (text == "ref.null" || text == "ref.null func") return nw::Val::FuncRef(nullptr);
      return nw::MakeError("only \"ref.null func\" can be written for a funcref");
    case nw::ValType::kExternRef: {
      if (text == "ref.null" || text == "ref.null extern") return nw::Val::ExternRef(0);
      if (text.starts_with("ref.extern ")) {
        auto n = nw::ParseUnsigned(text.substr(11), 64);
        if (n && *n != UINT64_MAX) return nw::Val::ExternRef(*n + 1);
      }
      return nw::MakeError("not an externref (\"ref.null extern\" or \"ref.extern N\")");
    }
    case nw::ValType::kExnRef:
      if (text == "ref.null" || text == "ref.null exn") return nw::Val::Make(t, 0);
      return nw::MakeError("only \"ref.null exn\" can be written for an exnref");
  }
  return nw::MakeError("unsupported parameter type");
}

}  // namespace nwcli
