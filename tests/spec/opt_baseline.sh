#!/bin/sh
# spec-opt.* for a file listed in opt_expected_failures.txt: runs it with --tier opt and passes
# only when the failures are exactly the listed count and each one is an opt-tier refusal
# ("opt tier: unsupported") or its consequence ("no module instantiated yet").
# Usage: opt_baseline.sh NANOWASM SKIPS FILE EXPECTED_FAILURES
nanowasm=$1 skips=$2 file=$3 expected=$4
out=$("$nanowasm" wast --tier opt --skips "$skips" "$file" 2>&1)
failed=$(printf '%s\n' "$out" | tail -n 1 | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
other=$(printf '%s\n' "$out" | grep 'FAIL:' | grep -v 'opt tier: unsupported' |
        grep -v 'no module instantiated yet')
printf '%s\n' "$out" | tail -n 1
if [ -n "$other" ]; then
  echo "failures other than opt-tier refusals:"
  printf '%s\n' "$other" | head -n 20
  exit 1
fi
if [ "$failed" != "$expected" ]; then
  echo "expected $expected failures (tests/spec/opt_expected_failures.txt), got $failed:" \
       "update the baseline (a ratchet: it only goes down)"
  exit 1
fi
exit 0
