#!/usr/bin/env bash
# The installed package, used from outside: installs this build into a fresh prefix, checks that the
# public headers compile with nothing but that prefix, builds tools/examples/custom_behaviour against it
# with find_package(hbsim REQUIRED), runs it and checks that its C++ behaviour ran: the whole trace and
# the summary's figures, derived by hand in tools/examples/custom_behaviour/token_ring.json's notes.
#   run.sh BUILD_DIR SOURCE_DIR WORK_DIR CXX_COMPILER SANITIZE(1|0)
set -euo pipefail
build=$1 source=$2 work=$3 cxx=$4 sanitize=$5
example=$source/tools/examples/custom_behaviour
fail() {
  echo "package test: $*" >&2
  exit 1
}

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/hbsim include/hbsim/engine/simulation.hpp share/doc/hbsim/LICENSE; do
  [ -e "$prefix/$f" ] || fail "the install has no $f"
done
! grep -rl -e "$source" -e "$build" "$prefix"/lib*/cmake/hbsim || fail "the package points into the source or build tree"

# Every public header, with the installed include directory only (no sim/, no generated/).
(cd "$prefix/include" && find hbsim -name '*.hpp' | sort | sed 's/.*/#include <&>/') >"$work/all_headers.cpp"
[ "$(wc -l <"$work/all_headers.cpp")" -gt 20 ] || fail "the install has too few public headers"
"$cxx" -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$prefix/include" "$work/all_headers.cpp"

# The outside project: the same compiler, warnings as errors, and the sanitizers when this build has them
# (its library needs them).
sanitizers=""
[ "$sanitize" = 1 ] && sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=all"
cmake -S "$example" -B "$work/example" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror $sanitizers" -DCMAKE_EXE_LINKER_FLAGS="$sanitizers" >/dev/null
grep -qx "hbsim_DIR:PATH=$prefix/.*" "$work/example/CMakeCache.txt" || fail "find_package found hbsim outside $prefix"
cmake --build "$work/example" -j2 >/dev/null

cd "$work"
status=0
example/custom_behaviour "$example/token_ring.json" trace.jsonl >summary.txt || status=$?
cat summary.txt
[ "$status" -eq 0 ] || fail "custom_behaviour exited with $status"
diff -u "$source/tests/package/token_ring_trace.jsonl" trace.jsonl || fail "the trace differs from the one derived by hand"
expected_lines=(
  '  3 processes; ended at 16ms simulated .*'
  'events     13: local 1, send 6, receive 6, crash 0, restart 0, reject 0'
  'messages   sent 6, duplicated 0, delivered 6, rejected 0, dropped 0'
  '  A +13 +\(16ms, 1\) +\{A:5, B:4, C:4\}'
  '  B +9 +\(15ms, 0\) +\{A:3, B:4, C:2\}'
  '  C +11 +\(15ms, 2\) +\{A:3, B:4, C:4\}'
  'expectations  8 met, 0 unmet'
  "trace_sha256 $(sha256sum <"$source/tests/package/token_ring_trace.jsonl" | cut -d' ' -f1)"
  'result     ok'
)
for line in "${expected_lines[@]}"; do
  grep -qxE "$line" summary.txt || fail "the summary has no line matching: $line"
done

# The same scenario without the C++ behaviour has no events, so its expectations name none (exit 2):
# the events above came from the example's code. It also runs the installed binary.
status=0
"$prefix/bin/hbsim" run "$example/token_ring.json" >/dev/null 2>hbsim.err || status=$?
[ "$status" -eq 2 ] || fail "hbsim run without the behaviour exited with $status, expected 2"
grep -q 'at /expect/0/event: .*A has no events' hbsim.err || fail "hbsim run without the behaviour: $(cat hbsim.err)"
echo "package test: ok"
