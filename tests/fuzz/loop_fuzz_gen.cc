// The loop versioning fuzzer's generator (loop_fuzz_gen.h). Every kernel is
//   (func (export "fN") (param $p i32) (param $q i32) (param $n i32) (result i64) ...)
// a nest of 1-3 loops whose trip counts come from $n (masked, so every call ends quickly),
// whose induction variables count up or down by small steps (or wrap through 2^32 with a `!=`
// exit), and whose innermost body makes 1-6 linear-memory accesses at
// `base + iv * stride (+ outer iv * row) (+ delta)` with a memarg offset: bases $p, $q or
// constants (near 0, near the memory's end, near 2^32), strides including 0, negative, 4 KiB
// and 64 KiB, deltas of 0 and +-1 element against an earlier access (read/write dependencies),
// offsets up to 2^32 - 1, every access width and SIMD load/store form. Mixed in, by chance:
// division traps and `unreachable` at an iteration, early exits, accesses under `if`, global
// updates, memory.grow in an outer loop's body, and the near misses the pass must refuse:
// calls (one of which grows memory), memory.grow/size/fill in the innermost loop, addresses
// that are not affine (i*i, masked, loaded). Loops terminate by construction: counters, `<u`
// and `>s` exits on small values, and `!=` exits whose limit is start + trips * step exactly.
#include "tests/fuzz/loop_fuzz_gen.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace nw::loopfuzz {
namespace {

// splitmix64: a tiny generator whose output is the same everywhere. The seed is mixed first:
// seeds one apart would otherwise give the same stream shifted by one draw (nearly the same
// module).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(Mix(seed ^ 0x632BE59BD9B4E019ull)) {}
  uint64_t Next() { return Mix(s_ += 0x9E3779B97F4A7C15ull); }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
  bool Chance(uint32_t percent) { return Below(100) < percent; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& a) {
    return a[Below(N)];
  }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t s_;
};

std::string Num(int64_t v) { return std::to_string(v); }
std::string U32(uint32_t v) { return std::to_string(v); }
std::string I32(int64_t v) { return "(i32.const " + Num(static_cast<int32_t>(v)) + ")"; }

// Value kinds: i32, i64, f32, f64, v128, and v128 lane accesses (which take a lane and a vector).
enum class Vt : uint8_t { kI, kL, kF, kD, kV, kLane };
struct MemOp {
  const char* name;
  uint32_t size;
  Vt vt;
};
constexpr std::array<MemOp, 24> kLoads = {{
    {"i32.load", 4, Vt::kI},        {"i64.load", 8, Vt::kL},         {"f32.load", 4, Vt::kF},
    {"f64.load", 8, Vt::kD},        {"i32.load8_s", 1, Vt::kI},      {"i32.load8_u", 1, Vt::kI},
    {"i32.load16_s", 2, Vt::kI},    {"i32.load16_u", 2, Vt::kI},     {"i64.load8_s", 1, Vt::kL},
    {"i64.load8_u", 1, Vt::kL},     {"i64.load16_s", 2, Vt::kL},     {"i64.load16_u", 2, Vt::kL},
    {"i64.load32_s", 4, Vt::kL},    {"i64.load32_u", 4, Vt::kL},     {"v128.load", 16, Vt::kV},
    {"v128.load8x8_s", 8, Vt::kV},  {"v128.load16x4_u", 8, Vt::kV},  {"v128.load32x2_s", 8, Vt::kV},
    {"v128.load8_splat", 1, Vt::kV}, {"v128.load64_splat", 8, Vt::kV}, {"v128.load32_zero", 4, Vt::kV},
    {"v128.load64_zero", 8, Vt::kV}, {"v128.load8_lane", 1, Vt::kLane}, {"v128.load32_lane", 4, Vt::kLane},
}};
constexpr std::array<MemOp, 13> kStores = {{
    {"i32.store", 4, Vt::kI},  {"i64.store", 8, Vt::kL},   {"f32.store", 4, Vt::kF},
    {"f64.store", 8, Vt::kD},  {"i32.store8", 1, Vt::kI},  {"i32.store16", 2, Vt::kI},
    {"i64.store8", 1, Vt::kL}, {"i64.store16", 2, Vt::kL}, {"i64.store32", 4, Vt::kL},
    {"v128.store", 16, Vt::kV}, {"v128.store8_lane", 1, Vt::kLane},
    {"v128.store16_lane", 2, Vt::kLane}, {"v128.store64_lane", 8, Vt::kLane},
}};

struct Loop {
  int level;
  int64_t step;  // the induction variable's step per iteration
};

class FuncGen {
 public:
  FuncGen(Rng& r, uint32_t mem_bytes) : r_(r), mem_bytes_(mem_bytes) {}

  std::string Kernel(const std::string& name) {
    depth_ = 1 + static_cast<int>(r_.Below(3));
    grow_outer_ = r_.Chance(15);
    std::string s = "  (func (export \"" + name +
                    "\") (param $p i32) (param $q i32) (param $n i32) (result i64)\n"
                    "    (local $i0 i32) (local $i1 i32) (local $i2 i32)\n"
                    "    (local $c0 i32) (local $c1 i32) (local $c2 i32)\n"
                    "    (local $x i32) (local $s i64) (local $v v128)\n"
                    "    (local.set $s (i64.extend_i32_u (local.get $q)))\n";
    // memory.grow before the nest: the guards must read the length after it.
    if (r_.Chance(8)) s += "    (drop (memory.grow (i32.and (local.get $n) (i32.const 1))))\n";
    s += "    (block $exit\n";
    s += Nest(0);
    s += "    )\n    (local.get $s))\n";
    return s;
  }

 private:
  std::string Iv(int level) { return "(local.get $i" + Num(level) + ")"; }

  // A loop at `level` and, inside it, the next level or the innermost body.
  std::string Nest(int level) {
    const std::string L = Num(level);
    const std::string i = "$i" + L, c = "$c" + L, b = "$b" + L, l = "$l" + L;
    const bool innermost = level == depth_ - 1;
    // Trip count: the innermost from $n's low bits, outer ones from higher bits (small).
    std::string trips;
    if (innermost) {
      static constexpr std::array<uint32_t, 6> kMasks = {0, 7, 63, 255, 511, 1023};
      trips = "(i32.add (i32.and (local.get $n) " + I32(r_.Pick(kMasks)) + ") " +
              I32(r_.Below(4)) + ")";
      if (r_.Chance(10)) trips = I32(r_.Below(40));
    } else {
      trips = "(i32.add (i32.and (i32.shr_u (local.get $n) " + I32(12 + 3 * level) + ") " +
              I32(3) + ") (i32.const 1))";
    }
    const bool while_form = r_.Chance(40);
    if (!while_form) trips = "(i32.add " + trips + " (i32.const 1))";  // at least one trip
    // Exit forms: 0 counter, 1 `<u` up, 2 `>s` down, 3 `!=` (wraps through 2^32 freely).
    const uint32_t form = r_.Below(4);
    static constexpr std::array<int64_t, 10> kSteps = {1, 1, 1, 2, 3, 4, 8, 16, 1, 2};
    int64_t step = r_.Pick(kSteps);
    if (form == 2 || ((form == 0 || form == 3) && r_.Chance(35))) step = -step;
    std::string s;
    s += "      (local.set " + c + " " + trips + ")\n";
    std::string start;
    if (form == 1) {
      start = I32(r_.Below(65));
    } else if (form == 2) {
      start = "(i32.add " + I32(static_cast<int64_t>(r_.Below(129)) - 64) +
              " (i32.mul (local.get " + c + ") " + I32(-step) + "))";
    } else {
      static constexpr std::array<int64_t, 8> kStarts = {0, 0, 1, 7, 100, -1, -64, 0x7FFFFFF0};
      start = r_.Chance(25) ? "(local.get $q)" : I32(r_.Pick(kStarts));
    }
    s += "      (local.set " + i + " " + start + ")\n";
    s += "      (block " + b + "\n";
    if (while_form) s += "      (br_if " + b + " (i32.eqz (local.get " + c + ")))\n";
    // The limit the induction variable is compared with (forms 1 and 3), in $c.
    if (form == 1 || form == 3)
      s += "      (local.set " + c + " (i32.add (local.get " + i + ") (i32.mul (local.get " + c +
           ") " + I32(step) + ")))\n";
    if (form == 2)
      s += "      (local.set " + c + " (i32.sub (local.get " + i + ") (i32.mul (local.get " + c +
           ") " + I32(-step) + ")))\n";
    s += "      (loop " + l + "\n";
    loops_.push_back({level, step});
    if (innermost) {
      s += Body(level);
    } else {
      if (r_.Chance(30)) s += Body(level, /*outer=*/true);
      if (grow_outer_ && r_.Chance(60))
        s += "        (if (i32.eq " + Iv(level) + " " + I32(r_.Below(3)) +
             ") (then (drop (memory.grow (i32.const 1)))))\n";
      s += Nest(level + 1);
      if (r_.Chance(30)) s += Body(level, /*outer=*/true);
    }
    loops_.pop_back();
    s += "        (local.set " + i + " (i32.add " + Iv(level) + " " + I32(step) + "))\n";
    switch (form) {
      case 0:
        s += "        (br_if " + l + " (local.tee " + c + " (i32.sub (local.get " + c +
             ") (i32.const 1))))\n";
        break;
      case 1: s += "        (br_if " + l + " (i32.lt_u " + Iv(level) + " (local.get " + c + ")))\n"; break;
      case 2: s += "        (br_if " + l + " (i32.gt_s " + Iv(level) + " (local.get " + c + ")))\n"; break;
      default: s += "        (br_if " + l + " (i32.ne " + Iv(level) + " (local.get " + c + ")))\n";
    }
    s += "      ))\n";
    return s;
  }

  // An address: base + iv * stride (+ outer ivs * row strides), i32 arithmetic. Keeps the last
  // few so that later accesses can be at a distance of 0 or +-1 element from them.
  std::string Address(int level, uint32_t size) {
    if (!recent_.empty() && r_.Chance(40)) {
      const std::string& prev = recent_[r_.Below(static_cast<uint32_t>(recent_.size()))];
      static constexpr std::array<int64_t, 5> kDist = {0, 0, 1, -1, 2};
      const int64_t d = r_.Pick(kDist) * (r_.Chance(70) ? size : 1 + r_.Below(16));
      return d == 0 ? prev : "(i32.add " + prev + " " + I32(d) + ")";
    }
    std::string base;
    switch (r_.Below(7)) {
      case 0: base = "(local.get $p)"; break;
      case 1: base = "(local.get $q)"; break;
      case 2: base = I32(r_.Below(256)); break;
      case 3: base = I32(mem_bytes_ - r_.Below(4096)); break;
      case 4: base = I32(0x100000000ll - 1 - r_.Below(4096)); break;
      case 5: base = "(i32.add (local.get $p) " + I32(0x100000000ll - r_.Below(8192)) + ")"; break;
      default: base = "(i32.sub (local.get $p) " + I32(r_.Below(2048)) + ")";
    }
    static constexpr std::array<int64_t, 16> kStrides = {0, 1, 2, 4, 8, 16, -1, -4, -8, -16,
                                                         4096, 65536, 3, 24, 0x10000000, -4096};
    int64_t stride = r_.Chance(40) ? static_cast<int64_t>(size) : r_.Pick(kStrides);
    std::string a = base;
    std::string iv = Iv(level);
    if (stride != 0) {
      const bool pow2 = stride > 0 && (stride & (stride - 1)) == 0;
      if (pow2 && r_.Chance(50)) {
        int sh = 0;
        while ((int64_t{1} << sh) < stride) ++sh;
        a = "(i32.add " + a + " (i32.shl " + iv + " " + I32(sh) + "))";
      } else {
        a = "(i32.add " + a + " (i32.mul " + iv + " " + I32(stride) + "))";
      }
    }
    for (const Loop& outer : loops_) {
      if (outer.level < level && r_.Chance(50)) {
        static constexpr std::array<int64_t, 5> kRows = {64, 256, 1024, 4096, -512};
        a = "(i32.add " + a + " (i32.mul " + Iv(outer.level) + " " + I32(r_.Pick(kRows)) + "))";
      }
    }
    // Near misses: addresses that are not affine in the loop.
    switch (r_.Below(25)) {
      case 0: a = "(i32.add " + a + " (i32.mul " + iv + " " + iv + "))"; break;
      case 1: a = "(i32.and " + a + " " + I32(0xFFFF) + ")"; break;
      case 2: a = "(i32.add " + a + " (i32.load8_u (i32.and " + iv + " (i32.const 255))))"; break;
      case 3: a = "(i32.add " + a + " (i32.rem_u " + iv + " (i32.const 7)))"; break;
      default: break;
    }
    if (recent_.size() >= 4) recent_.erase(recent_.begin());
    recent_.push_back(a);
    return a;
  }

  std::string Memarg(uint32_t size) {
    static constexpr std::array<uint32_t, 10> kOffsets = {0, 0, 0, 4, 8, 16, 4096, 65536,
                                                          0x7FFFFFFF, 0xFFFFFFF0};
    uint32_t off = r_.Chance(70) ? r_.Pick(kOffsets) : size * r_.Below(8);
    if (r_.Chance(3)) off = 0xFFFFFFFFu - r_.Below(16);
    return off == 0 ? "" : " offset=" + U32(off);
  }

  std::string ValueOf(Vt vt, int level) {
    const std::string i32 = r_.Chance(50) ? "(i32.add (i32.wrap_i64 (local.get $s)) " + Iv(level) + ")"
                                          : Iv(level);
    const std::string i64 = "(i64.add (local.get $s) (i64.extend_i32_u " + Iv(level) + "))";
    switch (vt) {
      case Vt::kI: return i32;
      case Vt::kL: return i64;
      case Vt::kF: return "(f32.reinterpret_i32 " + i32 + ")";
      case Vt::kD: return "(f64.reinterpret_i64 " + i64 + ")";
      default: return r_.Chance(50) ? "(local.get $v)" : "(i64x2.splat " + i64 + ")";
    }
  }

  // A load expression and its value as i64.
  std::string Load(int level, const MemOp& op, bool* is_v128 = nullptr) {
    const std::string addr = Address(level, op.size);
    std::string e;
    if (op.vt == Vt::kLane)
      e = "(" + std::string(op.name) + Memarg(op.size) + " " + U32(r_.Below(16 / op.size)) + " " +
          addr + " (local.get $v))";
    else
      e = "(" + std::string(op.name) + Memarg(op.size) + " " + addr + ")";
    if (is_v128) *is_v128 = op.vt == Vt::kV || op.vt == Vt::kLane;
    return e;
  }
  static std::string ToI64(const std::string& e, Vt vt) {
    switch (vt) {
      case Vt::kI: return "(i64.extend_i32_u " + e + ")";
      case Vt::kL: return e;
      case Vt::kF: return "(i64.extend_i32_u (i32.reinterpret_f32 " + e + "))";
      case Vt::kD: return "(i64.reinterpret_f64 " + e + ")";
      default:
        return "(i64.xor (i64x2.extract_lane 0 (local.tee $v " + e +
               ")) (i64x2.extract_lane 1 (local.get $v)))";
    }
  }

  std::string Access(int level) {
    if (r_.Chance(45)) {
      const MemOp& op = r_.Pick(kLoads);
      std::string e = Load(level, op);
      if (r_.Chance(8)) return "(drop " + e + ")";  // an unused load must still trap
      const std::string v = ToI64(e, op.vt);
      if (op.vt == Vt::kI && r_.Chance(30)) return "(local.set $x " + e + ")";
      switch (r_.Below(3)) {
        case 0: return "(local.set $s (i64.add (local.get $s) " + v + "))";
        case 1: return "(local.set $s (i64.xor (local.get $s) " + v + "))";
        default: return "(local.set $s (i64.add (i64.rotl (local.get $s) (i64.const 5)) " + v + "))";
      }
    }
    const MemOp& op = r_.Pick(kStores);
    const Vt vt = op.vt == Vt::kLane ? Vt::kV : op.vt;
    std::string value = ValueOf(vt, level);
    // A copy: the value is a load of the same type (a[i] = b[i + d]).
    if (r_.Chance(35)) {
      for (const MemOp& l : kLoads) {
        if (l.vt == vt && r_.Chance(40)) {
          value = Load(level, l);
          break;
        }
      }
    }
    const std::string addr = Address(level, op.size);
    if (op.vt == Vt::kLane)
      return "(" + std::string(op.name) + Memarg(op.size) + " " + U32(r_.Below(16 / op.size)) +
             " " + addr + " " + value + ")";
    return "(" + std::string(op.name) + Memarg(op.size) + " " + addr + " " + value + ")";
  }

  // Other statements of an innermost body: traps, exits, conditions, globals, near misses.
  std::string Extra(int level) {
    const std::string iv = Iv(level);
    switch (r_.Below(16)) {
      case 0:
        return "(local.set $x (i32.div_u (local.get $x) (i32.sub " + iv + " " +
               I32(r_.Below(300)) + ")))";
      case 1: return "(local.set $x (i32.rem_s (local.get $x) (i32.sub " + iv + " (local.get $q))))";
      case 2: return "(if (i32.eq " + iv + " " + I32(r_.Below(200)) + ") (then unreachable))";
      case 3: return "(br_if $exit (i32.eq " + iv + " " + I32(r_.Below(200)) + "))";
      case 4: return "(br_if $b" + Num(level) + " (i32.eqz (i32.and (local.get $x) (i32.const 15))))";
      case 5: return "(if (i32.and " + iv + " (i32.const 1)) (then " + Access(level) + "))";
      case 6: return "(global.set $g (i32.add (global.get $g) (i32.const 1)))";
      case 7: return "(global.set $gs (local.get $s))";
      case 8: return "(br_if $exit (i32.ge_u " + iv + " (memory.size)))";
      // Near misses: the pass must refuse these loops.
      case 9: return "(local.set $x (call $h (local.get $x)))";
      case 10: return "(if (i32.eq " + iv + " " + I32(r_.Below(50)) + ") (then (drop (call $grower))))";
      case 11: return "(drop (memory.grow " + I32(r_.Below(2)) + "))";
      case 12:
        return "(memory.fill (i32.and " + iv + " (i32.const 1023)) (i32.const 7) (i32.const 16))";
      case 13: return "(local.set $x (call_indirect (param i32) (result i32) (local.get $x) (i32.const 0)))";
      default: return Access(level);
    }
  }

  std::string Body(int level, bool outer = false) {
    std::string s;
    const uint32_t count = outer ? 1 : 1 + r_.Below(6);
    for (uint32_t k = 0; k < count; ++k) {
      s += "        " + Access(level) + "\n";
      if (!outer && r_.Chance(30)) s += "        " + Extra(level) + "\n";
    }
    return s;
  }

  Rng& r_;
  uint32_t mem_bytes_;
  int depth_ = 1;
  bool grow_outer_ = false;
  std::vector<Loop> loops_;
  std::vector<std::string> recent_;
};

LoopArg RandomAddressArg(Rng& r) {
  switch (r.Below(8)) {
    case 0: return {LoopArg::kAbs, r.Below(64)};
    case 1: return {LoopArg::kAbs, r.Below(70000)};
    case 2: return {LoopArg::kBelowEnd, r.Below(64)};
    case 3: return {LoopArg::kBelowEnd, r.Below(8192)};
    case 4: return {LoopArg::kAboveEnd, r.Below(64)};
    case 5: return {LoopArg::kBelowTop, 1 + r.Below(8192)};
    case 6: return {LoopArg::kAbs, static_cast<uint32_t>(r.Next())};
    default: return {LoopArg::kBelowEnd, r.Below(1100) * 4};
  }
}

}  // namespace

uint32_t LoopArg::Resolve(uint64_t memory_bytes) const {
  switch (kind) {
    case kAbs: return v;
    case kBelowEnd: return static_cast<uint32_t>(memory_bytes - v);
    case kAboveEnd: return static_cast<uint32_t>(memory_bytes + v);
    case kBelowTop: return static_cast<uint32_t>(0x100000000ull - v);
  }
  return v;
}

LoopCase GenerateLoopCase(uint64_t seed) {
  Rng r(seed);
  static constexpr std::array<uint32_t, 8> kPages = {0, 1, 1, 1, 2, 2, 3, 1};
  const uint32_t pages = r.Pick(kPages);
  std::string memory = "  (memory (export \"mem\") " + U32(pages);
  if (r.Chance(50)) memory += " " + U32(pages + r.Below(4));
  memory += ")\n";
  LoopCase c;
  c.wat = "(module\n" + memory +
          "  (global $g (export \"g\") (mut i32) (i32.const 0))\n"
          "  (global $gs (export \"gs\") (mut i64) (i64.const 0))\n"
          "  (type $t (func (param i32) (result i32)))\n"
          "  (table 1 funcref) (elem (i32.const 0) $h)\n"
          "  (func $h (type $t) (i32.add (local.get 0) (i32.const 1)))\n"
          "  (func $grower (result i32) (memory.grow (i32.const 1)))\n"
          "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))\n";
  const uint32_t kernels = 1 + r.Below(3);
  for (uint32_t k = 0; k < kernels; ++k) {
    FuncGen g(r, pages * 65536u);
    c.wat += g.Kernel("f" + U32(k));
  }
  c.wat += ")\n";
  const uint32_t calls = 3 + r.Below(8);
  for (uint32_t k = 0; k < calls; ++k) {
    if (r.Chance(12)) {
      c.calls.push_back({"grow", {{LoopArg::kAbs, r.Below(3)}}});
      continue;
    }
    LoopArg n{LoopArg::kAbs, static_cast<uint32_t>(r.Next())};
    if (r.Chance(30)) n.v = r.Below(64);
    c.calls.push_back({"f" + U32(r.Below(kernels)), {RandomAddressArg(r), RandomAddressArg(r), n}});
  }
  return c;
}

std::string LoopCase::Describe() const {
  static constexpr const char* kKinds[] = {"", "len-", "len+", "2^32-"};
  std::string s = wat + "\n;; calls (len = the memory's length in bytes at the call):\n";
  for (const LoopCall& call : calls) {
    s += ";;   " + call.func + "(";
    for (size_t i = 0; i < call.args.size(); ++i)
      s += (i ? ", " : "") + std::string(kKinds[call.args[i].kind]) + U32(call.args[i].v);
    s += ")\n";
  }
  return s;
}

bool LoopCase::Parse(const std::string& text, LoopCase& out) {
  const size_t calls = text.find("\n;; calls");
  if (calls == std::string::npos) return false;
  out.wat = text.substr(0, calls + 1);
  out.calls.clear();
  size_t pos = text.find('\n', calls + 1);
  while (pos != std::string::npos && pos + 1 < text.size()) {
    const size_t end = text.find('\n', pos + 1);
    std::string line = text.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
    pos = end;
    const size_t open = line.find('('), close = line.find(')');
    if (line.rfind(";;   ", 0) != 0 || open == std::string::npos || close == std::string::npos)
      continue;
    LoopCall call;
    call.func = line.substr(5, open - 5);
    std::string args = line.substr(open + 1, close - open - 1);
    while (!args.empty()) {
      const size_t comma = args.find(',');
      std::string a = args.substr(0, comma);
      args = comma == std::string::npos ? "" : args.substr(comma + 1);
      while (!a.empty() && a[0] == ' ') a.erase(0, 1);
      LoopArg arg;
      for (auto [prefix, kind] : {std::pair{"len-", LoopArg::kBelowEnd}, {"len+", LoopArg::kAboveEnd},
                                  {"2^32-", LoopArg::kBelowTop}}) {
        if (a.rfind(prefix, 0) == 0) {
          arg.kind = kind;
          a = a.substr(std::string(prefix).size());
        }
      }
      arg.v = static_cast<uint32_t>(std::strtoul(a.c_str(), nullptr, 10));
      call.args.push_back(arg);
    }
    out.calls.push_back(call);
  }
  return true;
}

}  // namespace nw::loopfuzz
