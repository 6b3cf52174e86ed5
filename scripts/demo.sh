#!/usr/bin/env bash
# The main job: install what is missing, build the release preset, and run a sample module
# under the interpreter. (WASI programs come with the WASI work; see README "Not yet".)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target nanowasm
nw=build/release/tools/nanowasm/nanowasm
echo "== validate examples/fib.wat"
$nw validate examples/fib.wat && echo "valid"
echo "== nanowasm run examples/fib.wat --invoke fib 30"
$nw run examples/fib.wat --invoke fib 30
echo "== nanowasm run examples/sieve.wat --invoke count_primes 1000000"
$nw run examples/sieve.wat --invoke count_primes 1000000
