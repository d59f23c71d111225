#!/usr/bin/env bash
# Second command of the README: build and run the whole test suite.
#   tools/test.sh             optimized build in build/
#   tools/test.sh --sanitize  AddressSanitizer + UndefinedBehaviorSanitizer build with Clang in build-sanitize/;
#                             when build/hbsim (GCC) exists, also checks both builds write byte-identical traces
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-sanitize
  reference=""
  [ -x build/hbsim ] && reference="$(pwd)/build/hbsim"
  cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHBSIM_SANITIZE=ON \
        -DHBSIM_REFERENCE_BINARY="$reference" >/dev/null
else
  dir=build
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$dir" -j2
cd "$dir" && ctest --output-on-failure -j2
