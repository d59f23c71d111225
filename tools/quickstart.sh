#!/usr/bin/env bash
# First command of the README: set up, build (optimized) and run the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
echo
exec build/hbsim run scenarios/three_clocks.json "$@"
