#!/usr/bin/env bash
# Installs the Debian packages StableDyn Studio needs, only if some are missing (idempotent).
# Usage: scripts/install-deps.sh [--gui] [--examples] [--slurm] [--clang]
#   --gui adds what screenshots under Xvfb need; --examples adds matplotlib for python/examples/; --slurm a
#   single-node Slurm + munge for the experiment engine's `slurm` tests (scripts/slurm-local.sh); --clang the
#   compiler, sanitizer/libFuzzer runtimes and symbolizer of `scripts/test.sh --sanitize` and scripts/fuzz.sh.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config lld   # lld: the linker the build prefers (CMakeLists.txt)
          qt6-base-dev qt6-svg-dev libqcustomplot-dev libgl-dev
          libeigen3-dev libboost-dev nlohmann-json3-dev libzip-dev
          pybind11-dev python3-dev python3-numpy python3-pytest)   # the stabledyn Python module and its tests; numpy also for tests/docs
for arg in "$@"; do
  case "$arg" in
    --gui) packages+=(xvfb xauth) ;;
    --examples) packages+=(python3-matplotlib) ;;
    --slurm) packages+=(slurmctld slurmd slurm-client munge) ;;
    --clang) packages+=(clang libclang-rt-dev llvm) ;;
    *) echo "usage: $0 [--gui] [--examples] [--slurm] [--clang]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "Installing missing Debian packages: ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
