// DecodeModule: the binary reader with a delegate that builds a ModuleDesc. All copying out of
// the input buffer happens here, so the reader itself stays allocation-free for views.
#include "format/decode.h"

#include "format/binary_reader.h"

namespace nw {
namespace {

class ModuleBuilder final : public BinaryDelegate {
 public:
  explicit ModuleBuilder(ModuleDesc& m) : m_(m) {}

  Status OnSectionStart(SectionId id, size_t, uint32_t) override {
    if (id != SectionId::kCustom)
      m_.section_mask |= uint32_t{1} << static_cast<uint8_t>(id);
    return Ok();
  }

  // Counts are bounded by the input size, but an entry costs far more memory than its
  // smallest encoding: reserve only up to a cap and let larger sections grow geometrically.
  Status OnCount(SectionId id, uint32_t count) override {
    constexpr uint32_t kReserveCap = 1u << 14;
    const uint32_t n = count < kReserveCap ? count : kReserveCap;
    switch (id) {
      case SectionId::kType:
        m_.types.reserve(n);
        break;
      case SectionId::kImport:
        m_.imports.reserve(n);
        break;
      case SectionId::kFunction:
        m_.functions.reserve(n);
        break;
      case SectionId::kTable:
        m_.tables.reserve(n);
        break;
      case SectionId::kMemory:
        m_.memories.reserve(n);
        break;
      case SectionId::kGlobal:
        m_.globals.reserve(n);
        break;
      case SectionId::kExport:
        m_.exports.reserve(n);
        break;
      case SectionId::kElem:
        m_.elems.reserve(n);
        break;
      case SectionId::kData:
        m_.datas.reserve(n);
        break;
      default:
        break;
    }
    return Ok();
  }

  Status OnType(uint32_t, FuncType&& t) override {
    m_.types.push_back(std::move(t));
    return Ok();
  }
  Status OnImport(uint32_t, Import&& im) override {
    m_.imports.push_back(std::move(im));
    return Ok();
  }
  Status OnFunction(uint32_t, uint32_t type_index) override {
    m_.functions.emplace_back().type_index = type_index;
    return Ok();
  }
  Status OnTable(uint32_t, const TableType& t, size_t offset) override {
    m_.tables.push_back(t);
    m_.table_offsets.push_back(offset);
    return Ok();
  }
  Status OnMemory(uint32_t, const MemoryType& mem, size_t offset) override {
    m_.memories.push_back(mem);
    m_.memory_offsets.push_back(offset);
    return Ok();
  }
  Status OnGlobal(uint32_t, GlobalDecl&& g) override {
    m_.globals.push_back(std::move(g));
    return Ok();
  }
  Status OnTag(uint32_t, uint32_t type_index) override {
    m_.tags.push_back(type_index);
    return Ok();
  }
  Status OnExport(uint32_t, Export&& e) override {
    m_.exports.push_back(std::move(e));
    return Ok();
  }
  Status OnStart(uint32_t func, size_t offset) override {
    m_.start = func;
    m_.start_offset = offset;
    return Ok();
  }
  Status OnElem(uint32_t, ElemSegment&& s) override {
    m_.elems.push_back(std::move(s));
    return Ok();
  }
  Status OnDataCount(uint32_t n, size_t offset) override {
    m_.data_count = n;
    m_.data_count_offset = offset;
    return Ok();
  }
  Status OnCode(uint32_t index, const CodeView& v) override {
    // More bodies than functions is reported by the reader at the end; keep them meanwhile.
    if (index >= m_.functions.size())
      m_.functions.resize(index + 1);
    Function& f = m_.functions[index];
    f.locals.assign(v.locals.begin(), v.locals.end());
    f.body.assign(v.body.begin(), v.body.end());
    f.body_offset = v.body_offset;
    f.code_offset = v.code_offset;
    f.start_offset = v.start_offset;
    return Ok();
  }
  Status OnData(uint32_t, const DataView& v) override {
    DataSegment& d = m_.datas.emplace_back();
    d.mode = v.mode;
    d.flags = v.flags;
    d.memory_index = v.memory_index;
    d.offset = v.offset;
    d.bytes.assign(v.bytes.begin(), v.bytes.end());
    return Ok();
  }
  Status OnCustom(const CustomView& v) override {
    CustomSection& c = m_.customs.emplace_back();
    c.name = v.name;
    c.bytes.assign(v.payload.begin(), v.payload.end());
    c.after = v.after;
    c.offset = v.payload_offset;
    return Ok();
  }
  Status OnNames(Names&& names) override {
    m_.names = std::move(names);
    return Ok();
  }

 private:
  ModuleDesc& m_;
};

}  // namespace

Result<ModuleDesc> DecodeModule(std::span<const uint8_t> bytes, Features features) {
  ModuleDesc m;
  m.features = features;
  ModuleBuilder builder(m);
  NW_TRY(ReadBinary(bytes, builder, features));
  m.CountImports();
  return m;
}

}  // namespace nw
