// The wasm form of a fused adapter (wasm_adapter.h): the binary of its module, encoded here
// directly (five sections and a name section; no text round trip at link time).
#include "component/wasm_adapter.h"

#include <string_view>

namespace nw::component {
namespace {

void Uleb(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void Sleb(std::vector<uint8_t>& out, int32_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

void Name(std::vector<uint8_t>& out, std::string_view s) {
  Uleb(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

uint8_t ValByte(FlatType t) {
  switch (t) {
    case FlatType::kI32: return 0x7f;
    case FlatType::kI64: return 0x7e;
    case FlatType::kF32: return 0x7d;
    case FlatType::kF64: return 0x7c;
  }
  return 0x7f;
}

void EncodeFuncType(std::vector<uint8_t>& out, const std::vector<FlatType>& params,
              const std::vector<FlatType>& results) {
  out.push_back(0x60);
  Uleb(out, static_cast<uint32_t>(params.size()));
  for (FlatType t : params) out.push_back(ValByte(t));
  Uleb(out, static_cast<uint32_t>(results.size()));
  for (FlatType t : results) out.push_back(ValByte(t));
}

void Section(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& body) {
  out.push_back(id);
  Uleb(out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
}

}  // namespace

std::vector<uint8_t> WasmAdapterModule(const FunctionPlan& fp, const FusedAdapter::SplitForm& form) {
  const std::vector<FlatType>& lower_params = fp.lower_sig.params;
  const std::vector<FlatType>& lower_results = fp.lower_sig.results;
  const std::vector<FlatType>& callee_params = fp.lift_sig.params;
  const std::vector<FlatType>& callee_results = fp.lift_sig.results;
  const bool out_param = fp.results.in_memory;  // the lower's last parameter
  const std::vector<FlatType> i32{FlatType::kI32};

  // Types (one per function, in import order, then the adapter's).
  enum : uint32_t { kEnter, kCallee, kResults, kRealloc, kParams };
  std::vector<uint8_t> types;
  const uint32_t nimports = form.allocates ? 5 : 3;
  Uleb(types, nimports + 1);
  EncodeFuncType(types, lower_params, form.allocates ? i32 : callee_params);  // enter
  EncodeFuncType(types, callee_params, callee_results);                       // callee
  std::vector<FlatType> results_params = callee_results;
  if (out_param) results_params.push_back(FlatType::kI32);
  EncodeFuncType(types, results_params, lower_results);  // results
  if (form.allocates) {
    EncodeFuncType(types, {FlatType::kI32, FlatType::kI32, FlatType::kI32, FlatType::kI32}, i32);  // realloc
    EncodeFuncType(types, i32, callee_params);                                                   // params
  }
  EncodeFuncType(types, lower_params, lower_results);  // the adapter, type index nimports

  static constexpr std::string_view kNames[] = {"enter", "callee", "results", "realloc", "params"};
  std::vector<uint8_t> imports;
  Uleb(imports, nimports);
  for (uint32_t i = 0; i < nimports; ++i) {
    Name(imports, "");
    Name(imports, kNames[i]);
    imports.push_back(0x00);  // func
    Uleb(imports, i);
  }

  std::vector<uint8_t> funcs;
  Uleb(funcs, 1);
  Uleb(funcs, nimports);

  std::vector<uint8_t> exports;
  Uleb(exports, 1);
  Name(exports, "adapter");
  exports.push_back(0x00);
  Uleb(exports, nimports);

  std::vector<uint8_t> body;
  body.push_back(0x00);  // no locals
  auto call = [&](uint32_t f) {
    body.push_back(0x10);
    Uleb(body, f);
  };
  if (form.allocates) {
    body.push_back(0x41);  // i32.const 0: old_ptr
    Sleb(body, 0);
    body.push_back(0x41);  // i32.const 0: old_size
    Sleb(body, 0);
    body.push_back(0x41);  // i32.const align
    Sleb(body, static_cast<int32_t>(form.align));
  }
  for (uint32_t i = 0; i < lower_params.size(); ++i) {
    body.push_back(0x20);  // local.get
    Uleb(body, i);
  }
  call(kEnter);
  if (form.allocates) {
    call(kRealloc);
    call(kParams);
  }
  call(kCallee);
  if (out_param) {
    body.push_back(0x20);
    Uleb(body, static_cast<uint32_t>(lower_params.size() - 1));
  }
  call(kResults);
  body.push_back(0x0b);  // end
  std::vector<uint8_t> code;
  Uleb(code, 1);
  Uleb(code, static_cast<uint32_t>(body.size()));
  code.insert(code.end(), body.begin(), body.end());

  // The name section: function names for backtraces.
  std::vector<uint8_t> names;
  Name(names, "name");
  std::vector<uint8_t> fnames;
  Uleb(fnames, nimports + 1);
  for (uint32_t i = 0; i < nimports; ++i) {
    Uleb(fnames, i);
    Name(fnames, std::string("component adapter: ") + std::string(kNames[i]));
  }
  Uleb(fnames, nimports);
  Name(fnames, "component adapter");
  names.push_back(0x01);  // function names
  Uleb(names, static_cast<uint32_t>(fnames.size()));
  names.insert(names.end(), fnames.begin(), fnames.end());

  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Section(out, 1, types);
  Section(out, 2, imports);
  Section(out, 3, funcs);
  Section(out, 7, exports);
  Section(out, 10, code);
  Section(out, 0, names);
  return out;
}

}  // namespace nw::component
