#!/usr/bin/env bash
# Fresh Debian machine → dependencies installed, project built, every test run (the `slurm` test starts a
# local single-node Slurm with scripts/slurm-local.sh, and stops it afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --slurm
scripts/build.sh -DSTABLEDYN_BUILD_BENCH=OFF
trap 'scripts/slurm-local.sh stop >/dev/null 2>&1 || true' EXIT
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
