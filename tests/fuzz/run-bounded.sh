#!/bin/sh
# The bounded fuzz run of one target, as ctest runs it in the fuzz preset:
#   run-bounded.sh SCRATCH SEEDS FUZZER [libFuzzer options]
# SCRATCH (in the build tree) is emptied and given to libFuzzer as the first
# corpus directory, so new inputs and crash files land there; SEEDS, the
# checked-in corpus, is only read. A crash fails the test; its input is
# SCRATCH/crash-* (minimise it with FUZZER -minimize_crash=1 -runs=10000 FILE,
# then add it to tests/fuzz/corpus/NAME/ as a regression input).
set -eu
scratch=$1
seeds=$2
fuzzer=$3
shift 3
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"
exec "$fuzzer" -artifact_prefix="$scratch/" "$@" "$scratch" "$seeds"
