#!/usr/bin/env bash
# Installs what building and testing vpcflow needs on Debian or Ubuntu, only
# where it is missing: the compiler and CMake, the four libraries, cmocka,
# valgrind (memcheck over the unit tests), the AWS emulator (moto) with boto3
# and the AWS CLI for the integration tests, and with VPCFLOW_FUZZ=1 clang and
# its libFuzzer runtime (the fuzz preset).
set -euo pipefail

packages=(cmake gcc make pkg-config libcurl4-openssl-dev libssl-dev libxml2-dev
          libjansson-dev libcmocka-dev zlib1g-dev python3 ca-certificates valgrind openssl)
if [ "${VPCFLOW_FUZZ:-}" = 1 ]; then
	packages+=(clang)
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
updated=0

# Installs the packages given that are not installed yet.
install_missing() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	echo "installing: ${missing[*]}" >&2
	if [ "$updated" = 0 ]; then
		$sudo apt-get update -qq
		updated=1
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_missing "${packages[@]}"

# libFuzzer's runtime ships apart from clang on some releases: the
# unversioned libclang-rt-dev where it exists, else the versioned package.
fuzzer_links() {
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' |
		clang -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null
}
if [ "${VPCFLOW_FUZZ:-}" = 1 ] && ! fuzzer_links; then
	major=$(clang -dumpversion | cut -d. -f1)
	if apt-cache show libclang-rt-dev >/dev/null 2>&1; then
		install_missing libclang-rt-dev
	else
		install_missing "libclang-rt-$major-dev"
	fi
	fuzzer_links || { echo "clang cannot link libFuzzer (-fsanitize=fuzzer)" >&2; exit 1; }
fi

# The emulator and the independent checkers of AWS state.
if ! python3 -c 'import moto.server, boto3, flask' 2>/dev/null; then
	echo "installing moto[server], boto3 and awscli with pip" >&2
	python3 -m pip install --user --quiet 'moto[server]' boto3 awscli 2>/dev/null ||
		python3 -m pip install --user --quiet --break-system-packages 'moto[server]' boto3 awscli
fi
