// The artifact container (artifact.h). Reading checks, in order: magic, format version, header
// size and header checksum, total size (truncation), payload checksum (corruption), then what
// the header says against this engine (version, code ABI, configuration, CPU), then the section
// table and each section's internal structure. Every offset and count is checked against the
// bytes before use, so no input makes the reader read out of bounds or allocate beyond the
// artifact's own size.
#include "aot/artifact.h"

#include <algorithm>
#include <cstring>

#include "aot/cpu_features.h"
#include "aot/xxhash64.h"
#include "base/reader.h"

#ifndef NW_VERSION
#error "NW_VERSION (CMake's project version) must be defined"
#endif

namespace nw::aot {
namespace {

constexpr size_t kVersionBytes = 16;
constexpr size_t kSectionEntryBytes = 24;
constexpr size_t kHeaderChecksumAt = 120;
constexpr size_t kPayloadChecksumAt = 80;
constexpr uint32_t kMaxSections = 16;

template <class T>
T Get(std::span<const uint8_t> b, size_t at) {
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}
template <class T>
void Put(std::vector<uint8_t>& b, size_t at, T v) {
  std::memcpy(b.data() + at, &v, sizeof v);
}
void Append(std::vector<uint8_t>& b, const void* p, size_t n) {
  const auto* c = static_cast<const uint8_t*>(p);
  b.insert(b.end(), c, c + n);
}
template <class T>
void Append(std::vector<uint8_t>& b, T v) {
  Append(b, &v, sizeof v);
}
size_t AlignUp(size_t v, size_t a) { return (v + a - 1) / a * a; }

uint64_t HeaderChecksum(std::span<const uint8_t> header) {
  uint64_t zero = 0;
  uint64_t h = Xxh64(header.first(kHeaderChecksumAt));
  // Chain the parts: the checksum field itself counts as zero.
  h = Xxh64({reinterpret_cast<const uint8_t*>(&zero), 8}, h);
  return Xxh64(header.subspan(kHeaderChecksumAt + 8), h);
}

std::unexpected<Error> Bad(size_t offset, std::string message) {
  return MakeError(offset, "artifact: " + message);
}

const char* NanModeName(uint8_t m) {
  return m == 0 ? "off" : m == 1 ? "all" : m == 2 ? "arithmetic" : "unknown";
}
const char* BoundsName(uint8_t m) {
  return m == 0   ? "explicit"
         : m == 1 ? "guard-pages"
         : m == 2 ? "guard-pages, relaxed traps"
                  : "unknown";
}

// The first field in which `got` (the artifact's) differs from `want` (this engine's).
std::string ConfigMismatch(const CodeConfig& got, const CodeConfig& want) {
  auto on = [](bool b) { return b ? "on" : "off"; };
  if (got.bounds != want.bounds)
    return std::string("bounds checks ") + BoundsName(got.bounds) + ", this engine uses " +
           BoundsName(want.bounds);
  if (got.consume_fuel != want.consume_fuel)
    return std::string("fuel ") + on(got.consume_fuel) + ", this engine has it " +
           on(want.consume_fuel);
  if (got.epoch_interruption != want.epoch_interruption)
    return std::string("epoch interruption ") + on(got.epoch_interruption) +
           ", this engine has it " + on(want.epoch_interruption);
  if (got.canonicalize_nans != want.canonicalize_nans)
    return std::string("NaN canonicalization ") + NanModeName(got.canonicalize_nans) +
           ", this engine uses " + NanModeName(want.canonicalize_nans);
  return "a configuration whose hash differs";
}

std::string FixedString(std::span<const uint8_t> b, size_t at, size_t n) {
  const char* s = reinterpret_cast<const char*>(b.data() + at);
  return std::string(s, strnlen(s, n));
}

Result<void> ReadFunctions(std::span<const uint8_t> s, size_t base, Artifact& a) {
  if (s.size() < 4) return Bad(base, "function table too short");
  uint32_t n = Get<uint32_t>(s, 0);
  if ((s.size() - 4) / kSectionEntryBytes != n || (s.size() - 4) % kSectionEntryBytes != 0)
    return Bad(base, "function table size does not match its count " + std::to_string(n));
  a.funcs.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = 4 + size_t{i} * kSectionEntryBytes;
    FuncCode& f = a.funcs[i];
    f.entry = Get<uint64_t>(s, at);
    f.array_entry = Get<uint64_t>(s, at + 8);
    f.size = Get<uint64_t>(s, at + 16);
    // (kNoEntry: a function the compiler removed because nothing can call it.) The exact
    // check against the mapped code is the loader's (opt/artifact.cc CheckFunctionTable).
    if ((f.entry != FuncCode::kNoEntry && f.entry > a.object.size()) || f.size > a.object.size() ||
        (f.array_entry != FuncCode::kNoEntry && f.array_entry > a.object.size()))
      return Bad(base + at, "function " + std::to_string(i) + "'s code lies outside the object");
  }
  return {};
}

// Section 4 (artifact.h), LEB128-compact: per function n, then per entry the code offset's
// increase, the wasm offset's change (zigzag: code order is not wasm order) and the inline id;
// then the inline frames. About 3-4 bytes an entry instead of 12.
void AppendLeb(std::vector<uint8_t>& b, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    b.push_back(static_cast<uint8_t>(byte | (v ? 0x80 : 0)));
  } while (v);
}

std::vector<uint8_t> WriteOffsetMaps(const Artifact& a) {
  std::vector<uint8_t> maps;
  Append(maps, static_cast<uint32_t>(a.funcs.size()));
  for (size_t i = 0; i < a.funcs.size(); ++i) {
    uint32_t b = i + 1 < a.offset_map_begin.size() ? a.offset_map_begin[i] : 0;
    uint32_t e = i + 1 < a.offset_map_begin.size() ? a.offset_map_begin[i + 1] : 0;
    AppendLeb(maps, e - b);
    uint32_t code = 0, wasm = 0;
    for (uint32_t j = b; j < e; ++j) {
      const OffsetMapEntry& m = a.offset_maps[j];
      // (A writer's entries are sorted; an unsorted one is written as a wrapped increase,
      // which the reader refuses.)
      AppendLeb(maps, static_cast<uint32_t>(m.code_offset - code));
      const int64_t d = int64_t{m.wasm_offset} - int64_t{wasm};
      AppendLeb(maps, (static_cast<uint64_t>(d) << 1) ^ static_cast<uint64_t>(d >> 63));
      AppendLeb(maps, m.inline_id);
      code = m.code_offset;
      wasm = m.wasm_offset;
    }
  }
  AppendLeb(maps, a.inline_frames.size());
  for (const InlineFrame& f : a.inline_frames) {
    AppendLeb(maps, f.func_index);
    AppendLeb(maps, f.call_offset);
    AppendLeb(maps, f.parent);
  }
  return maps;
}

Result<void> ReadOffsetMaps(std::span<const uint8_t> s, size_t base, Artifact& a) {
  Reader r(s, base);
  auto bad = [&] { return Bad(r.offset(), "offset maps truncated or malformed"); };
  auto n = r.U32Fixed();
  if (!n) return Bad(base, "offset maps too short");
  if (*n != a.funcs.size())
    return Bad(base, "offset maps cover " + std::to_string(*n) + " functions, the function table " +
                         std::to_string(a.funcs.size()));
  a.offset_map_begin.assign(size_t{*n} + 1, 0);
  for (uint32_t i = 0; i < *n; ++i) {
    auto k = r.ULeb(32);
    if (!k) return bad();
    if (r.remaining() / 3 < *k) return Bad(r.offset(), "offset map longer than its section");
    a.offset_map_begin[i] = static_cast<uint32_t>(a.offset_maps.size());
    uint64_t code = 0;
    int64_t wasm = 0;
    for (uint32_t j = 0; j < *k; ++j) {
      const size_t at = r.offset();
      auto dc = r.ULeb(32);
      auto dw = dc ? r.ULeb(64) : dc;
      auto id = dw ? r.ULeb(32) : dw;
      if (!id) return bad();
      code += *dc;
      wasm += static_cast<int64_t>(*dw >> 1) ^ -static_cast<int64_t>(*dw & 1);
      // (Wasm offsets are not checked against the module: they are only shown, and for a
      // module compiled from text they are the text's.)
      if (code >= a.funcs[i].size || wasm < 0 || wasm > int64_t{UINT32_MAX})
        return Bad(at, "offset map entry out of order or out of range");
      a.offset_maps.push_back({static_cast<uint32_t>(code), static_cast<uint32_t>(wasm),
                               static_cast<uint32_t>(*id)});
    }
  }
  a.offset_map_begin[*n] = static_cast<uint32_t>(a.offset_maps.size());
  auto m = r.ULeb(32);
  if (!m) return bad();
  if (r.remaining() / 3 < *m) return Bad(r.offset(), "inline frames longer than their section");
  for (uint32_t i = 0; i < *m; ++i) {
    const size_t at = r.offset();
    auto func = r.ULeb(32);
    auto call = func ? r.ULeb(32) : func;
    auto parent = call ? r.ULeb(32) : call;
    if (!parent) return bad();
    if (*parent > i) return Bad(at, "inline frame out of order or out of range");
    a.inline_frames.push_back({static_cast<uint32_t>(*func), static_cast<uint32_t>(*call),
                               static_cast<uint32_t>(*parent)});
  }
  for (const OffsetMapEntry& e : a.offset_maps)
    if (e.inline_id > *m) return Bad(base, "offset map entry names no inline frame");
  if (!r.at_end()) return Bad(r.offset(), "trailing bytes after the offset maps");
  return {};
}

}  // namespace

std::string_view EngineVersion() { return NW_VERSION; }

bool HasArtifactMagic(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

uint64_t CodeConfig::Hash() const {
  const uint8_t fields[] = {1 /* field-set version */, bounds, consume_fuel, epoch_interruption,
                            canonicalize_nans};
  return Xxh64(fields);
}

std::vector<uint8_t> WriteArtifact(const Artifact& a) {
  std::vector<uint8_t> out(kFixedHeaderBytes, 0);
  std::memcpy(out.data(), kMagic, sizeof kMagic);
  Put<uint32_t>(out, 8, kFormatVersion);
  std::memcpy(out.data() + 16, a.engine_version.data(),
              std::min(a.engine_version.size(), kVersionBytes));
  Put<uint64_t>(out, 32, a.abi_hash);
  Put<uint64_t>(out, 40, a.config.Hash());
  out[48] = a.config.bounds;
  out[49] = a.config.consume_fuel;
  out[50] = a.config.epoch_interruption;
  out[51] = a.config.canonicalize_nans;
  out[52] = a.opt_level;
  std::string_view cpu = std::string_view(a.cpu).substr(0, kMaxTargetBytes / 2);
  std::string_view features = std::string_view(a.features).substr(0, kMaxTargetBytes / 2);
  Put<uint32_t>(out, 56, static_cast<uint32_t>(cpu.size()));
  Put<uint32_t>(out, 60, static_cast<uint32_t>(features.size()));
  Append(out, cpu.data(), cpu.size());
  Append(out, features.data(), features.size());
  out.resize(AlignUp(out.size(), 8), 0);
  const size_t header_size = out.size();
  Put<uint32_t>(out, 12, static_cast<uint32_t>(header_size));

  // Section bodies, then the table that points at them.
  std::vector<std::pair<SectionId, std::vector<uint8_t>>> sections;
  sections.push_back({SectionId::kModule, {a.module.begin(), a.module.end()}});
  sections.push_back({SectionId::kObject, {a.object.begin(), a.object.end()}});
  std::vector<uint8_t> funcs;
  Append(funcs, static_cast<uint32_t>(a.funcs.size()));
  for (const FuncCode& f : a.funcs) {
    Append(funcs, f.entry);
    Append(funcs, f.array_entry);
    Append(funcs, f.size);
  }
  sections.push_back({SectionId::kFunctions, std::move(funcs)});
  std::vector<uint8_t> maps = WriteOffsetMaps(a);
  sections.push_back({SectionId::kOffsetMaps, std::move(maps)});

  size_t table_at = out.size();
  out.resize(table_at + sections.size() * kSectionEntryBytes, 0);
  for (size_t i = 0; i < sections.size(); ++i) {
    out.resize(AlignUp(out.size(), 16), 0);
    size_t at = table_at + i * kSectionEntryBytes;
    Put<uint32_t>(out, at, static_cast<uint32_t>(sections[i].first));
    Put<uint64_t>(out, at + 8, out.size());
    Put<uint64_t>(out, at + 16, sections[i].second.size());
    Append(out, sections[i].second.data(), sections[i].second.size());
  }
  Put<uint64_t>(out, 64, out.size());
  Put<uint32_t>(out, 72, static_cast<uint32_t>(sections.size()));
  Put<uint64_t>(out, kPayloadChecksumAt, Xxh64(std::span(out).subspan(header_size)));
  Put<uint64_t>(out, kHeaderChecksumAt, HeaderChecksum(std::span(out).first(header_size)));
  return out;
}

Result<void> CheckIntegrity(std::span<const uint8_t> b) {
  if (!HasArtifactMagic(b)) return Bad(0, "not a nanowasm artifact (bad magic)");
  if (b.size() < 12) return Bad(b.size(), "truncated header");
  uint32_t version = Get<uint32_t>(b, 8);
  if (version != kFormatVersion)
    return Bad(8, "format version " + std::to_string(version) + "; this nanowasm reads version " +
                      std::to_string(kFormatVersion) + " (recompile with `nanowasm compile`)");
  if (b.size() < kFixedHeaderBytes) return Bad(b.size(), "truncated header");
  uint32_t header_size = Get<uint32_t>(b, 12);
  if (header_size < kFixedHeaderBytes || header_size % 8 != 0 ||
      header_size > kFixedHeaderBytes + kMaxTargetBytes + 8)
    return Bad(12, "bad header size " + std::to_string(header_size));
  if (b.size() < header_size) return Bad(b.size(), "truncated header");
  if (Get<uint64_t>(b, kHeaderChecksumAt) != HeaderChecksum(b.first(header_size)))
    return Bad(kHeaderChecksumAt, "header checksum mismatch: the artifact is corrupt");
  uint64_t total = Get<uint64_t>(b, 64);
  if (total != b.size())
    return Bad(b.size(), "the header records " + std::to_string(total) + " bytes, the file has " +
                             std::to_string(b.size()) +
                             (total > b.size() ? " (truncated)" : " (trailing bytes)"));
  if (Get<uint64_t>(b, kPayloadChecksumAt) != Xxh64(b.subspan(header_size)))
    return Bad(header_size, "checksum mismatch: the artifact is corrupt");
  return {};
}

Result<Artifact> ReadArtifact(std::span<const uint8_t> b, const Expectations& expect) {
  NW_TRY(CheckIntegrity(b));
  const uint32_t header_size = Get<uint32_t>(b, 12);
  // The header is intact: compare what it records with this engine.
  Artifact a;
  a.engine_version = FixedString(b, 16, kVersionBytes);
  if (a.engine_version != expect.engine_version)
    return Bad(16, "compiled by nanowasm " + a.engine_version + ", this is nanowasm " +
                       std::string(expect.engine_version) + " (recompile with `nanowasm compile`)");
  a.abi_hash = Get<uint64_t>(b, 32);
  if (a.abi_hash != expect.abi_hash)
    return Bad(32, "compiled for another code ABI (instance layout or builtins) of this version; "
                   "recompile with `nanowasm compile`");
  a.config = {b[48], b[49] != 0, b[50] != 0, b[51]};
  a.opt_level = b[52];
  if (b[49] > 1 || b[50] > 1 || b[53] || b[54] || b[55] || Get<uint32_t>(b, 76))
    return Bad(48, "bad configuration fields");
  if (Get<uint64_t>(b, 40) != a.config.Hash())
    return Bad(40, "configuration hash does not match its fields");
  if (a.config != expect.config)
    return Bad(48, "compiled with " + ConfigMismatch(a.config, expect.config));
  uint32_t cpu_len = Get<uint32_t>(b, 56), features_len = Get<uint32_t>(b, 60);
  if (cpu_len > kMaxTargetBytes || features_len > kMaxTargetBytes ||
      kFixedHeaderBytes + cpu_len + features_len > header_size)
    return Bad(56, "bad target string lengths");
  a.cpu.assign(reinterpret_cast<const char*>(b.data()) + kFixedHeaderBytes, cpu_len);
  a.features.assign(reinterpret_cast<const char*>(b.data()) + kFixedHeaderBytes + cpu_len,
                    features_len);
  if (expect.check_host_cpu) {
    std::string missing = MissingCpuFeature(a.features);
    if (!missing.empty())
      return Bad(kFixedHeaderBytes, "compiled for CPU " + a.cpu + ": " + missing);
  }

  // Sections.
  uint32_t count = Get<uint32_t>(b, 72);
  if (count > kMaxSections) return Bad(72, "too many sections");
  size_t table_end = header_size + size_t{count} * kSectionEntryBytes;
  if (table_end > b.size()) return Bad(72, "section table outside the artifact");
  size_t prev_end = table_end;
  uint32_t seen = 0;
  std::span<const uint8_t> funcs, maps;
  size_t funcs_at = 0, maps_at = 0;
  for (uint32_t i = 0; i < count; ++i) {
    size_t at = header_size + size_t{i} * kSectionEntryBytes;
    uint32_t id = Get<uint32_t>(b, at);
    uint64_t off = Get<uint64_t>(b, at + 8), size = Get<uint64_t>(b, at + 16);
    if (Get<uint32_t>(b, at + 4) != 0) return Bad(at + 4, "bad section entry");
    if (id < 1 || id > 4) return Bad(at, "unknown section id " + std::to_string(id));
    if (seen & (1u << id)) return Bad(at, "duplicate section id " + std::to_string(id));
    seen |= 1u << id;
    if (off % 16 != 0 || off < prev_end || off > b.size() || size > b.size() - off)
      return Bad(at + 8, "section " + std::to_string(id) + " is misplaced or outside the artifact");
    prev_end = off + size;
    std::span<const uint8_t> s = b.subspan(off, size);
    switch (static_cast<SectionId>(id)) {
      case SectionId::kModule: a.module = s; break;
      case SectionId::kObject: a.object = s; break;
      case SectionId::kFunctions: funcs = s, funcs_at = off; break;
      case SectionId::kOffsetMaps: maps = s, maps_at = off; break;
    }
  }
  if (seen != 0x1e) return Bad(72, "a required section is missing");
  NW_TRY(ReadFunctions(funcs, funcs_at, a));
  NW_TRY(ReadOffsetMaps(maps, maps_at, a));
  return a;
}

}  // namespace nw::aot
