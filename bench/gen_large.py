#!/usr/bin/env python3
"""Writes a large freestanding C program (for the opt tier's compile-throughput measurement):
N functions of loops, branches, switches, integer and float arithmetic over static arrays,
calling each other, so the wasm code section is about 1 MB at N=2500 (clang-19 -O2). Synthetic:
it has the instruction mix of compiled C, not the shape of one real program.
usage: gen_large.py N > large.c"""
import random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2500
rng = random.Random(1)
print("static unsigned g[4096]; static double d[4096];")
for i in range(n):
    k = [rng.randrange(1, 1 << 20) for _ in range(8)]
    callee = f"f{rng.randrange(i)}(x ^ {k[7]}u, y)" if i else "x"
    print(f"""__attribute__((noinline)) unsigned f{i}(unsigned x, int y) {{
  unsigned h = x * {k[0]}u;
  for (int j = 0; j < y; ++j) {{
    h ^= g[(h + j) & 4095] + {k[1]}u;
    d[(h >> 3) & 4095] += (double)(h & 255) * {k[2] % 97}.5;
    if (h & {1 << (k[3] % 31)}u) h = (h << 3) | (h >> 29); else h += {k[4]}u;
    switch (h % 7) {{
      case 0: h *= 3; break; case 1: h /= 5u + (j & 3); break; case 2: h -= y; break;
      case 3: g[j & 4095] = h; break; case 4: h += (unsigned)d[j & 4095]; break;
      default: h ^= h >> 7;
    }}
  }}
  return h + {callee};
}}""")
print(f"long long run(int n) {{ unsigned s = 0; for (int i = 0; i < n; ++i) s += f{n-1}(i, 4); return s; }}")
