#pragma once
// Shared pieces of the bench programs: the timing loop, running the PyTorch twin, the allocator switch.
#include "core/autodiff/gemm.h"
#include "core/common/allocator_tuning.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

namespace sd::bench {

/// Calls `f` `warmups` times, then runs 3 rounds of repeated calls lasting ≥ minSeconds each; returns the
/// best round's seconds per call.
inline double bestSecondsPerCall(const std::function<void()>& f, double minSeconds, int warmups) {
    using Clock = std::chrono::steady_clock;
    for (int i = 0; i < warmups; ++i) f();
    double best = 1e300;
    for (int round = 0; round < 3; ++round) {
        long n = 0;
        const auto t0 = Clock::now();
        double elapsed = 0;
        do {
            f();
            ++n;
            elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
        } while (elapsed < minSeconds);
        best = std::min(best, elapsed / double(n));
    }
    return best;
}

/// Exactly `calls` calls after one warm-up call; returns seconds per call. For instruction counting under
/// callgrind, where the timed loops above would run for ages.
inline double fixedSecondsPerCall(const std::function<void()>& f, int calls) {
    using Clock = std::chrono::steady_clock;
    f();
    const auto t0 = Clock::now();
    for (int i = 0; i < calls; ++i) f();
    return std::chrono::duration<double>(Clock::now() - t0).count() / std::max(1, calls);
}

/// Standard output of a shell command (empty if it could not be started).
inline std::string commandOutput(const std::string& cmd) {
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[4096];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        pclose(p);
    }
    return out;
}

/// The tuned allocator (what the CLI and the studio use) unless argv holds --default-allocator, which
/// measures glibc's defaults; and the matrix-product kernel of sd::ad::gemm: the best for the CPU unless argv
/// holds --gemm portable|avx2|avx512. Call first in main().
inline void applyAllocatorChoice(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], "--gemm")) {
            const std::string k = argv[i + 1];
            sd::ad::setGemmKernel(k == "portable" ? sd::ad::GemmKernel::Portable
                                  : k == "avx2"   ? sd::ad::GemmKernel::Avx2
                                                  : sd::ad::GemmKernel::Avx512);
        }
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--default-allocator")) return;
    sd::tuneAllocatorForTensors();
}

/// The gemm kernel in use, for the JSON lines ("portable", "avx2", "avx512").
inline std::string gemmKernelName() { return sd::ad::gemmKernelName(sd::ad::gemmKernel()); }

}  // namespace sd::bench
