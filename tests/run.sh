#!/usr/bin/env bash
# Builds vpcflow and runs every test: the dev build (warnings are errors), then
# the asan build (AddressSanitizer + UndefinedBehaviorSanitizer).
# Usage: tests/run.sh [dev|asan]...   (default: dev asan)
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/lib/install-deps.sh

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(dev asan)
jobs=$(nproc 2>/dev/null || echo 2)

for preset in "${presets[@]}"; do
	echo "=== $preset build"
	cmake --preset "$preset" >/dev/null
	cmake --build --preset "$preset" -j "$jobs"
	echo "=== $preset tests"
	ctest --preset "$preset" -j "$jobs"
done
