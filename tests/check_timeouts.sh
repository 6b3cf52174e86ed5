#!/bin/sh
# check_timeouts.sh CTEST BUILD_DIR MAX: fails when a test of the build tree has no TIMEOUT
# property (see cmake/NanowasmTestTimeouts.cmake) or one over MAX seconds, naming each. Reads
# `ctest --show-only=json-v1` line by line (its layout: one test object per 4-space-indented
# brace, the test's name at 6 spaces, properties deeper); a layout it cannot read finds no
# tests and fails.
set -e
ctest=$1 build=$2 max=$3
"$ctest" --show-only=json-v1 --test-dir "$build" | awk -v max="$max" '
  /^  "tests" :/ { in_tests = 1; next }
  !in_tests { next }
  /^      "name" : "/ { name = $0; sub(/^      "name" : "/, "", name); sub(/",?$/, "", name); timeout = ""; next }
  /"name" : "TIMEOUT"/ { want = 1; next }
  want && /"value" : / { v = $0; sub(/.*"value" : /, "", v); sub(/,$/, "", v); timeout = v; want = 0; next }
  /^    }/ {
    if (name != "") {
      n++
      if (timeout == "" || timeout + 0 <= 0) { bad++; print "  " name ": no timeout" }
      else if (timeout + 0 > max + 0) { bad++; print "  " name ": timeout " timeout " s is over " max " s" }
    }
    name = ""
  }
  END {
    if (n == 0) { print "no tests found in ctest --show-only=json-v1 (layout changed?)"; exit 1 }
    if (bad) { print bad " of " n " tests lack a fitting timeout"; exit 1 }
    print n " tests, each with a timeout of at most " max " s"
  }'
