#!/usr/bin/env bash
# Installs the Debian packages hbsim builds with, when any is missing. Safe to run again.
set -euo pipefail
# graphviz and chromium: the tests render DOT exports and click through HTML exports headless;
# libxml2-utils: xmllint, a strict XML parser for the tests of the GraphML and SVG exports.
# libopenmpi-dev and openmpi-bin: hbsim sweep --mpi and its test under mpirun.
# libssl-dev: SHA-256 of traces from OpenSSL's libcrypto. libbenchmark-dev: build/bench_kernels (Google Benchmark).
# clang and its runtimes: the sanitizer build and the fuzzers use Clang (the code builds with GCC and Clang).
packages=(g++ cmake make libboost-graph-dev nlohmann-json3-dev libcli11-dev doctest-dev libvalijson-dev libssl-dev libbenchmark-dev libopenmpi-dev openmpi-bin graphviz
          chromium libxml2-utils clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
