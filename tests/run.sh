#!/usr/bin/env bash
# Builds vpcflow and runs every test: the dev build (warnings are errors; the
# unit tests under valgrind too), the asan build (AddressSanitizer +
# UndefinedBehaviorSanitizer), and the fuzz build (clang; each libFuzzer
# target fuzzed for a bounded number of runs). The dev and asan builds also
# replay every fuzz corpus.
# Usage: tests/run.sh [dev|asan|fuzz]...   (default: dev asan fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(dev asan fuzz)
jobs=$(nproc 2>/dev/null || echo 2)

fuzz=0
for preset in "${presets[@]}"; do
	[ "$preset" != fuzz ] || fuzz=1
done
VPCFLOW_FUZZ=$fuzz bash tests/lib/install-deps.sh

for preset in "${presets[@]}"; do
	echo "=== $preset build"
	cmake --preset "$preset" >/dev/null
	cmake --build --preset "$preset" -j "$jobs"
	echo "=== $preset tests"
	ctest --preset "$preset" -j "$jobs"
done
