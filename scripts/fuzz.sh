#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan + UBSan, in build-asan — the folder that
# `scripts/test.sh --sanitize` also uses) and runs each for SECONDS (default 60), at most FUZZ_JOBS (default
# 2) at a time, niced. Seeds: the project's own writers (fuzz_seeds), its JSON plans and manifests, and the
# committed inputs of tests/fuzz/corpus/<harness>/ (regression reproducers included). The growing corpus is
# kept in build-asan/fuzz/corpus/; crashes go to build-asan/fuzz/artifacts/; logs to build-asan/fuzz/logs/.
# Usage: scripts/fuzz.sh [SECONDS] [HARNESS...]     (harness names without the fuzz_ prefix, e.g. csv npz)
# FUZZ_SEED=N fixes libFuzzer's random seed (CI: the same mutations each run); 0 (default) draws one.
# Exit status 1 if any harness found a crash, a leak, a timeout (10 s per input) or an out-of-memory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-60}
[[ $# -gt 0 ]] && shift
all=(csv npz dataset_json manifest model video session plan)
harnesses=("$@")
[[ ${#harnesses[@]} -eq 0 ]] && harnesses=("${all[@]}")
jobs=${FUZZ_JOBS:-2}

scripts/install-deps.sh --clang
source scripts/sanitizers/configure-asan.sh
cmake --build build-asan --parallel "$(nproc)" --target fuzzers stabledyn_plugin_lyapunov_net stabledyn_plugin_ren \
  stabledyn_plugin_stable_opinf stabledyn_plugin_vae_latent

fz=build-asan/fuzz
rm -rf "$fz/seeds" && mkdir -p "$fz/seeds" "$fz/corpus" "$fz/artifacts" "$fz/logs"
QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0 "$fz/fuzz_seeds" "$fz/seeds" >/dev/null
mkdir -p "$fz/seeds/manifest" "$fz/seeds/plan"
cp datasets/*.json "$fz/seeds/manifest/"
find studies docs tests/core/experiment -name '*.json' -exec grep -l '"stabledyn-experiment-plan"' {} + |
  while read -r f; do cp "$f" "$fz/seeds/plan/$(echo "$f" | tr / _)"; done

export ASAN_OPTIONS="allocator_may_return_null=1:detect_leaks=1:symbolize=1:intercept_tls_get_addr=0"   # see scripts/test.sh
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export QT_QPA_PLATFORM=offscreen

run_one() {
  local h=$1
  local seeds=()
  for d in "$fz/seeds/$h" "tests/fuzz/corpus/$h"; do [[ -d $d ]] && seeds+=("$d"); done
  mkdir -p "$fz/corpus/$h"
  nice -n "${FUZZ_NICE:-19}" "$fz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -seed="${FUZZ_SEED:-0}" \
    -print_final_stats=1 -artifact_prefix="$fz/artifacts/$h-" "$fz/corpus/$h" "${seeds[@]}" \
    >"$fz/logs/$h.log" 2>&1
}

declare -A pid_of
status=0
for h in "${harnesses[@]}"; do
  [[ -x $fz/fuzz_$h ]] || { echo "fuzz.sh: no harness fuzz_$h (have: ${all[*]})" >&2; exit 2; }
  while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do wait -n || true; done
  run_one "$h" &
  pid_of[$h]=$!
done
for h in "${harnesses[@]}"; do
  if wait "${pid_of[$h]}"; then result=ok; else result=FAILED; status=1; fi
  stats=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "$fz/logs/$h.log" | tail -1 | sed -E 's/^#([0-9]+)\s+\S+\s+/runs \1 /')
  printf '%-13s %-6s %s\n' "$h" "$result" "$stats"
  [[ $result == ok ]] || grep -E 'ERROR|FINDING|Test unit written' "$fz/logs/$h.log" | head -5 | sed 's/^/    /'
done
exit $status
