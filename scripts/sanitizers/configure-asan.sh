# Sourced by scripts/test.sh --sanitize and scripts/fuzz.sh: configures build-asan, the one clang folder for
# the ASan + UBSan test suite and the libFuzzer harnesses (every library is built once for both). Without
# the GUI (and its tests), the Python module and the benchmarks: see docs/RELIABILITY.md for why and for
# the CI time this buys.
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSTABLEDYN_SANITIZE=ON -DSTABLEDYN_FUZZ=ON -DSTABLEDYN_BUILD_BENCH=OFF -DSTABLEDYN_BUILD_PYTHON=OFF \
  -DSTABLEDYN_BUILD_GUI="${SANITIZE_GUI:-ON}" ${STABLEDYN_CMAKE_EXTRA:-} >/dev/null
