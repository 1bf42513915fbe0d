# Sourced by scripts/test.sh --sanitize and scripts/fuzz.sh: configures build-asan, the one clang folder for
# the ASan + UBSan test suite and the libFuzzer harnesses (every library is built once for both). With the
# studio and its tests (SANITIZE_GUI=OFF leaves them out); without the Python module and the benchmarks.
# -O1, ASan's recommended level: a fifth less build time than -O3 (docs/RELIABILITY.md, "Sanitizers").
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DSTABLEDYN_SANITIZE=ON -DSTABLEDYN_FUZZ=ON -DSTABLEDYN_BUILD_BENCH=OFF -DSTABLEDYN_BUILD_PYTHON=OFF \
  -DSTABLEDYN_BUILD_GUI="${SANITIZE_GUI:-ON}" ${STABLEDYN_CMAKE_EXTRA:-} >/dev/null
