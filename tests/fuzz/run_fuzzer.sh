#!/usr/bin/env bash
# run_fuzzer.sh FUZZER WORK_DIR SECONDS SEED_DIR...: one short libFuzzer run for CTest. New
# inputs go to WORK_DIR/corpus (seed dirs stay read-only), crash files to WORK_DIR/.
set -euo pipefail
fuzzer=$1 work=$2 secs=$3
shift 3
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$@"
