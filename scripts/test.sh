#!/usr/bin/env bash
# Fresh Debian machine → dependencies installed, project built, every test run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DSTABLEDYN_BUILD_BENCH=OFF
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
