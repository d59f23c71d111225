#!/bin/bash
# Compares two hbsim binaries on every shipped scenario, for a change that users must not see: `hbsim run`'s
# summary (text and --json) and exit code, the narration (--narrate) and the trace, byte for byte. Only the
# `wall` line (and the JSON's wall-clock figures) may differ. Prints each difference; exits 1 if there is one.
#   tools/scripts/compare_runs.sh OLD_HBSIM NEW_HBSIM      e.g. a copy of build/hbsim from before the change
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: compare_runs.sh OLD_HBSIM NEW_HBSIM" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
differ=0 count=0
# Runs one binary on a scenario, every output to files under $work/$1.
outputs() {
  local side=$1 bin=$2 file=$3
  mkdir -p "$work/$side"
  "$bin" run "$file" --trace "$work/$side/trace" | grep -v '^wall ' >"$work/$side/summary"
  echo "exit ${PIPESTATUS[0]}" >>"$work/$side/summary"
  "$bin" run "$file" --json | sed -E 's/"(wall[a-z_]*|events_per_second)": *[0-9.e+-]+/"\1": -/g' >"$work/$side/json"
  "$bin" run "$file" --narrate 2>&1 | grep -v '^wall ' >"$work/$side/narration"
}
while IFS= read -r file; do
  count=$((count + 1))
  outputs old "$old" "$file"
  outputs new "$new" "$file"
  for part in summary json narration trace; do
    if ! cmp -s "$work/old/$part" "$work/new/$part"; then
      differ=1
      echo "== $file: the $part differs"
      diff "$work/old/$part" "$work/new/$part" | head -20
    fi
  done
done < <(find scenarios -name '*.json' ! -name schema.json | sort)
[ $differ -eq 0 ] && echo "compare_runs: $count scenarios, the same summaries, exit codes, narrations and traces"
exit $differ
