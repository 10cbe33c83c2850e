#!/usr/bin/env bash
# vpcflow in one minute, without an AWS account: builds vpcflow, starts a local
# AWS emulator (moto, signature checking on), creates a few VPCs in two
# regions, and runs vpcflow against it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/lib/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
exec python3 examples/quickstart.py build/release/vpcflow
