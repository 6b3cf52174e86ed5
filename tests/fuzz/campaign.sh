#!/usr/bin/env bash
# Runs libFuzzer campaigns of the tests/fuzz targets, one target at a time on one core
# (nice 19, -jobs=1 equivalent: a single process), and writes a summary per target.
#   tests/fuzz/campaign.sh [--seconds N] [--cpu-seconds C] [--out DIR] [--build DIR]
#                          [--keep-going] [TARGET...]
# TARGET is decode, wat, roundtrip, run or tiers (the opt tier against the interpreter, in a
# build with LLVM) (default: the first four); N seconds each (default 600;
# the issue's bar is 7200 = 2 CPU-hours per target). The corpus lives in DIR/corpus/TARGET
# (default DIR: ~/nanowasm-fuzz, outside the repository), so a later campaign resumes where
# this one stopped; crashes go to DIR/artifacts/, logs to DIR/logs/, one line per run to
# DIR/campaigns.tsv (date, target, seconds, cpu seconds, execs, cov, ft, corpus, crashes).
# --cpu-seconds C: also stop once the fuzzer has used C CPU seconds (user+system of its whole
# process group: the running fork-mode child counts while it runs, reaped ones through the
# parent), so a campaign on a shared machine runs for a stated CPU time rather than wall time;
# N stays the wall-time cap. The stop is SIGINT to the group (libFuzzer prints its final
# stats), then SIGTERM and SIGKILL if the group is still there 20 s and 40 s later (fork mode's
# parent outlives an interrupted child).
# --keep-going: libFuzzer's fork mode with one job (-fork=1 -ignore_crashes=1), so a known
# crash does not end the campaign; every crash is still saved.
# Needs the fuzz build: cmake --preset fuzz && cmake --build --preset fuzz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=600 cpu_limit=0 out="$HOME/nanowasm-fuzz" build="$here/../../build/fuzz" mode=()
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --cpu-seconds) cpu_limit=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --keep-going) mode=(-fork=1 -ignore_crashes=1); shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(decode wat roundtrip run)
corpus_seeds="$build/corpus"
ticks=$(getconf CLK_TCK)
mkdir -p "$out/logs" "$out/artifacts"
[ -f "$out/campaigns.tsv" ] ||
  printf 'date\ttarget\tseconds\tcpu_seconds\texecs\tcov\tft\tcorpus\tcrashes\n' > "$out/campaigns.tsv"

# CPU seconds (user+system) of process group $1: every live member's own time (fields 14-15
# of /proc/PID/stat, in clock ticks) plus the leader's reaped children (fields 16-17).
group_cpu_seconds() {
  local total=0 f st rest
  for f in /proc/[0-9]*/stat; do
    read -r st 2> /dev/null < "$f" || continue  # (2> first: a process may be gone)
    rest=${st##*) }                    # fields from 3 on (the name may hold spaces)
    read -r -a st <<< "$rest"          # st[0] is field 3, so field N is st[N-3]
    [ "${st[2]}" = "$1" ] || continue  # field 5: process group
    total=$(( total + st[11] + st[12] ))
    [ "${f#/proc/}" = "$1/stat" ] && total=$(( total + st[13] + st[14] ))
  done
  echo $(( total / ticks ))
}

# The fuzzer runs in a group of its own, which a terminal's Ctrl-C does not reach: pass it on.
pid=
trap '[ -z "$pid" ] || kill -INT -- "-$pid" 2> /dev/null; exit 130' INT TERM

for t in "${targets[@]}"; do
  case "$t" in
    decode|roundtrip) seeds=("$corpus_seeds/binary" "$corpus_seeds/generated"); max_len=65536 ;;
    run|tiers) seeds=("$corpus_seeds/valid" "$corpus_seeds/generated"); max_len=32768 ;;
    wat) seeds=("$corpus_seeds/text"); max_len=65536 ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  # Per-input timeout (wall time). tiers: LLVM's allocations go through ASan's allocator in the
  # fuzz build, so ~1,000 functions take ~10 CPU s to compile there (0.4 s in a release build).
  timeout=10
  [ "$t" != tiers ] || timeout=30
  mkdir -p "$out/corpus/$t"
  log="$out/logs/$t-$(date +%Y%m%d-%H%M%S).log"
  echo "== $t: $seconds s, log $log"
  TIMEFORMAT='%U %S'
  { time {
      # Its own process group (setsid: not a group leader here, so no extra fork), so the
      # stop reaches fork mode's children too.
      setsid nice -n 19 "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout="$timeout" \
        -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 ${mode[@]+"${mode[@]}"} \
        -artifact_prefix="$out/artifacts/$t-" "$out/corpus/$t" "${seeds[@]}" > "$log" 2>&1 &
      pid=$!
      while [ "$cpu_limit" -gt 0 ] && kill -0 "$pid" 2> /dev/null; do
        if [ "$(group_cpu_seconds "$pid")" -ge "$cpu_limit" ]; then
          echo "== $t: $cpu_limit CPU seconds used, stopping"
          kill -INT -- "-$pid" 2> /dev/null || true
          for sig in TERM KILL; do
            for _ in $(seq 20); do kill -0 "$pid" 2> /dev/null || break 2; sleep 1; done
            kill -"$sig" -- "-$pid" 2> /dev/null || true
          done
          break
        fi
        sleep 5
      done
      wait "$pid" || true
    }
  } 2> "$out/logs/$t.time"
  cpu=$(awk '{printf "%.0f", $1 + $2}' "$out/logs/$t.time")
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1 || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  # Fork mode prints "#EXECS: cov: ..." lines and no final stats.
  [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<< "$last")
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<< "$last")
  ncorpus=$(ls "$out/corpus/$t" | wc -l)
  crashes=$(ls "$out/artifacts" | grep -c "^$t-" || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -Iseconds)" "$t" "$seconds" "$cpu" \
    "${execs:-?}" "${cov:-?}" "${ft:-?}" "$ncorpus" "$crashes" | tee -a "$out/campaigns.tsv"
  grep -E 'ERROR|SUMMARY|==[0-9]+==|round trip failure' "$log" | head -5 || true
done
