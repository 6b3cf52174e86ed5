// The generator of the loop versioning fuzzer (loop_version_fuzz.cc): from a seed, one wasm
// module (text) whose functions are loop nests of the shapes src/opt/loop_version.cc versions
// (innermost, call-free, affine linear-memory addresses) and of near misses it must reject
// (calls, memory.grow, non-affine addresses), plus the calls to make on it. Arguments that
// depend on the memory's size at the time of the call are symbolic (LoopArg), resolved by the
// driver, so one plan serves every tier. Deterministic: a seed gives the same case on every
// machine (no std distributions). Not here: running or comparing anything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nw::loopfuzz {

// An i32 argument: an absolute value, or relative to the memory's current length in bytes
// (len - v, len + v) or to 2^32 (2^32 - v), evaluated when the call is made.
struct LoopArg {
  enum Kind : uint8_t { kAbs, kBelowEnd, kAboveEnd, kBelowTop } kind = kAbs;
  uint32_t v = 0;
  uint32_t Resolve(uint64_t memory_bytes) const;
};

struct LoopCall {
  std::string func;          // an export of the module: a kernel "fN" or "grow"
  std::vector<LoopArg> args;  // three for a kernel ($p, $q, $n), one for "grow"
};

struct LoopCase {
  std::string wat;
  std::vector<LoopCall> calls;
  std::string Describe() const;  // the module and the calls, for a reproducer file
  // The inverse of Describe (a reproducer, possibly reduced by hand); false if malformed.
  static bool Parse(const std::string& text, LoopCase& out);
};

LoopCase GenerateLoopCase(uint64_t seed);

}  // namespace nw::loopfuzz
