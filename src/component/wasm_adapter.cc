// The wasm form of a fused adapter (wasm_adapter.h): the binary of its module, encoded here
// directly (five sections and a name section; no text round trip at link time).
#include "component/wasm_adapter.h"

#include <optional>
#include <string>
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

void Names(std::vector<uint8_t>& out, const std::vector<std::string_view>& imports) {
  std::vector<uint8_t> names;
  Name(names, "name");
  std::vector<uint8_t> fnames;
  Uleb(fnames, static_cast<uint32_t>(imports.size() + 1));
  for (uint32_t i = 0; i < imports.size(); ++i) {
    Uleb(fnames, i);
    Name(fnames, std::string("component adapter: ") + std::string(imports[i]));
  }
  Uleb(fnames, static_cast<uint32_t>(imports.size()));
  Name(fnames, "component adapter");
  names.push_back(0x01);  // function names
  Uleb(names, static_cast<uint32_t>(fnames.size()));
  names.insert(names.end(), fnames.begin(), fnames.end());
  Section(out, 0, names);
}

// Code emission (one function body).
struct Code {
  std::vector<uint8_t> b;
  void Op(uint8_t op) { b.push_back(op); }
  void U(uint32_t v) { Uleb(b, v); }
  void I32(int32_t v) { Op(0x41); Sleb(b, v); }
  void I64(int32_t v) { Op(0x42); Sleb(b, v); }
  void Get(uint32_t local) { Op(0x20); U(local); }
  void Set(uint32_t local) { Op(0x21); U(local); }
  void Tee(uint32_t local) { Op(0x22); U(local); }
  void GlobalGet(uint32_t g) { Op(0x23); U(g); }
  void GlobalSet(uint32_t g) { Op(0x24); U(g); }
  void Call(uint32_t f) { Op(0x10); U(f); }
  // A load or store of memory `mem` at `offset` (alignment hint 1 byte).
  void Mem(uint8_t op, uint32_t mem, uint32_t offset) {
    Op(op);
    if (mem == 0) {
      U(0);
    } else {
      U(0x40);  // multi-memory: a memory index follows
      U(mem);
    }
    U(offset);
  }
  // if (cond on the stack) { trap(code) }
  void TrapIf(uint32_t trap_func, DirectTrap code) {
    Op(0x04);
    Op(0x40);
    I32(static_cast<int32_t>(code));
    Call(trap_func);
    Op(0x0b);
  }
  // Traps when addr (an i32 local) is not a multiple of align.
  void CheckAlign(uint32_t addr, uint32_t align, uint32_t trap_func, DirectTrap code) {
    if (align <= 1) return;
    Get(addr);
    I32(static_cast<int32_t>(align - 1));
    Op(0x71);  // i32.and
    TrapIf(trap_func, code);
  }
  // Traps when addr + bytes (i32 locals or a constant size) passes the end of memory `mem`.
  void CheckBounds(uint32_t addr, std::optional<uint32_t> bytes_local, uint32_t bytes_const, uint32_t mem,
                   uint32_t trap_func, DirectTrap code) {
    Get(addr);
    Op(0xad);  // i64.extend_i32_u
    if (bytes_local) {
      Get(*bytes_local);
      Op(0xad);
    } else {
      I64(static_cast<int32_t>(bytes_const));
    }
    Op(0x7c);  // i64.add
    Op(0x3f);  // memory.size
    U(mem);
    Op(0xad);
    I64(16);
    Op(0x86);  // i64.shl: pages to bytes
    Op(0x56);  // i64.gt_u
    TrapIf(trap_func, code);
  }
};

// The module: `types` (the imports' in order, then the adapter's), function imports from ""
// named `funcs` (type i for import i), then the `extra` import entries (memories, globals;
// `nextra` of them), one function of the last type exported as "adapter" with body `code`
// (locals included), and the name section.
std::vector<uint8_t> Assemble(const std::vector<uint8_t>& types, const std::vector<std::string_view>& funcs,
                              const std::vector<uint8_t>& extra, uint32_t nextra, const Code& code) {
  const uint32_t nfuncs = static_cast<uint32_t>(funcs.size());
  std::vector<uint8_t> imports;
  Uleb(imports, nfuncs + nextra);
  for (uint32_t i = 0; i < nfuncs; ++i) {
    Name(imports, "");
    Name(imports, funcs[i]);
    imports.push_back(0x00);  // func
    Uleb(imports, i);
  }
  imports.insert(imports.end(), extra.begin(), extra.end());
  std::vector<uint8_t> decls;
  Uleb(decls, 1);
  Uleb(decls, nfuncs);
  std::vector<uint8_t> exports;
  Uleb(exports, 1);
  Name(exports, "adapter");
  exports.push_back(0x00);
  Uleb(exports, nfuncs);
  std::vector<uint8_t> bodies;
  Uleb(bodies, 1);
  Uleb(bodies, static_cast<uint32_t>(code.b.size() + 1));
  bodies.insert(bodies.end(), code.b.begin(), code.b.end());
  bodies.push_back(0x0b);  // end
  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Section(out, 1, types);
  Section(out, 2, imports);
  Section(out, 3, decls);
  Section(out, 7, exports);
  Section(out, 10, bodies);
  Names(out, funcs);
  return out;
}
}  // namespace

std::vector<uint8_t> WasmAdapterModule(const FunctionPlan& fp, const FusedAdapter::SplitForm& form) {
  const std::vector<FlatType>& lower_params = fp.lower_sig.params;
  const std::vector<FlatType>& callee_params = fp.lift_sig.params;
  const std::vector<FlatType>& callee_results = fp.lift_sig.results;
  const bool out_param = fp.results.in_memory;  // the lower's last parameter
  const std::vector<FlatType> i32{FlatType::kI32};

  // Types: one per import, in import order, then the adapter's.
  enum : uint32_t { kEnter, kCallee, kResults, kRealloc, kParams };
  std::vector<std::string_view> funcs = {"enter", "callee", "results"};
  if (form.allocates) funcs.insert(funcs.end(), {"realloc", "params"});
  std::vector<uint8_t> types;
  Uleb(types, static_cast<uint32_t>(funcs.size() + 1));
  EncodeFuncType(types, lower_params, form.allocates ? i32 : callee_params);  // enter
  EncodeFuncType(types, callee_params, callee_results);                       // callee
  std::vector<FlatType> results_params = callee_results;
  if (out_param) results_params.push_back(FlatType::kI32);
  EncodeFuncType(types, results_params, fp.lower_sig.results);  // results
  if (form.allocates) {
    EncodeFuncType(types, {FlatType::kI32, FlatType::kI32, FlatType::kI32, FlatType::kI32}, i32);  // realloc
    EncodeFuncType(types, i32, callee_params);                                                   // params
  }
  EncodeFuncType(types, lower_params, fp.lower_sig.results);  // the adapter

  Code c;
  c.U(0);  // no locals
  if (form.allocates) {  // realloc(0, 0, align, bytes)
    c.I32(0);
    c.I32(0);
    c.I32(static_cast<int32_t>(form.align));
  }
  for (uint32_t i = 0; i < lower_params.size(); ++i) c.Get(i);
  c.Call(kEnter);
  if (form.allocates) {
    c.Call(kRealloc);
    c.Call(kParams);
  }
  c.Call(kCallee);
  if (out_param) c.Get(static_cast<uint32_t>(lower_params.size() - 1));
  c.Call(kResults);
  return Assemble(types, funcs, {}, 0, c);
}

std::vector<uint8_t> WasmAdapterDirectModule(const FunctionPlan& fp, const FusedAdapter::DirectForm& d,
                                             uint32_t entering) {
  const std::vector<FlatType>& lower_params = fp.lower_sig.params;
  const std::vector<FlatType>& lower_results = fp.lower_sig.results;
  const std::vector<FlatType>& callee_params = fp.lift_sig.params;
  const std::vector<FlatType>& callee_results = fp.lift_sig.results;
  const bool out_param = fp.results.in_memory;
  const std::vector<FlatType> i32{FlatType::kI32};
  const std::vector<FlatType> i32x2{FlatType::kI32, FlatType::kI32};
  // Function imports: "check" only for a string (a list's checks are all made here).
  std::vector<std::string_view> funcs = {"callee", "realloc", "trap", "copy"};
  if (!d.list) funcs.insert(funcs.end(), {"check", "string_trap"});
  const uint32_t kCallee = 0, kRealloc = 1, kTrap = 2, kCopy = 3, kCheck = 4, kStringTrap = 5;

  std::vector<uint8_t> types;
  Uleb(types, static_cast<uint32_t>(funcs.size() + 1));
  EncodeFuncType(types, callee_params, callee_results);                                     // callee
  EncodeFuncType(types, {FlatType::kI32, FlatType::kI32, FlatType::kI32, FlatType::kI32}, i32);  // realloc
  EncodeFuncType(types, i32, {});                                                           // trap
  EncodeFuncType(types, {FlatType::kI32, FlatType::kI32, FlatType::kI32}, i32);             // copy
  if (!d.list) {
    EncodeFuncType(types, i32x2, i32);  // check
    EncodeFuncType(types, i32x2, {});   // string_trap
  }
  EncodeFuncType(types, lower_params, lower_results);                                       // the adapter

  std::vector<uint8_t> extra;
  for (std::string_view m : {"caller_memory", "callee_memory"}) {
    Name(extra, "");
    Name(extra, m);
    extra.push_back(0x02);  // memory, limits min 0 and no max: any memory matches
    extra.push_back(0x00);
    Uleb(extra, 0);
  }
  auto global = [&](const std::string& name) {
    Name(extra, "");
    Name(extra, name);
    extra.push_back(0x03);  // mutable i32 global
    extra.push_back(0x7f);
    extra.push_back(0x01);
  };
  global("caller_may_leave");  // global 0
  global("callee_may_leave");  // global 1
  for (uint32_t i = 0; i < entering; ++i) global("may_enter" + std::to_string(i));  // 2 + i
  const uint32_t kCallerMayLeave = 0, kCalleeMayLeave = 1, kMayEnter = 2;

  const uint32_t np = static_cast<uint32_t>(lower_params.size());
  const uint32_t dptr = np, bytes = np + 1, sptr = np + 2;
  const uint32_t ptr = d.alloc_param, len = d.alloc_param + 1;
  Code c;
  c.U(1);  // one run of locals: three i32
  c.U(3);
  c.Op(0x7f);
  // FusedAdapter::Call's order: may_leave of the caller, may_enter of every entering
  // instance (then cleared), the source's checks, realloc with the callee's may_leave clear.
  c.GlobalGet(kCallerMayLeave);
  c.Op(0x45);  // i32.eqz
  c.TrapIf(kTrap, DirectTrap::kCannotLeave);
  for (uint32_t i = 0; i < entering; ++i) {
    c.GlobalGet(kMayEnter + i);
    c.Op(0x45);
    c.TrapIf(kTrap, DirectTrap::kCannotEnter);
  }
  for (uint32_t i = 0; i < entering; ++i) {
    c.I32(0);
    c.GlobalSet(kMayEnter + i);
  }
  if (!d.list) {
    // Length, bounds and UTF-8 in one host leaf (1: valid); its cold partner traps.
    c.Get(ptr);
    c.Get(len);
    c.Call(kCheck);
    c.Op(0x45);  // i32.eqz
    c.Op(0x04);  // if
    c.Op(0x40);
    c.Get(ptr);
    c.Get(len);
    c.Call(kStringTrap);
    c.Op(0x0b);
    c.Get(len);
    c.Set(bytes);
  } else {
    c.Get(len);  // len * elem_size in 64 bits against the 2^28-1 byte limit
    c.Op(0xad);  // i64.extend_i32_u
    c.I64(static_cast<int32_t>(d.elem_size));
    c.Op(0x7e);  // i64.mul
    c.I64(static_cast<int32_t>(kMaxListByteLength));
    c.Op(0x56);  // i64.gt_u
    c.TrapIf(kTrap, DirectTrap::kListTooLong);
    c.CheckAlign(ptr, d.elem_align, kTrap, DirectTrap::kListUnaligned);
    c.Get(len);
    c.I32(static_cast<int32_t>(d.elem_size));
    c.Op(0x6c);  // i32.mul (at most 2^28-1 here)
    c.Set(bytes);
    c.CheckBounds(ptr, bytes, 0, 0, kTrap, DirectTrap::kListOutOfBounds);
  }
  c.I32(0);
  c.GlobalSet(kCalleeMayLeave);  // cx.reallocate
  c.I32(0);  // realloc(0, 0, align, bytes)
  c.I32(0);
  c.I32(static_cast<int32_t>(d.elem_align));
  c.Get(bytes);
  c.Call(kRealloc);
  c.Set(dptr);
  c.I32(1);
  c.GlobalSet(kCalleeMayLeave);
  if (d.list) {
    c.CheckAlign(dptr, d.elem_align, kTrap, DirectTrap::kListUnaligned);
    c.CheckBounds(dptr, bytes, 0, 1, kTrap, DirectTrap::kListOutOfBounds);
  } else {
    c.CheckBounds(dptr, bytes, 0, 1, kTrap, DirectTrap::kStringOutOfBounds);
  }
  // The copy into the callee's memory from the caller's: a host leaf (a native memmove on a
  // compiled tier), not memory.copy, whose builtin costs about as much again as the memmove.
  c.Get(dptr);
  c.Get(ptr);
  c.Get(bytes);
  c.Call(kCopy);
  c.Op(0x45);  // i32.eqz: a range out of its memory (checked above; never expected)
  c.TrapIf(kTrap, d.list ? DirectTrap::kListOutOfBounds : DirectTrap::kStringOutOfBounds);
  for (uint32_t i = 0; i < callee_params.size(); ++i) c.Get(i == ptr ? dptr : i);
  c.Call(kCallee);
  if (out_param) {
    const uint32_t out = np - 1;
    c.Set(sptr);
    c.CheckAlign(sptr, fp.results.align, kTrap, DirectTrap::kResultUnaligned);
    c.CheckBounds(sptr, std::nullopt, fp.results.size, 1, kTrap, DirectTrap::kResultOutOfBounds);
    c.CheckAlign(out, fp.results.align, kTrap, DirectTrap::kResultUnaligned);
    c.CheckBounds(out, std::nullopt, fp.results.size, 0, kTrap, DirectTrap::kResultOutOfBounds);
    for (auto [loc, n] : d.result_blocks) {
      // A field (1, 2, 4 or 8 bytes) is one load and one store of its width; both return
      // areas were checked above.
      struct Piece { uint32_t size; uint8_t load, store; };
      static constexpr Piece kPieces[] = {{8, 0x29, 0x37}, {4, 0x28, 0x36}, {2, 0x2f, 0x3b}, {1, 0x2d, 0x3a}};
      uint32_t at = loc, left = n;
      for (const Piece& p : kPieces) {
        while (left >= p.size) {
          c.Get(out);
          c.Get(sptr);
          c.Mem(p.load, 1, at);
          c.Mem(p.store, 0, at);
          at += p.size;
          left -= p.size;
        }
      }
    }
  }
  (void)callee_results;
  for (uint32_t i = 0; i < entering; ++i) {
    c.I32(1);
    c.GlobalSet(kMayEnter + i);
  }
  return Assemble(types, funcs, extra, 2 + 2 + entering, c);
}

}  // namespace nw::component
