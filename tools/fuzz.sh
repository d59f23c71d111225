#!/usr/bin/env bash
# Fuzzes the readers of outside input (scenarios, hbsim traces, ShiViz logs) with libFuzzer: builds the
# targets of tests/fuzz with Clang in build-fuzz/ (under AddressSanitizer and UndefinedBehaviorSanitizer)
# and runs each for its share of SECONDS.
#   tools/fuzz.sh        30 s in all, 10 s per target: CI's short run (the build comes on top)
#   tools/fuzz.sh 600    a longer run: 200 s per target
# The inputs that reached new code are kept in build-fuzz/fuzz/corpus/TARGET/ for the next run (the seeds in
# tests/fuzz/corpus/TARGET/ are only read). A crash, a sanitizer report, an input running over 10 s, a leak, or
# a refusal that does not name the input stops that target and leaves the input in
# build-fuzz/fuzz/findings/TARGET/ (crash-*, timeout-*, leak-*, oom-*); the other targets still run, and the
# script exits 1. Replay a finding with `build-fuzz/tests/fuzz/TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 3)); then
  echo "usage: tools/fuzz.sh [SECONDS]   (at least 3; default 30)" >&2
  exit 2
fi
tools/setup.sh
dir=build-fuzz
targets=(fuzz_scenario fuzz_trace fuzz_shiviz)
cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHBSIM_FUZZ=ON \
      -DHBSIM_TESTS=OFF >/dev/null
cmake --build "$dir" -j2 --target "${targets[@]}"
each=$((seconds / ${#targets[@]}))
failed=()
for t in "${targets[@]}"; do
  corpus=$dir/fuzz/corpus/$t
  findings=$dir/fuzz/findings/$t
  log=$dir/fuzz/$t.log
  mkdir -p "$corpus" "$findings"
  if "$dir/tests/fuzz/$t" -max_total_time="$each" -timeout=10 -dict="tests/fuzz/$t.dict" \
       -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    echo "fuzz: $t: ${runs:-?} inputs in ${each} s (${rate:-?}/s), $(ls "$corpus" | wc -l) kept in $corpus, no finding"
  else
    failed+=("$t")
    tail -n 60 "$log" >&2
    echo "fuzz: $t FAILED: the input is in $findings/ (whole log: $log)" >&2
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}; replay one with $dir/tests/fuzz/TARGET FILE" >&2
  exit 1
fi
