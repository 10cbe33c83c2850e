#!/usr/bin/env bash
# Installs what building and testing vpcflow needs on Debian or Ubuntu, only
# where it is missing: the compiler and CMake, the four libraries, cmocka, and
# the AWS emulator (moto) with boto3 and the AWS CLI for the integration tests.
set -euo pipefail

packages=(cmake gcc make pkg-config libcurl4-openssl-dev libssl-dev libxml2-dev
          libjansson-dev libcmocka-dev zlib1g-dev python3 ca-certificates)
if [ "${VPCFLOW_FUZZ:-}" = 1 ]; then
	packages+=(clang)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "installing: ${missing[*]}" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The emulator and the independent checkers of AWS state.
if ! python3 -c 'import moto.server, boto3, flask' 2>/dev/null; then
	echo "installing moto[server], boto3 and awscli with pip" >&2
	python3 -m pip install --user --quiet 'moto[server]' boto3 awscli 2>/dev/null ||
		python3 -m pip install --user --quiet --break-system-packages 'moto[server]' boto3 awscli
fi
