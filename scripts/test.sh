#!/usr/bin/env bash
# Fresh Debian machine → dependencies installed, project built, every test run (the `slurm` test starts a
# local single-node Slurm with scripts/slurm-local.sh, and stops it afterwards).
#
# scripts/test.sh --sanitize: the same suite under sanitizers (docs/RELIABILITY.md, "Sanitizers"):
#   1. build-asan (clang, AddressSanitizer + UndefinedBehaviorSanitizer, leak checking; also the folder of
#      the fuzz harnesses) — the whole ctest suite except the Python module's tests (label `python`: the
#      module would be loaded into Debian's uninstrumented python3, where ASan cannot run) and `slurm`
#      (needs the daemons of the normal run);
#   2. build-tsan (clang, ThreadSanitizer, -O1) — only the threaded tests: the experiment engine's worker pool,
#      the training loop, the thread pool and the parallel kernels, and the studio's background work, training
#      worker, snapshots and sweeps.
# SANITIZE_GUI=OFF leaves the studio and its tests out of build-asan.
# scripts/test.sh --tsan: stage 2 alone. .ci/run runs the normal suite, then --sanitize, then scripts/fuzz.sh 60.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

stage() { echo "== $(date -u +%H:%M:%S) $*" >&2; }

mode=${1:-}
if [[ $# -gt 1 || ( -n $mode && $mode != --sanitize && $mode != --tsan ) ]]; then
  echo "usage: $0 [--sanitize | --tsan]" >&2
  exit 2
fi

if [[ -z $mode ]]; then
  scripts/install-deps.sh --slurm
  scripts/build.sh -DSTABLEDYN_BUILD_BENCH=OFF
  trap 'scripts/slurm-local.sh stop >/dev/null 2>&1 || true' EXIT
  ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
  exit 0
fi

scripts/install-deps.sh --clang
export QT_QPA_PLATFORM=offscreen
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

if [[ $mode == --sanitize ]]; then
  stage "ASan + UBSan: configure and build (build-asan)"
  source scripts/sanitizers/configure-asan.sh
  cmake --build build-asan --parallel "$(nproc)"
  stage "ASan + UBSan: ctest"
  # intercept_tls_get_addr=0: clang 14's LeakSanitizer misreads glibc 2.36's dynamic TLS of dlopen'ed plugins and
  # crashes at exit ("Tracer caught signal 11", DTLS with a bogus range); leak checking itself stays on.
  ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=0:intercept_tls_get_addr=0" \
  LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0" \
    ctest --test-dir build-asan --output-on-failure --parallel "$(nproc)" --timeout 1500 -LE 'python|slurm'
fi

stage "TSan: configure and build the threaded tests (build-tsan)"
tsan_tests=(test_experiment_runner test_nn_trainer test_thread_pool test_threads_determinism
            test_background_work test_training_responsiveness test_sweep_view test_studio_views)
CC=clang CXX=clang++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DSTABLEDYN_TSAN=ON -DSTABLEDYN_BUILD_BENCH=OFF -DSTABLEDYN_BUILD_PYTHON=OFF ${STABLEDYN_CMAKE_EXTRA:-} >/dev/null
cmake --build build-tsan --parallel "$(nproc)" --target "${tsan_tests[@]}"
stage "TSan: ctest"
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/scripts/sanitizers/tsan.supp" \
  ctest --test-dir build-tsan --output-on-failure --timeout 1500 -R "^($(IFS='|'; echo "${tsan_tests[*]}"))\$"
stage "sanitizers done"
