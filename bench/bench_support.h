#pragma once
// Shared pieces of the bench programs: the timing loop, running the PyTorch twin, the allocator switch.
#include "core/autodiff/gemm.h"
#include "core/common/allocator_tuning.h"
#include "core/common/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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
/// holds --gemm portable|avx2|avx512. Also sets ONE compute thread (sd::setComputeThreads): a bench measures a
/// single thread unless it asks for more (threadCounts). Call first in main().
inline void applyAllocatorChoice(int argc, char** argv) {
    sd::setComputeThreads(1);
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

/// The thread counts of `--threads 1,2` in argv (default {1}); a bench measures each in turn, setting
/// sd::setComputeThreads and passing the same count to its PyTorch twin (torch.set_num_threads).
inline std::vector<int> threadCounts(int argc, char** argv) {
    std::vector<int> counts;
    for (int i = 1; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], "--threads")) {
            std::stringstream list(argv[i + 1]);
            for (std::string item; std::getline(list, item, ',');)
                if (const int n = std::atoi(item.c_str()); n > 0) counts.push_back(n);
        }
    if (counts.empty()) counts.push_back(1);
    return counts;
}

/// The 1-minute load average (/proc/loadavg; -1 where unavailable): recorded beside every measurement, since
/// the machine is shared.
inline double loadAverage() {
    std::ifstream in("/proc/loadavg");
    double one = -1;
    in >> one;
    return in ? one : -1.0;
}

/// The gemm kernel in use, for the JSON lines ("portable", "avx2", "avx512").
inline std::string gemmKernelName() { return sd::ad::gemmKernelName(sd::ad::gemmKernel()); }

}  // namespace sd::bench
