#!/usr/bin/env bash
# Fresh Debian machine → dependencies installed, project built, studio opened on the bundled demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DSTABLEDYN_BUILD_BENCH=OFF
exec build/bin/stabledyn-studio --dataset demo-pendulum "$@"
