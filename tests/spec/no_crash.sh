#!/usr/bin/env bash
# Runs `nanowasm wast` over every .wast in a folder (e.g. core-2.0/simd, which is not expected
# to pass yet) and fails only if the runner crashes, hangs or is killed: exit codes 0 and 1
# (assertions failed) are fine, anything else (signals = 128+N, timeout = 124) is not.
set -u
nanowasm=$1
dir=$2
per_file_timeout=${3:-120}
bad=0
n=0
for f in "$dir"/*.wast; do
  n=$((n + 1))
  timeout "$per_file_timeout" "$nanowasm" wast "$f" >/dev/null 2>&1
  rc=$?
  if [ $rc -gt 1 ]; then
    echo "CRASH/HANG: $f (exit $rc)"
    bad=$((bad + 1))
  fi
done
echo "$n files run, $bad crashed or hung"
[ $bad -eq 0 ] && [ $n -gt 0 ]
