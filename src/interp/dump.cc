// A readable listing of translated code, for developers tuning the translator (nanowasm
// interp-dump). Not used when running code.
#include <cstring>
#include <map>
#include <string>

#include "interp/code.h"
#include "interp/interp.h"

namespace nw::interp {

std::string DumpCompiledFunc(const CompiledFunc& f) {
  std::map<uint64_t, std::pair<std::string, int>> names;  // handler -> (name, operand count)
  for (size_t i = 0; i < static_cast<size_t>(Iop::kCount); ++i)
    names[reinterpret_cast<uint64_t>(kHandlers[i])] = {IopName(static_cast<Iop>(i)),
                                                              kOperandCounts[i]};
  for (size_t i = 0; i < kNumSimdOpcodes; ++i) {
    if (kSimdHandlers[i] == nullptr) continue;
    auto op = static_cast<Opcode>(kFirstSimdOpcode + i);
    const OpcodeInfo& info = GetOpcodeInfo(op);
    names[reinterpret_cast<uint64_t>(kSimdHandlers[i])] = {
        std::string(OpcodeName(op)),
        static_cast<int>(SimdOperandCount(info.imm, static_cast<uint32_t>(info.params.size()),
                                                  !info.results.empty()))};
  }
  std::string out = "func[" + std::to_string(f.func_index) + "] params=" +
                    std::to_string(f.num_params) + " slots, frame=" +
                    std::to_string(f.frame_slots) + " slots, zeroed=" + std::to_string(f.zero_slots) +
                    " init=" + std::to_string(f.init.size()) +
                    "\n";
  const uint8_t* base = reinterpret_cast<const uint8_t*>(f.code.data());
  size_t pos = 0, end = f.code.size() * 8;
  while (pos < end) {
    uint64_t h;
    std::memcpy(&h, base + pos, 8);
    auto it = names.find(h);
    if (it == names.end()) {
      out += "  ?? unknown handler\n";
      break;
    }
    int n = it->second.second;
    const bool br_table = it->second.first == "BrTable";
    if (br_table) {
      uint32_t count;
      std::memcpy(&count, base + pos + 12, 4);
      n = 2 + static_cast<int>(count) + 1;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "  %5zu: ", pos);
    out += buf;
    out += it->second.first;
    for (int k = 0; k < n; ++k) {
      uint32_t v;
      std::memcpy(&v, base + pos + 8 + 4 * k, 4);
      out += ' ';
      out += std::to_string(static_cast<int32_t>(v));
    }
    out += '\n';
    pos += InstrBytes(static_cast<uint32_t>(n));
  }
  return out;
}

}  // namespace nw::interp
