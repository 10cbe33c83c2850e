#!/usr/bin/env bash
# Fuzzes each target for longer than the bounded test run, by hand:
#   tests/fuzz/run-long.sh SECONDS [NAME...]     (default: every target)
# Builds the fuzz preset first. Each target keeps a working corpus in
# build/fuzz/tests/fuzz/long/NAME/corpus that grows from run to run (the
# checked-in seeds are only read); crash, leak and timeout inputs land in
# build/fuzz/tests/fuzz/long/NAME/. Extra libFuzzer options can be given in
# VPCFLOW_FUZZ_ARGS, e.g. "-jobs=2 -workers=2" or "-fork=1 -ignore_crashes=1".
# Exits 1 if any target found something; a crash input, minimised
# (FUZZER -minimize_crash=1 -runs=10000 FILE), belongs in
# tests/fuzz/corpus/NAME/ as a regression input once its bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
	echo "usage: tests/fuzz/run-long.sh SECONDS [NAME...]" >&2
	exit 2
fi
seconds=$1
shift
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for src in tests/fuzz/fuzz_*.c; do
		n=${src##*/fuzz_}
		names+=("${n%.c}")
	done
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
root=$PWD
bin=$root/build/fuzz/tests/fuzz
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

found=0
for name in "${names[@]}"; do
	work=$bin/long/$name
	mkdir -p "$work/corpus"
	echo "=== $name: $seconds s"
	# shellcheck disable=SC2086 # VPCFLOW_FUZZ_ARGS is a list of options
	if ! (cd "$work" && "$bin/fuzz_$name" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" \
		${VPCFLOW_FUZZ_ARGS:-} corpus "$root/tests/fuzz/corpus/$name") >"$work/log.txt" 2>&1; then
		found=1
	fi
	grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$work/log.txt" |
		sed "s/^/  /" || true
	if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* >/dev/null 2>&1; then
		found=1
		echo "  FOUND: $(ls "$work" | grep -cE '^(crash|leak|timeout|oom)-') input(s) in $work" >&2
	fi
done
exit $found
